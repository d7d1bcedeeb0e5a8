//! Cost records as a [FOCUS 1.0](https://focus.finops.org) export: one row per record, written
//! as CSV by [`write_csv`].
//!
//! # Rows
//!
//! [`row`] maps one [`CostKind::Usage`] record to one row; the export takes the finest-grained
//! usage records the sources give (a Northflank hour is a PaaS and a BYOC record, never their
//! total beside them), so the `BilledCost` of the rows adds up to what the provider bills for
//! the window. Records of another kind (invoices, breakdowns) describe spend that usage already
//! covers and are refused ([`FocusError::NotUsage`]).
//!
//! A column is empty when the record does not know its value: nothing is invented.
//!
//! | FOCUS column | value |
//! |---|---|
//! | `BilledCost`, `EffectiveCost`, `ListCost`, `ContractedCost` | the amount: no provider publishes a list or contracted price apart from what it bills, so the four are equal |
//! | `BillingCurrency` | the currency, upper case |
//! | `ChargePeriodStart` / `ChargePeriodEnd` | the record's period |
//! | `BillingPeriodStart` / `BillingPeriodEnd` | the UTC calendar month of `ChargePeriodStart` |
//! | `BillingAccountId` / `BillingAccountName` | [`CostRecord::billing_account`]; a record without one is an error ([`FocusError::MissingBillingAccount`]) |
//! | `ChargeCategory`, `ChargeClass`, `ChargeFrequency`, `PricingCategory` | `Usage`, empty, `Usage-Based`, `Standard` |
//! | `ChargeDescription` | [`CostRecord::description`] |
//! | `ProviderName` = `PublisherName` = `InvoiceIssuerName` | the provider's [`FocusFacts::name`](super::FocusFacts::name) (`OpenAI`, `Phala`, ...) |
//! | `ServiceName` | [`FocusFacts::service`](super::FocusFacts::service), or the service of the record's billing part (`Northflank PaaS`) |
//! | `ServiceCategory` | [`FocusFacts::service_category`](super::FocusFacts::service_category) (`AI and Machine Learning`, `Compute`) |
//! | `SubAccountId` / `SubAccountName` | the value of the provider's [`FocusFacts::sub_account`](super::FocusFacts::sub_account) dimension (a project, team, app, workspace), and its name from [`CostRecord::names`] |
//! | `ResourceId` / `ResourceName` / `ResourceType` | by the provider's [`ResourceRule`]: a qualified resource path, an instance of a fixed type, or the resource as it is; else empty |
//! | `PricingQuantity` = `ConsumedQuantity`, `PricingUnit` = `ConsumedUnit` | [`CostRecord::quantity`] in a FOCUS unit: `tokens` → `Tokens`, `1000_tokens` → `1000 Tokens`, `duration_seconds` / `duration_minutes` / `duration_hours` → `Seconds` / `Minutes` / `Hours`, `gibibyte_hours` → `GiB-Hours`, `images` → `Images`, `characters` → `Characters`; a unit not in this list leaves the four columns empty (its FOCUS spelling is unknown) |
//! | `ListUnitPrice`, `ContractedUnitPrice`, `SkuId`, `SkuPriceId`, `RegionId`, `RegionName`, `AvailabilityZone`, `CommitmentDiscount*`, `Tags` | empty: these APIs publish no unit prices, SKUs, regions, commitments or tags |
//!
//! Then the `x_` columns, the same for every file whatever the data: [`DIMENSION_COLUMNS`], one
//! per [`Dimension`] that no FOCUS column holds and the names beside the project and team ids
//! (`x_ProjectId`, `x_ProjectName`, `x_LineItem`, ...; `Resource` and `ResourceType` are FOCUS
//! columns), then one per [`Details`](super::Details) key that a provider declares in its
//! [`FocusFacts::detail_columns`](super::FocusFacts::detail_columns) (`x_ServiceTier`,
//! `x_EventType`, ...), in registry order.
//!
//! # Text
//!
//! Decimals are written exactly, always with a decimal point (`40000.0`, `0.06`): a column whose
//! every value looks integral reads as integers in common CSV readers. Dates are
//! `YYYY-MM-DDTHH:MM:SSZ`. Ids are written as the record has them; the sources prefix ids that
//! are all digits (Phala's team: `phala-team-42`) so that they read as strings.
//!
//! ```
//! use chrono::{TimeZone, Utc};
//! use usage_bindings::cost::{focus, BillingAccount, CostRecord, Dimension, Scope, Window};
//! use usage_bindings::Provider;
//!
//! let day = Utc.with_ymd_and_hms(2026, 11, 3, 0, 0, 0).unwrap();
//! let period = Window::new(day, day + chrono::TimeDelta::days(1)).unwrap();
//! let record = CostRecord::new(
//!     Provider::OpenAi,
//!     period,
//!     "2".parse().unwrap(),
//!     "usd",
//!     Scope::new().with(Dimension::Project, "proj_1"),
//! )
//! .with_billing_account(BillingAccount::new("org-1"));
//! let row = focus::row(&record)?;
//! assert_eq!(row.get("BilledCost"), Some("2.0"));
//! assert_eq!(row.get("BillingCurrency"), Some("USD"));
//! assert_eq!(row.get("BillingPeriodStart"), Some("2026-11-01T00:00:00Z"));
//! assert_eq!(row.get("SubAccountId"), Some("proj_1"));
//! assert_eq!(row.get("PricingUnit"), None);
//!
//! let mut csv = Vec::new();
//! assert_eq!(focus::write_csv(&[record], &mut csv)?, 1);
//! assert!(csv.starts_with(b"AvailabilityZone,BilledCost,BillingAccountId,"));
//! # Ok::<(), focus::FocusError>(())
//! ```

