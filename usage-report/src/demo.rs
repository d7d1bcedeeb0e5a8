//! The embedded demo: realistic sample usage for every provider, generated
//! deterministically for any window, served on 127.0.0.1 by the demo's server ([`crate::server`]) with each
//! provider's real paging, and read back through the library's real clients.

use chrono::{DateTime, NaiveDate, TimeDelta, Utc};
use rust_decimal::Decimal;
use serde_json::{json, Value};
use usage_bindings::cost::{BillingAccount, CostSource, Window};
use usage_bindings::{anthropic, northflank, openai, phala, Provider};

use crate::server::{Answer, Request, Respond, Route, Server};

/// OpenAI buckets per page (the server's choice, as OpenAI's `limit`).
pub const OPENAI_BUCKETS_PER_PAGE: usize = 2;
/// Northflank entries per page at most (the client asks for 100).
pub const NORTHFLANK_ENTRIES_PER_PAGE: usize = 48;
/// The demo Phala apps.
pub const PHALA_APPS: [&str; 2] = ["demo-inference-7f3a", "demo-web-2c91"];
/// Anthropic cost buckets per page (the server's choice, smaller than the `limit` asked).
pub const ANTHROPIC_BUCKETS_PER_PAGE: usize = 2;
/// The demo Northflank team.
pub const NORTHFLANK_TEAM: Option<&str> = None;
/// The demo's billing accounts (what `OPENAI_ORG_ID`, `NORTHFLANK_ORG_ID` and
/// `ANTHROPIC_ORG_ID` set); Phala's records name their team (`phala-team-640`).
pub const OPENAI_ORG: &str = "org-demo-openai";
pub const NORTHFLANK_ORG: &str = "org-demo-northflank";
pub const ANTHROPIC_ORG: &str = "org-demo-anthropic";
/// The name of the demo's billing accounts.
pub const DEMO_ORG_NAME: &str = "Demo Org";

/// One OpenAI costs result of the demo.
#[derive(Clone, Debug)]
pub struct OpenAiCost {
    pub day: DateTime<Utc>,
    pub project: &'static str,
    pub line_item: &'static str,
    pub api_key: &'static str,
    /// USD.
    pub value: Decimal,
    /// Sent as a JSON string (`"12.50"`) rather than a number.
    pub as_string: bool,
    /// The tokens billed (`quantity` in `tokens`), on the model lines.
    pub tokens: Option<i64>,
}

/// One Northflank hourly entry of the demo, prices in currency units (USD), as Northflank's
/// Billing API overview says it sends them.
#[derive(Clone, Debug)]
pub struct NorthflankEntry {
    pub hour: DateTime<Utc>,
    pub paas: [Decimal; 4],
    pub byoc: [Decimal; 3],
    pub byoc_as_string: bool,
}

impl NorthflankEntry {
    /// PaaS total: cpu + memory + storage + gpu (USD).
    pub fn paas_total(&self) -> Decimal {
        self.paas.iter().copied().sum()
    }
    /// BYOC total: vcpu + memory + cluster (USD).
    pub fn byoc_total(&self) -> Decimal {
        self.byoc.iter().copied().sum()
    }
}

/// One Phala metered usage record of the demo.
#[derive(Clone, Debug)]
pub struct PhalaUsage {
    pub app: &'static str,
    pub hour: DateTime<Utc>,
    pub instance: &'static str,
    pub usage_type: &'static str,
    pub event_type: &'static str,
    /// USD.
    pub cost: Decimal,
    pub duration_minutes: Decimal,
    pub details: &'static str,
}

/// One Anthropic cost result of the demo (grouped by workspace and description).
#[derive(Clone, Debug)]
pub struct AnthropicCost {
    pub day: DateTime<Utc>,
    /// `None`: the default workspace (sent as `null`).
    pub workspace: Option<&'static str>,
    pub description: &'static str,
    pub model: Option<&'static str>,
    pub cost_type: &'static str,
    pub token_type: Option<&'static str>,
    /// Cents, with fractional digits, sent as a string.
    pub cents: Decimal,
}

impl AnthropicCost {
    /// The amount in dollars.
    pub fn usd(&self) -> Decimal {
        self.cents / Decimal::ONE_HUNDRED
    }
}

