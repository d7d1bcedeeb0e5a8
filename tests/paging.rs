#![cfg(all(feature = "openai", feature = "northflank", feature = "phala"))]
//! Auto-pagination over a local mock server: every record of every page exactly once and in
//! order, the page parameters on the wire, one request per page, lazy fetching, a rate limit in
//! the middle of a walk, and a page that fails for good.

mod support;

use std::num::NonZeroU64;

use futures::{StreamExt, TryStreamExt};
use support::*;
use usage_bindings::openai::types::UsageResult;
use usage_bindings::paging::{PageCursor, PagingProblem};
use usage_bindings::{Error, Provider, RetryPolicy};
use wiremock::matchers::{method, path, query_param, query_param_is_missing};
use wiremock::{Mock, MockServer, ResponseTemplate};

const START: i64 = 1_730_419_200;
const DAY: i64 = 86_400;
const APP: &str = "app-9f3c2a";

// ---------------------------------------------------------------------------------------------
// Every provider's simple walk, by the rule its row names

/// The token a page points to the page `k` with.
fn token(k: usize) -> String {
    format!("tok{k}")
}

/// Serves the row's simple operation as pages of `sizes` records (numbered on from 0), each
/// page found by the row's paging rule; the walk asks for pages of `sizes[0]`.
async fn mount_walk(server: &MockServer, row: &Row, sizes: &[u64]) {
    let mut first = 0;
    for (k, &count) in sizes.iter().enumerate() {
        let next = (k + 1 < sizes.len()).then(|| token(k + 1));
        let body = (row.page)(first, count, next.as_deref());
        let mock = Mock::given(method("GET")).and(path(row.path));
        let mock = match row.paging {
            Paging::Token(param) | Paging::Cursor(param) if k == 0 => {
                mock.and(query_param_is_missing(param))
            }
            Paging::Token(param) | Paging::Cursor(param) => mock.and(query_param(param, token(k))),
            Paging::LimitOffset | Paging::FixedOffset(_) => {
                mock.and(query_param("offset", first.to_string()))
            }
        };
        mock.respond_with(ok(body)).mount(server).await;
        first += count;
    }
}

/// Where the row's third page is asked for: its token, or its offset with pages of two.
fn third_page(row: &Row) -> (&'static str, String) {
    match row.paging {
        Paging::Token(param) | Paging::Cursor(param) => (param, token(2)),
        Paging::LimitOffset | Paging::FixedOffset(_) => ("offset", "4".to_string()),
    }
}

#[tokio::test]
async fn every_walk_yields_each_record_once_with_one_request_per_page() {
    for row in rows() {
        let server = MockServer::start().await;
        mount_walk(&server, &row, &[2, 2, 1]).await;
        let client = row.client(&server, RetryPolicy::disabled());
        let records = client.walk(Some(2), None, None).await.unwrap();
        assert_eq!(records, [0, 1, 2, 3, 4], "{}", row.provider);
        let sent = requests(&server).await;
        assert_eq!(sent.len(), 3, "{}", row.provider);
        for request in &sent {
            assert_eq!(
                query(request, row.size_param),
                row.sent_page_size(2),
                "{}: {}",
                row.provider,
                request.url
            );
        }
    }
}

#[tokio::test]
async fn every_walk_fetches_its_pages_lazily() {
    for row in rows() {
        let server = MockServer::start().await;
        mount_walk(&server, &row, &[4, 4, 1]).await;
        let client = row.client(&server, RetryPolicy::disabled());
        assert_eq!(client.walk(Some(4), Some(1), None).await.unwrap(), [0]);
        assert_eq!(requests(&server).await.len(), 1, "{}", row.provider);
        // The rest of the first page comes from memory.
        assert_eq!(
            client.walk(Some(4), Some(4), None).await.unwrap(),
            [0, 1, 2, 3]
        );
        assert_eq!(requests(&server).await.len(), 2, "{}", row.provider);
    }
}

#[tokio::test]
async fn every_walk_resumes_from_the_page_that_failed() {
    for row in rows() {
        let server = MockServer::start().await;
        mount_walk(&server, &row, &[2, 2, 1]).await;
        let (name, value) = third_page(&row);
        fail_once(&server, name, &value).await;
        let client = row.client(&server, RetryPolicy::disabled());
        let error = client.walk(Some(2), None, None).await.unwrap_err();
        assert_eq!(error.status(), Some(500), "{}", row.provider);
        let cursor = error.resume_from().cloned().expect("a page error resumes");
        let before = requests(&server).await.len();
        let rest = client.walk(Some(2), None, Some(cursor)).await.unwrap();
        assert_eq!(rest, [4], "{}", row.provider);
        assert_eq!(
            requests(&server).await.len(),
            before + 1,
            "{}",
            row.provider
        );
    }
}

