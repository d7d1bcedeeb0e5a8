//! Anthropic organization usage and cost reports (Admin API).
//!
//! Three operations: the Messages usage report and the cost report, pages of time buckets
//! ([`types::MessagesUsageReport`], [`types::CostReport`]), and the Claude Code usage report,
//! pages of per-actor daily rows ([`types::ClaudeCodeUsageReport`]). Auth is an Admin API key
//! (`sk-ant-admin01-...`) in `x-api-key`; every request carries `anthropic-version: 2023-06-01`.
//! Cost amounts are exact decimal strings in cents ([`types::CentsAmount`]); the cost records
//! convert them into dollars with the shared [`AmountUnit::Cents`](crate::money::AmountUnit::Cents).
//! Response enums that Anthropic extends (`service_tier`, `cost_type`, `token_type`, ...) are
//! plain strings, so that a new value never fails a page.
//!
//! ```no_run
//! use futures::TryStreamExt;
//! use usage_bindings::anthropic::{types, Client, Config};
//!
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! let client = Client::from_config(Config::new("sk-ant-admin01-..."))?; // or Client::from_env()
//! let start = "2026-11-01T00:00:00Z".parse::<chrono::DateTime<chrono::Utc>>()?;
//! let mut results = client
//!     .cost_report()
//!     .starting_at(start)
//!     .group_by(vec![types::CostGroupBy::WorkspaceId, types::CostGroupBy::Description])
//!     .results();
//! while let Some(item) = results.try_next().await? {
//!     println!("{} {:?} {} cents", item.starting_at, item.result.description, item.result.amount);
//! }
//! # Ok(()) }
//! ```
//!
//! Array parameters are sent with brackets, once per value (`group_by[]=a&group_by[]=b`), the
//! form Anthropic's SDKs send; the setters are named without them (`.group_by(...)`). The
//! messages report's context-window filter is singular on the wire (`context_window[]`).

mod amount;
mod config;
mod costs;
#[cfg(feature = "demo")]
#[cfg_attr(docsrs, doc(cfg(feature = "demo")))]
pub mod demo;
mod descriptor;
#[cfg(feature = "fuzzing")]
mod fuzz;
mod paging;

pub use config::{Config, Settings, ANTHROPIC_VERSION};
pub use costs::{cost_records, Costs, DEFAULT_GROUP_BY, DEFAULT_WORKSPACE};
pub use paging::{CostBucketResult, MessagesBucketResult};

generated_module!("anthropic");

pub use generated::{builder, Client};

/// The types of the spec's schemas, operation parameters and responses.
pub mod types {
    pub use super::amount::{CentsAmount, ClaudeCodeToolActions};
    pub use super::generated::types::*;
}

/// What an operation's `.send()` returns on failure: a transport error, an undecodable body,
/// or the API's error response (status, headers and decoded body). It converts into
/// [`crate::Error`] (`?` works on `.send()`).
pub type OperationError = progenitor_client::Error<types::ErrorResponse>;

provider_client!(Settings);

pub(crate) use descriptor::DESCRIPTOR;
