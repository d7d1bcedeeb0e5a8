//! Northflank usage and invoices as [`CostRecord`]s, and its [`CostSource`]s: [`Costs`] (hourly
//! usage entries, [`CostKind::Usage`]) and [`InvoiceCosts`] (invoices, [`CostKind::Invoice`]: the
//! billed view of the same spend, never added to usage). One hour's drill-down gives
//! [`CostKind::Breakdown`] records, which break down that hour's total.
//!
//! The unit of amounts is disputed by Northflank's own documents: every per-operation page (usage
//! and invoices) describes each price "in cents", while the newer Billing API overview says that
//! all monetary values are decimal amounts in the response's `currency`, not minor units such as
//! cents. Records are read in the client's [`AmountUnit`]: the default follows the newer,
//! explicit statement ([`AmountUnit::Currency`]); [`Config::amount_unit`](super::Config::amount_unit)
//! sets the other. The conversion is the shared [`AmountUnit::to_currency`], in one place here.

use std::fmt;

use chrono::{DateTime, TimeDelta, Utc};
use futures::stream::BoxStream;
use futures::{Stream, StreamExt};
use rust_decimal::Decimal;

use super::types::{
    ByocPrice, GetUsageResponse, Invoice, Invoices, ListInvoicesResponse, ListUsageResponse,
    PaasPrice, UsageEntry,
};
use super::Client;
use crate::cost::{
    billed_to, BillingAccount, CostKind, CostRecord, CostSource, Dimension, Scope, Window,
};
use crate::money::{checked_sum, AmountUnit, InexactSum};
use crate::money::Amount;
use crate::{Error, Provider};

/// The currency of a record when the response names none (usage responses never do).
pub const DEFAULT_CURRENCY: &str = "USD";

/// How long one usage entry (and one get usage drill-down) lasts: the billing hour.
pub const BILLING_PERIOD: TimeDelta = TimeDelta::hours(1);

/// Which part of a Northflank bill an amount is: the value of [`Dimension::BillingPart`] in a
/// Northflank record's scope.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum BillingPart {
    /// Northflank's managed cloud (PaaS): teams, projects, resources (`paas`).
    Paas,
    /// Bring your own cloud: always a customer-level total (`byoc`).
    Byoc,
}

impl BillingPart {
    /// `paas` or `byoc`: the value in a scope.
    pub fn as_str(self) -> &'static str {
        match self {
            BillingPart::Paas => "paas",
            BillingPart::Byoc => "byoc",
        }
    }

    /// What a record of this part is a charge for (`PaaS usage`, `BYOC usage`).
    pub fn description(self) -> &'static str {
        match self {
            BillingPart::Paas => "PaaS usage",
            BillingPart::Byoc => "BYOC usage",
        }
    }
}