// ---------------------------------------------------------------------------------------------
// OpenAI: `page=<next_page>` while `has_more`

/// Three pages of two, two and one buckets; the cursors need percent-encoding.
async fn openai_three_pages() -> MockServer {
    let server = MockServer::start().await;
    let usage = || Mock::given(method("GET")).and(path("/v1/organization/usage/completions"));
    usage()
        .and(query_param_is_missing("page"))
        .respond_with(ok(openai_page(&[START, START + DAY], Some("pg/2+a=="))))
        .mount(&server)
        .await;
    usage()
        .and(query_param("page", "pg/2+a=="))
        .respond_with(ok(openai_page(
            &[START + 2 * DAY, START + 3 * DAY],
            Some("pg/3+b=="),
        )))
        .mount(&server)
        .await;
    usage()
        .and(query_param("page", "pg/3+b=="))
        .respond_with(ok(openai_page(&[START + 4 * DAY], None)))
        .mount(&server)
        .await;
    server
}

fn openai_expected_queries() -> Vec<Vec<(String, String)>> {
    let start = START.to_string();
    vec![
        pairs(&[("start_time", &start), ("limit", "2")]),
        pairs(&[("start_time", &start), ("limit", "2"), ("page", "pg/2+a==")]),
        pairs(&[("start_time", &start), ("limit", "2"), ("page", "pg/3+b==")]),
    ]
}

#[tokio::test]
async fn openai_stream_yields_every_bucket_once_in_order() {
    let server = openai_three_pages().await;
    let client = openai_client(&server, RetryPolicy::disabled());
    let buckets: Vec<_> = client
        .usage_completions()
        .start_time(START)
        .limit(2)
        .items()
        .try_collect()
        .await
        .unwrap();

    let starts: Vec<i64> = buckets.iter().map(|b| b.start_time).collect();
    let expected: Vec<i64> = (0..5).map(|d| START + d * DAY).collect();
    assert_eq!(starts, expected);
    for bucket in &buckets {
        assert_eq!(bucket.end_time, bucket.start_time + DAY);
        assert_eq!(bucket.results.len(), 2);
    }
    assert_eq!(queries(&server).await, openai_expected_queries());
}

#[tokio::test]
async fn openai_results_are_flattened_with_their_bucket() {
    let server = openai_three_pages().await;
    let client = openai_client(&server, RetryPolicy::disabled());
    let results: Vec<_> = client
        .usage_completions()
        .start_time(START)
        .limit(2)
        .results()
        .try_collect()
        .await
        .unwrap();

    let seen: Vec<(i64, i64, i64)> = results
        .iter()
        .map(|item| {
            let UsageResult::UsageCompletionsResult(result) = &item.result else {
                panic!("expected a completions result, got {:?}", item.result);
            };
            (item.start_time, item.end_time, result.input_tokens)
        })
        .collect();
    let expected: Vec<(i64, i64, i64)> = (0..5)
        .flat_map(|d| {
            let start = START + d * DAY;
            [(start, start + DAY, start), (start, start + DAY, start + 1)]
        })
        .collect();
    assert_eq!(seen, expected);
    assert_eq!(queries(&server).await, openai_expected_queries());
}

#[tokio::test]
async fn openai_pages_are_fetched_lazily() {
    let server = openai_three_pages().await;
    let client = openai_client(&server, RetryPolicy::disabled());
    let stream = client.usage_completions().start_time(START).items();
    futures::pin_mut!(stream);
    let first = stream.try_next().await.unwrap().unwrap();
    assert_eq!(first.start_time, START);
    assert_eq!(requests(&server).await.len(), 1);

    let results = client.usage_completions().start_time(START).results();
    futures::pin_mut!(results);
    let first = results.try_next().await.unwrap().unwrap();
    assert_eq!(first.start_time, START);
    assert_eq!(requests(&server).await.len(), 2);
}

// ---------------------------------------------------------------------------------------------
// Northflank: `cursor=<pagination.cursor>` while `hasNextPage`

