#![cfg(feature = "anthropic")]
//! Anthropic: the three reports against a local mock server, the exact request on the wire
//! (bracketed arrays, `x-api-key` and `anthropic-version`), the decoded bodies (every published
//! example, current and older), paging, errors, retries and the cost records.

use std::time::{Duration, Instant};

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use futures::TryStreamExt;
use rust_decimal::Decimal;
use usage_bindings::anthropic::types::{
    BucketWidth, ClaudeCodeUsageReport, ContextWindow, CostGroupBy, CostReport, InferenceGeo,
    MessagesGroupBy, MessagesUsageReport, ServiceTier, Speed,
};
use usage_bindings::anthropic::{
    cost_records, Client, Config, Costs, ANTHROPIC_VERSION, DEFAULT_WORKSPACE,
};
use usage_bindings::cost::{CostSource, Dimension, Window};
use usage_bindings::{Error, Provider, RetryPolicy};
use wiremock::matchers::{method, path, query_param, query_param_is_missing};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

const KEY: &str = "sk-ant-admin01-test-key";
const USER_AGENT: &str = concat!("usage-bindings/", env!("CARGO_PKG_VERSION"));
const MESSAGES: &str = "/v1/organizations/usage_report/messages";
const COST: &str = "/v1/organizations/cost_report";
const CLAUDE_CODE: &str = "/v1/organizations/usage_report/claude_code";

fn fixture(name: &str) -> String {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/anthropic")
        .join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn json(status: u16, name: &str) -> ResponseTemplate {
    ResponseTemplate::new(status)
        .insert_header("content-type", "application/json")
        .set_body_string(fixture(name))
}

fn client(server: &MockServer) -> Client {
    Client::from_config(
        Config::new(KEY)
            .with_base_url(server.uri())
            .with_retry(RetryPolicy::disabled()),
    )
    .unwrap()
}

fn utc(y: i32, mo: u32, d: u32, h: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, mo, d, h, 0, 0).unwrap()
}

fn dec(text: &str) -> Decimal {
    text.parse().unwrap()
}

async fn requests(server: &MockServer) -> Vec<Request> {
    server.received_requests().await.unwrap()
}

/// The headers every Anthropic request carries, and none other for auth.
fn assert_headers(request: &Request) {
    let header = |name: &str| {
        request
            .headers
            .get(name)
            .map(|v| v.to_str().unwrap().to_string())
    };
    assert_eq!(header("x-api-key").as_deref(), Some(KEY));
    assert_eq!(header("anthropic-version").as_deref(), Some("2023-06-01"));
    assert_eq!(header("user-agent").as_deref(), Some(USER_AGENT));
    assert_eq!(header("authorization"), None);
    assert_eq!(header("api-version"), None);
}

fn query(request: &Request) -> String {
    request.url.query().unwrap_or_default().to_string()
}

fn decoded_query(request: &Request) -> Vec<(String, String)> {
    request
        .url
        .query_pairs()
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect()
}

