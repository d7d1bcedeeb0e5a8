//! Northflank's demo: hourly PaaS and BYOC usage in currency units (as its Billing API overview
//! says it sends them), monthly invoices and a credit balance.

use chrono::{DateTime, NaiveDate, Utc};
use rust_decimal::Decimal;
use serde_json::{json, Value};

use super::descriptor::amount_unit;
use super::{Client, Config, Costs};
use crate::config::Env;
use crate::cost::{BillingAccount, Sources, Window};
use crate::demo::{hours, mix, number, requested, Answer, Demo, Request, Respond, Route, Routes, DEMO_ORG_NAME};
use crate::Error;

/// Entries per page at most (the client asks for 100).
pub const ENTRIES_PER_PAGE: usize = 48;
/// The demo's organization: the billing account of its records (the org route names none).
pub const ORG: &str = "org-demo-northflank";

pub(crate) const DEMO: Demo = Demo {
    routes,
    sources,
    total,
    records,
    requests,
};

/// One hourly usage entry of the demo, prices in currency units (USD).
#[derive(Clone, Debug)]
pub struct Entry {
    /// Its hour.
    pub hour: DateTime<Utc>,
    /// PaaS cpu, memory, storage, gpu.
    pub paas: [Decimal; 4],
    /// BYOC vcpu, memory, cluster.
    pub byoc: [Decimal; 3],
    /// Its BYOC total sent as a JSON string.
    pub byoc_as_string: bool,
}

impl Entry {
    /// PaaS total: cpu + memory + storage + gpu (USD).
    pub fn paas_total(&self) -> Decimal {
        self.paas.iter().copied().sum()
    }
    /// BYOC total: vcpu + memory + cluster (USD).
    pub fn byoc_total(&self) -> Decimal {
        self.byoc.iter().copied().sum()
    }
}

/// The hourly entries of `window`, oldest first.
pub fn entries(window: Window) -> Vec<Entry> {
    hours(window)
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
            Entry {
                hour,
                paas: [cpu, memory, storage, gpu],
                byoc: [vcpu, byoc_memory, cluster],
                byoc_as_string: h % 5 == 0,
            }
        })
        .collect()
}

fn routes(window: Window) -> Routes {
    vec![
        (Route::Path("/v1/billing/usage"), Box::new(UsageRoute(window))),
        (
            Route::Path("/v1/billing/invoices"),
            Box::new(InvoicesRoute(window)),
        ),
        (Route::Path("/v1/billing/credit-balance"), Box::new(CreditBalance)),
    ]
}

/// The org route's usage, read in the unit `NORTHFLANK_AMOUNT_UNIT` of `env` names.
fn sources(base_url: &str, env: Env<'_>) -> Result<Sources, Error> {
    let config = Config::new("nf-demo-token")
        .with_base_url(base_url)
        .with_amount_unit(amount_unit(env)?);
    let account = BillingAccount::new(ORG).with_name(DEMO_ORG_NAME);
    Ok(vec![Box::new(
        Costs::new(Client::from_config(config)?).billing_account(account),
    )])
}

fn total(window: Window) -> Decimal {
    entries(window)
        .iter()
        .map(|entry| entry.paas_total() + entry.byoc_total())
        .sum()
}

fn records(window: Window) -> usize {
    // A PaaS and a BYOC record per hourly entry.
    2 * entries(window).len()
}

/// The usage pages, and the pages of every invoice (a sync reads them whole each time: list
/// invoices has no time filter).
fn requests(window: Window) -> usize {
    entries(window).len().div_ceil(ENTRIES_PER_PAGE).max(1)
        + INVOICES.div_ceil(INVOICES_PER_PAGE).max(1)
}

/// The credit balance, as a route's answer.
struct CreditBalance;

impl Respond for CreditBalance {
    fn respond(&self, _: &Request) -> Answer {
        Answer::json(200, credit_balance())
    }
}

/// Northflank invoices per page (the server's choice).
pub const INVOICES_PER_PAGE: usize = 2;
/// How many invoices the demo lists: the months before the window's end.
const INVOICES: usize = 4;

/// One monthly Northflank invoice of the demo, in currency units.
#[derive(Clone, Debug)]
pub struct Invoice {
    /// Its id.
    pub id: String,
    /// The start of its month.
    pub start: DateTime<Utc>,
    /// The end of its month.
    pub end: DateTime<Utc>,
    /// PaaS usage billed.
    pub paas: Decimal,
    /// BYOC usage billed.
    pub byoc: Decimal,
    /// Tax.
    pub tax: Decimal,
}

impl Invoice {
    /// What the invoice bills: PaaS + BYOC + tax.
    pub fn total(&self) -> Decimal {
        self.paas + self.byoc + self.tax
    }
}

/// The four whole calendar months before the month of `window.end`, newest first (as Northflank
/// lists invoices), with deterministic amounts.
pub fn invoices(window: Window) -> Vec<Invoice> {
    use chrono::Datelike;
    let month_start = |year: i32, month: u32| {
        NaiveDate::from_ymd_opt(year, month, 1)
            .and_then(|day| day.and_hms_opt(0, 0, 0))
            .map(|time| time.and_utc())
    };
    let (mut year, mut month) = (window.end.year(), window.end.month());
    let mut invoices = Vec::new();
    for index in 0..INVOICES as u32 {
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
        invoices.push(Invoice {
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

/// Northflank list invoices: [`INVOICES_PER_PAGE`] a page, chained by cursors.
struct InvoicesRoute(Window);

impl Respond for InvoicesRoute {
    fn respond(&self, request: &Request) -> Answer {
        let invoices = invoices(self.0);
        let first: usize = request.query("cursor")
            .and_then(|cursor| cursor.strip_prefix("inv_")?.parse().ok())
            .unwrap_or(0);
        let last = (first + INVOICES_PER_PAGE).min(invoices.len());
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
            json!({
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
pub fn credit_balance() -> Value {
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

struct UsageRoute(Window);

impl Respond for UsageRoute {
    fn respond(&self, request: &Request) -> Answer {
        let window = requested(
            self.0,
            request.unix_time("startTime"),
            request.unix_time("endTime"),
        );
        let mut entries = entries(window);
        entries.reverse(); // most recent first, as Northflank sorts them
        let per_page = request.query("per_page")
            .and_then(|n| n.parse::<usize>().ok())
            .unwrap_or(50)
            .clamp(1, ENTRIES_PER_PAGE);
        let offset: usize = request.query("cursor")
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
            json!({ "data": { "usage": usage }, "pagination": pagination }),
        )
    }
}