/// Every value of the demo for `window`, by provider.
#[derive(Clone, Debug)]
pub struct DemoData {
    pub window: Window,
    pub openai: Vec<OpenAiCost>,
    pub northflank: Vec<NorthflankEntry>,
    pub phala: Vec<PhalaUsage>,
    pub anthropic: Vec<AnthropicCost>,
}

/// A small deterministic scramble of a number (no randomness: the same hour, the same value).
fn mix(n: i64, salt: i64) -> i64 {
    (n.wrapping_mul(7919)
        .wrapping_add(salt.wrapping_mul(104_729)))
    .rem_euclid(1_000_003)
}

fn hours(window: Window) -> impl Iterator<Item = DateTime<Utc>> {
    let first = window.start.timestamp().div_euclid(3600);
    let last = (window.end.timestamp() - 1).div_euclid(3600);
    (first..=last).filter_map(|h| DateTime::from_timestamp(h * 3600, 0))
}

fn days(window: Window) -> impl Iterator<Item = DateTime<Utc>> {
    let first = window.start.timestamp().div_euclid(86_400);
    let last = (window.end.timestamp() - 1).div_euclid(86_400);
    (first..=last).filter_map(|d| DateTime::from_timestamp(d * 86_400, 0))
}

impl DemoData {
    /// The demo data of `window`: daily OpenAI costs, hourly Northflank entries, hourly Phala
    /// records for two apps.
    pub fn generate(window: Window) -> DemoData {
        const OPENAI_ITEMS: [(&str, &str, &str, i64); 5] = [
            (
                "proj_demo_chat",
                "gpt-4o-2024-08-06, input",
                "key_demo_chat",
                4_000_000,
            ),
            (
                "proj_demo_chat",
                "gpt-4o-2024-08-06, output",
                "key_demo_chat",
                9_000_000,
            ),
            (
                "proj_demo_chat",
                "gpt-4o-mini, input",
                "key_demo_batch",
                300_000,
            ),
            (
                "proj_demo_search",
                "file search tool calls",
                "key_demo_search",
                80_000,
            ),
            (
                "proj_demo_search",
                "vector store storage",
                "key_demo_search",
                0,
            ),
        ];
        let mut openai = Vec::new();
        for day in days(window) {
            let n = day.timestamp() / 86_400;
            for (i, (project, line_item, api_key, base)) in OPENAI_ITEMS.iter().enumerate() {
                // Micro-dollars: fractional cents; the storage line is a constant 0.30 and
                // the first line of every third day is sent as a string.
                let micros = if *base == 0 {
                    300_000
                } else {
                    base + mix(n, i as i64) * 3
                };
                openai.push(OpenAiCost {
                    day,
                    project,
                    line_item,
                    api_key,
                    value: Decimal::new(micros, 6),
                    as_string: i == 0 && n % 3 == 0,
                    // Whole numbers: what makes a quantity column look integral to CSV readers.
                    tokens: line_item.starts_with("gpt-").then_some(micros / 5 * 2),
                });
            }
        }
        let northflank = hours(window)
            .map(|hour| {
                let h = hour.timestamp() / 3600;
                // Dollars with six decimals (fractions of a cent).
                let cpu = Decimal::new(900_000 + mix(h, 1) % 300_000, 6);
                let memory = Decimal::new(450_000 + mix(h, 2) % 150_000, 6);
                let storage = Decimal::new(87_0212, 6);
                let gpu = if h % 24 < 8 {
                    Decimal::ZERO
                } else {
                    Decimal::new(76_0000 + mix(h, 3) % 10_000, 6)
                };
                let vcpu = Decimal::new(45_1200 + mix(h, 4) % 5_000, 6);
                let byoc_memory = Decimal::new(22_5600, 6);
                let cluster = Decimal::new(13_8889, 6);
                NorthflankEntry {
                    hour,
                    paas: [cpu, memory, storage, gpu],
                    byoc: [vcpu, byoc_memory, cluster],
                    byoc_as_string: h % 5 == 0,
                }
            })
            .collect();
        let mut phala = Vec::new();
        for app in PHALA_APPS {
            let inference = app == PHALA_APPS[0];
            // The inference app runs two replicas (more than one page of 500 records a week).
            let instances: &[&'static str] = if inference {
                &[
                    "5d2a8f61-0c3b-4e97-a1f4-9b6e2c7d8a05",
                    "a41c9e07-6b2d-4f83-9c1e-0d7f5b3a8e62",
                ]
            } else {
                &["7c1e4b2a-93d5-4f0e-b8a1-2d6c9e0f5a31"]
            };
            for hour in hours(window) {
                let h = hour.timestamp() / 3600;
                for &instance in instances {
                    let (compute, details) = if inference {
                        (
                            Decimal::new(232, 3),
                            r#"{"instance_type":"tdx.large","vcpu":4,"memory_mb":8192,"rate_per_hour":"0.232"}"#,
                        )
                    } else {
                        (
                            Decimal::new(58, 3),
                            r#"{"instance_type":"tdx.small","vcpu":1,"memory_mb":2048,"rate_per_hour":"0.058"}"#,
                        )
                    };
                    // The web app is stopped 14.367 minutes into the last hour of every day.
                    let partial = !inference && h % 24 == 23;
                    phala.push(PhalaUsage {
                        app,
                        hour,
                        instance,
                        usage_type: "compute",
                        event_type: "cvm_metered",
                        cost: if partial {
                            Decimal::new(13_888, 6)
                        } else {
                            compute
                        },
                        duration_minutes: if partial {
                            Decimal::new(14_367, 3)
                        } else {
                            Decimal::from(60)
                        },
                        details,
                    });
                    phala.push(PhalaUsage {
                        app,
                        hour,
                        instance,
                        usage_type: "storage",
                        event_type: "disk_metered",
                        cost: if inference {
                            Decimal::new(1_736, 6)
                        } else {
                            Decimal::new(347, 6)
                        },
                        duration_minutes: Decimal::from(60),
                        details: r#"{"disk_size_gb":20,"rate_per_gb_month":"0.0125"}"#,
                    });
                    if inference && h % 24 >= 8 {
                        phala.push(PhalaUsage {
                            app,
                            hour,
                            instance,
                            usage_type: "gpu",
                            event_type: "gpu_metered",
                            cost: Decimal::new(249, 2),
                            duration_minutes: Decimal::from(60),
                            details: r#"{"gpu_model":"H200","gpu_count":1,"rate_per_hour":"2.49"}"#,
                        });
                    }
                }
            }
        }
        type AnthropicLine = (
            Option<&'static str>,
            &'static str,
            Option<&'static str>,
            &'static str,
            Option<&'static str>,
        );
        const ANTHROPIC_LINES: [AnthropicLine; 4] = [
            (
                None,
                "Claude Opus 5 Usage - Input Tokens",
                Some("claude-opus-5"),
                "tokens",
                Some("uncached_input_tokens"),
            ),
            (
                None,
                "Claude Opus 5 Usage - Output Tokens",
                Some("claude-opus-5"),
                "tokens",
                Some("output_tokens"),
            ),
            (
                Some("wrkspc_demo_research"),
                "Claude Sonnet 5 Usage - Cache Read",
                Some("claude-sonnet-5"),
                "tokens",
                Some("cache_read_input_tokens"),
            ),
            (
                Some("wrkspc_demo_research"),
                "Web Search Usage",
                None,
                "web_search",
                None,
            ),
        ];
        let mut anthropic = Vec::new();
        for day in days(window) {
            let n = day.timestamp() / 86_400;
            for (index, (workspace, description, model, cost_type, token_type)) in
                ANTHROPIC_LINES.into_iter().enumerate()
            {
                // Cents with up to five fractional digits, as Anthropic sends them.
                let cents = Decimal::new(mix(n, index as i64 + 40) * 100 + 1_234_567, 5);
                anthropic.push(AnthropicCost {
                    day,
                    workspace,
                    description,
                    model,
                    cost_type,
                    token_type,
                    cents,
                });
            }
        }
        DemoData {
            window,
            openai,
            northflank,
            phala,
            anthropic,
        }
    }
}

