#![cfg(all(feature = "openai", feature = "northflank", feature = "phala"))]
//! Walks against servers that misbehave the way real servers sometimes do: cursor cycles, a
//! server that ignores the cursor, the offset or the page number, "more pages" without a cursor,
//! a walk that would never end. Each ends with `Error::Paging` naming provider, operation and page, nothing is
//! yielded twice, and the cost view reports the provider as failed. Then the page sizes: every
//! walk asks for the largest page the API allows, sizes out of bounds are refused before any
//! request, and walks over servers that honour `limit` make exactly the minimum of requests.
//!
//! Every test runs under a time guard and counts the requests made.

mod support;

use std::collections::HashSet;
use std::future::Future;
use std::num::NonZeroU64;
use std::time::Duration;

use chrono::{DateTime, Utc};
use futures::{StreamExt, TryStreamExt};
use serde_json::{json, Value};
use support::*;
use usage_bindings::cost::{self, CostSource, Window};
use usage_bindings::openai::types::{BucketWidth, CostsBucketWidth, UsageTimeBucket};
use usage_bindings::paging::PagingProblem;
use usage_bindings::{Error, Provider, RetryPolicy};
use wiremock::matchers::{method, path, query_param, query_param_is_missing};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

const START: i64 = 1_730_419_200;
const DAY: i64 = 86_400;
const HOUR: i64 = 3_600;
const APP: &str = "app-9f3c2a";
const COMPLETIONS: &str = "/v1/organization/usage/completions";
const COSTS: &str = "/v1/organization/costs";
const NORTHFLANK_USAGE: &str = "/v1/billing/usage";

/// Runs `test` with a time guard: a walk that loops fails the test instead of hanging it.
async fn bounded<T>(test: impl Future<Output = T>) -> T {
    tokio::time::timeout(Duration::from_secs(20), test)
        .await
        .expect("the walk did not end within 20 s")
}

/// Everything a stream yields, items and the error that ended it.
async fn drain<T, S>(stream: S) -> (Vec<T>, Option<Error>)
where
    S: futures::Stream<Item = Result<T, Error>> + Unpin,
{
    let mut items = Vec::new();
    let mut stream = stream;
    while let Some(item) = stream.next().await {
        match item {
            Ok(item) => items.push(item),
            Err(error) => {
                // The stream ends after its error.
                assert!(
                    stream.next().await.is_none(),
                    "the stream went on after {error}"
                );
                return (items, Some(error));
            }
        }
    }
    (items, None)
}

/// Asserts that `error` is a paging error of `provider`/`operation` at `page`, for `problem`,
/// and that its message names all of them.
fn assert_paging_error(
    error: &Error,
    provider: Provider,
    operation: &str,
    page: &str,
    problem: &PagingProblem,
) {
    match error {
        Error::Paging {
            provider: p,
            operation: o,
            page: at,
            problem: what,
            ..
        } => {
            assert_eq!(
                (*p, *o, at.to_string().as_str(), what),
                (provider, operation, page, problem)
            );
        }
        other => panic!("expected a paging error, got {other:?}"),
    }
    let text = error.to_string();
    for part in [
        provider.to_string(),
        operation.to_string(),
        page.to_string(),
    ] {
        assert!(text.contains(&part), "{text:?} does not name {part:?}");
    }
    assert_error_keeps_keys(error);
}

fn starts(buckets: &[UsageTimeBucket]) -> Vec<i64> {
    buckets.iter().map(|b| b.start_time).collect()
}

// ---------------------------------------------------------------------------------------------
// Cursor cycles, repeated pages, missing cursors

fn openai_page_more(starts: &[i64], next_page: Value) -> Value {
    let mut page = openai_page(starts, None);
    page["has_more"] = json!(true);
    page["next_page"] = next_page;
    page
}

