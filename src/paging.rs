//! One way to page, for every provider: every paged builder has the same inherent methods, with
//! no trait to import:
//!
//! - `.pages()`: a stream of page bodies; `.items()`: a stream of the pages' items (OpenAI time
//!   buckets, Northflank usage entries, invoices or breakdown teams, Phala usage records); OpenAI
//!   builders also have `.results()`, each result with its bucket;
//! - `.page_size(n)`: the operation's page-size parameter (`limit` or `per_page`), checked
//!   against what the API allows before any request; without it a walk asks for the largest page
//!   the API allows, so that it makes the fewest requests;
//! - `.max_pages(n)` and `.resume_from(cursor)`: a [`Walk`] with its own ceiling on pages or its
//!   own first page, with the same methods;
//! - `.fetch()`: one request, the body or the crate's [`Error`].
//!
//! The paging rules are written here once; each paged operation names its rule in its
//! provider's `paging` module with the accessors the rule needs:
//!
//! - next-page token: `next_page` while `has_more`, sent back as a query parameter (OpenAI);
//! - cursor: `pagination.cursor` while `pagination.hasNextPage` (Northflank list usage and list
//!   invoices);
//! - limit/offset: the walk sets the offset from 0; a page shorter than the page size sent is
//!   the last (Phala);
//! - offset with a page size fixed by the API, which takes no page-size parameter: the walk sets
//!   the offset from 0; a page shorter than the API's page size (or than `.page_size(n)`, which
//!   sends nothing and may not exceed it) is the last;
//! - page number: the walk sets the page from 1, the next while the page says there is one
//!   (Northflank's get usage and get invoice breakdowns).
//!
//! Pages are fetched lazily, one at a time, when the stream is polled: memory holds one page,
//! whatever the number of pages walked. A walk either proves it saw every page or ends with an
//! error; it never yields a page twice and never stops quietly:
//!
//! - it remembers every cursor it used: a cursor sent a second time (a cycle), an empty cursor,
//!   "more pages" without a cursor, or (limit/offset, page number) a page identical to the
//!   previous one ends the stream with [`Error::Paging`], naming provider, operation and page;
//! - a page whose next cursor repeats one already used is not yielded (a server that ignores the
//!   cursor answers the first page again), nor is a page identical to the previous one;
//! - a walk stops at [`DEFAULT_MAX_PAGES`] pages (`.max_pages(n)` sets another ceiling) with an
//!   error, never with a partial result that looks complete;
//! - a failed page (after the transport's retries) ends the stream with [`Error::Page`].
//!
//! What was yielded before an error stays valid, and the error says where to go on:
//! [`Error::resume_from`] gives the [`PageCursor`] of the page that failed (or of the next page,
//! past a ceiling), and `.resume_from(cursor)` on the same request walks the rest, so that the
//! two walks together yield every item once.
//!
//! ```no_run
//! use futures::TryStreamExt;
//! use usage_bindings::northflank::{types, Client, Config};
//! use usage_bindings::paging::PageCursor;
//!
//! # async fn run() -> Result<Vec<types::UsageEntry>, usage_bindings::Error> {
//! let client = Client::from_config(Config::new("nf-api-token"))?;
//! let (mut entries, mut start, mut attempts) = (Vec::new(), PageCursor::First, 0);
//! loop {
//!     let mut walk = client
//!         .list_usage()
//!         .start_time(1_763_500_000)
//!         .resume_from(start.clone())
//!         .items();
//!     let error = loop {
//!         match walk.try_next().await {
//!             Ok(Some(entry)) => entries.push(entry),
//!             Ok(None) => return Ok(entries),
//!             Err(error) => break error,
//!         }
//!     };
//!     // Go on where the walk stopped: every entry once, none twice.
//!     attempts += 1;
//!     match error.resume_from() {
//!         Some(cursor) if attempts < 3 => start = cursor.clone(),
//!         _ => return Err(error),
//!     }
//! }
//! # }
//! ```

