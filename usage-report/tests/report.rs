//! The usage report on the embedded demo server: every provider through its real client and
//! paging, totals checked against sums computed here from the demo data, and the three output
//! formats checked against each other.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use rust_decimal::Decimal;
use usage_bindings::cost::{
    self, CostKind, CostRecord, CostSource, Dimension, ProviderCosts, Scope, Window,
};
use usage_bindings::{anthropic, northflank, openai, openrouter, phala, Provider, RetryPolicy};
use usage_report::chart;
use usage_report::demo::{self, DemoServer};
use usage_report::report::{self, Format, GroupBy, Report};

/// The FOCUS 1.0 CSV of `results`, as `--format focus --focus-version 1.0` writes it.
fn focus_1_0(results: &[ProviderCosts]) -> Result<(Vec<u8>, usize), String> {
    usage_report::focus_out::export(
        results,
        &[],
        usage_report::focus_out::FocusVersion::V1_0,
        usage_report::focus_out::FileFormat::Csv,
    )
}

fn window() -> Window {
    let day = |text: &str| text.parse::<NaiveDate>().unwrap();
    Window::days(day("2026-11-01"), day("2026-11-07")).unwrap()
}

/// The totals per provider, summed from the demo's own values (Northflank's in currency units,
/// as the demo serves them, not through the crate's conversion).
fn expected_totals() -> BTreeMap<Provider, Decimal> {
    demo::totals(window()).into_iter().collect()
}

/// The sources as `fetch_all` takes them.
fn list(sources: &[Box<dyn CostSource>]) -> Vec<&dyn CostSource> {
    sources.iter().map(|source| source.as_ref()).collect()
}

/// `sources` with the source of `replacement`'s provider replaced by it.
fn replacing(
    sources: Vec<Box<dyn CostSource>>,
    replacement: Box<dyn CostSource>,
) -> Vec<Box<dyn CostSource>> {
    let provider = replacement.provider();
    let mut replacement = Some(replacement);
    sources
        .into_iter()
        .filter_map(|source| {
            if source.provider() == provider {
                replacement.take()
            } else {
                Some(source)
            }
        })
        .collect()
}

/// The sources of `provider` only.
fn only(sources: Vec<Box<dyn CostSource>>, provider: Provider) -> Vec<Box<dyn CostSource>> {
    sources
        .into_iter()
        .filter(|source| source.provider() == provider)
        .collect()
}

async fn fetch_demo() -> (DemoServer, Vec<ProviderCosts>) {
    let server = DemoServer::start(window()).await.unwrap();
    let sources = server.sources().unwrap();
    let results = cost::fetch_all(&list(&sources), window()).await;
    (server, results)
}

#[tokio::test]
async fn totals_per_provider_equal_the_demo_data() {
    let (server, results) = fetch_demo().await;
    // 7 days: 5 OpenAI lines a day, 168 Northflank hours, Phala 2 replicas × (compute +
    // storage every hour + gpu 16 hours a day) + 1 web instance × (compute + storage).
    assert_eq!(openai::demo::costs(window()).len(), 35);
    assert_eq!(northflank::demo::entries(window()).len(), 168);
    assert_eq!(
        phala::demo::usage(window()).len(),
        7 * (2 * (24 + 24 + 16) + 48)
    );
    // 7 days: 4 Anthropic lines a day, two of them in the default workspace.
    assert_eq!(anthropic::demo::costs(window()).len(), 28);
    // 7 days: 3 OpenRouter activity items a day (one BYOK, one free).
    assert_eq!(openrouter::demo::items(window()).len(), 21);

    // One result per provider, in registry order, each with every record its demo serves.
    let counts: Vec<(Provider, usize)> = results
        .iter()
        .map(|r| (r.provider, r.records.len()))
        .collect();
    assert_eq!(counts, demo::record_counts(window()));
    for result in &results {
        assert!(result.is_complete(), "{:?}", result.errors);
        assert_eq!(result.outside_window, 0, "{}", result.provider);
    }
    // Northflank: a PaaS and a BYOC record per hour.
    assert!(
        counts.contains(&(Provider::Northflank, 2 * 168)),
        "{counts:?}"
    );

    let all: Vec<_> = results.iter().flat_map(|r| r.records.clone()).collect();
    let totals = cost::totals_by_provider(&all).unwrap();
    for (provider, expected) in expected_totals() {
        assert_eq!(
            totals[&(provider, "USD".to_string())],
            expected,
            "{provider}"
        );
    }
    // Every record is inside the window, and there are no other currencies.
    assert!(all
        .iter()
        .all(|r| r.period.start >= window().start && r.period.end <= window().end));
    assert_eq!(totals.len(), demo::totals(window()).len());

    // OpenAI and Northflank were walked over several pages (the demo server pages them small).
    let paths = server.request_paths().await;
    let count = |prefix: &str| paths.iter().filter(|p| p.starts_with(prefix)).count();
    assert_eq!(count("/organization/costs"), 4); // 7 buckets, 2 a page
    assert_eq!(count("/v1/billing/usage"), 4); // 168 entries, 48 a page
                                               // Phala walks ask for 5000 records a page: one request per app.
    assert_eq!(count(&format!("/api/v1/apps/{}/", phala::demo::APPS[0])), 1); // 896 records
    assert_eq!(count(&format!("/api/v1/apps/{}/", phala::demo::APPS[1])), 1); // 336 records
    assert_eq!(count("/v1/organizations/cost_report"), 4); // 7 buckets, 2 a page
    assert_eq!(count("/api/v1/activity"), 1); // the whole window in one answer
}

/// `NORTHFLANK_AMOUNT_UNIT` as the report reads it: currency units unless it says `cents`,
/// and the line the report shows names the unit and how to change it.
#[test]
fn the_report_reads_the_amount_unit_from_northflank_amount_unit() {
    let notice = Provider::Northflank
        .descriptor()
        .and_then(|descriptor| descriptor.notice)
        .expect("a notice");
    let line = |value: Option<&'static str>| {
        notice(&move |name: &str| {
            assert_eq!(name, "NORTHFLANK_AMOUNT_UNIT");
            value.map(str::to_string)
        })
    };
    for value in [None, Some("  "), Some("currency")] {
        let text = line(value).unwrap().unwrap();
        assert!(text.contains("currency units"), "{text}");
        assert!(text.contains("NORTHFLANK_AMOUNT_UNIT=cents"), "{text}");
    }
    for value in [Some("cents"), Some(" CENTS\n")] {
        let text = line(value).unwrap().unwrap();
        assert!(text.contains("read in cents"), "{text}");
        assert!(text.contains("unset NORTHFLANK_AMOUNT_UNIT"), "{text}");
    }
    let error = line(Some("dollars")).unwrap_err().to_string();
    assert!(error.contains("NORTHFLANK_AMOUNT_UNIT"), "{error}");
    assert!(error.contains("dollars"), "{error}");
}

