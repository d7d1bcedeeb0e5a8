//! Reading JSON bodies: one UTF-8 check for the whole body instead of one per string.
//!
//! `serde_json::from_slice` checks the UTF-8 of every string it reads, with a call per string. On
//! usage pages, which are mostly short strings (keys, ids, model names), those calls were about
//! 15 % of decoding. [`from_slice`] checks the whole body once and reads it as text
//! (`serde_json::from_str`, which does not check again): the same values in about a quarter less
//! time on an OpenAI usage page (`BENCHMARKS.md`). A body that is not UTF-8 is read by
//! `serde_json::from_slice` as before, so it gives the same value or the same error.
//!
//! A type can read itself two ways: fast, straight from the input, failing when a part does not
//! fit; and leniently, keeping such a part whole (OpenAI's usage results do). [`from_slice`] runs
//! the fast pass first and the lenient pass only for a body the fast pass refused; a type without
//! the two ways is read once.
//!
//! The generated clients decode every response body with it (build.rs points progenitor's
//! `ResponseValue::from_response` here). A body of the wrong shape gives `.send()` an
//! `InvalidResponsePayload` whose message starts with the JSON path that failed
//! (``at `data[0].results[1].amount`: invalid type…``).

use serde::de::DeserializeOwned;

/// Decodes a JSON body into `T`: what the clients do with every response body.
///
/// ```
/// use usage_bindings::phala::types::AppUsageResponse;
///
/// let body = br#"{"usage": [], "total": 0, "total_cost": 0}"#;
/// let page: AppUsageResponse = usage_bindings::json::from_slice(body)?;
/// assert!(page.usage.is_empty());
/// # Ok::<(), serde_json::Error>(())
/// ```
pub fn from_slice<T: DeserializeOwned>(bytes: &[u8]) -> serde_json::Result<T> {
    match std::str::from_utf8(bytes) {
        Ok(text) => fast_first(|| serde_json::from_str(text)),
        // The path-tracking reader of `decode_path` reads the bytes as `serde_json::from_slice`
        // does, to the same value or error: one reader fewer compiled for every response type.
        // Leniently only: the fast pass skips unknown members without checking their UTF-8, so
        // it could fail further on with another error than `from_slice` gives.
        Err(_) => tracking_path(bytes).map_err(|(_, error)| error),
    }
}

/// How the values that can read themselves two ways read themselves in the decode running on
/// this thread.
// Only the types that read themselves two ways call `fast_pass` and `refuse_fast_pass`; which of
// them are built depends on the enabled providers.
#[allow(dead_code)]
#[derive(Clone, Copy, PartialEq, Eq)]
enum Pass {
    /// Leniently: a part that does not fit is kept whole.
    Lenient,
    /// Straight from the input, failing when a part does not fit.
    Fast,
    /// As `Fast`, and a part did not fit.
    Refused,
}

thread_local! {
    static PASS: std::cell::Cell<Pass> = const { std::cell::Cell::new(Pass::Lenient) };
}

/// Whether the decode running on this thread is the fast pass.
#[allow(dead_code)]
pub(crate) fn fast_pass() -> bool {
    PASS.get() != Pass::Lenient
}

/// Tells the fast pass that a part did not fit, so that the body is read again leniently.
#[allow(dead_code)]
pub(crate) fn refuse_fast_pass() {
    PASS.set(Pass::Refused);
}

/// Runs `decode` as the fast pass; if a part refused it, runs it again leniently. Taking each
/// part's text first costs a second pass over it: paid only for a body that needs it.
pub(crate) fn fast_first<T>(decode: impl Fn() -> serde_json::Result<T>) -> serde_json::Result<T> {
    /// Back to the lenient pass however `decode` ends, a panic included.
    struct Reset;
    impl Drop for Reset {
        fn drop(&mut self) {
            PASS.set(Pass::Lenient);
        }
    }
    if PASS.get() != Pass::Lenient {
        return decode();
    }
    {
        let _reset = Reset;
        PASS.set(Pass::Fast);
        match decode() {
            Ok(value) => return Ok(value),
            // Nothing refused the fast pass: reading again would fail the same way.
            Err(error) if PASS.get() == Pass::Fast => return Err(error),
            Err(_) => {}
        }
    }
    decode()
}

/// progenitor's `ResponseValue::from_response`, decoding with [`from_slice`]; the generated
/// clients call it.
///
/// A body that is not JSON at all (not UTF-8, an HTML page, an empty body, cut short) comes back
/// as `UnexpectedResponse`, which keeps the status, the headers and what the transport recorded,
/// so that the error can name the status and the content type; a JSON body of the wrong shape is
/// `InvalidResponsePayload`, its message starting with the path that failed.
pub(crate) async fn response_value<T: DeserializeOwned, E>(
    mut response: reqwest::Response,
) -> Result<progenitor_client::ResponseValue<T>, progenitor_client::Error<E>> {
    let status = response.status();
    let headers = response.headers().clone();
    let extensions = std::mem::take(response.extensions_mut());
    let body = response
        .bytes()
        .await
        .map_err(progenitor_client::Error::ResponseBodyError)?;
    let error = match from_slice(&body) {
        Ok(inner) => {
            return Ok(progenitor_client::ResponseValue::new(
                inner, status, headers,
            ))
        }
        Err(error) => error,
    };
    // Whether the body is JSON at all is asked of the body, not of the typed decode: that one
    // skips unknown members without checking their UTF-8 and may fail on the shape before it
    // reaches a syntax error, or call a value of the wrong shape a syntax error. The error
    // conversion asks the same `not_json` of the body it finds in the response.
    if not_json(&body).is_some() {
        let mut copy = http::Response::new(body);
        *copy.status_mut() = status;
        *copy.headers_mut() = headers;
        *copy.extensions_mut() = extensions;
        return Err(progenitor_client::Error::UnexpectedResponse(
            reqwest::Response::from(copy),
        ));
    }
    let error = match decode_path::<T>(&body) {
        Some((path, message)) => <serde_json::Error as serde::de::Error>::custom(format!(
            "{PATH_START}{path}{PATH_END}{message}"
        )),
        None => error,
    };
    Err(progenitor_client::Error::InvalidResponsePayload(
        body, error,
    ))
}

