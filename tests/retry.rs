#![cfg(all(feature = "openai", feature = "northflank", feature = "phala"))]
//! Retries over a local mock server: what is retried and how often, the server's waits, the
//! time budget, timeouts, OpenAI's exhausted quota, and the `usage_request` tracing spans.

mod support;

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::json;
use support::*;
use usage_bindings::{Error, RetryPolicy};
use wiremock::matchers::method;
use wiremock::{Mock, MockServer, ResponseTemplate};

const APP: &str = "app-9f3c2a";

/// Answers `first` `times` times, then 200 with `body`.
async fn failing_then_ok(
    first: ResponseTemplate,
    times: u64,
    body: serde_json::Value,
) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(first)
        .up_to_n_times(times)
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(body))
        .mount(&server)
        .await;
    server
}

fn openai_error(status: u16, kind: &str, code: &str) -> ResponseTemplate {
    ResponseTemplate::new(status).set_body_json(json!({
        "error": {"message": format!("{kind} happened"), "type": kind, "param": null, "code": code}
    }))
}

#[tokio::test]
async fn a_429_with_retry_after_is_retried_once() {
    let server = failing_then_ok(
        openai_error(429, "requests", "rate_limit_exceeded").insert_header("retry-after", "1"),
        1,
        openai_page(&[1_730_419_200], None),
    )
    .await;
    let client = openai_client(&server, fast_retry());
    let page = client
        .usage_completions()
        .start_time(1_730_419_200)
        .fetch()
        .await
        .unwrap();
    assert_eq!(page.data.len(), 1);
    assert_eq!(request_count(&server).await, 2);
}

#[tokio::test]
async fn two_503_then_200_succeeds() {
    for row in rows() {
        let server = failing_then_ok(
            ResponseTemplate::new(503).set_body_json(json!({"detail": "Service Unavailable"})),
            2,
            (row.body)(3),
        )
        .await;
        let client = row.client(&server, fast_retry());
        let records = client.call().await.unwrap();
        assert_eq!(records, 3, "{}", row.provider);
        assert_eq!(request_count(&server).await, 3, "{}", row.provider);
    }
}

#[tokio::test]
async fn every_retryable_status_is_retried() {
    for row in rows() {
        for status in [408, 425, 429, 500, 502, 503, 504, 529] {
            let server = failing_then_ok(
                ResponseTemplate::new(status)
                    .set_body_json(json!({"error": {"message": "try again", "id": "r1"}})),
                1,
                (row.body)(1),
            )
            .await;
            let client = row.client(&server, fast_retry());
            let records = client.call().await.unwrap();
            assert_eq!(records, 1, "{} {status}", row.provider);
            assert_eq!(request_count(&server).await, 2, "{} {status}", row.provider);
        }
    }
}

#[tokio::test]
async fn other_error_statuses_are_not_retried() {
    for row in rows() {
        for status in [400, 401, 403, 404, 405, 409, 410, 422, 451, 501, 505] {
            let server = failing_then_ok(
                ResponseTemplate::new(status).set_body_json(json!({"detail": "no"})),
                1,
                (row.body)(1),
            )
            .await;
            let client = row.client(&server, fast_retry());
            let error = client.call().await.unwrap_err();
            assert_eq!(error.status(), Some(status), "{}: {error}", row.provider);
            assert_eq!(request_count(&server).await, 1, "{} {status}", row.provider);
            assert_error_keeps_keys(&error);
        }
    }
}