use std::collections::HashSet;
use std::hash::{Hash, Hasher};
use std::num::NonZeroU64;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use futures::stream::{self, Stream, TryStreamExt};
use serde::Serialize;

pub use crate::cursor::{PageCursor, PagingProblem};
use crate::error::Error;

/// The ceiling on pages per walk unless `.max_pages(n)` says otherwise: far above
/// any real walk (a year of OpenAI minute buckets is 366 pages, of Northflank hours 88), low
/// enough to end a walk that a misbehaving server would keep going forever.
pub const DEFAULT_MAX_PAGES: NonZeroU64 = match NonZeroU64::new(10_000) {
    Some(pages) => pages,
    None => unreachable!(),
};

/// What a page says about the page after it, as its rule reads it.
enum NextPage {
    /// This is the last page.
    Done,
    /// There are more pages, at this token, exactly as sent (`None`: no token was sent).
    Token(Option<String>),
    /// Limit/offset: `returned` records came back; a short page is the last.
    Offset { returned: u64 },
    /// Page number: whether there is a page after this one.
    Number { more: bool },
}

mod sealed {
    use std::future::Future;
    use std::num::NonZeroU64;

    use serde::Serialize;

    use crate::error::Error;
    use crate::Provider;

    /// The paging rules, written once. A paged operation names its rule and gives the accessors
    /// the rule needs; the walker does the rest.
    pub enum Rule<Op, Page> {
        /// A next-page token (OpenAI): `next_page` while `has_more`, sent back by `set`.
        NextPageToken {
            has_more: fn(&Page) -> bool,
            next_page: fn(&Page) -> Option<String>,
            set: fn(Op, String) -> Op,
        },
        /// A cursor (Northflank lists): `cursor` while `has_next_page`, sent back by `set`.
        Cursor {
            has_next_page: fn(&Page) -> bool,
            cursor: fn(&Page) -> Option<String>,
            set: fn(Op, String) -> Op,
        },
        /// Limit/offset (Phala): `returned` records came back; a page shorter than the page size
        /// sent is the last. `set_offset` sets the record offset (0 for the first page).
        LimitOffset {
            returned: fn(&Page) -> usize,
            set_offset: fn(Op, u64) -> Op,
        },
        /// Offset paging whose page size the API fixes (no page-size parameter): `returned`
        /// records came back; a page shorter than `page_size` (or than the size the walk was
        /// given, at most `page_size`) is the last. `set_offset` sets the record offset (0 for
        /// the first page).
        FixedOffset {
            page_size: u64,
            returned: fn(&Page) -> usize,
            set_offset: fn(Op, u64) -> Op,
        },
        /// A page number counting from 1 (Northflank breakdowns): the next number while
        /// `has_next_page`. `set_page` sets the number (1 for the first page).
        PageNumber {
            has_next_page: fn(&Page) -> bool,
            set_page: fn(Op, u64) -> Op,
        },
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

    /// An operation whose answers come in pages, with the rule to walk them.
    pub trait PagedOperation: Operation<Output: Serialize> {
        /// What [`items`](PagedOperation::items) yields.
        type Item: Send;

        /// The paging rule this operation follows, with its accessors.
        fn rule() -> Rule<Self, Self::Output>;

        /// The items of a page.
        fn items(page: Self::Output) -> Vec<Self::Item>;

        /// Sets the operation's page-size parameter.
        fn with_page_size(self, size: NonZeroU64) -> Self;
    }
}

pub(crate) use sealed::{Operation, PagedOperation, Rule};

/// A walk over the pages of a paged operation with a ceiling or a starting point of its own:
/// what `.max_pages(n)` and `.resume_from(cursor)` of a paged builder return. It has the same
/// `pages()`, `items()`, `page_size(n)`, `max_pages(n)` and `resume_from(cursor)` as the builder.
#[derive(Clone, Debug)]
#[must_use = "a walk does nothing until `.pages()` or `.items()` is polled"]
pub struct Walk<Op> {
    operation: Op,
    ceiling: NonZeroU64,
    start: PageCursor,
    size: Option<NonZeroU64>,
}

impl<Op: PagedOperation> Walk<Op> {
    /// The walk of `operation` from its first page, with [`DEFAULT_MAX_PAGES`].
    pub(crate) fn new(operation: Op) -> Self {
        Self {
            operation,
            ceiling: DEFAULT_MAX_PAGES,
            start: PageCursor::First,
            size: None,
        }
    }

