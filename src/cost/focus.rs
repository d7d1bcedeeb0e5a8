//! Cost records as a [FOCUS](https://focus.finops.org) 1.2 or 1.0 export ([`Version`]): one row
//! per record, written as CSV by [`write_csv_of`] (1.0: [`write_csv`]), or handed to a writer of
//! typed files as [`FocusRow`]s ([`rows_of`], [`column_type`]).
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
//! FOCUS 1.2 ([`COLUMNS_1_2`]) has the same values in the 1.0 columns, but for these:
//!
//! | FOCUS 1.2 column | value |
//! |---|---|
//! | `ServiceSubcategory` | [`FocusFacts::service_subcategory`](super::FocusFacts::service_subcategory) (`Generative AI`, `Containers`, `Virtual Machines`) |
//! | `BillingAccountType` | [`FocusFacts::billing_account_type`](super::FocusFacts::billing_account_type) |
//! | `SubAccountType` | [`FocusFacts::sub_account_type`](super::FocusFacts::sub_account_type) on a row with a `SubAccountId`, else empty |
//! | `InvoiceId` | the invoice that bills the record ([`invoice_of`]) among the invoices given (what [`CostSource::invoices`](super::CostSource::invoices) reads), else empty: never an invented id |
//! | `PricingCurrency`, `PricingCurrencyEffectiveCost` | the billing currency and the amount: the providers price in the currency they bill |
//! | `SkuId` / `SkuMeter` | by the provider's [`SkuRule`](super::SkuRule): the values of the dimensions that name what was consumed (a line item, a model and token type), and the one that names the meter; else empty |
//! | `PricingQuantity` / `PricingUnit` | tokens (`tokens`, `1000_tokens`) are consumed in `Tokens` and priced in `1000000 Tokens`, as price lists quote them (the quantity divided exactly); other units as consumed |
//! | `PricingCurrencyListUnitPrice`, `PricingCurrencyContractedUnitPrice`, `SkuPriceDetails`, `CapacityReservation*`, `CommitmentDiscountQuantity` / `Unit` | empty: no unit prices, price ids (which `SkuPriceDetails` needs), reservations or commitments |
//!
//! Then, in both versions, the `x_` columns, the same for every file whatever the data:
//! [`DIMENSION_COLUMNS`], one per [`Dimension`] that no FOCUS column holds and the names beside
//! the project and team ids (`x_ProjectId`, `x_ProjectName`, `x_LineItem`, ...; `Resource` and
//! `ResourceType` are FOCUS columns), then one per [`Details`](super::Details) key that a provider declares in its
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
use super::{CostKind, CostRecord, Dimension, Quantity};
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

/// The 57 FOCUS 1.2 columns, in the order written (alphabetical): the 43 of [`COLUMNS`], the
/// seven of FOCUS 1.1 and the seven of FOCUS 1.2.
pub const COLUMNS_1_2: [&str; 57] = [
    "AvailabilityZone",
    "BilledCost",
    "BillingAccountId",
    "BillingAccountName",
    "BillingAccountType",
    "BillingCurrency",
    "BillingPeriodEnd",
    "BillingPeriodStart",
    "CapacityReservationId",
    "CapacityReservationStatus",
    "ChargeCategory",
    "ChargeClass",
    "ChargeDescription",
    "ChargeFrequency",
    "ChargePeriodEnd",
    "ChargePeriodStart",
    "CommitmentDiscountCategory",
    "CommitmentDiscountId",
    "CommitmentDiscountName",
    "CommitmentDiscountQuantity",
    "CommitmentDiscountStatus",
    "CommitmentDiscountType",
    "CommitmentDiscountUnit",
    "ConsumedQuantity",
    "ConsumedUnit",
    "ContractedCost",
    "ContractedUnitPrice",
    "EffectiveCost",
    "InvoiceId",
    "InvoiceIssuerName",
    "ListCost",
    "ListUnitPrice",
    "PricingCategory",
    "PricingCurrency",
    "PricingCurrencyContractedUnitPrice",
    "PricingCurrencyEffectiveCost",
    "PricingCurrencyListUnitPrice",
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
    "ServiceSubcategory",
    "SkuId",
    "SkuMeter",
    "SkuPriceDetails",
    "SkuPriceId",
    "SubAccountId",
    "SubAccountName",
    "SubAccountType",
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

/// Every column of a FOCUS 1.0 file: [`header_of`] [`Version::V1_0`].
pub fn header() -> impl Iterator<Item = &'static str> {
    header_of(Version::V1_0)
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

/// The FOCUS version a file follows.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Version {
    /// FOCUS 1.0: the 43 [`COLUMNS`].
    V1_0,
    /// FOCUS 1.2: the 57 [`COLUMNS_1_2`].
    V1_2,
}

