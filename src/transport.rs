//! What every generated client runs a request through: retries and tracing.
//!
//! A generated client holds a [`Transport`] as its inner value; the provider module implements
//! progenitor's `ClientHooks::exec` with [`Transport::execute`], so every operation, called
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
            let mut result = http.execute(request).instrument(span.clone()).await;
            span.record("latency_ms", sent.elapsed().as_millis() as u64);
            let outcome = match &mut result {
                Ok(response) => {
                    span.record("status", response.status().as_u16());
                    if self.provider == Provider::OpenAi
                        && response.status() == StatusCode::TOO_MANY_REQUESTS
                    {
                        match inspect_quota(std::mem::replace(response, empty_response())).await {
                            Ok((rebuilt, out_of_quota)) => {
                                *response = rebuilt;
                                if out_of_quota {
                                    Outcome::Final
                                } else {
                                    Outcome::Status(StatusCode::TOO_MANY_REQUESTS)
                                }
                            }
                            Err(error) => {
                                result = Err(error);
                                Outcome::Transport
                            }
                        }
                    } else {
                        Outcome::Status(response.status())
                    }
                }
                Err(error) if error.is_timeout() || error.is_connect() || error.is_request() => {
                    Outcome::Transport
                }
                Err(_) => Outcome::Final,
            };
            let Some(next) = next else { return result };
            let headers = result.as_ref().ok().map(|r| r.headers());
            match self.retry.decide(attempt, outcome, headers, started.elapsed(), RetryPolicy::jitter()) {
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

fn empty_response() -> reqwest::Response {
    reqwest::Response::from(http::Response::new(Vec::<u8>::new()))
}

/// Reads an OpenAI 429 body to tell a rate limit (retry) from an exhausted quota (do not), and
/// gives back an equivalent response for the caller to decode.
async fn inspect_quota(response: reqwest::Response) -> reqwest::Result<(reqwest::Response, bool)> {
    let status = response.status();
    let version = response.version();
    let headers = response.headers().clone();
    let body = response.bytes().await?;
    let out_of_quota = serde_json::from_slice::<serde_json::Value>(&body)
        .ok()
        .and_then(|value| {
            let error = value.get("error")?;
            let is = |key: &str| error.get(key).and_then(|v| v.as_str()) == Some("insufficient_quota");
            Some(is("code") || is("type"))
        })
        .unwrap_or(false);
    let mut rebuilt = http::Response::new(body);
    *rebuilt.status_mut() = status;
    *rebuilt.version_mut() = version;
    *rebuilt.headers_mut() = headers;
    Ok((reqwest::Response::from(rebuilt), out_of_quota))
}