use std::io;

use chrono::{DateTime, Datelike, Months, NaiveDate, SecondsFormat, Utc};
use rust_decimal::Decimal;

use super::ResourceRule;
use super::{CostKind, CostRecord, Dimension};
use crate::Provider;

/// The 43 FOCUS 1.0 columns, in the order written (alphabetical).
pub const COLUMNS: [&str; 43] = [
    "AvailabilityZone",
    "BilledCost",
    "BillingAccountId",
    "BillingAccountName",
    "BillingCurrency",
    "BillingPeriodEnd",
    "BillingPeriodStart",
    "ChargeCategory",
    "ChargeClass",
    "ChargeDescription",
    "ChargeFrequency",
    "ChargePeriodEnd",
    "ChargePeriodStart",
    "CommitmentDiscountCategory",
    "CommitmentDiscountId",
    "CommitmentDiscountName",
    "CommitmentDiscountStatus",
    "CommitmentDiscountType",
    "ConsumedQuantity",
    "ConsumedUnit",
    "ContractedCost",
    "ContractedUnitPrice",
    "EffectiveCost",
    "InvoiceIssuerName",
    "ListCost",
    "ListUnitPrice",
    "PricingCategory",
    "PricingQuantity",
    "PricingUnit",
    "ProviderName",
    "PublisherName",
    "RegionId",
    "RegionName",
    "ResourceId",
    "ResourceName",
    "ResourceType",
    "ServiceCategory",
    "ServiceName",
    "SkuId",
    "SkuPriceId",
    "SubAccountId",
    "SubAccountName",
    "Tags",
];

/// The custom columns written after [`COLUMNS`] for the dimensions no FOCUS column holds, and
/// the names beside project and team ids (see the module docs).
pub const DIMENSION_COLUMNS: [&str; 15] = [
    "x_ProjectId",
    "x_ProjectName",
    "x_LineItem",
    "x_ApiKeyId",
    "x_TeamId",
    "x_TeamName",
    "x_AppId",
    "x_InstanceId",
    "x_UsageType",
    "x_WorkspaceId",
    "x_InvoiceId",
    "x_BillingPart",
    "x_Model",
    "x_CostType",
    "x_TokenType",
];

/// The custom columns of the providers' [`Details`](super::Details), in registry order: the
/// `(detail key, column)` pairs of every provider built into the crate.
fn detail_columns() -> impl Iterator<Item = (&'static str, &'static str)> {
    Provider::ALL
        .iter()
        .filter_map(|provider| provider.descriptor())
        .flat_map(|descriptor| descriptor.focus.detail_columns.iter().copied())
}

