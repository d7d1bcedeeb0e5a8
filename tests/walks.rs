#![cfg(all(feature = "openai", feature = "northflank", feature = "phala"))]
//! Walks against servers that misbehave the way real servers sometimes do: cursor cycles, a
//! server that ignores the cursor, the offset or the page number, "more pages" without a cursor,
//! a walk that would never end. Each ends with `Error::Paging` naming provider, operation and
//! page, nothing is yielded twice, and the cost view reports the provider as failed. Then the
//! page sizes: every walk asks for the largest page the API allows, sizes out of bounds are
//! refused before any request, and walks over servers that honour `limit` make exactly the
//! minimum of requests.
//!
//! The walker's guards (cycle, repeat, empty cursor, ceiling, fewest requests) are tested once
//! per paging rule: each test iterates the providers' table and asserts, for each row, what the
//! row's rule (`row.paging`) does, so that every provider using a rule exercises it. Every test
//! runs under a time guard of a few seconds and counts the requests made.

mod support;

use std::collections::HashSet;
use std::future::Future;
use std::num::NonZeroU64;
use std::time::Duration;

use chrono::{DateTime, Utc};
use futures::TryStreamExt;
use serde_json::{json, Value};
use support::*;
use usage_bindings::cost::{self, CostSource, Window};
use usage_bindings::openai::types::{BucketWidth, CostsBucketWidth};
use usage_bindings::paging::{PageCursor, PagingProblem, DEFAULT_MAX_PAGES};
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

/// The time guard of one walk: a walk that loops fails the test instead of hanging it.
const GUARD: Duration = Duration::from_secs(5);

/// The ceiling on pages of a walk against a misbehaving server: whatever a guard under test
/// does, the walk makes at most this many requests.
const FAULT_CEILING: u64 = 10;

/// Runs `test` with the time guard, `what` naming it in the failure.
async fn bounded<T>(what: impl std::fmt::Display, test: impl Future<Output = T>) -> T {
    tokio::time::timeout(GUARD, test)
        .await
        .unwrap_or_else(|_| panic!("{what}: the walk did not end within {GUARD:?}"))
}

/// Asserts that `error` is a paging error of `provider`/`operation` at `page`, for `problem`,
/// and that its message names all of them; `context` names the case in a failure.
fn assert_paging_error(
    context: &str,
    error: &Error,
    (provider, operation): (Provider, &str),
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
                (provider, operation, page, problem),
                "{context}"
            );
        }
        other => panic!("{context}: expected a paging error, got {other:?}"),
    }
    let text = error.to_string();
    for part in [
        provider.to_string(),
        operation.to_string(),
        page.to_string(),
    ] {
        assert!(
            text.contains(&part),
            "{context}: {text:?} does not name {part:?}"
        );
    }
    assert_error_keeps_keys(error);
}

// ---------------------------------------------------------------------------------------------
// The walker's guards, once per paging rule over the providers' table

/// The row's provider and rule, for failure messages and the request-count table.
fn case(row: &Row) -> String {
    let rule = match row.paging {
        Paging::Token(param) => format!("next-page token `{param}`"),
        Paging::Cursor(param) => format!("cursor `{param}`"),
        Paging::LimitOffset | Paging::FixedOffset(_) => "limit/offset".to_string(),
    };
    format!("{} ({rule})", row.provider)
}

/// The query parameter that says which page a request asks for: the token or cursor, or
/// `offset`.
fn position(row: &Row) -> &'static str {
    match row.paging {
        Paging::Token(param) | Paging::Cursor(param) => param,
        Paging::LimitOffset | Paging::FixedOffset(_) => "offset",
    }
}

/// How the walk's error names the page at `position` (a token or an offset).
fn page_name(row: &Row, position: &str) -> String {
    match row.paging {
        Paging::Token(_) | Paging::Cursor(_) => format!("cursor {position:?}"),
        Paging::LimitOffset | Paging::FixedOffset(_) => format!("offset {position}"),
    }
}

