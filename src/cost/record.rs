//! [`CostRecord`]: one amount spent, its [`Window`] and what kind of view of spend it is.

use chrono::{DateTime, Datelike, Months, NaiveDate, TimeDelta, Utc};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::{Dimension, Scope};
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
    /// A node of a breakdown of usage that is also reported whole (a Northflank hour's
    /// drill-down under that hour's PaaS and BYOC records): the nodes add up with each other,
    /// never with the usage they break down.
    Breakdown,
    /// A billed amount (an invoice): the spend that usage also covers, as charged.
    Invoice,
}

/// One amount spent, from any provider: what the cost view is made of.
///
/// `amount` is exact and in units of `currency` (never cents): each provider's converter turns
/// the provider's unit into currency units in one named place ([`crate::money::AmountUnit`]).
/// Zero amounts are records too: nothing a provider reported is dropped.
///
/// Beside the amount, a record keeps what the provider said about it and nothing more: the
/// quantity billed and its unit, a description of the charge, names beside the ids of the scope,
/// the billing account and a few provider details. Each is empty when the provider gives none
/// (or, for the billing account, until the source is told it). Build one with
/// [`CostRecord::new`] and the `with_*` methods:
///
/// ```
/// use chrono::{TimeZone, Utc};
/// use usage_bindings::cost::{BillingAccount, CostRecord, Dimension, Quantity, Scope, Window};
/// use usage_bindings::Provider;
///
/// let day = Utc.with_ymd_and_hms(2026, 11, 3, 0, 0, 0).unwrap();
/// let period = Window::new(day, day + chrono::TimeDelta::days(1)).unwrap();
/// let record = CostRecord::new(
///     Provider::OpenAi,
///     period,
///     "0.06".parse().unwrap(),
///     "USD",
///     Scope::new().with(Dimension::Project, "proj_1"),
/// )
/// .with_quantity(Quantity::new("40000".parse().unwrap(), "tokens"))
/// .with_description("gpt-4o, input")
/// .with_name(Dimension::Project, "Chat")
/// .with_billing_account(BillingAccount::new("org-1").with_name("Acme"));
/// assert_eq!(record.names.get(Dimension::Project), Some("Chat"));
/// ```
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[non_exhaustive]
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
    /// How much was billed, in the provider's unit, when the provider says.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quantity: Option<Quantity>,
    /// What was charged for, in the provider's words (`gpt-4o, input`, `PaaS usage`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Names beside the ids of `scope` (a team's name beside its id), those the provider gives.
    #[serde(default, skip_serializing_if = "Scope::is_empty")]
    pub names: Scope,
    /// The account billed, when known (some providers' cost rows carry none: their sources are
    /// told it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub billing_account: Option<BillingAccount>,
    /// Provider details that describe the charge but break nothing down.
    #[serde(default, skip_serializing_if = "Details::is_empty")]
    pub details: Details,
}

impl CostRecord {
    /// A [`CostKind::Usage`] record of `amount` in `currency` for `period`, with nothing beside
    /// it (no quantity, description, names, billing account or details).
    pub fn new(
        provider: Provider,
        period: Window,
        amount: Decimal,
        currency: impl Into<String>,
        scope: Scope,
    ) -> CostRecord {
        CostRecord {
            provider,
            period,
            amount,
            currency: currency.into(),
            scope,
            kind: CostKind::Usage,
            quantity: None,
            description: None,
            names: Scope::new(),
            billing_account: None,
            details: Details::default(),
        }
    }

    /// `self` of kind `kind`.
    pub fn with_kind(mut self, kind: CostKind) -> CostRecord {
        self.kind = kind;
        self
    }

    /// `self` with `quantity`.
    pub fn with_quantity(mut self, quantity: impl Into<Option<Quantity>>) -> CostRecord {
        self.quantity = quantity.into();
        self
    }

    /// `self` described as `description`.
    pub fn with_description(mut self, description: impl Into<String>) -> CostRecord {
        self.description = Some(description.into());
        self
    }

    /// `self` with `name` beside the id of `dimension` (see [`CostRecord::names`]).
    pub fn with_name(mut self, dimension: Dimension, name: impl Into<String>) -> CostRecord {
        self.names.set(dimension, name);
        self
    }

    /// `self` billed to `account`.
    pub fn with_billing_account(
        mut self,
        account: impl Into<Option<BillingAccount>>,
    ) -> CostRecord {
        self.billing_account = account.into();
        self
    }

