//! The one error type of the hand-written layer, and the conversion from what a generated
//! operation returns.

use std::fmt;
use std::time::Duration;

use reqwest::header::HeaderMap;
use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::config::ProviderSettings;
use crate::transport::BodyFailure;
use crate::Provider;

/// Everything that can go wrong in this crate's clients. `Display` is one sentence; neither it
/// nor `Debug` ever contains a key.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// No key was given for a provider.
    #[error("no {provider} key: set the environment variable {variable}")]
    MissingCredentials {
        /// The provider without a key.
        provider: Provider,
        /// The variable that was read.
        variable: &'static str,
    },
    /// A configuration value cannot be used (a key with a line break, a bad header value).
    #[error("invalid {provider} configuration: {message}")]
    InvalidConfig {
        /// The provider being configured.
        provider: Provider,
        /// What is wrong; never contains a key.
        message: String,
    },
    /// The API answered with an error status.
    #[error(transparent)]
    Api(Box<ApiError>),
    /// No answer: the connection failed or the request timed out (after the retries). `Display`
    /// names the root cause (`connection refused`, `operation timed out`).
    #[error("{provider} {operation}: {}: {}", if *.timeout { "the request timed out" } else { "the request failed" }, causes(source))]
    Transport {
        /// The provider called.
        provider: Provider,
        /// The operation called.
        operation: &'static str,
        /// Whether the attempt timed out.
        timeout: bool,
        /// The underlying error.
        #[source]
        source: reqwest::Error,
    },
    /// The server answered, but its body could not be read whole (after the retries): the
    /// connection was cut, or the read outlasted the timeout.
    #[error("{provider} {operation}: HTTP {}: {}", status_text(*.status), body_failure(*.timeout, *.received, *.expected, cause))]
    Body {
        /// The provider called.
        provider: Provider,
        /// The operation called.
        operation: &'static str,
        /// The status the server answered with.
        status: u16,
        /// Whether the read timed out (otherwise the connection was cut).
        timeout: bool,
        /// The bytes of body received before the failure.
        received: u64,
        /// The body length the server announced (`Content-Length`), if any.
        expected: Option<u64>,
        /// The innermost cause (`end of file before message length reached`).
        cause: String,
    },
    /// The server answered with a redirect. Redirects are not followed: the key goes to the
    /// configured base URL only.
    #[error("{provider} {operation}: HTTP {}: {}; redirects are not followed so that the key stays with its origin", status_text(*.status), match .location { Some(location) => format!("redirected to {location}"), None => "a redirect without a location".to_string() })]
    Redirect {
        /// The provider called.
        provider: Provider,
        /// The operation called.
        operation: &'static str,
        /// The redirect status (301, 302, 307…).
        status: u16,
        /// The `Location` header, at most 200 characters.
        location: Option<String>,
    },
    /// A success status whose body is not JSON at all (an HTML page from a proxy or a portal,
    /// an empty body).
    #[error("{provider} {operation}: HTTP {}, but {}", status_text(*.status), not_json(.content_type.as_deref(), excerpt))]
    NotJson {
        /// The provider called.
        provider: Provider,
        /// The operation called.
        operation: &'static str,
        /// The status (2xx).
        status: u16,
        /// The `Content-Type` header, if any.
        content_type: Option<String>,
        /// The start of the body, on one line, at most 200 characters.
        excerpt: String,
        /// What the JSON parser says (`expected value at line 1 column 1`).
        message: String,
    },
    /// The answer did not decode into the operation's type.
    #[error("{provider} {operation}: the response body does not decode at `{path}`: {message}")]
    Decode {
        /// The provider called.
        provider: Provider,
        /// The operation called.
        operation: &'static str,
        /// The JSON path of the value that failed (`data[3].results[0].amount.value`).
        path: String,
        /// What is wrong there.
        message: String,
    },
    /// The request was not sent because it is incomplete (a required parameter is missing).
    #[error("{provider} {operation}: invalid request: {message}")]
    InvalidRequest {
        /// The provider.
        provider: Provider,
        /// The operation.
        operation: &'static str,
        /// What is missing or wrong.
        message: String,
    },
    /// A paginated walk cannot go on without risking a loop, a page counted twice or a silent
    /// gap (a cursor cycle, "more pages" without a cursor, a server that ignores the offset, the
    /// ceiling on pages). The items already yielded stay valid; the walk is incomplete.
    #[error("{provider} {operation}: the walk stopped after the page at {page}: {problem}")]
    Paging {
        /// The provider.
        provider: Provider,
        /// The operation.
        operation: &'static str,
        /// The page whose answer stopped the walk: `the first page`, `cursor "…"`, `offset 1500`,
        /// `page 3`.
        page: crate::paging::PageCursor,
        /// Where the walk would go on, when going on is safe: the next page past the ceiling
        /// ([`PagingProblem::TooManyPages`](crate::paging::PagingProblem::TooManyPages)); `None`
        /// when the server's answer cannot be followed.
        next: Option<crate::paging::PageCursor>,
        /// What is wrong.
        problem: crate::paging::PagingProblem,
    },
    /// A page of a paginated walk failed; the items already yielded stay valid.
    #[error("{provider} {operation}: fetching the page at {page} failed: {source}")]
    Page {
        /// The provider.
        provider: Provider,
        /// The operation.
        operation: &'static str,
        /// Which page: `the first page`, `cursor "…"`, `offset 1500`, `page 3`; a walk resumed
        /// from it (`.resume_from(page)` on the builder) starts with that page.
        page: crate::paging::PageCursor,
        /// Why.
        #[source]
        source: Box<Error>,
    },
}

