//! Phala Cloud app usage: the metered usage records of one app.
//!
//! Costs are in USD and exact ([`crate::Amount`]). Auth is an API key in `X-API-Key`; every request
//! also carries `X-Phala-Version` ([`DEFAULT_PHALA_VERSION`] unless
//! [`Config::phala_version`] says otherwise).
//!
//! ```no_run
//! use usage_bindings::phala::{Client, Config};
//!
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! let client = Client::from_config(Config::new("phak_..."))?; // or Client::from_env()
//! let page = client
//!     .get_app_usage()
//!     .app_id("9f3c2a")
//!     .limit(std::num::NonZeroU64::new(100).unwrap())
//!     .send()
//!     .await?
//!     .into_inner();
//! println!("{} records, {} USD", page.total, page.total_cost);
//! # Ok(()) }
//! ```

mod config;
mod costs;
mod paging;

pub use config::{Config, Settings, DEFAULT_PHALA_VERSION};
pub use costs::{fetch_cost_records, usage_record, usage_records, CURRENCY};

/// The client generated from `openapi/phala.yaml`.
#[allow(
    missing_docs,
    unused_imports,
    clippy::all,
    rustdoc::bare_urls,
    rustdoc::broken_intra_doc_links,
    rustdoc::invalid_html_tags
)]
mod generated {
    include!(concat!(env!("OUT_DIR"), "/phala.rs"));
}

pub use generated::{builder, types, Client, ResponseValue};
pub use paging::DEFAULT_PAGE_SIZE;

/// What an operation's `.send()` returns on failure: a transport error, an undecodable body,
/// or the API's error response (status, headers and decoded body).
pub type OperationError = progenitor_client::Error<types::ErrorResponse>;

provider_client!(Settings);