    /// The same walk with another ceiling on pages: past it, the walk ends with
    /// [`PagingProblem::TooManyPages`] while the server still says there are more.
    pub fn max_pages(self, pages: NonZeroU64) -> Self {
        Self {
            ceiling: pages,
            ..self
        }
    }

    /// The same walk, starting at `cursor` (from [`Error::resume_from`]) instead of the first
    /// page. A cursor of another rule's kind (an offset for a cursor walk) ends the walk with
    /// [`Error::InvalidRequest`] before any request.
    pub fn resume_from(self, cursor: PageCursor) -> Self {
        Self {
            start: cursor,
            ..self
        }
    }

    /// The same walk asking for `size` items per page (the operation's `limit` or `per_page`;
    /// a size above what the API allows is refused before any request). For an API that fixes
    /// its page size and takes no parameter, nothing is sent: a page shorter than `size` ends
    /// the walk, and a size above the API's is refused before any request.
    pub fn page_size(self, size: NonZeroU64) -> Self {
        Self {
            operation: self.operation.with_page_size(size),
            size: Some(size),
            ..self
        }
    }

    /// Every page, fetched lazily in order.
    pub fn pages(self) -> impl Stream<Item = Result<Op::Output, Error>> + Send + Unpin {
        walk(self)
    }

