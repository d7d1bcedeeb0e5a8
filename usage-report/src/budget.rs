//! `usage-report budget`: a month's spend to date from the store, per provider and in total
//! (exact), a linear forecast to the month's end, and whether the total is over a limit.

use std::collections::BTreeMap;

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use rust_decimal::Decimal;
use serde::Serialize;
use usage_bindings::cost::{self, Window};
use usage_bindings::Provider;

use crate::store::{Store, StoreError};

/// The exit status of a month over its limit.
pub const OVER_LIMIT: u8 = 3;

/// One provider's month to date.
#[derive(Clone, Debug, Serialize)]
pub struct ProviderSpend {
    /// The provider.
    pub provider: Provider,
    /// Its spend in the budget's currency, exact, as text.
    #[serde(serialize_with = "as_string")]
    pub amount: Decimal,
    /// Its records counted.
    pub records: usize,
    /// Its spend in other currencies, never added to the total.
    #[serde(serialize_with = "map_as_strings")]
    pub other_currencies: BTreeMap<String, Decimal>,
    /// Whether the store covers the month from its first day to the point counted through.
    pub complete: bool,
    /// Why not, when not.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub problem: Option<String>,
}

/// A month's budget check.
#[derive(Clone, Debug, Serialize)]
pub struct Budget {
    /// `YYYY-MM`.
    pub month: String,
    /// The currency summed.
    pub currency: String,
    /// The limit, exact.
    #[serde(serialize_with = "as_string")]
    pub limit: Decimal,
    /// The end of what is counted: the earliest synced point of the providers, within the month.
    pub through: DateTime<Utc>,
    /// Per provider, in registry order.
    pub providers: Vec<ProviderSpend>,
    /// The month to date, exact.
    #[serde(serialize_with = "as_string")]
    pub total: Decimal,
    /// The total carried to the month's end at the rate of the days counted, to the cent.
    #[serde(serialize_with = "crate::report::option_as_string")]
    pub forecast: Option<Decimal>,
    /// Whether the month to date is over the limit.
    pub over: bool,
    /// Whether every provider's store covers the month to the point counted.
    pub complete: bool,
}

fn as_string<S: serde::Serializer>(value: &Decimal, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.collect_str(value)
}

fn map_as_strings<S: serde::Serializer>(
    values: &BTreeMap<String, Decimal>,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    serializer.collect_map(values.iter().map(|(k, v)| (k, v.to_string())))
}

/// Parses `YYYY-MM`.
pub fn parse_month(text: &str) -> Result<Window, String> {
    let bad = || format!("--month {text}: expected YYYY-MM");
    let (year, month) = text.trim().split_once('-').ok_or_else(bad)?;
    let year: i32 = year.parse().map_err(|_| bad())?;
    let month: u32 = month.parse().map_err(|_| bad())?;
    Window::month(year, month).ok_or_else(bad)
}

/// The month `now` falls in.
pub fn this_month(now: DateTime<Utc>) -> Option<Window> {
    Window::month(now.year(), now.month())
}

