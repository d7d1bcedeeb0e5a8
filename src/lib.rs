#![doc = include_str!("../README.md")]
#![cfg_attr(docsrs, feature(doc_cfg))]
#![warn(missing_docs)]

#[macro_use]
mod client_macro;

pub mod config;
pub mod cost;
pub mod error;
pub mod json;
pub mod money;
pub mod paging;
pub mod provider;
pub mod retry;
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

pub use error::{ApiError, Error};
pub use money::Amount;
pub use provider::{ParseProviderError, Provider, ProviderSpec};
pub use retry::RetryPolicy;
pub use secret::Secret;

/// What the fuzz targets (`fuzz/`) reach inside the crate. Not part of the API: present only
/// with the `fuzzing` feature, and may change at any time.
#[cfg(feature = "fuzzing")]
#[doc(hidden)]
pub mod __fuzz {
    use crate::provider::{ProviderSpec, Rules};
    use crate::Error;

    /// The error a client gives for `error` (what a generated operation returned).
    pub fn convert<P: ProviderSpec, E: serde::Serialize>(
        error: progenitor_client::Error<E>,
    ) -> Error {
        Error::convert(&Rules::of::<P>(), error)
    }

    /// The error a client gives for a success body that does not decode as `T`.
    pub fn decode_error<P: ProviderSpec, T: serde::de::DeserializeOwned>(body: &[u8]) -> Error {
        let response = http::Response::builder()
            .status(200)
            .header("content-type", "application/json")
            .body(body.to_vec());
        let Ok(response) = response else {
            return Error::InvalidRequest {
                provider: P::PROVIDER,
                operation: "fuzz",
                message: "cannot build a response".into(),
            };
        };
        let decoded = futures::executor::block_on(crate::json::response_value::<T, ()>(
            reqwest::Response::from(response),
        ));
        match decoded {
            Ok(_) => Error::InvalidRequest {
                provider: P::PROVIDER,
                operation: "fuzz",
                message: "the body decodes".into(),
            },
            Err(error) => convert::<P, ()>(error),
        }
    }
}