impl fmt::Display for BillingPart {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The total of a PaaS price, in the unit it was sent in: `total`, or the sum of its parts
/// when `total` is absent, or zero.
pub(crate) fn paas_total(price: Option<&PaasPrice>) -> Result<Decimal, InexactSum> {
    price.map_or(Ok(Decimal::ZERO), |price| {
        total_or_parts(
            price.total,
            [price.cpu, price.memory, price.storage, price.gpu],
        )
    })
}

/// The total of a BYOC price, in the unit it was sent in: `total`, or the sum of its parts
/// when `total` is absent, or zero.
pub(crate) fn byoc_total(price: Option<&ByocPrice>) -> Result<Decimal, InexactSum> {
    price.map_or(Ok(Decimal::ZERO), |price| {
        total_or_parts(
            price.total,
            [price.vcpu, price.memory, price.gpu_memory, price.cluster],
        )
    })
}

fn total_or_parts(
    total: Option<Amount>,
    parts: [Option<Amount>; 4],
) -> Result<Decimal, InexactSum> {
    match total {
        Some(total) => Ok(total.value()),
        None => checked_sum(parts.iter().flatten().map(|part| part.value())),
    }
}

/// The two records of one hourly usage entry (list usage, org or team route), PaaS then BYOC,
/// as [`cost_records`] describes them.
pub(crate) fn entry_part_records(
    entry: &UsageEntry,
    team: Option<&str>,
    unit: AmountUnit,
) -> Result<[CostRecord; 2], Error> {
    const PAAS_PATH: &str = "data.usage[].paasUsage.price";
    const BYOC_PATH: &str = "data.usage[].byocUsage.price";
    let period = hour_window(hour(
        entry.timestamp,
        "list_usage",
        "data.usage[].timestamp",
    )?);
    let paas = entry
        .paas_usage
        .as_ref()
        .and_then(|paas| paas.price.as_ref());
    let byoc = entry
        .byoc_usage
        .as_ref()
        .and_then(|byoc| byoc.price.as_ref());
    let paas = paas_total(paas).map_err(|_| overflow("list_usage", PAAS_PATH))?;
    let byoc = byoc_total(byoc).map_err(|_| overflow("list_usage", BYOC_PATH))?;
    let part = |part: BillingPart, amount: Decimal, path: &str| {
        let scope = northflank_scope(part, [team.map(str::to_string), None, None, None]);
        record(
            period,
            amount,
            unit,
            None,
            scope,
            CostKind::Usage,
            "list_usage",
            path,
        )
        .map(|record| {
            record
                .with_description(part.description())
                .with_billing_account(team.map(BillingAccount::new))
        })
    };
    Ok([
        part(BillingPart::Paas, paas, PAAS_PATH)?,
        part(BillingPart::Byoc, byoc, BYOC_PATH)?,
    ])
}

/// The records of every hourly usage entry of a list usage page (org or team route), in order,
/// two per entry, PaaS then BYOC: the hour starting at the entry's `timestamp`, amounts
/// `paasUsage.price.total` and `byocUsage.price.total` (each the sum of its parts when its total
/// is absent, zero when absent altogether) read in `unit`, currency [`DEFAULT_CURRENCY`] (usage
/// responses name none), kind [`CostKind::Usage`], scope the billing part [`BillingPart::Paas`]
/// or [`BillingPart::Byoc`] (and the team, when the page came from a team route: `team`, which is
/// then the billing account too), description [`BillingPart::description`]. The two of an entry
/// are disjoint shares of the hour: they add up to what the hour costs.
///
/// This is the conversion [`Costs`] applies to each page it fetches, for a page fetched by the
/// caller (with the client's [`AmountUnit`](super::Config::amount_unit) as `unit`).
///
/// ```
/// use usage_bindings::money::AmountUnit;
/// use usage_bindings::northflank::{cost_records, types::ListUsageResponse};
///
/// let page: ListUsageResponse = serde_json::from_str(r#"{
///   "data": {"usage": [{"timestamp": 1780999200,
///     "paasUsage": {"price": {"total": 18.437712}}, "byocUsage": {"price": {"total": "0.815689"}}}]},
///   "pagination": {"hasNextPage": false, "count": 1}}"#)?;
/// let records = cost_records(&page, None, AmountUnit::Currency)?;
/// assert_eq!(records.len(), 2);
/// let (paas, byoc) = (&records[0], &records[1]);
/// assert_eq!((paas.amount.to_string(), byoc.amount.to_string()), ("18.437712".into(), "0.815689".into()));
/// let cents = cost_records(&page, None, AmountUnit::Cents)?;
/// assert_eq!(cents[0].amount.to_string(), "0.18437712");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn cost_records(
    page: &ListUsageResponse,
    team: Option<&str>,
    unit: AmountUnit,
) -> Result<Vec<CostRecord>, Error> {
    let entries = &page.data.usage;
    let mut records = Vec::with_capacity(entries.len() * 2);
    for entry in entries {
        records.extend(entry_part_records(entry, team, unit)?);
    }
    Ok(records)
}

