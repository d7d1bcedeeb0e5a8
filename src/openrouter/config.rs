//! OpenRouter configuration: a management key as a Bearer token.

use reqwest::header::HeaderMap;

use crate::config::bearer;
use crate::provider::{sealed, string_at, ErrorDetails, Provider, ProviderSpec};
use crate::secret::Secret;

/// OpenRouter's configuration: `Config::new(management_key)`, then the common setters
/// ([`with_base_url`](crate::config::Config::with_base_url),
/// [`with_timeout`](crate::config::Config::with_timeout),
/// [`with_retry`](crate::config::Config::with_retry)).
pub type Config = crate::config::Config<Settings>;

/// What OpenRouter adds to the common configuration: nothing to set.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Settings {}

impl sealed::Sealed for Settings {}

/// The key as `Authorization: Bearer`; no request-id header (none is documented for these
/// endpoints); a 429 or 503 is retried after its `Retry-After` by the shared rule; amounts in
/// dollars.
impl ProviderSpec for Settings {
    const PROVIDER: Provider = Provider::OpenRouter;
    const DEFAULT_BASE_URL: &'static str = "https://openrouter.ai/api/v1";
    const KEY_ENV_VAR: &'static str = "OPENROUTER_MANAGEMENT_KEY";
    const BASE_URL_ENV_VAR: &'static str = "OPENROUTER_BASE_URL";
    const REQUEST_ID_HEADERS: &'static [&'static str] = &[];

    fn auth_headers(&self, key: &Secret, headers: &mut HeaderMap) -> Result<(), String> {
        let (name, value) = bearer(key)?;
        headers.insert(name, value);
        Ok(())
    }

    /// `{"error": {"code", "message", "metadata": {"error_type", ...}}, "user_id"}`.
    fn error_details(body: &serde_json::Value) -> ErrorDetails {
        ErrorDetails {
            message: string_at(body, &["error", "message"]),
            code: string_at(body, &["error", "code"]),
            kind: string_at(body, &["error", "metadata", "error_type"]),
            request_id: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_envelope_is_read_whatever_the_member_order() {
        let body: serde_json::Value = serde_json::from_str(
            r#"{"error": {"message": "Rate limit exceeded", "code": 429,
                          "metadata": {"error_type": "rate_limit_exceeded"}}, "user_id": null}"#,
        )
        .unwrap();
        let details = Settings::error_details(&body);
        assert_eq!(details.message.as_deref(), Some("Rate limit exceeded"));
        assert_eq!(details.code.as_deref(), Some("429"));
        assert_eq!(details.kind.as_deref(), Some("rate_limit_exceeded"));
        assert_eq!(details.request_id, None);
    }
}