async fn northflank_three_pages(api_path: &str) -> MockServer {
    let server = MockServer::start().await;
    mount_northflank_pages(&server, api_path).await;
    server
}

/// Pages of three, three and one entries at no cursor, `c2==` and `c3==`.
async fn mount_northflank_pages(server: &MockServer, api_path: &str) {
    let usage = || Mock::given(method("GET")).and(path(api_path.to_string()));
    usage()
        .and(query_param_is_missing("cursor"))
        .respond_with(ok(northflank_page(&[1000, 999, 998], Some("c2=="))))
        .mount(server)
        .await;
    usage()
        .and(query_param("cursor", "c2=="))
        .respond_with(ok(northflank_page(&[997, 996, 995], Some("c3=="))))
        .mount(server)
        .await;
    usage()
        .and(query_param("cursor", "c3=="))
        .respond_with(ok(northflank_page(&[994], None)))
        .mount(server)
        .await;
}

fn northflank_expected_queries() -> Vec<Vec<(String, String)>> {
    vec![
        pairs(&[("per_page", "3"), ("startTime", "900")]),
        pairs(&[("per_page", "3"), ("startTime", "900"), ("cursor", "c2==")]),
        pairs(&[("per_page", "3"), ("startTime", "900"), ("cursor", "c3==")]),
    ]
}

fn timestamps(entries: &[usage_bindings::northflank::types::UsageEntry]) -> Vec<f64> {
    entries.iter().map(|e| e.timestamp.unwrap()).collect()
}

const NORTHFLANK_ALL: [f64; 7] = [1000.0, 999.0, 998.0, 997.0, 996.0, 995.0, 994.0];

#[tokio::test]
async fn northflank_org_stream_follows_the_cursor() {
    let server = northflank_three_pages("/v1/billing/usage").await;
    let client = northflank_client(&server, RetryPolicy::disabled());
    let entries: Vec<_> = client
        .list_usage()
        .per_page(3)
        .start_time(900_i64)
        .items()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(timestamps(&entries), NORTHFLANK_ALL);
    assert_eq!(queries(&server).await, northflank_expected_queries());
}

#[tokio::test]
async fn northflank_team_stream_follows_the_cursor() {
    let server = northflank_three_pages("/v1/teams/team-one/billing/usage").await;
    let client = northflank_client(&server, RetryPolicy::disabled());
    let entries: Vec<_> = client
        .list_team_usage()
        .team("team-one")
        .per_page(3)
        .start_time(900_i64)
        .items()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(timestamps(&entries), NORTHFLANK_ALL);
    assert_eq!(queries(&server).await, northflank_expected_queries());
}

#[tokio::test]
async fn northflank_pages_yields_whole_pages() {
    let server = northflank_three_pages("/v1/billing/usage").await;
    let client = northflank_client(&server, RetryPolicy::disabled());
    let counts: Vec<usize> = client
        .list_usage()
        .per_page(3)
        .start_time(900_i64)
        .pages()
        .map_ok(|page| page.data.usage.len())
        .try_collect()
        .await
        .unwrap();
    assert_eq!(counts, [3, 3, 1]);
    assert_eq!(queries(&server).await, northflank_expected_queries());
}

// ---------------------------------------------------------------------------------------------
// Phala: `limit`/`offset`, a short page ends the walk

fn page_size(n: u64) -> NonZeroU64 {
    NonZeroU64::new(n).unwrap()
}

fn instance_ids(records: &[usage_bindings::phala::types::MeteredUsageResponse]) -> Vec<String> {
    records.iter().map(|r| r.instance_id.clone()).collect()
}

#[tokio::test]
async fn phala_default_stream_asks_for_the_default_page_size() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ok(phala_page(0..2)))
        .mount(&server)
        .await;
    let client = phala_client(&server, RetryPolicy::disabled());
    let records: Vec<_> = client
        .get_app_usage()
        .app_id(APP)
        .items()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(records.len(), 2);
    let limit = usage_bindings::phala::DEFAULT_PAGE_SIZE.to_string();
    assert_eq!(
        queries(&server).await,
        [pairs(&[("limit", &limit), ("offset", "0")])]
    );
}

// ---------------------------------------------------------------------------------------------
// Retries inside a walk, and a page that fails for good

