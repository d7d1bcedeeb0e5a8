//! Phala Cloud's paging rule and stream: `limit`/`offset`, and a page shorter than `limit` is
//! the last (`total` counts the records of one page, not of the window).

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
