//! Phala Cloud usage as [`CostRecord`]s: one record per metered usage record.

use chrono::{DateTime, NaiveDate, NaiveDateTime, TimeDelta, Utc};
use futures::{Stream, StreamExt};

use super::types::MeteredUsageResponse;
use super::Client;
use crate::money::{CostRecord, Scope};
use crate::{Error, Provider};

/// The currency of Phala Cloud costs.
pub const CURRENCY: &str = "USD";

/// The record of one metered usage record of the app `app_id`: `cost` in USD, scope app,
/// instance and usage type.
///
/// The period is the record's billing hour, `[billing_hour, billing_hour + 1 h)` in UTC: it is
/// what a metered record is charged for (a record written at 15:14:22 for a partial hour is
/// still the 15:00 hour), and it is finer than `billing_start`/`billing_end`, which are dates.
/// When `billing_hour` does not parse, the period is the days `[billing_start, billing_end]`.
///
/// ```
/// use usage_bindings::phala::{usage_record, types::MeteredUsageResponse};
///
/// let usage: MeteredUsageResponse = serde_json::from_str(r#"{
///   "instance_id": "7c1e", "project_id": 1, "team_id": 2, "timestamp": "2026-11-03T15:14:22Z",
///   "event_type": "cvm_metered", "cost": 0.013888, "details": null, "usage_type": "compute",
///   "billing_start": "2026-11-03", "billing_end": "2026-11-03", "duration_minutes": 14.367,
///   "billing_key": "k", "billing_hour": "2026-11-03 15:00:00", "billing_day": "2026-11-03"}"#)?;
/// let record = usage_record("9f3c2a", &usage)?;
/// assert_eq!(record.amount.to_string(), "0.013888");
/// assert_eq!(record.period_start.to_rfc3339(), "2026-11-03T15:00:00+00:00");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn usage_record(app_id: &str, usage: &MeteredUsageResponse) -> Result<CostRecord, Error> {
    let (period_start, period_end) = period(usage)?;
    Ok(CostRecord {
        provider: Provider::Phala,
        period_start,
        period_end,
        amount: usage.cost.value(),
        currency: CURRENCY.to_string(),
        scope: Scope::Phala {
            app: app_id.to_string(),
            instance: Some(usage.instance_id.clone()),
            usage_type: Some(usage.usage_type.clone()),
        },
    })
}

/// The records of every usage record of a page, in order (see [`usage_record`]).
pub fn usage_records(
    app_id: &str,
    usage: &[MeteredUsageResponse],
) -> Result<Vec<CostRecord>, Error> {
    usage
        .iter()
        .map(|usage| usage_record(app_id, usage))
        .collect()
}

/// Every usage record of the app `app_id` in `[start, end)` (`start_date`, `end_date`) as a
/// record, every page.
pub fn fetch_cost_records<'a>(
    client: &'a Client,
    app_id: &'a str,
    start: DateTime<Utc>,
    end: DateTime<Utc>,
) -> impl Stream<Item = Result<CostRecord, Error>> + Send + 'a {
    client
        .get_app_usage()
        .app_id(app_id)
        .start_date(start)
        .end_date(end)
        .items()
        .map(move |usage| usage.and_then(|usage| usage_record(app_id, &usage)))
}

fn period(usage: &MeteredUsageResponse) -> Result<(DateTime<Utc>, DateTime<Utc>), Error> {
    let hour = TimeDelta::hours(1);
    if let Some(start) = parse_hour(&usage.billing_hour) {
        if let Some(end) = start.checked_add_signed(hour) {
            return Ok((start, end));
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
                return Ok((start, end));
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
