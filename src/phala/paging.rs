//! Phala Cloud's paged operation, get app usage, by limit/offset (see [`crate::paging`]): the
//! walk sets `offset` from 0, and a page shorter than the `limit` sent is the last (`total`
//! counts the records of one page, not of the window). A walk asks for [`DEFAULT_PAGE_SIZE`]
//! records a page unless `.page_size(n)` or `.limit(n)` chose a size; a page identical to the
//! previous one (a server ignoring `offset`) ends it with an error. Pin `start_date` and
//! `end_date`: without them the API's default window moves with the clock between pages.
//!
//! ```no_run
//! use futures::TryStreamExt;
//! use usage_bindings::phala::{Client, Config};
//!
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! let client = Client::from_config(Config::new("phak_..."))?;
//! let start = "2026-11-01T00:00:00Z".parse::<chrono::DateTime<chrono::Utc>>()?;
//! let end = "2026-11-08T00:00:00Z".parse::<chrono::DateTime<chrono::Utc>>()?;
//! let records: Vec<_> = client
//!     .get_app_usage()
//!     .app_id("9f3c2a")
//!     .start_date(start)
//!     .end_date(end)
//!     .items()
//!     .try_collect()
//!     .await?;
//! println!("{} records", records.len());
//! # Ok(()) }
//! ```

use std::num::NonZeroU64;

use super::builder;
use super::types::{AppUsageResponse, MeteredUsageResponse};
use super::Settings;
use crate::paging::{PageSizeBound, Rule};

operations!(Settings;
    GetAppUsage("get_app_usage") => AppUsageResponse,
);

/// The page size of a walk whose request sets no `limit`: the largest the API allows, so that a
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

paged_operations!(
    GetAppUsage(AppUsageResponse) => MeteredUsageResponse, limit,
        Rule::LimitOffset {
            returned: |page| page.usage.len(),
            set_offset: |request, offset| request.offset(offset),
        },
        |page| page.usage;
);
