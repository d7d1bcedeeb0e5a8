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
        cents_to_usd, drilldown_records, entry_records, types, PRICE_UNIT,
    };

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
    fn the_price_unit_is_the_cent() {
        assert_eq!(PRICE_UNIT, dec("0.01"));
        assert_eq!(cents_to_usd(dec("1")), dec("0.01"));
        assert_eq!(cents_to_usd(dec("1843.7712")).to_string(), "18.437712");
        assert_eq!(cents_to_usd(dec("0.0001")).to_string(), "0.000001");
        assert_eq!(cents_to_usd(dec("12.50")).to_string(), "0.1250");
        assert_eq!(cents_to_usd(Decimal::ZERO), Decimal::ZERO);
    }

    #[test]
    fn list_entries_are_hourly_totals_of_paas_and_byoc() {
        let page = list("list_usage.full.json");
        let records = entry_records(&page.data.usage, None).unwrap();
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
        let team = entry_records(&page.data.usage, Some("acme-platform")).unwrap();
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
        let last = entry_records(&list("list_usage.last_page.json").data.usage, None).unwrap();
        assert_amounts(&last, &["0.000417"]);
    }

    #[test]
    fn drilldown_gives_the_finest_level_present_plus_byoc() {
        let records = drilldown_records(&get("get_usage.full.json")).unwrap();
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
        let records = drilldown_records(&get("get_usage.team_filtered.json")).unwrap();
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
        let filtered = drilldown_records(&get("get_usage.resource_type_filtered.json")).unwrap();
        assert_amounts(&filtered, &["0.037569", "0.0525", "0.815689"]);
    }

    #[test]
    fn drilldown_without_a_timestamp_is_an_error_not_a_guess() {
        let error = drilldown_records(&get("get_usage.minimal.json")).unwrap_err();
        assert!(error.to_string().contains("data.timestamp"), "{error}");
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
        let records = entry_records(&[entry], None).unwrap();
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
    assert_eq!(
        costs::totals_by_provider(&records),
        Err(costs::AmountOverflow)
    );
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