/// The records of one hour's drill-down (get usage, org or team route), read in `unit`, at the
/// finest level the response has: a resource where resources are listed, else its resource type,
/// else its project, else its team; an organization-level PaaS record when no team is listed;
/// plus one [`BillingPart::Byoc`] record for the BYOC total, which is always customer-level.
/// The names of the team, project and resource are kept beside their ids
/// ([`CostRecord::names`]). An hour without usage (no `data`) has no record.
///
/// The records are of kind [`CostKind::Breakdown`]: they break down the hour that
/// [`cost_records`] reports from list usage, so no total adds them to it. No [`CostSource`]
/// reads the drill-down: this is its one way in.
///
/// The records cover what the response lists: under a filter, or when the breakdown is paged,
/// their sum is the listed slice, not `paasUsage.price.total`.
///
/// ```
/// use usage_bindings::money::AmountUnit;
/// use usage_bindings::northflank::{drilldown_records, types::GetUsageResponse};
///
/// let hour: GetUsageResponse = serde_json::from_str(r#"{"data": {"timestamp": 1780999200,
///   "paasUsage": {"price": {"total": 3.5}, "teams": [
///     {"id": "team-a", "name": "Team A", "price": {"total": 3.5}}]},
///   "byocUsage": {"price": {"total": 1.25}}}}"#)?;
/// let records = drilldown_records(&hour, AmountUnit::Currency)?;
/// assert_eq!(records.len(), 2);
/// let (team, byoc) = (&records[0], &records[1]);
/// assert_eq!(team.scope.to_string(), "billing_part=paas team=team-a");
/// assert_eq!((team.amount.to_string(), byoc.amount.to_string()), ("3.5".into(), "1.25".into()));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn drilldown_records(
    response: &GetUsageResponse,
    unit: AmountUnit,
) -> Result<Vec<CostRecord>, Error> {
    let data = &response.data;
    // An hour without usage (a body without `data`, as Northflank's own example is) has no
    // amount to record, and may have no timestamp either.
    if data.paas_usage.is_none() && data.byoc_usage.is_none() {
        return Ok(Vec::new());
    }
    let period = hour_window(hour(data.timestamp, "get_usage", "data.timestamp")?);
    let mut records = Vec::new();
    let mut push = |price: Option<&PaasPrice>, scope: [Option<String>; 4], names: &Scope| {
        records.push(
            paas_total(price)
                .map_err(|_| overflow("get_usage", "data.paasUsage"))
                .and_then(|amount| {
                    record(
                        period,
                        amount,
                        unit,
                        None,
                        northflank_scope(BillingPart::Paas, scope),
                        CostKind::Breakdown,
                        "get_usage",
                        "data.paasUsage",
                    )
                })
                .map(|mut record| {
                    record.names = names.clone();
                    record.with_description(BillingPart::Paas.description())
                }),
        );
    };
    if let Some(paas) = &data.paas_usage {
        if paas.teams.is_empty() {
            push(paas.price.as_ref(), [None, None, None, None], &Scope::new());
        }
        for team in &paas.teams {
            let team_id = id_or_name(&team.id, &team.name);
            let team_names =
                Scope::new().with_opt(Dimension::Team, name_beside(&team.id, &team.name));
            if team.projects.is_empty() {
                push(
                    team.price.as_ref(),
                    [team_id.clone(), None, None, None],
                    &team_names,
                );
            }
            for project in &team.projects {
                let project_id = id_or_name(&project.id, &project.name);
                let project_names = team_names
                    .clone()
                    .with_opt(Dimension::Project, name_beside(&project.id, &project.name));
                if project.resource_types.is_empty() {
                    push(
                        project.price.as_ref(),
                        [team_id.clone(), project_id.clone(), None, None],
                        &project_names,
                    );
                }
                for resource_type in &project.resource_types {
                    let kind = resource_type.resource_type.clone();
                    if resource_type.resources.is_empty() {
                        push(
                            resource_type.price.as_ref(),
                            [team_id.clone(), project_id.clone(), kind.clone(), None],
                            &project_names,
                        );
                    }
                    for resource in &resource_type.resources {
                        push(
                            resource.price.as_ref(),
                            [
                                team_id.clone(),
                                project_id.clone(),
                                kind.clone(),
                                id_or_name(&resource.id, &resource.name),
                            ],
                            &project_names.clone().with_opt(
                                Dimension::Resource,
                                name_beside(&resource.id, &resource.name),
                            ),
                        );
                    }
                }
            }
        }
    }
    if let Some(byoc) = &data.byoc_usage {
        records.push(
            byoc_total(byoc.price.as_ref())
                .map_err(|_| overflow("get_usage", "data.byocUsage.price"))
                .and_then(|amount| {
                    record(
                        period,
                        amount,
                        unit,
                        None,
                        northflank_scope(BillingPart::Byoc, Default::default()),
                        CostKind::Breakdown,
                        "get_usage",
                        "data.byocUsage.price",
                    )
                })
                .map(|record| record.with_description(BillingPart::Byoc.description())),
        );
    }
    records.into_iter().collect()
}

