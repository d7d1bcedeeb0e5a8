//! OpenRouter's activity as [`CostRecord`]s: one usage record per activity item (UTC day ×
//! model × provider endpoint, and workspace when grouped by it), its period the item's day, its
//! amount the item's `usage` in USD, exactly as sent. [`Costs`] is the [`CostSource`].
//!
//! - Scope: the workspace (when the query grouped by workspace), the model and the provider
//!   endpoint as the resource ([`Dimension::Resource`], its id; the provider's name is the
//!   resource's name and the `provider_name` detail).
//! - Quantity: prompt + completion tokens (`tokens`); reasoning tokens are already counted in
//!   the completion tokens, so they are not added again.
//! - BYOK: `usage` is what OpenRouter charged in credits, the BYOK fee included; the inference
//!   cost of BYOK traffic, paid to the provider on the account's own key, is
//!   `byok_usage_inference`, kept as the `byok_usage_inference` detail and never added to the
//!   amount (it is not money OpenRouter billed; adding it would count spend outside OpenRouter).
//! - Completeness: the activity covers the last [`ACTIVITY_DAYS`] completed UTC days, never the
//!   current one. A window that starts earlier, or reaches into the current UTC day, cannot be
//!   proved complete: [`Costs`] yields one error for it and no record, rather than a partial
//!   total. "Today" comes from [`Costs::today`] (the system clock unless set).
//!
//! Credits and key usage are live figures, not records: [`balance`] reads the account's credits
//! as one line.

use chrono::{DateTime, NaiveDate, TimeDelta};
use futures::stream::{self, BoxStream};
use futures::StreamExt;
use rust_decimal::Decimal;

use super::types::{ActivityGroupBy, ActivityItem, ActivityResponse};
use super::Client;
use crate::cost::{
    billed_to, BillingAccount, CostRecord, CostSource, Details, Dimension, Quantity, Scope, Window,
};
use crate::{Error, Provider};

/// The currency of every amount: credits are US dollars.
pub const CURRENCY: &str = "USD";
/// The unit of a record's quantity: prompt + completion tokens.
pub const QUANTITY_UNIT: &str = "tokens";
/// The completed UTC days the activity covers, ending yesterday.
pub const ACTIVITY_DAYS: i64 = 30;

const OPERATION: &str = "get_user_activity";

/// Where [`Costs`] takes "today" from, to tell which days the activity covers.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub enum Today {
    /// The system clock, UTC.
    #[default]
    System,
    /// This day (a test, a replay).
    Fixed(NaiveDate),
    /// The first UTC day that starts at or after the window's end: for a server whose answers
    /// are final as soon as the window is over (a demo).
    WindowEnd,
}

impl Today {
    /// The current UTC day for a fetch of `window`, if the clock can tell.
    pub fn date(self, window: &Window) -> Option<NaiveDate> {
        match self {
            Today::System => {
                let since_epoch = std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .ok()?;
                let seconds = i64::try_from(since_epoch.as_secs()).ok()?;
                DateTime::from_timestamp(seconds, 0).map(|now| now.date_naive())
            }
            Today::Fixed(day) => Some(day),
            Today::WindowEnd => {
                let day = window.end.date_naive();
                let midnight = day.and_hms_opt(0, 0, 0)?.and_utc();
                if window.end == midnight {
                    Some(day)
                } else {
                    day.succ_opt()
                }
            }
        }
    }
}

/// The UTC day of an activity item: its `date`, `YYYY-MM-DD`, possibly followed by a midnight
/// time (` 00:00:00`, `T00:00:00Z`).
fn item_day(date: &str) -> Option<NaiveDate> {
    let day = date.get(..10)?.parse::<NaiveDate>().ok()?;
    let rest = date.get(10..)?;
    let midnight = rest.is_empty()
        || rest
            .strip_prefix([' ', 'T'])
            .is_some_and(|time| time.starts_with("00:00:00"));
    midnight.then_some(day)
}

fn decode_error(path: &str, message: String) -> Error {
    Error::Decode {
        provider: Provider::OpenRouter,
        operation: OPERATION,
        path: path.to_string(),
        message,
    }
}