/// The same demo amounts read in cents: the Northflank total is the demo's sum divided by 100
/// here; the other providers do not change.
#[tokio::test]
async fn northflank_amounts_read_in_cents_are_a_hundredth() {
    let server = DemoServer::start(window()).await.unwrap();
    let cents = |name: &str| (name == "NORTHFLANK_AMOUNT_UNIT").then(|| "cents".to_string());
    let sources = server.sources_with(&cents).unwrap();
    let results = cost::fetch_all(&list(&sources), window()).await;
    let all: Vec<_> = results.iter().flat_map(|r| r.records.clone()).collect();
    let totals = cost::totals_by_provider(&all).unwrap();
    let hundred = Decimal::from(100);
    let expected: Decimal = northflank::demo::entries(window())
        .iter()
        .map(|e| (e.paas_total() + e.byoc_total()) / hundred)
        .sum();
    assert_eq!(totals[&(Provider::Northflank, "USD".to_string())], expected);
    for (provider, expected) in expected_totals() {
        if provider != Provider::Northflank {
            assert_eq!(
                totals[&(provider, "USD".to_string())],
                expected,
                "{provider}"
            );
        }
    }
}

/// The CSV rows that have an amount (a failed provider's own row has none).
fn parse_csv(text: &str) -> Vec<(String, String, Decimal, usize)> {
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    reader
        .records()
        .map(Result::unwrap)
        .filter(|row| !row[2].is_empty())
        .map(|row| {
            (
                row[0].to_string(),
                row[1].to_string(),
                row[2].parse().unwrap(),
                row[3].parse().unwrap(),
            )
        })
        .collect()
}

#[tokio::test]
async fn csv_json_and_table_agree() {
    let (_server, results) = fetch_demo().await;
    let grand_total: Decimal = expected_totals().values().sum();
    for group_by in [GroupBy::Day, GroupBy::Provider, GroupBy::Scope] {
        let report = Report::build(window(), group_by, &results);
        assert!(!report.has_errors());
        let table = report.render(Format::Table).unwrap();
        let csv_rows = parse_csv(&report.render(Format::Csv).unwrap());
        let json: serde_json::Value =
            serde_json::from_str(&report.render(Format::Json).unwrap()).unwrap();

        // CSV: the rows sum to the grand total computed from the demo data.
        let csv_total: Decimal = csv_rows.iter().map(|row| row.2).sum();
        assert_eq!(csv_total, grand_total, "{group_by}");
        let csv_records: usize = csv_rows.iter().map(|row| row.3).sum();
        let demo_records: usize = demo::record_counts(window()).iter().map(|c| c.1).sum();
        assert_eq!(csv_records, demo_records);

        // JSON: the same rows, amounts as exact strings, and the same total.
        let json_rows: Vec<(String, String, Decimal, usize)> = json["rows"]
            .as_array()
            .unwrap()
            .iter()
            .map(|row| {
                (
                    row["group"].as_str().unwrap().to_string(),
                    row["currency"].as_str().unwrap().to_string(),
                    row["amount"].as_str().unwrap().parse().unwrap(),
                    row["records"].as_u64().unwrap() as usize,
                )
            })
            .collect();
        assert_eq!(json_rows, csv_rows, "{group_by}");
        assert_eq!(
            json["totals"]["USD"]
                .as_str()
                .unwrap()
                .parse::<Decimal>()
                .unwrap(),
            grand_total
        );
        assert_eq!(json["group_by"], group_by.to_string());

        // Table: one line per row with the same group and amount, and the total line.
        for (group, currency, amount, records) in &csv_rows {
            let line = table
                .lines()
                .filter(|line| line.starts_with('│'))
                .find(|line| line.split('┆').next().unwrap().trim_matches(['│', ' ']) == group)
                .unwrap_or_else(|| panic!("no table line for {group}:\n{table}"));
            let cells: Vec<&str> = line.trim_matches('│').split('┆').map(str::trim).collect();
            assert_eq!(cells[1], currency);
            assert_eq!(cells[2].parse::<Decimal>().unwrap(), *amount);
            assert_eq!(cells[3], records.to_string());
        }
        let total_line = table.lines().find(|l| l.contains("TOTAL")).unwrap();
        assert!(
            total_line.contains(&grand_total.to_string()),
            "{total_line}"
        );
    }

    // By provider, the rows are the providers' totals.
    let report = Report::build(window(), GroupBy::Provider, &results);
    let rows = parse_csv(&report.render(Format::Csv).unwrap());
    let expected = expected_totals();
    let by_name: BTreeMap<String, Decimal> = rows.into_iter().map(|r| (r.0, r.2)).collect();
    for (provider, total) in expected {
        assert_eq!(by_name[&provider.to_string()], total);
    }
}

/// The demo week, with Northflank pointed at a server that knows no route (it answers 404).
async fn fetch_demo_with_northflank_failing() -> Vec<ProviderCosts> {
    let server = DemoServer::start(window()).await.unwrap();
    let broken = wiremock::MockServer::start().await;
    let sources = replacing(
        server.sources().unwrap(),
        Box::new(northflank::Costs::new(
            northflank::Client::from_config(
                northflank::Config::new("nf-demo-token")
                    .with_base_url(broken.uri())
                    .with_retry(RetryPolicy::disabled()),
            )
            .unwrap(),
        )),
    );
    cost::fetch_all(&list(&sources), window()).await
}

#[tokio::test]
async fn one_failing_provider_hides_nothing_of_the_others() {
    let results = fetch_demo_with_northflank_failing().await;
    let northflank = &results[1];
    assert_eq!(northflank.provider, Provider::Northflank);
    assert!(northflank.records.is_empty());
    assert_eq!(northflank.errors.len(), 1);
    assert_eq!(northflank.errors[0].status(), Some(404));

    let report = Report::build(window(), GroupBy::Provider, &results);
    assert!(report.has_errors());
    let json: serde_json::Value =
        serde_json::from_str(&report.render(Format::Json).unwrap()).unwrap();
    let statuses = json["providers"].as_array().unwrap();
    assert_eq!(statuses[1]["provider"], "northflank");
    assert!(statuses[1]["errors"][0].as_str().unwrap().contains("404"));
    // The others are all there.
    let expected = expected_totals();
    let rows = parse_csv(&report.render(Format::Csv).unwrap());
    let by_name: BTreeMap<String, Decimal> = rows.into_iter().map(|r| (r.0, r.2)).collect();
    // Every other provider is there, with its whole total.
    let others: Vec<(Provider, Decimal)> = expected
        .into_iter()
        .filter(|(provider, _)| *provider != Provider::Northflank)
        .collect();
    assert_eq!(by_name.len(), others.len());
    for (provider, total) in others {
        assert_eq!(by_name[provider.label()], total, "{provider}");
    }
}

