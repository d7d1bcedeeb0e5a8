//! The cost view: each provider's fixtures turned into records (expected amounts worked out by
//! hand from the fixture text), exact decimals, the cents conversion, exact sums.

use chrono::{DateTime, Utc};
use rust_decimal::Decimal;
use usage_bindings::costs::{self, CostRecord, Scope};
use usage_bindings::Provider;

mod common;

fn dec(text: &str) -> Decimal {
    text.parse().unwrap()
}

fn utc(text: &str) -> DateTime<Utc> {
    text.parse().unwrap()
}

#[allow(dead_code)] // not in a northflank-only build
fn some(text: &str) -> Option<String> {
    Some(text.to_string())
}

/// Amounts compared as exact decimals *and* as text (so `0.3` is not `0.30000000000000004`).
fn assert_amounts(records: &[CostRecord], expected: &[&str]) {
    let actual: Vec<String> = records.iter().map(|r| r.amount.to_string()).collect();
    assert_eq!(actual, expected);
    for (record, text) in records.iter().zip(expected) {
        assert_eq!(record.amount, dec(text));
    }
}

#[cfg(feature = "openai")]
mod openai {
    use super::*;
    use usage_bindings::openai::{cost_records, types::UsageResponse};

    fn page(name: &str) -> UsageResponse {
        serde_json::from_str(&common::fixture("openai", name)).unwrap()
    }

    #[test]
    fn grouped_costs_become_one_record_per_result_with_the_bucket_as_period() {
        let records = cost_records(&page("usage_costs.grouped.json")).unwrap();
        assert_amounts(&records, &["12.3456", "0.0825", "0.3", "7.01"]);
        let day1 = (utc("2024-11-01T00:00:00Z"), utc("2024-11-02T00:00:00Z"));
        let day2 = (utc("2024-11-02T00:00:00Z"), utc("2024-11-03T00:00:00Z"));
        let periods: Vec<_> = records
            .iter()
            .map(|r| (r.period_start, r.period_end))
            .collect();
        assert_eq!(periods, [day1, day1, day1, day2]);
        assert!(records
            .iter()
            .all(|r| r.currency == "USD" && r.provider == Provider::OpenAi));
        assert_eq!(
            records[1].scope,
            Scope::OpenAi {
                project: some("proj_3HnWc8YtUe5oZq1D"),
                line_item: some("file search tool calls"),
                api_key: None,
            }
        );
        // 12.3456 + 0.0825 + 0.3 + 7.01, by hand.
        let totals = costs::totals_by_currency(&records).unwrap();
        assert_eq!(totals["USD"], dec("19.7381"));
    }

    #[test]
    fn full_result_keeps_project_line_item_and_api_key() {
        let records = cost_records(&page("usage_costs.full.json")).unwrap();
        assert_amounts(&records, &["0.06"]);
        assert_eq!(
            records[0].scope,
            Scope::OpenAi {
                project: some("proj_Kx7Qm2VbT9aR4sLp"),
                line_item: some("gpt-4o-2024-08-06, input"),
                api_key: some("key_Q2mXv8LcR7tNw4Ze"),
            }
        );
        let extra = cost_records(&page("usage_costs.extra_fields.json")).unwrap();
        assert_eq!(extra, records);
    }

    #[test]
    fn results_without_an_amount_are_kept_as_zero() {
        for name in ["usage_costs.minimal.json", "usage_costs.nulls.json"] {
            let records = cost_records(&page(name)).unwrap();
            assert_amounts(&records, &["0"]);
            assert_eq!(records[0].currency, "USD");
            assert_eq!(
                records[0].scope,
                Scope::OpenAi {
                    project: None,
                    line_item: None,
                    api_key: None
                }
            );
        }
    }

