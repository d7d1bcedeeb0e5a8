//! Anthropic's paged operations, by next-page token (see [`crate::paging`]): the same query
//! again with `page=<next_page>` while `has_more`. `.items()` yields time buckets (messages and
//! cost reports, oldest first) or Claude Code rows; `.results()` on the two bucketed reports
//! yields every result with its bucket's start and end. Unless the request sets `limit`
//! (`.page_size(n)` or `.limit(n)`), each page asks for the most the API allows: 31 daily, 168
//! hourly or 1440 minute buckets for messages, 31 daily buckets for costs, 1000 Claude Code rows.
//!
//! ```no_run
//! use futures::TryStreamExt;
//! use usage_bindings::anthropic::{types, Client, Config};
//!
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! let client = Client::from_config(Config::new("sk-ant-admin01-..."))?;
//! let start = "2026-11-01T00:00:00Z".parse::<chrono::DateTime<chrono::Utc>>()?;
//! let buckets: Vec<types::MessagesUsageBucket> = client
//!     .messages_usage_report()
//!     .starting_at(start)
//!     .group_by(vec![types::MessagesGroupBy::Model])
//!     .items()
//!     .try_collect()
//!     .await?;
//! println!("{} buckets", buckets.len());
//! # Ok(()) }
//! ```

use chrono::{DateTime, Utc};
use futures::Stream;

use super::builder;
use super::types::{
    ClaudeCodeUsageRecord, ClaudeCodeUsageReport, CostBucket, CostReport, CostResult,
    MessagesUsageBucket, MessagesUsageReport, MessagesUsageResult,
};
use super::Settings;
use crate::paging::{items, PageSizeBound, Walk};
use crate::Error;

operations!(Settings;
    MessagesUsageReport("messages_usage_report") => MessagesUsageReport,
    CostReport("cost_report") => CostReport,
    ClaudeCodeUsageReport("claude_code_usage_report") => ClaudeCodeUsageReport,
);

paged_operations!(
    MessagesUsageReport(MessagesUsageReport) => MessagesUsageBucket, limit, has_more_next_page!(), |p| p.data;
    CostReport(CostReport) => CostBucket, limit, has_more_next_page!(), |p| p.data;
    ClaudeCodeUsageReport(ClaudeCodeUsageReport) => ClaudeCodeUsageRecord, limit, has_more_next_page!(), |p| p.data;
);

/// `limit` counts buckets (messages: 31 daily, 168 hourly or 1440 minute buckets by
/// `bucket_width`, `1d` when absent; costs: 31 daily) or Claude Code rows (1000).
pub(super) fn page_size_bound(operation: &str, url: &reqwest::Url) -> Option<PageSizeBound> {
    let bound = |max, when| {
        Some(PageSizeBound {
            param: "limit",
            max,
            when,
        })
    };
    match operation {
        "cost_report" => return bound(31, ""),
        "claude_code_usage_report" => return bound(1000, ""),
        _ => {}
    }
    PageSizeBound::buckets_by_width(url)
}

/// One messages usage result with the time bucket it belongs to.
#[derive(Clone, Debug, PartialEq)]
pub struct MessagesBucketResult {
    /// Start of the bucket, inclusive.
    pub starting_at: DateTime<Utc>,
    /// End of the bucket, exclusive.
    pub ending_at: DateTime<Utc>,
    /// The result.
    pub result: MessagesUsageResult,
}

/// One cost result with the time bucket it belongs to.
#[derive(Clone, Debug, PartialEq)]
pub struct CostBucketResult {
    /// Start of the bucket, inclusive.
    pub starting_at: DateTime<Utc>,
    /// End of the bucket, exclusive.
    pub ending_at: DateTime<Utc>,
    /// The result.
    pub result: CostResult,
}

/// `.results()` on a bucketed report's builder and its [`Walk`]: every result of every bucket,
/// each with its bucket's start and end.
macro_rules! results {
    ($($builder:ident($page:ty) => $item:ident;)*) => {
        $(
            impl<'a> builder::$builder<'a> {
                /// Every result of every bucket, each with its bucket's start and end, fetched
                /// lazily page by page.
                pub fn results(
                    self,
                ) -> impl Stream<Item = Result<$item, Error>> + Send + Unpin + 'a {
                    Walk::new(self).results()
                }
            }

            impl<'a> Walk<builder::$builder<'a>> {
                /// Every result of every bucket, each with its bucket's start and end, fetched
                /// lazily page by page.
                pub fn results(self) -> impl Stream<Item = Result<$item, Error>> + Send + Unpin + 'a {
                    items(self.pages(), |page: $page| {
                        page.data
                            .into_iter()
                            .flat_map(|bucket| {
                                let (starting_at, ending_at) = (bucket.starting_at, bucket.ending_at);
                                bucket.results.into_iter().map(move |result| $item {
                                    starting_at,
                                    ending_at,
                                    result,
                                })
                            })
                            .collect()
                    })
                }
            }
        )*
    };
}

results!(
    MessagesUsageReport(MessagesUsageReport) => MessagesBucketResult;
    CostReport(CostReport) => CostBucketResult;
);