/// The cursor a walk of the row resumes from at `position`.
fn cursor_at(row: &Row, position: u64) -> PageCursor {
    match row.paging {
        Paging::Token(_) | Paging::Cursor(_) => PageCursor::Token(position.to_string()),
        Paging::LimitOffset | Paging::FixedOffset(_) => PageCursor::Offset(position),
    }
}

/// The position each request to `server` asked for, in order (`None`: the first page of a token
/// or cursor walk).
async fn positions(server: &MockServer, row: &Row) -> Vec<Option<String>> {
    requests(server)
        .await
        .iter()
        .map(|request| query(request, position(row)))
        .collect()
}

/// `request`'s value of `param` as a number.
fn number(request: &Request, param: &str) -> Option<u64> {
    query(request, param).and_then(|value| value.parse().ok())
}

/// A server that honours the row's rule: `total` records numbered from 0, a page of the size
/// asked for ([`UNSIZED`] when none) from the position asked for; a token or cursor is the
/// number of the page's first record, sent while records remain.
struct Honest {
    page: fn(u64, u64, Option<&str>) -> Value,
    size_param: &'static str,
    position: &'static str,
    total: u64,
    /// The page size of an API that fixes it (no size is sent), else `None`.
    fixed: Option<u64>,
}

/// The page size of [`Honest`] when the request names none: smaller than any API's largest.
const UNSIZED: u64 = 7;

impl Honest {
    fn new(row: &Row, total: u64) -> Self {
        Honest {
            page: row.page,
            size_param: row.size_param,
            position: position(row),
            total,
            fixed: match row.paging {
                Paging::FixedOffset(size) => Some(size),
                _ => None,
            },
        }
    }

    /// For an API that fixes its page size: pages of `size`, the size the walk is told (with
    /// `.page_size(size)`, or the API's own when the walk is told none). Other rules read the
    /// size from the request.
    fn walked_at(self, size: u64) -> Self {
        Honest {
            fixed: self.fixed.map(|_| size),
            ..self
        }
    }
}

impl Respond for Honest {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let size = self
            .fixed
            .unwrap_or_else(|| number(request, self.size_param).unwrap_or(UNSIZED));
        let first = number(request, self.position).unwrap_or(0).min(self.total);
        let last = first.saturating_add(size).min(self.total);
        let next = (last < self.total).then(|| last.to_string());
        ok((self.page)(first, last - first, next.as_deref()))
    }
}

/// A server for `row` answering every GET of its operation with `responder`.
async fn serving(row: &Row, responder: impl Respond + 'static) -> MockServer {
    mounted(row.path.into(), responder).await
}