    #[test]
    fn unknown_results_with_an_amount_are_costs_of_their_kind() {
        let body = r#"{"object": "page", "has_more": false, "next_page": null, "data": [
            {"object": "bucket", "start_time": 1730419200, "end_time": 1730505600, "results": [
              {"object": "organization.costs.result", "amount": {"value": 0.06}},
              {"object": "organization.usage.new.result", "input_tokens": 3},
              {"object": "organization.costs.support.result", "api_key_id": "key_1",
               "amount": {"value": 1e-7, "currency": "usd"}}
            ]}]}"#;
        let records = cost_records(&serde_json::from_str(body).unwrap()).unwrap();
        assert_amounts(&records, &["0.06", "0.0000001"]);
        assert_eq!(
            records[1].scope,
            Scope::OpenAi {
                project: None,
                line_item: some("organization.costs.support.result"),
                api_key: some("key_1"),
            }
        );
        // A page with a malformed amount is an error naming the result, not a panic.
        let broken = body.replace("1e-7", r#""1e-300""#);
        let error = cost_records(&serde_json::from_str(&broken).unwrap()).unwrap_err();
        assert!(
            error
                .to_string()
                .contains("data[0].results[2].amount.value"),
            "{error}"
        );
    }

    #[test]
    fn usage_results_are_not_costs() {
        let records = cost_records(&page("usage_completions.full.json")).unwrap();
        assert!(records.is_empty());
    }

    #[test]
    fn string_and_exotic_amounts_decode_exactly() {
        let body = r#"{"object": "page", "has_more": false, "next_page": null, "data": [
            {"object": "bucket", "start_time": 1730419200, "end_time": 1730505600, "results": [
              {"object": "organization.costs.result", "amount": {"value": "12.50", "currency": "usd"}},
              {"object": "organization.costs.result", "amount": {"value": "0E-6176", "currency": "usd"}},
              {"object": "organization.costs.result", "amount": {"value": 1e-7, "currency": "usd"}},
              {"object": "organization.costs.result", "amount": {"value": 1234.5678, "currency": "eur"}},
              {"object": "organization.costs.result", "amount": {"value": 0.1, "currency": "usd"}},
              {"object": "organization.costs.result", "amount": {"value": 0.2, "currency": "usd"}}
            ]}]}"#;
        let records = cost_records(&serde_json::from_str(body).unwrap()).unwrap();
        assert_amounts(
            &records,
            &["12.50", "0", "0.0000001", "1234.5678", "0.1", "0.2"],
        );
        assert_eq!(records[3].currency, "EUR");
        let totals = costs::totals_by_currency(&records).unwrap();
        // 12.50 + 0 + 0.0000001 + 0.1 + 0.2: no binary float on the way.
        assert_eq!(totals["USD"].to_string(), "12.8000001");
        assert_eq!(totals["EUR"].to_string(), "1234.5678");
    }
}

#[cfg(feature = "northflank")]
mod northflank {
    use super::*;
    use usage_bindings::costs::NorthflankPart;
    use usage_bindings::northflank::{
        drilldown_records, entry_records, invoice_records, invoices, types, AmountUnit,
    };

    const CENTS: AmountUnit = AmountUnit::Cents;

    fn list(name: &str) -> types::ListUsageResponse {
        serde_json::from_str(&common::fixture("northflank", name)).unwrap()
    }

    fn get(name: &str) -> types::GetUsageResponse {
        serde_json::from_str(&common::fixture("northflank", name)).unwrap()
    }

    fn scope(
        part: NorthflankPart,
        team: Option<&str>,
        project: Option<&str>,
        resource_type: Option<&str>,
        resource: Option<&str>,
    ) -> Scope {
        Scope::Northflank {
            part,
            team: team.map(Into::into),
            project: project.map(Into::into),
            resource_type: resource_type.map(Into::into),
            resource: resource.map(Into::into),
        }
    }

    #[test]
    fn the_amount_unit_is_currency_units_unless_set_to_cents() {
        assert_eq!(AmountUnit::default(), AmountUnit::Currency);
        assert_eq!(AmountUnit::Currency.factor(), Decimal::ONE);
        assert_eq!(CENTS.factor(), dec("0.01"));
        let convert =
            |unit: AmountUnit, text: &str| unit.to_currency(dec(text)).unwrap().to_string();
        assert_eq!(convert(AmountUnit::Currency, "1843.7712"), "1843.7712");
        assert_eq!(convert(AmountUnit::Currency, "69.22"), "69.22");
        assert_eq!(convert(CENTS, "1"), "0.01");
        assert_eq!(convert(CENTS, "1843.7712"), "18.437712");
        assert_eq!(convert(CENTS, "0.0001"), "0.000001");
        assert_eq!(convert(CENTS, "12.50"), "0.1250");
        assert_eq!(convert(CENTS, "0"), "0");
        // 1e-28 cents would be 1e-30 in currency units: not exact, refused.
        assert_eq!(
            CENTS.to_currency(dec("0.0000000000000000000000000001")),
            None
        );
        assert_eq!(
            AmountUnit::Currency.to_currency(dec("0.0000000000000000000000000001")),
            Some(dec("0.0000000000000000000000000001"))
        );
        for unit in [AmountUnit::Currency, CENTS] {
            assert_eq!(unit.to_string().parse::<AmountUnit>(), Ok(unit));
        }
        assert!("dollars".parse::<AmountUnit>().is_err());
    }