impl Error {
    /// Where a walk that ended with this error can resume: the page that failed
    /// ([`Error::Page`]), or the next page of a walk stopped by its ceiling ([`Error::Paging`]).
    /// Pass it to `.resume_from(cursor)` of the same request to fetch the rest.
    pub fn resume_from(&self) -> Option<&crate::paging::PageCursor> {
        match self {
            Error::Page { page, .. } => Some(page),
            Error::Paging { next, .. } => next.as_ref(),
            _ => None,
        }
    }

    /// The HTTP status, if the server answered.
    pub fn status(&self) -> Option<u16> {
        match self {
            Error::Api(api) => Some(api.status),
            Error::Body { status, .. }
            | Error::Redirect { status, .. }
            | Error::NotJson { status, .. } => Some(*status),
            Error::Page { source, .. } => source.status(),
            _ => None,
        }
    }

    /// The API error, if the server answered with an error status.
    pub fn api(&self) -> Option<&ApiError> {
        match self {
            Error::Api(api) => Some(api),
            Error::Page { source, .. } => source.api(),
            _ => None,
        }
    }

    /// The request id the provider gave (`x-request-id`, Northflank `error.id`, Phala
    /// `request_id`), if the server answered with an error status and one.
    pub fn request_id(&self) -> Option<&str> {
        self.api().and_then(|api| api.request_id.as_deref())
    }

    /// The wait the server asked for (`Retry-After`, and on a 429 the rate-limit resets), if any.
    pub fn retry_after(&self) -> Option<Duration> {
        self.api().and_then(|api| api.retry_after)
    }

    /// Whether trying the same request again later may succeed: a status the retry policy
    /// retries (but not OpenAI's exhausted quota), a failed connection, a body cut or stalled.
    /// The client has already retried these as its [`RetryPolicy`](crate::RetryPolicy) allows.
    pub fn is_retryable(&self) -> bool {
        use crate::retry::{Outcome, RetryPolicy};
        match self {
            Error::Api(api) => {
                let out_of_quota = api.code.as_deref() == Some("insufficient_quota")
                    || api.kind.as_deref() == Some("insufficient_quota");
                !out_of_quota
                    && reqwest::StatusCode::from_u16(api.status)
                        .is_ok_and(|status| RetryPolicy::is_retryable(Outcome::Status(status)))
            }
            Error::Transport { .. } | Error::Body { .. } => true,
            Error::Page { source, .. } => source.is_retryable(),
            _ => false,
        }
    }

    /// Whether this is a timeout.
    pub fn is_timeout(&self) -> bool {
        match self {
            Error::Transport { timeout, .. } | Error::Body { timeout, .. } => *timeout,
            Error::Page { source, .. } => source.is_timeout(),
            _ => false,
        }
    }