#[tokio::test]
async fn a_failing_phala_app_does_not_hide_the_next_app() {
    let server = DemoServer::start(window()).await.unwrap();
    let client =
        phala::Client::from_config(phala::Config::new("phak_demo").with_base_url(server.uri()))
            .unwrap();
    let apps = ["no-such-app"].into_iter().chain(phala::demo::APPS);
    let sources: Vec<Box<dyn CostSource>> = vec![Box::new(phala::Costs::new(client, apps))];
    let results = cost::fetch_all(&list(&sources), window()).await;
    assert_eq!(results.len(), 1);
    assert_eq!(results[0].errors.len(), 1);
    assert_eq!(results[0].errors[0].status(), Some(404));
    assert_eq!(results[0].records.len(), 1232);
}

#[test]
fn the_window_message_names_only_the_flags_given() {
    let today = "2026-11-29".parse::<NaiveDate>().unwrap();
    let day = |text: &str| Some(text.parse::<NaiveDate>().unwrap());
    assert_eq!(
        report::window(None, day("2020-01-01"), today).unwrap_err(),
        "--until 2020-01-01 is before the default start 2026-11-22 (7 days before today): \
         give --since too"
    );
    assert_eq!(
        report::window(day("2030-01-01"), None, today).unwrap_err(),
        "--since 2030-01-01 is after the default end 2026-11-28 (yesterday): give --until too"
    );
    assert_eq!(
        report::window(day("2026-11-10"), day("2026-11-09"), today).unwrap_err(),
        "--until 2026-11-09 is before --since 2026-11-10"
    );
    // Valid windows, with and without defaults.
    let window = report::window(None, None, today).unwrap();
    assert_eq!(window.start.to_rfc3339(), "2026-11-22T00:00:00+00:00");
    assert_eq!(window.end.to_rfc3339(), "2026-11-29T00:00:00+00:00");
    let window = report::window(None, day("2026-11-22"), today).unwrap();
    assert_eq!(window.end.to_rfc3339(), "2026-11-23T00:00:00+00:00");
    let window = report::window(day("2026-11-28"), None, today).unwrap();
    assert_eq!(window.start.to_rfc3339(), "2026-11-28T00:00:00+00:00");
}

#[test]
fn the_default_window_is_the_last_seven_whole_days() {
    let today = "2026-11-25".parse::<NaiveDate>().unwrap();
    let window = report::last_seven_days(today).unwrap();
    assert_eq!(window.start.to_rfc3339(), "2026-11-18T00:00:00+00:00");
    assert_eq!(window.end.to_rfc3339(), "2026-11-25T00:00:00+00:00");
}

fn day_record(provider: Provider, day: &str, amount: &str, scope: Scope) -> CostRecord {
    let start = format!("{day}T00:00:00Z").parse().unwrap();
    CostRecord::new(
        provider,
        Window::new(start, start + chrono::TimeDelta::days(1)).unwrap(),
        amount.parse().unwrap(),
        "USD",
        scope,
    )
}

fn openai_scope(project: &str, line_item: &str, api_key: Option<&str>) -> Scope {
    Scope::new()
        .with(Dimension::Project, project)
        .with(Dimension::LineItem, line_item)
        .with_opt(Dimension::ApiKey, api_key)
}

fn phala_scope(usage_type: &str) -> Scope {
    Scope::new()
        .with(Dimension::App, "app-1")
        .with(Dimension::UsageType, usage_type)
}

fn northflank_paas_scope() -> Scope {
    Scope::new().with(
        Dimension::BillingPart,
        northflank::BillingPart::Paas.as_str(),
    )
}

fn complete(provider: Provider, records: Vec<CostRecord>) -> ProviderCosts {
    ProviderCosts {
        provider,
        records,
        outside_window: 0,
        errors: Vec::new(),
    }
}

#[test]
fn a_total_that_cannot_be_exact_fails_only_its_provider() {
    let max = Decimal::MAX.to_string();
    let almost = (Decimal::MAX - Decimal::ONE).to_string();
    let scope = || openai_scope("p", "gpt-4o, input", None);
    let results = [
        complete(
            Provider::OpenAi,
            vec![
                // An overflow, then a sum that would round (…334.5).
                day_record(Provider::OpenAi, "2026-11-01", &max, scope()),
                day_record(Provider::OpenAi, "2026-11-02", &max, scope()),
            ],
        ),
        complete(
            Provider::Northflank,
            vec![
                day_record(
                    Provider::Northflank,
                    "2026-11-01",
                    &almost,
                    northflank_paas_scope(),
                ),
                day_record(
                    Provider::Northflank,
                    "2026-11-01",
                    "0.5",
                    northflank_paas_scope(),
                ),
            ],
        ),
        complete(
            Provider::Phala,
            vec![
                day_record(Provider::Phala, "2026-11-01", "1.5", phala_scope("gpu")),
                day_record(
                    Provider::Phala,
                    "2026-11-02",
                    "2.25",
                    phala_scope("compute"),
                ),
            ],
        ),
    ];
    for group_by in [GroupBy::Day, GroupBy::Provider, GroupBy::Scope] {
        let report = Report::build(window(), group_by, &results);
        assert!(report.has_errors(), "{group_by}");
        let json: serde_json::Value =
            serde_json::from_str(&report.render(Format::Json).unwrap()).unwrap();
        let statuses = json["providers"].as_array().unwrap();
        for (index, name) in [(0, "OpenAI"), (1, "Northflank")] {
            let error = statuses[index]["errors"][0].as_str().unwrap();
            assert!(
                error.contains(name) && error.contains("not exact"),
                "{error}"
            );
        }
        assert_eq!(statuses[2]["errors"].as_array().unwrap().len(), 0);
        // Phala's rows are all there, and they are the whole total.
        let rows = parse_csv(&report.render(Format::Csv).unwrap());
        let total: Decimal = rows.iter().map(|row| row.2).sum();
        assert_eq!(total, "3.75".parse::<Decimal>().unwrap(), "{group_by}");
        assert_eq!(rows.iter().map(|row| row.3).sum::<usize>(), 2);
        assert_eq!(json["totals"]["USD"], "3.75");
    }
}