#[tokio::test]
async fn a_rate_limit_in_the_middle_of_a_walk_yields_every_record_once() {
    let server = MockServer::start().await;
    // The second page is rate limited once, then served.
    Mock::given(method("GET"))
        .and(query_param("cursor", "c2=="))
        .respond_with(
            ResponseTemplate::new(429)
                .insert_header("x-ratelimit-reset", "0")
                .set_body_json(serde_json::json!({
                    "error": {"status": 429, "message": "Too many requests", "id": "rl-1"}
                })),
        )
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    mount_northflank_pages(&server, "/v1/billing/usage").await;
    let client = northflank_client(&server, fast_retry());
    let entries: Vec<_> = client
        .list_usage()
        .per_page(3)
        .start_time(900_i64)
        .items()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(timestamps(&entries), NORTHFLANK_ALL);
    let mut expected = northflank_expected_queries();
    expected.insert(1, expected[1].clone());
    assert_eq!(queries(&server).await, expected);
}

#[tokio::test]
async fn a_page_that_keeps_failing_ends_the_stream_with_its_cursor() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(query_param_is_missing("cursor"))
        .respond_with(ok(northflank_page(&[1000, 999], Some("c2=="))))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(query_param("cursor", "c2=="))
        .respond_with(ResponseTemplate::new(503).set_body_json(serde_json::json!({
            "error": {"status": 503, "message": "Service unavailable", "id": "req-503"}
        })))
        .mount(&server)
        .await;
    let client = northflank_client(&server, fast_retry().with_max_attempts(3));
    let items: Vec<Result<_, Error>> = client.list_usage().items().collect().await;

    assert_eq!(items.len(), 3, "two entries, then the error, then the end");
    let yielded: Vec<f64> = items[..2]
        .iter()
        .map(|item| item.as_ref().unwrap().timestamp.unwrap())
        .collect();
    assert_eq!(yielded, [1000.0, 999.0]);
    let error = items[2].as_ref().unwrap_err();
    let Error::Page {
        provider,
        operation,
        page,
        source,
    } = error
    else {
        panic!("expected a page error, got {error:?}");
    };
    assert_eq!(*provider, Provider::Northflank);
    assert_eq!(*operation, "list_usage");
    assert_eq!(page.to_string(), "cursor \"c2==\"");
    assert_eq!(source.status(), Some(503));
    assert_eq!(error.status(), Some(503));
    assert_eq!(error.api().unwrap().request_id.as_deref(), Some("req-503"));
    let text = error.to_string();
    assert!(text.contains("c2=="), "{text}");
    assert!(text.contains("503"), "{text}");
    assert_error_keeps_keys(error);
    // The first page once, the failing one max_attempts times.
    assert_eq!(requests(&server).await.len(), 1 + 3);
}

#[tokio::test]
async fn a_phala_page_that_keeps_failing_names_its_offset() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(query_param("offset", "0"))
        .respond_with(ok(phala_page(0..2)))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(query_param("offset", "2"))
        .respond_with(ResponseTemplate::new(500).set_body_string("upstream exploded"))
        .mount(&server)
        .await;
    let client = phala_client(&server, fast_retry().with_max_attempts(2));
    let items: Vec<Result<_, Error>> = client
        .get_app_usage()
        .app_id(APP)
        .page_size(page_size(2))
        .items()
        .collect()
        .await;
    assert_eq!(items.len(), 3);
    assert_eq!(items[0].as_ref().unwrap().instance_id, "inst-0");
    assert_eq!(items[1].as_ref().unwrap().instance_id, "inst-1");
    let error = items[2].as_ref().unwrap_err();
    let Error::Page { page, .. } = error else {
        panic!("expected a page error, got {error:?}");
    };
    assert_eq!(page.to_string(), "offset 2");
    assert_eq!(error.status(), Some(500));
    assert!(error.to_string().contains("offset 2"), "{error}");
    assert_error_keeps_keys(error);
    assert_eq!(requests(&server).await.len(), 1 + 2);
}

#[tokio::test]
async fn a_failing_first_page_is_named_as_such() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(401).set_body_json(serde_json::json!({
            "error": {"message": "Invalid key", "type": "invalid_request_error", "code": "invalid_api_key", "param": null}
        })))
        .mount(&server)
        .await;
    let client = openai_client(&server, fast_retry());
    let items: Vec<Result<_, Error>> = client
        .usage_costs()
        .start_time(START)
        .items()
        .collect()
        .await;
    assert_eq!(items.len(), 1);
    let error = items[0].as_ref().unwrap_err();
    let Error::Page { page, .. } = error else {
        panic!("expected a page error, got {error:?}");
    };
    assert_eq!(page.to_string(), "the first page");
    assert_eq!(
        error.api().unwrap().code.as_deref(),
        Some("invalid_api_key")
    );
    assert_error_keeps_keys(error);
    // 401 is not retried.
    assert_eq!(requests(&server).await.len(), 1);
}

