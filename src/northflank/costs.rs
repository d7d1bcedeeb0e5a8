//! Northflank usage as [`CostRecord`]s, and the one place where Northflank's price unit (cents)
//! becomes currency units.

use chrono::{DateTime, TimeDelta, Utc};
use futures::{Stream, StreamExt};
use rust_decimal::Decimal;

use super::types::{ByocPrice, GetUsageResponse, PaasPrice, UsageEntry};
use super::{Client, UsageEntryStreamExt};
use crate::money::{checked_sum, CostRecord, InexactSum, NorthflankPart, Scope};
use crate::{Amount, Error, Provider};

/// The currency of Northflank prices.
pub const CURRENCY: &str = "USD";

/// What one unit of a Northflank price is worth in [`CURRENCY`]: prices are documented in cents,
/// so `0.01`. A change of unit on Northflank's side is a change of this constant only.
pub const PRICE_UNIT: Decimal = Decimal::from_parts(1, 0, 0, false, 2);

/// How long one usage entry (and one get usage drill-down) lasts: the billing hour.
pub const BILLING_PERIOD: TimeDelta = TimeDelta::hours(1);

/// A Northflank price (cents) in currency units: `price × PRICE_UNIT`, exact for prices of at
/// most 26 decimal places (a `Decimal` has 28); beyond that the last places are rounded. The
/// records of this module refuse such a price instead (a decode error).
///
/// ```
/// use rust_decimal::Decimal;
/// use usage_bindings::northflank::cents_to_usd;
///
/// let cents: Decimal = "1843.7712".parse()?;
/// assert_eq!(cents_to_usd(cents).to_string(), "18.437712");
/// # Ok::<(), rust_decimal::Error>(())
/// ```
pub fn cents_to_usd(price: Decimal) -> Decimal {
    // Multiplying by 0.01 only moves the decimal point: it cannot overflow.
    price.checked_mul(PRICE_UNIT).unwrap_or(price)
}

/// [`cents_to_usd`], or `None` when the product is not exact.
fn exact_usd(price: Decimal) -> Option<Decimal> {
    let usd = price.checked_mul(PRICE_UNIT)?;
    // Dividing back gives the price again only when no place was rounded away.
    (usd.checked_div(PRICE_UNIT) == Some(price)).then_some(usd)
}

/// The total of a PaaS price in cents: `total`, or the sum of its parts when `total` is absent,
/// or zero.
pub fn paas_total(price: Option<&PaasPrice>) -> Result<Decimal, InexactSum> {
    price.map_or(Ok(Decimal::ZERO), |price| {
        total_or_parts(
            price.total,
            [price.cpu, price.memory, price.storage, price.gpu],
        )
    })
}

/// The total of a BYOC price in cents: `total`, or the sum of its parts when `total` is absent,
/// or zero.
pub fn byoc_total(price: Option<&ByocPrice>) -> Result<Decimal, InexactSum> {
    price.map_or(Ok(Decimal::ZERO), |price| {
        total_or_parts(
            price.total,
            [price.vcpu, price.memory, price.gpu_memory, price.cluster],
        )
    })
}

fn total_or_parts(
    total: Option<Amount>,
    parts: [Option<Amount>; 4],
) -> Result<Decimal, InexactSum> {
    match total {
        Some(total) => Ok(total.value()),
        None => checked_sum(parts.iter().flatten().map(|part| part.value())),
    }
}

/// The record of one hourly usage entry (list usage, org or team route): the hour starting at
/// `timestamp`, amount `paasUsage.price.total + byocUsage.price.total` in USD, scope
/// [`NorthflankPart::Total`] (the team, when the entry came from a team route, is `team`).
///
/// ```
/// use usage_bindings::northflank::{entry_record, types::UsageEntry};
///
/// let entry: UsageEntry = serde_json::from_str(r#"{"timestamp": 1780999200,
///   "paasUsage": {"price": {"total": 1843.7712}}, "byocUsage": {"price": {"total": "81.5689"}}}"#)?;
/// let record = entry_record(&entry, None)?;
/// assert_eq!(record.amount.to_string(), "19.253401");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn entry_record(entry: &UsageEntry, team: Option<&str>) -> Result<CostRecord, Error> {
    let period_start = hour(entry.timestamp, "list_usage", "data.usage[].timestamp")?;
    let paas = entry
        .paas_usage
        .as_ref()
        .and_then(|paas| paas.price.as_ref());
    let byoc = entry
        .byoc_usage
        .as_ref()
        .and_then(|byoc| byoc.price.as_ref());
    paas_total(paas)
        .and_then(|paas| checked_sum([paas, byoc_total(byoc)?]))
        .and_then(|cents| {
            record(
                period_start,
                cents,
                NorthflankPart::Total,
                [team.map(str::to_string), None, None, None],
            )
        })
        .map_err(|_| overflow("list_usage", "data.usage[].paasUsage.price"))
}

/// The records of every entry of a list usage page, in order (see [`entry_record`]).
pub fn entry_records(entries: &[UsageEntry], team: Option<&str>) -> Result<Vec<CostRecord>, Error> {
    entries
        .iter()
        .map(|entry| entry_record(entry, team))
        .collect()
}

