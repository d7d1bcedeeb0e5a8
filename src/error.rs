//! The one error type of the hand-written layer.

use crate::Provider;

/// Everything that can go wrong outside a generated operation's own `.send()`.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// No key was given for a provider.
    #[error("no {provider} key: set the environment variable {variable}")]
    MissingCredentials {
        /// The provider without a key.
        provider: Provider,
        /// The variable that was read.
        variable: &'static str,
    },
    /// A configuration value cannot be used (a key with a line break, a bad header value).
    #[error("invalid {provider} configuration: {message}")]
    InvalidConfig {
        /// The provider being configured.
        provider: Provider,
        /// What is wrong; never contains a key.
        message: String,
    },
}