/// first → A → B → A: the page at B sends a cursor already used.
#[tokio::test]
async fn openai_cursor_cycle_ends_with_a_paging_error() {
    bounded(async {
        let server = MockServer::start().await;
        let usage = || Mock::given(method("GET")).and(path(COMPLETIONS));
        usage()
            .and(query_param_is_missing("page"))
            .respond_with(ok(openai_page_more(&[START], json!("A"))))
            .mount(&server)
            .await;
        usage()
            .and(query_param("page", "A"))
            .respond_with(ok(openai_page_more(&[START + DAY], json!("B"))))
            .mount(&server)
            .await;
        usage()
            .and(query_param("page", "B"))
            .respond_with(ok(openai_page_more(&[START + 2 * DAY], json!("A"))))
            .mount(&server)
            .await;
        let client = openai_client(&server, RetryPolicy::disabled());
        let (buckets, error) = drain(client.usage_completions().start_time(START).items()).await;

        assert_eq!(starts(&buckets), [START, START + DAY]);
        assert_paging_error(
            &error.expect("the cycle is an error"),
            Provider::OpenAi,
            "usage_completions",
            "cursor \"B\"",
            &PagingProblem::RepeatedCursor("A".into()),
        );
        assert_eq!(requests(&server).await.len(), 3);
    })
    .await;
}

/// A server that ignores `page` answers the first page again, with its cursor: that page is not
/// counted twice.
#[tokio::test]
async fn openai_server_ignoring_the_cursor_never_counts_a_page_twice() {
    bounded(async {
        let server = mounted(
            COSTS.into(),
            ok(openai_page_more(&[START, START + DAY], json!("pg_2"))),
        )
        .await;
        let client = openai_client(&server, RetryPolicy::disabled());
        let (buckets, error) = drain(client.usage_costs().start_time(START).items()).await;

        assert_eq!(starts(&buckets), [START, START + DAY]);
        assert_paging_error(
            &error.expect("the repeat is an error"),
            Provider::OpenAi,
            "usage_costs",
            "cursor \"pg_2\"",
            &PagingProblem::RepeatedCursor("pg_2".into()),
        );
        assert_eq!(requests(&server).await.len(), 2);
    })
    .await;
}

#[tokio::test]
async fn openai_more_pages_without_a_usable_cursor_is_an_error() {
    for (next_page, problem) in [
        (json!(""), PagingProblem::EmptyCursor),
        (json!("  "), PagingProblem::EmptyCursor),
        (Value::Null, PagingProblem::MissingCursor),
    ] {
        bounded(async {
            let server = mounted(
                COMPLETIONS.into(),
                ok(openai_page_more(&[START], next_page.clone())),
            )
            .await;
            let client = openai_client(&server, RetryPolicy::disabled());
            let (buckets, error) =
                drain(client.usage_completions().start_time(START).items()).await;

            // The page itself was fetched once and is valid: it is yielded, then the error.
            assert_eq!(starts(&buckets), [START], "{next_page}");
            assert_paging_error(
                &error.expect("a walk that cannot go on is an error"),
                Provider::OpenAi,
                "usage_completions",
                "the first page",
                &problem,
            );
            assert_eq!(requests(&server).await.len(), 1);
        })
        .await;
    }
}

fn northflank_page_more(timestamps: &[i64], cursor: Value) -> Value {
    let mut page = northflank_page(timestamps, None);
    page["pagination"]["hasNextPage"] = json!(true);
    page["pagination"]["cursor"] = cursor;
    page
}

#[tokio::test]
async fn northflank_cursor_cycle_ends_with_a_paging_error() {
    bounded(async {
        let server = MockServer::start().await;
        let usage = || Mock::given(method("GET")).and(path(NORTHFLANK_USAGE));
        usage()
            .and(query_param_is_missing("cursor"))
            .respond_with(ok(northflank_page_more(&[START], json!("c1"))))
            .mount(&server)
            .await;
        usage()
            .and(query_param("cursor", "c1"))
            .respond_with(ok(northflank_page_more(&[START - HOUR], json!("c2"))))
            .mount(&server)
            .await;
        usage()
            .and(query_param("cursor", "c2"))
            .respond_with(ok(northflank_page_more(&[START - 2 * HOUR], json!("c1"))))
            .mount(&server)
            .await;
        let client = northflank_client(&server, RetryPolicy::disabled());
        let (entries, error) = drain(client.list_usage().items()).await;

        let hours: Vec<f64> = entries.iter().filter_map(|e| e.timestamp).collect();
        assert_eq!(hours, [START as f64, (START - HOUR) as f64]);
        assert_paging_error(
            &error.expect("the cycle is an error"),
            Provider::Northflank,
            "list_usage",
            "cursor \"c2\"",
            &PagingProblem::RepeatedCursor("c1".into()),
        );
        assert_eq!(requests(&server).await.len(), 3);
    })
    .await;
}