fn pairs(expected: &[(&str, &str)]) -> Vec<(String, String)> {
    expected
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

#[tokio::test]
async fn messages_report_sends_every_parameter_with_brackets_and_decodes_the_published_body() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(MESSAGES))
        .respond_with(json(200, "messages_usage_report.published_example.json"))
        .mount(&server)
        .await;
    let page = client(&server)
        .messages_usage_report()
        .starting_at(utc(2026, 11, 1, 0))
        .ending_at(utc(2026, 11, 2, 0))
        .bucket_width(BucketWidth::X1h)
        .limit(24)
        .page("page_abc")
        .api_key_ids(vec!["apikey_1".to_string(), "apikey_2".to_string()])
        .workspace_ids(vec!["wrkspc_1".to_string()])
        .account_ids(vec!["user_1".to_string()])
        .service_account_ids(vec!["svac_1".to_string()])
        .models(vec!["claude-opus-5".to_string()])
        .service_tiers(vec![ServiceTier::Batch, ServiceTier::PriorityOnDemand])
        .context_window(vec![ContextWindow::X0200k, ContextWindow::X200k1m])
        .inference_geos(vec![InferenceGeo::NotAvailable])
        .speeds(vec![Speed::Fast])
        .group_by(vec![MessagesGroupBy::Model, MessagesGroupBy::WorkspaceId])
        .fetch()
        .await
        .unwrap();
    let sent = requests(&server).await;
    assert_eq!(sent.len(), 1);
    assert_headers(&sent[0]);
    assert_eq!(sent[0].url.path(), MESSAGES);
    assert_eq!(
        decoded_query(&sent[0]),
        pairs(&[
            ("account_ids[]", "user_1"),
            ("api_key_ids[]", "apikey_1"),
            ("api_key_ids[]", "apikey_2"),
            ("bucket_width", "1h"),
            ("context_window[]", "0-200k"),
            ("context_window[]", "200k-1M"),
            ("ending_at", "2026-11-02T00:00:00Z"),
            ("group_by[]", "model"),
            ("group_by[]", "workspace_id"),
            ("inference_geos[]", "not_available"),
            ("limit", "24"),
            ("models[]", "claude-opus-5"),
            ("page", "page_abc"),
            ("service_account_ids[]", "svac_1"),
            ("service_tiers[]", "batch"),
            ("service_tiers[]", "priority_on_demand"),
            ("speeds[]", "fast"),
            ("starting_at", "2026-11-01T00:00:00Z"),
            ("workspace_ids[]", "wrkspc_1"),
        ])
    );
    // The brackets are percent-encoded on the wire, as a form encoder writes them.
    assert!(query(&sent[0]).contains("group_by%5B%5D=model&group_by%5B%5D=workspace_id"));

    assert!(page.has_more);
    assert_eq!(
        page.next_page.as_deref(),
        Some("page_MjAyNS0wNS0xNFQwMDowMDowMFo=")
    );
    let bucket = &page.data[0];
    assert_eq!(bucket.starting_at, utc(2025, 8, 1, 0));
    assert_eq!(bucket.ending_at, utc(2025, 8, 2, 0));
    let result = &bucket.results[0];
    assert_eq!(result.uncached_input_tokens, 1500);
    assert_eq!(result.cache_read_input_tokens, 200);
    assert_eq!(result.output_tokens, 500);
    assert_eq!(result.cache_creation.ephemeral_1h_input_tokens, 0);
    assert_eq!(result.cache_creation.ephemeral_5m_input_tokens, 0);
    assert_eq!(result.server_tool_use.web_search_requests, 10);
    assert_eq!(
        result.account_id.as_deref(),
        Some("user_01WCz1FkmYMm4gnmykNKUu3Q")
    );
    assert_eq!(
        result.api_key_id.as_deref(),
        Some("apikey_01Rj2N8SVvo6BePZj99NhmiT")
    );
    assert_eq!(result.context_window.as_deref(), Some("0-200k"));
    assert_eq!(result.inference_geo.as_deref(), Some("global"));
    assert_eq!(result.model.as_deref(), Some("claude-opus-5"));
    assert_eq!(
        result.service_account_id.as_deref(),
        Some("svac_01Hk3R9TWxq7CfQak00OiVw4")
    );
    assert_eq!(result.service_tier.as_deref(), Some("standard"));
    assert_eq!(
        result.workspace_id.as_deref(),
        Some("wrkspc_01JwQvzr7rXLA5AGx3HKfFUJ")
    );
    assert_eq!(result.speed, None);
}

