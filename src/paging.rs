//! The page walker behind every stream: fetch a page, ask the provider's rule where the next one
//! starts, check that the answer can be trusted, hand the page out, go on.
//!
//! Pages are fetched lazily, one at a time, when the stream is polled: memory holds one page,
//! whatever the number of pages walked. A walk either proves it saw every page or ends with an
//! error; it never yields a page twice and never stops quietly:
//!
//! - it remembers every cursor and offset it used: a cursor sent a second time (a cycle), an
//!   empty cursor, "more pages" without a cursor, or (limit/offset) a page identical to the
//!   previous one ends the stream with [`Error::Paging`], naming provider, operation and page;
//! - a page whose next cursor repeats one already used is not yielded (a server that ignores the
//!   cursor answers the first page again);
//! - a walk stops at [`DEFAULT_MAX_PAGES`] pages ([`PagedOperation::max_pages`] sets another
//!   ceiling) with an error, never with a partial result that looks complete;
//! - a failed page (after the transport's retries) ends the stream with [`Error::Page`].
//!
//! What was yielded before an error stays valid. Walks ask for the largest page the API allows
//! unless the caller chose a size: see [`PageSizeBound`].

use std::collections::HashSet;
use std::fmt;
use std::future::Future;
use std::hash::{Hash, Hasher};
use std::num::NonZeroU64;

use futures::stream::{self, Stream, TryStreamExt};
use serde::Serialize;

use crate::error::Error;
use crate::Provider;

/// The ceiling on pages per walk unless [`PagedOperation::max_pages`] says otherwise: far above
/// any real walk (a year of OpenAI minute buckets is 366 pages, of Northflank hours 88), low
/// enough to end a walk that a misbehaving server would keep going forever.
pub const DEFAULT_MAX_PAGES: NonZeroU64 = match NonZeroU64::new(10_000) {
    Some(pages) => pages,
    None => unreachable!(),
};

/// Where a page starts.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PageCursor {
    /// The first page: the request as the caller built it.
    First,
    /// An opaque token from the previous page (OpenAI `next_page`, Northflank `cursor`).
    Token(String),
    /// A record offset (Phala).
    Offset(u64),
}

impl fmt::Display for PageCursor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PageCursor::First => f.write_str("the first page"),
            PageCursor::Token(token) => write!(f, "cursor {token:?}"),
            PageCursor::Offset(offset) => write!(f, "offset {offset}"),
        }
    }
}

/// What a page says about the page after it, as the provider's paging rule reads it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum NextPage {
    /// This is the last page.
    Done,
    /// There are more pages, at this token, exactly as sent (`None`: no token was sent).
    Token(Option<String>),
    /// Limit/offset paging: `returned` records came back for a page of `limit`; a short page is
    /// the last.
    Offset {
        /// Records in this page.
        returned: u64,
        /// The page size asked for.
        limit: u64,
    },
}

/// Why a walk could not go on without risking a loop, a repeated page or a silent gap.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PagingProblem {
    /// The next cursor is one the walk already used: following it would loop, and the page
    /// that sent it may be a page already seen, so it was not yielded.
    #[error("the server sent cursor {0:?} again, after it was already used (a cycle); that page was not yielded")]
    RepeatedCursor(String),
    /// The page says there are more pages, with an empty cursor.
    #[error("the server says there are more pages but sent an empty cursor")]
    EmptyCursor,
    /// The page says there are more pages, without a cursor.
    #[error("the server says there are more pages but sent no cursor")]
    MissingCursor,
    /// A limit/offset page identical to the previous one: the server ignored the offset.
    #[error("the page is identical to the previous one (the server ignores the offset); it was not yielded")]
    RepeatedPage,
    /// The walk reached its ceiling of pages and the server still says there are more.
    #[error("the walk reached its ceiling of {0} pages and the server says there are more")]
    TooManyPages(u64),
}

/// A generated operation (its builder) that returns its body with the crate's [`Error`].
pub trait Operation: Clone + Send + Sized {
    /// The success body.
    type Output: Send;
    /// The provider.
    const PROVIDER: Provider;
    /// The operation id, as in the spec.
    const OPERATION: &'static str;

    /// Sends the request and returns the decoded body, or this crate's [`Error`].
    fn fetch(self) -> impl Future<Output = Result<Self::Output, Error>> + Send;
}

/// An operation whose answers come in pages, with the provider's rule to walk them.
pub trait PagedOperation: Operation<Output: Serialize> {
    /// Sets the request up for the page at `cursor` (`First` leaves it as built).
    fn at(self, cursor: &PageCursor) -> Self;