    /// The same body gives records in currency units by default, and a hundredth of them when
    /// the unit is set to cents.
    #[test]
    fn the_same_body_under_both_units() {
        let page = list("list_usage.full.json");
        let currency = entry_records(&page.data.usage, None, AmountUnit::Currency).unwrap();
        // 1843.7712 + 81.5689, 1790.0417 + 79.8389, 12.3456 + 0.
        assert_amounts(&currency, &["1925.3401", "1869.8806", "12.3456"]);
        let cents = entry_records(&page.data.usage, None, CENTS).unwrap();
        assert_amounts(&cents, &["19.253401", "18.698806", "0.123456"]);
        for (a, b) in currency.iter().zip(&cents) {
            assert_eq!(
                (a.period_start, &a.scope, &a.currency),
                (b.period_start, &b.scope, &b.currency)
            );
        }

        let hour = get("get_usage.full.json");
        assert_amounts(
            &drilldown_records(&hour, AmountUnit::Currency).unwrap(),
            &["12.3456", "5.25", "3.7569", "0.125", "81.5689"],
        );
        assert_amounts(
            &drilldown_records(&hour, CENTS).unwrap(),
            &["0.123456", "0.0525", "0.037569", "0.00125", "0.815689"],
        );

        let listed = invoices(invoice_page("list_invoices.full.json").data.invoices);
        assert_amounts(
            &invoice_records(&listed, None, AmountUnit::Currency).unwrap(),
            &["1366.2", "1197.65"],
        );
        assert_amounts(
            &invoice_records(&listed, None, CENTS).unwrap(),
            &["13.662", "11.9765"],
        );
    }

    fn invoice_page(name: &str) -> types::ListInvoicesResponse {
        serde_json::from_str(&common::fixture("northflank", name)).unwrap()
    }

    #[test]
    fn invoices_are_records_of_their_period_total_and_currency() {
        let listed = invoices(invoice_page("list_invoices.full.json").data.invoices);
        let records = invoice_records(&listed, Some("team-one"), AmountUnit::Currency).unwrap();
        let seen: Vec<_> = records
            .iter()
            .map(|r| {
                (
                    r.provider,
                    r.period_start,
                    r.period_end,
                    r.currency.as_str(),
                    r.scope.clone(),
                )
            })
            .collect();
        assert_eq!(
            seen,
            [
                (
                    Provider::Northflank,
                    utc("2026-10-01T00:00:00Z"),
                    utc("2026-11-01T00:00:00Z"),
                    "USD",
                    Scope::NorthflankInvoice {
                        invoice: some("835994C3-14310"),
                        team: some("team-one")
                    }
                ),
                (
                    Provider::Northflank,
                    utc("2026-09-01T00:00:00Z"),
                    utc("2026-10-01T00:00:00Z"),
                    "EUR",
                    Scope::NorthflankInvoice {
                        invoice: some("835994C3-14309"),
                        team: some("team-one")
                    }
                ),
            ]
        );
        assert_eq!(
            records[0].scope.to_string(),
            "invoice invoice=835994C3-14310 team=team-one"
        );
        // The April 2026 shape: one invoice object, no id, no currency.
        let april = invoices(
            invoice_page("list_invoices.published_april_2026.json")
                .data
                .invoices,
        );
        let records = invoice_records(&april, None, AmountUnit::Currency).unwrap();
        assert_amounts(&records, &["1200"]);
        assert_eq!(records[0].currency, "USD");
        assert_eq!(
            records[0].scope,
            Scope::NorthflankInvoice {
                invoice: None,
                team: None
            }
        );
        assert_eq!(records[0].period_start.timestamp(), 1_655_823_815);
        assert_eq!(records[0].period_end.timestamp(), 1_655_910_214);
    }

