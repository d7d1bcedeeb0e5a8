//! [`CostRecord`]: one amount spent, its [`Window`] and what kind of view of spend it is.

use chrono::{DateTime, Datelike, Months, NaiveDate, TimeDelta, Utc};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::Scope;
use crate::Provider;

/// A time range `[start, end)`, UTC: the period of a record, and what a fetch asks for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
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

    /// The UTC calendar month `month` (1 to 12) of `year`; `None` when out of range.
    pub fn month(year: i32, month: u32) -> Option<Window> {
        let first = NaiveDate::from_ymd_opt(year, month, 1)?;
        let next = first.checked_add_months(Months::new(1))?;
        Window::new(
            first.and_hms_opt(0, 0, 0)?.and_utc(),
            next.and_hms_opt(0, 0, 0)?.and_utc(),
        )
    }

    /// The UTC calendar month before the one `now` falls in: last month, for `Utc::now()`.
    pub fn month_before(now: DateTime<Utc>) -> Option<Window> {
        let this_month = now.date_naive().with_day(1)?;
        let first = this_month.checked_sub_months(Months::new(1))?;
        Window::month(first.year(), first.month())
    }

    /// Whether `period` lies wholly inside the window: `self.start <= period.start`,
    /// `period.start <= period.end` and `period.end <= self.end`. A period across either edge is
    /// not inside.
    pub fn holds(&self, period: &Window) -> bool {
        self.start <= period.start && period.start <= period.end && period.end <= self.end
    }
}

/// Which view of spend a record belongs to. Records of different kinds describe the same money
/// twice over, so no total adds them together (the totals refuse: [`TotalsError::MixedKinds`]).
///
/// [`TotalsError::MixedKinds`]: super::TotalsError::MixedKinds
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum CostKind {
    /// Metered usage, each record a disjoint share of the spend: what the [`CostSource`]s of
    /// usage give, and what adds up across providers.
    ///
    /// [`CostSource`]: super::CostSource
    #[default]
    Usage,
    /// A node of a breakdown of usage that is also reported as a whole (a Northflank hour's
    /// drill-down under its hourly total): the nodes add up with each other, never with the
    /// usage they break down.
    Breakdown,
    /// A billed amount (an invoice): the spend that usage also covers, as charged.
    Invoice,
}

/// One amount spent, from any provider: what the cost view is made of.
///
/// `amount` is exact and in units of `currency` (never cents): each provider's converter turns
/// the provider's unit into currency units in one named place ([`crate::money::AmountUnit`]).
/// Zero amounts are records too: nothing a provider reported is dropped.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct CostRecord {
    /// Who charged it.
    pub provider: Provider,
    /// The period the amount covers, UTC, `[start, end)`.
    pub period: Window,
    /// The amount, exact, in units of `currency`.
    /// Serialized as a JSON string (`"0.013888"`), so that no digit is lost.
    pub amount: Decimal,
    /// ISO 4217 code, upper case (`USD`).
    pub currency: String,
    /// What the amount is for.
    pub scope: Scope,
    /// Which view of spend the record belongs to.
    #[serde(default)]
    pub kind: CostKind,
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;
    use crate::cost::ProviderCosts;

    fn utc(y: i32, m: u32, d: u32, h: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(y, m, d, h, 0, 0).unwrap()
    }

    #[test]
    fn a_month_is_its_whole_calendar_month() {
        let october = Window::month(2026, 10).unwrap();
        assert_eq!(
            (october.start, october.end),
            (utc(2026, 10, 1, 0), utc(2026, 11, 1, 0))
        );
        let december = Window::month(2026, 12).unwrap();
        assert_eq!(december.end, utc(2027, 1, 1, 0));
        let february = Window::month(2028, 2).unwrap();
        assert_eq!(february.end - february.start, TimeDelta::days(29));
        assert_eq!(Window::month(2026, 0), None);
        assert_eq!(Window::month(2026, 13), None);
    }

    #[test]
    fn the_month_before_crosses_years() {
        let last = Window::month_before(utc(2026, 11, 29, 18)).unwrap();
        assert_eq!(last, Window::month(2026, 10).unwrap());
        let last = Window::month_before(utc(2027, 1, 1, 0)).unwrap();
        assert_eq!(last, Window::month(2026, 12).unwrap());
    }

    #[test]
    fn records_of_an_incomplete_fetch_are_an_error() {
        let record = CostRecord {
            provider: Provider::Phala,
            period: Window::month(2026, 10).unwrap(),
            amount: Decimal::ONE,
            currency: "USD".into(),
            scope: Scope::new(),
            kind: CostKind::Usage,
        };
        let complete = ProviderCosts {
            provider: Provider::Phala,
            records: vec![record.clone()],
            outside_window: 0,
            errors: Vec::new(),
        };
        assert_eq!(complete.into_records().unwrap(), vec![record.clone()]);
        let incomplete = ProviderCosts {
            provider: Provider::Phala,
            records: vec![record],
            outside_window: 0,
            errors: vec![crate::Error::MissingCredentials {
                provider: Provider::Phala,
                variable: "PHALA_CLOUD_API_KEY",
            }],
        };
        let error = incomplete.into_records().unwrap_err();
        assert!(
            matches!(error, crate::Error::MissingCredentials { .. }),
            "{error:?}"
        );
    }
}
