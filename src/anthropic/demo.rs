//! Anthropic's demo: a daily cost report in cents, with a `null` default workspace.

use chrono::{DateTime, TimeDelta, Utc};
use rust_decimal::Decimal;
use serde_json::{json, Value};

use super::{Client, Config, Costs};
use crate::config::Env;
use crate::cost::{BillingAccount, Sources, Window};
use crate::demo::{
    daily_page, days, mix, requested, Answer, Demo, Request, Respond, Route, Routes, DEMO_ORG_NAME,
};
use crate::Error;

/// Cost buckets per page (the server's choice, smaller than the `limit` asked).
pub const BUCKETS_PER_PAGE: usize = 2;
/// The demo's organization: the billing account of its records.
pub const ORG: &str = "org-demo-anthropic";

pub(crate) const DEMO: Demo = Demo {
    routes,
    sources,
    total,
    records,
    requests,
};

/// One cost result of the demo (grouped by workspace and description).
#[derive(Clone, Debug)]
pub struct Cost {
    /// The day of its bucket.
    pub day: DateTime<Utc>,
    /// `None`: the default workspace (sent as `null`).
    pub workspace: Option<&'static str>,
    /// Its description.
    pub description: &'static str,
    /// Its model, if any.
    pub model: Option<&'static str>,
    /// Its cost type.
    pub cost_type: &'static str,
    /// Its token type, if any.
    pub token_type: Option<&'static str>,
    /// Cents, with fractional digits, sent as a string.
    pub cents: Decimal,
}

impl Cost {
    /// The amount in dollars.
    pub fn usd(&self) -> Decimal {
        self.cents / Decimal::ONE_HUNDRED
    }
}

/// The cost results of `window`: four lines a day.
pub fn costs(window: Window) -> Vec<Cost> {
    type Line = (
        Option<&'static str>,
        &'static str,
        Option<&'static str>,
        &'static str,
        Option<&'static str>,
    );
    const LINES: [Line; 4] = [
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
    let mut costs = Vec::new();
    for day in days(window) {
        let n = day.timestamp() / 86_400;
        for (index, (workspace, description, model, cost_type, token_type)) in
            LINES.into_iter().enumerate()
        {
            // Cents with up to five fractional digits, as Anthropic sends them.
            let cents = Decimal::new(mix(n, index as i64 + 40) * 100 + 1_234_567, 5);
            costs.push(Cost {
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
    costs
}

fn routes(window: Window) -> Routes {
    vec![(
        Route::Path("/v1/organizations/cost_report"),
        Box::new(CostReport(window)),
    )]
}

fn sources(base_url: &str, _env: Env<'_>) -> Result<Sources, Error> {
    let client =
        Client::from_config(Config::new("sk-ant-admin01-demo").with_base_url(base_url))?;
    let account = BillingAccount::new(ORG).with_name(DEMO_ORG_NAME);
    Ok(vec![Box::new(Costs::new(client).billing_account(account))])
}

fn total(window: Window) -> Decimal {
    costs(window).iter().map(Cost::usd).sum()
}

fn records(window: Window) -> usize {
    costs(window).len()
}

fn requests(window: Window) -> usize {
    crate::demo::days(window).count().div_ceil(BUCKETS_PER_PAGE).max(1)
}

/// The cost report: daily buckets, [`BUCKETS_PER_PAGE`] a page, amounts as strings in cents,
/// the default workspace as `null`.
struct CostReport(Window);

impl Respond for CostReport {
    fn respond(&self, request: &Request) -> Answer {
        let window = requested(
            self.0,
            request.rfc3339_time("starting_at"),
            request.rfc3339_time("ending_at"),
        );
        let costs = costs(window);
        let (buckets, next_page) = daily_page(request, window, BUCKETS_PER_PAGE, |day| {
            let results: Vec<Value> = costs
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
            json!({
                "data": buckets,
                "has_more": next_page.is_some(),
                "next_page": next_page,
            }),
        )
    }
}
