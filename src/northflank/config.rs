//! Northflank configuration: an API token (team or org scoped) as a bearer token, and the unit
//! that the client's amounts are read in.

use std::ops::Deref;

use reqwest::header::HeaderMap;

use super::AmountUnit;
use crate::config::{bearer, ProviderSettings};
use crate::error::{string_at, ErrorDetails};
use crate::secret::Secret;
use crate::transport::Transport;
use crate::Provider;

/// Northflank's configuration: `Config::new(token)`, then the common setters
/// ([`base_url`](crate::config::Config::base_url), [`timeout`](crate::config::Config::timeout),
/// [`retry`](crate::config::Config::retry)) and [`amount_unit`](Config::amount_unit).
pub type Config = crate::config::Config<Settings>;

/// What Northflank adds to the common configuration: its auth header and the unit of its
/// amounts.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Settings {
    amount_unit: AmountUnit,
}

impl ProviderSettings for Settings {
    const PROVIDER: Provider = Provider::Northflank;
    const DEFAULT_BASE_URL: &'static str = "https://api.northflank.com";
    const KEY_ENV_VAR: &'static str = "NORTHFLANK_API_TOKEN";

    fn headers(&self, key: &Secret, headers: &mut HeaderMap) -> Result<(), String> {
        let (name, value) = bearer(key)?;
        headers.insert(name, value);
        Ok(())
    }

    /// `{"error": {"status", "message", "id", "details"}}`, every member optional.
    fn describe_error(body: &serde_json::Value) -> ErrorDetails {
        ErrorDetails {
            message: string_at(body, &["error", "message"]),
            code: None,
            kind: None,
            request_id: string_at(body, &["error", "id"]),
        }
    }
}

impl Config {
    /// Reads Northflank amounts in `unit` instead of the default, [`AmountUnit::Currency`]
    /// (Northflank's documents disagree on the unit: see [`AmountUnit`]).
    pub fn amount_unit(mut self, unit: AmountUnit) -> Self {
        self.settings.amount_unit = unit;
        self
    }

    /// The unit Northflank amounts are read in.
    pub fn get_amount_unit(&self) -> AmountUnit {
        self.settings.amount_unit
    }
}

/// What a Northflank [`Client`](super::Client) holds besides its HTTP client: the
/// [`Transport`] (it derefs to it) and the unit its amounts are read in, from the [`Config`].
#[derive(Clone, Debug)]
pub struct ClientInner {
    transport: Transport,
    amount_unit: AmountUnit,
}

impl ClientInner {
    pub(super) fn new(transport: Transport, settings: Settings) -> Self {
        Self {
            transport,
            amount_unit: settings.amount_unit,
        }
    }

    /// The unit Northflank amounts are read in.
    pub fn amount_unit(&self) -> AmountUnit {
        self.amount_unit
    }
}

impl Deref for ClientInner {
    type Target = Transport;

    fn deref(&self) -> &Transport {
        &self.transport
    }
}