#[tokio::test]
async fn a_500_forever_fails_after_max_attempts() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(openai_error(500, "server_error", "internal"))
        .mount(&server)
        .await;
    for attempts in [1, 3, 5] {
        server.reset().await;
        Mock::given(method("GET"))
            .respond_with(openai_error(500, "server_error", "internal"))
            .mount(&server)
            .await;
        let client = openai_client(&server, fast_retry().with_max_attempts(attempts));
        let error = client
            .usage_costs()
            .start_time(0)
            .fetch()
            .await
            .unwrap_err();
        let api = error.api().expect("an API error");
        assert_eq!(api.status, 500);
        assert_eq!(api.code.as_deref(), Some("internal"));
        assert_eq!(api.kind.as_deref(), Some("server_error"));
        assert_eq!(request_count(&server).await, attempts as usize);
        assert_error_keeps_keys(&error);
    }
}

#[tokio::test]
async fn disabled_retries_send_once() {
    for row in rows() {
        let server = failing_then_ok(
            ResponseTemplate::new(503).set_body_json(json!({"error": {"message": "busy"}})),
            1,
            (row.body)(1),
        )
        .await;
        let client = row.client(&server, RetryPolicy::disabled());
        let error = client.call().await.unwrap_err();
        assert_eq!(error.status(), Some(503), "{}", row.provider);
        assert_eq!(request_count(&server).await, 1, "{}", row.provider);
    }
}

#[tokio::test]
async fn openai_insufficient_quota_is_not_retried() {
    let server = failing_then_ok(
        ResponseTemplate::new(429).set_body_json(json!({
            "error": {
                "message": "You exceeded your current quota, please check your plan and billing details.",
                "type": "insufficient_quota",
                "param": null,
                "code": "insufficient_quota"
            }
        })),
        1,
        openai_page(&[0], None),
    )
    .await;
    let client = openai_client(&server, fast_retry());
    let error = client
        .usage_completions()
        .start_time(0)
        .fetch()
        .await
        .unwrap_err();
    let api = error.api().expect("an API error");
    assert_eq!(api.status, 429);
    assert_eq!(api.code.as_deref(), Some("insufficient_quota"));
    assert!(
        error.to_string().contains("exceeded your current quota"),
        "{error}"
    );
    assert_eq!(request_count(&server).await, 1);
    assert_error_keeps_keys(&error);
}

#[tokio::test]
async fn an_openai_rate_limit_waits_for_the_reset_header() {
    let server = failing_then_ok(
        openai_error(429, "requests", "rate_limit_exceeded")
            .insert_header("x-ratelimit-reset-requests", "20ms"),
        1,
        openai_page(&[0], None),
    )
    .await;
    let client = openai_client(&server, fast_retry());
    let page = client
        .usage_completions()
        .start_time(0)
        .fetch()
        .await
        .unwrap();
    assert_eq!(page.data.len(), 1);
    assert_eq!(request_count(&server).await, 2);
}

#[tokio::test]
async fn a_wait_longer_than_the_budget_returns_at_once() {
    // Retry-After in seconds.
    let server = failing_then_ok(
        openai_error(429, "requests", "rate_limit_exceeded").insert_header("retry-after", "3600"),
        1,
        openai_page(&[0], None),
    )
    .await;
    let client = openai_client(&server, fast_retry());
    let started = Instant::now();
    let error = client
        .usage_completions()
        .start_time(0)
        .fetch()
        .await
        .unwrap_err();
    assert!(started.elapsed() < Duration::from_secs(5));
    assert_eq!(error.status(), Some(429));
    assert_eq!(
        error.api().unwrap().retry_after,
        Some(Duration::from_secs(3600))
    );
    assert_eq!(request_count(&server).await, 1);

    // Retry-After as an HTTP date, an hour away.
    let in_an_hour =
        httpdate::fmt_http_date(std::time::SystemTime::now() + Duration::from_secs(3600));
    let server = failing_then_ok(
        ResponseTemplate::new(503)
            .insert_header("retry-after", in_an_hour.as_str())
            .set_body_string("busy"),
        1,
        phala_page(0..1),
    )
    .await;
    let client = phala_client(&server, fast_retry());
    let started = Instant::now();
    let error = client
        .get_app_usage()
        .app_id(APP)
        .fetch()
        .await
        .unwrap_err();
    assert!(started.elapsed() < Duration::from_secs(5));
    assert_eq!(error.status(), Some(503));
    assert_eq!(request_count(&server).await, 1);

    // Northflank's rate-limit reset on a 429, and OpenAI's.
    let server = failing_then_ok(
        ResponseTemplate::new(429)
            .insert_header("x-ratelimit-reset", "3000")
            .set_body_json(
                json!({"error": {"status": 429, "message": "Too many requests", "id": "rl"}}),
            ),
        1,
        northflank_page(&[1], None),
    )
    .await;
    let client = northflank_client(&server, fast_retry());
    let error = client.list_usage().fetch().await.unwrap_err();
    assert_eq!(error.status(), Some(429));
    assert_eq!(request_count(&server).await, 1);

    let server = failing_then_ok(
        openai_error(429, "requests", "rate_limit_exceeded")
            .insert_header("x-ratelimit-reset-requests", "6m0s"),
        1,
        openai_page(&[0], None),
    )
    .await;
    let client = openai_client(&server, fast_retry());
    let error = client
        .usage_completions()
        .start_time(0)
        .fetch()
        .await
        .unwrap_err();
    assert_eq!(error.status(), Some(429));
    assert_eq!(request_count(&server).await, 1);
}

