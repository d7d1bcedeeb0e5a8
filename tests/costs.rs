//! The cost view: each provider's fixtures turned into records (expected amounts worked out by
//! hand from the fixture text), exact decimals, the cents conversion, exact sums.

use rust_decimal::Decimal;
use usage_bindings::cost::{self, CostKind, CostRecord, Dimension, Scope, Window};
use usage_bindings::{money, Provider};

mod support;

use support::{dec, utc};

#[allow(dead_code)] // not in a northflank-only build
fn some(text: &str) -> Option<String> {
    Some(text.to_string())
}

#[allow(dead_code)] // not in every build
fn openai_scope(
    project: Option<String>,
    line_item: Option<String>,
    api_key: Option<String>,
) -> Scope {
    Scope::new()
        .with_opt(Dimension::Project, project)
        .with_opt(Dimension::LineItem, line_item)
        .with_opt(Dimension::ApiKey, api_key)
}

#[allow(dead_code)] // not in every build
fn invoice_scope(invoice: Option<String>, team: Option<String>) -> Scope {
    Scope::new()
        .with_opt(Dimension::Invoice, invoice)
        .with_opt(Dimension::Team, team)
}

fn phala_scope(app: String, instance: Option<String>, usage_type: Option<String>) -> Scope {
    Scope::new()
        .with(Dimension::App, app)
        .with_opt(Dimension::Instance, instance)
        .with_opt(Dimension::UsageType, usage_type)
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
        serde_json::from_str(&support::fixture("openai", name)).unwrap()
    }

    #[test]
    fn grouped_costs_become_one_record_per_result_with_the_bucket_as_period() {
        let records = cost_records(&page("usage_costs.grouped.json")).unwrap();
        assert_amounts(&records, &["12.3456", "0.0825", "0.3", "7.01"]);
        let day1 = (utc("2024-11-01T00:00:00Z"), utc("2024-11-02T00:00:00Z"));
        let day2 = (utc("2024-11-02T00:00:00Z"), utc("2024-11-03T00:00:00Z"));
        let periods: Vec<_> = records
            .iter()
            .map(|r| (r.period.start, r.period.end))
            .collect();
        assert_eq!(periods, [day1, day1, day1, day2]);
        assert!(records
            .iter()
            .all(|r| r.currency == "USD" && r.provider == Provider::OpenAi));
        assert_eq!(
            records[1].scope,
            openai_scope(
                some("proj_3HnWc8YtUe5oZq1D"),
                some("file search tool calls"),
                None
            )
        );
        // 12.3456 + 0.0825 + 0.3 + 7.01, by hand.
        let totals = cost::totals_by_currency(&records).unwrap();
        assert_eq!(totals["USD"], dec("19.7381"));
    }

    #[test]
    fn full_result_keeps_project_line_item_and_api_key() {
        let records = cost_records(&page("usage_costs.full.json")).unwrap();
        assert_amounts(&records, &["0.06"]);
        assert_eq!(
            records[0].scope,
            openai_scope(
                some("proj_Kx7Qm2VbT9aR4sLp"),
                some("gpt-4o-2024-08-06, input"),
                some("key_Q2mXv8LcR7tNw4Ze")
            )
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
            assert_eq!(records[0].scope, openai_scope(None, None, None));
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
            openai_scope(
                None,
                some("organization.costs.support.result"),
                some("key_1")
            )
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
        let totals = cost::totals_by_currency(&records).unwrap();
        // 12.50 + 0 + 0.0000001 + 0.1 + 0.2: no binary float on the way.
        assert_eq!(totals["USD"].to_string(), "12.8000001");
        assert_eq!(totals["EUR"].to_string(), "1234.5678");
    }
}

#[cfg(feature = "northflank")]
mod northflank {
    use super::*;
    use usage_bindings::money::AmountUnit;
    use usage_bindings::northflank::BillingPart as NorthflankPart;
    use usage_bindings::northflank::{cost_records, drilldown_records, invoice_records, types};

    const CENTS: AmountUnit = AmountUnit::Cents;

    /// A list usage page of the one entry `entry` (JSON).
    fn one_entry(entry: &str) -> types::ListUsageResponse {
        serde_json::from_str(&format!(
            r#"{{"data": {{"usage": [{entry}]}}, "pagination": {{"hasNextPage": false, "count": 1}}}}"#
        ))
        .unwrap()
    }

    /// A list invoices page of the one invoice `invoice` (JSON), in the array shape.
    fn one_invoice(invoice: &str) -> types::ListInvoicesResponse {
        serde_json::from_str(&format!(
            r#"{{"data": {{"invoices": [{invoice}]}}, "pagination": {{"hasNextPage": false, "count": 1}}}}"#
        ))
        .unwrap()
    }