    #[test]
    fn an_invoice_without_period_or_total_is_an_error_not_a_guess() {
        // Northflank's own example: an invoice with only a currency.
        let example = invoices(
            invoice_page("list_invoices.published_example.json")
                .data
                .invoices,
        );
        let error = invoice_records(&example, None, AmountUnit::Currency).unwrap_err();
        assert!(
            error.to_string().contains("data.invoices[].period"),
            "{error}"
        );
        let no_total: types::Invoice =
            serde_json::from_str(r#"{"period": {"start": 1790812800, "end": 1793491200}}"#)
                .unwrap();
        let error = invoice_records(&[no_total], None, AmountUnit::Currency).unwrap_err();
        assert!(
            error.to_string().contains("data.invoices[].total"),
            "{error}"
        );
        let backwards: types::Invoice = serde_json::from_str(
            r#"{"period": {"start": 1793491200, "end": 1790812800}, "total": 1}"#,
        )
        .unwrap();
        assert!(invoice_records(&[backwards], None, AmountUnit::Currency).is_err());
    }

    #[test]
    fn list_entries_are_hourly_totals_of_paas_and_byoc() {
        let page = list("list_usage.full.json");
        let records = entry_records(&page.data.usage, None, CENTS).unwrap();
        // (1843.7712 + 81.5689) / 100, (1790.0417 + 79.8389) / 100, (12.3456 + 0) / 100.
        assert_amounts(&records, &["19.253401", "18.698806", "0.123456"]);
        let starts: Vec<_> = records.iter().map(|r| r.period_start).collect();
        assert_eq!(
            starts,
            [
                utc("2026-06-09T10:00:00Z"),
                utc("2026-06-09T09:00:00Z"),
                utc("2026-06-09T08:00:00Z")
            ]
        );
        assert_eq!(records[0].period_end, utc("2026-06-09T11:00:00Z"));
        for record in &records {
            assert_eq!(record.currency, "USD");
            assert_eq!(
                record.scope,
                scope(NorthflankPart::Total, None, None, None, None)
            );
        }
        let team = entry_records(&page.data.usage, Some("acme-platform"), CENTS).unwrap();
        assert_eq!(
            team[0].scope,
            scope(
                NorthflankPart::Total,
                Some("acme-platform"),
                None,
                None,
                None
            )
        );
        let last =
            entry_records(&list("list_usage.last_page.json").data.usage, None, CENTS).unwrap();
        assert_amounts(&last, &["0.000417"]);
    }

    #[test]
    fn drilldown_gives_the_finest_level_present_plus_byoc() {
        let records = drilldown_records(&get("get_usage.full.json"), CENTS).unwrap();
        // api-gateway 12.3456, invoice-worker 5.25, postgres-main 3.7569, nightly-reconcile
        // 0.125 cents; BYOC 81.5689 cents.
        assert_amounts(
            &records,
            &["0.123456", "0.0525", "0.037569", "0.00125", "0.815689"],
        );
        let team = Some("acme-platform");
        let project = Some("billing-api");
        let scopes: Vec<_> = records.iter().map(|r| r.scope.clone()).collect();
        assert_eq!(
            scopes,
            [
                scope(
                    NorthflankPart::Paas,
                    team,
                    project,
                    Some("service"),
                    Some("api-gateway")
                ),
                scope(
                    NorthflankPart::Paas,
                    team,
                    project,
                    Some("service"),
                    Some("invoice-worker")
                ),
                scope(
                    NorthflankPart::Paas,
                    team,
                    project,
                    Some("addon"),
                    Some("postgres-main")
                ),
                scope(
                    NorthflankPart::Paas,
                    team,
                    project,
                    Some("job"),
                    Some("nightly-reconcile")
                ),
                scope(NorthflankPart::Byoc, None, None, None, None),
            ]
        );
        assert!(records
            .iter()
            .all(|r| r.period_start == utc("2026-06-09T10:00:00Z")
                && r.period_end == utc("2026-06-09T11:00:00Z")));
    }

    #[test]
    fn drilldown_stops_at_projects_when_no_resource_types_are_listed() {
        let records = drilldown_records(&get("get_usage.team_filtered.json"), CENTS).unwrap();
        assert_amounts(&records, &["0.214775", "0.7475", "0.815689"]);
        assert_eq!(
            records[1].scope,
            scope(
                NorthflankPart::Paas,
                Some("acme-platform"),
                Some("ml-inference"),
                None,
                None
            )
        );
        let filtered =
            drilldown_records(&get("get_usage.resource_type_filtered.json"), CENTS).unwrap();
        assert_amounts(&filtered, &["0.037569", "0.0525", "0.815689"]);
    }

    #[test]
    fn drilldown_without_a_timestamp_is_an_error_not_a_guess() {
        let error = drilldown_records(&get("get_usage.minimal.json"), CENTS).unwrap_err();
        assert!(error.to_string().contains("data.timestamp"), "{error}");
    }

    #[test]
    fn a_price_that_would_round_in_currency_units_is_an_error() {
        // 1e-28 cents is 1e-30 dollars, beyond a Decimal's 28 places: refused, not made 0.
        let entry: types::UsageEntry = serde_json::from_str(
            r#"{"timestamp": 1780999200,
                "paasUsage": {"price": {"total": "0.0000000000000000000000000001"}}}"#,
        )
        .unwrap();
        let error = entry_records(&[entry], None, CENTS).unwrap_err();
        assert!(error.to_string().contains("not exact"), "{error}");
        // 26 places of cents are 28 places of dollars: exact.
        let entry: types::UsageEntry = serde_json::from_str(
            r#"{"timestamp": 1780999200,
                "paasUsage": {"price": {"total": "1.00000000000000000000000001"}}}"#,
        )
        .unwrap();
        let records = entry_records(&[entry], None, CENTS).unwrap();
        assert_amounts(&records, &["0.0100000000000000000000000001"]);
    }

    #[test]
    fn string_prices_and_missing_totals() {
        let entry: types::UsageEntry = serde_json::from_str(
            r#"{"timestamp": 1780999200,
                "paasUsage": {"price": {"total": "1843.7712"}},
                "byocUsage": {"price": {"vcpu": "45.12", "memory": 22.56, "cluster": "0E-6176"}}}"#,
        )
        .unwrap();
        // 1843.7712 + (45.12 + 22.56 + 0) = 1911.4512 cents.
        let records = entry_records(&[entry], None, CENTS).unwrap();
        assert_amounts(&records, &["19.114512"]);
    }
}