#[tokio::test]
async fn northflank_next_page_without_a_cursor_is_an_error() {
    bounded(async {
        let server = mounted(
            NORTHFLANK_USAGE.into(),
            ok(northflank_page_more(&[START], Value::Null)),
        )
        .await;
        let client = northflank_client(&server, RetryPolicy::disabled());
        let (entries, error) = drain(client.list_usage().items()).await;

        assert_eq!(entries.len(), 1);
        assert_paging_error(
            &error.expect("hasNextPage without a cursor is an error"),
            Provider::Northflank,
            "list_usage",
            "the first page",
            &PagingProblem::MissingCursor,
        );
        assert_eq!(requests(&server).await.len(), 1);
    })
    .await;
}

/// A server that ignores `offset` answers the same full page forever: the second copy is not
/// yielded and the walk ends (it used to run until memory ran out).
#[tokio::test]
async fn phala_server_ignoring_the_offset_never_counts_a_page_twice() {
    bounded(async {
        let server = mounted(format!("/api/v1/apps/{APP}/usage"), ok(phala_page(0..3))).await;
        let client = phala_client(&server, RetryPolicy::disabled());
        let page_size = NonZeroU64::new(3).unwrap();
        let (records, error) = drain(
            client
                .get_app_usage()
                .app_id(APP)
                .page_size(page_size)
                .items(),
        )
        .await;

        let ids: Vec<&str> = records.iter().map(|r| r.instance_id.as_str()).collect();
        assert_eq!(ids, ["inst-0", "inst-1", "inst-2"]);
        assert_paging_error(
            &error.expect("the repeated page is an error"),
            Provider::Phala,
            "get_app_usage",
            "offset 3",
            &PagingProblem::RepeatedPage,
        );
        assert_eq!(requests(&server).await.len(), 2);
    })
    .await;
}

/// A server that ignores `page` answers the first page of a breakdown again, still saying there
/// are more: the copy is not yielded and the walk ends.
#[tokio::test]
async fn northflank_server_ignoring_the_page_number_never_counts_a_page_twice() {
    bounded(async {
        let page = json!({
            "data": {"timestamp": START, "paasUsage": {"teams": [{"id": "t1"}, {"id": "t2"}]}},
            "pagination": {"hasNextPage": true, "count": 2},
        });
        let route = format!("/v1/teams/team-one/billing/usage/{START}");
        let server = mounted(route, ok(page)).await;
        let client = northflank_client(&server, RetryPolicy::disabled());
        let (teams, error) = drain(
            client
                .get_team_usage()
                .team("team-one")
                .timestamp(START.to_string())
                .items(),
        )
        .await;

        let ids: Vec<_> = teams.iter().filter_map(|t| t.id.as_deref()).collect();
        assert_eq!(ids, ["t1", "t2"]);
        assert_paging_error(
            &error.expect("the repeated page is an error"),
            Provider::Northflank,
            "get_team_usage",
            "page 2",
            &PagingProblem::RepeatedPage,
        );
        assert_eq!(requests(&server).await.len(), 2);
    })
    .await;
}

/// A server that hands out a new cursor forever: the ceiling ends the walk with an error.
struct EndlessCursors;

impl Respond for EndlessCursors {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let page: i64 = query(request, "page")
            .and_then(|value| value.strip_prefix("p")?.parse().ok())
            .unwrap_or(0);
        ok(openai_page_more(
            &[START + page * DAY],
            json!(format!("p{}", page + 1)),
        ))
    }
}

#[tokio::test]
async fn the_page_ceiling_ends_a_walk_that_would_never_end() {
    bounded(async {
        let server = mounted(COMPLETIONS.into(), EndlessCursors).await;
        let client = openai_client(&server, RetryPolicy::disabled());
        let ceiling = NonZeroU64::new(5).unwrap();
        let (buckets, error) = drain(
            client
                .usage_completions()
                .start_time(START)
                .max_pages(ceiling)
                .items(),
        )
        .await;

        let expected: Vec<i64> = (0..5).map(|page| START + page * DAY).collect();
        assert_eq!(starts(&buckets), expected);
        assert_paging_error(
            &error.expect("the ceiling is an error"),
            Provider::OpenAi,
            "usage_completions",
            "cursor \"p4\"",
            &PagingProblem::TooManyPages(5),
        );
        assert_eq!(requests(&server).await.len(), 5);
    })
    .await;
}

