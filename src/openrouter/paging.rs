//! OpenRouter's paged operation, list API keys, by offset with a page size the API fixes (see
//! [`crate::paging`]): the walk sets `offset` from 0, and a page of fewer than
//! [`KEYS_PAGE_SIZE`] keys is the last. The API takes no page-size parameter: `.page_size(n)`
//! sends nothing, makes a page shorter than `n` the last, and is refused above 100 (every full
//! page would then look like the last). Keys made or deleted during a walk may be skipped or
//! seen twice (the API keeps no snapshot). The activity is one answer, not paged.
//!
//! ```no_run
//! use futures::TryStreamExt;
//! use usage_bindings::openrouter::{Client, Config};
//!
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! let client = Client::from_config(Config::new("sk-or-v1-..."))?;
//! let keys: Vec<_> = client.list_api_keys().include_disabled(true).items().try_collect().await?;
//! println!("{} keys", keys.len());
//! # Ok(()) }
//! ```

use std::num::NonZeroU64;

use futures::Stream;

use super::builder;
use super::types::{
    ActivityResponse, ApiKey, ApiKeysResponse, CreditsResponse, CurrentKeyResponse,
    GenerationResponse,
};
use super::Settings;
use crate::paging::{PageCursor, PageSizeBound, PagedOperation, Rule, Walk};
use crate::Error;

/// The keys a page of `list_api_keys` holds, except the last.
pub const KEYS_PAGE_SIZE: u64 = 100;

operations!(Settings;
    GetUserActivity("get_user_activity") => ActivityResponse,
    GetCredits("get_credits") => CreditsResponse,
    GetCurrentKey("get_current_key") => CurrentKeyResponse,
    ListApiKeys("list_api_keys") => ApiKeysResponse,
    GetGeneration("get_generation") => GenerationResponse,
);

/// No operation takes a page-size parameter.
pub(super) fn page_size_bound(_operation: &str, _url: &reqwest::Url) -> Option<PageSizeBound> {
    None
}

impl<'a> PagedOperation for builder::ListApiKeys<'a> {
    type Item = ApiKey;

    fn rule() -> Rule<Self, ApiKeysResponse> {
        Rule::FixedOffset {
            page_size: KEYS_PAGE_SIZE,
            returned: |page| page.data.len(),
            set_offset: |request, offset| request.offset(offset),
        }
    }

    fn items(page: ApiKeysResponse) -> Vec<ApiKey> {
        page.data
    }

    /// Nothing to send: the walk keeps the size ([`Walk::page_size`]).
    fn with_page_size(self, _size: NonZeroU64) -> Self {
        self
    }
}

impl<'a> builder::ListApiKeys<'a> {
    /// Every page, fetched lazily in order; see [`crate::paging`] for the walk's guarantees.
    pub fn pages(
        self,
    ) -> impl Stream<Item = Result<ApiKeysResponse, Error>> + Send + Unpin + 'a {
        Walk::new(self).pages()
    }

    /// Every key of every page, in order, fetched lazily page by page.
    pub fn items(self) -> impl Stream<Item = Result<ApiKey, Error>> + Send + Unpin + 'a {
        Walk::new(self).items()
    }

    /// The walk that takes a page of fewer than `size` keys as the last (nothing is sent: the
    /// API's pages hold [`KEYS_PAGE_SIZE`] keys); a size above that is refused before any
    /// request.
    pub fn page_size(self, size: NonZeroU64) -> Walk<Self> {
        Walk::new(self).page_size(size)
    }

    /// The walk with another ceiling on pages than
    /// [`DEFAULT_MAX_PAGES`](crate::paging::DEFAULT_MAX_PAGES).
    pub fn max_pages(self, pages: NonZeroU64) -> Walk<Self> {
        Walk::new(self).max_pages(pages)
    }

    /// The walk starting at `cursor` (from [`Error::resume_from`]) instead of the first page.
    pub fn resume_from(self, cursor: PageCursor) -> Walk<Self> {
        Walk::new(self).resume_from(cursor)
    }
}