#[tokio::test]
async fn cost_report_sends_its_parameters_and_keeps_amounts_exact() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(COST))
        .respond_with(json(200, "cost_report.full.json"))
        .mount(&server)
        .await;
    let page: CostReport = client(&server)
        .cost_report()
        .starting_at(utc(2026, 11, 1, 0))
        .ending_at(utc(2026, 11, 3, 0))
        .group_by(vec![CostGroupBy::WorkspaceId, CostGroupBy::Description])
        .limit(2)
        .fetch()
        .await
        .unwrap();
    let sent = requests(&server).await;
    assert_eq!(sent.len(), 1);
    assert_headers(&sent[0]);
    assert_eq!(
        query(&sent[0]),
        "ending_at=2026-11-03T00%3A00%3A00Z&group_by%5B%5D=workspace_id\
         &group_by%5B%5D=description&limit=2&starting_at=2026-11-01T00%3A00%3A00Z"
    );
    assert!(!page.has_more);
    assert_eq!(page.next_page, None);
    assert_eq!(page.data.len(), 2);
    assert!(page.data[1].results.is_empty());
    let first = &page.data[0].results[0];
    assert_eq!(first.amount.value(), dec("123.78912"));
    assert_eq!(first.amount.to_string(), "123.78912");
    assert_eq!(first.currency, "USD");
    assert_eq!(first.workspace_id, None);
    assert_eq!(
        first.description.as_deref(),
        Some("Claude Opus 5 Usage - Input Tokens")
    );
    assert_eq!(first.cost_type.as_deref(), Some("tokens"));
    assert_eq!(first.token_type.as_deref(), Some("uncached_input_tokens"));
    assert_eq!(first.model.as_deref(), Some("claude-opus-5"));
    assert_eq!(first.service_tier.as_deref(), Some("standard"));
    assert_eq!(first.context_window.as_deref(), Some("0-200k"));
    assert_eq!(first.inference_geo.as_deref(), Some("global"));
    // Encoded back, the amount is the string that was sent.
    let encoded = serde_json::to_value(first).unwrap();
    assert_eq!(encoded["amount"], serde_json::json!("123.78912"));
}

#[tokio::test]
async fn claude_code_report_sends_a_date_and_decodes_every_field() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(CLAUDE_CODE))
        .respond_with(json(200, "claude_code_usage_report.published_example.json"))
        .mount(&server)
        .await;
    let page: ClaudeCodeUsageReport = client(&server)
        .claude_code_usage_report()
        .starting_at(NaiveDate::from_ymd_opt(2025, 8, 8).unwrap())
        .limit(100)
        .fetch()
        .await
        .unwrap();
    let sent = requests(&server).await;
    assert_headers(&sent[0]);
    assert_eq!(query(&sent[0]), "limit=100&starting_at=2025-08-08");
    let row = &page.data[0];
    assert_eq!(row.actor.type_, "user_actor");
    assert_eq!(
        row.actor.email_address.as_deref(),
        Some("user@emaildomain.com")
    );
    assert_eq!(row.actor.api_key_name, None);
    assert_eq!(row.core_metrics.commits_by_claude_code, 8);
    assert_eq!(row.core_metrics.lines_of_code.added, 342);
    assert_eq!(row.core_metrics.lines_of_code.removed, 128);
    assert_eq!(row.core_metrics.num_sessions, 15);
    assert_eq!(row.core_metrics.pull_requests_by_claude_code, 2);
    assert_eq!(row.customer_type, "api");
    assert_eq!(row.date, utc(2025, 8, 8, 0));
    assert_eq!(row.is_remote, Some(false));
    assert_eq!(row.model_breakdown.len(), 2);
    let opus = &row.model_breakdown[0];
    assert_eq!(opus.model, "claude-opus-5");
    assert_eq!(opus.estimated_cost.amount.value(), dec("186"));
    assert_eq!(opus.estimated_cost.currency, "USD");
    assert_eq!(opus.tokens.input, 45230);
    assert_eq!(opus.tokens.output, 12450);
    assert_eq!(opus.tokens.cache_read, 8790);
    assert_eq!(opus.tokens.cache_creation, 2340);
    assert_eq!(row.organization_id, "12345678-1234-5678-1234-567812345678");
    assert_eq!(row.terminal_type, "iTerm.app");
    let tools: Vec<(&str, i64, i64)> = row
        .tool_actions
        .iter()
        .map(|(name, counts)| (name.as_str(), counts.accepted, counts.rejected))
        .collect();
    assert_eq!(
        tools,
        [
            ("edit_tool", 25, 3),
            ("multi_edit_tool", 12, 1),
            ("notebook_edit_tool", 5, 2),
            ("write_tool", 8, 0)
        ]
    );
    assert_eq!(row.subscription_type.as_deref(), Some("enterprise"));
    assert!(page.has_more);
}