#[test]
fn scopes_that_print_alike_are_separate_rows() {
    // Both print `project=p line_item=x api_key=k`.
    let tricky = openai_scope("p", "x api_key=k", None);
    let plain = openai_scope("p", "x", Some("k"));
    assert_eq!(tricky.to_string(), plain.to_string());
    let results = [complete(
        Provider::OpenAi,
        vec![
            day_record(Provider::OpenAi, "2026-11-01", "1.25", tricky),
            day_record(Provider::OpenAi, "2026-11-01", "2", plain.clone()),
            day_record(Provider::OpenAi, "2026-11-02", "0.5", plain),
        ],
    )];
    let report = Report::build(window(), GroupBy::Scope, &results);
    let rows = parse_csv(&report.render(Format::Csv).unwrap());
    let amounts: Vec<(Decimal, usize)> = rows.iter().map(|row| (row.2, row.3)).collect();
    let dec = |text: &str| text.parse::<Decimal>().unwrap();
    assert_eq!(amounts.len(), 2, "{rows:?}");
    assert!(amounts.contains(&(dec("1.25"), 1)), "{rows:?}");
    assert!(amounts.contains(&(dec("2.5"), 2)), "{rows:?}");
    // The rows add up to the total, in every format.
    assert_eq!(report.totals["USD"], Some(dec("3.75")));
    let json: serde_json::Value =
        serde_json::from_str(&report.render(Format::Json).unwrap()).unwrap();
    let json_total: Decimal = json["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|row| dec(row["amount"].as_str().unwrap()))
        .sum();
    assert_eq!(json_total, dec("3.75"));
    // JSON rows carry the scope itself, which tells them apart.
    let line_items: Vec<&str> = json["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|row| row["scope"]["line_item"].as_str().unwrap())
        .collect();
    assert_eq!(line_items, ["x", "x api_key=k"]);
    let table = report.render(Format::Table).unwrap();
    let lines = table.lines().filter(|l| l.contains("line_item=x")).count();
    assert_eq!(lines, 2, "{table}");
}

#[tokio::test]
async fn an_incomplete_provider_is_marked_in_every_format() {
    let server = DemoServer::start(window()).await.unwrap();
    let broken = wiremock::MockServer::start().await;
    let sources = replacing(
        server.sources().unwrap(),
        Box::new(northflank::Costs::new(
            northflank::Client::from_config(
                northflank::Config::new("nf-demo-token")
                    .with_base_url(broken.uri())
                    .with_retry(RetryPolicy::disabled()),
            )
            .unwrap(),
        )),
    );
    let results = cost::fetch_all(&list(&sources), window()).await;
    for group_by in [GroupBy::Day, GroupBy::Provider, GroupBy::Scope] {
        let report = Report::build(window(), group_by, &results);
        let table = report.render(Format::Table).unwrap();
        let incomplete = table
            .lines()
            .find(|line| line.contains("INCOMPLETE"))
            .unwrap_or_else(|| panic!("no INCOMPLETE line:\n{table}"));
        assert!(incomplete.contains("Northflank"), "{table}");
        assert!(
            table
                .lines()
                .any(|l| l.contains("TOTAL") && l.contains("incomplete")),
            "{table}"
        );

        let csv_text = report.render(Format::Csv).unwrap();
        let mut reader = csv::Reader::from_reader(csv_text.as_bytes());
        let header = reader.headers().unwrap().clone();
        assert_eq!(&header[4], "complete");
        let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
        assert!(
            rows.iter()
                .any(|row| &row[0] == "Northflank" && &row[4] == "false"),
            "{rows:?}"
        );
        if group_by != GroupBy::Day {
            // Rows of providers that gave everything stay complete.
            assert!(rows
                .iter()
                .any(|row| row[0].starts_with("OpenAI") && &row[4] == "true"));
        }

        let json: serde_json::Value =
            serde_json::from_str(&report.render(Format::Json).unwrap()).unwrap();
        assert_eq!(json["complete"], false);
        assert_eq!(json["providers"][1]["complete"], false);
        assert_eq!(json["providers"][0]["complete"], true);
    }
}

#[test]
fn a_day_that_cannot_be_summed_exactly_across_providers_is_marked() {
    // Each provider's total is exact; their sum on 2026-11-01 (…334.5) is not.
    let almost = (Decimal::MAX - Decimal::ONE).to_string();
    let mut results = [
        complete(
            Provider::OpenAi,
            vec![day_record(
                Provider::OpenAi,
                "2026-11-01",
                &almost,
                openai_scope("p", "gpt-4o, input", None),
            )],
        ),
        complete(
            Provider::Phala,
            vec![
                day_record(Provider::Phala, "2026-11-01", "0.5", phala_scope("gpu")),
                day_record(Provider::Phala, "2026-11-02", "1.25", phala_scope("gpu")),
            ],
        ),
    ];
    results[1].outside_window = 3;
    let report = Report::build(window(), GroupBy::Day, &results);
    assert!(report.has_errors());
    assert!(report.providers.iter().all(|status| status.complete));
    let day = |text: &str| report.rows.iter().find(|row| row.group == text).unwrap();
    assert_eq!(day("2026-11-01").amount, None);
    assert!(!day("2026-11-01").complete);
    assert_eq!(day("2026-11-02").amount, Some("1.25".parse().unwrap()));
    assert_eq!(report.totals["USD"], None);
    let table = report.render(Format::Table).unwrap();
    assert!(
        table.contains("INCOMPLETE: the 2026-11-01 USD row"),
        "{table}"
    );
    let json: serde_json::Value =
        serde_json::from_str(&report.render(Format::Json).unwrap()).unwrap();
    assert_eq!(json["complete"], false);
    assert_eq!(json["totals"]["USD"], serde_json::Value::Null);
    // Records outside the window are shown, not counted, and do not make a report incomplete.
    assert_eq!(json["providers"][1]["outside_window"], 3);
    assert_eq!(json["providers"][0]["outside_window"], 0);
    // Grouped by provider, each row is exact and complete; only the total is not.
    let report = Report::build(window(), GroupBy::Provider, &results);
    assert!(report
        .rows
        .iter()
        .all(|row| row.amount.is_some() && row.complete));
    assert_eq!(report.totals["USD"], None);
    assert!(report.has_errors());
}

/// A provider whose cursor comes back (a server that ignores `page`) fails the report: its first
/// page is counted once, the provider is marked incomplete with the paging error, and the exit
/// status (from `has_errors`) is non-zero.
#[tokio::test]
async fn a_provider_whose_walk_cycles_fails_the_report() {
    use wiremock::matchers::{method, path};
    use wiremock::{Mock, ResponseTemplate};

    let server = DemoServer::start(window()).await.unwrap();
    let cycling = wiremock::MockServer::start().await;
    let day = window().start.timestamp();
    Mock::given(method("GET"))
        .and(path("/v1/organization/costs"))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({
            "object": "page", "has_more": true, "next_page": "page_1",
            "data": [{"object": "bucket", "start_time": day, "end_time": day + 86_400,
                      "results": [{"object": "organization.costs.result",
                                   "amount": {"value": "2.50", "currency": "usd"},
                                   "project_id": "proj_1", "line_item": "gpt-4o, input"}]}]
        })))
        .mount(&cycling)
        .await;
    let sources = replacing(
        server.sources().unwrap(),
        Box::new(openai::Costs::new(
            openai::Client::from_config(
                openai::Config::new("sk-admin-demo")
                    .with_base_url(format!("{}/v1", cycling.uri()))
                    .with_retry(RetryPolicy::disabled()),
            )
            .unwrap(),
        )),
    );
    let results = tokio::time::timeout(
        std::time::Duration::from_secs(20),
        cost::fetch_all(&list(&sources), window()),
    )
    .await
    .expect("the walk ends");
    assert_eq!(cycling.received_requests().await.unwrap().len(), 2);

    let report = Report::build(window(), GroupBy::Provider, &results);
    assert!(report.has_errors());
    let openai = &report.providers[0];
    assert_eq!(openai.provider, Provider::OpenAi);
    assert!(!openai.complete);
    assert_eq!(openai.records, 1, "the first page, once");
    assert_eq!(openai.errors.len(), 1);
    assert!(
        openai.errors[0].contains("cursor \"page_1\"") && openai.errors[0].contains("cycle"),
        "{:?}",
        openai.errors
    );
    assert!(report.providers[1..].iter().all(|p| p.complete));
    let table = report.render(Format::Table).unwrap();
    assert!(
        table
            .lines()
            .any(|l| l.contains("INCOMPLETE") && l.contains("OpenAI")),
        "{table}"
    );
}

