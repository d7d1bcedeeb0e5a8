//! One exact view of what is spent across providers: [`CostRecord`]s, fetched from every
//! configured provider at once, and totals by day, provider or scope, per currency.
//!
//! Amounts are [`Decimal`]s in currency units (Northflank amounts are converted once, in the unit
//! its client is configured with: `northflank::AmountUnit`); sums are exact and checked: a sum
//! that a `Decimal` cannot hold exactly is an [`InexactSum`] error, never a rounded number.
//!
//! ```
//! use chrono::{TimeZone, Utc};
//! use rust_decimal::Decimal;
//! use usage_bindings::costs::{self, CostRecord, Scope};
//! use usage_bindings::Provider;
//!
//! let day = Utc.with_ymd_and_hms(2026, 11, 3, 0, 0, 0).unwrap();
//! let record = |provider, amount: &str, scope| CostRecord {
//!     provider,
//!     period_start: day,
//!     period_end: day + chrono::TimeDelta::hours(1),
//!     amount: amount.parse().unwrap(),
//!     currency: "USD".to_string(),
//!     scope,
//! };
//! let phala = Scope::Phala { app: "9f3c2a".into(), instance: None, usage_type: Some("gpu".into()) };
//! let openai = Scope::OpenAi { project: Some("proj_1".into()), line_item: None, api_key: None };
//! let records = vec![
//!     record(Provider::Phala, "2.49", phala.clone()),
//!     record(Provider::Phala, "0.000347", phala),
//!     record(Provider::OpenAi, "0.06", openai),
//! ];
//! let by_provider = costs::totals_by_provider(&records)?;
//! assert_eq!(by_provider[&(Provider::Phala, "USD".to_string())].to_string(), "2.490347");
//! let by_day = costs::totals_by_day(&records)?;
//! assert_eq!(by_day[&(day.date_naive(), "USD".to_string())].to_string(), "2.550347");
//! # Ok::<(), usage_bindings::costs::InexactSum>(())
//! ```
//!
//! Fetching: [`fetch_all`] queries every provider of a [`Sources`] concurrently and returns one
//! [`ProviderCosts`] per provider, with the records of the window it got (a record counts only
//! when its period lies wholly inside the window; the others are counted apart), and the errors
//! it met, so that one provider's failure hides nothing of the others. The per-provider streams are
//! `openai::fetch_cost_records`, `northflank::fetch_cost_records` and
//! `phala::fetch_cost_records`. Northflank invoices, a second view of the same spend, are a
//! stream of their own (`northflank::fetch_invoice_records`, or [`fetch_northflank_invoices`]
//! for a window) that [`fetch_all`] never adds to usage.

use std::collections::BTreeMap;
use std::future::Future;
use std::pin::Pin;

use chrono::{DateTime, NaiveDate, TimeDelta, Utc};
use futures::{Stream, StreamExt};
use rust_decimal::Decimal;

pub use crate::money::{checked_sum, exact_add, CostRecord, InexactSum, NorthflankPart, Scope};
use crate::{Error, Provider};

/// A time range `[start, end)`, UTC.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
pub struct Window {
    /// Inclusive start.
    pub start: DateTime<Utc>,
    /// Exclusive end.
    pub end: DateTime<Utc>,
}

impl Window {
    /// `[start, end)`, or `None` when `end` is not after `start`.
    pub fn new(start: DateTime<Utc>, end: DateTime<Utc>) -> Option<Window> {
        (end > start).then_some(Window { start, end })
    }

    /// The whole UTC days from `first` to `last`, both included; `None` when `last` is before
    /// `first` or out of range.
    pub fn days(first: NaiveDate, last: NaiveDate) -> Option<Window> {
        let start = first.and_hms_opt(0, 0, 0)?.and_utc();
        let end = last
            .checked_add_signed(TimeDelta::days(1))?
            .and_hms_opt(0, 0, 0)?
            .and_utc();
        Window::new(start, end)
    }

    /// Whether the period `[start, end)` lies wholly inside the window: `self.start <= start`,
    /// `start <= end` and `end <= self.end`. A period across either edge is not inside.
    pub fn holds(&self, start: DateTime<Utc>, end: DateTime<Utc>) -> bool {
        self.start <= start && start <= end && end <= self.end
    }
}