    /// The hourly totals of list usage records: each hour is a PaaS record then a BYOC record.
    fn hourly_totals(records: &[CostRecord]) -> Vec<String> {
        assert_eq!(records.len() % 2, 0);
        records
            .chunks(2)
            .map(|pair| {
                assert_eq!(pair[0].period, pair[1].period);
                assert_eq!(pair[0].scope.get(Dimension::BillingPart), Some("paas"));
                assert_eq!(pair[1].scope.get(Dimension::BillingPart), Some("byoc"));
                (pair[0].amount + pair[1].amount).to_string()
            })
            .collect()
    }

    fn list(name: &str) -> types::ListUsageResponse {
        serde_json::from_str(&support::fixture("northflank", name)).unwrap()
    }

    fn get(name: &str) -> types::GetUsageResponse {
        serde_json::from_str(&support::fixture("northflank", name)).unwrap()
    }

    fn scope(
        part: NorthflankPart,
        team: Option<&str>,
        project: Option<&str>,
        resource_type: Option<&str>,
        resource: Option<&str>,
    ) -> Scope {
        Scope::new()
            .with(Dimension::BillingPart, part.as_str())
            .with_opt(Dimension::Team, team)
            .with_opt(Dimension::Project, project)
            .with_opt(Dimension::ResourceType, resource_type)
            .with_opt(Dimension::Resource, resource)
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
        let currency = cost_records(&page, None, AmountUnit::Currency).unwrap();
        // PaaS then BYOC of each hour: 1843.7712 + 81.5689, 1790.0417 + 79.8389, 12.3456 + 0.
        assert_amounts(
            &currency,
            &[
                "1843.7712",
                "81.5689",
                "1790.0417",
                "79.8389",
                "12.3456",
                "0",
            ],
        );
        assert_eq!(
            hourly_totals(&currency),
            ["1925.3401", "1869.8806", "12.3456"]
        );
        let cents = cost_records(&page, None, CENTS).unwrap();
        assert_amounts(
            &cents,
            &[
                "18.437712",
                "0.815689",
                "17.900417",
                "0.798389",
                "0.123456",
                "0",
            ],
        );
        assert_eq!(
            hourly_totals(&cents),
            ["19.253401", "18.698806", "0.123456"]
        );
        for (a, b) in currency.iter().zip(&cents) {
            assert_eq!(
                (a.period.start, &a.scope, &a.currency),
                (b.period.start, &b.scope, &b.currency)
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

        let listed = invoice_page("list_invoices.full.json");
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
        serde_json::from_str(&support::fixture("northflank", name)).unwrap()
    }

    #[test]
    fn invoices_are_records_of_their_period_total_and_currency() {
        let listed = invoice_page("list_invoices.full.json");
        let records = invoice_records(&listed, Some("team-one"), AmountUnit::Currency).unwrap();
        let seen: Vec<_> = records
            .iter()
            .map(|r| {
                (
                    r.provider,
                    r.period.start,
                    r.period.end,
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
                    invoice_scope(some("835994C3-14310"), some("team-one"))
                ),
                (
                    Provider::Northflank,
                    utc("2026-09-01T00:00:00Z"),
                    utc("2026-10-01T00:00:00Z"),
                    "EUR",
                    invoice_scope(some("835994C3-14309"), some("team-one"))
                ),
            ]
        );
        assert_eq!(
            records[0].scope.to_string(),
            "invoice=835994C3-14310 team=team-one"
        );
        // Invoices are the billed view of spend that usage also covers.
        assert!(records.iter().all(|r| r.kind == CostKind::Invoice));
        // The April 2026 shape: one invoice object, no id, no currency.
        let april = invoice_page("list_invoices.published_april_2026.json");
        let records = invoice_records(&april, None, AmountUnit::Currency).unwrap();
        assert_amounts(&records, &["1200"]);
        assert_eq!(records[0].currency, "USD");
        assert_eq!(records[0].scope, invoice_scope(None, None));
        assert_eq!(records[0].period.start.timestamp(), 1_655_823_815);
        assert_eq!(records[0].period.end.timestamp(), 1_655_910_214);
    }

    #[test]
    fn an_invoice_without_period_or_total_is_an_error_not_a_guess() {
        // Northflank's own example: an invoice with only a currency.
        let example = invoice_page("list_invoices.published_example.json");
        let error = invoice_records(&example, None, AmountUnit::Currency).unwrap_err();
        assert!(
            error.to_string().contains("data.invoices[].period"),
            "{error}"
        );
        let no_total = one_invoice(r#"{"period": {"start": 1790812800, "end": 1793491200}}"#);
        let error = invoice_records(&no_total, None, AmountUnit::Currency).unwrap_err();
        assert!(
            error.to_string().contains("data.invoices[].total"),
            "{error}"
        );
        let backwards =
            one_invoice(r#"{"period": {"start": 1793491200, "end": 1790812800}, "total": 1}"#);
        let error = invoice_records(&backwards, None, AmountUnit::Currency).unwrap_err();
        assert!(
            error.to_string().contains("data.invoices[].period"),
            "{error}"
        );
    }

    #[test]
    fn list_entries_are_a_paas_and_a_byoc_record_per_hour() {
        let page = list("list_usage.full.json");
        let records = cost_records(&page, None, CENTS).unwrap();
        // (1843.7712 + 81.5689) / 100, (1790.0417 + 79.8389) / 100, (12.3456 + 0) / 100.
        assert_eq!(
            hourly_totals(&records),
            ["19.253401", "18.698806", "0.123456"]
        );
        let starts: Vec<_> = records.iter().map(|r| r.period.start).collect();
        let hours = [
            utc("2026-06-09T10:00:00Z"),
            utc("2026-06-09T09:00:00Z"),
            utc("2026-06-09T08:00:00Z"),
        ];
        assert_eq!(
            starts,
            [hours[0], hours[0], hours[1], hours[1], hours[2], hours[2]]
        );
        assert_eq!(records[0].period.end, utc("2026-06-09T11:00:00Z"));
        for pair in records.chunks(2) {
            assert_eq!(
                pair[0].scope,
                scope(NorthflankPart::Paas, None, None, None, None)
            );
            assert_eq!(
                pair[1].scope,
                scope(NorthflankPart::Byoc, None, None, None, None)
            );
            assert_eq!(pair[0].description.as_deref(), Some("PaaS usage"));
            assert_eq!(pair[1].description.as_deref(), Some("BYOC usage"));
            for record in pair {
                assert_eq!(record.currency, "USD");
                assert_eq!(record.kind, CostKind::Usage);
                // The org route names no account: the source is told it.
                assert_eq!(record.billing_account, None);
            }
        }
        let team = cost_records(&page, Some("acme-platform"), CENTS).unwrap();
        assert_eq!(
            team[0].scope,
            scope(
                NorthflankPart::Paas,
                Some("acme-platform"),
                None,
                None,
                None
            )
        );
        assert_eq!(
            team[1].scope,
            scope(
                NorthflankPart::Byoc,
                Some("acme-platform"),
                None,
                None,
                None
            )
        );
        // On a team route, the team is the account billed.
        assert!(team.iter().all(|record| record.billing_account
            == Some(usage_bindings::cost::BillingAccount::new("acme-platform"))));
        let last = cost_records(&list("list_usage.last_page.json"), None, CENTS).unwrap();
        assert_amounts(&last, &["0.000417", "0"]);
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
            .all(|r| r.period.start == utc("2026-06-09T10:00:00Z")
                && r.period.end == utc("2026-06-09T11:00:00Z")));
        // The names beside the ids: the team's and the project's differ from their ids.
        assert_eq!(
            records[0].names,
            Scope::new()
                .with(Dimension::Team, "Acme Platform")
                .with(Dimension::Project, "Billing API")
                .with(Dimension::Resource, "api-gateway")
        );
        assert_eq!(records[0].description.as_deref(), Some("PaaS usage"));
        assert!(records[4].names.is_empty());
        assert_eq!(records[4].description.as_deref(), Some("BYOC usage"));
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
        let page = one_entry(
            r#"{"timestamp": 1780999200,
                "paasUsage": {"price": {"total": "0.0000000000000000000000000001"}}}"#,
        );
        let error = cost_records(&page, None, CENTS).unwrap_err();
        assert!(error.to_string().contains("not exact"), "{error}");
        // 26 places of cents are 28 places of dollars: exact.
        let page = one_entry(
            r#"{"timestamp": 1780999200,
                "paasUsage": {"price": {"total": "1.00000000000000000000000001"}}}"#,
        );
        let records = cost_records(&page, None, CENTS).unwrap();
        assert_amounts(&records, &["0.0100000000000000000000000001", "0"]);
    }

    #[test]
    fn string_prices_and_missing_totals() {
        let page = one_entry(
            r#"{"timestamp": 1780999200,
                "paasUsage": {"price": {"total": "1843.7712"}},
                "byocUsage": {"price": {"vcpu": "45.12", "memory": 22.56, "cluster": "0E-6176"}}}"#,
        );
        // 1843.7712 + (45.12 + 22.56 + 0) = 1911.4512 cents.
        let records = cost_records(&page, None, CENTS).unwrap();
        assert_amounts(&records, &["18.437712", "0.6768"]);
        assert_eq!(hourly_totals(&records), ["19.114512"]);
    }
}