// ---------------------------------------------------------------------------------------------
// Northflank get usage / get invoice: the breakdown pages by `page=<n>` while `hasNextPage`

const HOUR: &str = "1763503200";

/// A get usage page of the breakdown, one team per id; `more`: `pagination.hasNextPage`, or no
/// `pagination` at all (older revision).
fn breakdown_page(teams: &[&str], more: Option<bool>) -> serde_json::Value {
    let teams: Vec<serde_json::Value> = teams
        .iter()
        .map(|id| serde_json::json!({"id": id, "name": id, "price": {"total": 1.25}}))
        .collect();
    let mut body = serde_json::json!({
        "data": {
            "timestamp": 1_763_503_200,
            "paasUsage": {"price": {"total": 10}, "teams": teams},
            "byocUsage": {"price": {"total": 0}},
        },
    });
    if let Some(more) = more {
        body["pagination"] = serde_json::json!({"hasNextPage": more, "count": teams.len()});
    }
    body
}

/// An invoice page of the breakdown.
fn invoice_breakdown_page(teams: &[&str], more: bool) -> serde_json::Value {
    let mut page = breakdown_page(teams, Some(more));
    page["data"] = serde_json::json!({
        "id": "inv-1",
        "currency": "usd",
        "paasUsage": page["data"]["paasUsage"].clone(),
    });
    page
}

/// Mounts `pages` at `api_path`, page `n` (from 1) answering `pages[n - 1]`.
async fn mount_numbered(server: &MockServer, api_path: &str, pages: Vec<serde_json::Value>) {
    for (n, body) in pages.into_iter().enumerate() {
        Mock::given(method("GET"))
            .and(path(api_path.to_string()))
            .and(query_param("page", (n + 1).to_string()))
            .respond_with(ok(body))
            .mount(server)
            .await;
    }
}

fn team_ids(teams: &[usage_bindings::northflank::types::TeamUsage]) -> Vec<&str> {
    teams.iter().filter_map(|team| team.id.as_deref()).collect()
}

#[tokio::test]
async fn northflank_get_usage_walks_the_breakdown_by_page_number() {
    let server = MockServer::start().await;
    let api_path = format!("/v1/billing/usage/{HOUR}");
    mount_numbered(
        &server,
        &api_path,
        vec![
            breakdown_page(&["t1", "t2"], Some(true)),
            breakdown_page(&["t3", "t4"], Some(true)),
            breakdown_page(&["t5"], Some(false)),
        ],
    )
    .await;
    let client = northflank_client(&server, RetryPolicy::disabled());
    let teams: Vec<_> = client
        .get_usage()
        .timestamp(HOUR)
        .items()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(team_ids(&teams), ["t1", "t2", "t3", "t4", "t5"]);
    // One request a page, the largest page the API allows, numbered from 1.
    assert_eq!(
        queries(&server).await,
        vec![
            pairs(&[("per_page", "100"), ("page", "1")]),
            pairs(&[("per_page", "100"), ("page", "2")]),
            pairs(&[("per_page", "100"), ("page", "3")]),
        ]
    );
}

#[tokio::test]
async fn northflank_team_usage_keeps_the_chosen_page_size_and_stops_at_the_last_page() {
    let server = MockServer::start().await;
    let api_path = format!("/v1/teams/team-one/billing/usage/{HOUR}");
    mount_numbered(
        &server,
        &api_path,
        vec![
            breakdown_page(&["t1", "t2"], Some(true)),
            breakdown_page(&["t3"], Some(false)),
            // Never asked for: the page before says it is the last.
            breakdown_page(&["t9"], Some(false)),
        ],
    )
    .await;
    let client = northflank_client(&server, RetryPolicy::disabled());
    let pages: Vec<_> = client
        .get_team_usage()
        .team("team-one")
        .timestamp(HOUR)
        .page_size(page_size(2))
        .pages()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(pages.len(), 2);
    let pages = queries(&server).await;
    assert_eq!(pages.len(), 2);
    assert!(pages
        .iter()
        .all(|q| q.contains(&("per_page".into(), "2".into()))));
}

