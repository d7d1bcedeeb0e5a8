//! OpenAI configuration: an Admin API key as a bearer token, optional organization and project.

use reqwest::header::HeaderMap;

use crate::config::{bearer, header_value, ProviderSettings};
use crate::error::{string_at, ErrorDetails};
use crate::secret::Secret;
use crate::Provider;

/// OpenAI's configuration: `Config::new(admin_key)`, then the common setters
/// ([`base_url`](crate::config::Config::base_url), [`timeout`](crate::config::Config::timeout),
/// [`retry`](crate::config::Config::retry)) and [`organization`](Config::organization) /
/// [`project`](Config::project).
pub type Config = crate::config::Config<Settings>;

/// What OpenAI adds to the common configuration.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Settings {
    organization: Option<String>,
    project: Option<String>,
}

impl ProviderSettings for Settings {
    const PROVIDER: Provider = Provider::OpenAi;
    const DEFAULT_BASE_URL: &'static str = "https://api.openai.com/v1";
    const KEY_ENV_VAR: &'static str = "OPENAI_ADMIN_KEY";

    fn headers(&self, key: &Secret, headers: &mut HeaderMap) -> Result<(), String> {
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
    fn describe_error(body: &serde_json::Value) -> ErrorDetails {
        ErrorDetails {
            message: string_at(body, &["error", "message"]),
            code: string_at(body, &["error", "code"]),
            kind: string_at(body, &["error", "type"]),
            request_id: None,
        }
    }
}

impl Config {
    /// Sends `OpenAI-Organization: <id>` with every request.
    pub fn organization(mut self, id: impl Into<String>) -> Self {
        self.settings.organization = Some(id.into());
        self
    }

    /// Sends `OpenAI-Project: <id>` with every request.
    pub fn project(mut self, id: impl Into<String>) -> Self {
        self.settings.project = Some(id.into());
        self
    }
}
