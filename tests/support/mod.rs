//! What the integration tests share: the provider table (one row per enabled provider, so that a
//! provider-generic test iterates the rows), clients against a mock server, multi-page bodies
//! built in code, fixtures, exact request assertions and the key checks.
#![allow(dead_code, unused_imports)]

pub mod table;

pub use table::*;

use std::path::PathBuf;
use std::time::Duration;

use chrono::{DateTime, Utc};
use rust_decimal::Decimal;
use serde_json::{json, Value};
use usage_bindings::RetryPolicy;
use wiremock::{MockServer, Request, ResponseTemplate};

#[cfg(feature = "northflank")]
use usage_bindings::northflank;
#[cfg(feature = "openai")]
use usage_bindings::openai;
#[cfg(feature = "phala")]
use usage_bindings::phala;

// ---------------------------------------------------------------------------------------------
// Keys

/// The keys that must never show up in a `Debug` or `Display` of anything: every row's
/// [`Row::key`] (each provider's, declared with its row in `table.rs`). Each holds `SEKRIT`.
pub fn keys() -> Vec<&'static str> {
    rows().iter().map(|row| row.key).collect()
}

/// Asserts that no key, nor the `SEKRIT` that every test key holds, appears in `text`.
pub fn assert_no_key(text: &str) {
    for key in keys() {
        assert!(!text.contains(key), "a key leaked into: {text}");
    }
    assert!(
        !text.contains("SEKRIT"),
        "part of a key leaked into: {text}"
    );
}

/// Asserts that neither `Display` nor `Debug` of `error` (nor of its sources) shows a key.
pub fn assert_error_keeps_keys(error: &usage_bindings::Error) {
    assert_no_key(&error.to_string());
    assert_no_key(&format!("{error:?}"));
    assert_no_key(&format!("{error:#?}"));
    let mut source = std::error::Error::source(error);
    while let Some(inner) = source {
        assert_no_key(&inner.to_string());
        assert_no_key(&format!("{inner:?}"));
        source = inner.source();
    }
}

// ---------------------------------------------------------------------------------------------
// Values

/// An exact decimal from its text.
pub fn dec(text: &str) -> Decimal {
    text.parse()
        .unwrap_or_else(|e| panic!("bad decimal {text}: {e}"))
}

/// A UTC instant from RFC 3339 text.
pub fn utc(text: &str) -> DateTime<Utc> {
    text.parse()
        .unwrap_or_else(|e| panic!("bad time {text}: {e}"))
}

/// A 200 with `body` as JSON.
pub fn ok(body: Value) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(body)
}

// ---------------------------------------------------------------------------------------------
// Fixtures and request assertions