impl Version {
    /// Its FOCUS columns, in the order written (alphabetical).
    pub fn columns(self) -> &'static [&'static str] {
        match self {
            Version::V1_0 => &COLUMNS,
            Version::V1_2 => &COLUMNS_1_2,
        }
    }

    /// `1.0`, `1.2`.
    pub fn as_str(self) -> &'static str {
        match self {
            Version::V1_0 => "1.0",
            Version::V1_2 => "1.2",
        }
    }
}

impl std::fmt::Display for Version {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Every column of a file of `version`: its FOCUS columns, [`DIMENSION_COLUMNS`], then one per
/// detail the providers built into the crate declare. The same for every file of a version.
pub fn header_of(version: Version) -> impl Iterator<Item = &'static str> {
    version
        .columns()
        .iter()
        .chain(DIMENSION_COLUMNS.iter())
        .copied()
        .chain(detail_columns().map(|(_, column)| column))
}

/// What a column holds, for writers of typed files (Parquet).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ColumnType {
    /// An exact decimal, written as its text ([`FocusRow::get`]): a cost, a price, a quantity.
    Decimal,
    /// A UTC date-time, written `YYYY-MM-DDTHH:MM:SSZ`.
    DateTime,
    /// Text (JSON text for `Tags` and `SkuPriceDetails`).
    String,
}

/// The type of `column`, a name of [`header_of`] any version.
pub fn column_type(column: &str) -> ColumnType {
    match column {
        "BilledCost"
        | "EffectiveCost"
        | "ListCost"
        | "ContractedCost"
        | "PricingQuantity"
        | "ConsumedQuantity"
        | "ListUnitPrice"
        | "ContractedUnitPrice"
        | "CommitmentDiscountQuantity"
        | "PricingCurrencyContractedUnitPrice"
        | "PricingCurrencyEffectiveCost"
        | "PricingCurrencyListUnitPrice" => ColumnType::Decimal,
        "BillingPeriodStart" | "BillingPeriodEnd" | "ChargePeriodStart" | "ChargePeriodEnd" => {
            ColumnType::DateTime
        }
        _ => ColumnType::String,
    }
}

/// One FOCUS row: a value or nothing for each column of [`header_of`] its version, in order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FocusRow {
    version: Version,
    values: Vec<Option<String>>,
}

impl FocusRow {
    /// The values, in the order of [`header_of`] its version; `None` is an empty field.
    pub fn values(&self) -> &[Option<String>] {
        &self.values
    }

    /// The FOCUS version of the row.
    pub fn version(&self) -> Version {
        self.version
    }

    /// The value of `column` (a name of [`header_of`]); `None` when empty or not a column.
    pub fn get(&self, column: &str) -> Option<&str> {
        header_of(self.version)
            .position(|name| name == column)
            .and_then(|index| self.values.get(index)?.as_deref())
    }
}

/// The FOCUS 1.0 row of `record` (see the module docs): [`row_of`] for [`Version::V1_0`]
/// without invoices.
pub fn row(record: &CostRecord) -> Result<FocusRow, FocusError> {
    row_of(record, Version::V1_0, &[])
}

/// The id of the invoice among `invoices` that bills `record`: a [`CostKind::Invoice`] record
/// of the same provider and currency whose period holds the record's, whose scope's other
/// dimensions (a team) the record's scope has too, and whose billing account, when both name
/// one, is the record's. `None` when no invoice says it bills the record.
pub fn invoice_of<'a>(record: &CostRecord, invoices: &'a [CostRecord]) -> Option<&'a str> {
    invoices
        .iter()
        .filter(|invoice| {
            invoice.kind == CostKind::Invoice
                && invoice.provider == record.provider
                && invoice
                    .currency
                    .trim()
                    .eq_ignore_ascii_case(record.currency.trim())
                && invoice.period.holds(&record.period)
                && invoice
                    .scope
                    .iter()
                    .filter(|(dimension, _)| *dimension != Dimension::Invoice)
                    .all(|(dimension, value)| record.scope.get(dimension) == Some(value))
                && match (&invoice.billing_account, &record.billing_account) {
                    (Some(billed), Some(account)) => billed.id == account.id,
                    _ => true,
                }
        })
        .find_map(|invoice| invoice.scope.get(Dimension::Invoice))
}

