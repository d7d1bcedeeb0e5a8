//! OpenAI organization usage and costs (Admin API).
//!
//! Eleven operations, one per usage family plus costs, all answering a [`types::UsageResponse`]
//! of time buckets whose `results` are a [`types::UsageResult`]: one variant per documented result
//! type, and [`types::UsageResult::UnknownUsageResult`] for a result type this crate does not know
//! yet or a result whose fields do not fit its type, kept with all its fields, so that one such
//! result never fails its page. Auth is an Admin API key (`sk-admin-...`) as a bearer token.
//!
//! ```no_run
//! use futures::TryStreamExt;
//! use usage_bindings::openai::{types, Client, Config};
//!
//! # async fn run() -> Result<(), usage_bindings::Error> {
//! let client = Client::from_config(Config::new("sk-admin-..."))?; // or Client::from_env()
//! let mut results = client
//!     .usage_costs()
//!     .start_time(1_730_419_200)
//!     .group_by(vec![types::CostsGroupBy::ProjectId, types::CostsGroupBy::LineItem])
//!     .results();
//! while let Some(item) = results.try_next().await? {
//!     if let types::UsageResult::CostsResult(cost) = item.result {
//!         let value = cost.amount.and_then(|a| a.value);
//!         println!("{} {:?} {:?}", item.start_time, cost.line_item, value);
//!     }
//! }
//! # Ok(()) }
//! ```
//!
//! Array parameters are sent with brackets, once per value (`project_ids[]=a&project_ids[]=b`), the
//! form OpenAI's SDKs send; the setters are named without them (`.project_ids(...)`).

mod config;
mod costs;
#[cfg(feature = "demo")]
#[cfg_attr(docsrs, doc(cfg(feature = "demo")))]
pub mod demo;
mod descriptor;
#[cfg(feature = "fuzzing")]
mod fuzz;
mod paging;
mod result;

pub use config::{Config, Settings};
pub use costs::{cost_records, Costs, DEFAULT_CURRENCY, DEFAULT_GROUP_BY};
pub use paging::BucketResult;

generated_module!("openai");

pub use generated::{builder, Client};

/// The types of the spec's schemas, operation parameters and responses.
pub mod types {
    pub use super::generated::types::*;
    pub use super::result::UsageResult;
}

/// What an operation's `.send()` returns on failure: a transport error, an undecodable body,
/// or the API's error response (status, headers and decoded body). It converts into
/// [`crate::Error`] (`?` works on `.send()`).
pub type OperationError = progenitor_client::Error<types::ErrorResponse>;

provider_client!(Settings);

pub(crate) use descriptor::DESCRIPTOR;