/// The text of `tests/fixtures/<provider>/<name>`.
pub fn fixture(provider: &str, name: &str) -> String {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(provider)
        .join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

/// The fixture parsed as JSON.
pub fn fixture_json(provider: &str, name: &str) -> Value {
    serde_json::from_str(&fixture(provider, name)).unwrap()
}

/// `status` with the fixture `tests/fixtures/<provider>/<name>` as its JSON body.
pub fn json_response(provider: &str, status: u16, name: &str) -> ResponseTemplate {
    ResponseTemplate::new(status).set_body_raw(fixture(provider, name), "application/json")
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

/// The value of header `name` of `request`, if it has one.
pub fn header(request: &Request, name: &str) -> Option<String> {
    request
        .headers
        .get(name)
        .map(|v| v.to_str().unwrap().to_string())
}

/// The `User-Agent` every client sends.
pub const USER_AGENT: &str = concat!("usage-bindings/", env!("CARGO_PKG_VERSION"));

/// The one request the mock server received.
pub async fn only_request(server: &MockServer) -> Request {
    let mut requests = requests(server).await;
    assert_eq!(requests.len(), 1, "expected exactly one request");
    requests.remove(0)
}

/// Every request the mock server received, in order.
pub async fn requests(server: &MockServer) -> Vec<Request> {
    server
        .received_requests()
        .await
        .expect("request recording is on")
}

/// How many requests the mock server received.
pub async fn request_count(server: &MockServer) -> usize {
    requests(server).await.len()
}

/// The value of the query parameter `name` of `request`.
pub fn query(request: &Request, name: &str) -> Option<String> {
    request
        .url
        .query_pairs()
        .find(|(key, _)| key == name)
        .map(|(_, value)| value.into_owned())
}

/// The query pairs of every request the server received, in order, sorted within a request.
pub async fn queries(server: &MockServer) -> Vec<Vec<(String, String)>> {
    requests(server)
        .await
        .iter()
        .map(|request| {
            let mut pairs: Vec<(String, String)> = request
                .url
                .query_pairs()
                .map(|(k, v)| (k.into_owned(), v.into_owned()))
                .collect();
            pairs.sort();
            pairs
        })
        .collect()
}

/// Sorted owned pairs, to compare with [`queries`].
pub fn pairs(expected: &[(&str, &str)]) -> Vec<(String, String)> {
    let mut pairs: Vec<(String, String)> = expected
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    pairs.sort();
    pairs
}

// ---------------------------------------------------------------------------------------------
// Clients against a mock server

/// Retries as by default, with backoffs short enough for tests.
pub fn fast_retry() -> RetryPolicy {
    RetryPolicy::default()
        .with_initial_backoff(Duration::from_millis(10))
        .with_max_backoff(Duration::from_millis(40))
}

#[cfg(feature = "openai")]
pub fn openai_config(server: &MockServer, retry: RetryPolicy) -> openai::Config {
    openai::Config::new(OPENAI_KEY)
        .with_base_url(format!("{}/v1", server.uri()))
        .with_retry(retry)
}

#[cfg(feature = "openai")]
pub fn openai_client(server: &MockServer, retry: RetryPolicy) -> openai::Client {
    openai::Client::from_config(openai_config(server, retry)).unwrap()
}

#[cfg(feature = "northflank")]
pub fn northflank_config(server: &MockServer, retry: RetryPolicy) -> northflank::Config {
    northflank::Config::new(NORTHFLANK_KEY)
        .with_base_url(server.uri())
        .with_retry(retry)
}

#[cfg(feature = "northflank")]
pub fn northflank_client(server: &MockServer, retry: RetryPolicy) -> northflank::Client {
    northflank::Client::from_config(northflank_config(server, retry)).unwrap()
}

#[cfg(feature = "phala")]
pub fn phala_config(server: &MockServer, retry: RetryPolicy) -> phala::Config {
    phala::Config::new(PHALA_KEY)
        .with_base_url(server.uri())
        .with_retry(retry)
}

#[cfg(feature = "phala")]
pub fn phala_client(server: &MockServer, retry: RetryPolicy) -> phala::Client {
    phala::Client::from_config(phala_config(server, retry)).unwrap()
}

// ---------------------------------------------------------------------------------------------
// Pages built in code

/// One OpenAI completions bucket per start time (a day wide), each with two results whose
/// `input_tokens` are `start` and `start + 1`, so every result is told apart.
pub fn openai_page(starts: &[i64], next_page: Option<&str>) -> Value {
    let data: Vec<Value> = starts
        .iter()
        .map(|&start| {
            json!({
                "object": "bucket",
                "start_time": start,
                "end_time": start + 86_400,
                "results": [
                    {
                        "object": "organization.usage.completions.result",
                        "input_tokens": start,
                        "output_tokens": 1,
                        "num_model_requests": 1
                    },
                    {
                        "object": "organization.usage.completions.result",
                        "input_tokens": start + 1,
                        "output_tokens": 2,
                        "num_model_requests": 1
                    }
                ]
            })
        })
        .collect();
    json!({
        "object": "page",
        "data": data,
        "has_more": next_page.is_some(),
        "next_page": next_page,
    })
}

/// A Northflank list usage page with one entry per timestamp.
pub fn northflank_page(timestamps: &[i64], cursor: Option<&str>) -> Value {
    let usage: Vec<Value> = timestamps
        .iter()
        .map(|&timestamp| {
            json!({
                "timestamp": timestamp,
                "paasUsage": { "price": { "total": 1.5, "cpu": 1, "memory": 0.5 } },
            })
        })
        .collect();
    json!({
        "data": { "usage": usage },
        "pagination": {
            "hasNextPage": cursor.is_some(),
            "cursor": cursor,
            "count": timestamps.len(),
        },
    })
}

/// A Phala usage page with one record per number, told apart by `instance_id` `inst-<n>`.
pub fn phala_page(records: std::ops::Range<u64>) -> Value {
    let usage: Vec<Value> = records
        .clone()
        .map(|n| {
            json!({
                "instance_id": format!("inst-{n}"),
                "project_id": 4821,
                "team_id": 1377,
                "timestamp": "2026-11-03T14:00:00Z",
                "event_type": "cvm_metered",
                "cost": 0.058,
                "details": null,
                "usage_type": "compute",
                "billing_start": "2026-11-03",
                "billing_end": "2026-11-03",
                "duration_minutes": 60,
                "billing_key": format!("key:{n}"),
                "billing_hour": "2026-11-03 14:00:00",
                "billing_day": "2026-11-03"
            })
        })
        .collect();
    json!({ "usage": usage, "total": records.end - records.start, "total_cost": 0.058 })
}

/// A mock server answering every GET with `response`.
pub async fn serve(response: ResponseTemplate) -> MockServer {
    let server = MockServer::start().await;
    wiremock::Mock::given(wiremock::matchers::method("GET"))
        .respond_with(response)
        .mount(&server)
        .await;
    server
}

// ---------------------------------------------------------------------------------------------
// Specs

/// `openapi/<provider>.yaml`, parsed.
pub fn spec(provider: &str) -> Value {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("openapi")
        .join(format!("{provider}.yaml"));
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    serde_yaml::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// `value`, or what its local `$ref` points to in `spec`, followed to the end.
pub fn deref<'a>(spec: &'a Value, value: &'a Value) -> &'a Value {
    match value.get("$ref").and_then(Value::as_str) {
        Some(reference) => {
            let pointer = reference.strip_prefix('#').expect("a local $ref");
            deref(
                spec,
                spec.pointer(pointer)
                    .unwrap_or_else(|| panic!("dangling $ref {reference}")),
            )
        }
        None => value,
    }
}