/// The records of one hour's drill-down (get usage, org or team route), at the finest level the
/// response has: a resource where resources are listed, else its resource type, else its
/// project, else its team; an organization-level PaaS record when no team is listed; plus one
/// [`NorthflankPart::Byoc`] record for the BYOC total, which is always customer-level.
///
/// The records cover what the response lists: under a filter, or when the breakdown is paged,
/// their sum is the listed slice, not `paasUsage.price.total`.
pub fn drilldown_records(response: &GetUsageResponse) -> Result<Vec<CostRecord>, Error> {
    let data = &response.data;
    // An hour without usage (a body without `data`, as Northflank's own example is) has no
    // amount to record, and may have no timestamp either.
    if data.paas_usage.is_none() && data.byoc_usage.is_none() {
        return Ok(Vec::new());
    }
    let period_start = hour(data.timestamp, "get_usage", "data.timestamp")?;
    let mut records = Vec::new();
    let mut push = |price: Option<&PaasPrice>, scope: [Option<String>; 4]| {
        records.push(
            paas_total(price)
                .and_then(|cents| record(period_start, cents, NorthflankPart::Paas, scope))
                .map_err(|_| overflow("get_usage", "data.paasUsage")),
        );
    };
    if let Some(paas) = &data.paas_usage {
        if paas.teams.is_empty() {
            push(paas.price.as_ref(), [None, None, None, None]);
        }
        for team in &paas.teams {
            let team_id = id_or_name(&team.id, &team.name);
            if team.projects.is_empty() {
                push(team.price.as_ref(), [team_id.clone(), None, None, None]);
            }
            for project in &team.projects {
                let project_id = id_or_name(&project.id, &project.name);
                if project.resource_types.is_empty() {
                    push(
                        project.price.as_ref(),
                        [team_id.clone(), project_id.clone(), None, None],
                    );
                }
                for resource_type in &project.resource_types {
                    let kind = resource_type.resource_type.clone();
                    if resource_type.resources.is_empty() {
                        push(
                            resource_type.price.as_ref(),
                            [team_id.clone(), project_id.clone(), kind.clone(), None],
                        );
                    }
                    for resource in &resource_type.resources {
                        push(
                            resource.price.as_ref(),
                            [
                                team_id.clone(),
                                project_id.clone(),
                                kind.clone(),
                                id_or_name(&resource.id, &resource.name),
                            ],
                        );
                    }
                }
            }
        }
    }
    if let Some(byoc) = &data.byoc_usage {
        records.push(
            byoc_total(byoc.price.as_ref())
                .and_then(|cents| {
                    record(
                        period_start,
                        cents,
                        NorthflankPart::Byoc,
                        Default::default(),
                    )
                })
                .map_err(|_| overflow("get_usage", "data.byocUsage.price")),
        );
    }
    records.into_iter().collect()
}

/// Every hourly usage entry of `[start, end)` as a record, every page: the org route, or the
/// team route when `team` is given.
pub fn fetch_cost_records<'a>(
    client: &'a Client,
    team: Option<&'a str>,
    start: DateTime<Utc>,
    end: DateTime<Utc>,
) -> impl Stream<Item = Result<CostRecord, Error>> + Send + 'a {
    let entries = match team {
        Some(team) => client
            .list_team_usage()
            .team(team)
            .start_time(start.timestamp())
            .end_time(end.timestamp())
            .per_page(100)
            .stream()
            .left_stream(),
        None => client
            .list_usage()
            .start_time(start.timestamp())
            .end_time(end.timestamp())
            .per_page(100)
            .stream()
            .right_stream(),
    };
    entries.map(move |entry| entry.and_then(|entry| entry_record(&entry, team)))
}

fn id_or_name(id: &Option<String>, name: &Option<String>) -> Option<String> {
    id.clone().or_else(|| name.clone())
}

fn record(
    period_start: DateTime<Utc>,
    cents: Decimal,
    part: NorthflankPart,
    [team, project, resource_type, resource]: [Option<String>; 4],
) -> Result<CostRecord, InexactSum> {
    Ok(CostRecord {
        provider: Provider::Northflank,
        period_start,
        period_end: period_start + BILLING_PERIOD,
        amount: exact_usd(cents).ok_or(InexactSum)?,
        currency: CURRENCY.to_string(),
        scope: Scope::Northflank {
            part,
            team,
            project,
            resource_type,
            resource,
        },
    })
}

/// The billing hour starting at `timestamp` (Unix seconds, a JSON number).
fn hour(
    timestamp: Option<f64>,
    operation: &'static str,
    path: &str,
) -> Result<DateTime<Utc>, Error> {
    let invalid = |message: String| Error::Decode {
        provider: Provider::Northflank,
        operation,
        path: path.to_string(),
        message,
    };
    let seconds = timestamp.ok_or_else(|| invalid("no timestamp: the hour is unknown".into()))?;
    // Unix seconds are far inside the range where an f64 holds whole numbers exactly.
    if !seconds.is_finite() || seconds.fract() != 0.0 || seconds.abs() > 1e15 {
        return Err(invalid(format!("{seconds} is not a Unix time in seconds")));
    }
    let start = DateTime::from_timestamp(seconds as i64, 0)
        .ok_or_else(|| invalid(format!("{seconds} is not a Unix time in seconds")))?;
    start
        .checked_add_signed(BILLING_PERIOD)
        .map(|_| start)
        .ok_or_else(|| invalid(format!("{seconds} is out of range")))
}

fn overflow(operation: &'static str, path: &str) -> Error {
    Error::Decode {
        provider: Provider::Northflank,
        operation,
        path: path.to_string(),
        message: "the price in USD is not exact: it needs more digits than a decimal holds"
            .to_string(),
    }
}
