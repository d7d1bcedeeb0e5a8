//! Anthropic costs as [`CostRecord`]s: one record per cost result, its period the result's
//! bucket, its amount the result's cents converted into currency units by the shared
//! [`AmountUnit::to_currency`](crate::money::AmountUnit::to_currency), its currency as sent
//! (upper case), its scope the workspace, description, model, cost type and token type the result
//! has, its description the result's `description`, its details the service tier and context
//! window. [`Costs`] is the [`CostSource`]: the caller chooses its grouping; cost results name
//! no organization, so [`Costs::billing_account`] sets it.
//!
//! A null `workspace_id` is the default workspace when the query grouped by workspace (it is
//! then named [`DEFAULT_WORKSPACE`]), and no workspace otherwise. The messages and Claude Code
//! reports stay typed usage: they give no records (no price list is guessed).

use chrono::{DateTime, Utc};
use futures::stream::BoxStream;
use futures::{Stream, StreamExt};

use super::types::{CostBucketWidth, CostGroupBy, CostReport, CostResult};
use super::{Client, CostBucketResult, Settings};
use crate::cost::{
    billed_to, BillingAccount, CostRecord, CostSource, Details, Dimension, Scope, Window,
};
use crate::provider::ProviderSpec;
use crate::{Error, Provider};

/// The workspace of a result whose `workspace_id` is null in a report grouped by workspace.
pub const DEFAULT_WORKSPACE: &str = "default";

/// The grouping of [`Costs::new`]: by workspace and description, the finest there is (the cost
/// report cannot be grouped by API key or model).
pub const DEFAULT_GROUP_BY: [CostGroupBy; 2] = [CostGroupBy::WorkspaceId, CostGroupBy::Description];

/// The record of one cost result of the bucket `[starting_at, ending_at)`, as [`cost_records`]
/// makes it; `by_workspace` says whether the query grouped by workspace (so that a null workspace
/// is the default one). `path` names the result in errors.
pub(crate) fn cost_result_record(
    starting_at: DateTime<Utc>,
    ending_at: DateTime<Utc>,
    result: &CostResult,
    by_workspace: bool,
    path: &str,
) -> Result<CostRecord, Error> {
    let cents = result.amount.value();
    let amount = Settings::default()
        .amount_unit()
        .to_currency(cents)
        .ok_or_else(|| Error::Decode {
            provider: Provider::Anthropic,
            operation: "cost_report",
            path: format!("{path}.amount"),
            message: format!("{cents} cents has too many decimal places to convert exactly"),
        })?;
    let workspace = match result.workspace_id.as_deref() {
        Some(workspace) => Some(workspace),
        None if by_workspace => Some(DEFAULT_WORKSPACE),
        None => None,
    };
    let record = CostRecord::new(
        Provider::Anthropic,
        Window {
            start: starting_at,
            end: ending_at,
        },
        amount,
        result.currency.trim().to_ascii_uppercase(),
        Scope::new()
            .with_opt(Dimension::Workspace, workspace)
            .with_opt(Dimension::LineItem, result.description.as_deref())
            .with_opt(Dimension::Model, result.model.as_deref())
            .with_opt(Dimension::CostType, result.cost_type.as_deref())
            .with_opt(Dimension::TokenType, result.token_type.as_deref()),
    )
    .with_details(
        Details::new()
            .with("service_tier", result.service_tier.as_deref())
            .with("context_window", result.context_window.as_deref()),
    );
    Ok(match result.description.as_deref() {
        Some(description) => record.with_description(description),
        None => record,
    })
}

