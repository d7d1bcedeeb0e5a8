//! OpenRouter's demo: the activity of any window, three items a day (one of them BYOK, one a
//! free model), amounts as JSON numbers with up to eight decimals, and the account's credits.

use chrono::{DateTime, NaiveDate, Utc};
use rust_decimal::Decimal;
use serde_json::{json, Value};

use super::{Client, Config, Costs, Today};
use crate::config::Env;
use crate::cost::{BillingAccount, Sources, Window};
use crate::demo::{days, mix, number, Answer, Demo, Request, Respond, Route, Routes, DEMO_ORG_NAME};
use crate::Error;

/// The demo's account: the billing account of its records.
pub const ACCOUNT: &str = "acct-demo-openrouter";
/// What the demo's paths start with (the API's `/api/v1`).
pub const BASE_PATH: &str = "/api/v1";
/// The credits bought, in the demo's `/credits`.
pub const TOTAL_CREDITS: &str = "500";
/// The credits used, in the demo's `/credits`.
pub const TOTAL_USAGE: &str = "123.456789";

pub(crate) const DEMO: Demo = Demo {
    routes,
    sources,
    total,
    records,
    requests,
};

/// One activity item of the demo.
#[derive(Clone, Debug)]
pub struct Item {
    /// Its UTC day.
    pub day: DateTime<Utc>,
    /// The model's slug.
    pub model: &'static str,
    /// The model's versioned slug.
    pub permaslug: &'static str,
    /// The provider endpoint.
    pub endpoint: &'static str,
    /// The provider.
    pub provider: &'static str,
    /// What OpenRouter charged, USD.
    pub usage: Decimal,
    /// The BYOK inference cost, USD (not in `usage`).
    pub byok: Decimal,
    /// Requests.
    pub requests: i64,
    /// Prompt tokens.
    pub prompt_tokens: i64,
    /// Completion tokens (reasoning included).
    pub completion_tokens: i64,
    /// Reasoning tokens.
    pub reasoning_tokens: i64,
}

/// The activity items of `window`: three a day.
pub fn items(window: Window) -> Vec<Item> {
    // (model, permaslug, endpoint, provider, byok, free)
    type Line = (&'static str, &'static str, &'static str, &'static str, bool, bool);
    const LINES: [Line; 3] = [
        (
            "openai/gpt-4.1",
            "openai/gpt-4.1-2025-04-14",
            "ep-demo-openai-gpt-4.1",
            "OpenAI",
            false,
            false,
        ),
        (
            "anthropic/claude-sonnet-4",
            "anthropic/claude-4-sonnet-20250522",
            "ep-demo-anthropic-sonnet-4",
            "Anthropic",
            true,
            false,
        ),
        (
            "meta-llama/llama-3.3-70b-instruct:free",
            "meta-llama/llama-3.3-70b-instruct",
            "ep-demo-together-llama-3.3-70b",
            "Together",
            false,
            true,
        ),
    ];
    let mut items = Vec::new();
    for day in days(window) {
        let n = day.timestamp() / 86_400;
        for (index, (model, permaslug, endpoint, provider, byok, free)) in
            LINES.into_iter().enumerate()
        {
            let salt = index as i64 + 70;
            let requests = 20 + mix(n, salt) % 200;
            let prompt_tokens = requests * (500 + mix(n, salt + 1) % 1500);
            let completion_tokens = requests * (100 + mix(n, salt + 2) % 400);
            let reasoning_tokens = completion_tokens / 4;
            // Dollars with up to eight decimals, as a JSON number carries them.
            let cost = Decimal::new(mix(n, salt + 3) * 1_000 + 123_456_789, 8);
            let (usage, byok_cost) = match (free, byok) {
                (true, _) => (Decimal::ZERO, Decimal::ZERO),
                // The BYOK fee (5% of the provider's price) is charged in credits.
                (false, true) => (cost * Decimal::new(5, 2), cost),
                (false, false) => (cost, Decimal::ZERO),
            };
            items.push(Item {
                day,
                model,
                permaslug,
                endpoint,
                provider,
                usage,
                byok: byok_cost,
                requests,
                prompt_tokens,
                completion_tokens,
                reasoning_tokens,
            });
        }
    }
    items
}

fn routes(window: Window) -> Routes {
    vec![
        (Route::Path("/api/v1/activity"), Box::new(Activity(window))),
        (Route::Path("/api/v1/credits"), Box::new(Credits)),
    ]
}

fn sources(base_url: &str, _env: Env<'_>) -> Result<Sources, Error> {
    let client = Client::from_config(
        Config::new("sk-or-v1-demo").with_base_url(format!("{base_url}{BASE_PATH}")),
    )?;
    let account = BillingAccount::new(ACCOUNT).with_name(DEMO_ORG_NAME);
    // The demo's days are final as soon as the window is over.
    Ok(vec![Box::new(
        Costs::new(client)
            .today(Today::WindowEnd)
            .billing_account(account),
    )])
}

fn total(window: Window) -> Decimal {
    items(window).iter().map(|item| item.usage).sum()
}

fn records(window: Window) -> usize {
    items(window).len()
}

/// The activity answers a whole window at once.
fn requests(_window: Window) -> usize {
    1
}

/// The activity: every item of the demo's window, or of the day `date` names.
struct Activity(Window);

impl Respond for Activity {
    fn respond(&self, request: &Request) -> Answer {
        let window = match request.query("date") {
            Some(date) => match date.parse::<NaiveDate>().ok().and_then(|d| Window::days(d, d)) {
                Some(day) => day,
                None => {
                    return Answer::json(
                        400,
                        json!({"error": {"code": 400, "message": "Invalid date"}}),
                    )
                }
            },
            None => self.0,
        };
        let data: Vec<Value> = items(window)
            .iter()
            .map(|item| {
                json!({
                    "date": item.day.format("%Y-%m-%d").to_string(),
                    "model": item.model,
                    "model_permaslug": item.permaslug,
                    "endpoint_id": item.endpoint,
                    "provider_name": item.provider,
                    "usage": number(item.usage),
                    "byok_usage_inference": number(item.byok),
                    "requests": item.requests,
                    "prompt_tokens": item.prompt_tokens,
                    "completion_tokens": item.completion_tokens,
                    "reasoning_tokens": item.reasoning_tokens,
                })
            })
            .collect();
        Answer::json(200, json!({ "data": data }))
    }
}

/// The account's credits.
struct Credits;

impl Respond for Credits {
    fn respond(&self, _request: &Request) -> Answer {
        let amount = |text: &str| text.parse::<Decimal>().map(number).unwrap_or(Value::Null);
        Answer::json(
            200,
            json!({"data": {
                "total_credits": amount(TOTAL_CREDITS),
                "total_usage": amount(TOTAL_USAGE),
            }}),
        )
    }
}