/// The demo's Northflank invoices and credit balance, through the real client: every invoice
/// once over two pages, each a record of its period and total, kept apart from usage.
#[tokio::test]
async fn the_demo_serves_northflank_invoices_and_the_credit_balance() {
    let server = DemoServer::start(window()).await.unwrap();
    let client = northflank::Client::from_config(
        northflank::Config::new("nf-demo-token").with_base_url(server.uri()),
    )
    .unwrap();
    let source = northflank::InvoiceCosts::new(client);
    let day = |text: &str| text.parse::<NaiveDate>().unwrap();
    let months = Window::days(day("2026-07-01"), day("2026-10-31")).unwrap();

    let invoices = cost::fetch(&source, months).await;
    assert!(invoices.is_complete(), "{:?}", invoices.errors);
    let expected = northflank::demo::invoices(window());
    assert_eq!(invoices.records.len(), expected.len());
    assert_eq!(invoices.outside_window, 0);
    for (record, invoice) in invoices.records.iter().zip(&expected) {
        assert_eq!(
            (record.period.start, record.period.end, record.amount),
            (invoice.start, invoice.end, invoice.total()),
            "{}",
            invoice.id
        );
        assert_eq!(record.currency, "USD");
    }
    // 4 invoices, 2 a page.
    let count = |paths: &[String], wanted: &str| paths.iter().filter(|p| *p == wanted).count();
    assert_eq!(
        count(&server.request_paths().await, "/v1/billing/invoices"),
        2
    );

    let balance = source.client.get_credit_balance().fetch().await.unwrap();
    let data = balance.data;
    assert_eq!(data.currency.as_deref(), Some("usd"));
    let available = data
        .total
        .and_then(|total| total.available)
        .expect("a total");
    assert_eq!(available.to_string(), "69.22");
    assert_eq!(
        count(&server.request_paths().await, "/v1/billing/credit-balance"),
        1
    );
}

/// The demo's OpenAI file search and web search usage, through the real client: one bucket per
/// day over several pages, every result typed (none kept whole as unknown).
#[tokio::test]
async fn the_demo_serves_openai_file_search_and_web_search_usage() {
    use futures::TryStreamExt;
    use usage_bindings::openai::types::UsageResult;

    let server = DemoServer::start(window()).await.unwrap();
    let client = openai::Client::from_config(
        openai::Config::new("sk-admin-demo").with_base_url(server.uri()),
    )
    .unwrap();
    let start = window().start.timestamp();
    let end = window().end.timestamp();
    let files = client
        .usage_file_search_calls()
        .start_time(start)
        .end_time(end)
        .results()
        .try_collect::<Vec<_>>()
        .await
        .unwrap();
    let webs = client
        .usage_web_search_calls()
        .start_time(start)
        .end_time(end)
        .results()
        .try_collect::<Vec<_>>()
        .await
        .unwrap();
    assert_eq!(
        (files.len(), webs.len()),
        (14, 14),
        "7 days, two results a day"
    );
    for item in &files {
        let day = chrono::DateTime::from_timestamp(item.start_time, 0).unwrap();
        match &item.result {
            UsageResult::UsageFileSearchCallsResult(result) => {
                let index = result.vector_store_id.as_deref().unwrap().ends_with('1') as i64;
                assert_eq!(result.num_requests, openai::demo::search_calls(day, index));
            }
            other => panic!("not a file search result: {other:?}"),
        }
    }
    for item in &webs {
        match &item.result {
            UsageResult::UsageWebSearchCallsResult(result) => {
                assert_eq!(result.num_model_requests, result.num_requests / 2);
            }
            other => panic!("not a web search result: {other:?}"),
        }
    }
    let paths = server.request_paths().await;
    for route in [
        "/organization/usage/file_search_calls",
        "/organization/usage/web_search_calls",
    ] {
        // 7 daily buckets, 2 a page.
        assert_eq!(paths.iter().filter(|p| *p == route).count(), 4, "{route}");
    }
}