/// The FOCUS row of `record` in `version` (see the module docs); `InvoiceId` (1.2) is the id
/// [`invoice_of`] finds among `invoices`, else empty.
pub fn row_of(
    record: &CostRecord,
    version: Version,
    invoices: &[CostRecord],
) -> Result<FocusRow, FocusError> {
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
    let units = record
        .quantity
        .as_ref()
        .and_then(|quantity| units(quantity, version));
    let (consumed, consumed_unit, pricing, pricing_unit) = match units {
        Some(Units {
            consumed,
            consumed_unit,
            pricing,
            pricing_unit,
        }) => (
            Some(decimal(consumed)),
            Some(consumed_unit.to_string()),
            Some(decimal(pricing)),
            Some(pricing_unit.to_string()),
        ),
        None => (None, None, None, None),
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
    let sku_parts: Vec<&str> = facts
        .sku
        .id
        .iter()
        .filter_map(|dimension| scope.get(*dimension))
        .collect();
    // FOCUS 1.0 rows keep `SkuId` empty, as they always had: a SKU there would want a
    // `SkuPriceId` too, which no provider publishes.
    let sku_id = (version != Version::V1_0 && !sku_parts.is_empty()).then(|| sku_parts.join("/"));
    let sku_meter = sku_id.as_ref().and_then(|_| {
        facts
            .sku
            .meter
            .iter()
            .find_map(|dimension| scope.get(*dimension))
            .map(str::to_string)
    });
    let sub_account_id = get(sub_account);
    let sub_account_type = sub_account_id
        .as_ref()
        .map(|_| facts.sub_account_type.to_string());
    let text = |value: &str| Some(value.to_string());
    // Every FOCUS column of any version, by name; a version takes its own.
    let focus: [(&str, Option<String>); 57] = [
        ("AvailabilityZone", None),
        ("BilledCost", amount.clone()),
        ("BillingAccountId", Some(account.id.clone())),
        ("BillingAccountName", account.name.clone()),
        ("BillingAccountType", text(facts.billing_account_type)),
        ("BillingCurrency", Some(currency.clone())),
        ("BillingPeriodEnd", billing_period.map(|(_, end)| date(end))),
        (
            "BillingPeriodStart",
            billing_period.map(|(start, _)| date(start)),
        ),
        ("CapacityReservationId", None),
        ("CapacityReservationStatus", None),
        ("ChargeCategory", text("Usage")),
        ("ChargeClass", None),
        ("ChargeDescription", record.description.clone()),
        ("ChargeFrequency", text("Usage-Based")),
        ("ChargePeriodEnd", Some(date(record.period.end))),
        ("ChargePeriodStart", Some(date(record.period.start))),
        ("CommitmentDiscountCategory", None),
        ("CommitmentDiscountId", None),
        ("CommitmentDiscountName", None),
        ("CommitmentDiscountQuantity", None),
        ("CommitmentDiscountStatus", None),
        ("CommitmentDiscountType", None),
        ("CommitmentDiscountUnit", None),
        ("ConsumedQuantity", consumed),
        ("ConsumedUnit", consumed_unit),
        ("ContractedCost", amount.clone()),
        ("ContractedUnitPrice", None),
        ("EffectiveCost", amount.clone()),
        (
            "InvoiceId",
            invoice_of(record, invoices).map(str::to_string),
        ),
        ("InvoiceIssuerName", text(provider_name)),
        ("ListCost", amount.clone()),
        ("ListUnitPrice", None),
        ("PricingCategory", text("Standard")),
        ("PricingCurrency", Some(currency)),
        ("PricingCurrencyContractedUnitPrice", None),
        ("PricingCurrencyEffectiveCost", amount),
        ("PricingCurrencyListUnitPrice", None),
        ("PricingQuantity", pricing),
        ("PricingUnit", pricing_unit),
        ("ProviderName", text(provider_name)),
        ("PublisherName", text(provider_name)),
        ("RegionId", None),
        ("RegionName", None),
        ("ResourceId", resource_id),
        ("ResourceName", resource_name),
        ("ResourceType", resource_type),
        ("ServiceCategory", text(service_category)),
        ("ServiceName", text(service_name)),
        ("ServiceSubcategory", text(facts.service_subcategory)),
        ("SkuId", sku_id),
        ("SkuMeter", sku_meter),
        ("SkuPriceDetails", None),
        ("SkuPriceId", None),
        ("SubAccountId", sub_account_id),
        ("SubAccountName", name(sub_account)),
        ("SubAccountType", sub_account_type),
        ("Tags", None),
    ];
    let mut values: Vec<Option<String>> = version
        .columns()
        .iter()
        .map(|column| {
            focus
                .iter()
                .find(|(name, _)| name == column)
                .and_then(|(_, value)| value.clone())
        })
        .collect();
    values.extend([
        get(Dimension::Project),     // x_ProjectId
        name(Dimension::Project),    // x_ProjectName
        get(Dimension::LineItem),    // x_LineItem
        get(Dimension::ApiKey),      // x_ApiKeyId
        get(Dimension::Team),        // x_TeamId
        name(Dimension::Team),       // x_TeamName
        get(Dimension::App),         // x_AppId
        get(Dimension::Instance),    // x_InstanceId
        get(Dimension::UsageType),   // x_UsageType
        get(Dimension::Workspace),   // x_WorkspaceId
        get(Dimension::Invoice),     // x_InvoiceId
        get(Dimension::BillingPart), // x_BillingPart
        get(Dimension::Model),       // x_Model
        get(Dimension::CostType),    // x_CostType
        get(Dimension::TokenType),   // x_TokenType
    ]);
    values.extend(detail_columns().map(|(key, _)| record.details.get(key).map(str::to_string)));
    debug_assert_eq!(values.len(), header_of(version).count());
    Ok(FocusRow { version, values })
}

/// The rows of `records` in `version`, in order (see [`row_of`]); every record must be
/// exportable, and there must be one at least ([`FocusError::Empty`]).
pub fn rows_of(
    records: &[CostRecord],
    version: Version,
    invoices: &[CostRecord],
) -> Result<Vec<FocusRow>, FocusError> {
    if records.is_empty() {
        return Err(FocusError::Empty);
    }
    records
        .iter()
        .map(|record| row_of(record, version, invoices))
        .collect()
}

/// Writes the FOCUS 1.0 CSV of `records` to `out`: [`write_csv_of`] for [`Version::V1_0`]
/// without invoices.
pub fn write_csv<W: io::Write>(records: &[CostRecord], out: W) -> Result<usize, FocusError> {
    write_csv_of(records, Version::V1_0, &[], out)
}

/// Writes the FOCUS CSV of `records` in `version` to `out`: the [`header_of`] the version,
/// then one row per record, in order ([`rows_of`]). Every row is built before anything is
/// written, so a record that cannot be exported leaves `out` untouched. Returns the number of
/// rows.
pub fn write_csv_of<W: io::Write>(
    records: &[CostRecord],
    version: Version,
    invoices: &[CostRecord],
    out: W,
) -> Result<usize, FocusError> {
    let rows = rows_of(records, version, invoices)?;
    let mut writer = csv::Writer::from_writer(out);
    writer.write_record(header_of(version))?;
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

/// A quantity as FOCUS has it: consumed, and priced.
struct Units {
    consumed: Decimal,
    consumed_unit: &'static str,
    pricing: Decimal,
    pricing_unit: &'static str,
}

/// `quantity` in FOCUS units: in 1.0 the pricing quantity is the consumed one; in 1.2 tokens
/// are consumed in `Tokens` and priced in `1000000 Tokens` (as the providers' price lists and
/// the FOCUS AI examples have them). `None` for a unit with no known FOCUS spelling, or a
/// quantity that cannot be converted exactly.
fn units(quantity: &Quantity, version: Version) -> Option<Units> {
    let unit = focus_unit(&quantity.unit)?;
    let same = Units {
        consumed: quantity.value,
        consumed_unit: unit,
        pricing: quantity.value,
        pricing_unit: unit,
    };
    if version == Version::V1_0 {
        return Some(same);
    }
    let tokens = match unit {
        "Tokens" => quantity.value,
        "1000 Tokens" => quantity.value.checked_mul(Decimal::from(1000))?,
        _ => return Some(same),
    };
    Some(Units {
        consumed: tokens,
        consumed_unit: "Tokens",
        pricing: shifted(tokens, 6)?,
        pricing_unit: "1000000 Tokens",
    })
}

/// `value / 10^digits`, exactly (`None` when a decimal cannot hold it).
fn shifted(value: Decimal, digits: u32) -> Option<Decimal> {
    let scale = value.scale().checked_add(digits)?;
    Decimal::try_from_i128_with_scale(value.mantissa(), scale).ok()
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