/// The record of one activity item; `path` names the item in errors.
pub(crate) fn activity_record(item: &ActivityItem, path: &str) -> Result<CostRecord, Error> {
    let day = item_day(&item.date).ok_or_else(|| {
        decode_error(
            &format!("{path}.date"),
            format!("`{}` is not a UTC day (YYYY-MM-DD)", item.date.chars().take(40).collect::<String>()),
        )
    })?;
    let start = day
        .and_hms_opt(0, 0, 0)
        .map(|start| start.and_utc())
        .ok_or_else(|| decode_error(&format!("{path}.date"), "a day out of range".into()))?;
    let period = Window {
        start,
        end: start + TimeDelta::days(1),
    };
    let tokens = item
        .prompt_tokens
        .checked_add(item.completion_tokens)
        .ok_or_else(|| {
            decode_error(
                &format!("{path}.completion_tokens"),
                "prompt + completion tokens overflow".into(),
            )
        })?;
    let record = CostRecord::new(
        Provider::OpenRouter,
        period,
        item.usage.value(),
        CURRENCY,
        Scope::new()
            .with_opt(Dimension::Workspace, item.workspace_id.as_deref())
            .with(Dimension::Model, item.model.as_str())
            .with(Dimension::Resource, item.endpoint_id.as_str()),
    )
    .with_name(Dimension::Resource, item.provider_name.as_str())
    .with_quantity(Quantity::new(Decimal::from(tokens), QUANTITY_UNIT))
    .with_description(format!("{} via {}", item.model, item.provider_name))
    .with_details(
        Details::new()
            .with("provider_name", Some(item.provider_name.as_str()))
            .with("model_permaslug", Some(item.model_permaslug.as_str()))
            .with(
                "byok_usage_inference",
                Some(item.byok_usage_inference.to_string()),
            )
            .with("requests", Some(item.requests.to_string())),
    );
    Ok(record)
}

/// Every item of an activity answer, in order: one record each, its amount `usage` exactly as
/// sent, the BYOK inference cost a detail (never added), its quantity prompt + completion tokens.
///
/// ```
/// use usage_bindings::cost::Dimension;
/// use usage_bindings::openrouter::{cost_records, types::ActivityResponse};
///
/// let page: ActivityResponse = serde_json::from_str(
///     r#"{"data": [{"date": "2026-11-03", "model": "openai/gpt-4.1",
///         "model_permaslug": "openai/gpt-4.1-2025-04-14", "endpoint_id": "ep-1",
///         "provider_name": "OpenAI", "usage": 0.000123, "byok_usage_inference": 0.012,
///         "requests": 5, "prompt_tokens": 50, "completion_tokens": 125, "reasoning_tokens": 25}]}"#,
/// )?;
/// let record = &cost_records(&page)?[0];
/// assert_eq!(record.amount.to_string(), "0.000123"); // BYOK inference cost not added
/// assert_eq!(record.details.get("byok_usage_inference"), Some("0.012"));
/// assert_eq!(record.quantity.as_ref().unwrap().value.to_string(), "175"); // prompt + completion
/// assert_eq!(record.scope.to_string(), "model=openai/gpt-4.1 resource=ep-1");
/// assert_eq!(record.names.get(Dimension::Resource), Some("OpenAI"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn cost_records(page: &ActivityResponse) -> Result<Vec<CostRecord>, Error> {
    page.data
        .iter()
        .enumerate()
        .map(|(index, item)| activity_record(item, &format!("data[{index}]")))
        .collect()
}

/// Why the activity cannot prove `window` complete when today is `today`, if it cannot.
fn incomplete(window: &Window, today: NaiveDate) -> Option<String> {
    let midnight = |day: NaiveDate| day.and_hms_opt(0, 0, 0).map(|time| time.and_utc());
    let first = today.checked_sub_signed(TimeDelta::days(ACTIVITY_DAYS))?;
    let (Some(first_start), Some(today_start)) = (midnight(first), midnight(today)) else {
        return Some(format!("cannot place {today} in time"));
    };
    if window.start < first_start {
        return Some(format!(
            "the window starts {}, before {first}: the activity covers only the last \
             {ACTIVITY_DAYS} completed UTC days (today is {today}), so its total cannot be \
             proved complete",
            window.start.format("%Y-%m-%d %H:%M UTC")
        ));
    }
    if window.end > today_start {
        return Some(format!(
            "the window ends {}, after the start of today ({today}): the activity has no \
             figures for the current UTC day until it is over",
            window.end.format("%Y-%m-%d %H:%M UTC")
        ));
    }
    None
}

/// An OpenRouter account's activity as a [`CostSource`]: one record per activity item whose day
/// meets the window (see [`cost_records`]), or one error when the window is not within the
/// days the activity covers.
///
/// ```
/// use usage_bindings::openrouter::{Client, Config, Costs, Today};
///
/// let client = Client::from_config(Config::new("sk-or-v1-..."))?;
/// let costs = Costs::new(client)
///     .by_workspace(true)
///     .today(Today::Fixed("2026-12-06".parse().unwrap()));
/// assert!(costs.by_workspace);
/// # Ok::<(), usage_bindings::Error>(())
/// ```
#[derive(Clone, Debug)]
pub struct Costs {
    /// The client (its key a management key).
    pub client: Client,
    /// Whether the activity is split per workspace (`group_by=workspace`).
    pub by_workspace: bool,
    /// Where "today" comes from.
    pub today: Today,
    /// The account billed, set on every record (activity items name none).
    pub billing_account: Option<BillingAccount>,
}