/// Why `body` is not a JSON document (JSON text is UTF-8), or `None` when it is one.
pub(crate) fn not_json(body: &[u8]) -> Option<String> {
    match std::str::from_utf8(body) {
        Err(error) => Some(format!("the body is not UTF-8: {error}")),
        Ok(text) => serde_json::from_str::<serde::de::IgnoredAny>(text)
            .err()
            .map(|error| error.to_string()),
    }
}

const PATH_START: &str = "at `";
const PATH_END: &str = "`: ";

/// The JSON path and message of the first value in `bytes` that does not decode as `T`. The
/// path holds no backquote, so that [`split_decode_error`] reads it back.
fn decode_path<T: DeserializeOwned>(bytes: &[u8]) -> Option<(String, String)> {
    match tracking_path::<T>(bytes) {
        Ok(_) | Err((None, _)) => None,
        Err((Some(path), error)) => Some((render_path(&path), error.to_string())),
    }
}

/// `path` as `data[3].results[0].amount`: `.` alone for the top level, a member whose name is not
/// a plain word quoted (`data[""]`, `data["a.b"]`) so that every path reads one way. Backquotes
/// become `'`.
fn render_path(path: &serde_path_to_error::Path) -> String {
    use serde_path_to_error::Segment;
    let plain = |name: &str| {
        !name.is_empty()
            && name
                .chars()
                .all(|c| c.is_alphanumeric() || c == '_' || c == '-' || c == '$' || c == '@')
    };
    let mut text = String::new();
    for segment in path {
        match segment {
            Segment::Seq { index } => text.push_str(&format!("[{index}]")),
            Segment::Map { key } | Segment::Enum { variant: key } if plain(key) => {
                if !text.is_empty() {
                    text.push('.');
                }
                text.push_str(key);
            }
            Segment::Map { key } | Segment::Enum { variant: key } => {
                text.push('[');
                text.push_str(&serde_json::Value::from(key.as_str()).to_string());
                text.push(']');
            }
            Segment::Unknown => text.push_str(if text.is_empty() { "?" } else { ".?" }),
        }
    }
    if text.is_empty() {
        text.push('.');
    }
    text.replace('`', "'")
}

/// `serde_json::from_slice`, keeping the path of the value it failed at (none when what follows
/// the value failed).
fn tracking_path<T: DeserializeOwned>(
    bytes: &[u8],
) -> Result<T, (Option<serde_path_to_error::Path>, serde_json::Error)> {
    let mut deserializer = serde_json::Deserializer::from_slice(bytes);
    let value = serde_path_to_error::deserialize(&mut deserializer)
        .map_err(|error| (Some(error.path().clone()), error.into_inner()))?;
    // As `from_slice`: only whitespace may follow the value.
    deserializer.end().map_err(|error| (None, error))?;
    Ok(value)
}

/// The path and message of a decode error from [`response_value`]: `.` and the whole message
/// when it names no path.
pub(crate) fn split_decode_error(error: &serde_json::Error) -> (String, String) {
    let text = error.to_string();
    text.strip_prefix(PATH_START)
        .and_then(|rest| rest.split_once(PATH_END))
        .map(|(path, message)| (path.to_string(), message.to_string()))
        .unwrap_or_else(|| (String::from("."), text))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::Value;

    #[test]
    fn paths_read_one_way() {
        #[derive(Debug, serde::Deserialize)]
        #[allow(dead_code)]
        struct Page {
            data: Vec<std::collections::BTreeMap<String, u8>>,
        }
        let path = |body: &str| decode_path::<Page>(body.as_bytes()).map(|(path, _)| path);
        assert_eq!(
            path(r#"{"data": [{"a": 1}, {"b": "x"}]}"#).as_deref(),
            Some("data[1].b")
        );
        // A member whose name is empty or holds punctuation is quoted.
        assert_eq!(
            path(r#"{"data": [{"": "x"}]}"#).as_deref(),
            Some(r#"data[0][""]"#)
        );
        assert_eq!(
            path(r#"{"data": [{"a.b": -1}]}"#).as_deref(),
            Some(r#"data[0]["a.b"]"#)
        );
        assert_eq!(
            path(r#"{"data": [{"a`b": -1}]}"#).as_deref(),
            Some(r#"data[0]["a'b"]"#)
        );
        // The top level.
        assert_eq!(path("[]").as_deref(), Some("."));
    }

    #[test]
    fn reads_what_serde_json_reads() {
        for body in [
            &br#"{"a": "\u00e9t\u00e9", "b": [1, 2.5, null], "c": "\u2603"}"#[..],
            "{\"a\": \"été ☃\"}".as_bytes(),
            b"[]",
            b"",
            b"{\"a\": ",
            b"{\"a\": \"\\ud800\"}",
            // Not UTF-8, in a string and outside one.
            b"{\"a\": \"\xff\"}",
            b"{\"a\": 1}\xff",
        ] {
            let ours = from_slice::<Value>(body);
            let theirs = serde_json::from_slice::<Value>(body);
            match (ours, theirs) {
                (Ok(a), Ok(b)) => assert_eq!(a, b),
                (Err(a), Err(b)) => assert_eq!(a.to_string(), b.to_string()),
                (a, b) => panic!("{body:?}: {a:?} vs {b:?}"),
            }
        }
    }
}