/// Every hourly usage entry of `window` as two records (PaaS, BYOC: see [`cost_records`]), every
/// page, read in the client's [`AmountUnit`]: the org route, or the team route when `team` is
/// given.
pub(crate) fn fetch_cost_records<'a>(
    client: &'a Client,
    team: Option<&'a str>,
    window: Window,
) -> impl Stream<Item = Result<CostRecord, Error>> + Send + 'a {
    let unit = client.amount_unit();
    let Window { start, end } = window;
    let entries = match team {
        Some(team) => client
            .list_team_usage()
            .team(team)
            .start_time(start.timestamp())
            .end_time(end.timestamp())
            .per_page(100)
            .items()
            .left_stream(),
        None => client
            .list_usage()
            .start_time(start.timestamp())
            .end_time(end.timestamp())
            .per_page(100)
            .items()
            .right_stream(),
    };
    entries.flat_map(move |entry| {
        let records: Vec<Result<CostRecord, Error>> =
            match entry.and_then(|entry| entry_part_records(&entry, team, unit)) {
                Ok(parts) => parts.into_iter().map(Ok).collect(),
                Err(error) => vec![Err(error)],
            };
        futures::stream::iter(records)
    })
}

/// The record of one invoice (list invoices, org or team route), as [`invoice_records`]
/// describes it.
pub(crate) fn invoice_record(
    invoice: &Invoice,
    team: Option<&str>,
    unit: AmountUnit,
) -> Result<CostRecord, Error> {
    const OPERATION: &str = "list_invoices";
    let invalid = |path: &str, message: String| Error::Decode {
        provider: Provider::Northflank,
        operation: OPERATION,
        path: path.to_string(),
        message,
    };
    let period = invoice.period.as_ref().ok_or_else(|| {
        invalid(
            "data.invoices[].period",
            "no period: the invoice cannot be placed in time".into(),
        )
    })?;
    let start = instant(period.start, OPERATION, "data.invoices[].period.start")?;
    let end = instant(period.end, OPERATION, "data.invoices[].period.end")?;
    if end < start {
        return Err(invalid(
            "data.invoices[].period",
            "the period ends before it starts".into(),
        ));
    }
    let total = invoice.total.ok_or_else(|| {
        invalid(
            "data.invoices[].total",
            "no total: the amount of the invoice is unknown".into(),
        )
    })?;
    record(
        Window { start, end },
        total.value(),
        unit,
        invoice.currency.as_deref(),
        Scope::new()
            .with_opt(Dimension::Invoice, invoice.id.clone())
            .with_opt(Dimension::Team, team),
        CostKind::Invoice,
        OPERATION,
        "data.invoices[].total",
    )
}

/// The records of the invoices of a list invoices page (org or team route), in order, one per
/// invoice (the page's array of invoices, or the one invoice object of the April 2026 revision):
/// the invoice's `period`, amount `total` (including tax) read in `unit`, its `currency`
/// upper-cased ([`DEFAULT_CURRENCY`] when absent), kind [`CostKind::Invoice`], scope the invoice
/// id and the team of a team route (`team`).
///
/// Invoices are a second, authoritative view of the same spend as usage: never add invoice
/// records and usage records ([`cost_records`]) together.
///
/// An invoice without `period` or without `total` is an error, not a guess.
///
/// This is the conversion [`InvoiceCosts`] applies to each page it fetches, for a page fetched by
/// the caller (with the client's [`AmountUnit`](super::Config::amount_unit) as `unit`).
///
/// ```
/// use usage_bindings::cost::CostKind;
/// use usage_bindings::money::AmountUnit;
/// use usage_bindings::northflank::{invoice_records, types::ListInvoicesResponse};
///
/// let page: ListInvoicesResponse = serde_json::from_str(r#"{
///   "data": {"invoices": [{"id": "in_1", "currency": "usd", "total": 1234.5,
///     "period": {"start": 1777593600, "end": 1780272000}}]},
///   "pagination": {"hasNextPage": false, "count": 1}}"#)?;
/// let records = invoice_records(&page, None, AmountUnit::Currency)?;
/// assert_eq!(records[0].amount.to_string(), "1234.5");
/// assert_eq!((records[0].currency.as_str(), records[0].kind), ("USD", CostKind::Invoice));
/// assert_eq!(records[0].period.start.to_rfc3339(), "2026-05-01T00:00:00+00:00");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn invoice_records(
    page: &ListInvoicesResponse,
    team: Option<&str>,
    unit: AmountUnit,
) -> Result<Vec<CostRecord>, Error> {
    let invoices: &[Invoice] = match &page.data.invoices {
        Some(Invoices::Array(invoices)) => invoices,
        Some(Invoices::Invoice(invoice)) => std::slice::from_ref(invoice),
        None => &[],
    };
    invoices
        .iter()
        .map(|invoice| invoice_record(invoice, team, unit))
        .collect()
}