    /// What `page` says about the next page.
    fn next_page(&self, page: &Self::Output) -> NextPage;

    /// The most pages one walk fetches ([`DEFAULT_MAX_PAGES`] unless set by [`max_pages`]).
    ///
    /// [`max_pages`]: PagedOperation::max_pages
    fn page_ceiling(&self) -> NonZeroU64 {
        DEFAULT_MAX_PAGES
    }

    /// The same walk with another ceiling on pages: past it, the walk ends with
    /// [`PagingProblem::TooManyPages`] while the server still says there are more.
    fn max_pages(self, pages: NonZeroU64) -> MaxPages<Self> {
        MaxPages {
            operation: self,
            pages,
        }
    }

    /// Every page, fetched lazily in order.
    fn pages(self) -> impl Stream<Item = Result<Self::Output, Error>> + Send + Unpin {
        walk(self)
    }
}

/// A paged operation with its own ceiling on pages: see [`PagedOperation::max_pages`].
#[derive(Clone, Debug)]
pub struct MaxPages<Op> {
    operation: Op,
    pages: NonZeroU64,
}

impl<Op: PagedOperation> Operation for MaxPages<Op> {
    type Output = Op::Output;
    const PROVIDER: Provider = Op::PROVIDER;
    const OPERATION: &'static str = Op::OPERATION;

    fn fetch(self) -> impl Future<Output = Result<Self::Output, Error>> + Send {
        self.operation.fetch()
    }
}

impl<Op: PagedOperation> PagedOperation for MaxPages<Op> {
    fn at(self, cursor: &PageCursor) -> Self {
        Self {
            operation: self.operation.at(cursor),
            pages: self.pages,
        }
    }

    fn next_page(&self, page: &Self::Output) -> NextPage {
        self.operation.next_page(page)
    }

    fn page_ceiling(&self) -> NonZeroU64 {
        self.pages
    }
}

/// Where a walk stands between two pages.
enum Step {
    /// Fetch the page at this cursor.
    Fetch(PageCursor),
    /// End the stream with this error (after the page that led to it was yielded).
    Fail(Error),
    /// Nothing more.
    Done,
}

/// What a walk remembers: the cursors and offsets used, the previous page of a limit/offset
/// walk, the pages fetched.
struct Memory {
    used_tokens: HashSet<String>,
    previous_page: Option<u64>,
    fetched: u64,
}

tokio::task_local! {
    /// Set while a walk fetches a page: the request hook then asks for the largest page the API
    /// allows when the caller did not choose a size.
    static IN_WALK: ();
}

/// The page walk of a [`PagedOperation`].
fn walk<Op: PagedOperation>(
    operation: Op,
) -> impl Stream<Item = Result<Op::Output, Error>> + Send + Unpin {
    let memory = Memory {
        used_tokens: HashSet::new(),
        previous_page: None,
        fetched: 0,
    };
    // Boxed so that the stream is `Unpin`: callers can `.next()` / `.try_next()` it directly.
    Box::pin(stream::unfold(
        (Step::Fetch(PageCursor::First), memory),
        move |(step, mut memory)| {
            let operation = operation.clone();
            async move {
                let cursor = match step {
                    Step::Fetch(cursor) => cursor,
                    Step::Fail(error) => return Some((Err(error), (Step::Done, memory))),
                    Step::Done => return None,
                };
                if let PageCursor::Token(token) = &cursor {
                    memory.used_tokens.insert(token.clone());
                }
                let fetch = operation.clone().at(&cursor).fetch();
                memory.fetched += 1;
                let page = match IN_WALK.scope((), fetch).await {
                    Ok(page) => page,
                    Err(source) => {
                        let error = Error::Page {
                            provider: Op::PROVIDER,
                            operation: Op::OPERATION,
                            page: cursor.to_string(),
                            source: Box::new(source),
                        };
                        return Some((Err(error), (Step::Done, memory)));
                    }
                };
                let problem = |problem| Error::Paging {
                    provider: Op::PROVIDER,
                    operation: Op::OPERATION,
                    page: cursor.to_string(),
                    problem,
                };
                let next = match operation.next_page(&page) {
                    NextPage::Done => Step::Done,
                    NextPage::Token(None) => Step::Fail(problem(PagingProblem::MissingCursor)),
                    NextPage::Token(Some(token)) if token.trim().is_empty() => {
                        Step::Fail(problem(PagingProblem::EmptyCursor))
                    }
                    NextPage::Token(Some(token)) if memory.used_tokens.contains(&token) => {
                        // The page may repeat one already yielded: it is not handed out.
                        let error = problem(PagingProblem::RepeatedCursor(token));
                        return Some((Err(error), (Step::Done, memory)));
                    }
                    NextPage::Token(Some(token)) => Step::Fetch(PageCursor::Token(token)),
                    NextPage::Offset { returned, limit } => {
                        let fingerprint = fingerprint(&page);
                        if returned > 0 && memory.previous_page == Some(fingerprint) {
                            let error = problem(PagingProblem::RepeatedPage);
                            return Some((Err(error), (Step::Done, memory)));
                        }
                        memory.previous_page = Some(fingerprint);
                        let offset = match cursor {
                            PageCursor::Offset(offset) => offset,
                            PageCursor::First | PageCursor::Token(_) => 0,
                        };
                        if returned == 0 || returned < limit {
                            Step::Done
                        } else {
                            Step::Fetch(PageCursor::Offset(offset.saturating_add(returned)))
                        }
                    }
                };
                let ceiling = operation.page_ceiling().get();
                let next = match next {
                    Step::Fetch(_) if memory.fetched >= ceiling => {
                        Step::Fail(problem(PagingProblem::TooManyPages(ceiling)))
                    }
                    next => next,
                };
                Some((Ok(page), (next, memory)))
            }
        },
    ))
}

