//! The page walker behind every stream: fetch a page, hand it out, ask the provider's rule where
//! the next one starts, stop when the rule says so.
//!
//! Pages are fetched lazily, one at a time, when the stream is polled: memory holds one page,
//! whatever the number of pages walked. A failed page (after the transport's retries) ends the
//! stream with [`Error::Page`] naming the page; what was yielded before stays
//! valid and nothing is yielded twice.

use std::fmt;
use std::future::Future;

use futures::stream::{self, Stream, TryStreamExt};

use crate::error::Error;
use crate::Provider;

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
pub trait PagedOperation: Operation {
    /// Sets the request up for the page at `cursor` (`First` leaves it as built).
    fn at(self, cursor: &PageCursor) -> Self;

    /// Where the page after `page` (which was fetched at `current`) starts; `None` at the end.
    fn next_cursor(&self, page: &Self::Output, current: &PageCursor) -> Option<PageCursor>;

    /// Every page, fetched lazily in order.
    fn pages(self) -> impl Stream<Item = Result<Self::Output, Error>> + Send + Unpin {
        walk(self)
    }
}

/// The page walk of a [`PagedOperation`].
fn walk<Op: PagedOperation>(
    operation: Op,
) -> impl Stream<Item = Result<Op::Output, Error>> + Send + Unpin {
    // Boxed so that the stream is `Unpin`: callers can `.next()` / `.try_next()` it directly.
    Box::pin(stream::try_unfold(Some(PageCursor::First), move |cursor| {
        let operation = operation.clone();
        async move {
            let Some(cursor) = cursor else {
                return Ok(None);
            };
            let page = operation
                .clone()
                .at(&cursor)
                .fetch()
                .await
                .map_err(|source| Error::Page {
                    provider: Op::PROVIDER,
                    operation: Op::OPERATION,
                    page: cursor.to_string(),
                    source: Box::new(source),
                })?;
            let next = operation.next_cursor(&page, &cursor);
            Ok(Some((page, next)))
        }
    }))
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
