//! OpenAI costs as [`CostRecord`]s: one record per costs result, its period the result's bucket,
//! its scope the project, line item and API key the result has (those the query grouped by), its
//! description the line item, its quantity the result's `quantity` in its `quantity_unit` (when
//! both are sent). Costs results name no organization: [`Costs::billing_account`] sets it.
//! [`Costs`] is the [`CostSource`]: the caller chooses its grouping.
//!
//! A result of a type this crate does not know (`UnknownUsageResult`, kept as raw JSON) is a cost
//! too when it carries an amount (`amount.value`, a number or a string, with an optional
//! `amount.currency`): its `object` is its line item. Without an amount it is not a cost; with a
//! malformed one it is a decode error, so that no cost is dropped quietly. A result of a known
//! type kept whole because its fields do not fit that type is a decode error when it carries an
//! amount: its members cannot be trusted, and it is neither counted nor dropped.

use chrono::{DateTime, Utc};
use futures::stream::BoxStream;
use futures::{Stream, StreamExt};
use rust_decimal::Decimal;
use serde::Deserialize;
use serde_json::Value;

use super::types::{
    CostsBucketWidth, CostsGroupBy, CostsResult, UnknownUsageResult, UsageResponse, UsageResult,
};
use super::{BucketResult, Client};
use crate::cost::{
    billed_to, BillingAccount, CostRecord, CostSource, Dimension, Quantity, Scope, Window,
};
use crate::money::Amount;
use crate::{Error, Provider};

/// The currency of a costs result that does not say (`amount` or `amount.currency` missing):
/// OpenAI documents costs in USD.
pub const DEFAULT_CURRENCY: &str = "USD";

/// The record of one costs result of the bucket `[start_time, end_time)` (Unix seconds), as
/// [`cost_records`] makes it; results of other types (usage, not costs) have no cost: `Ok(None)`.
pub(crate) fn bucket_result_record(item: &BucketResult) -> Result<Option<CostRecord>, Error> {
    if !is_cost(&item.result) {
        return Ok(None);
    }
    let period_start = timestamp(item.start_time, "data[].start_time")?;
    let period_end = timestamp(item.end_time, "data[].end_time")?;
    result_record(&item.result, period_start, period_end, || {
        "data[].results[]".to_string()
    })
}

/// Every costs result of a costs page (`usage_costs`), in order: one record each, its period the
/// result's bucket. The amount is `amount.value` in `amount.currency` (upper-cased;
/// [`DEFAULT_CURRENCY`] when absent); a costs result without a value is a record of zero, so that
/// nothing is dropped. A result of an unknown type with an amount is a record whose line item is
/// its `object` (see the module docs); results of other types (usage, not costs) have no cost.
/// The first malformed amount of an unknown result type is an error.
///
/// This is the conversion [`Costs`] applies to each page it fetches, for a page fetched by the
/// caller.
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
        for (result_index, result) in bucket.results.iter().enumerate() {
            let path = || format!("data[{index}].results[{result_index}]");
            if let Some(record) = result_record(result, period_start, period_end, path)? {
                records.push(record);
            }
        }
    }
    Ok(records)
}

/// The grouping of [`Costs::new`]: by project, line item and API key, the finest there is.
pub const DEFAULT_GROUP_BY: [CostsGroupBy; 3] = [
    CostsGroupBy::ProjectId,
    CostsGroupBy::LineItem,
    CostsGroupBy::ApiKeyId,
];

/// The costs of `window` in daily buckets, grouped by `group_by` (none: one amount per bucket,
/// the whole organization), every page: one record per costs result (and per unknown result with
/// an amount). A malformed amount is an error item, and the stream goes on with the next result.
pub(crate) fn fetch_cost_records<'a>(
    client: &'a Client,
    window: Window,
    group_by: Vec<CostsGroupBy>,
) -> impl Stream<Item = Result<CostRecord, Error>> + Send + 'a {
    let mut costs = client
        .usage_costs()
        .start_time(window.start.timestamp())
        .end_time(window.end.timestamp())
        .bucket_width(CostsBucketWidth::X1d);
    if !group_by.is_empty() {
        costs = costs.group_by(group_by);
    }
    costs.results().filter_map(|item| async move {
        match item {
            Ok(item) => bucket_result_record(&item).transpose(),
            Err(error) => Some(Err(error)),
        }
    })
}

/// Whether a result may be a cost: a costs result, or a result of an unknown type.
fn is_cost(result: &UsageResult) -> bool {
    matches!(
        result,
        UsageResult::CostsResult(_) | UsageResult::UnknownUsageResult(_)
    )
}

/// The record of a result of `[period_start, period_end)`, if it is a cost; `path` names the
/// result in errors.
fn result_record(
    result: &UsageResult,
    period_start: DateTime<Utc>,
    period_end: DateTime<Utc>,
    path: impl Fn() -> String,
) -> Result<Option<CostRecord>, Error> {
    match result {
        UsageResult::CostsResult(cost) => Ok(Some(record(cost, period_start, period_end))),
        UsageResult::UnknownUsageResult(raw) => unknown_record(raw, period_start, period_end, path),
        _ => Ok(None),
    }
}