/// A cursor the server points back to. For limit/offset, which has no cursor, the server
/// answers a new offset with the page before.
#[tokio::test]
async fn every_rule_ends_a_cycle_with_a_paging_error() {
    for row in rows() {
        let case = case(&row);
        let server = MockServer::start().await;
        let get = || Mock::given(method("GET")).and(path(row.path));
        let (problem, at) = match row.paging {
            Paging::Token(param) | Paging::Cursor(param) => {
                // first → A → B → A: the page at B sends a cursor already used.
                for (asked, first, next) in
                    [(None, 0, "A"), (Some("A"), 2, "B"), (Some("B"), 4, "A")]
                {
                    let mock = match asked {
                        None => get().and(query_param_is_missing(param)),
                        Some(token) => get().and(query_param(param, token)),
                    };
                    mock.respond_with(ok((row.page)(first, 2, Some(next))))
                        .mount(&server)
                        .await;
                }
                (PagingProblem::RepeatedCursor("A".into()), "B")
            }
            Paging::LimitOffset | Paging::FixedOffset(_) => {
                // Limit/offset has no cursor to point back with: the walk sets each offset to
                // the previous one plus the records returned, so it never asks for a page
                // twice. A server pointing back answers a new offset (4) with a page seen
                // before (the one at 2): the walk recognises the page before, and does not
                // yield it again. (It keeps only the page before: an answer repeating an
                // earlier page is yielded, and the ceiling is what ends such a walk.)
                for (offset, first) in [("0", 0), ("2", 2)] {
                    get()
                        .and(query_param("offset", offset))
                        .respond_with(ok((row.page)(first, 2, None)))
                        .with_priority(1)
                        .mount(&server)
                        .await;
                }
                get()
                    .respond_with(ok((row.page)(2, 2, None)))
                    .mount(&server)
                    .await;
                (PagingProblem::RepeatedPage, "4")
            }
        };
        let client = row.client(&server, RetryPolicy::disabled());
        let (records, error) =
            bounded(&case, client.walk_to_end(Some(2), FAULT_CEILING, None)).await;

        // The pages before the one that points back, once; that one is not yielded.
        assert_eq!(records, [0, 1, 2, 3], "{case}");
        let error = error.unwrap_or_else(|| panic!("{case}: the cycle is not an error"));
        assert_paging_error(
            &case,
            &error,
            (row.provider, row.operation),
            &page_name(&row, at),
            &problem,
        );
        assert_eq!(error.resume_from(), None, "{case}: resuming would loop");
        let expected: Vec<Option<String>> = match row.paging {
            Paging::LimitOffset | Paging::FixedOffset(_) => {
                vec![Some("0".into()), Some("2".into()), Some("4".into())]
            }
            _ => vec![None, Some("A".into()), Some("B".into())],
        };
        assert_eq!(positions(&server, &row).await, expected, "{case}");
    }
}

/// A server that ignores the token, cursor or offset answers the first page again, with the
/// same cursor: that page is not counted twice.
#[tokio::test]
async fn every_rule_ends_a_repeated_page_with_a_paging_error() {
    for row in rows() {
        let case = case(&row);
        let server = serving(&row, ok((row.page)(0, 2, Some("A")))).await;
        let client = row.client(&server, RetryPolicy::disabled());
        let (records, error) =
            bounded(&case, client.walk_to_end(Some(2), FAULT_CEILING, None)).await;

        assert_eq!(records, [0, 1], "{case}");
        let error = error.unwrap_or_else(|| panic!("{case}: the repeat is not an error"));
        // A token or cursor rule sees its cursor come back; limit/offset compares the page with
        // the one before.
        let (problem, at) = match row.paging {
            Paging::Token(_) | Paging::Cursor(_) => {
                (PagingProblem::RepeatedCursor("A".into()), "A")
            }
            Paging::LimitOffset | Paging::FixedOffset(_) => (PagingProblem::RepeatedPage, "2"),
        };
        assert_paging_error(
            &case,
            &error,
            (row.provider, row.operation),
            &page_name(&row, at),
            &problem,
        );
        // The repeated page is not resumable: resuming would repeat it.
        assert_eq!(error.resume_from(), None, "{case}");
        assert_eq!(request_count(&server).await, 2, "{case}");
    }
}

/// The page a token or cursor rule cannot go on from: "more pages" with `next` as its cursor
/// (`None`: null). `row.page` writes the cursor it is given; a null one replaces it.
fn page_with_cursor(row: &Row, next: Option<&str>) -> Value {
    const MARK: &str = "cursor-to-be-null";
    fn nulled(value: &mut Value) {
        match value {
            Value::String(text) if text == MARK => *value = Value::Null,
            Value::Array(items) => items.iter_mut().for_each(nulled),
            Value::Object(members) => members.values_mut().for_each(nulled),
            _ => {}
        }
    }
    let mut page = (row.page)(0, 1, Some(next.unwrap_or(MARK)));
    if next.is_none() {
        nulled(&mut page);
        assert!(!page.to_string().contains(MARK), "{}", row.provider);
    }
    page
}