#[cfg(feature = "phala")]
mod phala {
    use super::*;
    use usage_bindings::phala::{types, usage_records};

    fn page(name: &str) -> types::AppUsageResponse {
        serde_json::from_str(&common::fixture("phala", name)).unwrap()
    }

    #[test]
    fn every_record_is_a_cost_for_its_billing_hour() {
        let records = usage_records("9f3c2a", &page("get_app_usage.full.json").usage).unwrap();
        assert_amounts(&records, &["0.058", "0.013888", "0.000347"]);
        let periods: Vec<_> = records
            .iter()
            .map(|r| (r.period_start, r.period_end))
            .collect();
        assert_eq!(
            periods,
            [
                (utc("2026-11-03T14:00:00Z"), utc("2026-11-03T15:00:00Z")),
                // Written at 15:14:22, charged for the 15:00 hour.
                (utc("2026-11-03T15:00:00Z"), utc("2026-11-03T16:00:00Z")),
                (utc("2026-11-03T15:00:00Z"), utc("2026-11-03T16:00:00Z")),
            ]
        );
        assert_eq!(
            records[2].scope,
            Scope::Phala {
                app: "9f3c2a".into(),
                instance: some("7c1e4b2a-93d5-4f0e-b8a1-2d6c9e0f5a31"),
                usage_type: some("storage"),
            }
        );
        assert!(records
            .iter()
            .all(|r| r.provider == Provider::Phala && r.currency == "USD"));
        // The fixture's total_cost is 0.072235: 0.058 + 0.013888 + 0.000347.
        assert_eq!(
            costs::totals_by_currency(&records).unwrap()["USD"],
            dec("0.072235")
        );
    }

    #[test]
    fn usage_types_sum_to_the_page_total() {
        let page = page("get_app_usage.usage_types.json");
        let records = usage_records("app", &page.usage).unwrap();
        assert_amounts(&records, &["0.232", "0.001736", "2.49", "0.001736"]);
        let by_scope = costs::totals_by_scope(&records).unwrap();
        let storage = Scope::Phala {
            app: "app".into(),
            instance: some("5d2a8f61-0c3b-4e97-a1f4-9b6e2c7d8a05"),
            usage_type: some("storage"),
        };
        assert_eq!(by_scope[&(storage, "USD".to_string())], dec("0.003472"));
        assert_eq!(
            costs::totals_by_currency(&records).unwrap()["USD"],
            page.total_cost.value()
        );
        assert!(
            usage_records("app", &self::page("get_app_usage.minimal.json").usage)
                .unwrap()
                .is_empty()
        );
    }

    #[test]
    fn period_falls_back_to_the_billing_days() {
        let mut usage = page("get_app_usage.nulls.json").usage;
        usage[0].billing_hour = "yesterday".into();
        let records = usage_records("app", &usage).unwrap();
        assert_eq!(records[0].period_start, utc("2026-10-28T00:00:00Z"));
        assert_eq!(records[0].period_end, utc("2026-10-29T00:00:00Z"));
        usage[0].billing_start = "?".into();
        let error = usage_records("app", &usage).unwrap_err();
        assert!(error.to_string().contains("billing_hour"), "{error}");
    }
}

