#![cfg(feature = "openrouter")]
//! OpenRouter: the five operations against a local mock server, the exact request on the wire
//! (query, `Authorization: Bearer`), every published body decoded, the error envelope, retries on
//! 429, the key list's offset walk, the activity's cost records (exact amounts, BYOK apart) and
//! the 30-day rule.

use std::num::NonZeroU64;
use std::time::{Duration, Instant};

use chrono::{NaiveDate, TimeDelta};
use futures::{StreamExt, TryStreamExt};
use rust_decimal::Decimal;
use serde_json::{json, Value};
use usage_bindings::cost::{self, CostSource, Dimension, Window};
use usage_bindings::openrouter::types::{
    ActivityGroupBy, ActivityResponse, ApiKeysResponse, CreditsResponse, CurrentKeyResponse,
    ErrorResponse, GenerationResponse,
};
use usage_bindings::openrouter::{
    balance, cost_records, Client, Config, Costs, Today, ACTIVITY_DAYS, KEYS_PAGE_SIZE,
};
use usage_bindings::{Error, Provider, RetryPolicy};
use wiremock::matchers::{method, path, query_param};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

const KEY: &str = "sk-or-v1-SEKRIT-test-0f9e";
const USER_AGENT: &str = concat!("usage-bindings/", env!("CARGO_PKG_VERSION"));

fn fixture(name: &str) -> String {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/openrouter")
        .join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn fixtures(prefix: &str) -> Vec<String> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/openrouter");
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name.starts_with(&format!("{prefix}.")) && name.ends_with(".json"))
        .collect();
    names.sort();
    assert!(!names.is_empty(), "no fixture {prefix}.*.json");
    names
}

fn json_file(status: u16, name: &str) -> ResponseTemplate {
    ResponseTemplate::new(status).set_body_raw(fixture(name), "application/json")
}

fn ok(body: Value) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(body)
}

fn client(server: &MockServer) -> Client {
    client_with(server, RetryPolicy::disabled())
}

fn client_with(server: &MockServer, retry: RetryPolicy) -> Client {
    Client::from_config(
        Config::new(KEY)
            .with_base_url(server.uri())
            .with_retry(retry),
    )
    .unwrap()
}

fn dec(text: &str) -> Decimal {
    text.parse().unwrap()
}

fn day(text: &str) -> NaiveDate {
    text.parse().unwrap()
}

fn days(first: &str, last: &str) -> Window {
    Window::days(day(first), day(last)).unwrap()
}

async fn requests(server: &MockServer) -> Vec<Request> {
    server.received_requests().await.unwrap()
}

/// The query pairs of `request`, sorted.
fn query(request: &Request) -> Vec<(String, String)> {
    let mut pairs: Vec<(String, String)> = request
        .url
        .query_pairs()
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    pairs.sort();
    pairs
}

fn pairs(expected: &[(&str, &str)]) -> Vec<(String, String)> {
    let mut pairs: Vec<(String, String)> = expected
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    pairs.sort();
    pairs
}

/// The headers every request carries: the key as a Bearer token, the user agent, nothing else
/// for auth, and not progenitor's `api-version`.
fn assert_headers(request: &Request) {
    let header = |name: &str| {
        request
            .headers
            .get(name)
            .map(|v| v.to_str().unwrap().to_string())
    };
    assert_eq!(header("authorization"), Some(format!("Bearer {KEY}")));
    assert_eq!(header("user-agent").as_deref(), Some(USER_AGENT));
    assert_eq!(header("x-api-key"), None);
    assert_eq!(header("api-version"), None);
}

