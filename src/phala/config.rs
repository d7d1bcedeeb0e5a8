//! Phala Cloud configuration: an API key in `X-API-Key` and the API version in `X-Phala-Version`.

use reqwest::header::HeaderMap;

use crate::config::{header_value, secret_header};
use crate::provider::{sealed, string_at, ErrorDetails, Provider, ProviderSpec};
use crate::secret::Secret;

/// The `X-Phala-Version` sent unless [`Config::with_phala_version`] says otherwise: the newest version
/// that both official SDKs (JavaScript and Python) support.
pub const DEFAULT_PHALA_VERSION: &str = "2026-01-21";

/// Phala Cloud's configuration: `Config::new(api_key)`, then the common setters
/// ([`with_base_url`](crate::config::Config::with_base_url),
/// [`with_timeout`](crate::config::Config::with_timeout),
/// [`with_retry`](crate::config::Config::with_retry)) and
/// [`with_phala_version`](Config::with_phala_version).
pub type Config = crate::config::Config<Settings>;

/// What Phala Cloud adds to the common configuration: the API version header.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Settings {
    version: String,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            version: DEFAULT_PHALA_VERSION.to_string(),
        }
    }
}

impl sealed::Sealed for Settings {}

/// The key in `X-API-Key`; `x-request-id`, else the body's `request_id`; no rate-limit headers
/// beyond `Retry-After`.
impl ProviderSpec for Settings {
    const PROVIDER: Provider = Provider::Phala;
    const DEFAULT_BASE_URL: &'static str = "https://cloud-api.phala.com";
    const KEY_ENV_VAR: &'static str = "PHALA_CLOUD_API_KEY";
    const BASE_URL_ENV_VAR: &'static str = "PHALA_CLOUD_BASE_URL";

    fn auth_headers(&self, key: &Secret, headers: &mut HeaderMap) -> Result<(), String> {
        headers.insert("x-api-key", secret_header("X-API-Key", key.expose())?);
        headers.insert(
            "x-phala-version",
            header_value("X-Phala-Version", &self.version)?,
        );
        Ok(())
    }

    /// FastAPI's `{"detail": "<message>"}` or `{"detail": [{"loc", "msg", "type"}]}`, and the
    /// structured `{"error_code", "message", ...}` at the top level or inside `detail`.
    fn error_details(body: &serde_json::Value) -> ErrorDetails {
        let detail = body.get("detail");
        let structured = match detail {
            Some(inner @ serde_json::Value::Object(_)) => inner,
            _ => body,
        };
        let message = match detail {
            Some(serde_json::Value::String(text)) => Some(text.clone()),
            Some(serde_json::Value::Array(items)) => {
                let messages: Vec<String> = items
                    .iter()
                    .filter_map(|item| {
                        let msg = item.get("msg")?.as_str()?;
                        let loc = item
                            .get("loc")
                            .and_then(|l| l.as_array())
                            .map(|parts| {
                                parts
                                    .iter()
                                    .map(|p| {
                                        p.as_str().map_or_else(|| p.to_string(), str::to_owned)
                                    })
                                    .collect::<Vec<_>>()
                                    .join(".")
                            })
                            .unwrap_or_default();
                        Some(if loc.is_empty() {
                            msg.to_owned()
                        } else {
                            format!("{loc}: {msg}")
                        })
                    })
                    .collect();
                (!messages.is_empty()).then(|| messages.join("; "))
            }
            _ => None,
        }
        .or_else(|| string_at(structured, &["message"]));
        ErrorDetails {
            message,
            code: string_at(structured, &["error_code"]).or_else(|| string_at(body, &["code"])),
            kind: string_at(body, &["type"]),
            request_id: string_at(body, &["request_id"]),
        }
    }
}

impl Config {
    /// Sends `X-Phala-Version: <version>` instead of [`DEFAULT_PHALA_VERSION`].
    pub fn with_phala_version(mut self, version: impl Into<String>) -> Self {
        self.settings.version = version.into();
        self
    }

    /// The `X-Phala-Version` sent.
    pub fn phala_version(&self) -> &str {
        &self.settings.version
    }
}