/// The default ceiling is generous: a walk of its exact size ends normally.
#[tokio::test]
async fn a_walk_of_exactly_the_ceiling_ends_normally() {
    bounded(async {
        let server = MockServer::start().await;
        let usage = || Mock::given(method("GET")).and(path(COMPLETIONS));
        usage()
            .and(query_param_is_missing("page"))
            .respond_with(ok(openai_page_more(&[START], json!("p1"))))
            .mount(&server)
            .await;
        usage()
            .and(query_param("page", "p1"))
            .respond_with(ok(openai_page(&[START + DAY], None)))
            .mount(&server)
            .await;
        let client = openai_client(&server, RetryPolicy::disabled());
        let buckets: Vec<_> = client
            .usage_completions()
            .start_time(START)
            .max_pages(NonZeroU64::new(2).unwrap())
            .items()
            .try_collect()
            .await
            .unwrap();
        assert_eq!(starts(&buckets), [START, START + DAY]);
        assert_eq!(
            usage_bindings::paging::DEFAULT_MAX_PAGES.get(),
            10_000,
            "the documented default"
        );
    })
    .await;
}

/// Through the cost view: the cycling provider is reported as failed, with its records counted
/// once, and the other provider is complete.
#[tokio::test]
async fn the_cost_view_reports_a_cycling_provider_as_failed() {
    bounded(async {
        let server = MockServer::start().await;
        let costs_page = |day: i64, next: &str| {
            json!({
                "object": "page",
                "has_more": true,
                "next_page": next,
                "data": [{
                    "object": "bucket", "start_time": day, "end_time": day + DAY,
                    "results": [{
                        "object": "organization.costs.result",
                        "amount": {"value": 1.25, "currency": "usd"},
                        "line_item": "gpt-4o, input", "project_id": "proj_1"
                    }]
                }]
            })
        };
        let openai = || Mock::given(method("GET")).and(path(COSTS));
        openai()
            .and(query_param_is_missing("page"))
            .respond_with(ok(costs_page(START, "A")))
            .mount(&server)
            .await;
        openai()
            .and(query_param("page", "A"))
            .respond_with(ok(costs_page(START + DAY, "A")))
            .mount(&server)
            .await;
        Mock::given(method("GET"))
            .and(path(format!("/api/v1/apps/{APP}/usage")))
            .respond_with(ok(phala_page(0..2)))
            .mount(&server)
            .await;
        let openai =
            usage_bindings::openai::Costs::new(openai_client(&server, RetryPolicy::disabled()));
        let phala = usage_bindings::phala::Costs::new(
            phala_client(&server, RetryPolicy::disabled()),
            [APP],
        );
        let sources: [&dyn CostSource; 2] = [&openai, &phala];
        // From the OpenAI buckets to past the Phala records' hour (2026-11-03 14:00).
        let start = DateTime::<Utc>::from_timestamp(START, 0).unwrap();
        let end = "2026-11-04T00:00:00Z".parse::<DateTime<Utc>>().unwrap();
        let window = Window::new(start, end).unwrap();
        let results = cost::fetch_all(&sources, window).await;

        let openai = &results[0];
        assert_eq!(openai.provider, Provider::OpenAi);
        assert!(!openai.is_complete());
        assert_eq!(openai.records.len(), 1, "the first page, once");
        assert_eq!(openai.errors.len(), 1);
        assert_paging_error(
            &openai.errors[0],
            Provider::OpenAi,
            "usage_costs",
            "cursor \"A\"",
            &PagingProblem::RepeatedCursor("A".into()),
        );
        let phala = &results[1];
        assert!(phala.is_complete(), "{:?}", phala.errors);
        assert_eq!((phala.records.len(), phala.outside_window), (2, 0));
    })
    .await;
}

// ---------------------------------------------------------------------------------------------
// Page sizes: the largest by default, the caller's choice kept, out of bounds refused

/// The first request of a walk, its `param`, after one page that ends the walk.
async fn first_page_size(server: &MockServer, param: &str) -> Option<String> {
    query(&requests(server).await[0], param)
}

