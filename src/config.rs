//! Client configuration shared by every provider: key, base URL, timeout, retries, user agent.
//!
//! Each provider module names its own `Config` as `Config<ItsSettings>`, where its `Settings`
//! implement [`ProviderSpec`], so that every provider is configured the same way and only what
//! differs (auth headers, a version header, the unit of amounts) is written per provider.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use reqwest::header::{HeaderMap, HeaderName, HeaderValue, USER_AGENT};

use crate::error::Error;
use crate::provider::{ProviderSpec, Rules};
use crate::retry::RetryPolicy;
use crate::secret::Secret;
use crate::transport::Transport;

/// The `User-Agent` sent by every client: the crate's name and version.
pub const DEFAULT_USER_AGENT: &str =
    concat!(env!("CARGO_PKG_NAME"), "/", env!("CARGO_PKG_VERSION"));

/// The request timeout unless [`Config::with_timeout`] says otherwise.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);

/// Reads a variable of the environment (or of whatever stands for it): its value, or `None`
/// when unset. Blank values count as unset.
pub type Env<'a> = &'a dyn Fn(&str) -> Option<String>;

/// `env`'s value of `name`, trimmed, when set and not blank.
pub(crate) fn var(env: Env<'_>, name: &str) -> Option<String> {
    env(name)
        .map(|value| value.trim().to_string())
        .filter(|value| !value.is_empty())
}

/// Configuration of one provider's client. Build it with `Config::new(key)` (or `from_env`) and
/// the `with_*` setters, then pass it to that provider's `Client::from_config` (or
/// `Client::from_config_with_http`, to share one `reqwest::Client`).
///
/// `Debug` never shows the key.
#[derive(Clone)]
pub struct Config<P: ProviderSpec> {
    pub(crate) key: Secret,
    pub(crate) base_url: String,
    pub(crate) timeout: Duration,
    pub(crate) retry: RetryPolicy,
    pub(crate) user_agent: String,
    pub(crate) settings: P,
}

impl<P: ProviderSpec> Config<P> {
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

    /// Reads the key from the provider's environment variable ([`ProviderSpec::KEY_ENV_VAR`],
    /// such as `OPENAI_ADMIN_KEY`), and the base URL from [`ProviderSpec::BASE_URL_ENV_VAR`]
    /// (such as `OPENAI_BASE_URL`) when that is set and not empty.
    ///
    /// Fails with [`Error::MissingCredentials`] naming the variable when the key is unset or
    /// empty, and with [`Error::InvalidConfig`] naming the variable when the base URL is not an
    /// absolute `http(s)` URL.
    pub fn from_env() -> Result<Self, Error> {
        Self::from_vars(&|name| std::env::var(name).ok())
    }

    /// [`Config::from_env`], reading the variables through `env`.
    pub(crate) fn from_vars(env: Env<'_>) -> Result<Self, Error> {
        let config = match var(env, P::KEY_ENV_VAR) {
            Some(key) => Self::new(key),
            None => {
                return Err(Error::MissingCredentials {
                    provider: P::PROVIDER,
                    variable: P::KEY_ENV_VAR,
                })
            }
        };
        match var(env, P::BASE_URL_ENV_VAR) {
            Some(url) => {
                check_base_url(&url).map_err(|message| Error::InvalidConfig {
                    provider: P::PROVIDER,
                    message: format!("{}: {message}", P::BASE_URL_ENV_VAR),
                })?;
                Ok(config.with_base_url(url))
            }
            None => Ok(config),
        }
    }