    /// Converts what a generated operation's `.send()` returned into this error. `T` is the
    /// operation's success type: a body that fails to decode is decoded again into `T` to find the
    /// JSON path that failed.
    pub async fn from_operation<P, E, T>(
        operation: &'static str,
        error: progenitor_client::Error<E>,
    ) -> Error
    where
        P: ProviderSettings,
        E: Serialize,
        T: DeserializeOwned,
    {
        use progenitor_client::Error as Op;
        let provider = P::PROVIDER;
        match error {
            Op::ErrorResponse(response) => {
                let status = response.status().as_u16();
                let headers = response.headers().clone();
                let body = serde_json::to_value(response.into_inner()).unwrap_or_default();
                Error::Api(Box::new(ApiError::from_json::<P>(
                    operation, status, &headers, body,
                )))
            }
            Op::UnexpectedResponse(response) => {
                let status = response.status();
                let headers = response.headers().clone();
                if let Some(failure) = response.extensions().get::<BodyFailure>() {
                    return Error::Body {
                        provider,
                        operation,
                        status: status.as_u16(),
                        timeout: failure.timeout,
                        received: failure.received,
                        expected: failure.expected,
                        cause: failure.cause.clone(),
                    };
                }
                if status.is_redirection() {
                    return Error::Redirect {
                        provider,
                        operation,
                        status: status.as_u16(),
                        location: header_text(&headers, reqwest::header::LOCATION.as_str())
                            .map(|location| shorten(location, 200)),
                    };
                }
                let bytes = match response.bytes().await {
                    Ok(bytes) => bytes,
                    Err(source) => return Error::transport(provider, operation, source),
                };
                if status.is_success() {
                    if let Err(error) = serde_json::from_slice::<serde::de::IgnoredAny>(&bytes) {
                        return Error::NotJson {
                            provider,
                            operation,
                            status: status.as_u16(),
                            content_type: header_text(
                                &headers,
                                reqwest::header::CONTENT_TYPE.as_str(),
                            )
                            .map(|text| shorten(text, 100)),
                            excerpt: excerpt(&bytes),
                            message: error.to_string(),
                        };
                    }
                }
                Error::Api(Box::new(ApiError::from_bytes::<P>(
                    operation,
                    status.as_u16(),
                    &headers,
                    &bytes,
                )))
            }
            Op::InvalidResponsePayload(bytes, error) => {
                let (path, message) = match decode_path::<T>(&bytes) {
                    Some(found) => found,
                    None => (String::from("."), error.to_string()),
                };
                Error::Decode {
                    provider,
                    operation,
                    path,
                    message,
                }
            }
            Op::CommunicationError(source)
            | Op::ResponseBodyError(source)
            | Op::InvalidUpgrade(source) => Error::transport(provider, operation, source),
            Op::InvalidRequest(message) | Op::Custom(message) => Error::InvalidRequest {
                provider,
                operation,
                message,
            },
        }
    }

    fn transport(provider: Provider, operation: &'static str, source: reqwest::Error) -> Error {
        Error::Transport {
            provider,
            operation,
            timeout: source.is_timeout(),
            source: source.without_url(),
        }
    }
}

/// An error and its causes, joined by `: `, each cause once: reqwest's own message says only
/// "error sending request", the cause says what happened ("connection refused").
pub(crate) fn causes(error: &(dyn std::error::Error + 'static)) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        let message = cause.to_string();
        // Some errors repeat their cause in their own message.
        if !message.is_empty() && !text.ends_with(&message) {
            text.push_str(": ");
            text.push_str(&message);
        }
        source = cause.source();
    }
    text
}

/// The innermost cause of an error ("end of file before message length reached"), where
/// reqwest's own layers only say "error decoding response body".
pub(crate) fn root_cause(error: &(dyn std::error::Error + 'static)) -> String {
    let mut innermost = error;
    while let Some(cause) = innermost.source() {
        innermost = cause;
    }
    innermost.to_string()
}

/// `302 Found`, or the bare number for a status without a reason phrase.
fn status_text(status: u16) -> String {
    match reqwest::StatusCode::from_u16(status)
        .ok()
        .and_then(|s| s.canonical_reason())
    {
        Some(reason) => format!("{status} {reason}"),
        None => status.to_string(),
    }
}

/// What a success body that is not JSON looks like.
fn not_json(content_type: Option<&str>, excerpt: &str) -> String {
    let content_type = content_type.unwrap_or("not given");
    if excerpt.is_empty() {
        format!("the body is empty (content type {content_type})")
    } else {
        format!("the body is not JSON (content type {content_type}): {excerpt}")
    }
}

/// What happened to a body that could not be read whole.
fn body_failure(timeout: bool, received: u64, expected: Option<u64>, cause: &str) -> String {
    let bytes = match expected {
        Some(expected) => format!("{received} bytes of the {expected} announced"),
        None => format!("{received} bytes"),
    };
    if timeout {
        format!("timed out reading the body after {bytes}")
    } else {
        format!("the response body was cut after {bytes} ({cause})")
    }
}

/// A header's value as text, if it is visible ASCII.
fn header_text<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers.get(name).and_then(|v| v.to_str().ok())
}

/// At most `max` characters of `text`, with an ellipsis when cut.
fn shorten(text: &str, max: usize) -> String {
    let mut short: String = text.chars().take(max).collect();
    if text.chars().count() > max {
        short.push('…');
    }
    short
}

