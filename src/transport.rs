//! What every generated client runs a request through: retries and tracing.
//!
//! A generated client holds a [`Transport`] as its inner value; the provider module implements
//! progenitor's `ClientHooks::exec` with `Transport::execute`, so every operation, called
//! through `.send()` or through a page stream, gets the same retry policy and the same spans.
//!
//! An attempt ends when the whole body has been read: a body cut short or stalled past the
//! timeout is retried like a failed connection. The response handed on holds the body in memory;
//! one that could not be read whole carries what went wrong, which the `post` hook turns into
//! [`crate::Error::Body`] (through `Error::from_operation`).

use std::time::Instant;

use reqwest::StatusCode;
use tracing::Instrument;

use crate::retry::{Decision, Outcome, RetryPolicy};
use crate::Provider;

/// The part of a client that runs requests: which provider it talks to and how it retries.
#[derive(Clone, Debug)]
pub struct Transport {
    provider: Provider,
    retry: RetryPolicy,
}

impl Transport {
    pub(crate) fn new(provider: Provider, retry: RetryPolicy) -> Self {
        Self { provider, retry }
    }

    /// The provider this transport talks to.
    pub fn provider(&self) -> Provider {
        self.provider
    }

    /// The retry policy in force.
    pub fn retry_policy(&self) -> &RetryPolicy {
        &self.retry
    }

    /// Sends `request`, retrying as the policy says, and returns the last response (its whole
    /// body read into memory) or error.
    pub(crate) async fn execute(
        &self,
        http: &reqwest::Client,
        request: reqwest::Request,
        operation: &'static str,
    ) -> reqwest::Result<reqwest::Response> {
        let started = Instant::now();
        let mut request = request;
        let mut attempt: u32 = 1;
        loop {
            // Every operation is a GET without a body, so the copy always succeeds; a request
            // that could not be copied is sent once.
            let next = request.try_clone();
            let span = tracing::debug_span!(
                "usage_request",
                provider = %self.provider,
                operation,
                attempt,
                status = tracing::field::Empty,
                latency_ms = tracing::field::Empty,
            );
            let sent = Instant::now();
            // The body is read here, inside the attempt, so that a cut or a stall is retried;
            // the quota check below and `check_error_body` look at error bodies.
            let result = read_whole(http.execute(request).instrument(span.clone()).await)
                .instrument(span.clone())
                .await;
            span.record("latency_ms", sent.elapsed().as_millis() as u64);
            let outcome = match &result {
                Ok(response) if response.extensions().get::<BodyFailure>().is_some() => {
                    span.record("status", response.status().as_u16());
                    Outcome::Transport
                }
                Ok(response) => {
                    span.record("status", response.status().as_u16());
                    if self.provider == Provider::OpenAi && is_out_of_quota(response) {
                        Outcome::Final
                    } else {
                        Outcome::Status(response.status())
                    }
                }
                Err(error)
                    if error.is_timeout()
                        || error.is_connect()
                        || error.is_request()
                        || error.is_body() =>
                {
                    Outcome::Transport
                }
                Err(_) => Outcome::Final,
            };
            let Some(next) = next else { return result };
            let headers = result.as_ref().ok().map(|r| r.headers());
            match self.retry.decide(
                attempt,
                outcome,
                headers,
                started.elapsed(),
                RetryPolicy::jitter(),
            ) {
                Decision::Stop => return result,
                Decision::RetryAfter(wait) => {
                    tracing::debug!(
                        parent: &span,
                        wait_ms = wait.as_millis() as u64,
                        "retrying after a retryable outcome"
                    );
                    tokio::time::sleep(wait).await;
                    request = next;
                    attempt = attempt.saturating_add(1);
                }
            }
        }
    }
}

/// Removes what progenitor adds to every request but no provider documents (`api-version`).
pub(crate) fn clean_request(request: &mut reqwest::Request) {
    request.headers_mut().remove("api-version");
}