    /// `self` with `details`.
    pub fn with_details(mut self, details: Details) -> CostRecord {
        self.details = details;
        self
    }
}

/// How much was billed, in the unit the provider names (`tokens`, `1000_tokens`,
/// `duration_minutes`, ...), as sent.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Quantity {
    /// The amount of `unit`, exact. Serialized as a JSON string.
    pub value: Decimal,
    /// The provider's name of the unit.
    pub unit: String,
}

impl Quantity {
    /// `value` of `unit`.
    pub fn new(value: Decimal, unit: impl Into<String>) -> Quantity {
        Quantity {
            value,
            unit: unit.into(),
        }
    }
}

/// The account a record is billed to: an organization, a team.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct BillingAccount {
    /// The provider's id of the account (`org-...`, a team id).
    pub id: String,
    /// Its name, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
}

impl BillingAccount {
    /// The account `id`, without a name.
    pub fn new(id: impl Into<String>) -> BillingAccount {
        BillingAccount {
            id: id.into(),
            name: None,
        }
    }

    /// `self` named `name`.
    pub fn with_name(mut self, name: impl Into<String>) -> BillingAccount {
        self.name = Some(name.into());
        self
    }
}

/// Provider details of a charge that are no [`Dimension`]: they describe the charge without
/// breaking the amount down further (a service tier, an event type). Ordered `(key, value)`
/// pairs, in the order the provider set them; the keys are the provider's own names in snake
/// case (`service_tier`), each at most once. Serialized as a JSON object in that order.
///
/// ```
/// use usage_bindings::cost::Details;
///
/// let details = Details::new()
///     .with("service_tier", Some("batch"))
///     .with("context_window", None::<&str>);
/// assert_eq!(details.get("service_tier"), Some("batch"));
/// assert_eq!(details.get("context_window"), None);
/// assert_eq!(details.iter().count(), 1);
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Details(Vec<(String, String)>);

impl Details {
    /// No detail.
    pub fn new() -> Details {
        Details::default()
    }

    /// `self` with `key` set to `value`, replacing an earlier value of `key`; `None` leaves
    /// `self` as it is, so that what a provider did not send is simply absent.
    pub fn with(mut self, key: impl Into<String>, value: Option<impl Into<String>>) -> Details {
        if let Some(value) = value {
            let key = key.into();
            let value = value.into();
            match self.0.iter_mut().find(|(k, _)| *k == key) {
                Some(pair) => pair.1 = value,
                None => self.0.push((key, value)),
            }
        }
        self
    }

    /// The value of `key`, if set.
    pub fn get(&self, key: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, value)| value.as_str())
    }

    /// The `(key, value)` pairs, in order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.0.iter().map(|(k, v)| (k.as_str(), v.as_str()))
    }

    /// Whether no detail is set.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl Serialize for Details {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = serializer.serialize_map(Some(self.0.len()))?;
        for (key, value) in &self.0 {
            map.serialize_entry(key, value)?;
        }
        map.end()
    }
}

impl<'de> Deserialize<'de> for Details {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Pairs;
        impl<'de> serde::de::Visitor<'de> for Pairs {
            type Value = Details;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("an object of string values")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<Details, A::Error> {
                let mut details = Details::new();
                while let Some((key, value)) = map.next_entry::<String, String>()? {
                    if details.get(&key).is_some() {
                        return Err(serde::de::Error::custom(format_args!(
                            "duplicate detail `{key}`"
                        )));
                    }
                    details = details.with(key, Some(value));
                }
                Ok(details)
            }
        }
        deserializer.deserialize_map(Pairs)
    }
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
        let record = CostRecord::new(
            Provider::ALL[0],
            Window::month(2026, 10).unwrap(),
            Decimal::ONE,
            "USD",
            Scope::new(),
        );
        let complete = ProviderCosts {
            provider: Provider::ALL[0],
            records: vec![record.clone()],
            outside_window: 0,
            errors: Vec::new(),
        };
        assert_eq!(complete.into_records().unwrap(), vec![record.clone()]);
        let incomplete = ProviderCosts {
            provider: Provider::ALL[0],
            records: vec![record],
            outside_window: 0,
            errors: vec![crate::Error::MissingCredentials {
                provider: Provider::ALL[0],
                variable: "A_KEY",
            }],
        };
        let error = incomplete.into_records().unwrap_err();
        assert!(
            matches!(error, crate::Error::MissingCredentials { .. }),
            "{error:?}"
        );
    }
}