impl Costs {
    /// The activity of `client`'s account, not split per workspace, today from the system
    /// clock.
    pub fn new(client: Client) -> Costs {
        Costs {
            client,
            by_workspace: false,
            today: Today::System,
            billing_account: None,
        }
    }

    /// Splits the activity per workspace (`group_by=workspace`) or not.
    pub fn by_workspace(mut self, by_workspace: bool) -> Costs {
        self.by_workspace = by_workspace;
        self
    }

    /// Takes "today" from `today` instead of the system clock.
    pub fn today(mut self, today: Today) -> Costs {
        self.today = today;
        self
    }

    /// Sets `account` as the billing account of every record: activity items name none, and a
    /// FOCUS export needs it.
    pub fn billing_account(mut self, account: BillingAccount) -> Costs {
        self.billing_account = Some(account);
        self
    }

    /// The records of `window`, each a result, or the error that stops the whole window.
    async fn fetch(&self, window: Window) -> Result<Vec<Result<CostRecord, Error>>, Error> {
        let invalid = |message: String| Error::InvalidRequest {
            provider: Provider::OpenRouter,
            operation: OPERATION,
            message,
        };
        let today = self
            .today
            .date(&window)
            .ok_or_else(|| invalid("the clock cannot tell today's date".into()))?;
        if let Some(reason) = incomplete(&window, today) {
            return Err(invalid(reason));
        }
        let mut request = self.client.get_user_activity();
        if self.by_workspace {
            request = request.group_by(ActivityGroupBy::Workspace);
        }
        let page = request.fetch().await?;
        Ok(page
            .data
            .iter()
            .enumerate()
            .filter(|(_, item)| {
                // Items of days outside the window are not asked for; an undecodable day is
                // kept, to be reported.
                item_day(&item.date)
                    .and_then(|day| day.and_hms_opt(0, 0, 0))
                    .map(|start| start.and_utc())
                    .is_none_or(|start| {
                        start < window.end && start + TimeDelta::days(1) > window.start
                    })
            })
            .map(|(index, item)| activity_record(item, &format!("data[{index}]")))
            .collect())
    }
}

impl CostSource for Costs {
    fn provider(&self) -> Provider {
        Provider::OpenRouter
    }

    fn records(&self, window: Window) -> BoxStream<'_, Result<CostRecord, Error>> {
        let records = stream::once(self.fetch(window)).flat_map(|fetched| match fetched {
            Ok(records) => stream::iter(records),
            Err(error) => stream::iter(vec![Err(error)]),
        });
        billed_to(records, self.billing_account.clone())
    }

    /// The account's credits left ([`balance`]).
    fn balance(&self) -> Option<futures::future::BoxFuture<'_, Result<String, Error>>> {
        Some(Box::pin(balance(&self.client)))
    }
}

/// The account's credit balance as one line (`balance 74.75 USD: 100.5 bought, 25.75 used`),
/// from `/credits` (a management key).
pub async fn balance(client: &Client) -> Result<String, Error> {
    let credits = client.get_credits().fetch().await?.data;
    let (bought, used) = (credits.total_credits.value(), credits.total_usage.value());
    let left = bought.checked_sub(used).ok_or_else(|| {
        decode_error("data", "total_credits - total_usage does not fit a decimal".into())
    })?;
    Ok(format!(
        "balance {left} {CURRENCY}: {bought} bought, {used} used"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(text: &str) -> NaiveDate {
        text.parse().unwrap()
    }

    #[test]
    fn an_item_day_may_carry_a_midnight_time() {
        assert_eq!(item_day("2026-11-03"), Some(day("2026-11-03")));
        assert_eq!(item_day("2026-11-03 00:00:00"), Some(day("2026-11-03")));
        assert_eq!(item_day("2026-11-03T00:00:00Z"), Some(day("2026-11-03")));
        assert_eq!(item_day("2026-11-03 12:00:00"), None);
        assert_eq!(item_day("03/11/2026"), None);
        assert_eq!(item_day("2026-11-0"), None);
        assert_eq!(item_day("2026-11-03é"), None);
    }

    #[test]
    fn the_30_days_end_yesterday() {
        let today = day("2026-12-06");
        let window = |first: &str, last: &str| Window::days(day(first), day(last)).unwrap();
        assert_eq!(incomplete(&window("2026-11-06", "2026-12-05"), today), None);
        assert!(incomplete(&window("2026-11-05", "2026-11-07"), today).is_some());
        assert!(incomplete(&window("2026-12-01", "2026-12-06"), today).is_some());
    }

    #[test]
    fn window_end_is_the_day_after_the_window() {
        let window = Window::days(day("2026-11-01"), day("2026-11-07")).unwrap();
        assert_eq!(Today::WindowEnd.date(&window), Some(day("2026-11-08")));
        let partial = Window::new(window.start, window.end - TimeDelta::hours(1)).unwrap();
        assert_eq!(Today::WindowEnd.date(&partial), Some(day("2026-11-08")));
    }
}
