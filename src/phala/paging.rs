//! Phala Cloud's paging rule and stream: `limit`/`offset`, and a page shorter than `limit` is
//! the last (`total` counts the records of one page, not of the window).

use std::num::NonZeroU64;

use futures::Stream;

use super::builder;
use super::types::{AppUsageResponse, MeteredUsageResponse};
use super::Settings;
use crate::paging::{items, NextPage, Operation, PageCursor, PageSizeBound, PagedOperation};
use crate::Error;

operations!(Settings;
    GetAppUsage("get_app_usage") => AppUsageResponse,
);

/// The page size of [`AppUsageStreamExt::stream`]: the largest `limit` the API allows, so that a
/// walk makes the fewest requests.
pub const DEFAULT_PAGE_SIZE: NonZeroU64 = match NonZeroU64::new(MAX_PAGE_SIZE) {
    Some(size) => size,
    None => unreachable!(),
};

/// The largest `limit` the API allows.
const MAX_PAGE_SIZE: u64 = 5000;

/// `limit` is 1 to 5000.
pub(super) fn page_size_bound(_operation: &str, _url: &reqwest::Url) -> Option<PageSizeBound> {
    Some(PageSizeBound {
        param: "limit",
        max: MAX_PAGE_SIZE,
        when: "",
    })
}

/// `get_app_usage` walked page by page: the builder plus the page size the walk sets as `limit`.
#[derive(Clone, Debug)]
pub struct AppUsagePages<'a> {
    request: builder::GetAppUsage<'a>,
    page_size: NonZeroU64,
}

impl Operation for AppUsagePages<'_> {
    type Output = AppUsageResponse;
    const PROVIDER: crate::Provider = crate::Provider::Phala;
    const OPERATION: &'static str = "get_app_usage";

    fn fetch(self) -> impl std::future::Future<Output = Result<AppUsageResponse, Error>> + Send {
        self.request.fetch()
    }
}

impl PagedOperation for AppUsagePages<'_> {
    fn at(self, cursor: &PageCursor) -> Self {
        let offset = match cursor {
            PageCursor::Offset(offset) => *offset,
            PageCursor::First | PageCursor::Token(_) => 0,
        };
        Self {
            request: self.request.limit(self.page_size).offset(offset),
            page_size: self.page_size,
        }
    }

    fn next_page(&self, page: &AppUsageResponse) -> NextPage {
        NextPage::Offset {
            returned: page.usage.len() as u64,
            limit: self.page_size.get(),
        }
    }
}

/// Streams over every usage record of an app.
///
/// The walk sets `limit` (the page size, [`DEFAULT_PAGE_SIZE`] = 5000 unless chosen) and `offset`
/// itself, from offset 0; a page identical to the previous one (a server ignoring `offset`) ends
/// it with an error. Pin `start_date` and `end_date`: without them the API's default window
/// moves with the clock between pages.
///
/// ```no_run
/// use futures::TryStreamExt;
/// use usage_bindings::phala::{AppUsageStreamExt, Client, Config};
///
/// # async fn run() -> Result<(), usage_bindings::Error> {
/// let client = Client::from_config(Config::new("phak_..."))?;
/// let start = "2026-11-01T00:00:00Z".parse::<chrono::DateTime<chrono::Utc>>().unwrap();
/// let end = "2026-11-08T00:00:00Z".parse::<chrono::DateTime<chrono::Utc>>().unwrap();
/// let records = client
///     .get_app_usage()
///     .app_id("9f3c2a")
///     .start_date(start)
///     .end_date(end)
///     .stream()
///     .try_collect::<Vec<_>>()
///     .await?;
/// println!("{} records", records.len());
/// # Ok(()) }
/// ```
pub trait AppUsageStreamExt<'a> {
    /// Every record, [`DEFAULT_PAGE_SIZE`] records per request.
    fn stream(self) -> impl Stream<Item = Result<MeteredUsageResponse, Error>> + Send + Unpin + 'a;

    /// Every record, `page_size` records per request (the API takes 1 to 5000; a larger size
    /// is refused before any request).
    fn stream_with_page_size(
        self,
        page_size: NonZeroU64,
    ) -> impl Stream<Item = Result<MeteredUsageResponse, Error>> + Send + Unpin + 'a;

    /// The pages themselves, `page_size` records per request.
    fn pages_of(self, page_size: NonZeroU64) -> AppUsagePages<'a>;
}

impl<'a> AppUsageStreamExt<'a> for builder::GetAppUsage<'a> {
    fn stream(self) -> impl Stream<Item = Result<MeteredUsageResponse, Error>> + Send + Unpin + 'a {
        self.stream_with_page_size(DEFAULT_PAGE_SIZE)
    }

    fn stream_with_page_size(
        self,
        page_size: NonZeroU64,
    ) -> impl Stream<Item = Result<MeteredUsageResponse, Error>> + Send + Unpin + 'a {
        items(
            self.pages_of(page_size).pages(),
            |page: AppUsageResponse| page.usage,
        )
    }

    fn pages_of(self, page_size: NonZeroU64) -> AppUsagePages<'a> {
        AppUsagePages {
            request: self,
            page_size,
        }
    }
}
