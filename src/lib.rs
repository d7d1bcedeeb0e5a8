#![doc = include_str!("../README.md")]
#![cfg_attr(docsrs, feature(doc_cfg))]
#![warn(missing_docs)]

#[macro_use]
mod client_macro;

pub mod config;
pub mod cost;
mod cursor;
#[cfg(feature = "demo")]
#[cfg_attr(docsrs, doc(cfg(feature = "demo")))]
pub mod demo;
mod error;
// Public for the benches and tests that time or check the decoder alone; not part of the API.
#[doc(hidden)]
pub mod json;
pub mod money;
pub mod paging;
mod provider;
pub mod registry;
mod retry;
pub mod secret;
pub(crate) mod transport;

/// The provider modules, one line each (cargo feature, module, [`Provider`] variant), and
/// [`Provider::descriptor`], which reaches each module's [`registry::Descriptor`].
macro_rules! provider_modules {
    ($($feature:literal $module:ident => $variant:ident;)*) => {
        $(
            #[cfg(feature = $feature)]
            #[cfg_attr(docsrs, doc(cfg(feature = $feature)))]
            pub mod $module;
        )*

        impl Provider {
            /// What the crate knows of this provider: its variables, FOCUS facts and how to
            /// build its cost sources. `None` when the crate was built without its feature.
            pub fn descriptor(self) -> Option<&'static registry::Descriptor> {
                match self {
                    $(
                        #[cfg(feature = $feature)]
                        Provider::$variant => Some(&$module::DESCRIPTOR),
                    )*
                    #[allow(unreachable_patterns)]
                    _ => None,
                }
            }
        }
    };
}

provider_modules! {
    "openai" openai => OpenAi;
    "northflank" northflank => Northflank;
    "phala" phala => Phala;
    "anthropic" anthropic => Anthropic;
    "openrouter" openrouter => OpenRouter;
}

// Each public item has one path: these at the root, the rest in their modules.
pub use error::{ApiError, Error};
/// What every provider's `.send()` returns on success: the decoded body with the response's
/// status and headers (`.into_inner()` is the body). One type for all providers, from
/// `progenitor-client`, the runtime of the generated clients.
pub use progenitor_client::ResponseValue;
pub use provider::{ErrorDetails, ParseProviderError, Provider, ProviderSpec};
pub use retry::RetryPolicy;

/// What the fuzz targets (`fuzz/`) and the seed replay (`tests/fuzz_seeds.rs`) share. Not part
/// of the API: present only with the `fuzzing` feature, and may change at any time.
#[cfg(feature = "fuzzing")]
#[doc(hidden)]
#[path = "fuzzing.rs"]
pub mod __fuzz;
