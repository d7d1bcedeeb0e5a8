//! Reading JSON bodies: one UTF-8 check for the whole body instead of one per string.
//!
//! `serde_json::from_slice` checks the UTF-8 of every string it reads, with a call per string. On
//! usage pages, which are mostly short strings (keys, ids, model names), those calls were about
//! 15 % of decoding. [`from_slice`] checks the whole body once and reads it as text
//! (`serde_json::from_str`, which does not check again): the same values in about a quarter less
//! time on an OpenAI usage page (`BENCHMARKS.md`). A body that is not UTF-8 is read by
//! `serde_json::from_slice` as before, so it gives the same value or the same error.
//!
//! The generated clients decode every response body with it (build.rs points progenitor's
//! `ResponseValue::from_response` here).

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
    let decode = || match std::str::from_utf8(bytes) {
        Ok(text) => serde_json::from_str(text),
        Err(_) => serde_json::from_slice(bytes),
    };
    // OpenAI results are read the fast way first, and a body is read again only when one of its
    // results does not fit its type.
    #[cfg(feature = "openai")]
    return crate::openai::strict_first(decode);
    #[cfg(not(feature = "openai"))]
    decode()
}

/// progenitor's `ResponseValue::from_response`, decoding with [`from_slice`]. The generated
/// clients call it; it is public only for them.
///
/// A body that is not JSON at all (an HTML page, an empty body) comes back as
/// `UnexpectedResponse`, which keeps the status and the headers, so that the error can name the
/// status and the content type; a JSON body of the wrong shape is `InvalidResponsePayload`.
#[doc(hidden)]
pub async fn response_value<T: DeserializeOwned, E>(
    response: reqwest::Response,
) -> Result<progenitor_client::ResponseValue<T>, progenitor_client::Error<E>> {
    let status = response.status();
    let headers = response.headers().clone();
    let body = response
        .bytes()
        .await
        .map_err(progenitor_client::Error::ResponseBodyError)?;
    match from_slice(&body) {
        Ok(inner) => Ok(progenitor_client::ResponseValue::new(
            inner, status, headers,
        )),
        Err(error) if error.is_syntax() || error.is_eof() => {
            let mut copy = http::Response::new(body);
            *copy.status_mut() = status;
            *copy.headers_mut() = headers;
            Err(progenitor_client::Error::UnexpectedResponse(
                reqwest::Response::from(copy),
            ))
        }
        Err(error) => Err(progenitor_client::Error::InvalidResponsePayload(
            body, error,
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::Value;

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
