//! Typed async clients for the usage and billing APIs of OpenAI, Northflank and Phala Cloud.
//!
//! Each provider lives in its own module behind the cargo feature of the same name:
//! [`openai`] (organization usage and costs, Admin API), [`northflank`] (billing usage, invoices) and
//! [`phala`] (app metered usage). Every module has the same shape: a `Client` generated from the
//! crate's OpenAPI spec of that provider (`openapi/<provider>.yaml`), its `types`, a `Config` and
//! the auth that goes with it. Shared mechanisms live once: [`retry`], [`money`], [`secret`],
//! [`json`].
//!
//! [`costs`] puts the three side by side: exact [`CostRecord`]s from every provider, fetched
//! concurrently, and totals by day, provider or scope.
#![cfg_attr(docsrs, feature(doc_cfg))]
#![warn(missing_docs)]

#[macro_use]
mod client_macro;

pub mod config;
pub mod costs;
pub mod error;
pub mod json;
pub mod money;
pub mod paging;
pub mod retry;
pub mod secret;
pub mod transport;

#[cfg(feature = "northflank")]
pub mod northflank;
#[cfg(feature = "openai")]
pub mod openai;
#[cfg(feature = "phala")]
pub mod phala;

pub use error::{ApiError, Error};
pub use money::{Amount, CostRecord};
pub use retry::RetryPolicy;
pub use secret::Secret;

use std::fmt;

/// The providers this crate has clients for.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum Provider {
    /// OpenAI organization usage and costs.
    OpenAi,
    /// Northflank billing usage.
    Northflank,
    /// Phala Cloud app usage.
    Phala,
}

impl Provider {
    /// The provider's name as used in feature names and the CLI (`openai`, `northflank`, `phala`).
    pub fn id(self) -> &'static str {
        match self {
            Provider::OpenAi => "openai",
            Provider::Northflank => "northflank",
            Provider::Phala => "phala",
        }
    }
}

impl fmt::Display for Provider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Provider::OpenAi => "OpenAI",
            Provider::Northflank => "Northflank",
            Provider::Phala => "Phala Cloud",
        })
    }
}
