//! Northflank configuration: an API token (team or org scoped) as a bearer token, and the unit
//! that the client's amounts are read in.

use std::time::Duration;

use reqwest::header::HeaderMap;

use crate::money::AmountUnit;
use crate::config::bearer;
use crate::provider::{
    header_text, parse_seconds, sealed, string_at, ErrorDetails, Provider, ProviderSpec,
};
use crate::secret::Secret;

/// Northflank's configuration: `Config::new(token)`, then the common setters
/// ([`with_base_url`](crate::config::Config::with_base_url),
/// [`with_timeout`](crate::config::Config::with_timeout),
/// [`with_retry`](crate::config::Config::with_retry)) and
/// [`with_amount_unit`](Config::with_amount_unit).
pub type Config = crate::config::Config<Settings>;

/// What Northflank adds to the common configuration: its auth header and the unit of its
/// amounts.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Settings {
    amount_unit: AmountUnit,
}

impl sealed::Sealed for Settings {}

/// Bearer auth; `x-request-id`, else the body's `error.id`; on a 429, `x-ratelimit-reset`
/// (seconds).
impl ProviderSpec for Settings {
    const PROVIDER: Provider = Provider::Northflank;
    const DEFAULT_BASE_URL: &'static str = "https://api.northflank.com";
    const KEY_ENV_VAR: &'static str = "NORTHFLANK_API_TOKEN";
    const BASE_URL_ENV_VAR: &'static str = "NORTHFLANK_BASE_URL";

    fn auth_headers(&self, key: &Secret, headers: &mut HeaderMap) -> Result<(), String> {
        let (name, value) = bearer(key)?;
        headers.insert(name, value);
        Ok(())
    }

    /// `{"error": {"status", "message", "id", "details"}}`, every member optional.
    fn amount_unit(&self) -> AmountUnit {
        self.amount_unit
    }

    fn error_details(body: &serde_json::Value) -> ErrorDetails {
        ErrorDetails {
            message: string_at(body, &["error", "message"]),
            code: None,
            kind: None,
            request_id: string_at(body, &["error", "id"]),
        }
    }

    fn rate_limit_reset(headers: &HeaderMap) -> Option<Duration> {
        header_text(headers, "x-ratelimit-reset").and_then(parse_seconds)
    }
}

impl Config {
    /// Reads Northflank amounts in `unit` instead of the default, [`AmountUnit::Currency`]
    /// (Northflank's documents disagree on the unit: see [`AmountUnit`]).
    pub fn with_amount_unit(mut self, unit: AmountUnit) -> Self {
        self.settings.amount_unit = unit;
        self
    }

    /// The unit Northflank amounts are read in.
    pub fn amount_unit(&self) -> AmountUnit {
        self.settings.amount_unit
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;

    #[test]
    fn the_reset_is_in_seconds() {
        let mut headers = HeaderMap::new();
        assert_eq!(Settings::rate_limit_reset(&headers), None);
        headers.insert("x-ratelimit-reset", HeaderValue::from_static("1834"));
        assert_eq!(
            Settings::rate_limit_reset(&headers),
            Some(Duration::from_secs(1834))
        );
        headers.insert("x-ratelimit-reset", HeaderValue::from_static("6m0s"));
        assert_eq!(Settings::rate_limit_reset(&headers), None);
    }
}