/// Backoffs far beyond the budget: a retry only happens when the server's wait is honoured.
fn only_server_waits() -> RetryPolicy {
    RetryPolicy::default()
        .with_initial_backoff(Duration::from_secs(3600))
        .with_max_backoff(Duration::from_secs(3600))
        .with_max_elapsed(Duration::from_secs(30))
}

#[tokio::test]
async fn retry_after_is_honoured_on_every_retried_status() {
    for row in rows() {
        for status in [408, 425, 429, 500, 502, 503, 504, 529] {
            let server = failing_then_ok(
                ResponseTemplate::new(status)
                    .insert_header("retry-after", "0")
                    .set_body_json(json!({"detail": "later"})),
                1,
                (row.body)(1),
            )
            .await;
            let client = row.client(&server, only_server_waits());
            let records = tokio::time::timeout(Duration::from_secs(20), client.call())
                .await
                .unwrap()
                .unwrap_or_else(|e| panic!("{} {status}: {e}", row.provider));
            assert_eq!(records, 1, "{} {status}", row.provider);
            assert_eq!(request_count(&server).await, 2, "{} {status}", row.provider);
        }
    }
}

#[tokio::test]
async fn an_openai_rate_limit_waits_for_the_tokens_reset_too() {
    // The tokens reset alone is a wait.
    let server = failing_then_ok(
        openai_error(429, "tokens", "rate_limit_exceeded")
            .insert_header("x-ratelimit-reset-tokens", "10ms"),
        1,
        openai_page(&[0], None),
    )
    .await;
    let client = openai_client(&server, only_server_waits());
    let page = client
        .usage_completions()
        .start_time(0)
        .fetch()
        .await
        .unwrap();
    assert_eq!(page.data.len(), 1);
    assert_eq!(request_count(&server).await, 2);

    // With both resets, the longer one is the wait, whichever header holds it: here past the
    // budget, so the error comes back at once.
    for (requests_reset, tokens_reset) in [("10ms", "6m0s"), ("6m0s", "10ms")] {
        let server = failing_then_ok(
            openai_error(429, "tokens", "rate_limit_exceeded")
                .insert_header("x-ratelimit-reset-requests", requests_reset)
                .insert_header("x-ratelimit-reset-tokens", tokens_reset),
            1,
            openai_page(&[0], None),
        )
        .await;
        let client = openai_client(&server, fast_retry());
        let error = client
            .usage_completions()
            .start_time(0)
            .fetch()
            .await
            .unwrap_err();
        assert_eq!(error.status(), Some(429));
        assert_eq!(
            error.api().unwrap().retry_after,
            Some(Duration::from_secs(360)),
            "{requests_reset} {tokens_reset}"
        );
        assert_eq!(request_count(&server).await, 1);
    }
}

