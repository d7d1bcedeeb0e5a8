#![cfg(feature = "northflank")]
//! The Northflank client against a local mock server: the exact request of every operation, the
//! decoded body of every fixture, exact amounts in cents, the two team parameters of the team
//! route, and error bodies.

#[path = "../support/mod.rs"]
mod support;

use support::dec;

use std::str::FromStr;

use rust_decimal::Decimal;
use serde_json::Value;
use usage_bindings::money::Amount;
use usage_bindings::northflank::types::{
    ByocPrice, CreditBalance, CreditBalanceResponse, ErrorResponse, GetInvoiceResponse,
    GetUsageResponse, Invoice, InvoiceDetail, Invoices, ListInvoicesResponse, ListUsageResponse,
    PaasPrice, ResourceType, UsageDetail,
};
use usage_bindings::northflank::{self, Client, Config, OperationError};
use usage_bindings::RetryPolicy;
use wiremock::matchers::{method, path, query_param, query_param_is_missing};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

const PROVIDER: &str = "northflank";
const TOKEN: &str = support::NORTHFLANK_KEY;
/// A team ID that needs percent-encoding in a path segment (space, slash, non-ASCII).
const ODD_TEAM: &str = "team one/α";
const ODD_TEAM_ENCODED: &str = "team%20one%2F%CE%B1";

fn client(server: &MockServer) -> Client {
    support::northflank_client(server, RetryPolicy::disabled())
}

fn json_response(status: u16, fixture: &str) -> ResponseTemplate {
    support::json_response(PROVIDER, status, fixture)
        .insert_header("x-ratelimit-limit", "1000")
        .insert_header("x-ratelimit-remaining", "997")
        .insert_header("x-ratelimit-reset", "1834")
}

/// A server answering every request with `fixture`.
async fn serve(status: u16, fixture: &str) -> MockServer {
    support::serve(json_response(status, fixture)).await
}

fn amount(text: &str) -> Option<Amount> {
    Some(Amount::from_str(text).unwrap())
}

/// Method, path as sent (still percent-encoded), auth and user agent of a request.
fn assert_request(request: &Request, expected_path: &str) {
    assert_eq!(request.method.as_str(), "GET");
    assert_eq!(request.url.path(), expected_path);
    support::assert_header(request, "authorization", &format!("Bearer {TOKEN}"));
    support::assert_header(request, "user-agent", support::USER_AGENT);
    support::assert_header(request, "accept", "application/json");
    support::assert_no_header(request, "api-version");
}

fn assert_paas(
    price: &Option<PaasPrice>,
    total: &str,
    cpu: &str,
    memory: &str,
    storage: &str,
    gpu: &str,
) {
    let price = price.as_ref().expect("a PaaS price");
    assert_eq!(price.total, amount(total), "total");
    assert_eq!(price.cpu, amount(cpu), "cpu");
    assert_eq!(price.memory, amount(memory), "memory");
    assert_eq!(price.storage, amount(storage), "storage");
    assert_eq!(price.gpu, amount(gpu), "gpu");
}

fn assert_byoc(
    price: &Option<ByocPrice>,
    total: &str,
    vcpu: &str,
    memory: &str,
    gpu_memory: &str,
    cluster: &str,
) {
    let price = price.as_ref().expect("a BYOC price");
    assert_eq!(price.total, amount(total), "total");
    assert_eq!(price.vcpu, amount(vcpu), "vcpu");
    assert_eq!(price.memory, amount(memory), "memory");
    assert_eq!(price.gpu_memory, amount(gpu_memory), "gpuMemory");
    assert_eq!(price.cluster, amount(cluster), "cluster");
}

// ---------------------------------------------------------------------------------------------
// list_usage
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn list_usage_sends_every_parameter_and_decodes_a_full_page() {
    let server = serve(200, "list_usage.full.json").await;
    let response = client(&server)
        .list_usage()
        .per_page(100)
        .page(2)
        .cursor("eyJ0aW1lc3RhbXAiOjE3ODEwMDI4MDB9")
        .start_time(1_780_963_200_i64)
        .end_time(1_781_049_600_i64)
        .send()
        .await
        .unwrap();

    let request = support::only_request(&server).await;
    assert_request(&request, "/v1/billing/usage");
    support::assert_query(
        &request,
        &[
            ("per_page", "100"),
            ("page", "2"),
            ("cursor", "eyJ0aW1lc3RhbXAiOjE3ODEwMDI4MDB9"),
            ("startTime", "1780963200"),
            ("endTime", "1781049600"),
        ],
    );

    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["x-ratelimit-remaining"], "997");
    assert_eq!(response.headers()["x-ratelimit-reset"], "1834");
    let page = response.into_inner();
    assert!(page.pagination.has_next_page);
    assert_eq!(page.pagination.count, 3.0);
    assert_eq!(
        page.pagination.cursor.as_deref(),
        Some("eyJ0aW1lc3RhbXAiOjE3ODA5OTIwMDAsImRpcmVjdGlvbiI6Im5leHQifQ==")
    );
    let usage = &page.data.usage;
    assert_eq!(usage.len(), 3);
    let timestamps: Vec<_> = usage.iter().map(|e| e.timestamp).collect();
    assert_eq!(
        timestamps,
        [
            Some(1_780_999_200.0),
            Some(1_780_995_600.0),
            Some(1_780_992_000.0)
        ]
    );

    let first = &usage[0];
    assert_paas(
        &first.paas_usage.as_ref().unwrap().price,
        "1843.7712",
        "1120.5",
        "560.25",
        "87.0212",
        "76",
    );
    assert_byoc(
        &first.byoc_usage.as_ref().unwrap().price,
        "81.5689",
        "45.12",
        "22.56",
        "0",
        "13.8889",
    );
    let second = &usage[1];
    assert_paas(
        &second.paas_usage.as_ref().unwrap().price,
        "1790.0417",
        "1085.25",
        "542.625",
        "87.0167",
        "75.15",
    );
    assert_byoc(
        &second.byoc_usage.as_ref().unwrap().price,
        "79.8389",
        "43.9",
        "21.95",
        "0.1",
        "13.8889",
    );
    let third = &usage[2];
    assert_paas(
        &third.paas_usage.as_ref().unwrap().price,
        "12.3456",
        "8.2304",
        "4.1152",
        "0",
        "0",
    );
    assert_byoc(
        &third.byoc_usage.as_ref().unwrap().price,
        "0",
        "0",
        "0",
        "0",
        "0",
    );
    // Fractional cents stay exact.
    let total = third
        .paas_usage
        .as_ref()
        .unwrap()
        .price
        .as_ref()
        .unwrap()
        .total
        .unwrap();
    assert_eq!(total.value(), dec("12.3456"));
    assert_eq!(total.to_string(), "12.3456");
}

#[tokio::test]
async fn list_usage_without_parameters_sends_no_query_and_decodes_a_minimal_page() {
    let server = serve(200, "list_usage.minimal.json").await;
    let page = client(&server)
        .list_usage()
        .send()
        .await
        .unwrap()
        .into_inner();

    let request = support::only_request(&server).await;
    assert_request(&request, "/v1/billing/usage");
    support::assert_query(&request, &[]);

    assert!(page.data.usage.is_empty());
    assert!(!page.pagination.has_next_page);
    assert_eq!(page.pagination.count, 0.0);
    assert_eq!(page.pagination.cursor, None);
}

#[tokio::test]
async fn list_usage_reads_nulls_and_missing_members_as_absent() {
    let server = serve(200, "list_usage.nulls.json").await;
    let page = client(&server)
        .list_usage()
        .send()
        .await
        .unwrap()
        .into_inner();

    assert_eq!(page.pagination.cursor, None);
    assert_eq!(page.pagination.count, 4.0);
    let usage = &page.data.usage;
    assert_eq!(usage.len(), 4);
    // Every price member null.
    assert_eq!(usage[0].timestamp, None);
    assert_eq!(
        usage[0].paas_usage.as_ref().unwrap().price,
        Some(PaasPrice::default())
    );
    assert_eq!(
        usage[0].byoc_usage.as_ref().unwrap().price,
        Some(ByocPrice::default())
    );
    // Price objects null.
    assert_eq!(usage[1].timestamp, Some(1_780_995_600.0));
    assert_eq!(usage[1].paas_usage.as_ref().unwrap().price, None);
    assert_eq!(usage[1].byoc_usage.as_ref().unwrap().price, None);
    // Usage objects null.
    assert_eq!(usage[2].paas_usage, None);
    assert_eq!(usage[2].byoc_usage, None);
    // Everything missing.
    assert_eq!(usage[3].timestamp, None);
    assert_eq!(usage[3].paas_usage, None);
    assert_eq!(usage[3].byoc_usage, None);
}

