//! The FOCUS 1.0 mapping, one provider at a time: one record built the way its source builds it
//! (from a JSON body, through the provider's public record function), and the exact CSV out of
//! the FOCUS and dimension columns, then the detail columns it fills. Then every way an export
//! is refused.
#![cfg(feature = "focus")]

use std::io;

use usage_bindings::cost::{focus, focus::FocusError, BillingAccount, CostKind, CostRecord};
use usage_bindings::Provider;

mod support;

/// The header of every export, up to the detail columns (which the providers built in declare).
const HEADER: &str = "AvailabilityZone,BilledCost,BillingAccountId,BillingAccountName,\
BillingCurrency,BillingPeriodEnd,BillingPeriodStart,ChargeCategory,ChargeClass,ChargeDescription,\
ChargeFrequency,ChargePeriodEnd,ChargePeriodStart,CommitmentDiscountCategory,CommitmentDiscountId,\
CommitmentDiscountName,CommitmentDiscountStatus,CommitmentDiscountType,ConsumedQuantity,\
ConsumedUnit,ContractedCost,ContractedUnitPrice,EffectiveCost,InvoiceIssuerName,ListCost,\
ListUnitPrice,PricingCategory,PricingQuantity,PricingUnit,ProviderName,PublisherName,RegionId,\
RegionName,ResourceId,ResourceName,ResourceType,ServiceCategory,ServiceName,SkuId,SkuPriceId,\
SubAccountId,SubAccountName,Tags,x_ProjectId,x_ProjectName,x_LineItem,x_ApiKeyId,x_TeamId,\
x_TeamName,x_AppId,x_InstanceId,x_UsageType,x_WorkspaceId,x_InvoiceId,x_BillingPart,x_Model,\
x_CostType,x_TokenType\n";

/// The number of FOCUS and dimension columns, before the detail columns.
const FIXED: usize = 43 + 15;

/// The export of `records`, each line cut after its FIXED columns: the detail columns depend on
/// the providers built in, and `details` checks them.
fn csv(records: &[CostRecord]) -> String {
    let mut out = Vec::new();
    let rows = focus::write_csv(records, &mut out).unwrap();
    assert_eq!(rows, records.len());
    let mut reader = ::csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(out.as_slice());
    let mut writer = ::csv::Writer::from_writer(Vec::new());
    for line in reader.records() {
        let line = line.unwrap();
        assert_eq!(line.len(), focus::header().count());
        writer.write_record(line.iter().take(FIXED)).unwrap();
    }
    String::from_utf8(writer.into_inner().unwrap()).unwrap()
}

/// The detail columns `record`'s row fills, as `(column, value)`.
fn details(record: &CostRecord) -> Vec<(&'static str, String)> {
    let row = focus::row(record).unwrap();
    focus::header()
        .zip(row.values())
        .skip(FIXED)
        .filter_map(|(column, value)| Some((column, value.clone()?)))
        .collect()
}

#[test]
fn the_header_is_the_43_focus_columns_then_the_custom_ones() {
    let header: Vec<&str> = focus::header().collect();
    assert_eq!(header[..FIXED].join(",") + "\n", HEADER);
    assert_eq!(focus::COLUMNS.len(), 43);
    assert_eq!(&header[..43], focus::COLUMNS);
    assert_eq!(&header[43..FIXED], focus::DIMENSION_COLUMNS);
    // Then each provider's detail columns, in registry order.
    let declared: Vec<&str> = usage_bindings::registry::descriptors()
        .flat_map(|descriptor| {
            descriptor
                .focus
                .detail_columns
                .iter()
                .map(|(_, column)| *column)
        })
        .collect();
    assert_eq!(&header[FIXED..], declared);
}

#[cfg(feature = "openai")]
mod openai {
    use super::*;
    use usage_bindings::openai::{cost_records, types::UsageResponse};

