//! Where a page of a walk starts, and why a walk stopped: what a page error carries. The types
//! are public as [`crate::paging::PageCursor`] and [`crate::paging::PagingProblem`].

use std::fmt;

/// Where a page of a walk starts: what a page error carries, and what
/// `.resume_from(cursor)` on a paged builder starts from.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum PageCursor {
    /// The first page: the request as the caller built it (offset 0, page 1).
    First,
    /// An opaque token from the previous page (OpenAI `next_page`, Northflank `cursor`).
    Token(String),
    /// A record offset (limit/offset paging: Phala).
    Offset(u64),
    /// A page number, counting from 1 (Northflank's get usage and get invoice breakdowns).
    Number(u64),
}

impl fmt::Display for PageCursor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PageCursor::First => f.write_str("the first page"),
            PageCursor::Token(token) => write!(f, "cursor {token:?}"),
            PageCursor::Offset(offset) => write!(f, "offset {offset}"),
            PageCursor::Number(page) => write!(f, "page {page}"),
        }
    }
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
    /// A limit/offset or page-number page identical to the previous one: the server ignored
    /// the offset or the page number.
    #[error("the page is identical to the previous one (the server ignores the offset or page number); it was not yielded")]
    RepeatedPage,
    /// The walk reached its ceiling of pages and the server still says there are more.
    #[error("the walk reached its ceiling of {0} pages and the server says there are more")]
    TooManyPages(u64),
}