#[tokio::test]
async fn list_usage_last_page_has_no_next_page_and_no_cursor() {
    let server = serve(200, "list_usage.last_page.json").await;
    let page = client(&server)
        .list_usage()
        .cursor("eyJ0aW1lc3RhbXAiOjE3ODA5OTIwMDB9")
        .send()
        .await
        .unwrap()
        .into_inner();

    let request = support::only_request(&server).await;
    support::assert_query(&request, &[("cursor", "eyJ0aW1lc3RhbXAiOjE3ODA5OTIwMDB9")]);
    assert!(!page.pagination.has_next_page);
    assert_eq!(page.pagination.cursor, None);
    assert_eq!(page.pagination.count, 1.0);
    assert_eq!(page.data.usage.len(), 1);
    assert_eq!(page.data.usage[0].timestamp, Some(1_780_988_400.0));
    assert_paas(
        &page.data.usage[0].paas_usage.as_ref().unwrap().price,
        "0.0417",
        "0.0278",
        "0.0139",
        "0",
        "0",
    );
}

/// The documented paging loop: repeat the query with the previous page's cursor until
/// `hasNextPage` is false.
#[tokio::test]
async fn list_usage_pages_with_the_returned_cursor() {
    let server = MockServer::start().await;
    let next_cursor = "eyJ0aW1lc3RhbXAiOjE3ODA5OTIwMDAsImRpcmVjdGlvbiI6Im5leHQifQ==";
    Mock::given(method("GET"))
        .and(path("/v1/billing/usage"))
        .and(query_param_is_missing("cursor"))
        .respond_with(json_response(200, "list_usage.full.json"))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v1/billing/usage"))
        .and(query_param("cursor", next_cursor))
        .respond_with(json_response(200, "list_usage.last_page.json"))
        .expect(1)
        .mount(&server)
        .await;

    let client = client(&server);
    let mut cursor: Option<String> = None;
    let mut timestamps = Vec::new();
    loop {
        let mut request = client
            .list_usage()
            .per_page(3)
            .start_time(1_780_963_200_i64);
        if let Some(cursor) = &cursor {
            request = request.cursor(cursor.clone());
        }
        let page = request.send().await.unwrap().into_inner();
        timestamps.extend(page.data.usage.iter().map(|e| e.timestamp.unwrap()));
        match (page.pagination.has_next_page, page.pagination.cursor) {
            (true, Some(next)) => cursor = Some(next),
            _ => break,
        }
    }
    assert_eq!(
        timestamps,
        [
            1_780_999_200.0,
            1_780_995_600.0,
            1_780_992_000.0,
            1_780_988_400.0
        ]
    );

    let requests = server.received_requests().await.unwrap();
    assert_eq!(requests.len(), 2);
    support::assert_query(
        &requests[0],
        &[("per_page", "3"), ("startTime", "1780963200")],
    );
    support::assert_query(
        &requests[1],
        &[
            ("per_page", "3"),
            ("startTime", "1780963200"),
            ("cursor", next_cursor),
        ],
    );
}

/// Northflank's own example of a list usage response has no `data` at all: an empty page.
#[tokio::test]
async fn list_usage_published_example_without_data_is_an_empty_page() {
    use futures::TryStreamExt;

    let server = serve(200, "list_usage.published_example.json").await;
    let page = client(&server)
        .list_usage()
        .send()
        .await
        .unwrap()
        .into_inner();
    assert!(page.data.usage.is_empty());
    assert!(!page.pagination.has_next_page);
    assert_eq!(page.pagination.count, 1.0);
    assert_eq!(page.pagination.cursor, None);

    let entries: Vec<_> = client(&server)
        .list_team_usage()
        .team("team-one")
        .items()
        .try_collect()
        .await
        .unwrap();
    assert!(entries.is_empty());
    let start = chrono::DateTime::from_timestamp(1_780_963_200, 0).unwrap();
    let window =
        usage_bindings::cost::Window::new(start, start + chrono::TimeDelta::days(1)).unwrap();
    let costs = usage_bindings::northflank::Costs::new(client(&server));
    let records: Vec<_> = usage_bindings::cost::CostSource::records(&costs, window)
        .try_collect()
        .await
        .unwrap();
    assert!(records.is_empty());
}

/// The unit of amounts is one setting of the client (`Config::amount_unit`), applied to every
/// record it fetches: currency units by default, cents when set.
#[tokio::test]
async fn the_amount_unit_is_a_client_setting_applied_to_its_records() {
    use futures::TryStreamExt;
    use usage_bindings::cost::CostSource;
    use usage_bindings::money::AmountUnit;

    let server = serve(200, "list_usage.last_page.json").await;
    let config = Config::new(TOKEN)
        .with_base_url(server.uri())
        .with_retry(RetryPolicy::disabled());
    assert_eq!(config.amount_unit(), AmountUnit::Currency);
    let cents_config = config.clone().with_amount_unit(AmountUnit::Cents);
    assert_eq!(cents_config.amount_unit(), AmountUnit::Cents);
    assert!(!format!("{cents_config:?}").contains(TOKEN));
    let start = chrono::DateTime::from_timestamp(1_780_963_200, 0).unwrap();
    let end = start + chrono::TimeDelta::days(1);
    let window = usage_bindings::cost::Window::new(start, end).unwrap();
    let mut amounts = Vec::new();
    for (config, unit) in [
        (config, AmountUnit::Currency),
        (cents_config, AmountUnit::Cents),
    ] {
        let client = Client::from_config(config).unwrap();
        assert_eq!(client.amount_unit(), unit);
        let costs = northflank::Costs::new(client);
        let records: Vec<_> = costs.records(window).try_collect().await.unwrap();
        // One entry: its PaaS record and its BYOC record.
        assert_eq!(records.len(), 2);
        assert!(records.iter().all(|record| record.currency == "USD"));
        amounts.push((records[0].amount, records[1].amount));
    }
    // The fixture's entry: paasUsage 0.0417, byocUsage 0.
    assert_eq!(
        amounts,
        [
            (dec("0.0417"), Decimal::ZERO),
            (dec("0.000417"), Decimal::ZERO)
        ]
    );
}

/// Invoices as records through the client: every page of list invoices, in the client's unit.
#[tokio::test]
async fn invoice_records_are_fetched_through_the_team_route() {
    use futures::TryStreamExt;
    use usage_bindings::cost::{CostKind, CostSource, Dimension, Scope, Window};

    let server = serve(200, "list_invoices.last_page.json").await;
    // List invoices has no time filter: the source fetches every invoice, whatever the window.
    let start = chrono::DateTime::from_timestamp(1_780_963_200, 0).unwrap();
    let window = Window::new(start, start + chrono::TimeDelta::days(1)).unwrap();
    let costs = northflank::InvoiceCosts::new(client(&server)).team(ODD_TEAM);
    let records: Vec<_> = costs.records(window).try_collect().await.unwrap();
    let request = support::only_request(&server).await;
    assert_request(
        &request,
        &format!("/v1/teams/{ODD_TEAM_ENCODED}/billing/invoices"),
    );
    support::assert_query(&request, &[("per_page", "100")]);
    assert_eq!(records.len(), 1);
    assert_eq!(records[0].amount, dec("0.5"));
    assert_eq!(records[0].currency, "USD");
    assert_eq!(records[0].period.start.timestamp(), 1_785_542_400);
    assert_eq!(records[0].period.end.timestamp(), 1_788_220_800);
    assert_eq!(
        records[0].scope,
        Scope::new()
            .with(Dimension::Invoice, "835994C3-14308")
            .with(Dimension::Team, ODD_TEAM)
    );
    assert_eq!(records[0].kind, CostKind::Invoice);
}

/// Invoices of a window are a result of their own: only an invoice whose whole period lies in
/// the window counts.
#[tokio::test]
async fn invoices_of_a_window_are_a_result_of_their_own() {
    use usage_bindings::cost::{self, Window};

    let server = serve(200, "list_invoices.last_page.json").await;
    let source = northflank::InvoiceCosts::new(client(&server));
    let at = |seconds| chrono::DateTime::from_timestamp(seconds, 0).unwrap();
    // The invoice covers [1785542400, 1788220800): August 2026.
    let august = Window::new(at(1_785_542_400), at(1_788_220_800)).unwrap();
    let result = cost::fetch(&source, august).await;
    assert!(result.is_complete(), "{:?}", result.errors);
    assert_eq!(result.records.len(), 1);
    assert_eq!(result.records[0].amount, dec("0.5"));
    assert_eq!(result.outside_window, 0);
    let one_week = Window::new(at(1_785_542_400), at(1_786_147_200)).unwrap();
    let result = cost::fetch(&source, one_week).await;
    assert!(result.records.is_empty());
    assert_eq!(result.outside_window, 1);
}