/// Every cost result of a cost report page, in order: one record each, its period the result's
/// bucket, its amount the result's cents in currency units (exactly: an amount that does not
/// convert exactly is an error), its currency as sent in upper case, its scope the workspace,
/// description, model, cost type and token type the result has. `by_workspace` says whether the
/// query grouped by workspace, so that a null `workspace_id` is [`DEFAULT_WORKSPACE`].
///
/// This is the conversion [`Costs`] applies to each page it fetches, for a page fetched by the
/// caller.
///
/// ```
/// use usage_bindings::anthropic::{cost_records, types::CostReport};
///
/// let page: CostReport = serde_json::from_str(r#"{
///   "has_more": false, "next_page": null,
///   "data": [{"starting_at": "2026-11-01T00:00:00Z", "ending_at": "2026-11-02T00:00:00Z",
///     "results": [{"amount": "123.78912", "currency": "USD", "workspace_id": null,
///       "description": "Claude Opus 5 Usage - Input Tokens", "model": "claude-opus-5",
///       "cost_type": "tokens", "token_type": "uncached_input_tokens"}]}]
/// }"#)?;
/// let records = cost_records(&page, true)?;
/// assert_eq!(records[0].amount.to_string(), "1.2378912");
/// assert_eq!(records[0].period.start.to_rfc3339(), "2026-11-01T00:00:00+00:00");
/// assert_eq!(records[0].scope.to_string(),
///     "workspace=default line_item=Claude Opus 5 Usage - Input Tokens model=claude-opus-5 \
///      cost_type=tokens token_type=uncached_input_tokens");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn cost_records(page: &CostReport, by_workspace: bool) -> Result<Vec<CostRecord>, Error> {
    let mut records = Vec::new();
    for (index, bucket) in page.data.iter().enumerate() {
        for (result_index, result) in bucket.results.iter().enumerate() {
            records.push(cost_result_record(
                bucket.starting_at,
                bucket.ending_at,
                result,
                by_workspace,
                &format!("data[{index}].results[{result_index}]"),
            )?);
        }
    }
    Ok(records)
}

/// The costs of `window` in daily buckets, grouped by `group_by` (none: one amount per bucket,
/// the whole organization), every page: one record per cost result. An amount that does not
/// convert exactly is an error item, and the stream goes on with the next result.
pub(crate) fn fetch_cost_records<'a>(
    client: &'a Client,
    window: Window,
    group_by: Vec<CostGroupBy>,
) -> impl Stream<Item = Result<CostRecord, Error>> + Send + 'a {
    let by_workspace = group_by.contains(&CostGroupBy::WorkspaceId);
    let mut costs = client
        .cost_report()
        .starting_at(window.start)
        .ending_at(window.end)
        .bucket_width(CostBucketWidth::X1d);
    if !group_by.is_empty() {
        costs = costs.group_by(group_by);
    }
    costs.results().map(move |item| {
        item.and_then(|item: CostBucketResult| {
            cost_result_record(
                item.starting_at,
                item.ending_at,
                &item.result,
                by_workspace,
                "data[].results[]",
            )
        })
    })
}

/// An Anthropic organization's costs as a [`CostSource`]: the costs of the window in daily
/// buckets, grouped by [`Costs::group_by`] ([`DEFAULT_GROUP_BY`] unless changed), every page, each
/// cost result a record as [`cost_records`] makes it. An amount that does not convert exactly is
/// an error item, and the stream goes on with the next result.
///
/// ```
/// use usage_bindings::anthropic::{types::CostGroupBy, Client, Config, Costs};
///
/// let client = Client::from_config(Config::new("sk-ant-admin01-..."))?;
/// // One record per workspace and day, not per description.
/// let by_workspace = Costs::new(client).group_by(vec![CostGroupBy::WorkspaceId]);
/// assert_eq!(by_workspace.group_by, [CostGroupBy::WorkspaceId]);
/// # Ok::<(), usage_bindings::Error>(())
/// ```
#[derive(Clone, Debug)]
pub struct Costs {
    /// The client.
    pub client: Client,
    /// What each result is broken down by (empty: the whole organization per day).
    pub group_by: Vec<CostGroupBy>,
    /// The organization billed, set on every record (cost results name none).
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

    /// Sets `account` (the organization) as the billing account of every record: cost results
    /// do not name it, and a FOCUS export needs it.
    pub fn billing_account(mut self, account: BillingAccount) -> Costs {
        self.billing_account = Some(account);
        self
    }

    /// Groups by `group_by` instead (empty: no grouping).
    pub fn group_by(mut self, group_by: Vec<CostGroupBy>) -> Costs {
        self.group_by = group_by;
        self
    }
}

impl CostSource for Costs {
    fn provider(&self) -> Provider {
        Provider::Anthropic
    }

    fn records(&self, window: Window) -> BoxStream<'_, Result<CostRecord, Error>> {
        billed_to(
            fetch_cost_records(&self.client, window, self.group_by.clone()),
            self.billing_account.clone(),
        )
    }
}