#[cfg(feature = "phala")]
mod phala {
    use super::*;
    use usage_bindings::phala::{cost_records, types};

    fn page(name: &str) -> types::AppUsageResponse {
        serde_json::from_str(&support::fixture("phala", name)).unwrap()
    }

    #[test]
    fn every_record_is_a_cost_for_its_billing_hour() {
        let records = cost_records("9f3c2a", &page("get_app_usage.full.json")).unwrap();
        assert_amounts(&records, &["0.058", "0.013888", "0.000347"]);
        let periods: Vec<_> = records
            .iter()
            .map(|r| (r.period.start, r.period.end))
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
            phala_scope(
                "9f3c2a".into(),
                some("7c1e4b2a-93d5-4f0e-b8a1-2d6c9e0f5a31"),
                some("storage")
            )
        );
        assert!(records
            .iter()
            .all(|r| r.provider == Provider::Phala && r.currency == "USD"));
        // The fixture's total_cost is 0.072235: 0.058 + 0.013888 + 0.000347.
        assert_eq!(
            cost::totals_by_currency(&records).unwrap()["USD"],
            dec("0.072235")
        );
    }

    #[test]
    fn usage_types_sum_to_the_page_total() {
        let page = page("get_app_usage.usage_types.json");
        let records = cost_records("app", &page).unwrap();
        assert_amounts(&records, &["0.232", "0.001736", "2.49", "0.001736"]);
        let by_scope = cost::totals_by_scope(&records).unwrap();
        let storage = phala_scope(
            "app".into(),
            some("5d2a8f61-0c3b-4e97-a1f4-9b6e2c7d8a05"),
            some("storage"),
        );
        assert_eq!(
            by_scope[&((Provider::Phala, storage), "USD".to_string())],
            dec("0.003472")
        );
        assert_eq!(
            cost::totals_by_currency(&records).unwrap()["USD"],
            page.total_cost.value()
        );
        assert!(
            cost_records("app", &self::page("get_app_usage.minimal.json"))
                .unwrap()
                .is_empty()
        );
    }

    #[test]
    fn period_falls_back_to_the_billing_days() {
        let mut page = page("get_app_usage.nulls.json");
        page.usage[0].billing_hour = "yesterday".into();
        let records = cost_records("app", &page).unwrap();
        assert_eq!(records[0].period.start, utc("2026-10-28T00:00:00Z"));
        assert_eq!(records[0].period.end, utc("2026-10-29T00:00:00Z"));
        page.usage[0].billing_start = "?".into();
        let error = cost_records("app", &page).unwrap_err();
        assert!(error.to_string().contains("billing_hour"), "{error}");
    }
}

