//! Northflank's paged operations and the rule each follows (see [`crate::paging`]):
//!
//! - list usage and list invoices (org and team routes) by cursor: the same query again with
//!   `cursor=<pagination.cursor>` while `pagination.hasNextPage`; `.items()` yields hourly usage
//!   entries (most recent first) or invoices (newest first);
//! - get usage and get invoice (org and team routes) page their breakdown by page number:
//!   `page=1, 2, ...` while `pagination.hasNextPage`; a response without `pagination` (the older
//!   API revision) is the only page. `.items()` yields the breakdown's teams, with their projects,
//!   resource types and resources as deep as the filters ask; `.pages()` the whole responses.
//!
//! Every one of them pages with `per_page`, at most 100: a walk asks for 100 unless
//! `.page_size(n)` or `.per_page(n)` chose a size.
//!
//! ```no_run
//! use futures::TryStreamExt;
//! use usage_bindings::northflank::{Client, Config};
//!
//! # async fn run() -> Result<(), usage_bindings::Error> {
//! let client = Client::from_config(Config::new("nf-api-token"))?;
//! let entries: Vec<_> = client
//!     .list_team_usage()
//!     .team("my-team")
//!     .start_time(1_763_500_000)
//!     .items()
//!     .try_collect()
//!     .await?;
//! // Every team of one hour's breakdown, however many pages it takes.
//! let teams: Vec<_> = client
//!     .get_usage()
//!     .timestamp("1763503200")
//!     .items()
//!     .try_collect()
//!     .await?;
//! println!("{} hourly entries, {} teams", entries.len(), teams.len());
//! # Ok(()) }
//! ```

use super::builder;
use super::types::{
    CreditBalanceResponse, GetInvoiceResponse, GetUsageResponse, Invoice, InvoiceDetail, Invoices,
    ListInvoicesResponse, ListUsageResponse, TeamUsage, UsageDetail, UsageEntry,
};
use super::Settings;
use crate::paging::{PageSizeBound, Rule};

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

/// List usage and list invoices: `cursor=<pagination.cursor>` while `pagination.hasNextPage`.
macro_rules! cursor {
    () => {
        Rule::Cursor {
            has_next_page: |page| page.pagination.has_next_page,
            cursor: |page| page.pagination.cursor.clone(),
            set: |request, cursor| request.cursor(cursor),
        }
    };
}

/// Get usage and get invoice page their breakdown: `page=<n>` while `pagination.hasNextPage`;
/// a response without `pagination` (older API revision) is the only page.
macro_rules! page_number {
    () => {
        Rule::PageNumber {
            has_next_page: |page| page.pagination.as_ref().is_some_and(|p| p.has_next_page),
            set_page: |request, page| request.page(page),
        }
    };
}

paged_operations!(
    ListUsage(ListUsageResponse) => UsageEntry, per_page, cursor!(), |p| p.data.usage;
    ListTeamUsage(ListUsageResponse) => UsageEntry, per_page, cursor!(), |p| p.data.usage;
    ListInvoices(ListInvoicesResponse) => Invoice, per_page, cursor!(), |p| invoices(p.data.invoices);
    ListTeamInvoices(ListInvoicesResponse) => Invoice, per_page, cursor!(), |p| invoices(p.data.invoices);
    GetUsage(GetUsageResponse) => TeamUsage, per_page, page_number!(), |p| usage_teams(p.data);
    GetTeamUsage(GetUsageResponse) => TeamUsage, per_page, page_number!(), |p| usage_teams(p.data);
    GetInvoice(GetInvoiceResponse) => TeamUsage, per_page, page_number!(), |p| invoice_teams(p.data);
    GetTeamInvoice(GetInvoiceResponse) => TeamUsage, per_page, page_number!(), |p| invoice_teams(p.data);
);

/// The breakdown entries of a get usage page: its teams (with their projects, resource types
/// and resources, as deep as the filters ask).
fn usage_teams(data: UsageDetail) -> Vec<TeamUsage> {
    data.paas_usage.map(|paas| paas.teams).unwrap_or_default()
}

/// The breakdown entries of a get invoice page.
fn invoice_teams(data: InvoiceDetail) -> Vec<TeamUsage> {
    data.paas_usage.map(|paas| paas.teams).unwrap_or_default()
}

/// `per_page` is at most 100 on every operation that has it.
pub(super) fn page_size_bound(_operation: &str, _url: &reqwest::Url) -> Option<PageSizeBound> {
    Some(PageSizeBound {
        param: "per_page",
        max: 100,
        when: "",
    })
}

/// The invoices of a page, whichever of the documented shapes it has: an array, or (April 2026
/// revision) one invoice object.
pub fn invoices(invoices: Option<Invoices>) -> Vec<Invoice> {
    match invoices {
        Some(Invoices::Array(invoices)) => invoices,
        Some(Invoices::Invoice(invoice)) => vec![invoice],
        None => Vec::new(),
    }
}