/// Every finalized invoice as a record, every page, read in the client's [`AmountUnit`]: the org
/// route, or the team route when `team` is given. A source of its own, apart from
/// [`fetch_cost_records`] (usage): the two views of the same spend must never be summed together.
/// List invoices has no time filter; keep the records of a window with [`Window::holds`] (as
/// [`InvoiceCosts`] does).
pub(crate) fn fetch_invoice_records<'a>(
    client: &'a Client,
    team: Option<&'a str>,
) -> impl Stream<Item = Result<CostRecord, Error>> + Send + 'a {
    let unit = client.amount_unit();
    let invoices = match team {
        Some(team) => client.list_team_invoices().team(team).items().left_stream(),
        None => client.list_invoices().items().right_stream(),
    };
    invoices.map(move |invoice| invoice.and_then(|invoice| invoice_record(&invoice, team, unit)))
}

/// The hourly usage entries of a Northflank account as a [`CostSource`] of
/// [`CostKind::Usage`] records: every hourly usage entry of the window, every page, a PaaS and a
/// BYOC record per hour as [`cost_records`] makes them, read in the client's [`AmountUnit`].
///
/// The billing account of the records is the team on the team route; on the org route, usage
/// entries name no account, so [`Costs::billing_account`] sets it (it also replaces the team's).
#[derive(Clone, Debug)]
pub struct Costs {
    /// The client; its [`AmountUnit`] is the unit records are read in.
    pub client: Client,
    /// The team of the team route, for a team-scoped token; `None`: the org route.
    pub team: Option<String>,
    /// The account billed, set on every record when given.
    pub billing_account: Option<BillingAccount>,
}

impl Costs {
    /// The usage of `client`'s org route.
    pub fn new(client: Client) -> Costs {
        Costs {
            client,
            team: None,
            billing_account: None,
        }
    }

    /// The usage of the team route of `team`.
    pub fn team(mut self, team: impl Into<String>) -> Costs {
        self.team = Some(team.into());
        self
    }

    /// Sets `account` (the organization, or the team with its name) as the billing account of
    /// every record.
    pub fn billing_account(mut self, account: BillingAccount) -> Costs {
        self.billing_account = Some(account);
        self
    }
}

impl CostSource for Costs {
    fn provider(&self) -> Provider {
        Provider::Northflank
    }

    fn records(&self, window: Window) -> BoxStream<'_, Result<CostRecord, Error>> {
        billed_to(
            fetch_cost_records(&self.client, self.team.as_deref(), window),
            self.billing_account.clone(),
        )
    }
    /// The invoices of the same route (list invoices, every page, as [`InvoiceCosts`] reads
    /// them): each says which period it bills, so a FOCUS export names the invoice of each
    /// usage record it covers.
    fn invoices(&self) -> Option<BoxStream<'_, Result<CostRecord, Error>>> {
        Some(fetch_invoice_records(&self.client, self.team.as_deref()).boxed())
    }
}

/// The invoices of a Northflank account as a [`CostSource`] of [`CostKind::Invoice`] records
/// (every finalized invoice, every page, each a record as [`invoice_records`] makes it, read in
/// the client's [`AmountUnit`]): the billed view of the spend that [`Costs`] reads from
/// usage, fetched apart and never added to it. List invoices has no time filter: every invoice
/// is fetched, and [`fetch_all`](crate::cost::fetch_all) counts those outside the window apart.
#[derive(Clone, Debug)]
pub struct InvoiceCosts {
    /// The client; its [`AmountUnit`] is the unit records are read in.
    pub client: Client,
    /// The team of the team route, for a team-scoped token; `None`: the org route.
    pub team: Option<String>,
}