fn record(provider: Provider, start: &str, amount: Decimal, currency: &str) -> CostRecord {
    let period_start = utc(start);
    CostRecord {
        provider,
        period_start,
        period_end: period_start + chrono::TimeDelta::hours(1),
        amount,
        currency: currency.to_string(),
        scope: Scope::Phala {
            app: "a".into(),
            instance: None,
            usage_type: None,
        },
    }
}

#[test]
fn ten_thousand_cents_sum_to_exactly_one_hundred() {
    let cent = dec("0.01");
    let records: Vec<CostRecord> = (0..10_000)
        .map(|_| record(Provider::Phala, "2026-11-03T00:00:00Z", cent, "USD"))
        .collect();
    let totals = costs::totals_by_provider(&records).unwrap();
    let total = totals[&(Provider::Phala, "USD".to_string())];
    assert_eq!(total, Decimal::from(100));
    assert_eq!(total.to_string(), "100.00");
    // The same sum in binary floating point is not 100: the reason for Decimal.
    let float: f64 = (0..10_000).map(|_| 0.01_f64).sum();
    assert_ne!(float, 100.0);
}

#[test]
fn totals_are_per_day_and_per_currency() {
    let records = [
        record(Provider::OpenAi, "2026-11-03T23:00:00Z", dec("1.10"), "USD"),
        record(Provider::Phala, "2026-11-03T01:00:00Z", dec("2.205"), "USD"),
        record(Provider::Phala, "2026-11-04T00:00:00Z", dec("0.001"), "USD"),
        record(Provider::OpenAi, "2026-11-03T05:00:00Z", dec("5"), "EUR"),
    ];
    let by_day = costs::totals_by_day(&records).unwrap();
    let day = |d: &str, c: &str| (d.parse::<chrono::NaiveDate>().unwrap(), c.to_string());
    assert_eq!(by_day.len(), 3);
    assert_eq!(by_day[&day("2026-11-03", "USD")], dec("3.305"));
    assert_eq!(by_day[&day("2026-11-04", "USD")], dec("0.001"));
    assert_eq!(by_day[&day("2026-11-03", "EUR")], dec("5"));
    let by_provider = costs::totals_by_provider(&records).unwrap();
    assert_eq!(
        by_provider[&(Provider::Phala, "USD".to_string())],
        dec("2.206")
    );
}

#[test]
fn an_overflowing_sum_is_an_error() {
    let records = [
        record(Provider::Phala, "2026-11-03T00:00:00Z", Decimal::MAX, "USD"),
        record(Provider::Phala, "2026-11-03T00:00:00Z", Decimal::MAX, "USD"),
    ];
    assert_eq!(costs::totals_by_provider(&records), Err(costs::InexactSum));
}

#[test]
fn a_record_serializes_its_amount_as_exact_text() {
    let record = record(
        Provider::Phala,
        "2026-11-03T00:00:00Z",
        dec("0.013888"),
        "USD",
    );
    let json = serde_json::to_value(&record).unwrap();
    assert_eq!(json["amount"], "0.013888");
    assert_eq!(json["provider"], "phala");
    assert_eq!(json["scope"]["kind"], "phala");
    let back: CostRecord = serde_json::from_value(json).unwrap();
    assert_eq!(back, record);
}

/// The cost view over HTTP: a mock server on 127.0.0.1 answering each provider's route once,
/// with records inside, outside and across the edges of the window.
#[cfg(all(feature = "openai", feature = "northflank", feature = "phala"))]
mod over_http {
    use std::time::Duration;

    use serde_json::{json, Value};
    use usage_bindings::costs::{NorthflankSource, PhalaSource, ProviderCosts, Sources, Window};
    use usage_bindings::{northflank, openai, phala, Error, RetryPolicy};
    use wiremock::matchers::{method, path};
    use wiremock::{Mock, MockServer, ResponseTemplate};

    use super::*;

    /// `[2026-11-01, 2026-11-03)`.
    fn window() -> Window {
        Window::new(utc("2026-11-01T00:00:00Z"), utc("2026-11-03T00:00:00Z")).unwrap()
    }

    fn bucket(start: &str, end: &str, results: Value) -> Value {
        json!({"object": "bucket", "start_time": utc(start).timestamp(),
               "end_time": utc(end).timestamp(), "results": results})
    }

    fn cost(value: &str) -> Value {
        json!({"object": "organization.costs.result",
               "amount": {"value": value, "currency": "usd"}, "project_id": "proj_1"})
    }