#[tokio::test]
async fn huge_policy_values_do_not_panic() {
    let huge = RetryPolicy::default()
        .with_max_attempts(u32::MAX)
        .with_initial_backoff(Duration::MAX)
        .with_max_backoff(Duration::MAX)
        .with_max_elapsed(Duration::MAX);
    let guard = Duration::from_secs(20);

    for row in rows() {
        // A computed backoff of `Duration::MAX` with a small budget: the first retry is given up.
        let server = failing_then_ok(
            ResponseTemplate::new(503).set_body_json(json!({"detail": "busy"})),
            1,
            (row.body)(1),
        )
        .await;
        let client = row.client(
            &server,
            huge.clone().with_max_elapsed(Duration::from_secs(5)),
        );
        let error = tokio::time::timeout(guard, client.call())
            .await
            .unwrap()
            .unwrap_err();
        assert_eq!(error.status(), Some(503), "{}", row.provider);
        assert_eq!(request_count(&server).await, 1, "{}", row.provider);

        // Two attempts, the server's wait of 0, and the longest timeout there is.
        let server = failing_then_ok(
            ResponseTemplate::new(503)
                .insert_header("retry-after", "0")
                .set_body_json(json!({"detail": "busy"})),
            1,
            (row.body)(1),
        )
        .await;
        let client = row
            .config_for(&server, huge.clone().with_max_attempts(2))
            .with_timeout(Duration::MAX)
            .connect()
            .unwrap();
        let records = tokio::time::timeout(guard, client.call())
            .await
            .unwrap()
            .unwrap();
        assert_eq!(records, 1, "{}", row.provider);
        assert_eq!(request_count(&server).await, 2, "{}", row.provider);

        // No attempts at all counts as one; a zero timeout fails that attempt without panicking.
        let server = failing_then_ok(
            ResponseTemplate::new(503).set_body_json(json!({"detail": "busy"})),
            1,
            (row.body)(1),
        )
        .await;
        let zero = RetryPolicy::default()
            .with_max_attempts(0)
            .with_initial_backoff(Duration::ZERO)
            .with_max_backoff(Duration::ZERO)
            .with_max_elapsed(Duration::ZERO);
        let client = row.client(&server, zero.clone());
        let error = tokio::time::timeout(guard, client.call())
            .await
            .unwrap()
            .unwrap_err();
        assert_eq!(error.status(), Some(503), "{}", row.provider);
        assert_eq!(request_count(&server).await, 1, "{}", row.provider);
        let client = row
            .config_for(&server, zero)
            .with_timeout(Duration::ZERO)
            .connect()
            .unwrap();
        let result = tokio::time::timeout(guard, client.call()).await.unwrap();
        if let Err(error) = result {
            assert_error_keeps_keys(&error);
        }
    }
}

#[tokio::test]
async fn a_budget_shorter_than_the_backoff_stops_retrying() {
    for row in rows() {
        let server = failing_then_ok(
            ResponseTemplate::new(503).set_body_json(json!({"error": {"message": "busy"}})),
            5,
            (row.body)(1),
        )
        .await;
        let policy = RetryPolicy::default()
            .with_max_attempts(10)
            .with_initial_backoff(Duration::from_secs(20))
            .with_max_elapsed(Duration::from_secs(5));
        let client = row.client(&server, policy);
        let error = client.call().await.unwrap_err();
        assert_eq!(error.status(), Some(503), "{}", row.provider);
        assert_eq!(request_count(&server).await, 1, "{}", row.provider);
    }
}

