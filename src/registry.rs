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
use crate::cost::{CostSource, Dimension};
use crate::{Error, Provider};

/// Cost sources of any providers.
pub type Sources = Vec<Box<dyn CostSource>>;

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
    /// Sample answers of its API for demos and tests.
    #[cfg(feature = "demo")]
    #[cfg_attr(docsrs, doc(cfg(feature = "demo")))]
    pub demo: crate::demo::Demo,
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

/// How a FOCUS export names a provider and its records.
#[derive(Clone, Copy, Debug)]
#[non_exhaustive]
pub struct FocusFacts {
    /// `ProviderName`, `PublisherName`, `InvoiceIssuerName`.
    pub name: &'static str,
    /// `ServiceName`, unless the record's billing part names another.
    pub service: &'static str,
    /// `ServiceName` by value of [`Dimension::BillingPart`].
    pub services_by_part: &'static [(&'static str, &'static str)],
    /// `ServiceCategory`, one of FOCUS's values.
    pub service_category: &'static str,
    /// The dimension whose value is `SubAccountId`.
    pub sub_account: Dimension,
    /// Where `ResourceId` comes from.
    pub resource: ResourceRule,
    /// How its records get a billing account, for an export that finds one without.
    pub account_hint: &'static str,
    /// The [`Details`](crate::cost::Details) its records may carry, each written in a custom
    /// column: `(detail key, column)` (`("service_tier", "x_ServiceTier")`).
    pub detail_columns: &'static [(&'static str, &'static str)],
}

/// Where a record's FOCUS `ResourceId` comes from.
#[derive(Clone, Copy, Debug)]
#[non_exhaustive]
pub enum ResourceRule {
    /// The value of [`Dimension::Resource`], qualified by the values of these dimensions that
    /// the scope holds (`<team>/<project>/<resource type>/<resource>`), so that it is unique;
    /// `ResourceType` is the value of [`Dimension::ResourceType`].
    Path(&'static [Dimension]),
    /// The value of [`Dimension::Instance`], of this `ResourceType`.
    Instance(&'static str),
    /// The value of [`Dimension::Resource`] as it is, if any.
    Resource,
}

/// The descriptors of the providers built into the crate (their features on), in
/// [`Provider::ALL`] order.
pub fn descriptors() -> impl Iterator<Item = &'static Descriptor> {
    Provider::ALL
        .iter()
        .filter_map(|provider| provider.descriptor())
}