/// "More pages" with an empty or blank cursor, or none: the page is yielded, then the error.
/// Limit/offset has no cursor: its walk ends at a short page, and an empty page is the shortest,
/// so an empty page ends it without an error, first or after full ones.
#[tokio::test]
async fn every_rule_ends_on_an_empty_cursor_or_an_empty_page() {
    for row in rows() {
        match row.paging {
            Paging::Token(_) | Paging::Cursor(_) => {
                for (next, problem) in [
                    (Some(""), PagingProblem::EmptyCursor),
                    (Some("  "), PagingProblem::EmptyCursor),
                    (None, PagingProblem::MissingCursor),
                ] {
                    let case = format!("{} with cursor {next:?}", case(&row));
                    let server = serving(&row, ok(page_with_cursor(&row, next))).await;
                    let client = row.client(&server, RetryPolicy::disabled());
                    let (records, error) =
                        bounded(&case, client.walk_to_end(Some(2), FAULT_CEILING, None)).await;

                    // The page itself was fetched once and is valid: it is yielded.
                    assert_eq!(records, [0], "{case}");
                    let error = error
                        .unwrap_or_else(|| panic!("{case}: a walk that cannot go on is no error"));
                    assert_paging_error(
                        &case,
                        &error,
                        (row.provider, row.operation),
                        "the first page",
                        &problem,
                    );
                    assert_eq!(error.resume_from(), None, "{case}");
                    assert_eq!(request_count(&server).await, 1, "{case}");
                }
            }
            Paging::LimitOffset | Paging::FixedOffset(_) => {
                for total in [0, 2, 4] {
                    let case = format!("{}, {total} records", case(&row));
                    let server = serving(&row, Honest::new(&row, total).walked_at(2)).await;
                    let client = row.client(&server, RetryPolicy::disabled());
                    let (records, error) =
                        bounded(&case, client.walk_to_end(Some(2), FAULT_CEILING, None)).await;

                    assert!(error.is_none(), "{case}: {error:?}");
                    assert_eq!(records, (0..total).collect::<Vec<_>>(), "{case}");
                    // Every page full, then the empty one.
                    let offsets: Vec<Option<String>> = (0..=total)
                        .step_by(2)
                        .map(|o| Some(o.to_string()))
                        .collect();
                    assert_eq!(positions(&server, &row).await, offsets, "{case}");
                }
            }
        }
    }
}

/// A server that always has another page: the ceiling ends the walk with an error that resumes
/// at the next page, and a walk of exactly the ceiling ends normally.
#[tokio::test]
async fn every_rule_stops_at_its_ceiling_and_resumes_past_it() {
    assert_eq!(DEFAULT_MAX_PAGES.get(), 10_000, "the documented default");
    for row in rows() {
        let case = case(&row);
        let server = serving(&row, Honest::new(&row, u64::MAX).walked_at(2)).await;
        let client = row.client(&server, RetryPolicy::disabled());
        let (records, error) = bounded(&case, client.walk_to_end(Some(2), 3, None)).await;

        assert_eq!(records, (0..6).collect::<Vec<_>>(), "{case}");
        let error = error.unwrap_or_else(|| panic!("{case}: the ceiling is not an error"));
        assert_paging_error(
            &case,
            &error,
            (row.provider, row.operation),
            &page_name(&row, "4"),
            &PagingProblem::TooManyPages(3),
        );
        assert_eq!(error.resume_from(), Some(&cursor_at(&row, 6)), "{case}");
        assert_eq!(request_count(&server).await, 3, "{case}");

        // The rest, from where the error says, with a ceiling of its own.
        let resume = error.resume_from().cloned();
        let (rest, error) = bounded(&case, client.walk_to_end(Some(2), 2, resume)).await;
        assert_eq!(rest, (6..10).collect::<Vec<_>>(), "{case}");
        assert!(
            matches!(
                error,
                Some(Error::Paging {
                    problem: PagingProblem::TooManyPages(2),
                    ..
                })
            ),
            "{case}: {error:?}"
        );
        assert_eq!(request_count(&server).await, 3 + 2, "{case}");

        // Three records in pages of two: two pages (the second short), as many as the ceiling.
        let server = serving(&row, Honest::new(&row, 3)).await;
        let client = row.client(&server, RetryPolicy::disabled());
        let (records, error) = bounded(&case, client.walk_to_end(Some(2), 2, None)).await;
        assert!(error.is_none(), "{case}: {error:?}");
        assert_eq!(records, [0, 1, 2], "{case}");
        assert_eq!(request_count(&server).await, 2, "{case}");
    }
}