/// A JSON number with exactly the digits of `value`.
fn number(value: Decimal) -> Value {
    // serde_json prints an f64 as its shortest round-trip text, which is `value`'s digits for the
    // few significant digits used here; the client reads them back the same way.
    value
        .to_string()
        .parse::<f64>()
        .ok()
        .and_then(serde_json::Number::from_f64)
        .map_or(Value::Null, Value::Number)
}

fn query(request: &Request, name: &str) -> Option<String> {
    request.query(name)
}

fn unix_query(request: &Request, name: &str) -> Option<DateTime<Utc>> {
    query(request, name)?
        .parse::<i64>()
        .ok()
        .and_then(|seconds| DateTime::from_timestamp(seconds, 0))
}

/// The window a request asks for, defaulting to the demo's.
fn requested(default: Window, start: Option<DateTime<Utc>>, end: Option<DateTime<Utc>>) -> Window {
    Window::new(start.unwrap_or(default.start), end.unwrap_or(default.end)).unwrap_or(default)
}

struct OpenAiCosts(Window);

impl Respond for OpenAiCosts {
    fn respond(&self, request: &Request) -> Answer {
        let window = requested(
            self.0,
            unix_query(request, "start_time"),
            unix_query(request, "end_time"),
        );
        let data = DemoData::generate(window);
        openai_daily_page(request, window, |day| {
            data.openai
                .iter()
                .filter(|cost| cost.day == day)
                .map(|cost| {
                    let value = if cost.as_string {
                        Value::String(cost.value.to_string())
                    } else {
                        number(cost.value)
                    };
                    let mut result = json!({
                        "object": "organization.costs.result",
                        "amount": { "value": value, "currency": "usd" },
                        "line_item": cost.line_item,
                        "project_id": cost.project,
                        "api_key_id": cost.api_key,
                    });
                    if let Some(tokens) = cost.tokens {
                        result["quantity"] = json!(tokens);
                        result["quantity_unit"] = json!("tokens");
                    }
                    result
                })
                .collect()
        })
    }
}