    fn page(result: &str) -> UsageResponse {
        serde_json::from_str(&format!(
            r#"{{"object": "page", "has_more": false, "next_page": null,
                "data": [{{"object": "bucket", "start_time": 1780963200, "end_time": 1781049600,
                           "results": [{result}]}}]}}"#
        ))
        .unwrap()
    }

    /// A lower-case currency, integral tokens, and no organization in the body: the account
    /// comes from the source.
    #[test]
    fn a_costs_result_is_one_row() {
        let records = cost_records(&page(
            r#"{"object": "organization.costs.result",
                "amount": {"value": 0.06, "currency": "usd"},
                "line_item": "gpt-4o-mini-2024-07-18, input", "project_id": "proj_abc",
                "api_key_id": "key_abc", "quantity": 40000, "quantity_unit": "tokens"}"#,
        ))
        .unwrap();
        let records: Vec<CostRecord> = records
            .into_iter()
            .map(|record| {
                record.with_billing_account(BillingAccount::new("org-abc123").with_name("Acme Inc"))
            })
            .collect();
        assert_eq!(
            csv(&records),
            HEADER.to_string()
                + ",0.06,org-abc123,Acme Inc,USD,2026-07-01T00:00:00Z,2026-06-01T00:00:00Z,Usage,,\
\"gpt-4o-mini-2024-07-18, input\",Usage-Based,2026-06-10T00:00:00Z,2026-06-09T00:00:00Z,,,,,,\
40000.0,Tokens,0.06,,0.06,OpenAI,0.06,,Standard,40000.0,Tokens,OpenAI,OpenAI,,,,,,\
AI and Machine Learning,OpenAI API,,,proj_abc,,,proj_abc,,\"gpt-4o-mini-2024-07-18, input\",\
key_abc,,,,,,,,,,,\n"
        );
    }

    /// A unit with no known FOCUS spelling leaves the quantity columns empty rather than guess.
    #[test]
    fn an_unknown_unit_leaves_the_quantity_empty() {
        let records = cost_records(&page(
            r#"{"object": "organization.costs.result",
                "amount": {"value": "1", "currency": "usd"},
                "line_item": "x", "quantity": 3, "quantity_unit": "furlongs"}"#,
        ))
        .unwrap();
        assert_eq!(records[0].quantity.as_ref().unwrap().unit, "furlongs");
        let row = focus::row(
            &records[0]
                .clone()
                .with_billing_account(BillingAccount::new("org-1")),
        )
        .unwrap();
        for column in [
            "PricingQuantity",
            "PricingUnit",
            "ConsumedQuantity",
            "ConsumedUnit",
        ] {
            assert_eq!(row.get(column), None, "{column}");
        }
        assert_eq!(row.get("BilledCost"), Some("1.0"));
    }
}

#[cfg(feature = "northflank")]
mod northflank {
    use super::*;
    use usage_bindings::money::AmountUnit;
    use usage_bindings::northflank::{cost_records, types::ListUsageResponse};

    /// Amounts read in cents (the per-operation pages' unit): 1843.7712 cents are 18.437712
    /// USD. An hour is two rows, PaaS and BYOC, that add up to the hour; on a team route the
    /// team is the billing account.
    #[test]
    fn an_hourly_entry_is_a_paas_row_and_a_byoc_row() {
        let page: ListUsageResponse = serde_json::from_str(
            r#"{"data": {"usage": [{"timestamp": 1780999200,
                "paasUsage": {"price": {"total": "1843.7712", "cpu": 1000}},
                "byocUsage": {"price": {"total": 81.5689}}}]},
                "pagination": {"hasNextPage": false, "count": 1}}"#,
        )
        .unwrap();
        let records = cost_records(&page, Some("acme-team"), AmountUnit::Cents).unwrap();
        assert_eq!(
            csv(&records),
            HEADER.to_string()
                + ",18.437712,acme-team,,USD,2026-07-01T00:00:00Z,2026-06-01T00:00:00Z,Usage,,\
PaaS usage,Usage-Based,2026-06-09T11:00:00Z,2026-06-09T10:00:00Z,,,,,,,,18.437712,,18.437712,\
Northflank,18.437712,,Standard,,,Northflank,Northflank,,,,,,Compute,Northflank PaaS,,,acme-team,,,\
,,,,acme-team,,,,,,,paas,,,\n\
,0.815689,acme-team,,USD,2026-07-01T00:00:00Z,2026-06-01T00:00:00Z,Usage,,BYOC usage,Usage-Based,\
2026-06-09T11:00:00Z,2026-06-09T10:00:00Z,,,,,,,,0.815689,,0.815689,Northflank,0.815689,,\
Standard,,,Northflank,Northflank,,,,,,Compute,Northflank BYOC,,,acme-team,,,,,,,acme-team,,,,,,,\
byoc,,,\n"
        );
        // In currency units (the Billing API overview's unit), the same body is 100 times more.
        let records = cost_records(&page, None, AmountUnit::Currency).unwrap();
        let amounts: Vec<String> = records.iter().map(|r| r.amount.to_string()).collect();
        assert_eq!(amounts, ["1843.7712", "81.5689"]);
    }
}