#[tokio::test]
async fn openai_walks_ask_for_the_largest_page_of_their_bucket_width() {
    bounded(async {
        for (width, expected) in [
            (None, "31"),
            (Some(BucketWidth::X1d), "31"),
            (Some(BucketWidth::X1h), "168"),
            (Some(BucketWidth::X1m), "1440"),
        ] {
            let server = mounted(COMPLETIONS.into(), ok(openai_page(&[START], None))).await;
            let client = openai_client(&server, RetryPolicy::disabled());
            let mut request = client.usage_completions().start_time(START);
            if let Some(width) = width {
                request = request.bucket_width(width);
            }
            let buckets: Vec<_> = request.items().try_collect().await.unwrap();
            assert_eq!(buckets.len(), 1);
            assert_eq!(
                first_page_size(&server, "limit").await.as_deref(),
                Some(expected),
                "{width:?}"
            );
        }

        let server = mounted(COSTS.into(), ok(openai_page(&[START], None))).await;
        let client = openai_client(&server, RetryPolicy::disabled());
        client
            .usage_costs()
            .start_time(START)
            .bucket_width(CostsBucketWidth::X1d)
            .pages()
            .try_collect::<Vec<_>>()
            .await
            .unwrap();
        assert_eq!(
            first_page_size(&server, "limit").await.as_deref(),
            Some("180")
        );
    })
    .await;
}

#[tokio::test]
async fn every_walk_asks_for_the_largest_page() {
    bounded(async {
        for row in rows() {
            let server = mounted(row.path.into(), ok((row.body)(2))).await;
            let client = row.client(&server, RetryPolicy::disabled());
            let records = client.walk(None, None, None).await.unwrap();
            assert_eq!(records.len(), 2, "{}", row.provider);
            assert_eq!(
                first_page_size(&server, row.size_param).await,
                Some(row.max_page.to_string()),
                "{}",
                row.provider
            );
        }
    })
    .await;
}

/// A size the caller chose is sent as chosen; a single `.send()` is sent as built.
#[tokio::test]
async fn a_size_the_caller_chose_is_kept_and_a_single_request_is_sent_as_built() {
    bounded(async {
        let server = mounted(COMPLETIONS.into(), ok(openai_page(&[START], None))).await;
        let client = openai_client(&server, RetryPolicy::disabled());
        client
            .usage_completions()
            .start_time(START)
            .limit(3)
            .items()
            .try_collect::<Vec<_>>()
            .await
            .unwrap();
        client
            .usage_completions()
            .start_time(START)
            .send()
            .await
            .unwrap();
        let sizes: Vec<Option<String>> = requests(&server)
            .await
            .iter()
            .map(|request| query(request, "limit"))
            .collect();
        assert_eq!(sizes, [Some("3".to_string()), None]);
    })
    .await;
}

fn assert_refused(error: &Error, provider: Provider, operation: &str, needle: &str) {
    let inner = match error {
        Error::Page { source, .. } => source,
        other => other,
    };
    match inner {
        Error::InvalidRequest {
            provider: p,
            operation: o,
            message,
        } => {
            assert_eq!((*p, *o), (provider, operation));
            assert!(message.contains(needle), "{message:?} lacks {needle:?}");
        }
        other => panic!("expected an invalid request, got {other:?}"),
    }
}