/// The page of daily buckets of `window` that `request` asks for (`page=page_<n>`),
/// [`OPENAI_BUCKETS_PER_PAGE`] a page, with the results `results` gives for each day.
fn openai_daily_page(
    request: &Request,
    window: Window,
    results: impl Fn(DateTime<Utc>) -> Vec<Value>,
) -> Answer {
    let (buckets, next_page) = daily_page(request, window, OPENAI_BUCKETS_PER_PAGE, |day| {
        json!({
            "object": "bucket",
            "start_time": day.timestamp(),
            "end_time": day.timestamp() + 86_400,
            "results": results(day),
        })
    });
    Answer::json(
        200,
        &json!({
            "object": "page",
            "data": buckets,
            "has_more": next_page.is_some(),
            "next_page": next_page,
        }),
    )
}

/// The daily buckets of `window` on the page that `request` asks for (`page=page_<n>`),
/// `per_page` a page, each made by `bucket`; and the next page's token, if any.
fn daily_page(
    request: &Request,
    window: Window,
    per_page: usize,
    bucket: impl Fn(DateTime<Utc>) -> Value,
) -> (Vec<Value>, Option<String>) {
    let days: Vec<DateTime<Utc>> = days(window).collect();
    let page: usize = query(request, "page")
        .and_then(|page| page.strip_prefix("page_")?.parse().ok())
        .unwrap_or(0);
    let first = page.saturating_mul(per_page);
    let last = first.saturating_add(per_page).min(days.len());
    let buckets = days
        .get(first..last)
        .unwrap_or_default()
        .iter()
        .map(|&day| bucket(day))
        .collect();
    let next_page = (last < days.len()).then(|| format!("page_{}", page + 1));
    (buckets, next_page)
}

fn rfc3339_query(request: &Request, name: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(&query(request, name)?)
        .ok()
        .map(|time| time.with_timezone(&Utc))
}

/// Anthropic's cost report: daily buckets, [`ANTHROPIC_BUCKETS_PER_PAGE`] a page, amounts as
/// strings in cents, the default workspace as `null`.
struct AnthropicCostReport(Window);