#[tokio::test]
async fn northflank_window_reset_does_not_stop_a_5xx_retry() {
    // Northflank sends `x-ratelimit-reset` (seconds until the hourly window resets) on every
    // response; on a 503 it is not a wait asked for, so the 503 is retried with the backoff.
    let server = failing_then_ok(
        ResponseTemplate::new(503)
            .insert_header("x-ratelimit-limit", "1000")
            .insert_header("x-ratelimit-remaining", "997")
            .insert_header("x-ratelimit-reset", "1834")
            .set_body_json(json!({"error": {"status": 503, "message": "busy", "id": "r"}})),
        1,
        northflank_page(&[1000], None),
    )
    .await;
    let client = northflank_client(&server, fast_retry());
    let page = client.list_usage().fetch().await.unwrap();
    assert_eq!(page.data.usage.len(), 1);
    assert_eq!(request_count(&server).await, 2);
}

#[tokio::test]
async fn a_slow_server_times_out() {
    for row in rows() {
        let server = MockServer::start().await;
        Mock::given(method("GET"))
            .respond_with(
                ResponseTemplate::new(200)
                    .set_body_json((row.body)(1))
                    .set_delay(Duration::from_millis(800)),
            )
            .mount(&server)
            .await;
        let client = row
            .config_for(&server, fast_retry().with_max_attempts(2))
            .with_timeout(Duration::from_millis(100))
            .connect()
            .unwrap();
        let error = client.call().await.unwrap_err();
        assert!(error.is_timeout(), "{error:?}");
        assert!(
            matches!(error, Error::Transport { timeout: true, .. }),
            "{error:?}"
        );
        assert_eq!(error.status(), None);
        assert!(error.to_string().contains("timed out"), "{error}");
        assert_error_keeps_keys(&error);
        // Timeouts are retried.
        assert_eq!(request_count(&server).await, 2, "{}", row.provider);
    }
}

#[tokio::test]
async fn a_refused_connection_is_a_transport_error() {
    // Nothing listens on port 1 (a port freed by another mock server could be reused by a
    // test running in parallel).
    let uri = "http://127.0.0.1:1";
    for row in rows() {
        let client = (row.config)(row.key)
            .with_base_url(uri)
            .with_retry(fast_retry().with_max_attempts(2))
            .connect()
            .unwrap();
        let error = client.call().await.unwrap_err();
        assert!(
            matches!(error, Error::Transport { timeout: false, .. }),
            "{}: {error:?}",
            row.provider
        );
        assert!(!error.is_timeout());
        assert!(error.to_string().contains("the request failed"), "{error}");
        assert_error_keeps_keys(&error);
    }
}

// ---------------------------------------------------------------------------------------------
// Tracing: a tiny subscriber that records span names, fields and events as text.

#[derive(Clone, Debug, Default)]
struct SpanRecord {
    name: String,
    fields: Vec<(String, String)>,
}

impl SpanRecord {
    fn field(&self, name: &str) -> Option<&str> {
        self.fields
            .iter()
            .rev()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

#[derive(Clone, Default)]
struct Recorder {
    spans: Arc<Mutex<Vec<SpanRecord>>>,
    events: Arc<Mutex<Vec<String>>>,
}

struct Fields<'a>(&'a mut Vec<(String, String)>);

impl tracing::field::Visit for Fields<'_> {
    fn record_debug(&mut self, field: &tracing::field::Field, value: &dyn std::fmt::Debug) {
        self.0
            .push((field.name().to_string(), format!("{value:?}")));
    }
    fn record_str(&mut self, field: &tracing::field::Field, value: &str) {
        self.0.push((field.name().to_string(), value.to_string()));
    }
}

