#![doc = include_str!("../README.md")]
#![cfg_attr(docsrs, feature(doc_cfg))]
#![warn(missing_docs)]

#[macro_use]
mod client_macro;

pub mod config;
pub mod cost;
mod cursor;
mod error;
// Public for the benches and tests that time or check the decoder alone; not part of the API.
#[doc(hidden)]
pub mod json;
pub mod money;
pub mod paging;
pub mod provider;
mod retry;
pub mod secret;
pub(crate) mod transport;

#[cfg(feature = "anthropic")]
#[cfg_attr(docsrs, doc(cfg(feature = "anthropic")))]
pub mod anthropic;
#[cfg(feature = "northflank")]
#[cfg_attr(docsrs, doc(cfg(feature = "northflank")))]
pub mod northflank;
#[cfg(feature = "openai")]
#[cfg_attr(docsrs, doc(cfg(feature = "openai")))]
pub mod openai;
#[cfg(feature = "phala")]
#[cfg_attr(docsrs, doc(cfg(feature = "phala")))]
pub mod phala;

// Each public item has one path: these at the root, the rest in their modules.
pub use error::{ApiError, Error};
// `crate::Amount` in the provider modules, which may all be left out.
#[allow(unused_imports)]
pub(crate) use money::Amount;
pub use provider::{ParseProviderError, Provider, ProviderSpec};
pub use retry::RetryPolicy;

/// What the fuzz targets (`fuzz/`) and the seed replay (`tests/fuzz_seeds.rs`) share. Not part
/// of the API: present only with the `fuzzing` feature, and may change at any time.
#[cfg(feature = "fuzzing")]
#[doc(hidden)]
#[path = "fuzzing.rs"]
pub mod __fuzz;