    /// Sends requests to `url` instead of the provider's API (a proxy, a mock server). It must be
    /// an absolute `http` or `https` URL; `Client::from_config` refuses anything else.
    pub fn with_base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = url.into().trim_end_matches('/').to_string();
        self
    }

    /// The timeout of one request attempt (connect, send and read the whole body).
    pub fn with_timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// How failed requests are retried; [`RetryPolicy::disabled`] turns retries off.
    pub fn with_retry(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }

    /// Replaces the `User-Agent` header.
    pub fn with_user_agent(mut self, user_agent: impl Into<String>) -> Self {
        self.user_agent = user_agent.into();
        self
    }

    /// The base URL requests go to.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// The timeout of one request attempt.
    pub fn timeout(&self) -> Duration {
        self.timeout
    }

    /// The retry policy.
    pub fn retry(&self) -> &RetryPolicy {
        &self.retry
    }

    /// The `User-Agent` sent.
    pub fn user_agent(&self) -> &str {
        &self.user_agent
    }

    /// Builds what a generated client is made of: base URL, HTTP client and transport, and the
    /// provider settings.
    ///
    /// The headers (auth, user agent) and the timeout go on each request, not on the HTTP client.
    /// With the crate's own HTTP client (`http` is `None`) redirects are not followed: a 3xx is
    /// returned as [`Error::Redirect`], so that the key is only ever sent to the configured base
    /// URL. A caller's client may follow redirects; reqwest then drops `Authorization` on a hop
    /// to another origin (scheme, host or port), but keeps any other header. So a provider whose
    /// key travels in another header (Phala's `X-API-Key`) is refused a client that follows
    /// redirects.
    pub(crate) fn into_parts(
        self,
        http: Option<reqwest::Client>,
    ) -> Result<(String, reqwest::Client, Transport, P), Error> {
        let invalid = |message: String| Error::InvalidConfig {
            provider: P::PROVIDER,
            message,
        };
        check_base_url(&self.base_url).map_err(invalid)?;
        let mut headers = HeaderMap::new();
        self.settings
            .auth_headers(&self.key, &mut headers)
            .map_err(invalid)?;
        headers.insert(
            USER_AGENT,
            header_value(USER_AGENT.as_str(), &self.user_agent).map_err(invalid)?,
        );
        let http = match http {
            Some(http) => {
                if let Some(name) = secret_kept_on_redirect(&headers) {
                    if !refuses_redirects(&http) {
                        return Err(invalid(format!(
                            "the HTTP client follows redirects, and reqwest keeps header `{name}` (which carries the key) on a redirect to another origin; build the client with `redirect(reqwest::redirect::Policy::none())`"
                        )));
                    }
                }
                http
            }
            // Both timeouts take any value, `Duration::MAX` included (tokio saturates deadlines).
            // reqwest's `read_timeout` is left unset: it adds its value to `Instant::now()`
            // unchecked.
            None => reqwest::Client::builder()
                .tls_backend_preconfigured(
                    tls_config()
                        .map_err(|source| invalid(format!("cannot set up TLS: {source}")))?,
                )
                .connect_timeout(self.timeout)
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .map_err(|source| invalid(format!("cannot build the HTTP client: {source}")))?,
        };
        let transport = Transport::new(
            Rules::of::<P>(),
            self.retry,
            headers,
            self.timeout,
            self.settings.amount_unit(),
        );
        Ok((self.base_url, http, transport, self.settings))
    }
}

/// The TLS settings of the crate's own HTTP client: rustls on the `ring` crypto provider (no C
/// toolchain needed to build it, unlike aws-lc), the platform's certificate verifier, HTTP/1.1.
///
/// The crate builds reqwest without a crypto provider of its own (`rustls-no-provider`), so a
/// `reqwest::Client` you build yourself to share between providers needs one: pass this to
/// `ClientBuilder::tls_backend_preconfigured`, install a process-wide provider, or turn on
/// reqwest's `rustls` feature in your own dependencies. Without any of these, reqwest panics when
/// the client is built.
///
/// ```no_run
/// # fn run() -> Result<(), Box<dyn std::error::Error>> {
/// let http = reqwest::Client::builder()
///     .tls_backend_preconfigured(usage_bindings::config::tls_config()?)
///     .redirect(reqwest::redirect::Policy::none())
///     .build()?;
/// # Ok(()) }
/// ```
///
/// # Errors
///
/// When the platform's root certificates cannot be read.
pub fn tls_config() -> Result<rustls::ClientConfig, rustls::Error> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let verifier = rustls_platform_verifier::Verifier::new(provider.clone())?;
    let mut config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()?
        .dangerous()
        .with_custom_certificate_verifier(Arc::new(verifier))
        .with_no_client_auth();
    // reqwest is built without HTTP/2.
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(config)
}

/// The headers reqwest removes from a request it redirects to another origin
/// (`reqwest::redirect::remove_sensitive_headers`, 0.13).
const STRIPPED_ON_REDIRECT: [HeaderName; 3] = [
    reqwest::header::AUTHORIZATION,
    reqwest::header::COOKIE,
    reqwest::header::PROXY_AUTHORIZATION,
];

/// The first header marked sensitive (it carries the key) that reqwest would keep on a redirect
/// to another origin.
fn secret_kept_on_redirect(headers: &HeaderMap) -> Option<&HeaderName> {
    headers
        .iter()
        .find(|(name, value)| value.is_sensitive() && !STRIPPED_ON_REDIRECT.contains(name))
        .map(|(name, _)| name)
}

/// Whether `http` was built with `redirect::Policy::none()`. reqwest does not expose the policy
/// but prints it in `Debug` when it is not the default; any other output (a policy that follows,
/// a changed format) counts as following, so that a doubt refuses instead of leaking.
fn refuses_redirects(http: &reqwest::Client) -> bool {
    format!("{http:?}").contains(r#"redirect_policy: "Policy(None)""#)
}

impl<P: ProviderSpec> fmt::Debug for Config<P> {
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
#[allow(dead_code)] // Used by the providers with a bearer key; which are built depends on features.
pub(crate) fn bearer(key: &Secret) -> Result<(HeaderName, HeaderValue), String> {
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
