//! Helpers shared by the integration tests: fixtures and exact request assertions.
#![allow(dead_code)]

use std::path::PathBuf;

use wiremock::Request;

/// The text of `tests/fixtures/<provider>/<name>`.
pub fn fixture(provider: &str, name: &str) -> String {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(provider)
        .join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

/// The fixture parsed as JSON.
pub fn fixture_json(provider: &str, name: &str) -> serde_json::Value {
    serde_json::from_str(&fixture(provider, name)).unwrap()
}

/// Asserts that the request's query holds exactly these pairs, in any order (a key may repeat).
pub fn assert_query(request: &Request, expected: &[(&str, &str)]) {
    let mut actual: Vec<(String, String)> = request
        .url
        .query_pairs()
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    let mut expected: Vec<(String, String)> = expected
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    actual.sort();
    expected.sort();
    assert_eq!(actual, expected, "query of {}", request.url);
}

/// Asserts that the request carries `name: value`.
pub fn assert_header(request: &Request, name: &str, value: &str) {
    let actual = request
        .headers
        .get(name)
        .unwrap_or_else(|| panic!("request has no `{name}` header"))
        .to_str()
        .unwrap();
    assert_eq!(actual, value, "header `{name}`");
}

/// Asserts that the request does not carry `name`.
pub fn assert_no_header(request: &Request, name: &str) {
    assert!(
        request.headers.get(name).is_none(),
        "unexpected `{name}` header"
    );
}

/// The `User-Agent` every client sends.
pub const USER_AGENT: &str = concat!("usage-bindings/", env!("CARGO_PKG_VERSION"));

/// The one request the mock server received.
pub async fn only_request(server: &wiremock::MockServer) -> Request {
    let mut requests = server
        .received_requests()
        .await
        .expect("request recording is on");
    assert_eq!(requests.len(), 1, "expected exactly one request");
    requests.remove(0)
}