#[tokio::test]
async fn every_operation_sends_its_exact_request_and_decodes_its_published_body() {
    let server = MockServer::start().await;
    for (route, name) in [
        ("/activity", "get_user_activity.published_example.json"),
        ("/credits", "get_credits.published_example.json"),
        ("/key", "get_current_key.published_example.json"),
        ("/keys", "list_api_keys.published_example.json"),
        ("/generation", "get_generation.published_example.json"),
    ] {
        Mock::given(method("GET"))
            .and(path(route))
            .respond_with(json_file(200, name))
            .mount(&server)
            .await;
    }
    let client = client(&server);

    let activity = client
        .get_user_activity()
        .date("2026-11-03")
        .api_key_hash("f01d52606dc8f0a8")
        .user_id("user_2dHF")
        .group_by(ActivityGroupBy::Workspace)
        .workspace_id("0df9e665-d932-5740-b2c7-b52af166bc11")
        .fetch()
        .await
        .unwrap();
    let item = &activity.data[0];
    assert_eq!(item.usage.value(), dec("0.015"));
    assert_eq!(item.usage.value().to_string(), "0.015");
    assert_eq!(item.byok_usage_inference.value().to_string(), "0.012");
    assert_eq!(
        (
            item.requests,
            item.prompt_tokens,
            item.completion_tokens,
            item.reasoning_tokens
        ),
        (5, 50, 125, 25)
    );
    assert_eq!(item.provider_name, "OpenAI");

    let credits = client.get_credits().fetch().await.unwrap().data;
    assert_eq!(credits.total_credits.value().to_string(), "100.5");
    assert_eq!(credits.total_usage.value().to_string(), "25.75");

    let key = client.get_current_key().fetch().await.unwrap().data;
    assert_eq!(key.limit.map(|a| a.value()), Some(dec("100")));
    assert_eq!(key.limit_remaining.map(|a| a.value()), Some(dec("74.5")));
    assert_eq!(key.limit_reset.as_deref(), Some("monthly"));
    assert_eq!(key.byok_usage.value(), dec("17.38"));

    let keys = client
        .list_api_keys()
        .include_disabled(true)
        .offset(100)
        .workspace_id("0df9e665-d932-5740-b2c7-b52af166bc11")
        .fetch()
        .await
        .unwrap();
    assert_eq!(keys.data[0].hash.len(), 64);
    assert_eq!(keys.data[0].usage.value(), dec("25.5"));

    let generation = client
        .get_generation()
        .id("gen-3bhGkxlo4XFrqiabUM7NDtwDzWwG")
        .fetch()
        .await
        .unwrap()
        .data;
    assert_eq!(generation.total_cost.value().to_string(), "0.0015");
    assert_eq!(
        generation.upstream_inference_cost.map(|a| a.value()),
        Some(dec("0.0012"))
    );
    assert_eq!(generation.cache_discount, None);

    let sent = requests(&server).await;
    assert_eq!(sent.len(), 5);
    for request in &sent {
        assert_headers(request);
    }
    let expected: [(&str, &[(&str, &str)]); 5] = [
        (
            "/activity",
            &[
                ("date", "2026-11-03"),
                ("api_key_hash", "f01d52606dc8f0a8"),
                ("user_id", "user_2dHF"),
                ("group_by", "workspace"),
                ("workspace_id", "0df9e665-d932-5740-b2c7-b52af166bc11"),
            ],
        ),
        ("/credits", &[]),
        ("/key", &[]),
        (
            "/keys",
            &[
                ("include_disabled", "true"),
                ("offset", "100"),
                ("workspace_id", "0df9e665-d932-5740-b2c7-b52af166bc11"),
            ],
        ),
        ("/generation", &[("id", "gen-3bhGkxlo4XFrqiabUM7NDtwDzWwG")]),
    ];
    for (request, (route, query_pairs)) in sent.iter().zip(expected) {
        assert_eq!(request.url.path(), route);
        assert_eq!(query(request), pairs(query_pairs), "{route}");
    }
}