/// Turns what the generated code cannot report well into `UnexpectedResponse`, which keeps
/// status, headers and body, for [`crate::Error::from_operation`]:
///
/// - a body that could not be read whole (it carries a [`BodyFailure`]);
/// - an error status whose body is not the provider's error schema (an HTML page from a proxy,
///   an empty body, unexpected JSON). Without this, progenitor would fail to decode it as the
///   error schema and report only a JSON error, losing the status.
// The error type is progenitor's, as the `post` hook's signature requires.
#[allow(clippy::result_large_err)]
pub(crate) fn check_error_body<Expected: serde::de::DeserializeOwned, E>(
    result: &reqwest::Result<reqwest::Response>,
) -> Result<(), progenitor_client::Error<E>> {
    let Ok(response) = result else { return Ok(()) };
    let extensions = response.extensions();
    let body = match (
        extensions.get::<BodyFailure>(),
        extensions.get::<ErrorBody>(),
    ) {
        (Some(failure), _) => failure.partial.clone(),
        (None, Some(ErrorBody(body))) if crate::json::from_slice::<Expected>(body).is_err() => {
            body.clone()
        }
        _ => return Ok(()),
    };
    let mut copy = http::Response::new(body);
    *copy.status_mut() = response.status();
    *copy.headers_mut() = response.headers().clone();
    *copy.extensions_mut() = extensions.clone();
    Err(progenitor_client::Error::UnexpectedResponse(
        reqwest::Response::from(copy),
    ))
}

/// The buffered body of an error response.
#[derive(Clone)]
struct ErrorBody(bytes::Bytes);

/// Why a response body could not be read whole, carried on the response in place of the body.
#[derive(Clone, Debug)]
pub(crate) struct BodyFailure {
    /// Whether the read outlasted the timeout (otherwise the connection was cut).
    pub(crate) timeout: bool,
    /// The bytes received before the failure.
    pub(crate) received: u64,
    /// The length the server announced, if it did.
    pub(crate) expected: Option<u64>,
    /// The innermost cause of the failure.
    pub(crate) cause: String,
    /// What was received.
    partial: bytes::Bytes,
}

/// Reads the whole body of a response into memory and hands on a response that holds it, with
/// the same status, version, headers and extensions. A body that fails part way gives a response
/// with what was received and a [`BodyFailure`]; an error status's body is also kept as an
/// [`ErrorBody`] for [`check_error_body`] and the quota check.
async fn read_whole(
    result: reqwest::Result<reqwest::Response>,
) -> reqwest::Result<reqwest::Response> {
    let mut response = result?;
    let expected = response.content_length();
    let mut chunks: Vec<bytes::Bytes> = Vec::new();
    let mut received: u64 = 0;
    // Counted chunk by chunk, so that a failure can say how far the body got.
    let failure = loop {
        match response.chunk().await {
            Ok(Some(chunk)) => {
                received = received.saturating_add(chunk.len() as u64);
                chunks.push(chunk);
            }
            Ok(None) => break None,
            Err(error) => {
                let error = error.without_url();
                break Some((error.is_timeout(), crate::error::root_cause(&error)));
            }
        }
    };
    let body = match chunks.len() {
        // A body of one chunk is kept as is, without a copy.
        0 | 1 => chunks.pop().unwrap_or_default(),
        _ => bytes::Bytes::from(chunks.concat()),
    };
    let status = response.status();
    let mut rebuilt = http::Response::new(body.clone());
    *rebuilt.status_mut() = status;
    *rebuilt.version_mut() = response.version();
    *rebuilt.headers_mut() = std::mem::take(response.headers_mut());
    *rebuilt.extensions_mut() = std::mem::take(response.extensions_mut());
    match failure {
        Some((timeout, cause)) => {
            rebuilt.extensions_mut().insert(BodyFailure {
                timeout,
                received,
                expected,
                cause,
                partial: body,
            });
        }
        None if status.is_client_error() || status.is_server_error() => {
            rebuilt.extensions_mut().insert(ErrorBody(body));
        }
        None => {}
    }
    Ok(reqwest::Response::from(rebuilt))
}

/// Whether a buffered OpenAI 429 says the quota is exhausted (`insufficient_quota`): waiting
/// does not help then, so it is not retried.
fn is_out_of_quota(response: &reqwest::Response) -> bool {
    if response.status() != StatusCode::TOO_MANY_REQUESTS {
        return false;
    }
    let Some(ErrorBody(body)) = response.extensions().get::<ErrorBody>() else {
        return false;
    };
    serde_json::from_slice::<serde_json::Value>(body)
        .ok()
        .and_then(|value| {
            let error = value.get("error")?;
            let is =
                |key: &str| error.get(key).and_then(|v| v.as_str()) == Some("insufficient_quota");
            Some(is("code") || is("type"))
        })
        .unwrap_or(false)
}
