//! What every generated client runs a request through: auth, retries and tracing.
//!
//! A generated client holds a [`Transport`] as its inner value; the `provider_client!` macro
//! implements progenitor's `ClientHooks::exec` with `Transport::execute`, so every operation,
//! called through `.send()` or through a page walk, gets the same headers, retry policy and
//! spans. The auth headers (marked sensitive), the user agent and the timeout are put on each
//! request, not on the HTTP client, so that one `reqwest::Client` can serve every provider.
//!
//! An attempt ends when the whole body has been read: a body cut short or stalled past the
//! timeout is retried like a failed connection. The response handed on holds the body in memory
//! and carries a [`Received`] (the body and the operation's name); one that could not be read
//! whole also carries a [`BodyFailure`], which the `post` hook turns into
//! [`crate::Error::Body`].

use std::fmt;
use std::time::{Duration, Instant};

use reqwest::header::HeaderMap;
use tracing::Instrument;

use crate::error::{BodyFailure, Received};
use crate::money::AmountUnit;
use crate::provider::Rules;
use crate::retry::{Decision, Outcome, RetryPolicy};

/// The part of a client that runs requests: the provider's rules, the headers every request
/// carries, the timeout of an attempt and the retry policy.
#[derive(Clone)]
pub(crate) struct Transport {
    rules: Rules,
    retry: RetryPolicy,
    headers: HeaderMap,
    timeout: Duration,
    amount_unit: AmountUnit,
}

impl fmt::Debug for Transport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The headers are left out: they hold the key.
        f.debug_struct("Transport")
            .field("provider", &self.rules.provider)
            .field("retry", &self.retry)
            .field("timeout", &self.timeout)
            .finish_non_exhaustive()
    }
}

impl Transport {
    pub(crate) fn new(
        rules: Rules,
        retry: RetryPolicy,
        headers: HeaderMap,
        timeout: Duration,
        amount_unit: AmountUnit,
    ) -> Self {
        Self {
            rules,
            retry,
            headers,
            timeout,
            amount_unit,
        }
    }

    /// The unit the client's amounts are read in ([`crate::ProviderSpec::amount_unit`]).
    pub(crate) fn amount_unit(&self) -> AmountUnit {
        self.amount_unit
    }

    /// The retry policy in force.
    pub(crate) fn retry_policy(&self) -> &RetryPolicy {
        &self.retry
    }

    /// Puts the configured headers and timeout on `request`. The configured headers replace
    /// any of the same name; a timeout already set on the request is kept.
    fn prepare(&self, request: &mut reqwest::Request) {
        for (name, value) in &self.headers {
            request.headers_mut().insert(name.clone(), value.clone());
        }
        if request.timeout().is_none() {
            *request.timeout_mut() = Some(self.timeout);
        }
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
        self.prepare(&mut request);
        let mut attempt: u32 = 1;
        loop {
            // Every operation is a GET without a body, so the copy always succeeds; a request
            // that could not be copied is sent once.
            let next = request.try_clone();
            let span = tracing::debug_span!(
                "usage_request",
                provider = %self.rules.provider,
                operation,
                attempt,
                status = tracing::field::Empty,
                latency_ms = tracing::field::Empty,
            );
            let sent = Instant::now();
            // The body is read here, inside the attempt, so that a cut or a stall is retried;
            // the final-answer check below and `check_error_body` look at error bodies.
            let result = read_whole(
                http.execute(request).instrument(span.clone()).await,
                operation,
            )
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
                    if self.is_permanent(response) {
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
                self.rules.rate_limit_reset,
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

    /// Whether the provider says a buffered error answer is final (OpenAI's exhausted quota):
    /// waiting does not help then, so it is not retried.
    fn is_permanent(&self, response: &reqwest::Response) -> bool {
        let status = response.status();
        if !(status.is_client_error() || status.is_server_error()) {
            return false;
        }
        let Some(received) = response.extensions().get::<Received>() else {
            return false;
        };
        let Ok(body) = serde_json::from_slice::<serde_json::Value>(&received.body) else {
            return false;
        };
        (self.rules.is_permanent)(status, &(self.rules.error_details)(&body))
    }
}

/// Removes what progenitor adds to every request but no provider documents (`api-version`).
pub(crate) fn clean_request(request: &mut reqwest::Request) {
    request.headers_mut().remove("api-version");
}

/// Turns what the generated code cannot report well into `UnexpectedResponse`, which keeps
/// status, headers and body, for the conversion into [`crate::Error`]:
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
    let status = response.status();
    let body = match (
        extensions.get::<BodyFailure>(),
        extensions.get::<Received>(),
    ) {
        (Some(_), Some(received)) => received.body.clone(),
        (None, Some(received))
            if (status.is_client_error() || status.is_server_error())
                && crate::json::from_slice::<Expected>(&received.body).is_err() =>
        {
            received.body.clone()
        }
        _ => return Ok(()),
    };
    let mut copy = http::Response::new(body);
    *copy.status_mut() = status;
    *copy.headers_mut() = response.headers().clone();
    *copy.extensions_mut() = extensions.clone();
    Err(progenitor_client::Error::UnexpectedResponse(
        reqwest::Response::from(copy),
    ))
}

/// Reads the whole body of a response into memory and hands on a response that holds it, with
/// the same status, version, headers and extensions, plus a [`Received`] (the body and
/// `operation`). A body that fails part way gives a response with what was received and a
/// [`BodyFailure`].
async fn read_whole(
    result: reqwest::Result<reqwest::Response>,
    operation: &'static str,
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
    let mut rebuilt = http::Response::new(body.clone());
    *rebuilt.status_mut() = response.status();
    *rebuilt.version_mut() = response.version();
    *rebuilt.headers_mut() = std::mem::take(response.headers_mut());
    *rebuilt.extensions_mut() = std::mem::take(response.extensions_mut());
    rebuilt
        .extensions_mut()
        .insert(Received { body, operation });
    if let Some((timeout, cause)) = failure {
        rebuilt.extensions_mut().insert(BodyFailure {
            timeout,
            received,
            expected,
            cause,
        });
    }
    Ok(reqwest::Response::from(rebuilt))
}