/// The record of a result of an unknown type: `Ok(None)` without `amount.value`.
fn unknown_record(
    raw: &UnknownUsageResult,
    period_start: DateTime<Utc>,
    period_end: DateTime<Utc>,
    path: impl Fn() -> String,
) -> Result<Option<CostRecord>, Error> {
    let object: &str = &raw.object;
    let invalid = |field: &str, message: String| Error::Decode {
        provider: Provider::OpenAi,
        operation: "usage_costs",
        path: format!("{}.{field}", path()),
        message: format!(
            "a `{}` result: {message}",
            object.chars().take(80).collect::<String>()
        ),
    };
    let amount = match raw.extra.get("amount") {
        None | Some(Value::Null) => return Ok(None),
        Some(Value::Object(amount)) => amount,
        Some(_) => return Err(invalid("amount", "`amount` is not an object".into())),
    };
    let value = match amount.get("value") {
        None | Some(Value::Null) => return Ok(None),
        Some(value) => value,
    };
    // A result of a known type kept whole because its fields do not fit that type: its members
    // cannot be trusted, so it is neither counted nor dropped.
    if let Some(why) = raw.decode_error() {
        return Err(Error::Decode {
            provider: Provider::OpenAi,
            operation: "usage_costs",
            path: path(),
            message: format!(
                "a `{object}` result with an amount does not fit its type ({why}); it is neither \
                 counted nor dropped"
            ),
        });
    }
    let value =
        Amount::deserialize(value).map_err(|error| invalid("amount.value", error.to_string()))?;
    let currency = match amount.get("currency") {
        None | Some(Value::Null) => DEFAULT_CURRENCY.to_string(),
        Some(Value::String(currency)) => currency.to_ascii_uppercase(),
        Some(_) => {
            return Err(invalid(
                "amount.currency",
                "`currency` is not a string".into(),
            ))
        }
    };
    let text = |name: &str| raw.extra.get(name).and_then(Value::as_str);
    let quantity = quantity(
        raw.extra.get("quantity").and_then(Value::as_f64),
        text("quantity_unit"),
    );
    Ok(Some(
        CostRecord::new(
            Provider::OpenAi,
            Window {
                start: period_start,
                end: period_end,
            },
            value.value(),
            currency,
            scope(text("project_id"), Some(object), text("api_key_id")),
        )
        .with_quantity(quantity)
        .with_description(object),
    ))
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
    let record = CostRecord::new(
        Provider::OpenAi,
        Window {
            start: period_start,
            end: period_end,
        },
        amount,
        currency,
        scope(
            cost.project_id.as_deref(),
            cost.line_item.as_deref(),
            cost.api_key_id.as_deref(),
        ),
    )
    .with_quantity(quantity(cost.quantity, cost.quantity_unit.as_deref()));
    match cost.line_item.as_deref() {
        Some(line_item) => record.with_description(line_item),
        None => record,
    }
}

/// The quantity billed, when the result has both a quantity and its unit (and the quantity is a
/// number a `Decimal` holds).
fn quantity(value: Option<f64>, unit: Option<&str>) -> Option<Quantity> {
    let unit = unit.map(str::trim).filter(|unit| !unit.is_empty())?;
    Some(Quantity::new(crate::money::decimal_from_f64(value?)?, unit))
}

/// Project, line item, API key: those present.
fn scope(project: Option<&str>, line_item: Option<&str>, api_key: Option<&str>) -> Scope {
    Scope::new()
        .with_opt(Dimension::Project, project)
        .with_opt(Dimension::LineItem, line_item)
        .with_opt(Dimension::ApiKey, api_key)
}

/// An OpenAI organization's costs as a [`CostSource`]: the costs of the window in daily buckets,
/// grouped by [`Costs::group_by`] ([`DEFAULT_GROUP_BY`] unless changed), every page, each costs
/// result a record as [`cost_records`] makes it. A malformed amount is an error item, and the
/// stream goes on with the next result.
///
/// ```
/// use usage_bindings::openai::{types::CostsGroupBy, Client, Config, Costs};
///
/// let client = Client::from_config(Config::new("sk-admin-..."))?;
/// // One record per project and day, not per line item and API key.
/// let by_project = Costs::new(client).group_by(vec![CostsGroupBy::ProjectId]);
/// assert_eq!(by_project.group_by, [CostsGroupBy::ProjectId]);
/// # Ok::<(), usage_bindings::Error>(())
/// ```
#[derive(Clone, Debug)]
pub struct Costs {
    /// The client.
    pub client: Client,
    /// What each result is broken down by (empty: the whole organization per day).
    pub group_by: Vec<CostsGroupBy>,
    /// The organization billed, set on every record (costs results name none).
    pub billing_account: Option<BillingAccount>,
}

impl Costs {
    /// The costs of `client`'s organization, grouped by [`DEFAULT_GROUP_BY`].
    pub fn new(client: Client) -> Costs {
        Costs {
            client,
            group_by: DEFAULT_GROUP_BY.to_vec(),
            billing_account: None,
        }
    }

    /// Sets `account` (the organization, `org-...`) as the billing account of every record:
    /// costs results do not name it, and a FOCUS export needs it.
    pub fn billing_account(mut self, account: BillingAccount) -> Costs {
        self.billing_account = Some(account);
        self
    }

    /// Groups by `group_by` instead (empty: no grouping).
    pub fn group_by(mut self, group_by: Vec<CostsGroupBy>) -> Costs {
        self.group_by = group_by;
        self
    }
}

impl CostSource for Costs {
    fn provider(&self) -> Provider {
        Provider::OpenAi
    }

    fn records(&self, window: Window) -> BoxStream<'_, Result<CostRecord, Error>> {
        billed_to(
            fetch_cost_records(&self.client, window, self.group_by.clone()),
            self.billing_account.clone(),
        )
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