/// Every published body (current and older) decodes through the client: older cursors were
/// date-time strings and are kept as opaque text.
#[tokio::test]
async fn every_published_body_decodes_over_http() {
    let server = MockServer::start().await;
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/anthropic");
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|entry| entry.unwrap().file_name().into_string().unwrap())
        .filter(|name| name.contains(".published_"))
        .collect();
    names.sort();
    assert!(names.len() >= 15, "{names:?}");
    let client = client(&server);
    for name in &names {
        server.reset().await;
        Mock::given(method("GET"))
            .respond_with(json(200, name))
            .mount(&server)
            .await;
        let next_page = if name.starts_with("messages_usage_report.") {
            let page = client
                .messages_usage_report()
                .starting_at(utc(2025, 8, 1, 0))
                .fetch()
                .await;
            page.map(|p| p.next_page)
        } else if name.starts_with("cost_report.") {
            let page = client
                .cost_report()
                .starting_at(utc(2025, 8, 1, 0))
                .fetch()
                .await;
            page.map(|p| p.next_page)
        } else if name.starts_with("claude_code_usage_report.") {
            let page = client
                .claude_code_usage_report()
                .starting_at(NaiveDate::from_ymd_opt(2025, 8, 8).unwrap())
                .fetch()
                .await;
            page.map(|p| p.next_page)
        } else {
            continue;
        };
        let next_page = next_page.unwrap_or_else(|e| panic!("{name}: {e}"));
        let expected = serde_json::from_str::<serde_json::Value>(&fixture(name)).unwrap();
        assert_eq!(
            next_page.as_deref(),
            expected["next_page"].as_str(),
            "{name}"
        );
    }
}

#[tokio::test]
async fn a_walk_follows_next_page_and_asks_for_the_largest_page() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(MESSAGES))
        .and(query_param_is_missing("page"))
        .respond_with(json(200, "messages_usage_report.full.json"))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(MESSAGES))
        .and(query_param("page", "page_MjAyNi0xMS0wMVQwMjowMDowMFo="))
        .respond_with(json(200, "messages_usage_report.unknown_values.json"))
        .expect(1)
        .mount(&server)
        .await;
    let results: Vec<_> = client(&server)
        .messages_usage_report()
        .starting_at(utc(2026, 11, 1, 0))
        .bucket_width(BucketWidth::X1h)
        .results()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(results.len(), 2);
    assert_eq!(results[0].starting_at, utc(2026, 11, 1, 0));
    assert_eq!(
        results[0].result.service_tier.as_deref(),
        Some("priority_on_demand")
    );
    // Values no enum of this crate knows are kept as sent.
    assert_eq!(results[1].result.service_tier.as_deref(), Some("turbo"));
    assert_eq!(results[1].result.speed.as_deref(), Some("ludicrous"));
    assert_eq!(results[1].result.uncached_input_tokens, 9007199254740993);
    let sent = requests(&server).await;
    assert_eq!(sent.len(), 2);
    for request in &sent {
        assert_headers(request);
    }
    assert_eq!(
        query(&sent[0]),
        "bucket_width=1h&starting_at=2026-11-01T00%3A00%3A00Z&limit=168"
    );
    assert_eq!(
        query(&sent[1]),
        "bucket_width=1h&page=page_MjAyNi0xMS0wMVQwMjowMDowMFo%3D\
         &starting_at=2026-11-01T00%3A00%3A00Z&limit=168"
    );
}