#[cfg(feature = "phala")]
mod phala {
    use super::*;
    use usage_bindings::phala::{cost_records, types::AppUsageResponse};

    /// The team id is all digits: prefixed, so that it reads as a string. Minutes are a FOCUS
    /// unit, with a decimal point even when whole.
    #[test]
    fn a_metered_usage_record_is_one_row() {
        let page: AppUsageResponse = serde_json::from_str(
            r#"{"total": 1, "total_cost": 0.232, "usage": [
                {"instance_id": "7c1e4b2a", "project_id": 2210, "team_id": 42,
                "timestamp": "2026-11-03T15:14:22Z", "event_type": "cvm_metered",
                "cost": 0.232, "details": null, "usage_type": "compute",
                "billing_start": "2026-11-03", "billing_end": "2026-11-03",
                "duration_minutes": 60, "billing_key": "7c1e4b2a:compute:2026-11-03T15",
                "billing_hour": "2026-11-03 15:00:00", "billing_day": "2026-11-03"}]}"#,
        )
        .unwrap();
        let records = cost_records("9f3c2a", &page).unwrap();
        assert_eq!(
            csv(&records),
            HEADER.to_string()
                + ",0.232,phala-team-42,,USD,2026-12-01T00:00:00Z,2026-11-01T00:00:00Z,Usage,,compute,\
Usage-Based,2026-11-03T16:00:00Z,2026-11-03T15:00:00Z,,,,,,60.0,Minutes,0.232,,0.232,Phala,0.232,,\
Standard,60.0,Minutes,Phala,Phala,,,7c1e4b2a,,CVM,Compute,Phala Cloud,,,9f3c2a,,,,,,,,,9f3c2a,\
7c1e4b2a,compute,,,,,,\n"
        );
        assert_eq!(
            details(&records[0]),
            [
                ("x_EventType", "cvm_metered".to_string()),
                ("x_BillingKey", "7c1e4b2a:compute:2026-11-03T15".to_string()),
            ]
        );
    }
}

#[cfg(feature = "anthropic")]
mod anthropic {
    use super::*;
    use usage_bindings::anthropic::{cost_records, types::CostReport};

    /// Amounts are cents in a decimal string: "123.4567" cents are 1.234567 USD. The default
    /// workspace (null, grouped by workspace) is `default`.
    #[test]
    fn a_cost_result_is_one_row() {
        let page: CostReport = serde_json::from_str(
            r#"{"has_more": false, "next_page": null, "data": [
                {"starting_at": "2026-11-30T00:00:00Z", "ending_at": "2026-12-01T00:00:00Z",
                 "results": [{"amount": "123.4567", "currency": "USD", "workspace_id": null,
                "description": "Claude Opus 5 Usage - Input Tokens", "model": "claude-opus-5",
                "cost_type": "tokens", "token_type": "uncached_input_tokens",
                "service_tier": "standard", "context_window": "0-200k",
                "inference_geo": "global"}]}]}"#,
        )
        .unwrap();
        let records: Vec<CostRecord> = cost_records(&page, true)
            .unwrap()
            .into_iter()
            .map(|record| record.with_billing_account(BillingAccount::new("org-anthropic-1")))
            .collect();
        assert_eq!(
            csv(&records),
            HEADER.to_string()
                + ",1.234567,org-anthropic-1,,USD,2026-12-01T00:00:00Z,2026-11-01T00:00:00Z,Usage,,\
Claude Opus 5 Usage - Input Tokens,Usage-Based,2026-12-01T00:00:00Z,2026-11-30T00:00:00Z,,,,,,,,\
1.234567,,1.234567,Anthropic,1.234567,,Standard,,,Anthropic,Anthropic,,,,,,\
AI and Machine Learning,Anthropic API,,,default,,,,,Claude Opus 5 Usage - Input Tokens,,,,,,,\
default,,,claude-opus-5,tokens,uncached_input_tokens\n"
        );
        assert_eq!(
            details(&records[0]),
            [
                ("x_ServiceTier", "standard".to_string()),
                ("x_ContextWindow", "0-200k".to_string()),
            ]
        );
    }
}