#[tokio::test]
async fn sizes_out_of_bounds_are_refused_before_any_request() {
    bounded(async {
        let server = MockServer::start().await;
        Mock::given(method("GET"))
            .respond_with(ResponseTemplate::new(500))
            .mount(&server)
            .await;
        let n = |n: u64| NonZeroU64::new(n).unwrap();

        let openai = openai_client(&server, RetryPolicy::disabled());
        let error = openai
            .usage_completions()
            .start_time(START)
            .limit(32)
            .fetch()
            .await
            .unwrap_err();
        assert_refused(&error, Provider::OpenAi, "usage_completions", "limit=32");
        assert!(error.to_string().contains("1 to 31"), "{error}");
        let error = openai
            .usage_completions()
            .start_time(START)
            .bucket_width(BucketWidth::X1h)
            .limit(169)
            .items()
            .try_collect::<Vec<_>>()
            .await
            .unwrap_err();
        assert_refused(
            &error,
            Provider::OpenAi,
            "usage_completions",
            "bucket_width=1h",
        );
        let error = openai
            .usage_embeddings()
            .start_time(START)
            .bucket_width(BucketWidth::X1m)
            .limit(1441)
            .fetch()
            .await
            .unwrap_err();
        assert_refused(&error, Provider::OpenAi, "usage_embeddings", "1 to 1440");
        let error = openai
            .usage_costs()
            .start_time(START)
            .limit(n(181))
            .fetch()
            .await
            .unwrap_err();
        assert_refused(&error, Provider::OpenAi, "usage_costs", "1 to 180");

        let northflank = northflank_client(&server, RetryPolicy::disabled());
        for size in [0, -1, 101] {
            let error = northflank
                .list_usage()
                .per_page(size)
                .fetch()
                .await
                .unwrap_err();
            assert_refused(
                &error,
                Provider::Northflank,
                "list_usage",
                &format!("per_page={size}"),
            );
        }
        let error = northflank
            .list_team_usage()
            .team("t")
            .per_page(101)
            .items()
            .try_collect::<Vec<_>>()
            .await
            .unwrap_err();
        assert_refused(&error, Provider::Northflank, "list_team_usage", "1 to 100");

        let phala = phala_client(&server, RetryPolicy::disabled());
        let error = phala
            .get_app_usage()
            .app_id(APP)
            .page_size(n(5001))
            .items()
            .try_collect::<Vec<_>>()
            .await
            .unwrap_err();
        assert_refused(&error, Provider::Phala, "get_app_usage", "limit=5001");

        assert_eq!(requests(&server).await.len(), 0, "nothing was sent");
    })
    .await;
}

// ---------------------------------------------------------------------------------------------
// The fewest requests: servers that honour the page size, walks counted against the minimum

/// OpenAI buckets from `START`, `width` seconds each, `total` in all; `limit` honoured (7 by
/// default, as the API), `page` an index.
struct OpenAiBuckets {
    total: i64,
    width: i64,
}

impl Respond for OpenAiBuckets {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let limit: i64 = query(request, "limit")
            .and_then(|l| l.parse().ok())
            .unwrap_or(7);
        let first: i64 = query(request, "page")
            .and_then(|p| p.parse().ok())
            .unwrap_or(0);
        let last = (first + limit).min(self.total);
        let data: Vec<Value> = (first..last)
            .map(|index| {
                let start = START + index * self.width;
                json!({"object": "bucket", "start_time": start, "end_time": start + self.width,
                       "results": []})
            })
            .collect();
        let more = last < self.total;
        ok(json!({
            "object": "page", "data": data, "has_more": more,
            "next_page": if more { Some(last.to_string()) } else { None },
        }))
    }
}

/// Northflank hourly entries, `total` in all; `per_page` honoured (50 by default), `cursor` an
/// offset.
struct NorthflankHours {
    total: i64,
}

impl Respond for NorthflankHours {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let per_page: i64 = query(request, "per_page")
            .and_then(|l| l.parse().ok())
            .unwrap_or(50);
        let first: i64 = query(request, "cursor")
            .and_then(|c| c.parse().ok())
            .unwrap_or(0);
        let last = (first + per_page).min(self.total);
        let hours: Vec<i64> = (first..last).map(|index| START - index * HOUR).collect();
        let more = last < self.total;
        ok(northflank_page(
            &hours,
            more.then(|| last.to_string()).as_deref(),
        ))
    }
}

/// One Northflank hour's breakdown of `total` teams; `per_page` (50 by default) and `page` (from
/// 1) honoured, `hasNextPage` while teams remain.
struct NorthflankBreakdown {
    total: u64,
}

impl Respond for NorthflankBreakdown {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let per_page: u64 = query(request, "per_page")
            .and_then(|l| l.parse().ok())
            .unwrap_or(50);
        let page: u64 = query(request, "page")
            .and_then(|p| p.parse().ok())
            .unwrap_or(1);
        let first = (page.saturating_sub(1) * per_page).min(self.total);
        let last = (first + per_page).min(self.total);
        let teams: Vec<Value> = (first..last)
            .map(|n| json!({"id": format!("team-{n}"), "price": {"total": 1}}))
            .collect();
        ok(json!({
            "data": {"timestamp": START, "paasUsage": {"teams": teams}},
            "pagination": {"hasNextPage": last < self.total, "count": last - first},
        }))
    }
}

/// Phala records, `total` in all; `limit` (500 by default) and `offset` honoured.
struct PhalaRecords {
    total: u64,
}