/// The report adds usage only: a source whose records are another view of the same spend
/// (invoices) is left out of the sums and marked, so that nothing is counted twice.
#[test]
fn records_of_another_kind_are_left_out_and_marked() {
    let invoice = day_record(
        Provider::Northflank,
        "2026-11-01",
        "100",
        northflank_paas_scope(),
    )
    .with_kind(CostKind::Invoice);
    let results = [
        complete(
            Provider::Northflank,
            vec![day_record(
                Provider::Northflank,
                "2026-11-01",
                "1.5",
                northflank_paas_scope(),
            )],
        ),
        complete(Provider::Northflank, vec![invoice]),
    ];
    let report = Report::build(window(), GroupBy::Provider, &results);
    assert!(report.has_errors());
    assert_eq!(report.totals["USD"], Some("1.5".parse().unwrap()));
    assert!(report.providers[0].complete);
    assert!(!report.providers[1].complete);
    assert!(
        report.providers[1].errors[0].contains("Invoice"),
        "{:?}",
        report.providers[1].errors
    );
    let table = report.render(Format::Table).unwrap();
    assert!(table.contains("INCOMPLETE: Northflank"), "{table}");
}

#[tokio::test]
async fn the_demo_serves_anthropic_costs_in_cents_with_a_null_default_workspace() {
    let server = DemoServer::start(window()).await.unwrap();
    let sources = only(server.sources().unwrap(), Provider::Anthropic);
    let results = cost::fetch_all(&list(&sources), window()).await;
    assert_eq!(results.len(), 1);
    let anthropic = &results[0];
    assert_eq!(anthropic.provider, Provider::Anthropic);
    assert!(anthropic.is_complete(), "{:?}", anthropic.errors);
    let costs = anthropic::demo::costs(window());
    assert_eq!(anthropic.records.len(), costs.len());
    for (record, cost) in anthropic.records.iter().zip(&costs) {
        // Fractional cents, converted exactly.
        assert_eq!(record.amount, cost.usd());
        assert_eq!(record.amount * Decimal::ONE_HUNDRED, cost.cents);
        assert_eq!(record.currency, "USD");
        assert_eq!(record.period.start, cost.day);
        assert_eq!(
            record.scope.get(Dimension::Workspace),
            Some(cost.workspace.unwrap_or(anthropic::DEFAULT_WORKSPACE))
        );
        assert_eq!(
            record.scope.get(Dimension::LineItem),
            Some(cost.description)
        );
        assert_eq!(record.scope.get(Dimension::Model), cost.model);
        assert_eq!(record.scope.get(Dimension::CostType), Some(cost.cost_type));
        assert_eq!(record.scope.get(Dimension::TokenType), cost.token_type);
    }
    assert!(costs.iter().any(|c| c.workspace.is_none()));
    assert!(costs.iter().any(|c| c.cents.scale() > 2));
    let paths = server.request_paths().await;
    assert_eq!(paths.len(), 4, "{paths:?}");
}

/// The demo week as FOCUS 1.0: one row per usage record, the FOCUS columns then the `x_` ones,
/// and per provider the sum of `BilledCost` is the report's own total, exactly.
#[tokio::test]
async fn the_focus_export_of_the_demo_week_adds_up_to_the_report() {
    use usage_bindings::cost::focus;

    let (_server, results) = fetch_demo().await;
    let (csv, rows) = focus_1_0(&results).unwrap();
    let usage_records: usize = results.iter().map(|r| r.records.len()).sum();
    assert_eq!(rows, usage_records);
    assert_eq!(rows, 35 + 2 * 168 + 1232 + 28 + 21);

    let mut reader = csv::Reader::from_reader(csv.as_slice());
    let header: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
    let expected_header: Vec<&str> = focus::header().collect();
    assert_eq!(header, expected_header);
    assert_eq!(&header[..43], focus::COLUMNS);
    assert!(header[43..].iter().all(|name| name.starts_with("x_")));
    let column = |name: &str| header.iter().position(|h| h == name).unwrap();
    let decimals = [
        "BilledCost",
        "EffectiveCost",
        "ListCost",
        "ContractedCost",
        "PricingQuantity",
        "ConsumedQuantity",
        "ListUnitPrice",
        "ContractedUnitPrice",
    ]
    .map(column);
    let dates = [
        "BillingPeriodStart",
        "BillingPeriodEnd",
        "ChargePeriodStart",
        "ChargePeriodEnd",
    ]
    .map(column);
    let placeholders = ["None", "NA", "N/A", "null", "NaN"];

    let mut billed: BTreeMap<String, Decimal> = BTreeMap::new();
    let mut count = 0;
    for row in reader.records() {
        let row = row.unwrap();
        count += 1;
        assert_eq!(row.len(), header.len());
        for index in decimals {
            let value = &row[index];
            assert!(
                value.is_empty() || value.contains('.'),
                "{value:?} in {row:?}"
            );
        }
        for index in dates {
            let value = &row[index];
            assert_eq!(value.len(), 20, "{value:?}");
            assert!(value.ends_with('Z'), "{value:?}");
            chrono::DateTime::parse_from_rfc3339(value).unwrap();
        }
        assert!(row.iter().all(|value| !placeholders.contains(&value)));
        assert_eq!(&row[column("BillingCurrency")], "USD");
        assert!(!row[column("BillingAccountId")].is_empty());
        assert!(!row[column("ServiceName")].is_empty());
        assert_eq!(&row[column("ChargeCategory")], "Usage");
        let cost: Decimal = row[column("BilledCost")].parse().unwrap();
        for same in ["EffectiveCost", "ListCost", "ContractedCost"] {
            assert_eq!(&row[column(same)], &row[column("BilledCost")]);
        }
        let sum = billed
            .entry(row[column("ProviderName")].to_string())
            .or_default();
        *sum = usage_bindings::money::exact_add(*sum, cost).unwrap();
    }
    assert_eq!(count, rows);

    let report = Report::build(window(), GroupBy::Provider, &results);
    assert!(!report.has_errors());
    let by_provider: BTreeMap<String, Decimal> = report
        .rows
        .iter()
        .map(|row| (row.group.clone(), row.amount.unwrap()))
        .collect();
    let names = [
        (Provider::OpenAi, "OpenAI"),
        (Provider::Northflank, "Northflank"),
        (Provider::Phala, "Phala"),
        (Provider::Anthropic, "Anthropic"),
        (Provider::OpenRouter, "OpenRouter"),
    ];
    assert_eq!(billed.len(), names.len());
    for (provider, name) in names {
        assert_eq!(
            billed[name],
            by_provider[&provider.to_string()],
            "{provider}"
        );
    }
    assert_eq!(
        billed.values().copied().sum::<Decimal>(),
        report.totals["USD"].unwrap()
    );
}