impl Respond for AnthropicCostReport {
    fn respond(&self, request: &Request) -> Answer {
        let window = requested(
            self.0,
            rfc3339_query(request, "starting_at"),
            rfc3339_query(request, "ending_at"),
        );
        let data = DemoData::generate(window);
        let (buckets, next_page) = daily_page(request, window, ANTHROPIC_BUCKETS_PER_PAGE, |day| {
            let results: Vec<Value> = data
                .anthropic
                .iter()
                .filter(|cost| cost.day == day)
                .map(|cost| {
                    json!({
                        "amount": cost.cents.to_string(),
                        "currency": "USD",
                        "workspace_id": cost.workspace,
                        "description": cost.description,
                        "cost_type": cost.cost_type,
                        "token_type": cost.token_type,
                        "model": cost.model,
                        "service_tier": cost.model.map(|_| "standard"),
                        "context_window": cost.model.map(|_| "0-200k"),
                        "inference_geo": cost.model.map(|_| "global"),
                    })
                })
                .collect();
            json!({
                "starting_at": day.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
                "ending_at": (day + TimeDelta::days(1))
                    .to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
                "results": results,
            })
        });
        Answer::json(
            200,
            &json!({
                "data": buckets,
                "has_more": next_page.is_some(),
                "next_page": next_page,
            }),
        )
    }
}

/// OpenAI file search and web search usage: two results a day (two vector stores, or two
/// models), with counts that follow the day, so that every bucket is told apart.
struct OpenAiSearchUsage {
    window: Window,
    object: &'static str,
}

/// The demo's count of search calls on `day` for the `index`-th model.
pub fn search_calls(day: DateTime<Utc>, index: i64) -> i64 {
    day.timestamp() / 86_400 % 97 + 11 * index + 3
}

impl Respond for OpenAiSearchUsage {
    fn respond(&self, request: &Request) -> Answer {
        let window = requested(
            self.window,
            unix_query(request, "start_time"),
            unix_query(request, "end_time"),
        );
        let web = self.object == "organization.usage.web_searches.result";
        openai_daily_page(request, window, |day| {
            (0..2)
                .map(|index| {
                    let calls = search_calls(day, index);
                    let mut result = json!({
                        "object": self.object,
                        "num_requests": calls,
                        "project_id": "proj_demo_search",
                    });
                    if web {
                        result["num_model_requests"] = json!(calls / 2);
                        result["model"] = json!(["gpt-4.1", "gpt-4o-mini"][index as usize]);
                        result["context_level"] = json!("medium");
                    } else {
                        result["vector_store_id"] = json!(format!("vs_demo_{index}"));
                    }
                    result
                })
                .collect()
        })
    }
}

/// Northflank invoices per page (the server's choice).
pub const NORTHFLANK_INVOICES_PER_PAGE: usize = 2;

/// One monthly Northflank invoice of the demo, in currency units.
#[derive(Clone, Debug)]
pub struct NorthflankInvoice {
    pub id: String,
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
    pub paas: Decimal,
    pub byoc: Decimal,
    pub tax: Decimal,
}

impl NorthflankInvoice {
    /// What the invoice bills: PaaS + BYOC + tax.
    pub fn total(&self) -> Decimal {
        self.paas + self.byoc + self.tax
    }
}

/// The four whole calendar months before the month of `window.end`, newest first (as Northflank
/// lists invoices), with deterministic amounts.
pub fn northflank_invoices(window: Window) -> Vec<NorthflankInvoice> {
    use chrono::Datelike;
    let month_start = |year: i32, month: u32| {
        NaiveDate::from_ymd_opt(year, month, 1)
            .and_then(|day| day.and_hms_opt(0, 0, 0))
            .map(|time| time.and_utc())
    };
    let (mut year, mut month) = (window.end.year(), window.end.month());
    let mut invoices = Vec::new();
    for index in 0..4u32 {
        let end = month_start(year, month);
        (year, month) = if month == 1 {
            (year - 1, 12)
        } else {
            (year, month - 1)
        };
        let (Some(start), Some(end)) = (month_start(year, month), end) else {
            break;
        };
        let cents = |base: i64, step: i64| Decimal::new(base + step * i64::from(index), 2);
        invoices.push(NorthflankInvoice {
            id: format!("DEMO-{year}{month:02}"),
            start,
            end,
            paas: cents(241_337, 1_919),
            byoc: cents(18_205, 433),
            tax: cents(25_954, 235),
        });
    }
    invoices
}

/// Northflank list invoices: [`NORTHFLANK_INVOICES_PER_PAGE`] a page, chained by cursors.
struct NorthflankInvoices(Window);