/// `pagination.count` is documented as a number, not an integer: `1.0` decodes.
#[tokio::test]
async fn list_usage_count_written_as_a_float_decodes() {
    let server = serve(200, "list_usage.float_count.json").await;
    let page = client(&server)
        .list_usage()
        .send()
        .await
        .unwrap()
        .into_inner();
    assert_eq!(page.pagination.count, 1.0);
    assert_eq!(page.data.usage.len(), 1);
    assert_eq!(
        page.data.usage[0]
            .paas_usage
            .as_ref()
            .and_then(|p| p.price.as_ref())
            .and_then(|p| p.total),
        amount("0.0417")
    );
}

// ---------------------------------------------------------------------------------------------
// get_usage
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn get_usage_sends_every_parameter_and_decodes_the_full_drill_down() {
    let server = serve(200, "get_usage.full.json").await;
    let response = client(&server)
        .get_usage()
        .timestamp("1780999200")
        .team_id("acme-platform")
        .project_id("billing-api")
        .resource_type(ResourceType::Service)
        .per_page(25)
        .page(1)
        .send()
        .await
        .unwrap();

    let request = support::only_request(&server).await;
    assert_request(&request, "/v1/billing/usage/1780999200");
    support::assert_query(
        &request,
        &[
            ("teamId", "acme-platform"),
            ("projectId", "billing-api"),
            ("resourceType", "service"),
            ("per_page", "25"),
            ("page", "1"),
        ],
    );
    assert_eq!(response.headers()["x-ratelimit-limit"], "1000");

    let body = response.into_inner();
    let pagination = body.pagination.as_ref().unwrap();
    assert!(pagination.has_next_page);
    assert_eq!(pagination.count, 4.0);
    assert_eq!(
        pagination.cursor.as_deref(),
        Some("eyJwcm9qZWN0SWQiOiJiaWxsaW5nLWFwaSIsInBhZ2UiOjJ9")
    );

    let data = &body.data;
    assert_eq!(data.timestamp, Some(1_780_999_200.0));
    assert_byoc(
        &data.byoc_usage.as_ref().unwrap().price,
        "81.5689",
        "45.12",
        "22.56",
        "0",
        "13.8889",
    );
    let paas = data.paas_usage.as_ref().unwrap();
    assert_paas(
        &paas.price,
        "1843.7712",
        "1120.5",
        "560.25",
        "87.0212",
        "76",
    );

    assert_eq!(paas.teams.len(), 1);
    let team = &paas.teams[0];
    assert_eq!(team.id.as_deref(), Some("acme-platform"));
    assert_eq!(team.name.as_deref(), Some("Acme Platform"));
    assert_paas(&team.price, "21.4775", "13.8554", "6.9277", "0.6944", "0");

    assert_eq!(team.projects.len(), 1);
    let project = &team.projects[0];
    assert_eq!(project.id.as_deref(), Some("billing-api"));
    assert_eq!(project.name.as_deref(), Some("Billing API"));
    assert_paas(
        &project.price,
        "21.4775",
        "13.8554",
        "6.9277",
        "0.6944",
        "0",
    );

    let kinds: Vec<_> = project
        .resource_types
        .iter()
        .map(|t| t.resource_type.as_deref().unwrap())
        .collect();
    assert_eq!(kinds, ["service", "addon", "job"]);

    let services = &project.resource_types[0];
    assert_paas(&services.price, "17.5956", "11.7304", "5.8652", "0", "0");
    assert_eq!(services.resources.len(), 2);
    assert_eq!(services.resources[0].id.as_deref(), Some("api-gateway"));
    assert_eq!(services.resources[0].name.as_deref(), Some("api-gateway"));
    assert_paas(
        &services.resources[0].price,
        "12.3456",
        "8.2304",
        "4.1152",
        "0",
        "0",
    );
    assert_eq!(services.resources[1].id.as_deref(), Some("invoice-worker"));
    assert_eq!(
        services.resources[1].name.as_deref(),
        Some("invoice-worker")
    );
    assert_paas(
        &services.resources[1].price,
        "5.25",
        "3.5",
        "1.75",
        "0",
        "0",
    );

    let addons = &project.resource_types[1];
    assert_paas(&addons.price, "3.7569", "2.0417", "1.0208", "0.6944", "0");
    assert_eq!(addons.resources.len(), 1);
    assert_eq!(addons.resources[0].id.as_deref(), Some("postgres-main"));
    assert_eq!(addons.resources[0].name.as_deref(), Some("postgres-main"));
    assert_paas(
        &addons.resources[0].price,
        "3.7569",
        "2.0417",
        "1.0208",
        "0.6944",
        "0",
    );

    let jobs = &project.resource_types[2];
    assert_paas(&jobs.price, "0.125", "0.0833", "0.0417", "0", "0");
    assert_eq!(jobs.resources.len(), 1);
    assert_eq!(jobs.resources[0].id.as_deref(), Some("nightly-reconcile"));
    assert_eq!(jobs.resources[0].name.as_deref(), Some("nightly-reconcile"));
    assert_paas(
        &jobs.resources[0].price,
        "0.125",
        "0.0833",
        "0.0417",
        "0",
        "0",
    );
}

fn parts(price: &Option<PaasPrice>) -> (Decimal, Decimal) {
    let p = price.as_ref().unwrap();
    let sum = [p.cpu, p.memory, p.storage, p.gpu]
        .iter()
        .map(|a| a.unwrap().value())
        .sum();
    (p.total.unwrap().value(), sum)
}

fn total(price: &Option<PaasPrice>) -> Decimal {
    price.as_ref().unwrap().total.unwrap().value()
}

/// The amounts are exact decimals: the components of every price and the children of every level
/// add up to the totals without any rounding (binary floating point would not).
#[tokio::test]
async fn get_usage_drill_down_amounts_add_up_exactly() {
    let server = serve(200, "get_usage.full.json").await;
    let body = client(&server)
        .get_usage()
        .timestamp("1780999200")
        .project_id("billing-api")
        .send()
        .await
        .unwrap()
        .into_inner();

    let paas = body.data.paas_usage.unwrap();
    let (t, s) = parts(&paas.price);
    assert_eq!(t, s);
    let byoc = body.data.byoc_usage.unwrap().price.unwrap();
    let byoc_sum: Decimal = [byoc.vcpu, byoc.memory, byoc.gpu_memory, byoc.cluster]
        .iter()
        .map(|a| a.unwrap().value())
        .sum();
    assert_eq!(byoc.total.unwrap().value(), byoc_sum);
    assert_eq!(byoc_sum, dec("81.5689"));

    let mut checked = 0;
    for team in &paas.teams {
        let (t, s) = parts(&team.price);
        assert_eq!(t, s, "team {:?}", team.id);
        let projects: Decimal = team.projects.iter().map(|p| total(&p.price)).sum();
        assert_eq!(projects, total(&team.price));
        for project in &team.projects {
            let types: Decimal = project.resource_types.iter().map(|r| total(&r.price)).sum();
            assert_eq!(types, total(&project.price));
            assert_eq!(types, dec("21.4775"));
            for kind in &project.resource_types {
                let (t, s) = parts(&kind.price);
                assert_eq!(t, s, "resource type {:?}", kind.resource_type);
                let resources: Decimal = kind.resources.iter().map(|r| total(&r.price)).sum();
                assert_eq!(resources, total(&kind.price));
                for resource in &kind.resources {
                    let (t, s) = parts(&resource.price);
                    assert_eq!(t, s, "resource {:?}", resource.id);
                    checked += 1;
                }
            }
        }
    }
    assert_eq!(checked, 4);
}

/// Northflank's own (newest) example of a get usage response: `pagination` and no `data`.
#[tokio::test]
async fn get_usage_published_example_without_data_is_an_hour_without_usage() {
    let server = serve(200, "get_usage.published_example.json").await;
    let body = client(&server)
        .get_team_usage()
        .team("team-one")
        .timestamp("1780999200")
        .send()
        .await
        .unwrap()
        .into_inner();
    assert_eq!(body.data, UsageDetail::default());
    let pagination = body.pagination.as_ref().unwrap();
    assert!(!pagination.has_next_page);
    assert_eq!(pagination.count, 1.0);
    assert_eq!(
        usage_bindings::northflank::drilldown_records(
            &body,
            usage_bindings::money::AmountUnit::Currency
        )
        .unwrap(),
        []
    );
}

#[tokio::test]
async fn get_usage_minimal_has_an_empty_team_list() {
    let server = serve(200, "get_usage.minimal.json").await;
    let body = client(&server)
        .get_usage()
        .timestamp("1780999200")
        .send()
        .await
        .unwrap()
        .into_inner();

    let request = support::only_request(&server).await;
    assert_request(&request, "/v1/billing/usage/1780999200");
    support::assert_query(&request, &[]);

    assert_eq!(body.pagination, None);
    assert_eq!(body.data.timestamp, None);
    assert_eq!(body.data.byoc_usage, None);
    let paas = body.data.paas_usage.unwrap();
    assert_eq!(paas.price, None);
    assert!(paas.teams.is_empty());
}