    /// Every item of every page, in order, fetched lazily page by page.
    pub fn items(self) -> impl Stream<Item = Result<Op::Item, Error>> + Send + Unpin {
        items(self.pages(), Op::items)
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

/// What a walk remembers: the cursors used, the previous page of an offset or page-number walk,
/// the pages fetched.
struct Memory {
    used_tokens: HashSet<String>,
    previous_page: Option<u64>,
    fetched: u64,
}

/// What the request hook tells the walk about the page being fetched.
#[derive(Clone, Default)]
struct PageRequest {
    /// The page size the request carried (chosen by the caller or set by the hook); 0 when the
    /// operation's bound is unknown.
    size: Arc<AtomicU64>,
}

tokio::task_local! {
    /// Set while a walk fetches a page: the request hook then asks for the largest page the API
    /// allows when the caller did not choose a size, and records the size sent.
    static IN_WALK: PageRequest;
}

/// The request for the page at `cursor`, or why the cursor does not fit the rule.
fn at<Op: PagedOperation>(operation: Op, cursor: &PageCursor) -> Result<Op, String> {
    let mismatch = || {
        Err(format!(
            "cannot start a walk at {cursor}: this operation pages by {}",
            match Op::rule() {
                Rule::NextPageToken { .. } | Rule::Cursor { .. } => "cursor",
                Rule::LimitOffset { .. } | Rule::FixedOffset { .. } => "offset",
                Rule::PageNumber { .. } => "page number",
            }
        ))
    };
    match (Op::rule(), cursor) {
        (Rule::NextPageToken { .. } | Rule::Cursor { .. }, PageCursor::First) => Ok(operation),
        (Rule::NextPageToken { set, .. } | Rule::Cursor { set, .. }, PageCursor::Token(token)) => {
            Ok(set(operation, token.clone()))
        }
        (
            Rule::LimitOffset { set_offset, .. } | Rule::FixedOffset { set_offset, .. },
            PageCursor::First,
        ) => Ok(set_offset(operation, 0)),
        (
            Rule::LimitOffset { set_offset, .. } | Rule::FixedOffset { set_offset, .. },
            PageCursor::Offset(offset),
        ) => Ok(set_offset(operation, *offset)),
        (Rule::PageNumber { set_page, .. }, PageCursor::First) => Ok(set_page(operation, 1)),
        (Rule::PageNumber { set_page, .. }, PageCursor::Number(page)) if *page >= 1 => {
            Ok(set_page(operation, *page))
        }
        _ => mismatch(),
    }
}

/// What `page` says about the next page, by the operation's rule.
fn next_page<Op: PagedOperation>(page: &Op::Output) -> NextPage {
    match Op::rule() {
        Rule::NextPageToken {
            has_more: more,
            next_page: token,
            ..
        }
        | Rule::Cursor {
            has_next_page: more,
            cursor: token,
            ..
        } => {
            if more(page) {
                NextPage::Token(token(page))
            } else {
                NextPage::Done
            }
        }
        Rule::LimitOffset { returned, .. } | Rule::FixedOffset { returned, .. } => {
            NextPage::Offset {
                returned: returned(page) as u64,
            }
        }
        Rule::PageNumber { has_next_page, .. } => NextPage::Number {
            more: has_next_page(page),
        },
    }
}

/// The page walk of a [`Walk`].
fn walk<Op: PagedOperation>(
    walk: Walk<Op>,
) -> impl Stream<Item = Result<Op::Output, Error>> + Send + Unpin {
    let Walk {
        operation,
        ceiling,
        start,
        size,
    } = walk;
    let ceiling = ceiling.get();
    // A fixed page size: the walk's size (at most the API's) ends the walk on a shorter page; a
    // larger one is refused before any request, since every page would look like the last.
    let fixed = match Op::rule() {
        Rule::FixedOffset { page_size, .. } => Some(match size {
            Some(size) if size.get() > page_size => Err(format!(
                "page size {size} is above the {page_size} records a page the API sends: it \
                 would end the walk after the first page"
            )),
            Some(size) => Ok(size.get()),
            None => Ok(page_size),
        }),
        _ => None,
    };
    let memory = Memory {
        used_tokens: HashSet::new(),
        previous_page: None,
        fetched: 0,
    };
    // Boxed so that the stream is `Unpin`: callers can `.next()` / `.try_next()` it directly.
    Box::pin(stream::unfold(
        (Step::Fetch(start), memory),
        move |(step, mut memory)| {
            let operation = operation.clone();
            let fixed = fixed.clone();
            async move {
                let cursor = match step {
                    Step::Fetch(cursor) => cursor,
                    Step::Fail(error) => return Some((Err(error), (Step::Done, memory))),
                    Step::Done => return None,
                };
                if let PageCursor::Token(token) = &cursor {
                    memory.used_tokens.insert(token.clone());
                }
                if let Some(Err(message)) = &fixed {
                    let error = Error::InvalidRequest {
                        provider: Op::PROVIDER,
                        operation: Op::OPERATION,
                        message: message.clone(),
                    };
                    return Some((Err(error), (Step::Done, memory)));
                }
                let request = match at(operation, &cursor) {
                    Ok(request) => request,
                    Err(message) => {
                        let error = Error::InvalidRequest {
                            provider: Op::PROVIDER,
                            operation: Op::OPERATION,
                            message,
                        };
                        return Some((Err(error), (Step::Done, memory)));
                    }
                };
                let sent = PageRequest::default();
                memory.fetched += 1;
                let page = match IN_WALK.scope(sent.clone(), request.fetch()).await {
                    Ok(page) => page,
                    Err(source) => {
                        let error = Error::Page {
                            provider: Op::PROVIDER,
                            operation: Op::OPERATION,
                            page: cursor,
                            source: Box::new(source),
                        };
                        return Some((Err(error), (Step::Done, memory)));
                    }
                };
                let problem = |problem, next| Error::Paging {
                    provider: Op::PROVIDER,
                    operation: Op::OPERATION,
                    page: cursor.clone(),
                    next,
                    problem,
                };
                let next = match next_page::<Op>(&page) {
                    NextPage::Done => Step::Done,
                    NextPage::Token(None) => {
                        Step::Fail(problem(PagingProblem::MissingCursor, None))
                    }
                    NextPage::Token(Some(token)) if token.trim().is_empty() => {
                        Step::Fail(problem(PagingProblem::EmptyCursor, None))
                    }
                    NextPage::Token(Some(token)) if memory.used_tokens.contains(&token) => {
                        // The page may repeat one already yielded: it is not handed out.
                        let error = problem(PagingProblem::RepeatedCursor(token), None);
                        return Some((Err(error), (Step::Done, memory)));
                    }
                    NextPage::Token(Some(token)) => Step::Fetch(PageCursor::Token(token)),
                    NextPage::Offset { returned } => {
                        let fingerprint = fingerprint(&page);
                        if returned > 0 && memory.previous_page == Some(fingerprint) {
                            let error = problem(PagingProblem::RepeatedPage, None);
                            return Some((Err(error), (Step::Done, memory)));
                        }
                        memory.previous_page = Some(fingerprint);
                        let offset = match cursor {
                            PageCursor::Offset(offset) => offset,
                            _ => 0,
                        };
                        // The size the request carried, or the API's fixed size; unknown (0),
                        // only an empty page ends.
                        let limit = match &fixed {
                            Some(Ok(size)) => *size,
                            _ => sent.size.load(Ordering::Relaxed),
                        };
                        if returned == 0 || returned < limit {
                            Step::Done
                        } else {
                            Step::Fetch(PageCursor::Offset(offset.saturating_add(returned)))
                        }
                    }
                    NextPage::Number { more } => {
                        let fingerprint = fingerprint(&page);
                        if memory.previous_page == Some(fingerprint) {
                            let error = problem(PagingProblem::RepeatedPage, None);
                            return Some((Err(error), (Step::Done, memory)));
                        }
                        memory.previous_page = Some(fingerprint);
                        let number = match cursor {
                            PageCursor::Number(page) => page,
                            _ => 1,
                        };
                        match (more, number.checked_add(1)) {
                            (false, _) => Step::Done,
                            (true, Some(next)) => Step::Fetch(PageCursor::Number(next)),
                            (true, None) => {
                                Step::Fail(problem(PagingProblem::TooManyPages(ceiling), None))
                            }
                        }
                    }
                };
                let next = match next {
                    Step::Fetch(next) if memory.fetched >= ceiling => {
                        Step::Fail(problem(PagingProblem::TooManyPages(ceiling), Some(next)))
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
pub(crate) struct PageSizeBound {
    /// The query parameter (`limit`, `per_page`).
    pub param: &'static str,
    /// The largest page the API allows.
    pub max: u64,
    /// What the bound depends on, for messages (`bucket_width=1h`), or empty.
    pub when: &'static str,
}

impl PageSizeBound {
    /// `limit` counting time buckets by the request's `bucket_width` (`1d` when absent): 31
    /// daily, 168 hourly or 1440 minute buckets, a week or a day of them; an unknown width is
    /// left to the server. The usage reports of OpenAI and Anthropic share this rule.
    // Unused in a build whose providers all page otherwise.
    #[allow(dead_code)]
    pub(crate) fn buckets_by_width(url: &reqwest::Url) -> Option<PageSizeBound> {
        let width = url
            .query_pairs()
            .find(|(key, _)| key == "bucket_width")
            .map(|(_, value)| value.into_owned());
        let (max, when) = match width.as_deref() {
            None | Some("1d") => (31, "bucket_width=1d"),
            Some("1h") => (168, "bucket_width=1h"),
            Some("1m") => (1440, "bucket_width=1m"),
            Some(_) => return None,
        };
        Some(PageSizeBound {
            param: "limit",
            max,
            when,
        })
    }
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
            Ok(size) if (1..=bound.max).contains(&size) => {
                let _ = IN_WALK.try_with(|sent| sent.size.store(size, Ordering::Relaxed));
                Ok(())
            }
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
            let in_walk = IN_WALK
                .try_with(|sent| sent.size.store(bound.max, Ordering::Relaxed))
                .is_ok();
            if in_walk {
                request
                    .url_mut()
                    .query_pairs_mut()
                    .append_pair(bound.param, &bound.max.to_string());
            }
            Ok(())
        }
    }
}