impl InvoiceCosts {
    /// The invoices of `client`'s org route.
    pub fn new(client: Client) -> InvoiceCosts {
        InvoiceCosts { client, team: None }
    }

    /// The invoices of the team route of `team`.
    pub fn team(mut self, team: impl Into<String>) -> InvoiceCosts {
        self.team = Some(team.into());
        self
    }
}

impl CostSource for InvoiceCosts {
    fn provider(&self) -> Provider {
        Provider::Northflank
    }

    fn name(&self) -> &'static str {
        "invoices"
    }

    fn records(&self, _window: Window) -> BoxStream<'_, Result<CostRecord, Error>> {
        fetch_invoice_records(&self.client, self.team.as_deref()).boxed()
    }
}

fn id_or_name(id: &Option<String>, name: &Option<String>) -> Option<String> {
    id.clone().or_else(|| name.clone())
}

/// The name to keep beside an id: only when the scope holds the id (else the name is the value).
fn name_beside(id: &Option<String>, name: &Option<String>) -> Option<String> {
    id.as_ref().and(name.clone())
}

/// The billing hour starting at `start` (checked to fit by [`hour`]).
fn hour_window(start: DateTime<Utc>) -> Window {
    Window {
        start,
        end: start + BILLING_PERIOD,
    }
}

/// The scope of a usage amount: the billing part, then team, project, resource type, resource
/// (those present).
fn northflank_scope(
    part: BillingPart,
    [team, project, resource_type, resource]: [Option<String>; 4],
) -> Scope {
    Scope::new()
        .with(Dimension::BillingPart, part.as_str())
        .with_opt(Dimension::Team, team)
        .with_opt(Dimension::Project, project)
        .with_opt(Dimension::ResourceType, resource_type)
        .with_opt(Dimension::Resource, resource)
}

/// A record of `amount` read in `unit`: the only place a Northflank amount is converted.
#[allow(clippy::too_many_arguments)]
fn record(
    period: Window,
    amount: Decimal,
    unit: AmountUnit,
    currency: Option<&str>,
    scope: Scope,
    kind: CostKind,
    operation: &'static str,
    path: &str,
) -> Result<CostRecord, Error> {
    Ok(CostRecord::new(
        Provider::Northflank,
        period,
        unit.to_currency(amount)
            .ok_or_else(|| overflow(operation, path))?,
        currency
            .map(str::trim)
            .filter(|currency| !currency.is_empty())
            .unwrap_or(DEFAULT_CURRENCY)
            .to_ascii_uppercase(),
        scope,
    )
    .with_kind(kind))
}

/// The billing hour starting at `timestamp` (Unix seconds, a JSON number).
fn hour(
    timestamp: Option<f64>,
    operation: &'static str,
    path: &str,
) -> Result<DateTime<Utc>, Error> {
    let start = instant(timestamp, operation, path)?;
    start
        .checked_add_signed(BILLING_PERIOD)
        .map(|_| start)
        .ok_or_else(|| Error::Decode {
            provider: Provider::Northflank,
            operation,
            path: path.to_string(),
            message: format!("{start} is out of range"),
        })
}

/// The instant of a Unix time in whole seconds (a JSON number).
fn instant(
    seconds: Option<f64>,
    operation: &'static str,
    path: &str,
) -> Result<DateTime<Utc>, Error> {
    let invalid = |message: String| Error::Decode {
        provider: Provider::Northflank,
        operation,
        path: path.to_string(),
        message,
    };
    let seconds = seconds.ok_or_else(|| invalid("no timestamp: the time is unknown".into()))?;
    // Unix seconds are far inside the range where an f64 holds whole numbers exactly.
    if !seconds.is_finite() || seconds.fract() != 0.0 || seconds.abs() > 1e15 {
        return Err(invalid(format!("{seconds} is not a Unix time in seconds")));
    }
    DateTime::from_timestamp(seconds as i64, 0)
        .ok_or_else(|| invalid(format!("{seconds} is not a Unix time in seconds")))
}

fn overflow(operation: &'static str, path: &str) -> Error {
    Error::Decode {
        provider: Provider::Northflank,
        operation,
        path: path.to_string(),
        message: "the amount in currency units is not exact: it needs more digits than a \
                  decimal holds"
            .to_string(),
    }
}