#[tokio::test]
async fn from_env_reads_the_management_key_and_the_base_url() {
    // The variables are read through `Config::from_env`; the table's generic tests set them in
    // a child process. Here: the names and the default.
    use usage_bindings::ProviderSpec;
    assert_eq!(
        usage_bindings::openrouter::Settings::KEY_ENV_VAR,
        "OPENROUTER_MANAGEMENT_KEY"
    );
    assert_eq!(
        usage_bindings::openrouter::Settings::BASE_URL_ENV_VAR,
        "OPENROUTER_BASE_URL"
    );
    let client = Client::from_config(Config::new(KEY)).unwrap();
    assert_eq!(client.base_url(), "https://openrouter.ai/api/v1");
    assert!(!format!("{client:?}").contains("SEKRIT"));
}

/// Every fixture decodes as its operation's body (published examples, current and older).
#[test]
fn every_fixture_decodes() {
    fn each<T: serde::de::DeserializeOwned>(prefix: &str) -> usize {
        let names = fixtures(prefix);
        for name in &names {
            serde_json::from_str::<T>(&fixture(name)).unwrap_or_else(|e| panic!("{name}: {e}"));
        }
        names.len()
    }
    assert!(each::<ActivityResponse>("get_user_activity") >= 3);
    assert!(each::<CreditsResponse>("get_credits") >= 1);
    assert_eq!(each::<CurrentKeyResponse>("get_current_key"), 6);
    assert_eq!(each::<ApiKeysResponse>("list_api_keys"), 4);
    assert_eq!(each::<GenerationResponse>("get_generation"), 5);
    assert!(each::<ErrorResponse>("error") >= 16);
}

#[test]
fn amounts_keep_the_digits_sent_and_an_inexact_one_is_an_error() {
    let page: ActivityResponse =
        serde_json::from_str(&fixture("get_user_activity.byok_and_exponents.json")).unwrap();
    let usage: Vec<String> = page.data.iter().map(|i| i.usage.to_string()).collect();
    assert_eq!(usage, ["0.30000000000000004", "0", "0.00000024"]);
    assert_eq!(
        page.data[0].byok_usage_inference.to_string(),
        "6.000000000000001"
    );

    // 1e30 dollars does not fit an exact decimal: the body does not decode.
    let body = fixture("get_user_activity.published_example.json").replace("0.015", "1e30");
    let error = serde_json::from_str::<ActivityResponse>(&body).unwrap_err();
    assert!(
        error.to_string().contains("usage") || error.is_data(),
        "{error}"
    );
    // A token count that is not an integer does not decode either.
    let body = fixture("get_user_activity.published_example.json").replace("125", "12.5");
    assert!(serde_json::from_str::<ActivityResponse>(&body).is_err());
}

#[tokio::test]
async fn an_error_reads_the_envelope_whatever_its_member_order_and_keeps_the_key() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/credits"))
        .respond_with(json_file(403, "error.published_403.json"))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/key"))
        .respond_with(json_file(401, "error.live_member_order.json"))
        .mount(&server)
        .await;
    let client = client(&server);
    let error = client.get_credits().fetch().await.unwrap_err();
    assert_eq!(error.status(), Some(403));
    let api = error.api().unwrap();
    assert_eq!(api.provider, Provider::OpenRouter);
    assert_eq!(api.operation, "get_credits");
    assert_eq!(api.code.as_deref(), Some("403"));
    assert!(api
        .message
        .as_deref()
        .unwrap()
        .contains("Only management keys"));
    assert!(!error.is_retryable());
    assert_eq!(error.request_id(), None);
    assert!(!format!("{error:?} {error}").contains("SEKRIT"));

    let error = client.get_current_key().fetch().await.unwrap_err();
    assert_eq!(error.status(), Some(401));
    assert_eq!(
        error.api().unwrap().message.as_deref(),
        Some("User not found.")
    );
    assert_eq!(error.api().unwrap().code.as_deref(), Some("401"));
}