#[tokio::test]
async fn get_usage_filtered_by_team_lists_projects_without_resources() {
    let server = serve(200, "get_usage.team_filtered.json").await;
    let body = client(&server)
        .get_usage()
        .timestamp("1780999200")
        .team_id("acme-platform")
        .send()
        .await
        .unwrap()
        .into_inner();

    let request = support::only_request(&server).await;
    assert_request(&request, "/v1/billing/usage/1780999200");
    support::assert_query(&request, &[("teamId", "acme-platform")]);

    let pagination = body.pagination.unwrap();
    assert!(!pagination.has_next_page);
    assert_eq!(pagination.count, 2.0);
    assert_eq!(pagination.cursor, None);
    let paas = body.data.paas_usage.unwrap();
    assert_eq!(paas.teams.len(), 1);
    let team = &paas.teams[0];
    assert_eq!(team.id.as_deref(), Some("acme-platform"));
    assert_paas(&team.price, "96.2275", "50.3554", "25.1777", "4.6944", "16");
    let projects: Vec<_> = team
        .projects
        .iter()
        .map(|p| (p.id.as_deref().unwrap(), p.name.as_deref().unwrap()))
        .collect();
    assert_eq!(
        projects,
        [
            ("billing-api", "Billing API"),
            ("ml-inference", "ML Inference")
        ]
    );
    assert_paas(
        &team.projects[0].price,
        "21.4775",
        "13.8554",
        "6.9277",
        "0.6944",
        "0",
    );
    assert_paas(&team.projects[1].price, "74.75", "36.5", "18.25", "4", "16");
    assert!(team.projects.iter().all(|p| p.resource_types.is_empty()));
}

#[tokio::test]
async fn get_usage_filtered_by_resource_type_drills_down_to_resources() {
    let server = serve(200, "get_usage.resource_type_filtered.json").await;
    let body = client(&server)
        .get_usage()
        .timestamp("1780999200")
        .resource_type(ResourceType::Addon)
        .send()
        .await
        .unwrap()
        .into_inner();

    let request = support::only_request(&server).await;
    support::assert_query(&request, &[("resourceType", "addon")]);

    let team = &body.data.paas_usage.as_ref().unwrap().teams[0];
    // Under a resourceType filter the team's price covers only that slice.
    assert_paas(&team.price, "9.0069", "4.6667", "2.3333", "2.0069", "0");
    assert_eq!(team.projects.len(), 2);
    let resources: Vec<_> = team
        .projects
        .iter()
        .flat_map(|p| &p.resource_types)
        .inspect(|t| assert_eq!(t.resource_type.as_deref(), Some("addon")))
        .flat_map(|t| &t.resources)
        .map(|r| (r.id.as_deref().unwrap(), total(&r.price)))
        .collect();
    assert_eq!(
        resources,
        [
            ("postgres-main", dec("3.7569")),
            ("redis-cache", dec("5.25"))
        ]
    );
    assert_paas(
        &team.projects[1].price,
        "5.25",
        "2.625",
        "1.3125",
        "1.3125",
        "0",
    );
}

#[tokio::test]
async fn get_usage_sends_every_resource_type_by_its_exact_name() {
    let server = serve(200, "get_usage.minimal.json").await;
    let client = client(&server);
    let all = [
        (ResourceType::Job, "job"),
        (ResourceType::Service, "service"),
        (ResourceType::Addon, "addon"),
        (ResourceType::Volume, "volume"),
        (ResourceType::OpentofuJob, "opentofu-job"),
        (ResourceType::LlmModelDeployment, "llm-model-deployment"),
        (ResourceType::ExternalAddon, "external-addon"),
    ];
    for (kind, _) in all {
        client
            .get_usage()
            .timestamp("1780999200")
            .resource_type(kind)
            .send()
            .await
            .unwrap();
    }
    let requests = server.received_requests().await.unwrap();
    assert_eq!(requests.len(), all.len());
    for (request, (kind, name)) in requests.iter().zip(all) {
        support::assert_query(request, &[("resourceType", name)]);
        assert_eq!(kind.to_string(), name);
        assert_eq!(ResourceType::from_str(name).unwrap(), kind);
    }
}

#[tokio::test]
async fn get_usage_reads_nulls_as_absent() {
    let server = serve(200, "get_usage.nulls.json").await;
    let body = client(&server)
        .get_usage()
        .timestamp("1780999200")
        .send()
        .await
        .unwrap()
        .into_inner();

    assert_eq!(body.data.timestamp, None);
    assert_eq!(body.pagination.as_ref().unwrap().cursor, None);
    let paas = body.data.paas_usage.unwrap();
    assert_eq!(paas.price, None);
    let team = &paas.teams[0];
    assert_eq!(team.id.as_deref(), Some("acme-platform"));
    assert_eq!(team.name, None);
    assert_eq!(team.price, Some(PaasPrice::default()));
    let project = &team.projects[0];
    assert_eq!(
        (&project.id, &project.name, &project.price),
        (&None, &None, &None)
    );
    let kind = &project.resource_types[0];
    assert_eq!((&kind.resource_type, &kind.price), (&None, &None));
    let resource = &kind.resources[0];
    assert_eq!(
        (&resource.id, &resource.name, &resource.price),
        (&None, &None, &None)
    );
    assert_eq!(
        body.data.byoc_usage.unwrap().price,
        Some(ByocPrice::default())
    );
}

#[tokio::test]
async fn get_usage_without_timestamp_sends_nothing() {
    let server = serve(200, "get_usage.minimal.json").await;
    let error = client(&server)
        .get_usage()
        .team_id("acme-platform")
        .send()
        .await
        .unwrap_err();
    match error {
        OperationError::InvalidRequest(message) => {
            assert!(message.contains("timestamp"), "{message}")
        }
        other => panic!("expected InvalidRequest, got {other:?}"),
    }
    assert!(server.received_requests().await.unwrap().is_empty());
}

// ---------------------------------------------------------------------------------------------
// Team routes
// ---------------------------------------------------------------------------------------------

/// The team route of get usage has the team twice: in the path (`.team`) and as the `teamId`
/// query filter (`.team_id`). Both are sent, independently.
#[tokio::test]
async fn get_team_usage_sends_the_path_team_and_the_team_filter_independently() {
    let server = serve(200, "get_team_usage.full.json").await;
    let body = client(&server)
        .get_team_usage()
        .team(ODD_TEAM)
        .timestamp("1780999200")
        .team_id("team-two")
        .project_id("ml-inference")
        .resource_type(ResourceType::LlmModelDeployment)
        .per_page(10)
        .page(3)
        .send()
        .await
        .unwrap()
        .into_inner();

    let request = support::only_request(&server).await;
    assert_request(
        &request,
        &format!("/v1/teams/{ODD_TEAM_ENCODED}/billing/usage/1780999200"),
    );
    support::assert_query(
        &request,
        &[
            ("teamId", "team-two"),
            ("projectId", "ml-inference"),
            ("resourceType", "llm-model-deployment"),
            ("per_page", "10"),
            ("page", "3"),
        ],
    );

    assert_eq!(body.data.timestamp, Some(1_780_999_200.0));
    let pagination = body.pagination.unwrap();
    assert_eq!((pagination.has_next_page, pagination.count), (false, 1.0));
    let paas = body.data.paas_usage.unwrap();
    assert_paas(&paas.price, "96.2275", "50.3554", "25.1777", "4.6944", "16");
    let team = &paas.teams[0];
    assert_eq!(team.id.as_deref(), Some("team-one"));
    assert_eq!(team.name.as_deref(), Some("Team One"));
    assert_paas(&team.price, "74.75", "36.5", "18.25", "4", "16");
    let project = &team.projects[0];
    assert_eq!(project.id.as_deref(), Some("ml-inference"));
    assert_eq!(project.name.as_deref(), Some("ML Inference"));
    let kind = &project.resource_types[0];
    assert_eq!(kind.resource_type.as_deref(), Some("llm-model-deployment"));
    assert_eq!(kind.resources[0].id.as_deref(), Some("llama-3-70b"));
    assert_eq!(kind.resources[0].name.as_deref(), Some("llama-3-70b"));
    assert_paas(
        &kind.resources[0].price,
        "74.75",
        "36.5",
        "18.25",
        "4",
        "16",
    );
    assert_byoc(
        &body.data.byoc_usage.unwrap().price,
        "81.5689",
        "45.12",
        "22.56",
        "0",
        "13.8889",
    );
}

#[tokio::test]
async fn get_team_usage_without_the_filter_sends_only_the_path_team() {
    let server = serve(200, "get_team_usage.full.json").await;
    client(&server)
        .get_team_usage()
        .team("team-one")
        .timestamp("1780999200")
        .send()
        .await
        .unwrap();

    let request = support::only_request(&server).await;
    assert_request(&request, "/v1/teams/team-one/billing/usage/1780999200");
    support::assert_query(&request, &[]);
}

