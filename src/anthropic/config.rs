//! Anthropic configuration: an Admin API key in `x-api-key` and the API version in
//! `anthropic-version`.

use reqwest::header::HeaderMap;

use crate::config::{header_value, secret_header};
use crate::money::AmountUnit;
use crate::provider::{sealed, string_at, ErrorDetails, Provider, ProviderSpec};
use crate::secret::Secret;

/// The `anthropic-version` sent with every request: the version Anthropic's documents and SDKs
/// send.
pub const ANTHROPIC_VERSION: &str = "2023-06-01";

/// Anthropic's configuration: `Config::new(admin_key)`, then the common setters
/// ([`with_base_url`](crate::config::Config::with_base_url),
/// [`with_timeout`](crate::config::Config::with_timeout),
/// [`with_retry`](crate::config::Config::with_retry)).
pub type Config = crate::config::Config<Settings>;

/// What Anthropic adds to the common configuration: nothing to set.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Settings {}

impl sealed::Sealed for Settings {}

/// The key in `x-api-key` with `anthropic-version`; `request-id`, else the body's `request_id`;
/// no rate-limit headers beyond `retry-after` (429 and 529 are retried by the shared rule);
/// amounts in cents.
impl ProviderSpec for Settings {
    const PROVIDER: Provider = Provider::Anthropic;
    const DEFAULT_BASE_URL: &'static str = "https://api.anthropic.com";
    const KEY_ENV_VAR: &'static str = "ANTHROPIC_ADMIN_KEY";
    const BASE_URL_ENV_VAR: &'static str = "ANTHROPIC_BASE_URL";
    const REQUEST_ID_HEADERS: &'static [&'static str] = &["request-id"];

    fn auth_headers(&self, key: &Secret, headers: &mut HeaderMap) -> Result<(), String> {
        headers.insert("x-api-key", secret_header("x-api-key", key.expose())?);
        headers.insert(
            "anthropic-version",
            header_value("anthropic-version", ANTHROPIC_VERSION)?,
        );
        Ok(())
    }

    /// `{"type": "error", "error": {"type", "message"}, "request_id"}`.
    fn error_details(body: &serde_json::Value) -> ErrorDetails {
        ErrorDetails {
            message: string_at(body, &["error", "message"]),
            code: None,
            kind: string_at(body, &["error", "type"]),
            request_id: string_at(body, &["request_id"]),
        }
    }

    /// Cost amounts are strings in cents (`"123.78912"` is $1.2378912).
    fn amount_unit(&self) -> AmountUnit {
        AmountUnit::Cents
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_envelope_is_read() {
        let body = serde_json::json!({
            "type": "error",
            "error": {"type": "not_found_error", "message": "not found"},
            "request_id": "req_1"
        });
        let details = Settings::error_details(&body);
        assert_eq!(details.message.as_deref(), Some("not found"));
        assert_eq!(details.kind.as_deref(), Some("not_found_error"));
        assert_eq!(details.request_id.as_deref(), Some("req_1"));
        assert_eq!(details.code, None);
    }
}