#[tokio::test]
async fn a_429_with_retry_after_is_retried_and_a_400_is_not() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/keys"))
        .respond_with(
            json_file(429, "error.published_429_guide.json").insert_header("retry-after", "1"),
        )
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/keys"))
        .respond_with(json_file(200, "list_api_keys.published_guide.json"))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/activity"))
        .respond_with(json_file(400, "error.published_400.json"))
        .mount(&server)
        .await;
    let client = client_with(
        &server,
        RetryPolicy::default()
            .with_max_attempts(3)
            .with_initial_backoff(Duration::from_millis(10))
            .with_max_backoff(Duration::from_millis(20))
            .with_max_elapsed(Duration::from_secs(10)),
    );
    let started = Instant::now();
    let page = tokio::time::timeout(Duration::from_secs(10), client.list_api_keys().fetch())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(page.data.len(), 1);
    assert!(
        started.elapsed() >= Duration::from_secs(1),
        "Retry-After honoured"
    );
    assert_eq!(requests(&server).await.len(), 2);

    let error = tokio::time::timeout(Duration::from_secs(10), client.get_user_activity().fetch())
        .await
        .unwrap()
        .unwrap_err();
    assert_eq!(error.status(), Some(400));
    assert_eq!(requests(&server).await.len(), 3, "a 400 is not retried");
}

#[tokio::test]
async fn a_429_that_stays_ends_after_the_attempts() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(json_file(429, "error.published_429.json"))
        .mount(&server)
        .await;
    let client = client_with(
        &server,
        RetryPolicy::default()
            .with_max_attempts(3)
            .with_initial_backoff(Duration::from_millis(10))
            .with_max_backoff(Duration::from_millis(20))
            .with_max_elapsed(Duration::from_secs(5)),
    );
    let error = tokio::time::timeout(Duration::from_secs(10), client.get_credits().fetch())
        .await
        .unwrap()
        .unwrap_err();
    assert_eq!(error.status(), Some(429));
    assert!(error.is_retryable());
    assert_eq!(requests(&server).await.len(), 3);
}

/// A page of `count` keys numbered from `first`.
fn keys_page(first: u64, count: u64) -> Value {
    let mut page: Value =
        serde_json::from_str(&fixture("list_api_keys.published_guide.json")).unwrap();
    let template = page["data"][0].clone();
    let data: Vec<Value> = (first..first + count)
        .map(|n| {
            let mut key = template.clone();
            key["hash"] = json!(format!("hash-{n}"));
            key
        })
        .collect();
    page["data"] = json!(data);
    page
}

#[tokio::test]
async fn the_key_list_walks_by_offset_until_a_short_page() {
    let server = MockServer::start().await;
    for (offset, count) in [(0, 100), (100, 100), (200, 3)] {
        Mock::given(method("GET"))
            .and(path("/keys"))
            .and(query_param("offset", offset.to_string()))
            .respond_with(ok(keys_page(offset, count)))
            .mount(&server)
            .await;
    }
    let keys: Vec<_> = client(&server)
        .list_api_keys()
        .include_disabled(false)
        .items()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(keys.len(), 203);
    assert_eq!(keys[202].hash, "hash-202");
    let sent = requests(&server).await;
    let offsets: Vec<Vec<(String, String)>> = sent.iter().map(query).collect();
    assert_eq!(
        offsets,
        [
            pairs(&[("include_disabled", "false"), ("offset", "0")]),
            pairs(&[("include_disabled", "false"), ("offset", "100")]),
            pairs(&[("include_disabled", "false"), ("offset", "200")]),
        ]
    );
    assert_eq!(KEYS_PAGE_SIZE, 100);
}