#[tokio::test]
async fn list_team_usage_sends_every_parameter_and_encodes_the_team() {
    let server = serve(200, "list_team_usage.full.json").await;
    let page = client(&server)
        .list_team_usage()
        .team(ODD_TEAM)
        .per_page(50)
        .page(1)
        .cursor("eyJ0ZWFtIjoidGVhbS1vbmUifQ==")
        .start_time(1_780_963_200_i64)
        .end_time(1_781_049_600_i64)
        .send()
        .await
        .unwrap()
        .into_inner();

    let request = support::only_request(&server).await;
    assert_request(
        &request,
        &format!("/v1/teams/{ODD_TEAM_ENCODED}/billing/usage"),
    );
    support::assert_query(
        &request,
        &[
            ("per_page", "50"),
            ("page", "1"),
            ("cursor", "eyJ0ZWFtIjoidGVhbS1vbmUifQ=="),
            ("startTime", "1780963200"),
            ("endTime", "1781049600"),
        ],
    );

    assert!(page.pagination.has_next_page);
    assert_eq!(page.pagination.count, 2.0);
    assert_eq!(
        page.pagination.cursor.as_deref(),
        Some("eyJ0ZWFtIjoidGVhbS1vbmUiLCJ0aW1lc3RhbXAiOjE3ODA5OTU2MDB9")
    );
    let usage = &page.data.usage;
    assert_eq!(usage.len(), 2);
    assert_eq!(usage[0].timestamp, Some(1_780_999_200.0));
    assert_paas(
        &usage[0].paas_usage.as_ref().unwrap().price,
        "21.4775",
        "13.8554",
        "6.9277",
        "0.6944",
        "0",
    );
    assert_byoc(
        &usage[0].byoc_usage.as_ref().unwrap().price,
        "81.5689",
        "45.12",
        "22.56",
        "0",
        "13.8889",
    );
    assert_eq!(usage[1].timestamp, Some(1_780_995_600.0));
    assert_paas(
        &usage[1].paas_usage.as_ref().unwrap().price,
        "20.1389",
        "12.9861",
        "6.4931",
        "0.6597",
        "0",
    );
    assert_byoc(
        &usage[1].byoc_usage.as_ref().unwrap().price,
        "79.8389",
        "43.9",
        "21.95",
        "0.1",
        "13.8889",
    );
}

#[tokio::test]
async fn list_team_usage_requires_the_team() {
    let server = serve(200, "list_team_usage.full.json").await;
    let error = client(&server)
        .list_team_usage()
        .per_page(10)
        .send()
        .await
        .unwrap_err();
    assert!(
        matches!(&error, OperationError::InvalidRequest(m) if m.contains("team")),
        "{error:?}"
    );
    assert!(server.received_requests().await.unwrap().is_empty());
}

// ---------------------------------------------------------------------------------------------
// list_invoices, get_invoice, get_credit_balance (org and team routes)
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn list_invoices_sends_every_parameter_and_decodes_a_full_page() {
    let server = serve(200, "list_invoices.full.json").await;
    let response = client(&server)
        .list_invoices()
        .per_page(20)
        .page(2)
        .cursor("eyJpbnZvaWNlIjoiODM1OTk0QzMtMTQzMTEifQ==")
        .send()
        .await
        .unwrap();

    let request = support::only_request(&server).await;
    assert_request(&request, "/v1/billing/invoices");
    support::assert_query(
        &request,
        &[
            ("per_page", "20"),
            ("page", "2"),
            ("cursor", "eyJpbnZvaWNlIjoiODM1OTk0QzMtMTQzMTEifQ=="),
        ],
    );
    assert_eq!(response.headers()["x-ratelimit-remaining"], "997");
    let page = response.into_inner();
    assert!(page.pagination.has_next_page);
    assert_eq!(page.pagination.count, 2.0);
    assert_eq!(
        page.pagination.cursor.as_deref(),
        Some("eyJpbnZvaWNlIjoiODM1OTk0QzMtMTQzMDkifQ==")
    );
    let invoices = northflank::invoices(page.data.invoices);
    assert_eq!(invoices.len(), 2);
    let first = &invoices[0];
    assert_eq!(first.id.as_deref(), Some("835994C3-14310"));
    let period = first.period.as_ref().unwrap();
    assert_eq!(
        (period.start, period.end),
        (Some(1_790_812_800.0), Some(1_793_491_200.0))
    );
    assert_eq!(first.currency.as_deref(), Some("usd"));
    assert_paas(
        &first.paas_usage.as_ref().unwrap().price,
        "1104.2",
        "640.1",
        "320.05",
        "88.05",
        "56",
    );
    assert_byoc(
        &first.byoc_usage.as_ref().unwrap().price,
        "61.8",
        "35.4",
        "17.7",
        "0",
        "8.7",
    );
    assert_eq!(first.total, amount("1366.2"));
    assert_eq!(first.sub_total, amount("1188.5"));
    assert_eq!(first.paid, Some(false));
    let second = &invoices[1];
    assert_eq!(second.id.as_deref(), Some("835994C3-14309"));
    assert_eq!(second.currency.as_deref(), Some("eur"));
    assert_eq!(second.total, amount("1197.65"));
    assert_eq!(second.sub_total, amount("998.0417"));
    assert_eq!(second.paid, Some(true));
}

#[tokio::test]
async fn list_team_invoices_sends_every_parameter_and_encodes_the_team() {
    let server = serve(200, "list_team_invoices.full.json").await;
    let page = client(&server)
        .list_team_invoices()
        .team(ODD_TEAM)
        .per_page(100)
        .page(1)
        .cursor("c1")
        .send()
        .await
        .unwrap()
        .into_inner();

    let request = support::only_request(&server).await;
    assert_request(
        &request,
        &format!("/v1/teams/{ODD_TEAM_ENCODED}/billing/invoices"),
    );
    support::assert_query(
        &request,
        &[("per_page", "100"), ("page", "1"), ("cursor", "c1")],
    );
    assert!(!page.pagination.has_next_page);
    let invoices = northflank::invoices(page.data.invoices);
    assert_eq!(invoices.len(), 1);
    assert_eq!(invoices[0].total, amount("199.02"));
    assert_eq!(invoices[0].sub_total, amount("165.85"));
}

#[tokio::test]
async fn list_team_invoices_requires_the_team() {
    let server = serve(200, "list_team_invoices.full.json").await;
    let error = client(&server)
        .list_team_invoices()
        .send()
        .await
        .unwrap_err();
    assert!(error.to_string().contains("team"), "{error}");
    assert!(server.received_requests().await.unwrap().is_empty());
}

/// The stream follows `pagination.cursor`, asking for 100 invoices a page unless told otherwise.
#[tokio::test]
async fn list_invoices_stream_follows_the_cursor() {
    use futures::TryStreamExt;

    let server = MockServer::start().await;
    let next_cursor = "eyJpbnZvaWNlIjoiODM1OTk0QzMtMTQzMDkifQ==";
    Mock::given(method("GET"))
        .and(path("/v1/teams/team-one/billing/invoices"))
        .and(query_param_is_missing("cursor"))
        .respond_with(json_response(200, "list_invoices.full.json"))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v1/teams/team-one/billing/invoices"))
        .and(query_param("cursor", next_cursor))
        .respond_with(json_response(200, "list_invoices.last_page.json"))
        .expect(1)
        .mount(&server)
        .await;
    let invoices: Vec<_> = client(&server)
        .list_team_invoices()
        .team("team-one")
        .items()
        .try_collect()
        .await
        .unwrap();
    let ids: Vec<_> = invoices.iter().map(|i| i.id.clone().unwrap()).collect();
    assert_eq!(ids, ["835994C3-14310", "835994C3-14309", "835994C3-14308"]);
    let requests = server.received_requests().await.unwrap();
    support::assert_query(&requests[0], &[("per_page", "100")]);
    support::assert_query(
        &requests[1],
        &[("per_page", "100"), ("cursor", next_cursor)],
    );

    // A size beyond the documented maximum is refused before anything is sent.
    let error = client(&server)
        .list_invoices()
        .per_page(101)
        .items()
        .try_collect::<Vec<_>>()
        .await
        .unwrap_err();
    assert!(error.to_string().contains("per_page=101"), "{error}");
    assert_eq!(server.received_requests().await.unwrap().len(), 2);
}