impl Respond for NorthflankInvoices {
    fn respond(&self, request: &Request) -> Answer {
        let invoices = northflank_invoices(self.0);
        let first: usize = query(request, "cursor")
            .and_then(|cursor| cursor.strip_prefix("inv_")?.parse().ok())
            .unwrap_or(0);
        let last = (first + NORTHFLANK_INVOICES_PER_PAGE).min(invoices.len());
        let page: Vec<Value> = invoices
            .get(first..last)
            .unwrap_or_default()
            .iter()
            .map(|invoice| {
                json!({
                    "id": invoice.id,
                    "period": { "start": invoice.start.timestamp(), "end": invoice.end.timestamp() },
                    "currency": "usd",
                    "paasUsage": { "price": { "total": number(invoice.paas) } },
                    "byocUsage": { "price": { "total": number(invoice.byoc) } },
                    "subTotal": number(invoice.paas + invoice.byoc),
                    "total": number(invoice.total()),
                    "paid": true,
                })
            })
            .collect();
        let more = last < invoices.len();
        Answer::json(
            200,
            &json!({
                "data": { "invoices": page },
                "pagination": {
                    "hasNextPage": more,
                    "cursor": if more { Some(format!("inv_{last}")) } else { None },
                    "count": last - first,
                },
            }),
        )
    }
}

/// The demo's Northflank credit balance, in currency units.
pub fn northflank_credit_balance() -> Value {
    json!({
        "data": {
            "currency": "usd",
            "total": { "available": 69.22, "pending": 25 },
            "grants": { "available": 50, "pending": 25 },
            "customerBalance": { "amount": 19.22 },
            "lastSyncedAt": "2026-11-28T09:41:07Z"
        }
    })
}

struct NorthflankUsage(Window);

impl Respond for NorthflankUsage {
    fn respond(&self, request: &Request) -> Answer {
        let window = requested(
            self.0,
            unix_query(request, "startTime"),
            unix_query(request, "endTime"),
        );
        let mut entries = DemoData::generate(window).northflank;
        entries.reverse(); // most recent first, as Northflank sorts them
        let per_page = query(request, "per_page")
            .and_then(|n| n.parse::<usize>().ok())
            .unwrap_or(50)
            .clamp(1, NORTHFLANK_ENTRIES_PER_PAGE);
        let offset: usize = query(request, "cursor")
            .and_then(|cursor| cursor.strip_prefix("demo-cursor-")?.parse().ok())
            .unwrap_or(0);
        let end = (offset + per_page).min(entries.len());
        let page = entries.get(offset..end).unwrap_or_default();
        let usage: Vec<Value> = page
            .iter()
            .map(|entry| {
                let [cpu, memory, storage, gpu] = entry.paas;
                let [vcpu, byoc_memory, cluster] = entry.byoc;
                let byoc_total = if entry.byoc_as_string {
                    Value::String(entry.byoc_total().to_string())
                } else {
                    number(entry.byoc_total())
                };
                json!({
                    "timestamp": entry.hour.timestamp(),
                    "paasUsage": { "price": {
                        "total": number(entry.paas_total()), "cpu": number(cpu),
                        "memory": number(memory), "storage": number(storage), "gpu": number(gpu),
                    }},
                    "byocUsage": { "price": {
                        "total": byoc_total, "vcpu": number(vcpu), "memory": number(byoc_memory),
                        "gpuMemory": 0, "cluster": number(cluster),
                    }},
                })
            })
            .collect();
        let has_next = end < entries.len();
        let mut pagination = json!({ "hasNextPage": has_next, "count": usage.len() });
        if has_next {
            pagination["cursor"] = json!(format!("demo-cursor-{end}"));
        }
        Answer::json(
            200,
            &json!({ "data": { "usage": usage }, "pagination": pagination }),
        )
    }
}

struct PhalaAppUsage(Window);