#[tokio::test]
async fn a_page_size_above_the_apis_is_refused_before_sending() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ok(keys_page(0, 3)))
        .mount(&server)
        .await;
    let error = client(&server)
        .list_api_keys()
        .page_size(NonZeroU64::new(101).unwrap())
        .items()
        .try_collect::<Vec<_>>()
        .await
        .unwrap_err();
    assert!(matches!(error, Error::InvalidRequest { .. }), "{error:?}");
    assert!(error.to_string().contains("101"), "{error}");
    assert!(requests(&server).await.is_empty());

    // At most the API's size, nothing is sent for it: a shorter page ends the walk.
    let keys: Vec<_> = client(&server)
        .list_api_keys()
        .page_size(NonZeroU64::new(100).unwrap())
        .items()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(keys.len(), 3);
    let sent = requests(&server).await;
    assert_eq!(sent.len(), 1);
    assert_eq!(query(&sent[0]), pairs(&[("offset", "0")]));
}

/// The activity of 2026-11-03 and 04 (with the BYOK row), served for any query.
async fn activity_server() -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/activity"))
        .respond_with(json_file(200, "get_user_activity.byok_and_exponents.json"))
        .mount(&server)
        .await;
    server
}

#[tokio::test]
async fn cost_records_are_exact_keep_byok_apart_and_count_tokens() {
    let server = activity_server().await;
    let costs = Costs::new(client(&server))
        .by_workspace(true)
        .today(Today::Fixed(day("2026-11-20")));
    let window = days("2026-11-03", "2026-11-04");
    let records: Vec<_> = costs.records(window).try_collect().await.unwrap();
    assert_eq!(records.len(), 3);
    let first = &records[0];
    assert_eq!(first.provider, Provider::OpenRouter);
    assert_eq!(first.currency, "USD");
    assert_eq!(first.amount.to_string(), "0.30000000000000004");
    assert_eq!(first.period, days("2026-11-03", "2026-11-03"));
    assert_eq!(
        first.scope.to_string(),
        "workspace=0df9e665-d932-5740-b2c7-b52af166bc11 model=anthropic/claude-sonnet-4 \
         resource=7c1a3e52-0f4b-4c55-9f0e-2b7d4c9e1a01"
    );
    assert_eq!(first.names.get(Dimension::Resource), Some("Anthropic"));
    assert_eq!(
        first.details.get("byok_usage_inference"),
        Some("6.000000000000001")
    );
    assert_eq!(first.details.get("provider_name"), Some("Anthropic"));
    assert_eq!(first.details.get("requests"), Some("12"));
    let quantity = first.quantity.clone().unwrap();
    // Prompt + completion; the 3000 reasoning tokens are inside the 9000 completion tokens.
    assert_eq!(
        (quantity.value, quantity.unit.as_str()),
        (dec("57000"), "tokens")
    );
    assert_eq!(
        first.description.as_deref(),
        Some("anthropic/claude-sonnet-4 via Anthropic")
    );
    // The day written with a midnight time is read as its day.
    assert_eq!(records[2].period, days("2026-11-04", "2026-11-04"));
    assert_eq!(records[2].amount.to_string(), "0.00000024");

    // The total is `usage` alone: the BYOK inference cost is never added.
    let fetched = cost::fetch_all(&[&costs], window).await;
    let all: Vec<_> = fetched.into_iter().flat_map(|p| p.records).collect();
    let totals = cost::totals_by_provider(&all).unwrap();
    assert_eq!(
        totals[&(Provider::OpenRouter, "USD".to_string())],
        dec("0.30000024000000004")
    );
    let sent = requests(&server).await;
    assert_eq!(query(&sent[0]), pairs(&[("group_by", "workspace")]));

    // The same records from the page function.
    let page: ActivityResponse =
        serde_json::from_str(&fixture("get_user_activity.byok_and_exponents.json")).unwrap();
    assert_eq!(cost_records(&page).unwrap(), records);

    // In FOCUS, `BilledCost` is `usage` and the BYOK inference cost has a column of its own.
    #[cfg(feature = "focus")]
    {
        let billed = first
            .clone()
            .with_billing_account(usage_bindings::cost::BillingAccount::new("or-account-1"));
        let row = usage_bindings::cost::focus::row(&billed).unwrap();
        assert_eq!(row.get("BilledCost"), Some("0.30000000000000004"));
        assert_eq!(row.get("ServiceName"), Some("OpenRouter"));
        assert_eq!(row.get("x_ByokUsageInference"), Some("6.000000000000001"));
        assert_eq!(row.get("x_ProviderName"), Some("Anthropic"));
    }
}