// ---------------------------------------------------------------------------------------------
// The page-number rule (Northflank's breakdowns), which no row of the table follows

/// A server that ignores `page` answers the first page of a breakdown again, still saying there
/// are more: the copy is not yielded and the walk ends.
#[tokio::test]
async fn northflank_server_ignoring_the_page_number_never_counts_a_page_twice() {
    bounded("get_team_usage", async {
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
                .max_pages(NonZeroU64::new(FAULT_CEILING).unwrap())
                .items(),
        )
        .await;

        let ids: Vec<_> = teams.iter().filter_map(|t| t.id.as_deref()).collect();
        assert_eq!(ids, ["t1", "t2"]);
        let error = error.expect("the repeated page is an error");
        assert_paging_error(
            "get_team_usage",
            &error,
            (Provider::Northflank, "get_team_usage"),
            "page 2",
            &PagingProblem::RepeatedPage,
        );
        // The repeated page is not resumable: resuming would repeat it.
        assert_eq!(error.resume_from(), None);
        assert_eq!(request_count(&server).await, 2);
    })
    .await;
}

/// Everything a stream yields, items and the error that ended it.
async fn drain<T, S>(stream: S) -> (Vec<T>, Option<Error>)
where
    S: futures::Stream<Item = Result<T, Error>> + Unpin,
{
    use futures::StreamExt;
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

// ---------------------------------------------------------------------------------------------
// Through the cost view

/// Through the cost view: the cycling provider is reported as failed, with its records counted
/// once, and the other provider is complete.
#[tokio::test]
async fn the_cost_view_reports_a_cycling_provider_as_failed() {
    bounded(
        "the_cost_view_reports_a_cycling_provider_as_failed",
        async {
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
                "the cost view",
                &openai.errors[0],
                (Provider::OpenAi, "usage_costs"),
                "cursor \"A\"",
                &PagingProblem::RepeatedCursor("A".into()),
            );
            let phala = &results[1];
            assert!(phala.is_complete(), "{:?}", phala.errors);
            assert_eq!((phala.records.len(), phala.outside_window), (2, 0));
        },
    )
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
    bounded(
        "openai_walks_ask_for_the_largest_page_of_their_bucket_width",
        async {
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
        },
    )
    .await;
}

