//! Northflank billing: hourly usage entries and one hour's drill-down, invoices (the list, and one
//! invoice with its line items and drill-down) and the credit balance, each on the org route and
//! the team route.
//!
//! Amounts are exact ([`crate::money::Amount`]), as sent. Their unit is disputed by Northflank's own
//! documents (cents, or units of the response's currency): cost records read them in the
//! client's [`AmountUnit`](crate::money::AmountUnit), currency units unless [`Config::with_amount_unit`] says cents. Auth
//! is an API token (team or org scoped) as a bearer token. The team routes of get usage and get
//! invoice have the team in the path (`.team(..)`) and an independent `teamId` query filter
//! (`.team_id(..)`).
//!
//! ```no_run
//! use futures::TryStreamExt;
//! use usage_bindings::northflank::{types, Client, Config};
//!
//! # async fn run() -> Result<(), usage_bindings::Error> {
//! let client = Client::from_config(Config::new("nf-api-token"))?; // or Client::from_env()
//! // One hour's drill-down, every page of it (the breakdown pages by page number).
//! let teams: Vec<types::TeamUsage> = client
//!     .get_usage()
//!     .timestamp("1764068400")
//!     .resource_type(types::ResourceType::Service)
//!     .items()
//!     .try_collect()
//!     .await?;
//! for team in &teams {
//!     let price = team.price.as_ref().and_then(|p| p.total);
//!     println!("{}: {:?}", team.name.as_deref().unwrap_or("?"), price);
//! }
//! # Ok(()) }
//! ```

mod config;
mod costs;
#[cfg(feature = "demo")]
#[cfg_attr(docsrs, doc(cfg(feature = "demo")))]
pub mod demo;
mod descriptor;
#[cfg(feature = "fuzzing")]
mod fuzz;
mod paging;

pub use config::{Config, Settings};
pub use costs::{
    cost_records, drilldown_records, invoice_records, BillingPart, Costs, InvoiceCosts,
    BILLING_PERIOD, DEFAULT_CURRENCY,
};

generated_module!("northflank");

pub use generated::{builder, types, Client};
pub use paging::invoices;

/// What an operation's `.send()` returns on failure: a transport error, an undecodable body,
/// or the API's error response (status, headers and decoded body). It converts into
/// [`crate::Error`] (`?` works on `.send()`).
pub type OperationError = progenitor_client::Error<types::ErrorResponse>;

provider_client!(Settings);

pub(crate) use descriptor::DESCRIPTOR;
