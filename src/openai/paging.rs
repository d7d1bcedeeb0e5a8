//! OpenAI's paging rule and streams: repeat the query with `page=<next_page>` while `has_more`.

use futures::Stream;

use super::builder;
use super::types::{UsageResponse, UsageResult, UsageTimeBucket};
use super::Settings;
use crate::paging::{items, NextPage, PageCursor, PageSizeBound, PagedOperation};
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

macro_rules! paged_by_next_page {
    ($($builder:ident),* $(,)?) => {
        $(
            impl PagedOperation for builder::$builder<'_> {
                fn at(self, cursor: &PageCursor) -> Self {
                    match cursor {
                        PageCursor::Token(token) => self.page(token.clone()),
                        PageCursor::First | PageCursor::Offset(_) => self,
                    }
                }

                fn next_page(&self, page: &UsageResponse) -> NextPage {
                    next_page(page)
                }
            }
        )*
    };
}

paged_by_next_page!(
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

/// The rule: the next page is at `next_page` while `has_more`.
fn next_page(page: &UsageResponse) -> NextPage {
    if page.has_more {
        NextPage::Token(page.next_page.clone())
    } else {
        NextPage::Done
    }
}

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
    let width = url
        .query_pairs()
        .find(|(key, _)| key == "bucket_width")
        .map(|(_, value)| value.into_owned());
    match width.as_deref() {
        None | Some("1d") => bound(31, "bucket_width=1d"),
        Some("1h") => bound(168, "bucket_width=1h"),
        Some("1m") => bound(1440, "bucket_width=1m"),
        // An unknown width: the server judges the limit.
        Some(_) => None,
    }
}

/// One result with the time bucket it belongs to: what [`UsageStreamExt::results`] yields.
#[derive(Clone, Debug, PartialEq)]
pub struct BucketResult {
    /// Start of the bucket, Unix seconds, inclusive.
    pub start_time: i64,
    /// End of the bucket, Unix seconds, exclusive.
    pub end_time: i64,
    /// The result.
    pub result: UsageResult,
}

/// Streams over every page of a usage or costs operation.
///
/// Unless the request sets `limit`, each page asks for the most buckets the API allows: 31 daily,
/// 168 hourly or 1440 minute buckets, 180 for costs. The walk's guarantees (no cycle, no page
/// twice, an error rather than a silent stop) are in [`crate::paging`].
///
/// ```no_run
/// use futures::TryStreamExt;
/// use usage_bindings::openai::{types, Client, Config, UsageStreamExt};
///
/// # async fn run() -> Result<(), usage_bindings::Error> {
/// let client = Client::from_config(Config::new("sk-admin-..."))?;
/// let buckets: Vec<types::UsageTimeBucket> = client
///     .usage_completions()
///     .start_time(1_730_419_200)
///     .group_by(vec![types::UsageCompletionsGroupBy::Model])
///     .stream()
///     .try_collect()
///     .await?;
/// # Ok(()) }
/// ```
pub trait UsageStreamExt: PagedOperation<Output = UsageResponse> {
    /// Every time bucket of every page, oldest first, fetched lazily page by page.
    fn stream(self) -> impl Stream<Item = Result<UsageTimeBucket, Error>> + Send + Unpin {
        items(self.pages(), |page: UsageResponse| page.data)
    }

    /// Every result of every bucket, each with its bucket's start and end.
    fn results(self) -> impl Stream<Item = Result<BucketResult, Error>> + Send + Unpin {
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

impl<T: PagedOperation<Output = UsageResponse>> UsageStreamExt for T {}