fn usage(provider: Provider) -> CostRecord {
    let start = support::utc("2026-11-03T00:00:00Z");
    CostRecord::new(
        provider,
        usage_bindings::cost::Window::new(start, start + chrono::TimeDelta::hours(1)).unwrap(),
        support::dec("1.5"),
        "USD",
        usage_bindings::cost::Scope::new(),
    )
}

#[test]
fn records_other_than_usage_are_refused() {
    for kind in [CostKind::Invoice, CostKind::Breakdown] {
        let record = usage(Provider::Northflank)
            .with_billing_account(BillingAccount::new("org-1"))
            .with_kind(kind);
        let mut out = Vec::new();
        let error = focus::write_csv(&[record], &mut out).unwrap_err();
        assert!(
            matches!(error, FocusError::NotUsage { provider: Provider::Northflank, kind: k } if k == kind),
            "{error:?}"
        );
        assert!(error.to_string().contains("usage records only"), "{error}");
        // Nothing is written when a record is refused.
        assert!(out.is_empty());
    }
}

#[test]
fn a_record_without_billing_account_is_refused_with_how_to_set_it() {
    for (provider, how) in [
        (Provider::OpenAi, "OPENAI_ORG_ID"),
        (Provider::Northflank, "NORTHFLANK_ORG_ID"),
        (Provider::Phala, "phala::Costs"),
        (Provider::Anthropic, "ANTHROPIC_ORG_ID"),
    ] {
        let error = focus::row(&usage(provider)).unwrap_err();
        assert!(
            matches!(error, FocusError::MissingBillingAccount { provider: p, .. } if p == provider),
            "{error:?}"
        );
        let text = error.to_string();
        assert!(text.contains(how), "{text}");
        assert!(text.contains(&provider.to_string()), "{text}");
        // A blank id is no account either.
        let blank = usage(provider).with_billing_account(BillingAccount::new("  "));
        assert!(matches!(
            focus::row(&blank),
            Err(FocusError::MissingBillingAccount { .. })
        ));
    }
}

#[test]
fn a_currency_that_is_no_iso_code_is_refused() {
    let mut record = usage(Provider::OpenAi).with_billing_account(BillingAccount::new("org-1"));
    for currency in ["US$", "", "DOLLARS", "u5d"] {
        record.currency = currency.to_string();
        let error = focus::row(&record).unwrap_err();
        assert!(
            matches!(&error, FocusError::InvalidCurrency { currency: c, .. } if c == currency),
            "{error:?}"
        );
    }
    // Lower case and spaces are only spelling: ` eur` is EUR.
    record.currency = " eur".to_string();
    assert_eq!(
        focus::row(&record).unwrap().get("BillingCurrency"),
        Some("EUR")
    );
}

#[test]
fn an_empty_export_is_refused() {
    let mut out = Vec::new();
    let error = focus::write_csv(&[], &mut out).unwrap_err();
    assert!(matches!(error, FocusError::Empty), "{error:?}");
    assert!(out.is_empty());
}

/// A writer that fails every write.
struct Broken;

impl io::Write for Broken {
    fn write(&mut self, _: &[u8]) -> io::Result<usize> {
        Err(io::Error::other("disk full"))
    }
    fn flush(&mut self) -> io::Result<()> {
        Err(io::Error::other("disk full"))
    }
}

#[test]
fn a_failing_writer_is_an_error() {
    let record = usage(Provider::OpenAi).with_billing_account(BillingAccount::new("org-1"));
    // One row fits the CSV writer's buffer: the failure shows when it is flushed.
    let error = focus::write_csv(std::slice::from_ref(&record), Broken).unwrap_err();
    assert!(matches!(error, FocusError::Io(_)), "{error:?}");
    assert!(error.to_string().contains("disk full"), "{error}");
    // Many rows overflow the buffer: the failure shows while writing them.
    let error = focus::write_csv(&vec![record; 1000], Broken).unwrap_err();
    assert!(matches!(error, FocusError::Csv(_)), "{error:?}");
    assert!(error.to_string().contains("disk full"), "{error}");
}

