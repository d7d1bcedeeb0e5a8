//! Phala Cloud usage as [`CostRecord`]s: one record per metered usage record, its scope the app,
//! instance and usage type. [`Costs`] is the [`CostSource`]: a client and the apps to read.

use chrono::{DateTime, NaiveDate, NaiveDateTime, TimeDelta, Utc};
use futures::stream::BoxStream;
use futures::{Stream, StreamExt};

use super::types::{AppUsageResponse, MeteredUsageResponse};
use super::Client;
use crate::cost::{
    BillingAccount, CostRecord, CostSource, Details, Dimension, Quantity, Scope, Window,
};
use crate::{Error, Provider};

/// The currency of Phala Cloud costs.
pub const CURRENCY: &str = "USD";

/// The unit of a Phala record's quantity: its `duration_minutes`.
pub const DURATION_UNIT: &str = "duration_minutes";

/// The billing account of a Phala team: `phala-team-<team_id>`. The prefix keeps the id a
/// string wherever it is read (an all-digit id reads as a number in a CSV).
pub(crate) fn billing_account_id(team_id: i64) -> String {
    format!("phala-team-{team_id}")
}

/// The record of one metered usage record of the app `app_id`, as [`cost_records`] describes it.
pub(crate) fn usage_record(app_id: &str, usage: &MeteredUsageResponse) -> Result<CostRecord, Error> {
    let record = CostRecord::new(
        Provider::Phala,
        period(usage)?,
        usage.cost.value(),
        CURRENCY,
        Scope::new()
            .with(Dimension::App, app_id)
            .with(Dimension::Instance, usage.instance_id.as_str())
            .with(Dimension::UsageType, usage.usage_type.as_str()),
    )
    .with_quantity(
        crate::money::decimal_from_f64(usage.duration_minutes)
            .map(|minutes| Quantity::new(minutes, DURATION_UNIT)),
    )
    .with_description(usage.usage_type.as_str())
    .with_billing_account(BillingAccount::new(billing_account_id(usage.team_id)))
    .with_details(
        Details::new()
            .with("event_type", Some(usage.event_type.as_str()))
            .with("billing_key", Some(usage.billing_key.as_str())),
    );
    Ok(record)
}

/// The records of every metered usage record of a page of the app `app_id` (get app usage), in
/// order, one each: `cost` in USD, scope app, instance and usage type; quantity
/// `duration_minutes` ([`DURATION_UNIT`]), description the usage type, billing account the team
/// (`phala-team-<team_id>`: the prefix keeps the id a string wherever it is read, as an all-digit
/// id reads as a number in a CSV), details the event type and billing key.
///
/// The period is the record's billing hour, `[billing_hour, billing_hour + 1 h)` in UTC: it is
/// what a metered record is charged for (a record written at 15:14:22 for a partial hour is
/// still the 15:00 hour), and it is finer than `billing_start`/`billing_end`, which are dates.
/// When `billing_hour` does not parse, the period is the days `[billing_start, billing_end]`;
/// when neither is a period, the record is an error.
///
/// This is the conversion [`Costs`] applies to each page it fetches, for a page fetched by the
/// caller.
///
/// ```
/// use usage_bindings::phala::{cost_records, types::AppUsageResponse};
///
/// let page: AppUsageResponse = serde_json::from_str(r#"{"total": 1, "total_cost": 0.013888,
///   "usage": [{"instance_id": "7c1e", "project_id": 1, "team_id": 2,
///     "timestamp": "2026-11-03T15:14:22Z", "event_type": "cvm_metered", "cost": 0.013888,
///     "details": null, "usage_type": "compute", "billing_start": "2026-11-03",
///     "billing_end": "2026-11-03", "duration_minutes": 14.367, "billing_key": "k",
///     "billing_hour": "2026-11-03 15:00:00", "billing_day": "2026-11-03"}]}"#)?;
/// let records = cost_records("9f3c2a", &page)?;
/// assert_eq!(records[0].amount.to_string(), "0.013888");
/// assert_eq!(records[0].period.start.to_rfc3339(), "2026-11-03T15:00:00+00:00");
/// assert_eq!(records[0].billing_account.as_ref().map(|a| a.id.as_str()), Some("phala-team-2"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn cost_records(app_id: &str, page: &AppUsageResponse) -> Result<Vec<CostRecord>, Error> {
    page.usage
        .iter()
        .map(|usage| usage_record(app_id, usage))
        .collect()
}