    fn openai_page(buckets: Vec<Value>) -> Value {
        json!({"object": "page", "data": buckets, "has_more": false, "next_page": null})
    }

    fn northflank_entry(hour: &str, amount: &str) -> Value {
        json!({"timestamp": utc(hour).timestamp(),
               "paasUsage": {"price": {"total": amount}}, "byocUsage": {"price": {"total": 0}}})
    }

    fn phala_usage(billing_hour: &str, start: &str, end: &str, cost: &str) -> Value {
        json!({"instance_id": "i-1", "project_id": 1, "team_id": 2,
               "timestamp": "2026-11-02T12:00:00Z", "event_type": "cvm_metered", "cost": cost,
               "details": null, "usage_type": "compute", "billing_start": start,
               "billing_end": end, "duration_minutes": 60, "billing_key": "k",
               "billing_hour": billing_hour, "billing_day": start})
    }

    /// Serves one page per provider (each route answered once at most) and fetches `window`.
    async fn fetch(openai: Value, northflank: Vec<Value>, phala: Vec<Value>) -> Vec<ProviderCosts> {
        let server = MockServer::start().await;
        let page = |body: Value| ResponseTemplate::new(200).set_body_json(body);
        Mock::given(method("GET"))
            .and(path("/organization/costs"))
            .respond_with(page(openai))
            .expect(1)
            .mount(&server)
            .await;
        Mock::given(method("GET"))
            .and(path("/v1/billing/usage"))
            .respond_with(page(json!({"data": {"usage": northflank},
                                      "pagination": {"hasNextPage": false, "count": 0}})))
            .expect(1)
            .mount(&server)
            .await;
        let total = phala.len();
        Mock::given(method("GET"))
            .and(path("/api/v1/apps/app-1/usage"))
            .respond_with(page(
                json!({"usage": phala, "total": total, "total_cost": 0}),
            ))
            .expect(1)
            .mount(&server)
            .await;
        let uri = server.uri();
        let sources = Sources {
            openai: Some(
                openai::Client::from_config(
                    openai::Config::new("sk-admin-test")
                        .with_base_url(&uri)
                        .with_retry(RetryPolicy::disabled()),
                )
                .unwrap(),
            ),
            northflank: Some(NorthflankSource {
                client: northflank::Client::from_config(
                    northflank::Config::new("nf-test")
                        .with_base_url(&uri)
                        .with_retry(RetryPolicy::disabled()),
                )
                .unwrap(),
                team: None,
            }),
            phala: Some(PhalaSource {
                client: phala::Client::from_config(
                    phala::Config::new("phak_test")
                        .with_base_url(&uri)
                        .with_retry(RetryPolicy::disabled()),
                )
                .unwrap(),
                app_ids: vec!["app-1".to_string()],
            }),
        };
        tokio::time::timeout(
            Duration::from_secs(20),
            usage_bindings::costs::fetch_all(&sources, window()),
        )
        .await
        .expect("the fetch ends within 20 s")
    }

    fn amounts(costs: &ProviderCosts) -> Vec<String> {
        costs.records.iter().map(|r| r.amount.to_string()).collect()
    }

    #[tokio::test]
    async fn records_outside_the_window_are_not_counted() {
        let results = fetch(
            openai_page(vec![
                // The day before, the first day, a bucket across the end, the day after.
                bucket(
                    "2026-10-31T00:00:00Z",
                    "2026-11-01T00:00:00Z",
                    json!([cost("1.00")]),
                ),
                bucket(
                    "2026-11-01T00:00:00Z",
                    "2026-11-02T00:00:00Z",
                    json!([cost("0.25"), cost("0.50")]),
                ),
                bucket(
                    "2026-11-02T12:00:00Z",
                    "2026-11-03T12:00:00Z",
                    json!([cost("9.99")]),
                ),
                bucket(
                    "2026-11-03T00:00:00Z",
                    "2026-11-04T00:00:00Z",
                    json!([cost("4.00")]),
                ),
            ]),
            vec![
                northflank_entry("2026-11-03T00:00:00Z", "700"),
                northflank_entry("2026-11-02T23:00:00Z", "12.5"),
                northflank_entry("2026-11-01T00:00:00Z", "100"),
                northflank_entry("2026-10-31T23:00:00Z", "800"),
            ],
            vec![
                phala_usage("2026-11-02 23:00:00", "2026-11-02", "2026-11-02", "0.058"),
                phala_usage("2026-11-03 00:00:00", "2026-11-03", "2026-11-03", "0.5"),
                phala_usage("2026-10-31 23:00:00", "2026-10-31", "2026-10-31", "0.6"),
                // No billing hour: the billing days, 2026-11-02 and 2026-11-03, cross the end.
                phala_usage("?", "2026-11-02", "2026-11-03", "0.7"),
            ],
        )
        .await;
        for result in &results {
            assert!(result.is_complete(), "{:?}", result.errors);
        }
        assert_eq!(amounts(&results[0]), ["0.25", "0.50"]);
        // Read in currency units, the default.
        assert_eq!(amounts(&results[1]), ["12.5", "100"]);
        assert_eq!(amounts(&results[2]), ["0.058"]);
        let outside: Vec<usize> = results.iter().map(|r| r.outside_window).collect();
        assert_eq!(outside, [3, 2, 3]);
        let all: Vec<CostRecord> = results.iter().flat_map(|r| r.records.clone()).collect();
        assert!(all
            .iter()
            .all(|r| r.period_start >= window().start && r.period_end <= window().end));
    }