fn record(provider: Provider, start: &str, amount: Decimal, currency: &str) -> CostRecord {
    let start = utc(start);
    CostRecord::new(
        provider,
        Window::new(start, start + chrono::TimeDelta::hours(1)).unwrap(),
        amount,
        currency,
        phala_scope("a".into(), None, None),
    )
}

#[test]
fn ten_thousand_cents_sum_to_exactly_one_hundred() {
    let cent = dec("0.01");
    let records: Vec<CostRecord> = (0..10_000)
        .map(|_| record(Provider::Phala, "2026-11-03T00:00:00Z", cent, "USD"))
        .collect();
    let totals = cost::totals_by_provider(&records).unwrap();
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
    let by_day = cost::totals_by_day(&records).unwrap();
    let day = |d: &str, c: &str| (d.parse::<chrono::NaiveDate>().unwrap(), c.to_string());
    assert_eq!(by_day.len(), 3);
    assert_eq!(by_day[&day("2026-11-03", "USD")], dec("3.305"));
    assert_eq!(by_day[&day("2026-11-04", "USD")], dec("0.001"));
    assert_eq!(by_day[&day("2026-11-03", "EUR")], dec("5"));
    let by_provider = cost::totals_by_provider(&records).unwrap();
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
        cost::totals_by_provider(&records),
        Err(cost::TotalsError::Inexact(money::InexactSum))
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
    assert_eq!(json["scope"]["app"], "a");
    assert_eq!(json["kind"], "usage");
    assert_eq!(json["period"]["start"], "2026-11-03T00:00:00Z");
    let back: CostRecord = serde_json::from_value(json).unwrap();
    assert_eq!(back, record);
}

/// The cost view over HTTP: a mock server on 127.0.0.1 answering each provider's route once,
/// with records inside, outside and across the edges of the window.
#[cfg(all(feature = "openai", feature = "northflank", feature = "phala"))]
mod over_http {
    use std::time::Duration;