#[tokio::test]
async fn walks_ask_for_31_daily_buckets_and_1000_claude_code_rows() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(COST))
        .respond_with(json(200, "cost_report.minimal.json"))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(MESSAGES))
        .respond_with(json(200, "messages_usage_report.unknown_values.json"))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(CLAUDE_CODE))
        .respond_with(json(200, "claude_code_usage_report.api_actor.json"))
        .mount(&server)
        .await;
    let client = client(&server);
    let costs: Vec<_> = client
        .cost_report()
        .starting_at(utc(2026, 11, 1, 0))
        .items()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(costs.len(), 1);
    let usage: Vec<_> = client
        .messages_usage_report()
        .starting_at(utc(2026, 11, 1, 0))
        .items()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(usage.len(), 1);
    let rows: Vec<_> = client
        .claude_code_usage_report()
        .starting_at(NaiveDate::from_ymd_opt(2026, 11, 1).unwrap())
        .items()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].actor.type_, "api_actor");
    assert_eq!(rows[0].actor.api_key_name.as_deref(), Some("ci-bot"));
    assert_eq!(
        rows[0].model_breakdown[0].estimated_cost.amount.value(),
        dec("12.5")
    );
    let sent = requests(&server).await;
    let queries: Vec<String> = sent.iter().map(query).collect();
    assert_eq!(
        queries,
        [
            "starting_at=2026-11-01T00%3A00%3A00Z&limit=31",
            "starting_at=2026-11-01T00%3A00%3A00Z&limit=31",
            "starting_at=2026-11-01&limit=1000",
        ]
    );
}

#[tokio::test]
async fn a_limit_above_the_maximum_is_refused_before_sending() {
    let server = MockServer::start().await;
    let error = client(&server)
        .cost_report()
        .starting_at(utc(2026, 11, 1, 0))
        .limit(32)
        .fetch()
        .await
        .unwrap_err();
    assert!(matches!(error, Error::InvalidRequest { .. }), "{error:?}");
    assert!(error.to_string().contains("limit=32"), "{error}");
    assert!(requests(&server).await.is_empty());
}

#[tokio::test]
async fn an_error_envelope_gives_status_type_message_and_request_id() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(
            json(404, "error.published_example.json").insert_header("request-id", "req_header"),
        )
        .mount(&server)
        .await;
    let error = client(&server)
        .cost_report()
        .starting_at(utc(2026, 11, 1, 0))
        .fetch()
        .await
        .unwrap_err();
    assert_eq!(error.status(), Some(404));
    // The header is preferred to the body's `request_id`.
    assert_eq!(error.request_id(), Some("req_header"));
    let api = error.api().unwrap();
    assert_eq!(api.provider, Provider::Anthropic);
    assert_eq!(api.operation, "cost_report");
    assert_eq!(api.kind.as_deref(), Some("not_found_error"));
    assert_eq!(
        api.message.as_deref(),
        Some("The requested resource could not be found.")
    );
    assert!(!error.is_retryable());
    assert!(!format!("{error:?} {error}").contains(KEY));

    // Without the header, the body's request id.
    server.reset().await;
    Mock::given(method("GET"))
        .respond_with(json(401, "error.authentication.json"))
        .mount(&server)
        .await;
    let error = client(&server)
        .messages_usage_report()
        .starting_at(utc(2026, 11, 1, 0))
        .fetch()
        .await
        .unwrap_err();
    assert_eq!(error.status(), Some(401));
    assert_eq!(error.request_id(), Some("req_011CSHoEeqs5C35K2UUqR7G0"));
    assert_eq!(
        error.api().unwrap().kind.as_deref(),
        Some("authentication_error")
    );
}

#[tokio::test]
async fn a_429_with_retry_after_and_a_529_are_retried() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(json(429, "error.rate_limit.json").insert_header("retry-after", "1"))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .respond_with(json(529, "error.overloaded.json"))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .respond_with(json(200, "cost_report.minimal.json"))
        .mount(&server)
        .await;
    let client = Client::from_config(
        Config::new(KEY).with_base_url(server.uri()).with_retry(
            RetryPolicy::default()
                .with_max_attempts(3)
                .with_initial_backoff(Duration::from_millis(10))
                .with_max_backoff(Duration::from_millis(20))
                .with_max_elapsed(Duration::from_secs(10)),
        ),
    )
    .unwrap();
    let started = Instant::now();
    let page = tokio::time::timeout(
        Duration::from_secs(10),
        client
            .cost_report()
            .starting_at(utc(2026, 11, 1, 0))
            .fetch(),
    )
    .await
    .unwrap()
    .unwrap();
    assert_eq!(page.data[0].results[0].amount.value(), dec("42"));
    // `retry-after: 1` was honoured.
    assert!(started.elapsed() >= Duration::from_secs(1));
    let sent = requests(&server).await;
    assert_eq!(sent.len(), 3);
    for request in &sent {
        assert_headers(request);
    }
}