impl tracing::Subscriber for Recorder {
    fn enabled(&self, _: &tracing::Metadata<'_>) -> bool {
        true
    }
    fn new_span(&self, attrs: &tracing::span::Attributes<'_>) -> tracing::span::Id {
        let mut record = SpanRecord {
            name: attrs.metadata().name().to_string(),
            fields: Vec::new(),
        };
        attrs.record(&mut Fields(&mut record.fields));
        let mut spans = self.spans.lock().unwrap();
        spans.push(record);
        tracing::span::Id::from_u64(spans.len() as u64)
    }
    fn record(&self, span: &tracing::span::Id, values: &tracing::span::Record<'_>) {
        let mut spans = self.spans.lock().unwrap();
        let record = &mut spans[span.into_u64() as usize - 1];
        values.record(&mut Fields(&mut record.fields));
    }
    fn record_follows_from(&self, _: &tracing::span::Id, _: &tracing::span::Id) {}
    fn event(&self, event: &tracing::Event<'_>) {
        let mut fields = Vec::new();
        event.record(&mut Fields(&mut fields));
        self.events.lock().unwrap().push(format!("{fields:?}"));
    }
    fn enter(&self, _: &tracing::span::Id) {}
    fn exit(&self, _: &tracing::span::Id) {}
}

#[tokio::test]
async fn each_attempt_is_a_usage_request_span() {
    let server = failing_then_ok(
        openai_error(503, "server_error", "overloaded"),
        1,
        openai_page(&[0], None),
    )
    .await;
    let client = openai_client(&server, fast_retry());
    let recorder = Recorder::default();
    let guard = tracing::subscriber::set_default(recorder.clone());
    let page = client
        .usage_completions()
        .start_time(0)
        .fetch()
        .await
        .unwrap();
    drop(guard);
    assert_eq!(page.data.len(), 1);
    assert_eq!(request_count(&server).await, 2);

    let spans = recorder.spans.lock().unwrap().clone();
    let requests: Vec<&SpanRecord> = spans.iter().filter(|s| s.name == "usage_request").collect();
    assert_eq!(requests.len(), 2, "{spans:?}");
    for (span, (attempt, status)) in requests.iter().zip([("1", "503"), ("2", "200")]) {
        assert_eq!(span.field("provider"), Some("OpenAI"), "{span:?}");
        assert_eq!(
            span.field("operation"),
            Some("usage_completions"),
            "{span:?}"
        );
        assert_eq!(span.field("attempt"), Some(attempt), "{span:?}");
        assert_eq!(span.field("status"), Some(status), "{span:?}");
        assert!(span.field("latency_ms").is_some(), "{span:?}");
    }

    let everything = format!("{spans:?} {:?}", recorder.events.lock().unwrap());
    assert_no_key(&everything);
}

// ---------------------------------------------------------------------------------------------
// Keys stay out of configs and clients.

#[tokio::test]
async fn configs_and_clients_never_show_a_key() {
    let server = MockServer::start().await;
    let mut texts = Vec::new();
    for row in rows() {
        let config = row.config_for(&server, fast_retry());
        texts.push(format!("{config:?}"));
        texts.push(format!("{config:#?}"));
        let client = config.connect().unwrap();
        texts.push(format!("{client:?}"));
        texts.push(format!("{client:#?}"));
    }
    texts.extend([
        format!("{:?}", openai_config(&server, fast_retry())),
        format!(
            "{:#?}",
            openai_config(&server, fast_retry()).with_organization("org-1")
        ),
        format!("{:?}", openai_client(&server, fast_retry())),
        format!("{:?}", northflank_config(&server, fast_retry())),
        format!("{:?}", northflank_client(&server, fast_retry())),
        format!("{:?}", phala_config(&server, fast_retry())),
        format!("{:#?}", phala_client(&server, fast_retry())),
        format!(
            "{:?}",
            openai_client(&server, fast_retry())
                .usage_costs()
                .start_time(0)
        ),
        format!(
            "{:?}",
            phala_client(&server, fast_retry())
                .get_app_usage()
                .app_id(APP)
                .page_size(std::num::NonZeroU64::new(5).unwrap())
        ),
    ]);
    for text in &texts {
        assert_no_key(text);
    }
    // Something was printed at all.
    assert!(texts[0].contains("base_url"), "{}", texts[0]);
}