    use serde_json::{json, Value};
    use usage_bindings::cost::{CostSource, ProviderCosts};
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
            .and(path("/v1/organization/costs"))
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
        let openai = openai::Costs::new(support::openai_client(&server, RetryPolicy::disabled()));
        let northflank =
            northflank::Costs::new(support::northflank_client(&server, RetryPolicy::disabled()));
        let phala = phala::Costs::new(
            support::phala_client(&server, RetryPolicy::disabled()),
            ["app-1"],
        );
        let sources: [&dyn CostSource; 3] = [&openai, &northflank, &phala];
        tokio::time::timeout(
            Duration::from_secs(20),
            usage_bindings::cost::fetch_all(&sources, window()),
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
        // Read in currency units, the default; each hour is a PaaS and a BYOC record.
        assert_eq!(amounts(&results[1]), ["12.5", "0", "100", "0"]);
        assert_eq!(amounts(&results[2]), ["0.058"]);
        let outside: Vec<usize> = results.iter().map(|r| r.outside_window).collect();
        assert_eq!(outside, [3, 2 * 2, 3]);
        let all: Vec<CostRecord> = results.iter().flat_map(|r| r.records.clone()).collect();
        assert!(all
            .iter()
            .all(|r| r.period.start >= window().start && r.period.end <= window().end));
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
            openai_scope(
                some("proj_2"),
                some("organization.costs.credit.result"),
                None
            )
        );
        assert_eq!(
            openai.records[2].scope,
            openai_scope(None, some("organization.costs.tax.result"), None)
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
    assert!(cost::totals_by_provider(&records).is_err());
    assert!(cost::totals_by_currency(&records).is_err());
    assert!(money::checked_sum(records.iter().map(|r| r.amount)).is_err());
    // 10 + 0.0000000000000000000000000001 would round to 10 at 27 places.
    assert!(money::checked_sum([dec("10"), dec("0.0000000000000000000000000001")]).is_err());
    // What fits stays exact, even across the scale rust_decimal falls back to.
    assert_eq!(
        money::checked_sum([
            dec("10000000000000000000000000000"),
            dec("1.0000000000000000000000000000")
        ]),
        Ok(dec("10000000000000000000000000001"))
    );
    assert_eq!(
        money::checked_sum([dec("0.5"), dec("0.5"), Decimal::ZERO]),
        Ok(Decimal::ONE)
    );
}

#[test]
fn a_scope_keeps_its_order_and_one_value_per_dimension() {
    let scope = Scope::new()
        .with(Dimension::Team, "t")
        .with(Dimension::Project, "p")
        .with_opt(Dimension::Resource, None::<String>)
        .with(Dimension::Team, "u");
    // Setting a dimension again replaces its value in place.
    let pairs: Vec<_> = scope.iter().collect();
    assert_eq!(pairs, [(Dimension::Team, "u"), (Dimension::Project, "p")]);
    assert_eq!(scope.get(Dimension::Project), Some("p"));
    assert_eq!(scope.get(Dimension::Resource), None);
    assert_eq!(scope.to_string(), "team=u project=p");
    assert_eq!(Scope::new().to_string(), "all");
    assert!(Scope::new().is_empty());
    // The order is part of the scope.
    let reversed: Scope = [(Dimension::Project, "p"), (Dimension::Team, "u")]
        .into_iter()
        .collect();
    assert_ne!(reversed, scope);
    assert_eq!(reversed.len(), 2);

    // JSON: an object in order, read back in order.
    let json = serde_json::to_string(&scope).unwrap();
    assert_eq!(json, r#"{"team":"u","project":"p"}"#);
    assert_eq!(serde_json::from_str::<Scope>(&json).unwrap(), scope);
    let json = serde_json::to_string(&reversed).unwrap();
    assert_eq!(json, r#"{"project":"p","team":"u"}"#);
    assert_eq!(serde_json::from_str::<Scope>(&json).unwrap(), reversed);
    // A dimension given twice, or one that does not exist, is refused.
    assert!(serde_json::from_str::<Scope>(r#"{"team":"a","team":"b"}"#).is_err());
    assert!(serde_json::from_str::<Scope>(r#"{"colour":"blue"}"#).is_err());
}

#[test]
fn every_dimension_reads_back_from_its_name() {
    for &dimension in Dimension::ALL {
        let name = dimension.to_string();
        assert_eq!(name, dimension.as_str());
        assert_eq!(name.parse::<Dimension>(), Ok(dimension));
        assert_eq!(
            serde_json::to_value(dimension).unwrap(),
            serde_json::Value::String(name)
        );
    }
    assert!("Project".parse::<Dimension>().is_err());
    assert!("".parse::<Dimension>().is_err());
}

fn scoped(provider: Provider, amount: &str, currency: &str, scope: Scope) -> CostRecord {
    let mut record = record(provider, "2026-11-03T00:00:00Z", dec(amount), currency);
    record.scope = scope;
    record
}

#[test]
fn totals_by_dimension_need_no_closure_and_cover_every_record() {
    let project = |p: &str| Scope::new().with(Dimension::Project, p);
    let records = [
        scoped(
            Provider::OpenAi,
            "0.06",
            "USD",
            project("proj_1").with(Dimension::LineItem, "gpt-4o, input"),
        ),
        scoped(
            Provider::OpenAi,
            "0.0825",
            "USD",
            project("proj_1").with(Dimension::LineItem, "file search"),
        ),
        scoped(Provider::Northflank, "1.5", "USD", project("proj_1")),
        scoped(Provider::OpenAi, "2", "EUR", project("proj_1")),
        scoped(Provider::OpenAi, "7", "USD", project("proj_2")),
        scoped(
            Provider::Phala,
            "2.49",
            "USD",
            Scope::new().with(Dimension::App, "app"),
        ),
    ];
    let by_project = cost::totals_by_dimension(&records, Dimension::Project).unwrap();
    let key =
        |project: Option<&str>, currency: &str| (project.map(str::to_string), currency.to_string());
    // 0.06 + 0.0825 + 1.5, by hand: the same project across providers.
    assert_eq!(by_project[&key(Some("proj_1"), "USD")], dec("1.6425"));
    assert_eq!(by_project[&key(Some("proj_1"), "EUR")], dec("2"));
    assert_eq!(by_project[&key(Some("proj_2"), "USD")], dec("7"));
    assert_eq!(by_project[&key(None, "USD")], dec("2.49"));
    assert_eq!(by_project.len(), 4);
    // Every USD record is in exactly one row: the rows add up to the grand total.
    let usd: Decimal = by_project
        .iter()
        .filter(|((_, currency), _)| currency == "USD")
        .map(|(_, total)| *total)
        .sum();
    assert_eq!(usd, cost::totals_by_currency(&records).unwrap()["USD"]);
    let by_line = cost::totals_by_dimension(&records, Dimension::LineItem).unwrap();
    assert_eq!(by_line[&key(Some("file search"), "USD")], dec("0.0825"));
    assert_eq!(by_line[&key(None, "USD")], dec("10.99"));
    // Same scope, different providers: two rows.
    let by_scope = cost::totals_by_scope(&records).unwrap();
    assert_eq!(
        by_scope[&((Provider::Northflank, project("proj_1")), "USD".to_string())],
        dec("1.5")
    );
    // Exactness holds by dimension as everywhere.
    let huge = [
        scoped(
            Provider::OpenAi,
            &Decimal::MAX.to_string(),
            "USD",
            project("p"),
        ),
        scoped(Provider::OpenAi, "1", "USD", project("p")),
    ];
    assert_eq!(
        cost::totals_by_dimension(&huge, Dimension::Project),
        Err(cost::TotalsError::Inexact(money::InexactSum))
    );
}

/// Two views of the same spend are never added: a total over records of two kinds is refused,
/// whichever function computes it.
#[test]
fn totals_refuse_records_of_two_kinds() {
    let usage = record(Provider::Phala, "2026-11-03T00:00:00Z", dec("1"), "USD");
    for other in [CostKind::Invoice, CostKind::Breakdown] {
        let view = usage.clone().with_kind(other);
        let mixed = [usage.clone(), view.clone()];
        let refused = Err(cost::TotalsError::MixedKinds {
            first: CostKind::Usage,
            other,
        });
        assert_eq!(cost::totals_by_currency(&mixed), refused);
        assert_eq!(
            cost::totals_by_provider(&mixed).map(|_| ()),
            refused.map(|_| ())
        );
        assert!(cost::totals_by_day(&mixed).is_err());
        assert!(cost::totals_by_scope(&mixed).is_err());
        assert!(cost::totals_by_dimension(&mixed, Dimension::App).is_err());
        assert!(cost::totals_by(&mixed, |_| ()).is_err());
        // Each view alone has its total.
        assert_eq!(cost::totals_by_currency([&view]).unwrap()["USD"], dec("1"));
    }
    assert!(cost::TotalsError::MixedKinds {
        first: CostKind::Usage,
        other: CostKind::Invoice
    }
    .to_string()
    .contains("twice"));
}

/// Northflank reports the same money three ways: hourly totals (list usage), the drill-down of an
/// hour (get usage) and invoices. Each is its own kind, so no total mixes them.
#[cfg(feature = "northflank")]
#[test]
fn northflank_views_of_the_same_spend_are_kinds_apart() {
    use usage_bindings::money::AmountUnit;
    use usage_bindings::northflank::{cost_records, drilldown_records, invoice_records, types};

    let unit = AmountUnit::Currency;
    let list: types::ListUsageResponse =
        serde_json::from_str(&support::fixture("northflank", "list_usage.full.json")).unwrap();
    let hour: types::GetUsageResponse =
        serde_json::from_str(&support::fixture("northflank", "get_usage.full.json")).unwrap();
    let listed: types::ListInvoicesResponse =
        serde_json::from_str(&support::fixture("northflank", "list_invoices.full.json")).unwrap();
    let usage = cost_records(&list, None, unit).unwrap();
    let breakdown = drilldown_records(&hour, unit).unwrap();
    let billed = invoice_records(&listed, None, unit).unwrap();
    assert!(usage.iter().all(|r| r.kind == CostKind::Usage));
    assert!(breakdown.iter().all(|r| r.kind == CostKind::Breakdown));
    assert!(billed.iter().all(|r| r.kind == CostKind::Invoice));
    for view in [&breakdown, &billed] {
        let mixed: Vec<&CostRecord> = usage.iter().chain(view.iter()).collect();
        assert!(matches!(
            cost::totals_by_provider(mixed),
            Err(cost::TotalsError::MixedKinds { .. })
        ));
    }
    // The drill-down's nodes add up with each other: 12.3456 + 5.25 + 3.7569 + 0.125 + 81.5689.
    assert_eq!(
        cost::totals_by_currency(&breakdown).unwrap()["USD"],
        dec("103.0464")
    );
    // The billing part tells the PaaS share of an hour from its BYOC share.
    assert_eq!(usage[0].scope.get(Dimension::BillingPart), Some("paas"));
    assert_eq!(usage[1].scope.get(Dimension::BillingPart), Some("byoc"));
    assert_eq!(breakdown[0].scope.get(Dimension::BillingPart), Some("paas"));
    assert_eq!(breakdown[4].scope.get(Dimension::BillingPart), Some("byoc"));
}

/// `fetch_all` over sources the crate does not know: any `CostSource` is queried, concurrently,
/// with the window kept, the records outside it counted, every error kept and progress reported.
mod any_source {
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::{Arc, Mutex};
    use std::time::Duration;

    use futures::stream::{BoxStream, StreamExt};
    use tokio::sync::Notify;
    use usage_bindings::cost::{CostSource, ProviderCosts};
    use usage_bindings::Error;

    use super::*;

    /// Yields its items after waiting for `wait` (when given) and then wakes `wake`.
    struct Fixed {
        provider: Provider,
        items: Vec<Result<CostRecord, String>>,
        wait: Option<Arc<Notify>>,
        wake: Option<Arc<Notify>>,
        asked: Mutex<Vec<Window>>,
    }

    impl Fixed {
        fn new(provider: Provider, items: Vec<Result<CostRecord, String>>) -> Fixed {
            Fixed {
                provider,
                items,
                wait: None,
                wake: None,
                asked: Mutex::new(Vec::new()),
            }
        }
    }

    impl CostSource for Fixed {
        fn provider(&self) -> Provider {
            self.provider
        }

        fn records(&self, window: Window) -> BoxStream<'_, Result<CostRecord, Error>> {
            self.asked.lock().unwrap().push(window);
            let wait = self.wait.clone();
            let wake = self.wake.clone();
            let items: Vec<Result<CostRecord, Error>> = self
                .items
                .iter()
                .map(|item| {
                    item.clone().map_err(|message| Error::Decode {
                        provider: self.provider,
                        operation: "test",
                        path: "test".into(),
                        message,
                    })
                })
                .collect();
            futures::stream::once(async move {
                if let Some(wait) = wait {
                    wait.notified().await;
                }
                if let Some(wake) = wake {
                    wake.notify_one();
                }
                futures::stream::iter(items)
            })
            .flatten()
            .boxed()
        }
    }

    fn window() -> Window {
        Window::new(utc("2026-11-01T00:00:00Z"), utc("2026-11-03T00:00:00Z")).unwrap()
    }

    fn at(provider: Provider, start: &str, amount: &str) -> Result<CostRecord, String> {
        Ok(record(provider, start, dec(amount), "USD"))
    }

    async fn bounded<F: std::future::Future>(future: F) -> F::Output {
        tokio::time::timeout(Duration::from_secs(10), future)
            .await
            .expect("the fetch ends within 10 s")
    }

    #[tokio::test]
    async fn records_outside_the_window_and_errors_are_kept_apart() {
        let source = Fixed::new(
            Provider::Phala,
            vec![
                at(Provider::Phala, "2026-11-01T00:00:00Z", "1.5"),
                Err("one page failed".into()),
                // Across the end, then after it.
                at(Provider::Phala, "2026-11-02T23:30:00Z", "7"),
                at(Provider::Phala, "2026-11-03T00:00:00Z", "8"),
                at(Provider::Phala, "2026-11-02T23:00:00Z", "0.25"),
            ],
        );
        let results: Vec<ProviderCosts> = bounded(cost::fetch_all(&[&source], window())).await;
        assert_eq!(source.asked.lock().unwrap().as_slice(), [window()]);
        assert_eq!(results.len(), 1);
        let result = &results[0];
        assert_eq!(result.provider, Provider::Phala);
        assert!(!result.is_complete());
        assert_eq!(result.errors.len(), 1);
        assert!(result.errors[0].to_string().contains("one page failed"));
        // The records after the error are there too.
        assert_amounts(&result.records, &["1.5", "0.25"]);
        assert_eq!(result.outside_window, 2);
        let single = bounded(cost::fetch(&source, window())).await;
        assert_eq!(single.records, result.records);
    }

    /// The second source can only finish once the first has started: a fetch one source after the
    /// other would never end (and the timeout would fail the test).
    #[tokio::test]
    async fn sources_are_fetched_concurrently_in_the_order_given_with_progress() {
        let gate = Arc::new(Notify::new());
        let mut second = Fixed::new(
            Provider::OpenAi,
            vec![at(Provider::OpenAi, "2026-11-01T00:00:00Z", "2")],
        );
        second.wake = Some(gate.clone());
        let mut first = Fixed::new(
            Provider::Northflank,
            vec![
                at(Provider::Northflank, "2026-11-01T00:00:00Z", "1"),
                at(Provider::Northflank, "2026-11-01T01:00:00Z", "3"),
            ],
        );
        first.wait = Some(gate);
        let calls = AtomicUsize::new(0);
        let seen = Mutex::new(Vec::new());
        let progress = |provider: Provider, records: usize| {
            calls.fetch_add(1, Ordering::SeqCst);
            seen.lock().unwrap().push((provider, records));
        };
        let sources: Vec<Box<dyn CostSource>> = vec![Box::new(first), Box::new(second)];
        let sources: Vec<&dyn CostSource> = sources.iter().map(|s| s.as_ref()).collect();
        let results = bounded(cost::fetch_all_with_progress(&sources, window(), &progress)).await;
        let providers: Vec<Provider> = results.iter().map(|r| r.provider).collect();
        assert_eq!(providers, [Provider::Northflank, Provider::OpenAi]);
        assert!(results.iter().all(ProviderCosts::is_complete));
        assert_eq!(calls.load(Ordering::SeqCst), 3);
        let mut seen = seen.into_inner().unwrap();
        seen.sort();
        assert_eq!(
            seen,
            [
                (Provider::OpenAi, 1),
                (Provider::Northflank, 1),
                (Provider::Northflank, 2)
            ]
        );
        // The sources are the ones given: no list of providers in the cost layer.
        assert!(bounded(cost::fetch_all(&[], window())).await.is_empty());
    }
}

/// OpenAI's source asks for the grouping the caller chose, and its records carry exactly the
/// dimensions of that grouping.
#[cfg(feature = "openai")]
#[tokio::test]
async fn openai_costs_group_as_the_caller_chooses() {
    use serde_json::json;
    use usage_bindings::cost::CostSource;
    use usage_bindings::openai::{types::CostsGroupBy, Client, Config, Costs};
    use usage_bindings::RetryPolicy;
    use wiremock::matchers::{method, path};
    use wiremock::{Mock, MockServer, ResponseTemplate};

    let server = MockServer::start().await;
    let day = utc("2026-11-01T00:00:00Z").timestamp();
    Mock::given(method("GET"))
        .and(path("/organization/costs"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "object": "page", "has_more": false, "next_page": null,
            "data": [{"object": "bucket", "start_time": day, "end_time": day + 86_400,
                      "results": [{"object": "organization.costs.result",
                                   "amount": {"value": "0.5", "currency": "usd"},
                                   "project_id": "proj_1"}]}]})))
        .expect(3)
        .mount(&server)
        .await;
    let client = Client::from_config(
        Config::new("sk-admin-test")
            .with_base_url(server.uri())
            .with_retry(RetryPolicy::disabled()),
    )
    .unwrap();
    let window = Window::new(utc("2026-11-01T00:00:00Z"), utc("2026-11-02T00:00:00Z")).unwrap();
    let by_default = Costs::new(client.clone());
    let by_project = Costs::new(client.clone()).group_by(vec![CostsGroupBy::ProjectId]);
    let whole = Costs::new(client).group_by(Vec::new());
    assert_eq!(by_default.provider(), Provider::OpenAi);
    let sources: [&dyn CostSource; 3] = [&by_default, &by_project, &whole];
    let results = tokio::time::timeout(
        std::time::Duration::from_secs(10),
        cost::fetch_all(&sources, window),
    )
    .await
    .expect("the fetch ends within 10 s");
    for result in &results {
        assert!(result.is_complete(), "{:?}", result.errors);
        assert_amounts(&result.records, &["0.5"]);
        assert_eq!(
            result.records[0].scope,
            Scope::new().with(Dimension::Project, "proj_1")
        );
    }
    let mut groupings: Vec<Vec<String>> = server
        .received_requests()
        .await
        .unwrap()
        .iter()
        .map(|request| {
            request
                .url
                .query_pairs()
                .filter(|(key, _)| key == "group_by[]")
                .map(|(_, value)| value.into_owned())
                .collect()
        })
        .collect();
    groupings.sort();
    assert_eq!(
        groupings,
        [
            vec![],
            vec!["project_id".to_string()],
            vec![
                "project_id".to_string(),
                "line_item".to_string(),
                "api_key_id".to_string()
            ],
        ]
    );
}