/// Checks `month` against `limit` in `currency`, from the stored usage of `providers` (every
/// provider the store synced when empty). Every provider is counted up to the same point, the
/// earliest synced point of them all within the month (`through`): the month to date is the sum
/// of the records inside `[month start, through)`, and the forecast carries it on at that rate.
pub async fn check(
    store: &Store,
    month: Window,
    limit: Decimal,
    currency: &str,
    providers: &[Provider],
) -> Result<Budget, StoreError> {
    let synced: Vec<_> = store
        .synced_ranges()
        .await?
        .into_iter()
        .filter(|synced| synced.source == crate::sync::USAGE)
        .filter(|synced| providers.is_empty() || providers.contains(&synced.provider))
        .collect();
    if synced.is_empty() {
        return Err(StoreError::new(format!(
            "the store {} holds no synced provider{}: run `usage-report sync` first",
            store.url(),
            if providers.is_empty() {
                ""
            } else {
                " of those named"
            }
        )));
    }
    let through = synced
        .iter()
        .map(|synced| synced.range.end.clamp(month.start, month.end))
        .min()
        .unwrap_or(month.start);
    let mut spends = Vec::new();
    let mut total = Decimal::ZERO;
    let mut complete = true;
    let not_exact = |what: String| StoreError::new(format!("{what}: the sum is not exact"));
    for wanted in providers
        .iter()
        .filter(|p| !synced.iter().any(|s| s.provider == **p))
    {
        complete = false;
        spends.push(ProviderSpend {
            provider: *wanted,
            amount: Decimal::ZERO,
            records: 0,
            other_currencies: BTreeMap::new(),
            complete: false,
            problem: Some(format!("never synced into {}", store.url())),
        });
    }
    for range in &synced {
        // Up to the same point for every provider, so that the forecast's rate is one rate.
        let records = match Window::new(month.start, through) {
            Some(counted) => {
                store
                    .records(range.provider, &range.source, counted)
                    .await?
            }
            None => Vec::new(),
        };
        let totals = cost::totals_by_currency(&records)
            .map_err(|error| StoreError::new(format!("{}: {error}", range.provider)))?;
        let mut other_currencies = totals;
        let amount = other_currencies.remove(currency).unwrap_or(Decimal::ZERO);
        total = total
            .checked_add(amount)
            .ok_or_else(|| not_exact(format!("{} month to date", range.provider)))?;
        let problem = if range.range.start > month.start {
            Some(format!(
                "the store holds it from {} only",
                range.range.start.format("%Y-%m-%d %H:%M")
            ))
        } else if range.range.end <= month.start {
            Some(format!(
                "the store holds it until {} only",
                range.range.end.format("%Y-%m-%d %H:%M")
            ))
        } else {
            None
        };
        complete &= problem.is_none();
        spends.push(ProviderSpend {
            provider: range.provider,
            amount,
            records: records.len(),
            other_currencies,
            complete: problem.is_none(),
            problem,
        });
    }
    spends.sort_by_key(|spend| Provider::ALL.iter().position(|p| *p == spend.provider));
    let counted = (through - month.start).num_seconds();
    let whole = (month.end - month.start).num_seconds();
    let forecast = (counted > 0)
        .then(|| {
            total
                .checked_mul(Decimal::from(whole))?
                .checked_div(Decimal::from(counted))
                .map(|forecast| forecast.round_dp(2))
        })
        .flatten();
    Ok(Budget {
        month: month.start.format("%Y-%m").to_string(),
        currency: currency.to_string(),
        limit,
        through,
        providers: spends,
        total,
        forecast,
        over: total > limit,
        complete,
    })
}

impl Budget {
    /// The check as text for people.
    pub fn render(&self) -> String {
        let mut text = format!(
            "Budget {} (UTC) through {}: limit {} {}\n",
            self.month,
            self.through.format("%Y-%m-%d %H:%M"),
            self.limit,
            self.currency
        );
        let width = self
            .providers
            .iter()
            .map(|spend| spend.provider.to_string().len())
            .max()
            .unwrap_or(0)
            .max("Forecast".len());
        for spend in &self.providers {
            text.push_str(&format!(
                "  {:<width$}  {} {} ({} records){}\n",
                spend.provider.to_string(),
                spend.amount,
                self.currency,
                spend.records,
                match &spend.problem {
                    Some(problem) => format!(" INCOMPLETE: {problem}"),
                    None => String::new(),
                }
            ));
        }
        text.push_str(&format!(
            "  {:<width$}  {} {}\n",
            "Total", self.total, self.currency
        ));
        if let Some(forecast) = self.forecast {
            text.push_str(&format!(
                "  {:<width$}  {} {} (linear, to {})\n",
                "Forecast",
                forecast,
                self.currency,
                last_day(&self.month).unwrap_or_default()
            ));
        }
        for spend in &self.providers {
            for (currency, amount) in &spend.other_currencies {
                text.push_str(&format!(
                    "  {} also spent {amount} {currency} (not in the {} total)\n",
                    spend.provider, self.currency
                ));
            }
        }
        let gap = |a: Decimal, b: Decimal| {
            a.checked_sub(b)
                .map(|gap| gap.to_string())
                .unwrap_or_default()
        };
        text.push_str(&if self.over {
            format!(
                "OVER the limit by {} {}\n",
                gap(self.total, self.limit),
                self.currency
            )
        } else {
            format!(
                "Under the limit: {} {} left\n",
                gap(self.limit, self.total),
                self.currency
            )
        });
        text
    }
}

fn last_day(month: &str) -> Option<NaiveDate> {
    let window = parse_month(month).ok()?;
    window.end.date_naive().pred_opt()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn months_parse() {
        let month = parse_month("2026-02").unwrap();
        assert_eq!(month, Window::month(2026, 2).unwrap());
        assert!(parse_month("2026-13").is_err());
        assert!(parse_month("2026").is_err());
        assert_eq!(last_day("2028-02"), NaiveDate::from_ymd_opt(2028, 2, 29));
    }
}
