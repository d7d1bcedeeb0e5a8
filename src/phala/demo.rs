//! Phala Cloud's demo: hourly metered usage of two apps, one with two replicas.

use chrono::{DateTime, Utc};
use rust_decimal::Decimal;
use serde_json::{json, Value};

use super::{Client, Config, Costs};
use crate::config::Env;
use crate::cost::{Sources, Window};
use crate::demo::{hours, number, requested, Answer, Demo, Request, Respond, Route, Routes};
use crate::Error;

/// The demo apps.
pub const APPS: [&str; 2] = ["demo-inference-7f3a", "demo-web-2c91"];

pub(crate) const DEMO: Demo = Demo {
    routes,
    sources,
    total,
    records,
    requests,
};

/// One metered usage record of the demo.
#[derive(Clone, Debug)]
pub struct Usage {
    /// Its app.
    pub app: &'static str,
    /// Its billing hour.
    pub hour: DateTime<Utc>,
    /// Its instance.
    pub instance: &'static str,
    /// Its usage type.
    pub usage_type: &'static str,
    /// Its event type.
    pub event_type: &'static str,
    /// USD.
    pub cost: Decimal,
    /// Minutes billed.
    pub duration_minutes: Decimal,
    /// Its JSON details, as sent.
    pub details: &'static str,
}

/// The usage records of `window`, app by app.
pub fn usage(window: Window) -> Vec<Usage> {
    let mut records = Vec::new();
    for app in APPS {
        let inference = app == APPS[0];
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
                records.push(Usage {
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
                records.push(Usage {
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
                    records.push(Usage {
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
    records
}

fn routes(window: Window) -> Routes {
    vec![(
        Route::Segment("/api/v1/apps/", "/usage"),
        Box::new(AppUsage(window)),
    )]
}

fn sources(base_url: &str, _env: Env<'_>) -> Result<Sources, Error> {
    let client = Client::from_config(Config::new("phak_demo").with_base_url(base_url))?;
    Ok(vec![Box::new(Costs::new(client, APPS))])
}

fn total(window: Window) -> Decimal {
    usage(window).iter().map(|usage| usage.cost).sum()
}

fn records(window: Window) -> usize {
    usage(window).len()
}

/// The most records a page holds (`limit` is 1 to 5000).
const MAX_LIMIT: usize = 5000;

fn requests(window: Window) -> usize {
    let usage = usage(window);
    APPS.iter()
        .map(|app| {
            let records = usage.iter().filter(|usage| usage.app == *app).count();
            records.div_ceil(MAX_LIMIT).max(1)
        })
        .sum()
}

struct AppUsage(Window);

impl Respond for AppUsage {
    fn respond(&self, request: &Request) -> Answer {
        let app = request
            .path()
            .trim_start_matches("/api/v1/apps/")
            .trim_end_matches("/usage")
            .to_string();
        let window = requested(
            self.0,
            request.rfc3339_time("start_date"),
            request.rfc3339_time("end_date"),
        );
        if !APPS.contains(&app.as_str()) {
            return Answer::json(404, json!({ "detail": "App not found" }));
        }
        let records: Vec<Usage> = usage(window)
            .into_iter()
            .filter(|usage| usage.app == app)
            .collect();
        let limit = request
            .query("limit")
            .and_then(|n| n.parse::<usize>().ok())
            .unwrap_or(500)
            .clamp(1, MAX_LIMIT);
        let offset = request
            .query("offset")
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
            json!({
                "usage": usage,
                "total": usage.len(),
                "total_cost": number(total_cost),
            }),
        )
    }
}
