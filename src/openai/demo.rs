//! OpenAI's demo: daily costs of two projects, and file search and web search usage.

use chrono::{DateTime, Utc};
use rust_decimal::Decimal;
use serde_json::{json, Value};

use super::{Client, Config, Costs};
use crate::config::Env;
use crate::cost::{BillingAccount, Sources, Window};
use crate::demo::{
    daily_page, days, mix, number, requested, Answer, Demo, Request, Respond, Route, Routes, DEMO_ORG_NAME,
};
use crate::Error;

/// Buckets per page (the server's choice, as OpenAI's `limit`).
pub const BUCKETS_PER_PAGE: usize = 2;
/// The demo's organization: the billing account of its records.
pub const ORG: &str = "org-demo-openai";

pub(crate) const DEMO: Demo = Demo {
    routes,
    sources,
    total,
    records,
    requests,
};

/// One costs result of the demo.
#[derive(Clone, Debug)]
pub struct Cost {
    /// The day of its bucket.
    pub day: DateTime<Utc>,
    /// Its project.
    pub project: &'static str,
    /// Its line item.
    pub line_item: &'static str,
    /// Its API key.
    pub api_key: &'static str,
    /// USD.
    pub value: Decimal,
    /// Sent as a JSON string (`"12.50"`) rather than a number.
    pub as_string: bool,
    /// The tokens billed (`quantity` in `tokens`), on the model lines.
    pub tokens: Option<i64>,
}

/// The costs results of `window`: five line items a day.
pub fn costs(window: Window) -> Vec<Cost> {
    const ITEMS: [(&str, &str, &str, i64); 5] = [
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
    let mut costs = Vec::new();
    for day in days(window) {
        let n = day.timestamp() / 86_400;
        for (i, (project, line_item, api_key, base)) in ITEMS.iter().enumerate() {
            // Micro-dollars: fractional cents; the storage line is a constant 0.30 and the first
            // line of every third day is sent as a string.
            let micros = if *base == 0 {
                300_000
            } else {
                base + mix(n, i as i64) * 3
            };
            costs.push(Cost {
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
    costs
}

/// The demo's count of search calls on `day` for the `index`-th model.
pub fn search_calls(day: DateTime<Utc>, index: i64) -> i64 {
    day.timestamp() / 86_400 % 97 + 11 * index + 3
}

fn routes(window: Window) -> Routes {
    let search = |object| SearchUsage { window, object };
    vec![
        (
            Route::Path("/organization/costs"),
            Box::new(CostsRoute(window)),
        ),
        (
            Route::Path("/organization/usage/file_search_calls"),
            Box::new(search("organization.usage.file_searches.result")),
        ),
        (
            Route::Path("/organization/usage/web_search_calls"),
            Box::new(search("organization.usage.web_searches.result")),
        ),
    ]
}

fn sources(base_url: &str, _env: Env<'_>) -> Result<Sources, Error> {
    let client = Client::from_config(Config::new("sk-admin-demo").with_base_url(base_url))?;
    let account = BillingAccount::new(ORG).with_name(DEMO_ORG_NAME);
    Ok(vec![Box::new(Costs::new(client).billing_account(account))])
}

fn total(window: Window) -> Decimal {
    costs(window).iter().map(|cost| cost.value).sum()
}

fn records(window: Window) -> usize {
    costs(window).len()
}

fn requests(window: Window) -> usize {
    crate::demo::days(window).count().div_ceil(BUCKETS_PER_PAGE).max(1)
}

struct CostsRoute(Window);

impl Respond for CostsRoute {
    fn respond(&self, request: &Request) -> Answer {
        let window = requested(
            self.0,
            request.unix_time("start_time"),
            request.unix_time("end_time"),
        );
        let costs = costs(window);
        page(request, window, |day| {
            costs
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
/// [`BUCKETS_PER_PAGE`] a page, with the results `results` gives for each day.
fn page(request: &Request, window: Window, results: impl Fn(DateTime<Utc>) -> Vec<Value>) -> Answer {
    let (buckets, next_page) = daily_page(request, window, BUCKETS_PER_PAGE, |day| {
        json!({
            "object": "bucket",
            "start_time": day.timestamp(),
            "end_time": day.timestamp() + 86_400,
            "results": results(day),
        })
    });
    Answer::json(
        200,
        json!({
            "object": "page",
            "data": buckets,
            "has_more": next_page.is_some(),
            "next_page": next_page,
        }),
    )
}

/// File search and web search usage: two results a day (two vector stores, or two models),
/// with counts that follow the day, so that every bucket is told apart.
struct SearchUsage {
    window: Window,
    object: &'static str,
}

impl Respond for SearchUsage {
    fn respond(&self, request: &Request) -> Answer {
        let window = requested(
            self.window,
            request.unix_time("start_time"),
            request.unix_time("end_time"),
        );
        let web = self.object == "organization.usage.web_searches.result";
        page(request, window, |day| {
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