/// The invoice walk has the usage walk's guarantees: a cursor sent again (a cycle) or "more
/// pages" without a cursor ends it with a paging error, and the page that led to a cycle is
/// not yielded.
#[tokio::test]
async fn list_invoices_stream_ends_on_a_cycle_or_a_missing_cursor() {
    use futures::StreamExt;
    use serde_json::json;
    use usage_bindings::paging::PagingProblem;

    let page = |id: &str, cursor: Value| {
        json!({"data": {"invoices": [{"id": id}]},
               "pagination": {"hasNextPage": true, "cursor": cursor, "count": 1}})
    };
    let server = MockServer::start().await;
    let invoices = || Mock::given(method("GET")).and(path("/v1/billing/invoices"));
    for (cursor, body) in [
        (None, page("i1", json!("c1"))),
        (Some("c1"), page("i2", json!("c2"))),
        (Some("c2"), page("i3", json!("c1"))),
    ] {
        let mock = match cursor {
            None => invoices().and(query_param_is_missing("cursor")),
            Some(cursor) => invoices().and(query_param("cursor", cursor)),
        };
        mock.respond_with(ResponseTemplate::new(200).set_body_json(body))
            .mount(&server)
            .await;
    }
    let items: Vec<_> = client(&server).list_invoices().items().collect().await;
    let ids: Vec<_> = items
        .iter()
        .filter_map(|item| item.as_ref().ok()?.id.clone())
        .collect();
    assert_eq!(ids, ["i1", "i2"]);
    match items.last() {
        Some(Err(usage_bindings::Error::Paging {
            operation, problem, ..
        })) => {
            assert_eq!(*operation, "list_invoices");
            assert_eq!(*problem, PagingProblem::RepeatedCursor("c1".into()));
        }
        other => panic!("expected a paging error, got {other:?}"),
    }

    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(page("i1", Value::Null)))
        .mount(&server)
        .await;
    let items: Vec<_> = client(&server)
        .list_team_invoices()
        .team("team-one")
        .items()
        .collect()
        .await;
    assert_eq!(items.len(), 2);
    assert!(items[0].is_ok());
    match &items[1] {
        Err(usage_bindings::Error::Paging {
            operation, problem, ..
        }) => {
            assert_eq!(*operation, "list_team_invoices");
            assert_eq!(*problem, PagingProblem::MissingCursor);
        }
        other => panic!("expected a paging error, got {other:?}"),
    }
}

/// Both published list invoices bodies: the current one (an invoice with only `currency`) and
/// the April 2026 one, where `invoices` is a single object.
#[tokio::test]
async fn list_invoices_published_examples_decode() {
    use futures::TryStreamExt;

    let server = serve(200, "list_invoices.published_example.json").await;
    let invoices: Vec<_> = client(&server)
        .list_invoices()
        .items()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(
        invoices,
        [Invoice {
            currency: Some("usd".into()),
            ..Invoice::default()
        }]
    );

    let server = serve(200, "list_invoices.published_april_2026.json").await;
    let page = client(&server)
        .list_invoices()
        .send()
        .await
        .unwrap()
        .into_inner();
    assert!(matches!(page.data.invoices, Some(Invoices::Invoice(_))));
    let invoices = northflank::invoices(page.data.invoices);
    assert_eq!(invoices.len(), 1);
    let period = invoices[0].period.as_ref().unwrap();
    assert_eq!(
        (period.start, period.end),
        (Some(1_655_823_815.0), Some(1_655_910_214.0))
    );
    assert_eq!(invoices[0].total, amount("1200"));
    assert_eq!(page.pagination.count, 1.0);
}

#[tokio::test]
async fn get_invoice_sends_every_parameter_and_decodes_the_full_invoice() {
    let server = serve(200, "get_invoice.full.json").await;
    let response = client(&server)
        .get_invoice()
        .invoice_id("835994C3-14310")
        .team_id("team-one")
        .project_id("proj-api")
        .resource_type(ResourceType::OpentofuJob)
        .per_page(100)
        .page(2)
        .send()
        .await
        .unwrap();

    let request = support::only_request(&server).await;
    assert_request(&request, "/v1/billing/invoices/835994C3-14310");
    support::assert_query(
        &request,
        &[
            ("teamId", "team-one"),
            ("projectId", "proj-api"),
            ("resourceType", "opentofu-job"),
            ("per_page", "100"),
            ("page", "2"),
        ],
    );
    assert_eq!(response.headers()["x-ratelimit-limit"], "1000");
    let body = response.into_inner();
    let pagination = body.pagination.unwrap();
    assert_eq!((pagination.has_next_page, pagination.count), (false, 1.0));
    let invoice = body.data;
    assert_eq!(invoice.id.as_deref(), Some("835994C3-14310"));
    let period = invoice.period.as_ref().unwrap();
    assert_eq!(
        (period.start, period.end),
        (Some(1_790_812_800.0), Some(1_793_491_200.0))
    );
    assert_eq!(invoice.currency.as_deref(), Some("usd"));
    assert_byoc(
        &invoice.byoc_usage.as_ref().unwrap().price,
        "61.8",
        "35.4",
        "17.7",
        "0",
        "8.7",
    );
    let paas = invoice.paas_usage.as_ref().unwrap();
    assert_paas(&paas.price, "1104.2", "640.1", "320.05", "88.05", "56");
    let team = &paas.teams[0];
    assert_eq!(
        (team.id.as_deref(), team.name.as_deref()),
        (Some("team-one"), Some("Team One"))
    );
    let project = &team.projects[0];
    assert_eq!(project.id.as_deref(), Some("proj-api"));
    let kinds: Vec<_> = project
        .resource_types
        .iter()
        .map(|k| k.resource_type.as_deref().unwrap())
        .collect();
    assert_eq!(kinds, ["service", "volume"]);
    let resources: Vec<_> = project.resource_types[0]
        .resources
        .iter()
        .map(|r| (r.id.as_deref().unwrap(), total(&r.price)))
        .collect();
    assert_eq!(
        resources,
        [("api-gateway", dec("870.15")), ("inference", dec("56"))]
    );
    let lines: Vec<_> = invoice
        .line_items
        .iter()
        .map(|l| (l.title.as_deref().unwrap(), l.total, l.base, l.proration))
        .collect();
    assert_eq!(
        lines,
        [
            (
                "PaaS usage",
                amount("1104.2"),
                amount("1104.2"),
                amount("0")
            ),
            ("BYOC usage", amount("61.8"), amount("61.8"), amount("0")),
            ("Team plan", amount("22.5"), amount("30"), amount("-7.5")),
        ]
    );
    assert_eq!(invoice.sub_total, amount("1188.5"));
    assert_eq!(invoice.discounts.as_ref().unwrap().total, amount("50"));
    let tax = invoice.tax.as_ref().unwrap();
    assert_eq!(
        (tax.percent, tax.amount, tax.value),
        (amount("20"), amount("227.7"), None)
    );
    assert_eq!(invoice.total, amount("1366.2"));
    assert_eq!(invoice.paid, Some(false));
    // The documented arithmetic holds exactly: line items → subtotal; minus discounts, plus tax.
    let sum: Decimal = invoice
        .line_items
        .iter()
        .map(|l| l.total.unwrap().value())
        .sum();
    assert_eq!(Some(Amount::from(sum)), invoice.sub_total);
    let value = |a: Option<Amount>| a.unwrap().value();
    assert_eq!(
        value(invoice.sub_total) - value(invoice.discounts.unwrap().total) + value(tax.amount),
        value(invoice.total)
    );
}

#[tokio::test]
async fn get_team_invoice_sends_the_path_team_and_the_team_filter_independently() {
    let server = serve(200, "get_team_invoice.full.json").await;
    let body = client(&server)
        .get_team_invoice()
        .team(ODD_TEAM)
        .invoice_id("835994C3/14310")
        .team_id("team-two")
        .send()
        .await
        .unwrap()
        .into_inner();

    let request = support::only_request(&server).await;
    assert_request(
        &request,
        &format!("/v1/teams/{ODD_TEAM_ENCODED}/billing/invoices/835994C3%2F14310"),
    );
    support::assert_query(&request, &[("teamId", "team-two")]);
    let pagination = body.pagination.unwrap();
    assert!(pagination.has_next_page);
    assert_eq!(pagination.cursor.as_deref(), Some("eyJwYWdlIjoyfQ=="));
    let paas = body.data.paas_usage.unwrap();
    assert_eq!(paas.teams[0].id.as_deref(), Some("team-two"));
    assert_eq!(paas.teams[0].projects[0].id.as_deref(), Some("proj-web"));
    assert!(paas.teams[0].projects[0].resource_types.is_empty());
    assert_eq!(body.data.total, amount("199.02"));
    assert_eq!(body.data.tax.unwrap().amount, amount("33.17"));
}

#[tokio::test]
async fn get_invoice_requires_the_invoice_id() {
    let server = serve(200, "get_invoice.full.json").await;
    let error = client(&server).get_invoice().send().await.unwrap_err();
    assert!(error.to_string().contains("invoice_id"), "{error}");
    assert!(server.received_requests().await.unwrap().is_empty());
}