/// Where to fetch Northflank usage from: a client, and the team when the token is team-scoped
/// (the team route), or `None` for the org route.
#[cfg(feature = "northflank")]
#[derive(Clone, Debug)]
pub struct NorthflankSource {
    /// The client.
    pub client: crate::northflank::Client,
    /// The team of the team route; `None`: the org route.
    pub team: Option<String>,
}

/// Where to fetch Phala Cloud usage from: a client and the apps (the API has usage per app).
#[cfg(feature = "phala")]
#[derive(Clone, Debug)]
pub struct PhalaSource {
    /// The client.
    pub client: crate::phala::Client,
    /// The app ids, fetched one after the other.
    pub app_ids: Vec<String>,
}

/// The providers to query; `None` skips one.
#[derive(Clone, Debug, Default)]
pub struct Sources {
    /// OpenAI (costs, daily buckets).
    #[cfg(feature = "openai")]
    pub openai: Option<crate::openai::Client>,
    /// Northflank (hourly usage entries).
    #[cfg(feature = "northflank")]
    pub northflank: Option<NorthflankSource>,
    /// Phala Cloud (metered usage records of some apps).
    #[cfg(feature = "phala")]
    pub phala: Option<PhalaSource>,
}

impl Sources {
    /// The providers that will be queried, in [`Provider`] order.
    pub fn providers(&self) -> Vec<Provider> {
        #[allow(unused_mut)]
        let mut providers = Vec::new();
        #[cfg(feature = "openai")]
        if self.openai.is_some() {
            providers.push(Provider::OpenAi);
        }
        #[cfg(feature = "northflank")]
        if self.northflank.is_some() {
            providers.push(Provider::Northflank);
        }
        #[cfg(feature = "phala")]
        if self.phala.is_some() {
            providers.push(Provider::Phala);
        }
        providers
    }
}

/// What one provider gave: every record of the window fetched, and every error met. Records
/// fetched before an error stay; a provider with errors may still have records.
#[derive(Debug)]
pub struct ProviderCosts {
    /// The provider.
    pub provider: Provider,
    /// The records whose period lies wholly inside the window ([`Window::holds`]), in the order
    /// fetched.
    pub records: Vec<CostRecord>,
    /// How many records the provider returned whose period is not wholly inside the window
    /// (before it, after it, or across an edge, such as a day bucket that starts inside and
    /// ends after the window): they are not in `records`, so they are counted in no total.
    pub outside_window: usize,
    /// What failed (empty when everything was fetched).
    pub errors: Vec<Error>,
}

impl ProviderCosts {
    /// Whether everything was fetched.
    pub fn is_complete(&self) -> bool {
        self.errors.is_empty()
    }
}

/// Called after each record fetched with the provider and its number of records so far.
pub type Progress<'p> = &'p (dyn Fn(Provider, usize) + Sync);

type ProviderFuture<'a> = Pin<Box<dyn Future<Output = ProviderCosts> + Send + 'a>>;

/// Fetches `window` from every provider of `sources`, concurrently. One [`ProviderCosts`] per
/// provider queried, in [`Sources::providers`] order.
///
/// Providers answer in their own periods (OpenAI days, Northflank and Phala hours, Phala billing
/// days as a fallback) and may return more than asked: only records whose period lies wholly
/// inside `window` are kept; the others are counted in [`ProviderCosts::outside_window`].
pub async fn fetch_all(sources: &Sources, window: Window) -> Vec<ProviderCosts> {
    fetch_all_with_progress(sources, window, &|_, _| {}).await
}

/// [`fetch_all`], calling `progress` after each record.
pub async fn fetch_all_with_progress(
    sources: &Sources,
    window: Window,
    progress: Progress<'_>,
) -> Vec<ProviderCosts> {
    #[allow(unused_mut)]
    let mut fetches: Vec<ProviderFuture<'_>> = Vec::new();
    let Window { start, end } = window;
    #[cfg(feature = "openai")]
    if let Some(client) = &sources.openai {
        fetches.push(Box::pin(collect(
            Provider::OpenAi,
            window,
            crate::openai::fetch_cost_records(client, start, end),
            progress,
        )));
    }
    #[cfg(feature = "northflank")]
    if let Some(source) = &sources.northflank {
        fetches.push(Box::pin(collect(
            Provider::Northflank,
            window,
            crate::northflank::fetch_cost_records(
                &source.client,
                source.team.as_deref(),
                start,
                end,
            ),
            progress,
        )));
    }
    #[cfg(feature = "phala")]
    if let Some(source) = &sources.phala {
        let client = &source.client;
        let records = futures::stream::iter(&source.app_ids)
            .flat_map(move |app_id| crate::phala::fetch_cost_records(client, app_id, start, end));
        fetches.push(Box::pin(collect(
            Provider::Phala,
            window,
            records,
            progress,
        )));
    }
    #[cfg(not(any(feature = "openai", feature = "northflank", feature = "phala")))]
    let _ = (start, end, progress, window);
    futures::future::join_all(fetches).await
}