#[tokio::test]
async fn a_529_after_the_retries_is_an_overloaded_error() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(json(529, "error.overloaded.json"))
        .mount(&server)
        .await;
    let error = client(&server)
        .cost_report()
        .starting_at(utc(2026, 11, 1, 0))
        .fetch()
        .await
        .unwrap_err();
    assert_eq!(error.status(), Some(529));
    assert!(error.is_retryable());
    assert_eq!(
        error.api().unwrap().kind.as_deref(),
        Some("overloaded_error")
    );
    assert_eq!(error.request_id(), None);
}

#[tokio::test]
async fn cost_records_convert_cents_and_name_the_default_workspace() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(COST))
        .respond_with(json(200, "cost_report.full.json"))
        .mount(&server)
        .await;
    let client = client(&server);
    let window = Window::new(utc(2026, 11, 1, 0), utc(2026, 11, 3, 0)).unwrap();
    let records: Vec<_> = Costs::new(client.clone())
        .records(window)
        .try_collect()
        .await
        .unwrap();
    assert_eq!(records.len(), 2);
    let first = &records[0];
    assert_eq!(first.provider, Provider::Anthropic);
    assert_eq!(first.amount, dec("1.2378912"));
    assert_eq!(first.currency, "USD");
    assert_eq!(first.period.start, utc(2026, 11, 1, 0));
    assert_eq!(first.period.end, utc(2026, 11, 2, 0));
    assert_eq!(
        first.scope.get(Dimension::Workspace),
        Some(DEFAULT_WORKSPACE)
    );
    assert_eq!(
        first.scope.get(Dimension::LineItem),
        Some("Claude Opus 5 Usage - Input Tokens")
    );
    assert_eq!(first.scope.get(Dimension::Model), Some("claude-opus-5"));
    assert_eq!(first.scope.get(Dimension::CostType), Some("tokens"));
    assert_eq!(
        first.scope.get(Dimension::TokenType),
        Some("uncached_input_tokens")
    );
    let second = &records[1];
    assert_eq!(second.amount, dec("0.005"));
    assert_eq!(
        second.scope.get(Dimension::Workspace),
        Some("wrkspc_01JwQvzr7rXLA5AGx3HKfFUJ")
    );
    assert_eq!(second.scope.get(Dimension::Model), None);
    assert_eq!(second.scope.get(Dimension::TokenType), None);
    let sent = requests(&server).await;
    assert_eq!(
        query(&sent[0]),
        "bucket_width=1d&ending_at=2026-11-03T00%3A00%3A00Z&group_by%5B%5D=workspace_id\
         &group_by%5B%5D=description&starting_at=2026-11-01T00%3A00%3A00Z&limit=31"
    );

    // Not grouped by workspace: a null workspace is no workspace.
    server.reset().await;
    Mock::given(method("GET"))
        .respond_with(json(200, "cost_report.full.json"))
        .mount(&server)
        .await;
    let records: Vec<_> = Costs::new(client)
        .group_by(vec![CostGroupBy::Description])
        .records(window)
        .try_collect()
        .await
        .unwrap();
    assert_eq!(records[0].scope.get(Dimension::Workspace), None);
    let page: CostReport = serde_json::from_str(&fixture("cost_report.full.json")).unwrap();
    let (grouped, ungrouped) = (
        cost_records(&page, true).unwrap(),
        cost_records(&page, false).unwrap(),
    );
    assert_eq!(
        grouped[0].scope.to_string(),
        format!("workspace={DEFAULT_WORKSPACE} {}", ungrouped[0].scope)
    );
    assert_eq!(grouped[1], ungrouped[1]);
    assert_eq!(grouped[0].amount, ungrouped[0].amount);
}