/// FOCUS 1.2: the 57 columns, then the same custom ones; each provider's 1.2 values.
mod focus_1_2 {
    use super::*;
    use usage_bindings::cost::focus::Version;
    use usage_bindings::cost::{Dimension, Quantity, Scope, Window};

    fn record(provider: Provider, scope: Scope) -> CostRecord {
        let start = support::utc("2026-11-03T10:00:00Z");
        CostRecord::new(
            provider,
            Window::new(start, start + chrono::TimeDelta::hours(1)).unwrap(),
            support::dec("0.06"),
            "usd",
            scope,
        )
        .with_billing_account(BillingAccount::new("acct-1"))
    }

    /// The 1.2 columns of `record`'s row that are not in 1.0, and the quantity columns.
    fn values(record: &CostRecord, invoices: &[CostRecord]) -> Vec<(&'static str, Option<String>)> {
        let row = focus::row_of(record, Version::V1_2, invoices).unwrap();
        [
            "BillingAccountType",
            "ConsumedQuantity",
            "ConsumedUnit",
            "InvoiceId",
            "PricingCurrency",
            "PricingCurrencyEffectiveCost",
            "PricingQuantity",
            "PricingUnit",
            "ServiceSubcategory",
            "SkuId",
            "SkuMeter",
            "SubAccountType",
        ]
        .into_iter()
        .map(|column| (column, row.get(column).map(str::to_string)))
        .collect()
    }

    fn some(value: &str) -> Option<String> {
        Some(value.to_string())
    }

    #[test]
    fn the_header_is_the_57_focus_columns_then_the_custom_ones() {
        let header: Vec<&str> = focus::header_of(Version::V1_2).collect();
        assert_eq!(&header[..57], focus::COLUMNS_1_2);
        let mut sorted = focus::COLUMNS_1_2.to_vec();
        sorted.sort_unstable();
        assert_eq!(sorted, focus::COLUMNS_1_2);
        assert!(focus::COLUMNS
            .iter()
            .all(|c| focus::COLUMNS_1_2.contains(c)));
        let added: Vec<&str> = focus::COLUMNS_1_2
            .iter()
            .filter(|c| !focus::COLUMNS.contains(c))
            .copied()
            .collect();
        assert_eq!(
            added,
            [
                "BillingAccountType",
                "CapacityReservationId",
                "CapacityReservationStatus",
                "CommitmentDiscountQuantity",
                "CommitmentDiscountUnit",
                "InvoiceId",
                "PricingCurrency",
                "PricingCurrencyContractedUnitPrice",
                "PricingCurrencyEffectiveCost",
                "PricingCurrencyListUnitPrice",
                "ServiceSubcategory",
                "SkuMeter",
                "SkuPriceDetails",
                "SubAccountType",
            ]
        );
        // The custom columns are those of 1.0.
        let v1_0: Vec<&str> = focus::header().collect();
        assert_eq!(&header[57..], &v1_0[43..]);
        // The 1.0 row of a record is the 1.0 export's, whatever the version adds.
        #[cfg(feature = "openai")]
        {
            let record = record(Provider::OpenAi, Scope::new());
            assert_eq!(
                focus::row_of(&record, Version::V1_0, &[]).unwrap(),
                focus::row(&record).unwrap()
            );
        }
    }

    #[test]
    fn every_decimal_and_date_column_is_typed() {
        use focus::ColumnType;
        for column in focus::header_of(Version::V1_2) {
            let expected = if column.ends_with("Cost")
                || column.ends_with("UnitPrice")
                || column.ends_with("Quantity")
            {
                ColumnType::Decimal
            } else if column.ends_with("PeriodStart") || column.ends_with("PeriodEnd") {
                ColumnType::DateTime
            } else {
                ColumnType::String
            };
            assert_eq!(focus::column_type(column), expected, "{column}");
        }
    }