/// Every column of a file: [`COLUMNS`], [`DIMENSION_COLUMNS`], then one per detail the
/// providers built into the crate declare (`x_ServiceTier`, ...). The same for every file.
pub fn header() -> impl Iterator<Item = &'static str> {
    COLUMNS
        .iter()
        .chain(DIMENSION_COLUMNS.iter())
        .copied()
        .chain(detail_columns().map(|(_, column)| column))
}

/// Why records cannot be exported.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum FocusError {
    /// A record that is not usage: invoices and breakdowns describe spend that usage already
    /// covers, and the export holds usage only.
    #[error(
        "a {provider} record of kind {kind:?} cannot be exported: the FOCUS export holds usage \
         records only (invoices and breakdowns describe the same spend again)"
    )]
    NotUsage {
        /// Whose record.
        provider: Provider,
        /// Its kind.
        kind: CostKind,
    },
    /// A record without billing account, which FOCUS requires on every row.
    #[error("a {provider} record has no billing account, which FOCUS requires: {how}")]
    MissingBillingAccount {
        /// Whose record.
        provider: Provider,
        /// How to set it.
        how: &'static str,
    },
    /// A currency that is not three ASCII letters.
    #[error("a {provider} record's currency `{currency}` is not an ISO 4217 code")]
    InvalidCurrency {
        /// Whose record.
        provider: Provider,
        /// The currency, at most 16 characters of it.
        currency: String,
    },
    /// A record of a provider the crate was built without (its cargo feature off).
    #[error("a {provider} record cannot be exported: the crate was built without its feature")]
    ProviderNotBuilt {
        /// Whose record.
        provider: Provider,
    },
    /// No record to export: a file with a header and no row is not a valid export.
    #[error("no record to export: a FOCUS file needs at least one row")]
    Empty,
    /// Writing the CSV failed.
    #[error("writing the FOCUS CSV failed: {0}")]
    Csv(#[from] csv::Error),
    /// Writing failed.
    #[error("writing the FOCUS CSV failed: {0}")]
    Io(#[from] io::Error),
}

/// One FOCUS row: a value or nothing for each column of [`header`], in order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FocusRow {
    values: Vec<Option<String>>,
}

impl FocusRow {
    /// The values, in the order of [`header`]; `None` is an empty field.
    pub fn values(&self) -> &[Option<String>] {
        &self.values
    }

    /// The value of `column` (a name of [`header`]); `None` when empty or not a column.
    pub fn get(&self, column: &str) -> Option<&str> {
        header()
            .position(|name| name == column)
            .and_then(|index| self.values.get(index)?.as_deref())
    }
}