impl Respond for PhalaRecords {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let limit: u64 = query(request, "limit")
            .and_then(|l| l.parse().ok())
            .unwrap_or(500);
        let offset: u64 = query(request, "offset")
            .and_then(|o| o.parse().ok())
            .unwrap_or(0);
        let first = offset.min(self.total);
        ok(phala_page(first..(first + limit).min(self.total)))
    }
}

/// `ceil(items / max_page)`: the fewest requests that can carry `items`.
fn minimum(items: u64, max_page: u64) -> u64 {
    items.div_ceil(max_page).max(1)
}

/// A server that answers every GET of `route` with `responder`.
async fn mounted(route: String, responder: impl Respond + 'static) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(route))
        .respond_with(responder)
        .mount(&server)
        .await;
    server
}

/// The request-count table of BENCHMARKS.md: each walk makes exactly the minimum of requests
/// (printed with `--nocapture`).
#[tokio::test]
async fn walks_make_the_fewest_requests_the_api_allows() {
    bounded(async {
        let mut table = Vec::new();

        // OpenAI costs over 180 days (daily buckets, at most 180 a page).
        let server = mounted(
            COSTS.into(),
            OpenAiBuckets {
                total: 180,
                width: DAY,
            },
        )
        .await;
        let client = openai_client(&server, RetryPolicy::disabled());
        let buckets = client.usage_costs().start_time(START).items().count().await;
        assert_eq!(buckets, 180);
        table.push((
            "OpenAI costs, 180 days",
            requests(&server).await.len(),
            minimum(180, 180),
        ));

        // OpenAI completions over 7 days at 1h (168 hourly buckets, at most 168 a page).
        let server = mounted(
            COMPLETIONS.into(),
            OpenAiBuckets {
                total: 168,
                width: HOUR,
            },
        )
        .await;
        let client = openai_client(&server, RetryPolicy::disabled());
        let buckets = client
            .usage_completions()
            .start_time(START)
            .bucket_width(BucketWidth::X1h)
            .items()
            .count()
            .await;
        assert_eq!(buckets, 168);
        table.push((
            "OpenAI completions, 7 days at 1h",
            requests(&server).await.len(),
            minimum(168, 168),
        ));

        // 1000 Northflank hours (at most 100 entries a page).
        let server = mounted(NORTHFLANK_USAGE.into(), NorthflankHours { total: 1000 }).await;
        let client = northflank_client(&server, RetryPolicy::disabled());
        let entries = client.list_usage().items().count().await;
        assert_eq!(entries, 1000);
        table.push((
            "Northflank, 1000 hours",
            requests(&server).await.len(),
            minimum(1000, 100),
        ));

        // One Northflank hour broken down into 250 teams (at most 100 a page).
        let route = format!("{NORTHFLANK_USAGE}/{START}");
        let server = mounted(route, NorthflankBreakdown { total: 250 }).await;
        let client = northflank_client(&server, RetryPolicy::disabled());
        let teams: Vec<_> = client
            .get_usage()
            .timestamp(START.to_string())
            .items()
            .try_collect()
            .await
            .unwrap();
        let ids: HashSet<_> = teams.iter().filter_map(|team| team.id.clone()).collect();
        assert_eq!((teams.len(), ids.len()), (250, 250));
        table.push((
            "Northflank, one hour's breakdown of 250 teams",
            requests(&server).await.len(),
            minimum(250, 100),
        ));

        // 4 999 and 12 000 Phala records (at most 5000 a page).
        for total in [4_999, 12_000] {
            let server = mounted(format!("/api/v1/apps/{APP}/usage"), PhalaRecords { total }).await;
            let client = phala_client(&server, RetryPolicy::disabled());
            let records: Vec<_> = client
                .get_app_usage()
                .app_id(APP)
                .items()
                .try_collect()
                .await
                .unwrap();
            assert_eq!(records.len() as u64, total);
            let label = if total == 4_999 {
                "Phala, 4 999 records"
            } else {
                "Phala, 12 000 records"
            };
            table.push((label, requests(&server).await.len(), minimum(total, 5000)));
        }

        println!("| walk | requests | minimum | ratio |");
        println!("|---|---|---|---|");
        for (walk, made, minimum) in &table {
            println!(
                "| {walk} | {made} | {minimum} | {:.2} |",
                *made as f64 / *minimum as f64
            );
        }
        for (walk, made, minimum) in table {
            assert_eq!(made as u64, minimum, "{walk}");
        }
    })
    .await;
}
