//! What the cost view, the FOCUS export and the tools built on them know of each provider: one
//! [`Descriptor`] per provider, declared in the provider's own module and reached through
//! [`Provider::descriptor`](crate::Provider::descriptor) or [`descriptors`]. Shared code loops
//! over these; it never names a provider.
//!
//! ```
//! use usage_bindings::registry::{self, FromEnv};
//!
//! // A tool that reads keys from the environment: every provider built into the crate.
//! let env = |name: &str| std::env::var(name).ok();
//! for descriptor in registry::descriptors() {
//!     match (descriptor.sources_from_env)(&env)? {
//!         FromEnv::Sources(sources) => println!("{}: {} source(s)", descriptor.provider, sources.len()),
//!         FromEnv::Missing { variable, .. } => println!("{}: {variable} is not set", descriptor.provider),
//!         _ => {}
//!     }
//! }
//! # Ok::<(), usage_bindings::Error>(())
//! ```

use crate::config::Env;
use crate::cost::{FocusFacts, Sources};
use crate::{Error, Provider};

/// Reads a line worth showing before a fetch from an environment (see [`Descriptor::notice`]).
pub type Notice = fn(Env<'_>) -> Result<Option<String>, Error>;

/// What one provider declares: its names, the variables its sources read, its FOCUS facts and
/// how to build its cost sources from an environment.
#[derive(Debug)]
#[non_exhaustive]
pub struct Descriptor {
    /// Which provider.
    pub provider: Provider,
    /// The variable holding the key (the client's `from_env` reads it too).
    pub key_env_var: &'static str,
    /// The variable holding a base URL, when set (a proxy, a test server).
    pub base_url_env_var: &'static str,
    /// The variable naming the account billed, for sources whose records name none.
    pub billing_account_env_var: Option<&'static str>,
    /// How its records settle: what a later sync reads again, how far back it can read.
    pub freshness: Freshness,
    /// Every variable [`Descriptor::sources_from_env`] reads, with what it means: for help texts.
    pub env_vars: &'static [EnvVar],
    /// Builds the provider's usage sources from `env`: [`FromEnv::Missing`] when a variable they
    /// need is unset, an error when one is set but wrong.
    pub sources_from_env: fn(Env<'_>) -> Result<FromEnv, Error>,
    /// A line worth showing before a fetch, read from `env` (how amounts will be read when the
    /// provider's documents disagree), or `None`.
    pub notice: Option<Notice>,
    /// How a FOCUS export names the provider and its records.
    pub focus: FocusFacts,
    /// Its fuzz targets; not part of the API.
    #[cfg(feature = "fuzzing")]
    #[doc(hidden)]
    pub fuzz: crate::__fuzz::ProviderTargets,
    /// Sample answers of its API for demos and tests.
    #[cfg(feature = "demo")]
    #[cfg_attr(docsrs, doc(cfg(feature = "demo")))]
    pub demo: crate::demo::Demo,
}

/// How a provider's records settle, for a tool that keeps them (`usage-report sync`): the period
/// its records are bucketed in, how far back before the last synced point a later sync reads again
/// by default and why, and how far back its API serves records at all.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Freshness {
    /// The shortest period of its usage records: a sync's range starts on a UTC day and ends on
    /// a boundary of this period, so that no bucket is cut.
    pub bucket: Bucket,
    /// How many hours before the last synced point a later sync reads again by default.
    pub reread_hours: u32,
    /// Why that many: the provider's own statement of when data is final where it gives one.
    pub reason: &'static str,
    /// How many completed UTC days before today its API serves, when it serves no older ones.
    pub history_days: Option<u32>,
}

/// The period usage records are bucketed in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Bucket {
    /// UTC hours.
    Hour,
    /// UTC days.
    Day,
}

impl Bucket {
    /// Its length.
    pub fn length(self) -> chrono::TimeDelta {
        match self {
            Bucket::Hour => chrono::TimeDelta::hours(1),
            Bucket::Day => chrono::TimeDelta::days(1),
        }
    }
}

/// One environment variable a provider reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct EnvVar {
    /// Its name.
    pub name: &'static str,
    /// What it holds.
    pub help: &'static str,
}

/// What [`Descriptor::sources_from_env`] found.
#[non_exhaustive]
pub enum FromEnv {
    /// The provider's usage sources, ready to fetch.
    Sources(Sources),
    /// A variable the sources need is unset: the provider is not configured.
    Missing {
        /// The variable.
        variable: &'static str,
        /// What it should hold.
        help: &'static str,
    },
}

impl std::fmt::Debug for FromEnv {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            FromEnv::Sources(sources) => write!(f, "Sources({} source(s))", sources.len()),
            FromEnv::Missing { variable, .. } => write!(f, "Missing({variable})"),
        }
    }
}

/// The descriptors of the providers built into the crate (their features on), in
/// [`Provider::ALL`] order.
pub fn descriptors() -> impl Iterator<Item = &'static Descriptor> {
    Provider::ALL
        .iter()
        .filter_map(|provider| provider.descriptor())
}