/// The FOCUS row of `record` (see the module docs).
pub fn row(record: &CostRecord) -> Result<FocusRow, FocusError> {
    let provider = record.provider;
    if record.kind != CostKind::Usage {
        return Err(FocusError::NotUsage {
            provider,
            kind: record.kind,
        });
    }
    let facts = &provider
        .descriptor()
        .ok_or(FocusError::ProviderNotBuilt { provider })?
        .focus;
    let account = record
        .billing_account
        .as_ref()
        .filter(|account| !account.id.trim().is_empty())
        .ok_or(FocusError::MissingBillingAccount {
            provider,
            how: facts.account_hint,
        })?;
    let currency = record.currency.trim().to_ascii_uppercase();
    if currency.len() != 3 || !currency.bytes().all(|byte| byte.is_ascii_uppercase()) {
        return Err(FocusError::InvalidCurrency {
            provider,
            currency: record.currency.chars().take(16).collect(),
        });
    }
    let scope = &record.scope;
    let get = |dimension| scope.get(dimension).map(str::to_string);
    let name = |dimension| record.names.get(dimension).map(str::to_string);
    let amount = Some(decimal(record.amount));
    let (quantity, unit) = match &record.quantity {
        Some(quantity) => match focus_unit(&quantity.unit) {
            Some(unit) => (Some(decimal(quantity.value)), Some(unit.to_string())),
            None => (None, None),
        },
        None => (None, None),
    };
    let billing_period = month_of(record.period.start);
    let sub_account = facts.sub_account;
    let (resource_id, resource_name) = match facts.resource {
        ResourceRule::Path(parts) => (
            scope.get(Dimension::Resource).map(|_| {
                parts
                    .iter()
                    .filter_map(|dimension| scope.get(*dimension))
                    .collect::<Vec<_>>()
                    .join("/")
            }),
            name(Dimension::Resource),
        ),
        ResourceRule::Instance(_) => (get(Dimension::Instance), name(Dimension::Instance)),
        _ => (get(Dimension::Resource), name(Dimension::Resource)),
    };
    let resource_type = match facts.resource {
        ResourceRule::Instance(kind) => scope.get(Dimension::Instance).map(|_| kind.to_string()),
        _ => get(Dimension::ResourceType),
    };
    let (provider_name, service_category) = (facts.name, facts.service_category);
    let service_name = scope
        .get(Dimension::BillingPart)
        .and_then(|part| {
            facts
                .services_by_part
                .iter()
                .find(|(name, _)| *name == part)
        })
        .map_or(facts.service, |(_, service)| *service);
    let text = |value: &str| Some(value.to_string());
    let mut values = vec![
        None,                                         // AvailabilityZone
        amount.clone(),                               // BilledCost
        Some(account.id.clone()),                     // BillingAccountId
        account.name.clone(),                         // BillingAccountName
        Some(currency),                               // BillingCurrency
        billing_period.map(|(_, end)| date(end)),     // BillingPeriodEnd
        billing_period.map(|(start, _)| date(start)), // BillingPeriodStart
        text("Usage"),                                // ChargeCategory
        None,                                         // ChargeClass
        record.description.clone(),                   // ChargeDescription
        text("Usage-Based"),                          // ChargeFrequency
        Some(date(record.period.end)),                // ChargePeriodEnd
        Some(date(record.period.start)),              // ChargePeriodStart
        None,                                         // CommitmentDiscountCategory
        None,                                         // CommitmentDiscountId
        None,                                         // CommitmentDiscountName
        None,                                         // CommitmentDiscountStatus
        None,                                         // CommitmentDiscountType
        quantity.clone(),                             // ConsumedQuantity
        unit.clone(),                                 // ConsumedUnit
        amount.clone(),                               // ContractedCost
        None,                                         // ContractedUnitPrice
        amount.clone(),                               // EffectiveCost
        text(provider_name),                          // InvoiceIssuerName
        amount,                                       // ListCost
        None,                                         // ListUnitPrice
        text("Standard"),                             // PricingCategory
        quantity,                                     // PricingQuantity
        unit,                                         // PricingUnit
        text(provider_name),                          // ProviderName
        text(provider_name),                          // PublisherName
        None,                                         // RegionId
        None,                                         // RegionName
        resource_id,                                  // ResourceId
        resource_name,                                // ResourceName
        resource_type,                                // ResourceType
        text(service_category),                       // ServiceCategory
        text(service_name),                           // ServiceName
        None,                                         // SkuId
        None,                                         // SkuPriceId
        get(sub_account),                             // SubAccountId
        name(sub_account),                            // SubAccountName
        None,                                         // Tags
        get(Dimension::Project),                      // x_ProjectId
        name(Dimension::Project),                     // x_ProjectName
        get(Dimension::LineItem),                     // x_LineItem
        get(Dimension::ApiKey),                       // x_ApiKeyId
        get(Dimension::Team),                         // x_TeamId
        name(Dimension::Team),                        // x_TeamName
        get(Dimension::App),                          // x_AppId
        get(Dimension::Instance),                     // x_InstanceId
        get(Dimension::UsageType),                    // x_UsageType
        get(Dimension::Workspace),                    // x_WorkspaceId
        get(Dimension::Invoice),                      // x_InvoiceId
        get(Dimension::BillingPart),                  // x_BillingPart
        get(Dimension::Model),                        // x_Model
        get(Dimension::CostType),                     // x_CostType
        get(Dimension::TokenType),                    // x_TokenType
    ];
    values.extend(detail_columns().map(|(key, _)| record.details.get(key).map(str::to_string)));
    debug_assert_eq!(values.len(), header().count());
    Ok(FocusRow { values })
}