#[tokio::test]
async fn items_of_days_outside_the_window_are_not_records() {
    let server = activity_server().await;
    let costs = Costs::new(client(&server)).today(Today::Fixed(day("2026-11-20")));
    let records: Vec<_> = costs
        .records(days("2026-11-04", "2026-11-10"))
        .try_collect()
        .await
        .unwrap();
    assert_eq!(records.len(), 1);
    assert_eq!(records[0].amount, dec("0.00000024"));
}

#[tokio::test]
async fn a_window_older_than_the_30_days_is_an_error_and_the_others_are_unaffected() {
    let server = activity_server().await;
    let window = days("2026-11-03", "2026-11-04");
    // Today 2026-12-04: the activity covers 2026-11-04 .. 2026-12-03, the window starts a day
    // earlier.
    let late = Costs::new(client(&server)).today(Today::Fixed(day("2026-12-04")));
    let timely = Costs::new(client(&server)).today(Today::Fixed(day("2026-12-03")));
    let results = cost::fetch_all(&[&late, &timely], window).await;
    assert_eq!(results.len(), 2);
    assert!(results[0].records.is_empty());
    assert_eq!(results[0].errors.len(), 1);
    let error = &results[0].errors[0];
    assert!(matches!(error, Error::InvalidRequest { .. }), "{error:?}");
    let text = error.to_string();
    assert!(text.contains("30 completed UTC days"), "{text}");
    assert!(text.contains("2026-11-03"), "{text}");
    assert!(!results[0].is_complete());
    assert!(results[1].is_complete());
    assert_eq!(results[1].records.len(), 3);
    // Only the timely source asked.
    assert_eq!(requests(&server).await.len(), 1);
    assert_eq!(ACTIVITY_DAYS, 30);
}

#[tokio::test]
async fn a_window_reaching_into_today_is_an_error() {
    let server = activity_server().await;
    let costs = Costs::new(client(&server)).today(Today::Fixed(day("2026-11-04")));
    let window = Window::new(
        days("2026-11-03", "2026-11-03").start,
        days("2026-11-04", "2026-11-04").start + TimeDelta::hours(1),
    )
    .unwrap();
    let items: Vec<_> = costs.records(window).collect().await;
    assert_eq!(items.len(), 1);
    let error = items[0].as_ref().unwrap_err();
    assert!(error.to_string().contains("current UTC day"), "{error}");
    assert!(requests(&server).await.is_empty());
}

#[tokio::test]
async fn a_failed_activity_request_is_the_sources_error() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(json_file(403, "error.published_403.json"))
        .mount(&server)
        .await;
    let costs = Costs::new(client(&server)).today(Today::Fixed(day("2026-11-20")));
    let items: Vec<_> = costs
        .records(days("2026-11-03", "2026-11-04"))
        .collect()
        .await;
    assert_eq!(items.len(), 1);
    assert_eq!(items[0].as_ref().unwrap_err().status(), Some(403));
}

#[tokio::test]
async fn the_balance_is_credits_bought_less_used() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/credits"))
        .respond_with(json_file(200, "get_credits.published_example.json"))
        .mount(&server)
        .await;
    let client = client(&server);
    assert_eq!(
        balance(&client).await.unwrap(),
        "balance 74.75 USD: 100.5 bought, 25.75 used"
    );
    let costs = Costs::new(client);
    let line = costs.balance().expect("a balance").await.unwrap();
    assert_eq!(line, "balance 74.75 USD: 100.5 bought, 25.75 used");
}