impl Respond for PhalaAppUsage {
    fn respond(&self, request: &Request) -> Answer {
        let app = request
            .path()
            .trim_start_matches("/api/v1/apps/")
            .trim_end_matches("/usage")
            .to_string();
        let rfc3339 = |name| {
            query(request, name)
                .and_then(|text| DateTime::parse_from_rfc3339(&text).ok())
                .map(|time| time.with_timezone(&Utc))
        };
        let window = requested(self.0, rfc3339("start_date"), rfc3339("end_date"));
        let records: Vec<PhalaUsage> = DemoData::generate(window)
            .phala
            .into_iter()
            .filter(|usage| usage.app == app)
            .collect();
        if !PHALA_APPS.contains(&app.as_str()) {
            return Answer::json(404, &json!({ "detail": "App not found" }));
        }
        let limit = query(request, "limit")
            .and_then(|n| n.parse::<usize>().ok())
            .unwrap_or(500)
            .clamp(1, 5000);
        let offset = query(request, "offset")
            .and_then(|n| n.parse::<usize>().ok())
            .unwrap_or(0);
        let end = offset.saturating_add(limit).min(records.len());
        let page = records.get(offset.min(end)..end).unwrap_or_default();
        let usage: Vec<Value> = page
            .iter()
            .map(|usage| {
                let hour = usage.hour.format("%Y-%m-%dT%H").to_string();
                json!({
                    "instance_id": usage.instance,
                    "project_id": 2210,
                    "team_id": 640,
                    "timestamp": usage.hour.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
                    "event_type": usage.event_type,
                    "cost": number(usage.cost),
                    "details": usage.details,
                    "usage_type": usage.usage_type,
                    "billing_start": usage.hour.format("%Y-%m-%d").to_string(),
                    "billing_end": usage.hour.format("%Y-%m-%d").to_string(),
                    "duration_minutes": number(usage.duration_minutes),
                    "billing_key": format!("{}:{}:{hour}", usage.instance, usage.usage_type),
                    "billing_hour": usage.hour.format("%Y-%m-%d %H:00:00").to_string(),
                    "billing_day": usage.hour.format("%Y-%m-%d").to_string(),
                })
            })
            .collect();
        let total_cost: Decimal = page.iter().map(|usage| usage.cost).sum();
        Answer::json(
            200,
            &json!({
                "usage": usage,
                "total": usage.len(),
                "total_cost": number(total_cost),
            }),
        )
    }
}

/// The demo server: the providers' usage and cost routes, and Northflank's invoices and credit
/// balance, on 127.0.0.1, answering any window (and `window` when a request gives none).
pub struct DemoServer {
    server: Server,
}

/// The demo's Northflank credit balance, as a route's answer.
struct NorthflankCreditBalance;

impl Respond for NorthflankCreditBalance {
    fn respond(&self, _: &Request) -> Answer {
        Answer::json(200, &northflank_credit_balance())
    }
}

impl DemoServer {
    /// Starts the server.
    pub async fn start(window: Window) -> std::io::Result<DemoServer> {
        let search = |object| OpenAiSearchUsage { window, object };
        let routes: Vec<(Route, Box<dyn Respond>)> = vec![
            (
                Route::Path("/organization/costs"),
                Box::new(OpenAiCosts(window)),
            ),
            (
                Route::Path("/organization/usage/file_search_calls"),
                Box::new(search("organization.usage.file_searches.result")),
            ),
            (
                Route::Path("/organization/usage/web_search_calls"),
                Box::new(search("organization.usage.web_searches.result")),
            ),
            (
                Route::Path("/v1/billing/usage"),
                Box::new(NorthflankUsage(window)),
            ),
            (
                Route::Path("/v1/billing/invoices"),
                Box::new(NorthflankInvoices(window)),
            ),
            (
                Route::Path("/v1/billing/credit-balance"),
                Box::new(NorthflankCreditBalance),
            ),
            (
                Route::Segment("/api/v1/apps/", "/usage"),
                Box::new(PhalaAppUsage(window)),
            ),
            (
                Route::Path("/v1/organizations/cost_report"),
                Box::new(AnthropicCostReport(window)),
            ),
        ];
        Ok(DemoServer {
            server: Server::start(routes).await?,
        })
    }

    /// The paths of every request received so far, in order.
    pub async fn request_paths(&self) -> Vec<String> {
        self.server.request_paths()
    }

    /// `http://127.0.0.1:<port>`.
    pub fn uri(&self) -> String {
        self.server.uri().to_string()
    }

    /// Real clients for every provider, pointed at the server (with demo keys).
    pub fn sources(&self) -> Result<Sources, usage_bindings::Error> {
        self.sources_with(northflank::AmountUnit::default())
    }