/// Writes the FOCUS CSV of `records` to `out`: the [`header`], then one row per record, in
/// order. Every row is built before anything is written, so a record that cannot be exported
/// leaves `out` untouched. Returns the number of rows.
pub fn write_csv<W: io::Write>(records: &[CostRecord], out: W) -> Result<usize, FocusError> {
    if records.is_empty() {
        return Err(FocusError::Empty);
    }
    let rows = records.iter().map(row).collect::<Result<Vec<_>, _>>()?;
    let mut writer = csv::Writer::from_writer(out);
    writer.write_record(header())?;
    for row in &rows {
        writer.write_record(
            row.values
                .iter()
                .map(|value| value.as_deref().unwrap_or("")),
        )?;
    }
    writer.flush()?;
    Ok(rows.len())
}

/// The FOCUS unit of a provider's unit, when known.
fn focus_unit(unit: &str) -> Option<&'static str> {
    Some(match unit.trim() {
        "tokens" => "Tokens",
        "1000_tokens" => "1000 Tokens",
        "duration_seconds" => "Seconds",
        "duration_minutes" => "Minutes",
        "duration_hours" => "Hours",
        "gibibyte_hours" => "GiB-Hours",
        "images" => "Images",
        "characters" => "Characters",
        _ => return None,
    })
}

/// The exact decimal text, with a decimal point even when the value is integral.
fn decimal(value: Decimal) -> String {
    let text = value.to_string();
    if text.contains('.') {
        text
    } else {
        text + ".0"
    }
}

/// `YYYY-MM-DDTHH:MM:SSZ`.
fn date(time: DateTime<Utc>) -> String {
    time.to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// The UTC calendar month of `time`, `[first day, first day of the next month)`.
fn month_of(time: DateTime<Utc>) -> Option<(DateTime<Utc>, DateTime<Utc>)> {
    let first = NaiveDate::from_ymd_opt(time.year(), time.month(), 1)?;
    let next = first.checked_add_months(Months::new(1))?;
    Some((
        first.and_hms_opt(0, 0, 0)?.and_utc(),
        next.and_hms_opt(0, 0, 0)?.and_utc(),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimals_always_have_a_point_and_keep_their_digits() {
        for (value, text) in [
            ("40000", "40000.0"),
            ("0", "0.0"),
            ("-3", "-3.0"),
            ("0.060", "0.060"),
            ("1.2378912", "1.2378912"),
            ("0.0000001", "0.0000001"),
        ] {
            assert_eq!(decimal(value.parse().unwrap()), text);
        }
    }

    #[test]
    fn the_billing_period_is_the_calendar_month() {
        let time = "2026-12-31T23:00:00Z".parse().unwrap();
        let (start, end) = month_of(time).unwrap();
        assert_eq!(date(start), "2026-12-01T00:00:00Z");
        assert_eq!(date(end), "2027-01-01T00:00:00Z");
    }

    #[test]
    fn the_header_has_the_focus_columns_then_the_custom_ones() {
        let header: Vec<&str> = header().collect();
        let details = detail_columns().count();
        assert_eq!(header.len(), 43 + 15 + details);
        let mut sorted = COLUMNS.to_vec();
        sorted.sort_unstable();
        assert_eq!(sorted, COLUMNS);
        let mut unique = header.clone();
        unique.sort_unstable();
        unique.dedup();
        assert_eq!(unique.len(), header.len(), "a column twice");
        for &column in &header[COLUMNS.len()..] {
            let rest = column.strip_prefix("x_").unwrap();
            assert!(
                rest.starts_with(|c: char| c.is_ascii_uppercase()),
                "{column}"
            );
        }
    }

    #[test]
    fn every_known_unit_is_a_focus_unit() {
        assert_eq!(focus_unit("1000_tokens"), Some("1000 Tokens"));
        assert_eq!(focus_unit("gibibyte_hours"), Some("GiB-Hours"));
        assert_eq!(focus_unit("furlongs"), None);
    }
}