#[tokio::test]
async fn northflank_get_usage_without_pagination_is_one_page() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ok(breakdown_page(&["t1"], None)))
        .mount(&server)
        .await;
    let client = northflank_client(&server, RetryPolicy::disabled());
    let teams: Vec<_> = client
        .get_usage()
        .timestamp(HOUR)
        .items()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(team_ids(&teams), ["t1"]);
    assert_eq!(requests(&server).await.len(), 1);
}

#[tokio::test]
async fn northflank_get_invoice_walks_its_breakdown_too() {
    let server = MockServer::start().await;
    mount_numbered(
        &server,
        "/v1/teams/team-one/billing/invoices/inv-1",
        vec![
            invoice_breakdown_page(&["t1"], true),
            invoice_breakdown_page(&["t2"], false),
        ],
    )
    .await;
    let client = northflank_client(&server, RetryPolicy::disabled());
    let teams: Vec<_> = client
        .get_team_invoice()
        .team("team-one")
        .invoice_id("inv-1")
        .items()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(team_ids(&teams), ["t1", "t2"]);
    assert_eq!(requests(&server).await.len(), 2);
}

/// A server with a different breakdown page for every page number, always saying there are more.
struct EndlessBreakdown;

impl wiremock::Respond for EndlessBreakdown {
    fn respond(&self, request: &wiremock::Request) -> ResponseTemplate {
        let n = query(request, "page").unwrap_or_default();
        ok(breakdown_page(&[&format!("t{n}")], Some(true)))
    }
}

#[tokio::test]
async fn northflank_breakdown_walk_is_bounded_and_resumes_past_its_ceiling() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(EndlessBreakdown)
        .mount(&server)
        .await;
    let client = northflank_client(&server, RetryPolicy::disabled());
    // The ceiling bounds the requests; the time guard, a ceiling that would not hold.
    let guard = std::time::Duration::from_secs(5);
    let items: Vec<Result<_, Error>> = tokio::time::timeout(
        guard,
        client
            .get_usage()
            .timestamp(HOUR)
            .max_pages(page_size(3))
            .items()
            .collect(),
    )
    .await
    .expect("the walk ends at its ceiling");
    assert_eq!(items.len(), 4);
    let error = items[3].as_ref().unwrap_err();
    assert!(
        matches!(
            error,
            Error::Paging {
                problem: PagingProblem::TooManyPages(3),
                ..
            }
        ),
        "{error:?}"
    );
    assert_eq!(error.resume_from(), Some(&PageCursor::Number(4)));
    assert_eq!(requests(&server).await.len(), 3);

    let rest: Vec<Result<_, Error>> = tokio::time::timeout(
        guard,
        client
            .get_usage()
            .timestamp(HOUR)
            .resume_from(PageCursor::Number(4))
            .max_pages(page_size(2))
            .items()
            .collect(),
    )
    .await
    .expect("the walk ends at its ceiling");
    let ids: Vec<_> = rest
        .iter()
        .filter_map(|item| item.as_ref().ok()?.id.clone())
        .collect();
    assert_eq!(ids, ["t4", "t5"]);
    assert_eq!(requests(&server).await.len(), 5);
}

// ---------------------------------------------------------------------------------------------
// Resuming a walk from the cursor of its error

/// Makes the first request for `page` fail with a 500; later ones go to the normal pages.
async fn fail_once(server: &MockServer, name: &str, value: &str) {
    Mock::given(method("GET"))
        .and(query_param(name, value))
        .respond_with(ResponseTemplate::new(500).set_body_string("upstream exploded"))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(server)
        .await;
}

/// The items before the error and the error.
fn split<T>(items: Vec<Result<T, Error>>) -> (Vec<T>, Error) {
    let mut ok = Vec::new();
    for item in items {
        match item {
            Ok(item) => ok.push(item),
            Err(error) => return (ok, error),
        }
    }
    panic!("the walk did not fail");
}