    /// [`DemoServer::sources`], with the Northflank client reading amounts in `unit`.
    pub fn sources_with(
        &self,
        unit: northflank::AmountUnit,
    ) -> Result<Sources, usage_bindings::Error> {
        let uri = self.uri();
        Ok(Sources {
            openai: Some(
                openai::Costs::new(openai::Client::from_config(
                    openai::Config::new("sk-admin-demo").with_base_url(&uri),
                )?)
                .billing_account(BillingAccount::new(OPENAI_ORG).with_name(DEMO_ORG_NAME)),
            ),
            northflank: Some(
                northflank::Costs {
                    team: NORTHFLANK_TEAM.map(str::to_string),
                    ..northflank::Costs::new(northflank::Client::from_config(
                        northflank::Config::new("nf-demo-token")
                            .with_base_url(&uri)
                            .with_amount_unit(unit),
                    )?)
                }
                .billing_account(BillingAccount::new(NORTHFLANK_ORG).with_name(DEMO_ORG_NAME)),
            ),
            phala: Some(phala::Costs::new(
                phala::Client::from_config(phala::Config::new("phak_demo").with_base_url(&uri))?,
                PHALA_APPS,
            )),
            anthropic: Some(
                anthropic::Costs::new(anthropic::Client::from_config(
                    anthropic::Config::new("sk-ant-admin01-demo").with_base_url(&uri),
                )?)
                .billing_account(BillingAccount::new(ANTHROPIC_ORG).with_name(DEMO_ORG_NAME)),
            ),
        })
    }
}

/// The demo's cost sources, one per provider; `None` skips one.
#[derive(Clone, Debug, Default)]
pub struct Sources {
    /// OpenAI costs.
    pub openai: Option<openai::Costs>,
    /// Northflank hourly usage.
    pub northflank: Option<northflank::Costs>,
    /// Phala Cloud usage of the demo apps.
    pub phala: Option<phala::Costs>,
    /// Anthropic costs.
    pub anthropic: Option<anthropic::Costs>,
}

impl Sources {
    /// The sources present, in [`Provider`] order: what `cost::fetch_all` takes.
    pub fn list(&self) -> Vec<&dyn CostSource> {
        let mut list: Vec<&dyn CostSource> = Vec::new();
        if let Some(source) = &self.openai {
            list.push(source);
        }
        if let Some(source) = &self.northflank {
            list.push(source);
        }
        if let Some(source) = &self.phala {
            list.push(source);
        }
        if let Some(source) = &self.anthropic {
            list.push(source);
        }
        list
    }

    /// The sources present, owned, in [`Provider`] order.
    pub fn into_boxed(self) -> Vec<Box<dyn CostSource>> {
        let mut list: Vec<Box<dyn CostSource>> = Vec::new();
        if let Some(source) = self.openai {
            list.push(Box::new(source));
        }
        if let Some(source) = self.northflank {
            list.push(Box::new(source));
        }
        if let Some(source) = self.phala {
            list.push(Box::new(source));
        }
        if let Some(source) = self.anthropic {
            list.push(Box::new(source));
        }
        list
    }

    /// The providers present, in [`Provider`] order.
    pub fn providers(&self) -> Vec<Provider> {
        self.list().iter().map(|source| source.provider()).collect()
    }
}

/// The unit the report applies to Northflank amounts: `NORTHFLANK_AMOUNT_UNIT` (`currency` or
/// `cents`) as `var` reads it; currency units when unset or blank.
pub fn northflank_amount_unit(
    var: impl Fn(&str) -> Option<String>,
) -> Result<northflank::AmountUnit, String> {
    match var(northflank::AMOUNT_UNIT_ENV_VAR).filter(|value| !value.trim().is_empty()) {
        None => Ok(northflank::AmountUnit::default()),
        Some(value) => value
            .parse()
            .map_err(|error| format!("{}: {error}", northflank::AMOUNT_UNIT_ENV_VAR)),
    }
}

/// The stderr line naming the unit applied to Northflank amounts and how to change it.
pub fn amount_unit_line(unit: northflank::AmountUnit) -> String {
    let variable = northflank::AMOUNT_UNIT_ENV_VAR;
    match unit {
        northflank::AmountUnit::Currency => format!(
            "usage-report: Northflank amounts read in currency units (its Billing API overview); \
             set {variable}=cents to read them in cents (its per-operation pages)"
        ),
        northflank::AmountUnit::Cents => format!(
            "usage-report: Northflank amounts read in cents ({variable}=cents, its per-operation \
             pages); unset {variable} to read them in currency units (its Billing API overview)"
        ),
    }
}
