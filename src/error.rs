//! The one error type of the crate, and the conversion from what a generated operation's
//! `.send()` returns.
//!
//! Every provider's `progenitor_client::Error` converts into [`Error`] with `From` (so `?` works on
//! `.send()`); `.fetch()`, the page walks and the cost fetchers use the same conversion. The
//! provider's rules (error envelope, request-id headers, rate-limit headers, final answers) come
//! from its [`ProviderSpec`].

use std::fmt;
use std::time::Duration;

use futures::FutureExt;
use reqwest::header::HeaderMap;
use serde::Serialize;

use crate::cursor::{PageCursor, PagingProblem};
use crate::provider::{header_text, ErrorDetails, Provider, ProviderSpec, Rules};

/// The operation name of an error converted from `.send()`'s error when the error carries no
/// response to read it from (see [`Error`]); [`Error::operation`] gives `None` for it.
const UNKNOWN_OPERATION: &str = "(unknown operation)";

/// Everything that can go wrong in this crate's clients. `Display` is one sentence; neither it
/// nor `Debug` ever contains a key.
///
/// Every provider's `progenitor_client::Error` converts into it (`?` on `.send()`). `.fetch()`,
/// the page walks and the cost fetchers give the same error, with the operation's name. The
/// `?` conversion takes the name from the response when the error holds one (a body that could
/// not be read whole, a redirect, a body that is not JSON, an error body that is not the
/// provider's error schema). An error that holds no response (an error body of the provider's
/// schema, a body of the wrong shape, a failed connection, a refused parameter) cannot name it:
/// its `operation` field reads `(unknown operation)`, which `Display` shows, and
/// [`Error::operation`] is `None`.
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
        page: PageCursor,
        /// Where the walk would go on, when going on is safe: the next page past the ceiling
        /// ([`PagingProblem::TooManyPages`]); `None` when the server's answer cannot be followed.
        next: Option<PageCursor>,
        /// What is wrong.
        problem: PagingProblem,
    },
    /// A source cannot prove that it gave every record of the window (a store that synced only
    /// part of it): what it gave is a part.
    #[error("{provider}: {message}")]
    Incomplete {
        /// The provider.
        provider: Provider,
        /// What is missing.
        message: String,
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
        page: PageCursor,
        /// Why.
        #[source]
        source: Box<Error>,
    },
}

impl Error {
    /// Where a walk that ended with this error can resume: the page that failed
    /// ([`Error::Page`]), or the next page of a walk stopped by its ceiling ([`Error::Paging`]).
    /// Pass it to `.resume_from(cursor)` of the same request to fetch the rest.
    pub fn resume_from(&self) -> Option<&PageCursor> {
        match self {
            Error::Page { page, .. } => Some(page),
            Error::Paging { next, .. } => next.as_ref(),
            _ => None,
        }
    }

    /// The operation that failed: `None` for a configuration error, and for an error converted
    /// by `?` on `.send()` that held no response to read the name from (see [`Error`]).
    pub fn operation(&self) -> Option<&'static str> {
        let name = match self {
            Error::MissingCredentials { .. }
            | Error::InvalidConfig { .. }
            | Error::Incomplete { .. } => return None,
            Error::Api(api) => api.operation,
            Error::Transport { operation, .. }
            | Error::Body { operation, .. }
            | Error::Redirect { operation, .. }
            | Error::NotJson { operation, .. }
            | Error::Decode { operation, .. }
            | Error::InvalidRequest { operation, .. }
            | Error::Paging { operation, .. }
            | Error::Page { operation, .. } => operation,
        };
        (name != UNKNOWN_OPERATION).then_some(name)
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

    /// The request id the provider gave (its request-id header, else its error body: Northflank `error.id`, Phala
    /// `request_id`), if the server answered with an error status and one.
    pub fn request_id(&self) -> Option<&str> {
        self.api().and_then(|api| api.request_id.as_deref())
    }

    /// The wait the server asked for (`Retry-After`, and on a 429 the rate-limit resets), if any.
    pub fn retry_after(&self) -> Option<Duration> {
        self.api().and_then(|api| api.retry_after)
    }