/// The JSON path and message of the first value in `bytes` that does not decode as `T`.
fn decode_path<T: DeserializeOwned>(bytes: &[u8]) -> Option<(String, String)> {
    let mut deserializer = serde_json::Deserializer::from_slice(bytes);
    match serde_path_to_error::deserialize::<_, T>(&mut deserializer) {
        Ok(_) => None,
        Err(error) => Some((error.path().to_string(), error.inner().to_string())),
    }
}

/// An error status from a provider, with what its error envelope says.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct ApiError {
    /// The provider that answered.
    pub provider: Provider,
    /// The operation called.
    pub operation: &'static str,
    /// The HTTP status.
    pub status: u16,
    /// The provider's message, when the body has one.
    pub message: Option<String>,
    /// The provider's error code (`rate_limit_exceeded`, `error_code`), when given.
    pub code: Option<String>,
    /// The provider's error type or category (`invalid_request_error`), when given.
    pub kind: Option<String>,
    /// The request id (`x-request-id` header, Northflank `error.id`, Phala `request_id`).
    pub request_id: Option<String>,
    /// The wait the server asked for, if any: `Retry-After`, and on a 429 the rate-limit resets.
    pub retry_after: Option<Duration>,
    /// The decoded JSON body, if it was JSON.
    pub body: Option<serde_json::Value>,
    /// The start of a body that is not JSON (an HTML page from a proxy), at most 200 characters.
    pub excerpt: Option<String>,
}

/// What a provider's error envelope says, as read by [`ProviderSettings::describe_error`].
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ErrorDetails {
    /// The human-readable message.
    pub message: Option<String>,
    /// A machine-readable code.
    pub code: Option<String>,
    /// A type or category.
    pub kind: Option<String>,
    /// A request id carried in the body.
    pub request_id: Option<String>,
}

impl ApiError {
    fn from_json<P: ProviderSettings>(
        operation: &'static str,
        status: u16,
        headers: &HeaderMap,
        body: serde_json::Value,
    ) -> Self {
        let details = P::describe_error(&body);
        Self {
            provider: P::PROVIDER,
            operation,
            status,
            message: details.message,
            code: details.code,
            kind: details.kind,
            request_id: header_request_id(headers).or(details.request_id),
            retry_after: crate::retry::requested_delay(
                reqwest::StatusCode::from_u16(status).ok(),
                headers,
                std::time::SystemTime::now(),
            ),
            body: Some(body),
            excerpt: None,
        }
    }

    fn from_bytes<P: ProviderSettings>(
        operation: &'static str,
        status: u16,
        headers: &HeaderMap,
        bytes: &[u8],
    ) -> Self {
        match serde_json::from_slice::<serde_json::Value>(bytes) {
            Ok(body) => Self::from_json::<P>(operation, status, headers, body),
            Err(_) => {
                let mut error =
                    Self::from_json::<P>(operation, status, headers, serde_json::Value::Null);
                error.body = None;
                error.excerpt = Some(excerpt(bytes));
                error
            }
        }
    }
}

fn header_request_id(headers: &HeaderMap) -> Option<String> {
    headers
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
}

/// The first 200 characters of a body, on one line.
fn excerpt(bytes: &[u8]) -> String {
    let text = String::from_utf8_lossy(bytes);
    let one_line = text.split_whitespace().collect::<Vec<_>>().join(" ");
    shorten(&one_line, 200)
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let reason = reqwest::StatusCode::from_u16(self.status)
            .ok()
            .and_then(|s| s.canonical_reason())
            .unwrap_or("");
        write!(
            f,
            "{} {} failed with HTTP {} {}",
            self.provider, self.operation, self.status, reason
        )?;
        match (&self.message, &self.excerpt) {
            (Some(message), _) => write!(f, ": {message}")?,
            (None, Some(excerpt)) if !excerpt.is_empty() => {
                write!(f, "; the body is not JSON: {excerpt}")?
            }
            (None, Some(_)) => write!(f, " with an empty body")?,
            _ => {}
        }
        let mut extra = Vec::new();
        if let Some(code) = &self.code {
            extra.push(format!("code {code}"));
        }
        if let Some(id) = &self.request_id {
            extra.push(format!("request id {id}"));
        }
        if !extra.is_empty() {
            write!(f, " ({})", extra.join(", "))?;
        }
        Ok(())
    }
}

impl std::error::Error for ApiError {}

/// The string at `path` in `value`, if any.
pub(crate) fn string_at(value: &serde_json::Value, path: &[&str]) -> Option<String> {
    let mut current = value;
    for key in path {
        current = current.get(key)?;
    }
    match current {
        serde_json::Value::String(s) => Some(s.clone()),
        serde_json::Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}