/// A FOCUS file holds complete providers only: one failed provider and nothing is written.
#[tokio::test]
async fn the_focus_export_refuses_an_incomplete_provider() {
    let results = fetch_demo_with_northflank_failing().await;
    assert!(!results[1].is_complete());
    let error = focus_1_0(&results).unwrap_err();
    assert!(error.contains("complete providers only"), "{error}");
    assert!(error.contains("Northflank failed"), "{error}");
}

fn days(first: &str, last: &str) -> Window {
    Window::days(first.parse().unwrap(), last.parse().unwrap()).unwrap()
}

/// A zero day, two providers on one day, and a share too small for a cell of its own.
#[test]
fn the_chart_of_a_small_window_draws_every_day_with_its_scale() {
    let results = [
        complete(
            Provider::OpenAi,
            vec![
                day_record(
                    Provider::OpenAi,
                    "2026-11-01",
                    "10",
                    openai_scope("p", "a", None),
                ),
                day_record(
                    Provider::OpenAi,
                    "2026-11-03",
                    "2.5",
                    openai_scope("p", "a", None),
                ),
            ],
        ),
        complete(
            Provider::Northflank,
            vec![day_record(
                Provider::Northflank,
                "2026-11-03",
                "7.5",
                northflank_paas_scope(),
            )],
        ),
        complete(
            Provider::Phala,
            vec![day_record(
                Provider::Phala,
                "2026-11-01",
                "0.01",
                phala_scope("gpu"),
            )],
        ),
        complete(Provider::Anthropic, Vec::new()),
    ];
    let report = Report::build(
        days("2026-11-01", "2026-11-03"),
        GroupBy::Provider,
        &results,
    );
    // The largest day (10.01) needs a cell of at least 1.001 for 10 cells: the next round amount
    // is 1.2. 2026-11-01: OpenAI ends at 10 / 1.2 = 8.3 → 8 cells, Phala at 10.01 / 1.2 → 8
    // (nothing of its own), so Phala takes one of OpenAI's cells. 2026-11-03: OpenAI 2.5 / 1.2 →
    // 2, Northflank ends at 10 / 1.2 → 8, so 6 cells.
    assert_eq!(
        chart::render(&report, 10),
        "Daily spend in USD by provider (UTC days)\n\
         █ OpenAI  ▓ Northflank  ▒ Phala Cloud  ░ Anthropic\n\
         2026-11-01 │███████▒│ 10.01\n\
         2026-11-02 │        │     0\n\
         2026-11-03 │██▓▓▓▓▓▓│  10.0\n\
         Scale: one cell = 1.2 USD; the largest day, 2026-11-01, is 10.01 USD (8 cells)\n"
    );
    // Wider, the same data: 10.01 / 40 → a cell of 0.3; 2026-11-01 is 33 + 1 cells (Phala's
    // 0.01 is a thirtieth of a cell, yet drawn), 2026-11-03 is 8 + 25.
    let wide = chart::render(&report, 40);
    let lines: Vec<&str> = wide.lines().collect();
    assert_eq!(lines[2], format!("2026-11-01 │{}▒│ 10.01", "█".repeat(32)));
    assert_eq!(
        lines[4],
        format!("2026-11-03 │{}{}│  10.0", "█".repeat(8), "▓".repeat(25))
    );
    assert_eq!(
        lines[5],
        "Scale: one cell = 0.3 USD; the largest day, 2026-11-01, is 10.01 USD (33 cells)"
    );
}

/// Providers that failed or were left out are marked in the legend; one chart per currency;
/// credits are not drawn but the amounts are net.
#[test]
fn the_chart_marks_incomplete_providers_and_draws_each_currency_apart() {
    let max = Decimal::MAX.to_string();
    let mut eur = day_record(Provider::Phala, "2026-11-02", "3", phala_scope("gpu"));
    eur.currency = "EUR".to_string();
    let mut failed = complete(
        Provider::Northflank,
        vec![day_record(
            Provider::Northflank,
            "2026-11-01",
            "4",
            northflank_paas_scope(),
        )],
    );
    failed.errors.push(usage_bindings::Error::InvalidConfig {
        provider: Provider::Northflank,
        message: "page 2 failed".to_string(),
    });
    let results = [
        // Not exact: left out.
        complete(
            Provider::OpenAi,
            vec![
                day_record(
                    Provider::OpenAi,
                    "2026-11-01",
                    &max,
                    openai_scope("p", "a", None),
                ),
                day_record(
                    Provider::OpenAi,
                    "2026-11-02",
                    &max,
                    openai_scope("p", "a", None),
                ),
            ],
        ),
        failed,
        complete(
            Provider::Phala,
            vec![
                day_record(Provider::Phala, "2026-11-01", "2", phala_scope("gpu")),
                day_record(Provider::Phala, "2026-11-02", "-1", phala_scope("credit")),
                eur,
            ],
        ),
    ];
    let report = Report::build(days("2026-11-01", "2026-11-02"), GroupBy::Day, &results);
    // USD on 2026-11-01: 6 in 4 cells needs a cell of 1.5; Northflank 4 / 1.5 → 3 cells, Phala
    // ends at 6 / 1.5 = 4. Phala's credit on 2026-11-02 is not drawn.
    assert_eq!(
        chart::render(&report, 4),
        "Daily spend in EUR by provider (UTC days)\n\
         █ OpenAI (INCOMPLETE, not drawn)  ▓ Northflank (INCOMPLETE)  ▒ Phala Cloud\n\
         2026-11-01 │    │ 0\n\
         2026-11-02 │▒▒▒▒│ 3\n\
         Scale: one cell = 0.8 EUR; the largest day, 2026-11-02, is 3 EUR (4 cells)\n\
         \n\
         Daily spend in USD by provider (UTC days)\n\
         █ OpenAI (INCOMPLETE, not drawn)  ▓ Northflank (INCOMPLETE)  ▒ Phala Cloud\n\
         2026-11-01 │▓▓▓▒│  6\n\
         2026-11-02 │    │ -1\n\
         Scale: one cell = 1.5 USD; the largest day, 2026-11-01, is 6 USD (4 cells)\n\
         Credits (negative amounts) are not drawn; the amounts are net.\n"
    );
}