    /// Tokens are consumed in `Tokens` and priced per `1000000 Tokens`, exactly; the line item
    /// is the SKU and its meter.
    #[cfg(feature = "openai")]
    #[test]
    fn openai_rows_are_generative_ai_with_their_line_item_as_sku() {
        let scope = Scope::new()
            .with(Dimension::Project, "proj_1")
            .with(Dimension::LineItem, "gpt-4o, input");
        let tokens = record(Provider::OpenAi, scope.clone())
            .with_quantity(Quantity::new(support::dec("40000"), "tokens"));
        assert_eq!(
            values(&tokens, &[]),
            [
                ("BillingAccountType", some("Organization")),
                ("ConsumedQuantity", some("40000.0")),
                ("ConsumedUnit", some("Tokens")),
                ("InvoiceId", None),
                ("PricingCurrency", some("USD")),
                ("PricingCurrencyEffectiveCost", some("0.06")),
                ("PricingQuantity", some("0.040000")),
                ("PricingUnit", some("1000000 Tokens")),
                ("ServiceSubcategory", some("Generative AI")),
                ("SkuId", some("gpt-4o, input")),
                ("SkuMeter", some("gpt-4o, input")),
                ("SubAccountType", some("Project")),
            ]
        );
        // Thousands of tokens are tokens too; other units are priced as consumed.
        let thousands = record(Provider::OpenAi, scope.clone())
            .with_quantity(Quantity::new(support::dec("1.5"), "1000_tokens"));
        let row = focus::row_of(&thousands, Version::V1_2, &[]).unwrap();
        assert_eq!(row.get("ConsumedQuantity"), Some("1500.0"));
        assert_eq!(row.get("PricingQuantity"), Some("0.0015000"));
        let images = record(Provider::OpenAi, scope)
            .with_quantity(Quantity::new(support::dec("3"), "images"));
        let row = focus::row_of(&images, Version::V1_2, &[]).unwrap();
        assert_eq!(
            (row.get("PricingQuantity"), row.get("PricingUnit")),
            (Some("3.0"), Some("Images"))
        );
        // No sub-account: no sub-account type.
        let row =
            focus::row_of(&record(Provider::OpenAi, Scope::new()), Version::V1_2, &[]).unwrap();
        assert_eq!(
            (
                row.get("SubAccountType"),
                row.get("SkuId"),
                row.get("SkuMeter")
            ),
            (None, None, None)
        );
    }

    #[cfg(feature = "anthropic")]
    #[test]
    fn anthropic_skus_are_model_cost_type_and_token_type() {
        let scope = Scope::new()
            .with(Dimension::Workspace, "default")
            .with(Dimension::Model, "claude-opus-5")
            .with(Dimension::CostType, "tokens")
            .with(Dimension::TokenType, "uncached_input_tokens");
        let row = focus::row_of(&record(Provider::Anthropic, scope), Version::V1_2, &[]).unwrap();
        assert_eq!(
            row.get("SkuId"),
            Some("claude-opus-5/tokens/uncached_input_tokens")
        );
        assert_eq!(row.get("SkuMeter"), Some("uncached_input_tokens"));
        assert_eq!(row.get("ServiceSubcategory"), Some("Generative AI"));
        assert_eq!(row.get("SubAccountType"), Some("Workspace"));
        // A charge that is no tokens is metered by its cost type.
        let search = Scope::new().with(Dimension::CostType, "web_search");
        let row = focus::row_of(&record(Provider::Anthropic, search), Version::V1_2, &[]).unwrap();
        assert_eq!(
            (row.get("SkuId"), row.get("SkuMeter")),
            (Some("web_search"), Some("web_search"))
        );
    }

    #[cfg(feature = "phala")]
    #[test]
    fn phala_rows_are_virtual_machines_without_sku() {
        let scope = Scope::new()
            .with(Dimension::App, "9f3c2a")
            .with(Dimension::Instance, "7c1e4b2a")
            .with(Dimension::UsageType, "compute");
        let minutes = record(Provider::Phala, scope)
            .with_quantity(Quantity::new(support::dec("60"), "duration_minutes"));
        let row = focus::row_of(&minutes, Version::V1_2, &[]).unwrap();
        assert_eq!(row.get("ServiceSubcategory"), Some("Virtual Machines"));
        assert_eq!((row.get("SkuId"), row.get("SkuMeter")), (None, None));
        assert_eq!(row.get("SubAccountType"), Some("App"));
        assert_eq!(row.get("BillingAccountType"), Some("Team"));
        assert_eq!(
            (row.get("PricingQuantity"), row.get("PricingUnit")),
            (Some("60.0"), Some("Minutes"))
        );
    }

