//! What every fuzz target shares: the decode / encode / decode round trip, and the crate's own
//! error paths for a body that does not decode or that comes with an error status.

use std::fmt::Debug;

use serde::de::DeserializeOwned;
use serde::Serialize;
use usage_bindings::ProviderSpec;

/// Decodes `data` as `T`. When it decodes, encodes the value and decodes that again: the two
/// values must be equal (`decode(encode(x)) == x`). When it does not decode, the error goes through
/// the crate's decode-error path (`Error::Decode` with the failing JSON path), as a client
/// operation of provider `P` would report it.
pub fn round_trip<P, T>(data: &[u8]) -> Option<T>
where
    P: ProviderSpec,
    T: DeserializeOwned + Serialize + PartialEq + Debug,
{
    // The clients' decoder (`usage_bindings::json`) must agree with serde_json's own `from_slice`:
    // the same value, or an error with the same message.
    let decoded = usage_bindings::json::from_slice::<T>(data);
    match (&decoded, serde_json::from_slice::<T>(data)) {
        (Ok(ours), Ok(theirs)) => assert_eq!(ours, &theirs),
        (Err(ours), Err(theirs)) => assert_eq!(ours.to_string(), theirs.to_string()),
        (ours, theirs) => panic!("json::from_slice gave {ours:?}, serde_json {theirs:?}"),
    }
    match decoded {
        Ok(value) => {
            let encoded = serde_json::to_vec(&value).unwrap_or_else(|error| {
                panic!("decoded but does not encode: {error}\nvalue: {value:?}")
            });
            let again = serde_json::from_slice::<T>(&encoded).unwrap_or_else(|error| {
                panic!(
                    "its own encoding does not decode: {error}\nvalue: {value:?}\nencoded: {}",
                    String::from_utf8_lossy(&encoded)
                )
            });
            assert_eq!(
                value,
                again,
                "decode(encode(x)) != x\nencoded: {}",
                String::from_utf8_lossy(&encoded)
            );
            Some(value)
        }
        Err(_) => {
            decode_error::<P, T>(data);
            None
        }
    }
}

/// The crate's error for a success body that does not decode as `T`, as a client's response
/// decoder and error conversion make it: `Error::Decode`, naming the JSON path that failed.
pub fn decode_error<P: ProviderSpec, T: DeserializeOwned>(data: &[u8]) {
    let error = usage_bindings::__fuzz::decode_error::<P, T>(data);
    // A body that is not JSON at all is `NotJson`; one of the wrong shape is `Decode`.
    assert!(
        matches!(
            error,
            usage_bindings::Error::Decode { .. } | usage_bindings::Error::NotJson { .. }
        ),
        "{error:?}"
    );
    assert!(!error.to_string().is_empty());
}

/// The crate's error for an error status with `data` as its body, read through `P`'s
/// `error_details` (the error envelope reader), then printed.
pub fn error_status<P: ProviderSpec>(status: u16, data: &[u8]) {
    if let Ok(body) = serde_json::from_slice::<serde_json::Value>(data) {
        let details = P::error_details(&body);
        // Reading the envelope is a pure function of the body.
        assert_eq!(details, P::error_details(&body));
    }
    let response = http::Response::builder()
        .status(status)
        .header("content-type", "application/json")
        .body(data.to_vec())
        .expect("a response");
    let op = progenitor_client::Error::<serde_json::Value>::UnexpectedResponse(
        reqwest::Response::from(response),
    );
    let error = usage_bindings::__fuzz::convert::<P, serde_json::Value>(op);
    let api = error.api().expect("an error status is an API error");
    assert_eq!(api.status, status);
    if let Some(excerpt) = &api.excerpt {
        assert!(excerpt.chars().count() <= 201, "excerpt too long");
    }
    assert!(!error.to_string().is_empty());
    let _ = format!("{error:?}");
}