#[test]
fn the_chart_is_drawn_on_a_terminal_unless_a_flag_says_otherwise() {
    use chart::wanted;
    for terminal in [false, true] {
        assert_eq!(wanted(None, Format::Table, terminal), Ok(terminal));
        assert_eq!(wanted(Some(true), Format::Table, terminal), Ok(true));
        for format in [Format::Table, Format::Csv, Format::Json] {
            assert_eq!(wanted(Some(false), format, terminal), Ok(false));
        }
        for (format, name) in [(Format::Csv, "csv"), (Format::Json, "json")] {
            assert_eq!(wanted(None, format, terminal), Ok(false));
            let error = wanted(Some(true), format, terminal).unwrap_err();
            assert!(error.contains(&format!("--format {name}")), "{error}");
        }
    }
}

#[test]
fn a_report_without_spend_has_no_bars() {
    let report = Report::build(
        days("2026-11-01", "2026-11-02"),
        GroupBy::Provider,
        &[complete(Provider::OpenAi, Vec::new())],
    );
    assert_eq!(
        chart::render(&report, 40),
        "Daily spend: nothing was spent in the window.\n"
    );
}

/// The binary on the demo week: without a terminal (or with `--no-chart`) the table is exactly
/// the report's table of the demo week (as the library renders it here), with no chart;
/// `--chart` adds the chart under it.
mod binary {
    use super::*;
    use std::process::{Command, Output};

    /// The table of the demo week grouped by `group_by`, rendered here from a fetch of the demo.
    async fn demo_table(group_by: GroupBy) -> String {
        let (_server, results) = fetch_demo().await;
        Report::build(window(), group_by, &results)
            .render(Format::Table)
            .unwrap()
    }

    fn usage_report(args: &[&str]) -> Output {
        Command::new(env!("CARGO_BIN_EXE_usage-report"))
            .args(["--since", "2026-11-01", "--until", "2026-11-07"])
            .arg("--demo")
            .args(args)
            .env_remove("NORTHFLANK_AMOUNT_UNIT")
            .output()
            .unwrap()
    }

    /// `--demo` reads the demo even when every key is set (to keys no provider would take: a
    /// request to a real API would fail, and none goes out), and says why on stderr.
    #[tokio::test]
    async fn demo_reads_the_demo_whatever_keys_are_set() {
        let mut command = Command::new(env!("CARGO_BIN_EXE_usage-report"));
        command.args(["--since", "2026-11-01", "--until", "2026-11-07", "--demo"]);
        for descriptor in usage_bindings::registry::descriptors() {
            command.env(descriptor.key_env_var, "not-a-key");
        }
        let output = command
            .env_remove("NORTHFLANK_AMOUNT_UNIT")
            .output()
            .unwrap();
        assert!(output.status.success(), "{output:?}");
        let stderr = String::from_utf8(output.stderr).unwrap();
        assert!(stderr.contains("--demo: showing DEMO data"), "{stderr}");
        assert_eq!(
            String::from_utf8(output.stdout).unwrap(),
            demo_table(GroupBy::Provider).await
        );
    }

    fn stdout(args: &[&str]) -> String {
        let output = usage_report(args);
        assert!(output.status.success(), "{output:?}");
        String::from_utf8(output.stdout).unwrap()
    }

    #[tokio::test]
    async fn without_a_chart_the_table_is_unchanged() {
        for (group_by, kind) in [("provider", GroupBy::Provider), ("day", GroupBy::Day)] {
            let fixture = &demo_table(kind).await;
            assert!(fixture.contains("TOTAL"), "{fixture}");
            assert!(!fixture.contains("Daily spend"), "{fixture}");
            // Piped: no chart by default.
            assert_eq!(&stdout(&["--group-by", group_by]), fixture);
            assert_eq!(&stdout(&["--group-by", group_by, "--no-chart"]), fixture);
            assert_eq!(
                &stdout(&["--group-by", group_by, "--chart", "--no-chart"]),
                fixture
            );
        }
    }

    #[tokio::test]
    async fn with_chart_the_chart_follows_the_table() {
        let (_server, results) = fetch_demo().await;
        let report = Report::build(window(), GroupBy::Provider, &results);
        let expected = format!(
            "{}\n{}",
            report.render(Format::Table).unwrap(),
            chart::render(&report, chart::WIDTH)
        );
        assert_eq!(stdout(&["--chart"]), expected);
        assert_eq!(stdout(&["--no-chart", "--chart"]), expected);
        assert!(expected.contains("Scale: one cell = 6 USD"), "{expected}");
    }

    #[test]
    fn chart_is_refused_with_csv_json_and_focus() {
        for format in ["csv", "json", "focus"] {
            let output = usage_report(&["--chart", "--format", format]);
            assert_eq!(output.status.code(), Some(2));
            assert!(output.stdout.is_empty());
            let stderr = String::from_utf8(output.stderr).unwrap();
            assert!(
                stderr.contains(&format!(
                    "--chart draws under the table only, not with --format {format}"
                )),
                "{stderr}"
            );
        }
        // --no-chart is accepted with any format, and changes nothing.
        assert_eq!(
            stdout(&["--no-chart", "--format", "csv"]),
            stdout(&["--format", "csv"])
        );
    }
}

/// The table's exact text for a fixed set of records: its layout, alignment, totals and
/// incomplete markers, byte for byte.
#[test]
fn the_table_of_fixed_records_is_exactly_this() {
    let results = [
        complete(
            Provider::OpenAi,
            vec![
                day_record(
                    Provider::OpenAi,
                    "2026-11-01",
                    "1.5",
                    openai_scope("proj_1", "gpt-4o, input", None),
                ),
                day_record(
                    Provider::OpenAi,
                    "2026-11-02",
                    "0.0825",
                    openai_scope("proj_1", "gpt-4o, output", Some("key_1")),
                ),
            ],
        ),
        complete(
            Provider::Phala,
            vec![day_record(
                Provider::Phala,
                "2026-11-02",
                "2.49",
                phala_scope("gpu"),
            )],
        ),
    ];
    for (group_by, expected) in [
        (
            GroupBy::Provider,
            include_str!("fixtures/report/fixed-by-provider.txt"),
        ),
        (
            GroupBy::Day,
            include_str!("fixtures/report/fixed-by-day.txt"),
        ),
    ] {
        let table = Report::build(days("2026-11-01", "2026-11-02"), group_by, &results)
            .render(Format::Table)
            .unwrap();
        assert_eq!(table, expected, "{group_by}:\n{table}");
    }
}
