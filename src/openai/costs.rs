//! OpenAI costs as [`CostRecord`]s: one record per costs result, its period the result's bucket.

use chrono::{DateTime, Utc};
use futures::{Stream, StreamExt};
use rust_decimal::Decimal;

use super::types::{CostsBucketWidth, CostsGroupBy, CostsResult, UsageResponse, UsageResult};
use super::{BucketResult, Client, UsageStreamExt};
use crate::money::{CostRecord, Scope};
use crate::{Error, Provider};

/// The currency of a costs result that does not say (`amount` or `amount.currency` missing):
/// OpenAI documents costs in USD.
pub const DEFAULT_CURRENCY: &str = "USD";

/// The record of one costs result of the bucket `[start_time, end_time)` (Unix seconds).
///
/// The amount is `amount.value` in `amount.currency` (upper-cased; [`DEFAULT_CURRENCY`] when
/// absent); a result without a value is a record of zero, so that nothing is dropped. Results of
/// other types (usage, not costs) have no cost: `Ok(None)`. A costs result that does not fit its
/// type and carries an amount is an error: neither counted nor dropped.
pub fn bucket_result_record(item: &BucketResult) -> Result<Option<CostRecord>, Error> {
    unreadable_cost(&item.result, || {
        format!("results of the bucket starting at {}", item.start_time)
    })?;
    let UsageResult::CostsResult(cost) = &item.result else {
        return Ok(None);
    };
    let period_start = timestamp(item.start_time, "start_time")?;
    let period_end = timestamp(item.end_time, "end_time")?;
    Ok(Some(record(cost, period_start, period_end)))
}

/// Every costs result of a costs page, in order: one record each (see
/// [`bucket_result_record`]).
///
/// ```
/// use usage_bindings::openai::{cost_records, types::UsageResponse};
///
/// let page: UsageResponse = serde_json::from_str(r#"{
///   "object": "page", "has_more": false, "next_page": null,
///   "data": [{"object": "bucket", "start_time": 1730419200, "end_time": 1730505600,
///     "results": [{"object": "organization.costs.result",
///                  "amount": {"value": "0.06", "currency": "usd"},
///                  "project_id": "proj_1", "line_item": "gpt-4o, input"}]}]
/// }"#)?;
/// let records = cost_records(&page)?;
/// assert_eq!(records[0].amount.to_string(), "0.06");
/// assert_eq!(records[0].currency, "USD");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn cost_records(page: &UsageResponse) -> Result<Vec<CostRecord>, Error> {
    let mut records = Vec::new();
    for (index, bucket) in page.data.iter().enumerate() {
        let period_start = timestamp(bucket.start_time, &format!("data[{index}].start_time"))?;
        let period_end = timestamp(bucket.end_time, &format!("data[{index}].end_time"))?;
        for (position, result) in bucket.results.iter().enumerate() {
            unreadable_cost(result, || format!("data[{index}].results[{position}]"))?;
            if let UsageResult::CostsResult(cost) = result {
                records.push(record(cost, period_start, period_end));
            }
        }
    }
    Ok(records)
}

/// The costs of `[start, end)` in daily buckets, grouped by project, line item and API key,
/// every page: one record per costs result.
pub fn fetch_cost_records<'a>(
    client: &'a Client,
    start: DateTime<Utc>,
    end: DateTime<Utc>,
) -> impl Stream<Item = Result<CostRecord, Error>> + Send + 'a {
    client
        .usage_costs()
        .start_time(start.timestamp())
        .end_time(end.timestamp())
        .bucket_width(CostsBucketWidth::X1d)
        .group_by(vec![
            CostsGroupBy::ProjectId,
            CostsGroupBy::LineItem,
            CostsGroupBy::ApiKeyId,
        ])
        .results()
        .filter_map(|item| async move {
            match item {
                Ok(item) => bucket_result_record(&item).transpose(),
                Err(error) => Some(Err(error)),
            }
        })
}

/// A costs result kept whole because its fields do not fit `CostsResult`, with an amount: left out
/// or counted as zero, it would make a total wrong without a word.
fn unreadable_cost(result: &UsageResult, path: impl FnOnce() -> String) -> Result<(), Error> {
    let UsageResult::UnknownUsageResult(kept) = result else {
        return Ok(());
    };
    let carries_amount = kept
        .extra
        .get("amount")
        .is_some_and(|amount| !amount.is_null());
    if kept.object != "organization.costs.result" || !carries_amount {
        return Ok(());
    }
    Err(Error::Decode {
        provider: Provider::OpenAi,
        operation: "usage_costs",
        path: path(),
        message: format!(
            "a costs result with an amount does not fit its type ({}); it is neither counted nor dropped",
            kept.decode_error().unwrap_or_default()
        ),
    })
}

fn record(
    cost: &CostsResult,
    period_start: DateTime<Utc>,
    period_end: DateTime<Utc>,
) -> CostRecord {
    let amount = cost
        .amount
        .as_ref()
        .and_then(|amount| amount.value)
        .map_or(Decimal::ZERO, |value| value.value());
    let currency = cost
        .amount
        .as_ref()
        .and_then(|amount| amount.currency.as_deref())
        .unwrap_or(DEFAULT_CURRENCY)
        .to_ascii_uppercase();
    CostRecord {
        provider: Provider::OpenAi,
        period_start,
        period_end,
        amount,
        currency,
        scope: Scope::OpenAi {
            project: cost.project_id.clone(),
            line_item: cost.line_item.clone(),
            api_key: cost.api_key_id.clone(),
        },
    }
}

fn timestamp(seconds: i64, path: &str) -> Result<DateTime<Utc>, Error> {
    DateTime::from_timestamp(seconds, 0).ok_or_else(|| Error::Decode {
        provider: Provider::OpenAi,
        operation: "usage_costs",
        path: path.to_string(),
        message: format!("{seconds} is not a Unix time"),
    })
}