/// Every usage record of the app `app_id` in `window` (`start_date`, `end_date`) as a record,
/// every page.
pub(crate) fn fetch_cost_records<'a>(
    client: &'a Client,
    app_id: &'a str,
    window: Window,
) -> impl Stream<Item = Result<CostRecord, Error>> + Send + 'a {
    client
        .get_app_usage()
        .app_id(app_id)
        .start_date(window.start)
        .end_date(window.end)
        .items()
        .map(move |usage| usage.and_then(|usage| usage_record(app_id, &usage)))
}

/// The Phala Cloud usage of some apps as a [`CostSource`]: the apps one after the other (the
/// API has usage per app), every usage record of the window, every page, each a record as
/// [`cost_records`] makes it; a failing app reported and the next one read.
#[derive(Clone, Debug)]
pub struct Costs {
    /// The client.
    pub client: Client,
    /// The app ids.
    pub app_ids: Vec<String>,
}

impl Costs {
    /// The usage of the apps `app_ids` through `client`.
    pub fn new<I: IntoIterator<Item = S>, S: Into<String>>(client: Client, app_ids: I) -> Costs {
        Costs {
            client,
            app_ids: app_ids.into_iter().map(Into::into).collect(),
        }
    }
}

impl CostSource for Costs {
    fn provider(&self) -> Provider {
        Provider::Phala
    }

    fn records(&self, window: Window) -> BoxStream<'_, Result<CostRecord, Error>> {
        let client = &self.client;
        futures::stream::iter(&self.app_ids)
            .flat_map(move |app_id| fetch_cost_records(client, app_id, window))
            .boxed()
    }
}

fn period(usage: &MeteredUsageResponse) -> Result<Window, Error> {
    let hour = TimeDelta::hours(1);
    if let Some(start) = parse_hour(&usage.billing_hour) {
        if let Some(end) = start.checked_add_signed(hour) {
            return Ok(Window { start, end });
        }
    }
    let day = |text: &str| {
        NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d")
            .ok()
            .and_then(|date| date.and_hms_opt(0, 0, 0))
            .map(|midnight| midnight.and_utc())
    };
    match (day(&usage.billing_start), day(&usage.billing_end)) {
        (Some(start), Some(last_day)) if last_day >= start => {
            if let Some(end) = last_day.checked_add_signed(TimeDelta::days(1)) {
                return Ok(Window { start, end });
            }
        }
        _ => {}
    }
    Err(Error::Decode {
        provider: Provider::Phala,
        operation: "get_app_usage",
        path: "usage[].billing_hour".to_string(),
        message: format!(
            "neither billing_hour {:?} nor billing_start..billing_end {:?}..{:?} is a period",
            usage.billing_hour.chars().take(40).collect::<String>(),
            usage.billing_start.chars().take(40).collect::<String>(),
            usage.billing_end.chars().take(40).collect::<String>(),
        ),
    })
}

/// `2026-11-03 14:00:00` (UTC, as Phala writes it), also with a `T` or an offset.
fn parse_hour(text: &str) -> Option<DateTime<Utc>> {
    let text = text.trim();
    if let Ok(time) = DateTime::parse_from_rfc3339(text) {
        return Some(time.with_timezone(&Utc));
    }
    ["%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M"]
        .iter()
        .find_map(|format| NaiveDateTime::parse_from_str(text, format).ok())
        .map(|time| time.and_utc())
}