    /// Whether trying the same request again later may succeed: a status the retry policy
    /// retries (unless the provider says the answer is final, as OpenAI's exhausted quota), a
    /// failed connection, a body cut or stalled.
    /// The client has already retried these as its [`RetryPolicy`](crate::RetryPolicy) allows.
    pub fn is_retryable(&self) -> bool {
        match self {
            Error::Api(api) => !api.permanent && crate::retry::is_retryable_status(api.status),
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

    /// Converts what a generated operation's `.send()` returned into this error, naming
    /// `operation` where the error itself does not carry it.
    pub(crate) async fn from_operation<P, E>(
        operation: &'static str,
        error: progenitor_client::Error<E>,
    ) -> Error
    where
        P: ProviderSpec,
        E: Serialize,
    {
        Error::convert(&Rules::of::<P>(), error).named(operation)
    }

    /// Puts `name` where the conversion could only put [`UNKNOWN_OPERATION`].
    pub(crate) fn named(mut self, name: &'static str) -> Error {
        match &mut self {
            Error::Api(api) if api.operation == UNKNOWN_OPERATION => api.operation = name,
            Error::Transport { operation, .. }
            | Error::Body { operation, .. }
            | Error::Redirect { operation, .. }
            | Error::NotJson { operation, .. }
            | Error::Decode { operation, .. }
            | Error::InvalidRequest { operation, .. }
                if *operation == UNKNOWN_OPERATION =>
            {
                *operation = name
            }
            _ => {}
        }
        self
    }

    /// The conversion behind `From<progenitor_client::Error<_>>` and `.fetch()`. It runs
    /// synchronously: a response it reads has its body in memory already (the transport reads
    /// every body whole), and the operation name comes from the response when there is one.
    pub(crate) fn convert<E: Serialize>(
        rules: &Rules,
        error: progenitor_client::Error<E>,
    ) -> Error {
        use progenitor_client::Error as Op;
        let provider = rules.provider;
        match error {
            Op::ErrorResponse(response) => {
                let status = response.status().as_u16();
                let headers = response.headers().clone();
                let body = serde_json::to_value(response.into_inner()).unwrap_or_default();
                Error::Api(Box::new(ApiError::from_json(
                    rules,
                    UNKNOWN_OPERATION,
                    status,
                    &headers,
                    body,
                )))
            }
            Op::UnexpectedResponse(response) => {
                let status = response.status();
                let headers = response.headers().clone();
                let received = response.extensions().get::<Received>().cloned();
                let operation = received
                    .as_ref()
                    .map_or(UNKNOWN_OPERATION, |received| received.operation);
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
                // The body is in memory (read by the transport, or built from bytes), so the
                // read completes at once; one that would not is reported as such.
                let bytes = match received {
                    Some(received) => received.body,
                    None => match response.bytes().now_or_never() {
                        Some(Ok(bytes)) => bytes,
                        Some(Err(source)) => return Error::transport(provider, operation, source),
                        None => {
                            return Error::InvalidRequest {
                                provider,
                                operation,
                                message: "the response body is not in memory".into(),
                            }
                        }
                    },
                };
                if status.is_success() {
                    // The decoder's own question, so that both agree on what is JSON.
                    if let Some(message) = crate::json::not_json(&bytes) {
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
                            message,
                        };
                    }
                }
                Error::Api(Box::new(ApiError::from_bytes(
                    rules,
                    operation,
                    status.as_u16(),
                    &headers,
                    &bytes,
                )))
            }
            Op::InvalidResponsePayload(_, error) => {
                let (path, message) = crate::json::split_decode_error(&error);
                Error::Decode {
                    provider,
                    operation: UNKNOWN_OPERATION,
                    path,
                    message,
                }
            }
            Op::CommunicationError(source)
            | Op::ResponseBodyError(source)
            | Op::InvalidUpgrade(source) => Error::transport(provider, UNKNOWN_OPERATION, source),
            Op::InvalidRequest(message) | Op::Custom(message) => Error::InvalidRequest {
                provider,
                operation: UNKNOWN_OPERATION,
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

/// At most `max` characters of `text`, with an ellipsis when cut.
fn shorten(text: &str, max: usize) -> String {
    let mut short: String = text.chars().take(max).collect();
    if text.chars().count() > max {
        short.push('…');
    }
    short
}

/// An error status from a provider, with what its error envelope says.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct ApiError {
    /// The provider that answered.
    pub provider: Provider,
    /// The operation called; `(unknown operation)` when the error does not know it (see
    /// [`Error::operation`]).
    pub operation: &'static str,
    /// The HTTP status.
    pub status: u16,
    /// The provider's message, when the body has one.
    pub message: Option<String>,
    /// The provider's error code (`rate_limit_exceeded`, `error_code`), when given.
    pub code: Option<String>,
    /// The provider's error type or category (`invalid_request_error`), when given.
    pub kind: Option<String>,
    /// The request id (the provider's request-id header, else its error body: Northflank
    /// `error.id`, Phala `request_id`).
    pub request_id: Option<String>,
    /// The wait the server asked for, if any: `Retry-After`, and on a 429 the rate-limit resets.
    pub retry_after: Option<Duration>,
    /// The decoded JSON body, if it was JSON.
    pub body: Option<serde_json::Value>,
    /// The start of a body that is not JSON (an HTML page from a proxy), at most 200 characters.
    pub excerpt: Option<String>,
    /// The provider says this answer is final: retrying cannot help (OpenAI's exhausted quota).
    pub(crate) permanent: bool,
}

impl ApiError {
    fn from_json(
        rules: &Rules,
        operation: &'static str,
        status: u16,
        headers: &HeaderMap,
        body: serde_json::Value,
    ) -> Self {
        let details: ErrorDetails = (rules.error_details)(&body);
        let status_code = reqwest::StatusCode::from_u16(status).ok();
        let permanent = status_code.is_some_and(|code| (rules.is_permanent)(code, &details));
        let header_id = rules
            .request_id_headers
            .iter()
            .find_map(|name| header_text(headers, name))
            .map(str::to_owned);
        Self {
            provider: rules.provider,
            operation,
            status,
            message: details.message,
            code: details.code,
            kind: details.kind,
            request_id: header_id.or(details.request_id),
            retry_after: crate::retry::requested_delay(
                status_code,
                headers,
                std::time::SystemTime::now(),
                rules.rate_limit_reset,
            ),
            body: Some(body),
            excerpt: None,
            permanent,
        }
    }

    fn from_bytes(
        rules: &Rules,
        operation: &'static str,
        status: u16,
        headers: &HeaderMap,
        bytes: &[u8],
    ) -> Self {
        match serde_json::from_slice::<serde_json::Value>(bytes) {
            Ok(body) => Self::from_json(rules, operation, status, headers, body),
            Err(_) => {
                let mut error =
                    Self::from_json(rules, operation, status, headers, serde_json::Value::Null);
                error.body = None;
                error.excerpt = Some(excerpt(bytes));
                error
            }
        }
    }
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

/// What the transport read of a response, carried on it: the whole body (or what arrived) and
/// the operation that asked for it.
#[derive(Clone, Debug)]
pub(crate) struct Received {
    pub(crate) body: bytes::Bytes,
    pub(crate) operation: &'static str,
}

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
}
