//! Northflank's paging rule and streams: repeat the query with `cursor=<pagination.cursor>`
//! while `pagination.hasNextPage`.

use futures::Stream;

use super::builder;
use super::types::{GetUsageResponse, ListUsageResponse, UsageEntry};
use super::Settings;
use crate::paging::{items, NextPage, PageCursor, PageSizeBound, PagedOperation};
use crate::Error;

operations!(Settings;
    ListUsage("list_usage") => ListUsageResponse,
    ListTeamUsage("list_team_usage") => ListUsageResponse,
    GetUsage("get_usage") => GetUsageResponse,
    GetTeamUsage("get_team_usage") => GetUsageResponse,
);

macro_rules! paged_by_cursor {
    ($($builder:ident),* $(,)?) => {
        $(
            impl PagedOperation for builder::$builder<'_> {
                fn at(self, cursor: &PageCursor) -> Self {
                    match cursor {
                        PageCursor::Token(token) => self.cursor(token.clone()),
                        PageCursor::First | PageCursor::Offset(_) => self,
                    }
                }

                fn next_page(&self, page: &ListUsageResponse) -> NextPage {
                    next_page(page)
                }
            }
        )*
    };
}

paged_by_cursor!(ListUsage, ListTeamUsage);

/// The rule: the next page is at `pagination.cursor` while `pagination.hasNextPage`.
fn next_page(page: &ListUsageResponse) -> NextPage {
    if page.pagination.has_next_page {
        NextPage::Token(page.pagination.cursor.clone())
    } else {
        NextPage::Done
    }
}

/// `per_page` is at most 100 on every operation that has it.
pub(super) fn page_size_bound(_operation: &str, _url: &reqwest::Url) -> Option<PageSizeBound> {
    Some(PageSizeBound {
        param: "per_page",
        max: 100,
        when: "",
    })
}

/// A stream over every hourly usage entry of list usage (org or team route).
///
/// Unless the request sets `per_page`, each page asks for 100 entries, the most the API allows.
/// The walk's guarantees (no cycle, no page twice, an error rather than a silent stop) are in
/// [`crate::paging`].
///
/// ```no_run
/// use futures::TryStreamExt;
/// use usage_bindings::northflank::{Client, Config, UsageEntryStreamExt};
///
/// # async fn run() -> Result<(), usage_bindings::Error> {
/// let client = Client::from_config(Config::new("nf-api-token"))?;
/// let entries = client
///     .list_team_usage()
///     .team("my-team")
///     .start_time(1_763_500_000)
///     .per_page(100)
///     .stream()
///     .try_collect::<Vec<_>>()
///     .await?;
/// println!("{} hourly entries", entries.len());
/// # Ok(()) }
/// ```
pub trait UsageEntryStreamExt: PagedOperation<Output = ListUsageResponse> {
    /// Every usage entry of every page (most recent first, as the API sorts them), fetched
    /// lazily page by page.
    fn stream(self) -> impl Stream<Item = Result<UsageEntry, Error>> + Send + Unpin {
        items(self.pages(), |page: ListUsageResponse| page.data.usage)
    }
}

impl<T: PagedOperation<Output = ListUsageResponse>> UsageEntryStreamExt for T {}