/// A hash of a page's JSON form: two pages with the same records have the same fingerprint.
fn fingerprint<T: Serialize>(page: &T) -> u64 {
    struct HashWriter(std::collections::hash_map::DefaultHasher);
    impl std::io::Write for HashWriter {
        fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
            bytes.hash(&mut self.0);
            Ok(bytes.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let mut writer = HashWriter(Default::default());
    // Serializing a decoded body cannot fail (every map key is a string); if it did, the
    // fingerprint would cover what was written, which still tells different pages apart.
    let _ = serde_json::to_writer(&mut writer, page);
    writer.0.finish()
}

/// The items of every page, in order: `pages` flattened by `items`.
pub(crate) fn items<P, I, S, F>(
    pages: S,
    items: F,
) -> impl Stream<Item = Result<I, Error>> + Send + Unpin
where
    S: Stream<Item = Result<P, Error>> + Send + Unpin,
    F: FnMut(P) -> Vec<I> + Send,
    I: Send,
    P: Send,
{
    let mut items = items;
    pages
        .map_ok(move |page| stream::iter(items(page).into_iter().map(Ok)))
        .try_flatten()
}

/// The page-size parameter of an operation and the largest value the API allows for the request
/// at hand (OpenAI's depends on `bucket_width`).
///
/// Every request is checked before it is sent: a size outside `1..=max` is refused with
/// [`Error::InvalidRequest`] (a server would silently truncate it). A walk whose caller chose no
/// size asks for `max`: the fewest requests.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PageSizeBound {
    /// The query parameter (`limit`, `per_page`).
    pub param: &'static str,
    /// The largest page the API allows.
    pub max: u64,
    /// What the bound depends on, for messages (`bucket_width=1h`), or empty.
    pub when: &'static str,
}

/// Checks the page size of `request` against `bound` and, inside a walk, asks for the largest
/// page when the caller chose no size. The error says what is wrong, for `InvalidRequest`.
pub(crate) fn apply_page_size(
    request: &mut reqwest::Request,
    bound: Option<PageSizeBound>,
) -> Result<(), String> {
    let Some(bound) = bound else { return Ok(()) };
    let given = request
        .url()
        .query_pairs()
        .find(|(key, _)| key == bound.param)
        .map(|(_, value)| value.into_owned());
    match given {
        Some(value) => match value.parse::<u64>() {
            Ok(size) if (1..=bound.max).contains(&size) => Ok(()),
            _ => {
                let when = if bound.when.is_empty() {
                    String::new()
                } else {
                    format!(" with {}", bound.when)
                };
                Err(format!(
                    "{}={value} is outside what the API allows{when} (1 to {}): it is not sent, \
                     so that the server cannot truncate the page silently",
                    bound.param, bound.max
                ))
            }
        },
        None => {
            if IN_WALK.try_with(|_| ()).is_ok() {
                request
                    .url_mut()
                    .query_pairs_mut()
                    .append_pair(bound.param, &bound.max.to_string());
            }
            Ok(())
        }
    }
}