    /// `InvoiceId` is the invoice whose period holds the record's, of the same provider,
    /// currency and scope; else null.
    #[cfg(all(feature = "northflank", feature = "openai"))]
    #[test]
    fn the_invoice_id_is_the_invoice_that_bills_the_period() {
        let usage = record(
            Provider::Northflank,
            Scope::new()
                .with(Dimension::BillingPart, "paas")
                .with(Dimension::Team, "team-a"),
        );
        let invoice = |provider, month: u32, scope: Scope| {
            CostRecord::new(
                provider,
                Window::month(2026, month).unwrap(),
                support::dec("100"),
                "USD",
                scope,
            )
            .with_kind(CostKind::Invoice)
        };
        let november = invoice(
            Provider::Northflank,
            11,
            Scope::new().with(Dimension::Invoice, "INV-11"),
        );
        let october = invoice(
            Provider::Northflank,
            10,
            Scope::new().with(Dimension::Invoice, "INV-10"),
        );
        let row = |invoices: &[CostRecord]| {
            focus::row_of(&usage, Version::V1_2, invoices)
                .unwrap()
                .get("InvoiceId")
                .map(str::to_string)
        };
        assert_eq!(row(&[october.clone(), november.clone()]), some("INV-11"));
        assert_eq!(row(std::slice::from_ref(&october)), None);
        assert_eq!(row(&[]), None);
        // Another provider's invoice, another team's, another currency's, or usage: no.
        let other_provider = invoice(
            Provider::OpenAi,
            11,
            Scope::new().with(Dimension::Invoice, "INV-X"),
        );
        let other_team = invoice(
            Provider::Northflank,
            11,
            Scope::new()
                .with(Dimension::Invoice, "INV-B")
                .with(Dimension::Team, "team-b"),
        );
        let mut other_currency = november.clone();
        other_currency.currency = "EUR".into();
        let not_an_invoice = november.clone().with_kind(CostKind::Usage);
        assert_eq!(
            row(&[other_provider, other_team, other_currency, not_an_invoice]),
            None
        );
        // The same team's invoice bills it.
        let same_team = invoice(
            Provider::Northflank,
            11,
            Scope::new()
                .with(Dimension::Invoice, "INV-A")
                .with(Dimension::Team, "team-a"),
        );
        assert_eq!(row(&[same_team]), some("INV-A"));
        let row = focus::row_of(&usage, Version::V1_2, &[]).unwrap();
        assert_eq!(row.get("ServiceSubcategory"), Some("Containers"));
        assert_eq!(row.get("SubAccountType"), Some("Team"));
        // 1.0 has no InvoiceId.
        let row = focus::row_of(&usage, Version::V1_0, &[november]).unwrap();
        assert_eq!(row.get("InvoiceId"), None);
    }

    #[cfg(feature = "openrouter")]
    #[test]
    fn openrouter_skus_are_models() {
        let scope = Scope::new()
            .with(Dimension::Model, "openai/gpt-4o")
            .with(Dimension::Resource, "ep-1");
        let row = focus::row_of(&record(Provider::OpenRouter, scope), Version::V1_2, &[]).unwrap();
        assert_eq!(
            (row.get("SkuId"), row.get("SkuMeter")),
            (Some("openai/gpt-4o"), Some("openai/gpt-4o"))
        );
        assert_eq!(row.get("ServiceSubcategory"), Some("Generative AI"));
        assert_eq!(row.get("SubAccountType"), None);
    }

    #[test]
    fn the_1_2_csv_has_the_1_2_header() {
        let record = usage(Provider::ALL[0]).with_billing_account(BillingAccount::new("acct-1"));
        let mut out = Vec::new();
        assert_eq!(
            focus::write_csv_of(std::slice::from_ref(&record), Version::V1_2, &[], &mut out)
                .unwrap(),
            1
        );
        let text = String::from_utf8(out).unwrap();
        let header: Vec<&str> = focus::header_of(Version::V1_2).collect();
        assert_eq!(text.lines().next().unwrap(), header.join(","));
        let mut out = Vec::new();
        assert!(matches!(
            focus::write_csv_of(&[], Version::V1_2, &[], &mut out),
            Err(FocusError::Empty)
        ));
        assert!(out.is_empty());
    }
}