#[test]
fn config_reads_the_admin_key_and_hides_it() {
    assert_eq!(ANTHROPIC_VERSION, "2023-06-01");
    std::env::set_var("ANTHROPIC_ADMIN_KEY", KEY);
    std::env::set_var("ANTHROPIC_BASE_URL", "http://127.0.0.1:9");
    let config = Config::from_env().unwrap();
    assert_eq!(config.base_url(), "http://127.0.0.1:9");
    assert!(!format!("{config:?}").contains(KEY));
    let client = Client::from_env().unwrap();
    assert_eq!(client.base_url(), "http://127.0.0.1:9");
    assert_eq!(
        client.amount_unit(),
        usage_bindings::money::AmountUnit::Cents
    );
    std::env::remove_var("ANTHROPIC_BASE_URL");
    assert_eq!(
        Config::from_env().unwrap().base_url(),
        "https://api.anthropic.com"
    );
    std::env::remove_var("ANTHROPIC_ADMIN_KEY");
    assert!(Config::from_env().is_err());
}

/// Decodes `bytes` as `T` with the clients' decoder; it must agree with serde_json, and a value
/// must survive encode + decode unchanged.
fn hostile_decode<T>(name: &str, bytes: &[u8])
where
    T: serde::de::DeserializeOwned + serde::Serialize + PartialEq + std::fmt::Debug,
{
    let decoded = usage_bindings::json::from_slice::<T>(bytes);
    match (&decoded, serde_json::from_slice::<T>(bytes)) {
        (Ok(ours), Ok(theirs)) => assert_eq!(ours, &theirs, "{name}"),
        (Err(ours), Err(theirs)) => assert_eq!(ours.to_string(), theirs.to_string(), "{name}"),
        (ours, theirs) => panic!("{name}: json::from_slice gave {ours:?}, serde_json {theirs:?}"),
    }
    if let Ok(value) = decoded {
        let encoded = serde_json::to_vec(&value).unwrap();
        let again: T = serde_json::from_slice(&encoded)
            .unwrap_or_else(|e| panic!("{name}: its own encoding does not decode: {e}"));
        assert_eq!(again, value, "{name}");
    }
}

/// The hostile corpus (`tests/hostile/`) through every Anthropic decoder and, over HTTP, through
/// every Anthropic operation with a success status and an error status: a value or a typed
/// error each time, never a panic, and never the key in an error.
#[tokio::test]
async fn hostile_bodies_give_a_value_or_a_typed_error() {
    use usage_bindings::anthropic::types::ErrorResponse;
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/hostile");
    let mut bodies: Vec<(String, Vec<u8>)> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|entry| {
            let path = entry.unwrap().path();
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            (name, std::fs::read(&path).unwrap())
        })
        .collect();
    bodies.sort();
    assert!(bodies.len() >= 50, "{}", bodies.len());
    let server = MockServer::start().await;
    let client = client(&server);
    for (name, bytes) in &bodies {
        hostile_decode::<MessagesUsageReport>(name, bytes);
        hostile_decode::<CostReport>(name, bytes);
        hostile_decode::<ClaudeCodeUsageReport>(name, bytes);
        hostile_decode::<ErrorResponse>(name, bytes);
        for status in [200u16, 400, 529] {
            server.reset().await;
            Mock::given(method("GET"))
                .respond_with(
                    ResponseTemplate::new(status)
                        .insert_header("content-type", "application/json")
                        .set_body_bytes(bytes.clone()),
                )
                .mount(&server)
                .await;
            let outcomes = [
                client
                    .messages_usage_report()
                    .starting_at(utc(2026, 11, 1, 0))
                    .fetch()
                    .await
                    .map(|_| ()),
                client
                    .cost_report()
                    .starting_at(utc(2026, 11, 1, 0))
                    .fetch()
                    .await
                    .map(|_| ()),
                client
                    .claude_code_usage_report()
                    .starting_at(NaiveDate::from_ymd_opt(2026, 11, 1).unwrap())
                    .fetch()
                    .await
                    .map(|_| ()),
            ];
            for outcome in outcomes {
                match outcome {
                    Ok(()) => assert_eq!(status, 200, "{name}"),
                    Err(error) => {
                        let text = format!("{error} {error:?}");
                        assert!(!text.contains(KEY), "{name}");
                        if status != 200 {
                            assert_eq!(error.status(), Some(status), "{name}: {error}");
                        }
                    }
                }
            }
        }
    }
}
