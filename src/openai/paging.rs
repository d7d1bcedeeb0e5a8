//! OpenAI's paged operations: every usage family and costs, by next-page token (see
//! [`crate::paging`]): the same query again with `page=<next_page>` while `has_more`.
//! `.items()` yields time buckets, oldest first; `.results()` every result with its bucket's
//! start and end. Unless the request sets `limit` (`.page_size(n)` or `.limit(n)`), each page
//! asks for the most buckets the API allows: 31 daily, 168 hourly or 1440 minute buckets, 180
//! for costs.
//!
//! ```no_run
//! use futures::TryStreamExt;
//! use usage_bindings::openai::{types, Client, Config};
//!
//! # async fn run() -> Result<(), usage_bindings::Error> {
//! let client = Client::from_config(Config::new("sk-admin-..."))?;
//! let buckets: Vec<types::UsageTimeBucket> = client
//!     .usage_completions()
//!     .start_time(1_730_419_200)
//!     .group_by(vec![types::UsageCompletionsGroupBy::Model])
//!     .items()
//!     .try_collect()
//!     .await?;
//! println!("{} buckets", buckets.len());
//! # Ok(()) }
//! ```

use futures::Stream;

use super::builder;
use super::types::{UsageResponse, UsageResult, UsageTimeBucket};
use super::Settings;
use crate::paging::{items, PageSizeBound, PagedOperation, Walk};
use crate::Error;

operations!(Settings;
    UsageCompletions("usage_completions") => UsageResponse,
    UsageEmbeddings("usage_embeddings") => UsageResponse,
    UsageModerations("usage_moderations") => UsageResponse,
    UsageImages("usage_images") => UsageResponse,
    UsageAudioSpeeches("usage_audio_speeches") => UsageResponse,
    UsageAudioTranscriptions("usage_audio_transcriptions") => UsageResponse,
    UsageVectorStores("usage_vector_stores") => UsageResponse,
    UsageCodeInterpreterSessions("usage_code_interpreter_sessions") => UsageResponse,
    UsageFileSearchCalls("usage_file_search_calls") => UsageResponse,
    UsageWebSearchCalls("usage_web_search_calls") => UsageResponse,
    UsageCosts("usage_costs") => UsageResponse,
);

paged_operations!(
    UsageCompletions(UsageResponse) => UsageTimeBucket, limit, has_more_next_page!(), |p| p.data;
    UsageEmbeddings(UsageResponse) => UsageTimeBucket, limit, has_more_next_page!(), |p| p.data;
    UsageModerations(UsageResponse) => UsageTimeBucket, limit, has_more_next_page!(), |p| p.data;
    UsageImages(UsageResponse) => UsageTimeBucket, limit, has_more_next_page!(), |p| p.data;
    UsageAudioSpeeches(UsageResponse) => UsageTimeBucket, limit, has_more_next_page!(), |p| p.data;
    UsageAudioTranscriptions(UsageResponse) => UsageTimeBucket, limit, has_more_next_page!(), |p| p.data;
    UsageVectorStores(UsageResponse) => UsageTimeBucket, limit, has_more_next_page!(), |p| p.data;
    UsageCodeInterpreterSessions(UsageResponse) => UsageTimeBucket, limit, has_more_next_page!(), |p| p.data;
    UsageFileSearchCalls(UsageResponse) => UsageTimeBucket, limit, has_more_next_page!(), |p| p.data;
    UsageWebSearchCalls(UsageResponse) => UsageTimeBucket, limit, has_more_next_page!(), |p| p.data;
    UsageCosts(UsageResponse) => UsageTimeBucket, limit, has_more_next_page!(), |p| p.data;
);

/// `.results()` (each result with its bucket) on every builder and on its [`Walk`].
macro_rules! results {
    ($($builder:ident),* $(,)?) => {
        $(
            impl<'a> builder::$builder<'a> {
                /// Every result of every bucket, each with its bucket's start and end, fetched
                /// lazily page by page.
                pub fn results(
                    self,
                ) -> impl Stream<Item = Result<BucketResult, Error>> + Send + Unpin + 'a {
                    Walk::new(self).results()
                }
            }
        )*
    };
}

results!(
    UsageCompletions,
    UsageEmbeddings,
    UsageModerations,
    UsageImages,
    UsageAudioSpeeches,
    UsageAudioTranscriptions,
    UsageVectorStores,
    UsageCodeInterpreterSessions,
    UsageFileSearchCalls,
    UsageWebSearchCalls,
    UsageCosts,
);

/// `limit` counts buckets: at most 180 daily buckets for costs; for usage, 31 daily, 168 hourly
/// or 1440 minute buckets, by `bucket_width` (`1d` when absent).
pub(super) fn page_size_bound(operation: &str, url: &reqwest::Url) -> Option<PageSizeBound> {
    let bound = |max, when| {
        Some(PageSizeBound {
            param: "limit",
            max,
            when,
        })
    };
    if operation == "usage_costs" {
        return bound(180, "");
    }
    PageSizeBound::buckets_by_width(url)
}

/// One result with the time bucket it belongs to: what `.results()` yields.
#[derive(Clone, Debug, PartialEq)]
pub struct BucketResult {
    /// Start of the bucket, Unix seconds, inclusive.
    pub start_time: i64,
    /// End of the bucket, Unix seconds, exclusive.
    pub end_time: i64,
    /// The result.
    pub result: UsageResult,
}

impl<Op: PagedOperation<Output = UsageResponse>> Walk<Op> {
    /// Every result of every bucket, each with its bucket's start and end, fetched lazily page
    /// by page.
    pub fn results(self) -> impl Stream<Item = Result<BucketResult, Error>> + Send + Unpin {
        items(self.pages(), |page: UsageResponse| {
            page.data
                .into_iter()
                .flat_map(|bucket| {
                    let (start_time, end_time) = (bucket.start_time, bucket.end_time);
                    bucket.results.into_iter().map(move |result| BucketResult {
                        start_time,
                        end_time,
                        result,
                    })
                })
                .collect()
        })
    }
}
