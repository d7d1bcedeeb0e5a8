//! Northflank's paging rule and streams: repeat the query with `cursor=<pagination.cursor>`
//! while `pagination.hasNextPage`. List usage and list invoices follow it; get usage and get
//! invoice page their breakdown with `page` and are fetched one page at a time.

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
