//! OpenRouter activity, credits and API keys.
//!
//! Five operations: the account's activity, spend and tokens per UTC day × model × provider
//! endpoint for the last 30 completed days ([`types::ActivityResponse`]); its credits
//! ([`types::CreditsResponse`]); the calling key ([`types::CurrentKeyResponse`]); its API keys,
//! 100 a page by offset ([`types::ApiKeysResponse`]); and one generation
//! ([`types::GenerationResponse`]). Auth is `Authorization: Bearer <key>`: a *management key*
//! for activity, credits and keys (`/key` takes any key). Amounts are US dollars sent as JSON
//! numbers and read exactly ([`crate::money::Amount`]); response values OpenRouter extends
//! (`limit_reset`, `api_type`, provider names, ...) are plain strings.
//!
//! ```no_run
//! use usage_bindings::openrouter::{Client, Config};
//!
//! # async fn run() -> Result<(), usage_bindings::Error> {
//! let client = Client::from_config(Config::new("sk-or-v1-..."))?; // or Client::from_env()
//! let activity = client.get_user_activity().date("2026-11-03").fetch().await?;
//! for item in &activity.data {
//!     println!("{} {} via {}: {} USD", item.date, item.model, item.provider_name, item.usage);
//! }
//! let credits = client.get_credits().fetch().await?.data;
//! println!("balance: {} USD", credits.total_credits.value() - credits.total_usage.value());
//! # Ok(()) }
//! ```
//!
//! [`Costs`] turns the activity into cost records (one per item, `usage` as the amount, the
//! BYOK inference cost kept apart); a window that starts before the 30 days the activity covers
//! is an error, not a partial total. Credits and key usage stay typed reads ([`balance`] gives
//! the account's balance as one line).

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
pub use costs::{balance, cost_records, Costs, Today, ACTIVITY_DAYS, CURRENCY, QUANTITY_UNIT};
pub use paging::KEYS_PAGE_SIZE;

generated_module!("openrouter");

pub use generated::{builder, types, Client};

/// What an operation's `.send()` returns on failure: a transport error, an undecodable body,
/// or the API's error response (status, headers and decoded body). It converts into
/// [`crate::Error`] (`?` works on `.send()`).
pub type OperationError = progenitor_client::Error<types::ErrorResponse>;

provider_client!(Settings);

pub(crate) use descriptor::DESCRIPTOR;
