//! Northflank's paging rule and streams: repeat the query with `cursor=<pagination.cursor>`
//! while `pagination.hasNextPage`. List usage and list invoices follow it; get usage and get
//! invoice page their breakdown with `page` and are fetched one page at a time.

use futures::Stream;

use super::builder;
use super::types::{
    CreditBalanceResponse, GetInvoiceResponse, GetUsageResponse, Invoice, Invoices,
    ListInvoicesResponse, ListUsageResponse, Pagination, UsageEntry,
};
use super::Settings;
use crate::paging::{items, NextPage, PageCursor, PageSizeBound, PagedOperation};
use crate::Error;

operations!(Settings;
    ListUsage("list_usage") => ListUsageResponse,
    ListTeamUsage("list_team_usage") => ListUsageResponse,
    GetUsage("get_usage") => GetUsageResponse,
    GetTeamUsage("get_team_usage") => GetUsageResponse,
    ListInvoices("list_invoices") => ListInvoicesResponse,
    ListTeamInvoices("list_team_invoices") => ListInvoicesResponse,
    GetInvoice("get_invoice") => GetInvoiceResponse,
    GetTeamInvoice("get_team_invoice") => GetInvoiceResponse,
    GetCreditBalance("get_credit_balance") => CreditBalanceResponse,
    GetTeamCreditBalance("get_team_credit_balance") => CreditBalanceResponse,
);

macro_rules! paged_by_cursor {
    ($($builder:ident => $output:ty),* $(,)?) => {
        $(
            impl PagedOperation for builder::$builder<'_> {
                fn at(self, cursor: &PageCursor) -> Self {
                    match cursor {
                        PageCursor::Token(token) => self.cursor(token.clone()),
                        PageCursor::First | PageCursor::Offset(_) => self,
                    }
                }

                fn next_page(&self, page: &$output) -> NextPage {
                    next_page(&page.pagination)
                }
            }
        )*
    };
}

paged_by_cursor!(
    ListUsage => ListUsageResponse,
    ListTeamUsage => ListUsageResponse,
    ListInvoices => ListInvoicesResponse,
    ListTeamInvoices => ListInvoicesResponse,
);

/// The rule: the next page is at `pagination.cursor` while `pagination.hasNextPage`.
fn next_page(pagination: &Pagination) -> NextPage {
    if pagination.has_next_page {
        NextPage::Token(pagination.cursor.clone())
    } else {
        NextPage::Done
    }
}

/// `per_page` is at most 100 on every operation that has it.
pub(super) fn page_size_bound(_operation: &str, _url: &reqwest::Url) -> Option<PageSizeBound> {
    Some(PageSizeBound {
        param: "per_page",
        max: 100,
        when: "",
    })
}

/// A stream over every hourly usage entry of list usage (org or team route).
///
/// Unless the request sets `per_page`, each page asks for 100 entries, the most the API allows.
/// The walk's guarantees (no cycle, no page twice, an error rather than a silent stop) are in
/// [`crate::paging`].
///
/// ```no_run
/// use futures::TryStreamExt;
/// use usage_bindings::northflank::{Client, Config, UsageEntryStreamExt};
///
/// # async fn run() -> Result<(), usage_bindings::Error> {
/// let client = Client::from_config(Config::new("nf-api-token"))?;
/// let entries = client
///     .list_team_usage()
///     .team("my-team")
///     .start_time(1_763_500_000)
///     .per_page(100)
///     .stream()
///     .try_collect::<Vec<_>>()
///     .await?;
/// println!("{} hourly entries", entries.len());
/// # Ok(()) }
/// ```
pub trait UsageEntryStreamExt: PagedOperation<Output = ListUsageResponse> {
    /// Every usage entry of every page (most recent first, as the API sorts them), fetched
    /// lazily page by page.
    fn stream(self) -> impl Stream<Item = Result<UsageEntry, Error>> + Send + Unpin {
        items(self.pages(), |page: ListUsageResponse| page.data.usage)
    }
}

impl<T: PagedOperation<Output = ListUsageResponse>> UsageEntryStreamExt for T {}

/// A stream over every invoice of list invoices (org or team route), newest first.
///
/// Unless the request sets `per_page`, each page asks for 100 invoices, the most the API allows.
///
/// ```no_run
/// use futures::TryStreamExt;
/// use usage_bindings::northflank::{Client, Config, InvoiceStreamExt};
///
/// # async fn run() -> Result<(), usage_bindings::Error> {
/// let client = Client::from_config(Config::new("nf-api-token"))?;
/// let invoices = client.list_invoices().stream().try_collect::<Vec<_>>().await?;
/// for invoice in &invoices {
///     println!("{:?}: {:?} {:?}", invoice.id, invoice.total, invoice.currency);
/// }
/// # Ok(()) }
/// ```
pub trait InvoiceStreamExt: PagedOperation<Output = ListInvoicesResponse> {
    /// Every invoice of every page, fetched lazily page by page.
    fn stream(self) -> impl Stream<Item = Result<Invoice, Error>> + Send + Unpin {
        items(self.pages(), |page: ListInvoicesResponse| {
            invoices(page.data.invoices)
        })
    }
}

impl<T: PagedOperation<Output = ListInvoicesResponse>> InvoiceStreamExt for T {}

/// The invoices of a page, whichever of the documented shapes it has: an array, or (April 2026
/// revision) one invoice object.
pub fn invoices(invoices: Option<Invoices>) -> Vec<Invoice> {
    match invoices {
        Some(Invoices::Array(invoices)) => invoices,
        Some(Invoices::Invoice(invoice)) => vec![invoice],
        None => Vec::new(),
    }
}