/// Northflank's published get invoice bodies: the current one (`currency` and `pagination`), the
/// older one without `pagination`, and the April 2026 invoice details body (`tax.value`).
#[tokio::test]
async fn get_invoice_published_examples_decode() {
    for fixture in [
        "get_invoice.published_example.json",
        "get_invoice.published_without_pagination.json",
    ] {
        let server = serve(200, fixture).await;
        let body = client(&server)
            .get_invoice()
            .invoice_id("835994C3-14310")
            .send()
            .await
            .unwrap()
            .into_inner();
        assert_eq!(
            body.data,
            InvoiceDetail {
                currency: Some("usd".into()),
                ..InvoiceDetail::default()
            },
            "{fixture}"
        );
        assert_eq!(
            body.pagination.is_some(),
            fixture.contains("published_example"),
            "{fixture}"
        );
    }

    let server = serve(200, "get_invoice.published_invoice_details.json").await;
    let body = client(&server)
        .get_team_invoice()
        .team("team-one")
        .invoice_id("details")
        .send()
        .await
        .unwrap()
        .into_inner();
    let period = body.data.period.unwrap();
    assert_eq!(
        (period.start, period.end),
        (Some(1_655_823_815.0), Some(1_655_910_214.0))
    );
    let tax = body.data.tax.unwrap();
    assert_eq!(
        (tax.percent, tax.amount, tax.value),
        (amount("20"), None, amount("200"))
    );
}

#[tokio::test]
async fn get_credit_balance_sends_no_query_and_decodes_the_balance() {
    let server = serve(200, "get_credit_balance.full.json").await;
    let response = client(&server).get_credit_balance().send().await.unwrap();

    let request = support::only_request(&server).await;
    assert_request(&request, "/v1/billing/credit-balance");
    support::assert_query(&request, &[]);
    assert_eq!(response.headers()["x-ratelimit-reset"], "1834");
    let balance = response.into_inner().data;
    assert_eq!(balance.currency.as_deref(), Some("usd"));
    let total = balance.total.unwrap();
    assert_eq!(
        (total.available, total.pending),
        (amount("69.22"), amount("25"))
    );
    let grants = balance.grants.unwrap();
    assert_eq!(
        (grants.available, grants.pending),
        (amount("50"), amount("25"))
    );
    assert_eq!(balance.customer_balance.unwrap().amount, amount("19.22"));
    assert_eq!(
        balance.last_synced_at.unwrap().to_rfc3339(),
        "2026-11-28T09:41:07.318+00:00"
    );
}

#[tokio::test]
async fn get_team_credit_balance_encodes_the_team_and_reads_what_is_owed() {
    let server = serve(200, "get_credit_balance.owed.json").await;
    let balance = client(&server)
        .get_team_credit_balance()
        .team(ODD_TEAM)
        .send()
        .await
        .unwrap()
        .into_inner()
        .data;

    let request = support::only_request(&server).await;
    assert_request(
        &request,
        &format!("/v1/teams/{ODD_TEAM_ENCODED}/billing/credit-balance"),
    );
    support::assert_query(&request, &[]);
    // Owed (negative) does not reduce what is available.
    assert_eq!(balance.customer_balance.unwrap().amount, amount("-12.5"));
    assert_eq!(balance.total.unwrap().available, amount("50"));

    let server = serve(200, "get_team_credit_balance.full.json").await;
    let balance = client(&server)
        .get_team_credit_balance()
        .team("team-two")
        .send()
        .await
        .unwrap()
        .into_inner()
        .data;
    assert_eq!(balance.currency.as_deref(), Some("eur"));
    let total = balance.total.unwrap();
    assert_eq!((total.available, total.pending), (amount("10.5"), None));
}

#[tokio::test]
async fn get_credit_balance_published_example_decodes() {
    let server = serve(200, "get_credit_balance.published_example.json").await;
    let body = client(&server)
        .get_credit_balance()
        .send()
        .await
        .unwrap()
        .into_inner();
    assert_eq!(
        body.data,
        CreditBalance {
            currency: Some("usd".into()),
            ..CreditBalance::default()
        }
    );
}

/// The error envelope exactly as Northflank's API overview publishes it.
#[tokio::test]
async fn the_published_error_envelope_decodes() {
    let server = serve(404, "error.published_example.json").await;
    let error = client(&server)
        .get_invoice()
        .invoice_id("835994C3-14310")
        .send()
        .await
        .unwrap_err();
    let (body, _) = error_body(error, 404);
    assert_eq!(body.error.status, Some(404));
    assert_eq!(body.error.message.as_deref(), Some("Not found"));
    assert_eq!(body.error.id.as_deref(), Some("..."));
    assert_eq!(body.error.details, Some(serde_json::Map::new()));
}

// ---------------------------------------------------------------------------------------------
// Errors
// ---------------------------------------------------------------------------------------------

/// Calls `operation` with its required parameters and keeps only the error.
async fn call(client: &Client, operation: &str) -> Result<(), OperationError> {
    match operation {
        "list_usage" => client.list_usage().send().await.map(drop),
        "get_usage" => client
            .get_usage()
            .timestamp("1780999200")
            .send()
            .await
            .map(drop),
        "list_team_usage" => client
            .list_team_usage()
            .team("team-one")
            .send()
            .await
            .map(drop),
        "get_team_usage" => client
            .get_team_usage()
            .team("team-one")
            .timestamp("1780999200")
            .send()
            .await
            .map(drop),
        "list_invoices" => client.list_invoices().send().await.map(drop),
        "list_team_invoices" => client
            .list_team_invoices()
            .team("team-one")
            .send()
            .await
            .map(drop),
        "get_invoice" => client
            .get_invoice()
            .invoice_id("835994C3-14310")
            .send()
            .await
            .map(drop),
        "get_team_invoice" => client
            .get_team_invoice()
            .team("team-one")
            .invoice_id("835994C3-14310")
            .send()
            .await
            .map(drop),
        "get_credit_balance" => client.get_credit_balance().send().await.map(drop),
        "get_team_credit_balance" => client
            .get_team_credit_balance()
            .team("team-one")
            .send()
            .await
            .map(drop),
        other => panic!("unknown operation {other}"),
    }
}

const OPERATIONS: [&str; 10] = [
    "list_usage",
    "get_usage",
    "list_team_usage",
    "get_team_usage",
    "list_invoices",
    "list_team_invoices",
    "get_invoice",
    "get_team_invoice",
    "get_credit_balance",
    "get_team_credit_balance",
];

fn error_body(error: OperationError, status: u16) -> (ErrorResponse, http::HeaderMap) {
    match error {
        OperationError::ErrorResponse(response) => {
            assert_eq!(response.status().as_u16(), status);
            let headers = response.headers().clone();
            (response.into_inner(), headers)
        }
        other => panic!("expected an ErrorResponse with status {status}, got {other:?}"),
    }
}

#[tokio::test]
async fn not_found_is_an_error_response_with_the_decoded_body() {
    let server = serve(404, "error.not_found.json").await;
    let error = client(&server)
        .get_team_usage()
        .team("no-such-team")
        .timestamp("1780999200")
        .send()
        .await
        .unwrap_err();
    assert_eq!(error.status().map(|s| s.as_u16()), Some(404));
    let (body, _) = error_body(error, 404);
    assert_eq!(body.error.status, Some(404));
    assert_eq!(body.error.message.as_deref(), Some("Team not found"));
    assert_eq!(body.error.id.as_deref(), Some("team-not-found"));
    assert_eq!(body.error.details, None);
}

#[tokio::test]
async fn unauthorized_is_an_error_response_with_the_decoded_body() {
    let server = serve(401, "error.unauthorized.json").await;
    let error = client(&server).list_usage().send().await.unwrap_err();
    let (body, _) = error_body(error, 401);
    assert_eq!(body.error.status, Some(401));
    assert_eq!(
        body.error.message.as_deref(),
        Some("Unauthorized: the API token is invalid or has expired")
    );
    assert_eq!(body.error.id.as_deref(), Some("unauthorized"));
}

#[tokio::test]
async fn validation_error_keeps_its_free_form_details() {
    let server = serve(400, "error.validation.json").await;
    let error = client(&server)
        .list_usage()
        .end_time(1_781_049_600_i64)
        .send()
        .await
        .unwrap_err();
    let (body, _) = error_body(error, 400);
    assert_eq!(body.error.id.as_deref(), Some("validation-error"));
    assert_eq!(
        body.error.message.as_deref(),
        Some("Invalid query parameters")
    );
    let details = body.error.details.unwrap();
    assert_eq!(
        details["endTime"],
        serde_json::json!(["endTime requires startTime"])
    );
    assert_eq!(
        details["per_page"],
        serde_json::json!(["must be less than or equal to 100"])
    );
}

