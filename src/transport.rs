//! What every generated client runs a request through: retries and tracing.
//!
//! A generated client holds a [`Transport`] as its inner value; the provider module implements
//! progenitor's `ClientHooks::exec` with `Transport::execute`, so every operation, called
//! through `.send()` or through a page stream, gets the same retry policy and the same spans.

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

    /// Sends `request`, retrying as the policy says, and returns the last response or error.
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
            // Error bodies are read here, once: the quota check below and `check_error_body`
            // both look at them.
            let result =
                buffer_error_body(http.execute(request).instrument(span.clone()).await).await;
            span.record("latency_ms", sent.elapsed().as_millis() as u64);
            let outcome = match &result {
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
                    attempt += 1;
                }
            }
        }
    }
}

/// Removes what progenitor adds to every request but no provider documents (`api-version`).
pub(crate) fn clean_request(request: &mut reqwest::Request) {
    request.headers_mut().remove("api-version");
}

/// Turns an error status whose body is not the provider's error schema (an HTML page from a
/// proxy, an empty body, unexpected JSON) into `UnexpectedResponse`, which keeps status, headers
/// and body. Without this, progenitor would fail to decode it as the error schema and report only
/// a JSON error, losing the status.
// The error type is progenitor's, as the `post` hook's signature requires.
#[allow(clippy::result_large_err)]
pub(crate) fn check_error_body<Expected: serde::de::DeserializeOwned, E>(
    result: &reqwest::Result<reqwest::Response>,
) -> Result<(), progenitor_client::Error<E>> {
    let Ok(response) = result else { return Ok(()) };
    match response.extensions().get::<ErrorBody>() {
        Some(ErrorBody(body)) if crate::json::from_slice::<Expected>(body).is_err() => {
            let mut copy = http::Response::new(body.clone());
            *copy.status_mut() = response.status();
            *copy.headers_mut() = response.headers().clone();
            Err(progenitor_client::Error::UnexpectedResponse(
                reqwest::Response::from(copy),
            ))
        }
        _ => Ok(()),
    }
}

/// The buffered body of an error response.
#[derive(Clone)]
struct ErrorBody(bytes::Bytes);

/// Reads the body of an error response into memory (error bodies are small) so that
/// [`check_error_body`] can look at it; success bodies stream on untouched.
async fn buffer_error_body(
    result: reqwest::Result<reqwest::Response>,
) -> reqwest::Result<reqwest::Response> {
    let response = match result {
        Ok(response)
            if response.status().is_client_error() || response.status().is_server_error() =>
        {
            response
        }
        other => return other,
    };
    let status = response.status();
    let version = response.version();
    let headers = response.headers().clone();
    let body = response.bytes().await?;
    let mut rebuilt = http::Response::new(body.clone());
    *rebuilt.status_mut() = status;
    *rebuilt.version_mut() = version;
    *rebuilt.headers_mut() = headers;
    rebuilt.extensions_mut().insert(ErrorBody(body));
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
