//! Northflank configuration: an API token (team or org scoped) as a bearer token.

use reqwest::header::HeaderMap;

use crate::config::{bearer, ProviderSettings};
use crate::error::{string_at, ErrorDetails};
use crate::secret::Secret;
use crate::Provider;

/// Northflank's configuration: `Config::new(token)`, then the common setters
/// ([`base_url`](crate::config::Config::base_url), [`timeout`](crate::config::Config::timeout),
/// [`retry`](crate::config::Config::retry)).
pub type Config = crate::config::Config<Settings>;

/// What Northflank adds to the common configuration: nothing but its auth header.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Settings;

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
