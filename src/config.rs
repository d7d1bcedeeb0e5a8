//! Client configuration shared by every provider: key, base URL, timeout, retries, user agent.
//!
//! Each provider module names its own `Config` as `Config<ItsSettings>`, so that every provider is
//! configured the same way and only what differs (auth headers, a version header) is written per
//! provider.

use std::fmt;
use std::time::Duration;

use reqwest::header::{HeaderMap, HeaderValue, USER_AGENT};

use crate::error::{Error, ErrorDetails};
use crate::retry::RetryPolicy;
use crate::secret::Secret;
use crate::transport::Transport;
use crate::Provider;

/// The `User-Agent` sent by every client: the crate's name and version.
pub const DEFAULT_USER_AGENT: &str =
    concat!(env!("CARGO_PKG_NAME"), "/", env!("CARGO_PKG_VERSION"));

/// The request timeout unless [`Config::timeout`] says otherwise.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);

/// What a provider adds to the common configuration: its name, defaults and auth headers.
pub trait ProviderSettings: Clone + fmt::Debug + Default {
    /// Which provider this is.
    const PROVIDER: Provider;
    /// The API's base URL.
    const DEFAULT_BASE_URL: &'static str;
    /// The environment variable that [`Config::from_env`] reads the key from.
    const KEY_ENV_VAR: &'static str;

    /// Adds the provider's authentication (and any other fixed) headers; an `Err` says which
    /// header could not be built, without its value.
    fn headers(&self, key: &Secret, headers: &mut HeaderMap) -> Result<(), String>;

    /// Reads message, code, type and request id from the provider's JSON error envelope.
    fn describe_error(body: &serde_json::Value) -> ErrorDetails;
}

/// Configuration of one provider's client. Build it with `Config::new(key)` (or `from_env`) and
/// the setters, then pass it to that provider's `Client::from_config`.
///
/// `Debug` never shows the key.
#[derive(Clone)]
pub struct Config<P: ProviderSettings> {
    pub(crate) key: Secret,
    pub(crate) base_url: String,
    pub(crate) timeout: Duration,
    pub(crate) retry: RetryPolicy,
    pub(crate) user_agent: String,
    pub(crate) settings: P,
}

impl<P: ProviderSettings> Config<P> {
    /// A configuration with the given key and the provider's defaults.
    pub fn new(key: impl Into<Secret>) -> Self {
        Self {
            key: key.into(),
            base_url: P::DEFAULT_BASE_URL.to_string(),
            timeout: DEFAULT_TIMEOUT,
            retry: RetryPolicy::default(),
            user_agent: DEFAULT_USER_AGENT.to_string(),
            settings: P::default(),
        }
    }

    /// Reads the key from the provider's environment variable ([`ProviderSettings::KEY_ENV_VAR`]).
    ///
    /// Fails with [`Error::MissingCredentials`] naming the variable when it is unset or empty.
    pub fn from_env() -> Result<Self, Error> {
        match std::env::var(P::KEY_ENV_VAR) {
            Ok(key) if !key.trim().is_empty() => Ok(Self::new(key.trim().to_string())),
            _ => Err(Error::MissingCredentials {
                provider: P::PROVIDER,
                variable: P::KEY_ENV_VAR,
            }),
        }
    }

    /// Sends requests to `url` instead of the provider's API (a proxy, a mock server). It must be
    /// an absolute `http` or `https` URL; `Client::from_config` refuses anything else.
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = url.into().trim_end_matches('/').to_string();
        self
    }

    /// The timeout of one request attempt (connect, send and read the whole body).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// How failed requests are retried; [`RetryPolicy::disabled`] turns retries off.
    pub fn retry(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }

    /// Replaces the `User-Agent` header.
    pub fn user_agent(mut self, user_agent: impl Into<String>) -> Self {
        self.user_agent = user_agent.into();
        self
    }

    /// The base URL requests go to.
    pub fn get_base_url(&self) -> &str {
        &self.base_url
    }

    /// The retry policy.
    pub fn get_retry(&self) -> &RetryPolicy {
        &self.retry
    }

    /// Builds what a generated client is made of: base URL, HTTP client and transport.
    ///
    /// Redirects are not followed: a 3xx is returned as [`Error::Redirect`], so that the key is
    /// only ever sent to the configured base URL (reqwest drops `Authorization` on a redirect to
    /// another host, but not a provider's own key header such as Phala's `X-API-Key`).
    pub(crate) fn into_parts(self) -> Result<(String, reqwest::Client, Transport), Error> {
        let invalid = |message: String| Error::InvalidConfig {
            provider: P::PROVIDER,
            message,
        };
        check_base_url(&self.base_url).map_err(invalid)?;
        let mut headers = HeaderMap::new();
        self.settings
            .headers(&self.key, &mut headers)
            .map_err(invalid)?;
        headers.insert(
            USER_AGENT,
            header_value(USER_AGENT.as_str(), &self.user_agent).map_err(invalid)?,
        );
        // Both timeouts take any value, `Duration::MAX` included (tokio saturates deadlines).
        // reqwest's `read_timeout` is left unset: it adds its value to `Instant::now()` unchecked.
        let http = reqwest::Client::builder()
            .default_headers(headers)
            .timeout(self.timeout)
            .connect_timeout(self.timeout)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|source| invalid(format!("cannot build the HTTP client: {source}")))?;
        let transport = Transport::new(P::PROVIDER, self.retry);
        Ok((self.base_url, http, transport))
    }
}

impl<P: ProviderSettings> fmt::Debug for Config<P> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Config")
            .field("provider", &P::PROVIDER)
            .field("key", &self.key)
            .field("base_url", &self.base_url)
            .field("timeout", &self.timeout)
            .field("retry", &self.retry)
            .field("user_agent", &self.user_agent)
            .field("settings", &self.settings)
            .finish()
    }
}

/// Refuses a base URL that is not an absolute `http(s)` URL with a host, naming it (without a
/// password it may hold).
fn check_base_url(base_url: &str) -> Result<(), String> {
    let parsed = reqwest::Url::parse(base_url);
    if let Ok(url) = &parsed {
        if matches!(url.scheme(), "http" | "https") && url.has_host() {
            return Ok(());
        }
    }
    let shown = match parsed {
        Ok(mut url) if url.password().is_some() => {
            let _ = url.set_password(Some("***"));
            url.to_string()
        }
        _ => base_url.chars().take(200).collect(),
    };
    Err(format!(
        "the base URL `{shown}` is not an absolute http:// or https:// URL"
    ))
}

/// `Authorization: Bearer <key>`, marked sensitive so that reqwest never prints it.
#[cfg(any(feature = "openai", feature = "northflank"))]
pub(crate) fn bearer(key: &Secret) -> Result<(reqwest::header::HeaderName, HeaderValue), String> {
    use reqwest::header::AUTHORIZATION;
    let value = secret_header(AUTHORIZATION.as_str(), &format!("Bearer {}", key.expose()))?;
    Ok((AUTHORIZATION, value))
}

/// A header carrying a secret, marked sensitive. The error never echoes the value.
pub(crate) fn secret_header(name: &str, value: &str) -> Result<HeaderValue, String> {
    let mut value = HeaderValue::from_str(value)
        .map_err(|_| format!("the key holds characters that header `{name}` cannot carry"))?;
    value.set_sensitive(true);
    Ok(value)
}

/// A header from a user-given, non-secret value.
pub(crate) fn header_value(name: &str, value: &str) -> Result<HeaderValue, String> {
    HeaderValue::from_str(value)
        .map_err(|_| format!("`{value}` is not a valid value for header `{name}`"))
}