#[tokio::test]
async fn an_openai_walk_resumes_from_the_page_that_failed() {
    let server = openai_three_pages().await;
    fail_once(&server, "page", "pg/3+b==").await;
    let client = openai_client(&server, RetryPolicy::disabled());
    let request = || client.usage_completions().start_time(START);

    let (first, error) = split(request().items().collect().await);
    assert_eq!(error.status(), Some(500));
    let cursor = error.resume_from().cloned().expect("a page error resumes");
    assert_eq!(cursor, PageCursor::Token("pg/3+b==".into()));
    let rest: Vec<_> = request()
        .resume_from(cursor)
        .items()
        .try_collect()
        .await
        .unwrap();

    let starts: Vec<i64> = first.iter().chain(&rest).map(|b| b.start_time).collect();
    assert_eq!(starts, (0..5).map(|d| START + d * DAY).collect::<Vec<_>>());
}

#[tokio::test]
async fn a_northflank_cursor_walk_resumes_from_the_page_that_failed() {
    let server = northflank_three_pages("/v1/billing/usage").await;
    fail_once(&server, "cursor", "c3==").await;
    let client = northflank_client(&server, RetryPolicy::disabled());

    let (first, error) = split(client.list_usage().items().collect().await);
    let cursor = error.resume_from().cloned().expect("a page error resumes");
    assert_eq!(cursor, PageCursor::Token("c3==".into()));
    let rest: Vec<_> = client
        .list_usage()
        .resume_from(cursor)
        .items()
        .try_collect()
        .await
        .unwrap();
    let all: Vec<_> = first.into_iter().chain(rest).collect();
    assert_eq!(timestamps(&all), NORTHFLANK_ALL);
}

#[tokio::test]
async fn a_phala_walk_resumes_from_the_offset_that_failed() {
    let server = MockServer::start().await;
    for (offset, records) in [(0, 0..2), (2, 2..4), (4, 4..6), (6, 6..7)] {
        Mock::given(method("GET"))
            .and(query_param("offset", offset.to_string()))
            .respond_with(ok(phala_page(records)))
            .mount(&server)
            .await;
    }
    fail_once(&server, "offset", "4").await;
    let client = phala_client(&server, RetryPolicy::disabled());
    let request = || client.get_app_usage().app_id(APP).page_size(page_size(2));

    let (first, error) = split(request().items().collect().await);
    let cursor = error.resume_from().cloned().expect("a page error resumes");
    assert_eq!(cursor, PageCursor::Offset(4));
    let rest: Vec<_> = request()
        .resume_from(cursor)
        .items()
        .try_collect()
        .await
        .unwrap();

    let all: Vec<_> = first.into_iter().chain(rest).collect();
    let expected: Vec<String> = (0..7).map(|n| format!("inst-{n}")).collect();
    assert_eq!(instance_ids(&all), expected);
    // Four pages, the failed one twice, nothing else.
    assert_eq!(requests(&server).await.len(), 5);
}

#[tokio::test]
async fn a_northflank_breakdown_walk_resumes_from_the_page_number_that_failed() {
    let server = MockServer::start().await;
    mount_numbered(
        &server,
        &format!("/v1/billing/usage/{HOUR}"),
        vec![
            breakdown_page(&["t1"], Some(true)),
            breakdown_page(&["t2"], Some(true)),
            breakdown_page(&["t3"], Some(true)),
            breakdown_page(&["t4"], Some(false)),
        ],
    )
    .await;
    fail_once(&server, "page", "3").await;
    let client = northflank_client(&server, RetryPolicy::disabled());
    let request = || client.get_usage().timestamp(HOUR);

    let (first, error) = split(request().items().collect().await);
    let cursor = error.resume_from().cloned().expect("a page error resumes");
    assert_eq!(cursor, PageCursor::Number(3));
    let rest: Vec<_> = request()
        .resume_from(cursor)
        .items()
        .try_collect()
        .await
        .unwrap();

    let all: Vec<_> = first.into_iter().chain(rest).collect();
    assert_eq!(team_ids(&all), ["t1", "t2", "t3", "t4"]);
}

#[tokio::test]
async fn a_cursor_of_another_kind_is_refused_before_any_request() {
    let server = MockServer::start().await;
    let client = northflank_client(&server, RetryPolicy::disabled());
    let error = client
        .list_usage()
        .resume_from(PageCursor::Offset(4))
        .items()
        .try_collect::<Vec<_>>()
        .await
        .unwrap_err();
    assert!(matches!(error, Error::InvalidRequest { .. }), "{error:?}");
    assert!(error.to_string().contains("offset 4"), "{error}");
    assert_eq!(requests(&server).await.len(), 0);
}