    #[tokio::test]
    async fn unknown_openai_results_with_an_amount_are_costs() {
        let results = fetch(
            openai_page(vec![bucket(
                "2026-11-01T00:00:00Z",
                "2026-11-02T00:00:00Z",
                json!([
                    cost("0.06"),
                    {"object": "organization.costs.credit.result", "project_id": "proj_2",
                     "amount": {"value": "-1.25", "currency": "eur"}},
                    {"object": "organization.costs.tax.result", "amount": {"value": 0.5}},
                    // Not a cost: no amount.
                    {"object": "organization.usage.new.result", "n_requests": 3},
                    {"object": "organization.costs.null.result", "amount": null},
                    // Malformed amounts: errors, not panics, not zeros.
                    {"object": "organization.costs.bad.result", "amount": {"value": true}},
                    {"object": "organization.costs.bad.result", "amount": {"value": "1.2.3"}},
                    {"object": "organization.costs.bad.result", "amount": "3"},
                    {"object": "organization.costs.bad.result",
                     "amount": {"value": 1, "currency": 840}},
                ]),
            )]),
            vec![],
            vec![],
        )
        .await;
        let openai = &results[0];
        assert_eq!(amounts(openai), ["0.06", "-1.25", "0.5"]);
        assert_eq!(openai.records[1].currency, "EUR");
        assert_eq!(openai.records[2].currency, "USD");
        assert_eq!(
            openai.records[1].scope,
            Scope::OpenAi {
                project: some("proj_2"),
                line_item: some("organization.costs.credit.result"),
                api_key: None,
            }
        );
        assert_eq!(
            openai.records[2].scope,
            Scope::OpenAi {
                project: None,
                line_item: some("organization.costs.tax.result"),
                api_key: None,
            }
        );
        assert_eq!(openai.errors.len(), 4, "{:?}", openai.errors);
        for error in &openai.errors {
            assert!(
                matches!(error, Error::Decode { provider: Provider::OpenAi, path, .. }
                    if path.starts_with("data[].results[].amount")),
                "{error:?}"
            );
        }
    }
}

#[test]
fn a_sum_that_would_round_is_an_error() {
    // The exact sum, 79228162514264337593543950334.5, needs more digits than a Decimal holds:
    // rust_decimal's own addition would round it to ...334.
    let records = [
        record(
            Provider::Phala,
            "2026-11-03T00:00:00Z",
            Decimal::MAX - Decimal::ONE,
            "USD",
        ),
        record(Provider::Phala, "2026-11-03T00:00:00Z", dec("0.5"), "USD"),
    ];
    assert!(costs::totals_by_provider(&records).is_err());
    assert!(costs::totals_by_currency(&records).is_err());
    assert!(costs::checked_sum(records.iter().map(|r| r.amount)).is_err());
    // 10 + 0.0000000000000000000000000001 would round to 10 at 27 places.
    assert!(costs::checked_sum([dec("10"), dec("0.0000000000000000000000000001")]).is_err());
    // What fits stays exact, even across the scale rust_decimal falls back to.
    assert_eq!(
        costs::checked_sum([
            dec("10000000000000000000000000000"),
            dec("1.0000000000000000000000000000")
        ]),
        Ok(dec("10000000000000000000000000001"))
    );
    assert_eq!(
        costs::checked_sum([dec("0.5"), dec("0.5"), Decimal::ZERO]),
        Ok(Decimal::ONE)
    );
}