/// The Northflank invoices of `source` whose period lies wholly inside `window`: the billed view
/// of the spend that [`fetch_all`] reads from usage. A result of its own, never one of
/// [`fetch_all`]'s, so that the two views of the same spend are never summed together. List
/// invoices has no time filter: every invoice is fetched, those outside the window counted in
/// [`ProviderCosts::outside_window`].
#[cfg(feature = "northflank")]
pub async fn fetch_northflank_invoices(source: &NorthflankSource, window: Window) -> ProviderCosts {
    let records = crate::northflank::fetch_invoice_records(&source.client, source.team.as_deref());
    collect(Provider::Northflank, window, records, &|_, _| {}).await
}

/// Every item of `records`: the records inside `window` ([`Window::holds`]) are kept, the others
/// counted, the errors kept, and the stream goes on (a stream of pages ends after its error; a
/// chain of streams, such as one per Phala app, goes on with the next). `progress` is called
/// after each record kept.
pub async fn collect<S>(
    provider: Provider,
    window: Window,
    records: S,
    progress: Progress<'_>,
) -> ProviderCosts
where
    S: Stream<Item = Result<CostRecord, Error>>,
{
    let mut costs = ProviderCosts {
        provider,
        records: Vec::new(),
        outside_window: 0,
        errors: Vec::new(),
    };
    let mut records = std::pin::pin!(records);
    while let Some(item) = records.next().await {
        match item {
            Ok(record) if window.holds(record.period_start, record.period_end) => {
                costs.records.push(record);
                progress(provider, costs.records.len());
            }
            Ok(_) => costs.outside_window += 1,
            Err(error) => costs.errors.push(error),
        }
    }
    costs
}

/// Totals keyed by something and the currency: amounts of different currencies never add up.
pub type Totals<K> = BTreeMap<(K, String), Decimal>;

/// The exact totals of `records` by `key` and currency.
pub fn totals_by<'r, K, I, F>(records: I, mut key: F) -> Result<Totals<K>, InexactSum>
where
    K: Ord,
    I: IntoIterator<Item = &'r CostRecord>,
    F: FnMut(&CostRecord) -> K,
{
    let mut totals = Totals::new();
    for record in records {
        let total = totals
            .entry((key(record), record.currency.clone()))
            .or_insert(Decimal::ZERO);
        *total = exact_add(*total, record.amount)?;
    }
    Ok(totals)
}

/// Totals per UTC day of `period_start`, per currency.
pub fn totals_by_day<'r>(
    records: impl IntoIterator<Item = &'r CostRecord>,
) -> Result<Totals<NaiveDate>, InexactSum> {
    totals_by(records, |record| record.period_start.date_naive())
}

/// Totals per provider, per currency.
pub fn totals_by_provider<'r>(
    records: impl IntoIterator<Item = &'r CostRecord>,
) -> Result<Totals<Provider>, InexactSum> {
    totals_by(records, |record| record.provider)
}

/// Totals per scope (which names its provider), per currency.
pub fn totals_by_scope<'r>(
    records: impl IntoIterator<Item = &'r CostRecord>,
) -> Result<Totals<Scope>, InexactSum> {
    totals_by(records, |record| record.scope.clone())
}

/// The grand total per currency.
pub fn totals_by_currency<'r>(
    records: impl IntoIterator<Item = &'r CostRecord>,
) -> Result<BTreeMap<String, Decimal>, InexactSum> {
    Ok(totals_by(records, |_| ())?
        .into_iter()
        .map(|(((), currency), total)| (currency, total))
        .collect())
}