#[tokio::test]
async fn every_walk_asks_for_the_largest_page() {
    bounded("every_walk_asks_for_the_largest_page", async {
        for row in rows() {
            let server = mounted(row.path.into(), ok((row.body)(2))).await;
            let client = row.client(&server, RetryPolicy::disabled());
            let records = client.walk(None, None, None).await.unwrap();
            assert_eq!(records.len(), 2, "{}", row.provider);
            assert_eq!(
                first_page_size(&server, row.size_param).await,
                row.sent_page_size(row.max_page),
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
    bounded(
        "a_size_the_caller_chose_is_kept_and_a_single_request_is_sent_as_built",
        async {
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
        },
    )
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
    bounded(
        "sizes_out_of_bounds_are_refused_before_any_request",
        async {
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
        },
    )
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

/// The fewest requests a walk of `total` records in pages of `size` can make by the row's rule.
/// A token or cursor page says whether another follows: `ceil(total / size)` (one for none). A
/// limit/offset page does not: only a short page is the last, so a full last page is followed
/// by an empty one: `floor(total / size) + 1`.
fn fewest(row: &Row, total: u64, size: u64) -> u64 {
    match row.paging {
        Paging::Token(_) | Paging::Cursor(_) => total.div_ceil(size).max(1),
        Paging::LimitOffset | Paging::FixedOffset(_) => total / size + 1,
    }
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

/// Against servers that honour the page size, each walk makes exactly the fewest requests its
/// rule allows, each page asked for once and in order: by default at the largest page the API
/// allows, and at a chosen size with a last page short, full and empty. The walks at the
/// largest page are the request-count table of BENCHMARKS.md (printed with `--nocapture`), with
/// the walks whose bound or rule the table does not hold.
#[tokio::test]
async fn walks_make_the_fewest_requests_the_api_allows() {
    let mut table = Vec::new();
    for row in rows() {
        for (chosen, total) in [
            (None, 2 * row.max_page + 1),
            (Some(3), 0),
            (Some(3), 1),
            (Some(3), 7),
            (Some(3), 9),
        ] {
            let size = chosen.unwrap_or(row.max_page);
            let case = format!("{}, {total} records in pages of {size}", case(&row));
            let server = serving(&row, Honest::new(&row, total).walked_at(size)).await;
            let client = row.client(&server, RetryPolicy::disabled());
            let (records, error) = bounded(&case, client.walk_to_end(chosen, 100, None)).await;

            assert!(error.is_none(), "{case}: {error:?}");
            assert_eq!(records, (0..total).collect::<Vec<_>>(), "{case}");
            let minimum = fewest(&row, total, size);
            let expected: Vec<Option<String>> = (0..minimum)
                .map(|page| match row.paging {
                    Paging::Token(_) | Paging::Cursor(_) if page == 0 => None,
                    _ => Some((page * size).to_string()),
                })
                .collect();
            assert_eq!(positions(&server, &row).await, expected, "{case}");
            for request in requests(&server).await {
                assert_eq!(
                    query(&request, row.size_param),
                    row.sent_page_size(size),
                    "{case}: {}",
                    request.url
                );
            }
            if chosen.is_none() {
                table.push((case, expected.len(), minimum));
            }
        }
    }

    // OpenAI's largest page depends on the operation and the bucket width.
    // Costs over 180 days (daily buckets, at most 180 a page).
    let server = mounted(
        COSTS.into(),
        OpenAiBuckets {
            total: 180,
            width: DAY,
        },
    )
    .await;
    let client = openai_client(&server, RetryPolicy::disabled());
    let buckets: Vec<_> = bounded(
        "OpenAI costs",
        client.usage_costs().start_time(START).items().try_collect(),
    )
    .await
    .unwrap();
    assert_eq!(buckets.len(), 180);
    table.push((
        "OpenAI costs, 180 days".into(),
        request_count(&server).await,
        1,
    ));

    // Completions over 7 days at 1h (168 hourly buckets, at most 168 a page).
    let server = mounted(
        COMPLETIONS.into(),
        OpenAiBuckets {
            total: 168,
            width: HOUR,
        },
    )
    .await;
    let client = openai_client(&server, RetryPolicy::disabled());
    let buckets: Vec<_> = bounded(
        "OpenAI completions at 1h",
        client
            .usage_completions()
            .start_time(START)
            .bucket_width(BucketWidth::X1h)
            .items()
            .try_collect(),
    )
    .await
    .unwrap();
    assert_eq!(buckets.len(), 168);
    table.push((
        "OpenAI completions, 7 days at 1h".into(),
        request_count(&server).await,
        1,
    ));

    // One Northflank hour broken down into 250 teams, by page number (at most 100 a page).
    let route = format!("{NORTHFLANK_USAGE}/{START}");
    let server = mounted(route, NorthflankBreakdown { total: 250 }).await;
    let client = northflank_client(&server, RetryPolicy::disabled());
    let teams: Vec<_> = bounded(
        "Northflank breakdown",
        client
            .get_usage()
            .timestamp(START.to_string())
            .items()
            .try_collect(),
    )
    .await
    .unwrap();
    let ids: HashSet<_> = teams.iter().filter_map(|team| team.id.clone()).collect();
    assert_eq!((teams.len(), ids.len()), (250, 250));
    table.push((
        "Northflank, one hour's breakdown of 250 teams".into(),
        request_count(&server).await,
        3,
    ));

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
}
