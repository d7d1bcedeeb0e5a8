//! OpenAI configuration: an Admin API key as a bearer token, optional organization and project.

use std::time::Duration;

use reqwest::header::HeaderMap;
use reqwest::StatusCode;

use crate::config::{bearer, header_value};
use crate::provider::{
    header_text, parse_go_duration, sealed, string_at, ErrorDetails, Provider, ProviderSpec,
};
use crate::secret::Secret;

/// OpenAI's configuration: `Config::new(admin_key)`, then the common setters
/// ([`with_base_url`](crate::config::Config::with_base_url),
/// [`with_timeout`](crate::config::Config::with_timeout),
/// [`with_retry`](crate::config::Config::with_retry)) and
/// [`with_organization`](Config::with_organization) / [`with_project`](Config::with_project).
pub type Config = crate::config::Config<Settings>;

/// What OpenAI adds to the common configuration.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Settings {
    organization: Option<String>,
    project: Option<String>,
}

impl sealed::Sealed for Settings {}

/// Bearer auth; `x-request-id`; on a 429, `x-ratelimit-reset-requests` and
/// `x-ratelimit-reset-tokens` (Go durations such as `1s`, `6m0s`, `20ms`; the longer of the two);
/// a 429 whose code or type is `insufficient_quota` is final.
impl ProviderSpec for Settings {
    const PROVIDER: Provider = Provider::OpenAi;
    const DEFAULT_BASE_URL: &'static str = "https://api.openai.com/v1";
    const KEY_ENV_VAR: &'static str = "OPENAI_ADMIN_KEY";
    const BASE_URL_ENV_VAR: &'static str = "OPENAI_BASE_URL";

    fn auth_headers(&self, key: &Secret, headers: &mut HeaderMap) -> Result<(), String> {
        let (name, value) = bearer(key)?;
        headers.insert(name, value);
        if let Some(organization) = &self.organization {
            headers.insert(
                "openai-organization",
                header_value("OpenAI-Organization", organization)?,
            );
        }
        if let Some(project) = &self.project {
            headers.insert("openai-project", header_value("OpenAI-Project", project)?);
        }
        Ok(())
    }

    /// `{"error": {"message", "type", "param", "code"}}`.
    fn error_details(body: &serde_json::Value) -> ErrorDetails {
        ErrorDetails {
            message: string_at(body, &["error", "message"]),
            code: string_at(body, &["error", "code"]),
            kind: string_at(body, &["error", "type"]),
            request_id: None,
        }
    }

    /// Requests and tokens are limited separately: the request can go when both have reset.
    fn rate_limit_reset(headers: &HeaderMap) -> Option<Duration> {
        let requests =
            header_text(headers, "x-ratelimit-reset-requests").and_then(parse_go_duration);
        let tokens = header_text(headers, "x-ratelimit-reset-tokens").and_then(parse_go_duration);
        requests.max(tokens)
    }

    /// An exhausted quota: waiting does not help.
    fn is_permanent(status: StatusCode, details: &ErrorDetails) -> bool {
        let quota = Some("insufficient_quota");
        status == StatusCode::TOO_MANY_REQUESTS
            && (details.code.as_deref() == quota || details.kind.as_deref() == quota)
    }
}

impl Config {
    /// Sends `OpenAI-Organization: <id>` with every request.
    pub fn with_organization(mut self, id: impl Into<String>) -> Self {
        self.settings.organization = Some(id.into());
        self
    }

    /// Sends `OpenAI-Project: <id>` with every request.
    pub fn with_project(mut self, id: impl Into<String>) -> Self {
        self.settings.project = Some(id.into());
        self
    }

    /// The `OpenAI-Organization` sent, if any.
    pub fn organization(&self) -> Option<&str> {
        self.settings.organization.as_deref()
    }

    /// The `OpenAI-Project` sent, if any.
    pub fn project(&self) -> Option<&str> {
        self.settings.project.as_deref()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.insert(*name, HeaderValue::from_str(value).unwrap());
        }
        map
    }

    #[test]
    fn the_later_of_the_two_resets_is_the_wait() {
        let reset = |pairs: &[(&'static str, &str)]| Settings::rate_limit_reset(&headers(pairs));
        assert_eq!(
            reset(&[("x-ratelimit-reset-requests", "6m0s")]),
            Some(Duration::from_secs(360))
        );
        assert_eq!(
            reset(&[
                ("x-ratelimit-reset-requests", "20ms"),
                ("x-ratelimit-reset-tokens", "1.5s")
            ]),
            Some(Duration::from_millis(1500))
        );
        assert_eq!(reset(&[("x-ratelimit-reset", "42")]), None);
        assert_eq!(reset(&[("x-ratelimit-reset-tokens", "soon")]), None);
    }

    #[test]
    fn only_an_exhausted_quota_is_final() {
        let details = |code: Option<&str>, kind: Option<&str>| ErrorDetails {
            code: code.map(str::to_owned),
            kind: kind.map(str::to_owned),
            ..ErrorDetails::default()
        };
        let quota = Some("insufficient_quota");
        let limited = StatusCode::TOO_MANY_REQUESTS;
        assert!(Settings::is_permanent(limited, &details(quota, None)));
        assert!(Settings::is_permanent(limited, &details(None, quota)));
        assert!(!Settings::is_permanent(
            limited,
            &details(Some("rate_limit_exceeded"), None)
        ));
        assert!(!Settings::is_permanent(
            StatusCode::BAD_REQUEST,
            &details(quota, None)
        ));
    }
}