#[tokio::test]
async fn rate_limited_is_an_error_response_with_the_rate_limit_headers() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(
            ResponseTemplate::new(429)
                .set_body_raw(
                    support::fixture(PROVIDER, "error.rate_limited.json"),
                    "application/json",
                )
                .insert_header("x-ratelimit-limit", "1000")
                .insert_header("x-ratelimit-remaining", "0")
                .insert_header("x-ratelimit-reset", "1834"),
        )
        .mount(&server)
        .await;
    let error = client(&server)
        .get_usage()
        .timestamp("1780999200")
        .send()
        .await
        .unwrap_err();
    // Retries are disabled: exactly one attempt.
    assert_eq!(server.received_requests().await.unwrap().len(), 1);
    let (body, headers) = error_body(error, 429);
    assert_eq!(body.error.status, Some(429));
    assert_eq!(body.error.id.as_deref(), Some("rate-limit-exceeded"));
    assert_eq!(
        body.error.message.as_deref(),
        Some("Too many requests, please try again later.")
    );
    assert_eq!(headers["x-ratelimit-limit"], "1000");
    assert_eq!(headers["x-ratelimit-remaining"], "0");
    assert_eq!(headers["x-ratelimit-reset"], "1834");
}

#[tokio::test]
async fn minimal_and_null_error_bodies_decode_with_every_member_absent() {
    for (status, fixture) in [(403, "error.minimal.json"), (502, "error.nulls.json")] {
        let server = serve(status, fixture).await;
        let error = client(&server)
            .list_team_usage()
            .team("team-one")
            .send()
            .await
            .unwrap_err();
        let (body, _) = error_body(error, status);
        assert_eq!(body.error.status, None, "{fixture}");
        assert_eq!(body.error.message, None, "{fixture}");
        assert_eq!(body.error.id, None, "{fixture}");
        assert_eq!(body.error.details, None, "{fixture}");
    }
}

/// Every documented error status of every operation is an `ErrorResponse` with the decoded body.
#[tokio::test]
async fn every_operation_returns_every_documented_error_status_as_an_error_response() {
    let cases = [
        (400, "error.validation.json"),
        (401, "error.unauthorized.json"),
        (403, "error.forbidden.json"),
        (404, "error.not_found.json"),
        (429, "error.rate_limited.json"),
        (500, "error.server.json"),
        (503, "error.minimal.json"),
    ];
    for (status, fixture) in cases {
        let server = serve(status, fixture).await;
        let client = client(&server);
        let expected: ErrorResponse =
            serde_json::from_str(&support::fixture(PROVIDER, fixture)).unwrap();
        for operation in OPERATIONS {
            let error = call(&client, operation).await.unwrap_err();
            let (body, _) = error_body(error, status);
            assert_eq!(body, expected, "{operation} {status}");
        }
    }
}

#[tokio::test]
async fn forbidden_error_names_the_missing_permission() {
    let server = serve(403, "error.forbidden.json").await;
    let error = client(&server).list_usage().send().await.unwrap_err();
    let (body, _) = error_body(error, 403);
    assert_eq!(body.error.id.as_deref(), Some("forbidden"));
    assert_eq!(
        body.error.details.unwrap()["requiredPermission"],
        "Account > Billing > General > Read"
    );
}

#[tokio::test]
async fn an_undocumented_status_is_an_unexpected_response() {
    let server = serve(418, "error.minimal.json").await;
    let error = client(&server).list_usage().send().await.unwrap_err();
    match error {
        OperationError::UnexpectedResponse(response) => assert_eq!(response.status().as_u16(), 418),
        other => panic!("expected UnexpectedResponse, got {other:?}"),
    }
}

#[tokio::test]
async fn a_non_json_error_body_keeps_its_status_and_text() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(
            ResponseTemplate::new(502)
                .set_body_raw("<html><body>502 Bad Gateway</body></html>", "text/html"),
        )
        .mount(&server)
        .await;
    let error = client(&server).list_usage().send().await.unwrap_err();
    match error {
        OperationError::UnexpectedResponse(response) => {
            assert_eq!(response.status().as_u16(), 502);
            assert_eq!(
                response.text().await.unwrap(),
                "<html><body>502 Bad Gateway</body></html>"
            );
        }
        other => panic!("expected UnexpectedResponse, got {other:?}"),
    }
}

/// The crate's error type reads Northflank's envelope: message, `error.id`, and the wait from
/// `x-ratelimit-reset`.
#[tokio::test]
async fn the_crate_error_reads_the_northflank_envelope() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(
            ResponseTemplate::new(429)
                .set_body_raw(
                    support::fixture(PROVIDER, "error.rate_limited.json"),
                    "application/json",
                )
                .insert_header("x-ratelimit-remaining", "0")
                .insert_header("x-ratelimit-reset", "1834"),
        )
        .mount(&server)
        .await;
    let error = client(&server).list_usage().send().await.unwrap_err();
    let error = usage_bindings::Error::from(error);
    assert_eq!(error.status(), Some(429));
    let api = error.api().unwrap();
    assert_eq!(
        api.message.as_deref(),
        Some("Too many requests, please try again later.")
    );
    assert_eq!(api.request_id.as_deref(), Some("rate-limit-exceeded"));
    assert_eq!(api.retry_after, Some(std::time::Duration::from_secs(1834)));
    assert!(!error.to_string().contains(TOKEN));
}

// ---------------------------------------------------------------------------------------------
// Forward compatibility and fixtures
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn unknown_fields_at_every_level_are_ignored() {
    let server = serve(200, "get_usage.unknown_fields.json").await;
    let body = client(&server)
        .get_usage()
        .timestamp("1780999200")
        .send()
        .await
        .unwrap()
        .into_inner();
    let paas = body.data.paas_usage.unwrap();
    assert_paas(&paas.price, "12.3456", "8.2304", "4.1152", "0", "0");
    let kind = &paas.teams[0].projects[0].resource_types[0];
    // A resource type the filter enum does not know is kept as text.
    assert_eq!(kind.resource_type.as_deref(), Some("sandbox"));
    assert_eq!(kind.resources[0].id.as_deref(), Some("api-gateway"));
    assert_paas(
        &kind.resources[0].price,
        "12.3456",
        "8.2304",
        "4.1152",
        "0",
        "0",
    );
    assert_eq!(body.pagination.unwrap().count, 1.0);

    let server = serve(200, "list_usage.unknown_fields.json").await;
    let page = client(&server)
        .list_usage()
        .send()
        .await
        .unwrap()
        .into_inner();
    let entry = &page.data.usage[0];
    assert_paas(
        &entry.paas_usage.as_ref().unwrap().price,
        "100.5",
        "60",
        "30",
        "10.5",
        "0",
    );
    assert_byoc(
        &entry.byoc_usage.as_ref().unwrap().price,
        "2.5",
        "1.5",
        "1",
        "0",
        "0",
    );
    assert!(!page.pagination.has_next_page);
}

/// Numbers as f64 and nulls removed, so that a decoded-then-encoded body compares with its
/// fixture whatever the number representation.
fn normalize(value: Value) -> Value {
    match value {
        Value::Number(n) => serde_json::json!(n.as_f64().unwrap()),
        Value::Array(items) => Value::Array(items.into_iter().map(normalize).collect()),
        Value::Object(map) => Value::Object(
            map.into_iter()
                .filter(|(_, v)| !v.is_null())
                .map(|(k, v)| (k, normalize(v)))
                .collect(),
        ),
        other => other,
    }
}

fn decode_as<T: serde::de::DeserializeOwned + serde::Serialize>(name: &str, text: &str) -> Value {
    let decoded: T =
        serde_json::from_str(text).unwrap_or_else(|e| panic!("{name} does not decode: {e}"));
    serde_json::to_value(decoded).unwrap()
}

/// Every fixture decodes into the type its name says, and (unless it carries unknown fields on
/// purpose) encodes back to the same JSON: no member of a fixture is lost or misnamed.
#[test]
fn every_fixture_decodes_into_its_type_without_losing_members() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/northflank");
    let mut seen = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let name = entry.unwrap().file_name().into_string().unwrap();
        if !name.ends_with(".json") {
            continue;
        }
        let text = support::fixture(PROVIDER, &name);
        let kind = name.split('.').next().unwrap();
        let encoded = match kind {
            "list_usage" | "list_team_usage" => decode_as::<ListUsageResponse>(&name, &text),
            "get_usage" | "get_team_usage" => decode_as::<GetUsageResponse>(&name, &text),
            "list_invoices" | "list_team_invoices" => {
                decode_as::<ListInvoicesResponse>(&name, &text)
            }
            "get_invoice" | "get_team_invoice" => decode_as::<GetInvoiceResponse>(&name, &text),
            "get_credit_balance" | "get_team_credit_balance" => {
                decode_as::<CreditBalanceResponse>(&name, &text)
            }
            "error" => decode_as::<ErrorResponse>(&name, &text),
            other => panic!("fixture {name}: no type for `{other}`"),
        };
        if !name.contains("unknown_fields") {
            let mut original: Value = serde_json::from_str(&text).unwrap();
            // An absent `data` decodes as the spec's default, the empty object.
            if kind != "error" && original.get("data").is_none() {
                original["data"] = serde_json::json!({});
            }
            assert_eq!(
                normalize(encoded),
                normalize(original),
                "{name} lost or renamed members"
            );
        }
        seen += 1;
    }
    assert_eq!(seen, 39);
}
