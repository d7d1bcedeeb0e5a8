//! Phala Cloud app usage: the metered usage records of one app.
//!
//! Costs are in USD and exact ([`crate::money::Amount`]). Auth is an API key in `X-API-Key`; every request
//! also carries `X-Phala-Version` ([`DEFAULT_PHALA_VERSION`] unless
//! [`Config::with_phala_version`] says otherwise).
//!
//! ```no_run
//! use usage_bindings::phala::{Client, Config};
//!
//! # async fn run() -> Result<(), usage_bindings::Error> {
//! let client = Client::from_config(Config::new("phak_..."))?; // or Client::from_env()
//! let page = client
//!     .get_app_usage()
//!     .app_id("9f3c2a")
//!     .limit(std::num::NonZeroU64::new(100).unwrap())
//!     .send() // the generated call; `?` converts its error into `usage_bindings::Error`
//!     .await?
//!     .into_inner();
//! println!("{} records, {} USD", page.total, page.total_cost);
//! # Ok(()) }
//! ```
//!
//! One `reqwest::Client` can serve this and every other provider
//! ([`Client::from_config_with_http`]). The key travels in `X-API-Key`, which reqwest would keep
//! on a redirect to another origin, so the client must not follow redirects:
//!
//! ```no_run
//! # fn run() -> Result<(), Box<dyn std::error::Error>> {
//! let http = reqwest::Client::builder()
//!     .tls_backend_preconfigured(usage_bindings::config::tls_config()?)
//!     .redirect(reqwest::redirect::Policy::none())
//!     .build()
//!     .expect("an HTTP client");
//! let phala = usage_bindings::phala::Client::from_config_with_http(
//!     usage_bindings::phala::Config::new("phak_..."),
//!     http.clone(),
//! )?;
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

pub use config::{Config, Settings, DEFAULT_PHALA_VERSION};
pub use costs::{cost_records, Costs, CURRENCY, DURATION_UNIT};

generated_module!("phala");

pub use generated::{builder, types, Client};
pub use paging::DEFAULT_PAGE_SIZE;

/// What an operation's `.send()` returns on failure: a transport error, an undecodable body,
/// or the API's error response (status, headers and decoded body). It converts into
/// [`crate::Error`] (`?` works on `.send()`).
pub type OperationError = progenitor_client::Error<types::ErrorResponse>;

provider_client!(Settings);

pub(crate) use descriptor::DESCRIPTOR;
