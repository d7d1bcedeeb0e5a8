//! The providers, and everything that differs between them.
//!
//! [`Provider`] names a provider. [`ProviderSpec`] is implemented once per provider (by its
//! `Settings` type, in its own module) and carries every provider rule the shared modules apply:
//! the key's environment variable, the default base URL, the auth headers, how to read the error
//! envelope, the request-id headers, the rate-limit reset headers and which answers are final. The shared modules (config, error, transport, retry, json)
//! only ask this trait; none of them names a provider.
//!
//! This module is a leaf: it imports nothing else from the crate but [`crate::secret`] and
//! [`crate::money`].

use std::fmt;
use std::str::FromStr;
use std::time::Duration;

use reqwest::header::HeaderMap;
use reqwest::StatusCode;

use crate::money::AmountUnit;
use crate::secret::Secret;

/// Defines [`Provider`] from one line per provider: variant, name in code, name for people.
macro_rules! providers {
    ($($(#[doc = $doc:literal])* $variant:ident = $id:literal, $label:literal;)*) => {
        /// The providers this crate has clients for.
        #[derive(
            Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize,
            serde::Deserialize,
        )]
        #[non_exhaustive]
        pub enum Provider {
            $($(#[doc = $doc])* #[serde(rename = $id)] $variant,)*
        }

        impl Provider {
            /// Every provider, in order (whether or not its feature is enabled).
            pub const ALL: &'static [Provider] = &[$(Provider::$variant),*];

            /// The provider's name as used in feature names, serde and the CLI (`openai`,
            /// `northflank`, ...).
            pub const fn as_str(self) -> &'static str {
                match self {
                    $(Provider::$variant => $id,)*
                }
            }

            /// The provider's name for people (`OpenAI`, `Phala Cloud`, ...), as `Display`
            /// writes it.
            pub const fn label(self) -> &'static str {
                match self {
                    $(Provider::$variant => $label,)*
                }
            }
        }
    };
}

providers! {
    /// OpenAI organization usage and costs.
    OpenAi = "openai", "OpenAI";
    /// Northflank billing usage.
    Northflank = "northflank", "Northflank";
    /// Phala Cloud app usage.
    Phala = "phala", "Phala Cloud";
    /// Anthropic organization usage and cost reports.
    Anthropic = "anthropic", "Anthropic";
    /// OpenRouter activity, credits and API keys.
    OpenRouter = "openrouter", "OpenRouter";
}

/// The provider's name for people ([`Provider::label`]).
impl fmt::Display for Provider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// Reads [`Provider::as_str`] (`openai`, `northflank`, ...), ignoring ASCII case.
impl FromStr for Provider {
    type Err = ParseProviderError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Provider::ALL
            .iter()
            .copied()
            .find(|provider| provider.as_str().eq_ignore_ascii_case(text.trim()))
            .ok_or_else(|| ParseProviderError(text.chars().take(100).collect()))
    }
}

/// A text that names no provider.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParseProviderError(String);

impl fmt::Display for ParseProviderError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let known: Vec<&str> = Provider::ALL.iter().map(|p| p.as_str()).collect();
        write!(
            f,
            "unknown provider `{}`: expected one of {}",
            self.0,
            known.join(", ")
        )
    }
}

impl std::error::Error for ParseProviderError {}

/// What a provider's error envelope says, as read by [`ProviderSpec::error_details`].
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct ErrorDetails {
    /// The human-readable message.
    pub message: Option<String>,
    /// A machine-readable code.
    pub code: Option<String>,
    /// A type or category.
    pub kind: Option<String>,
    /// A request id carried in the body.
    pub request_id: Option<String>,
}

pub(crate) mod sealed {
    /// Only this crate's provider modules implement [`super::ProviderSpec`].
    pub trait Sealed {}
}

/// Everything that differs between providers. Implemented by each provider module's `Settings`
/// (what its `Config` carries beyond the common fields); sealed: only this crate implements it.
pub trait ProviderSpec:
    sealed::Sealed + Clone + fmt::Debug + Default + Send + Sync + 'static
{
    /// Which provider this is.
    const PROVIDER: Provider;
    /// The API's base URL.
    const DEFAULT_BASE_URL: &'static str;
    /// The environment variable that `Config::from_env` reads the key from.
    const KEY_ENV_VAR: &'static str;
    /// The environment variable that `Config::from_env` reads a base URL from, when set (a
    /// proxy, a regional endpoint), as the providers' own SDKs do.
    const BASE_URL_ENV_VAR: &'static str;
    /// The response headers that carry a request id, in order of preference.
    const REQUEST_ID_HEADERS: &'static [&'static str] = &["x-request-id"];

    /// Adds the provider's authentication (and any other fixed) headers, the key's marked
    /// sensitive; an `Err` says which header could not be built, without its value.
    fn auth_headers(&self, key: &Secret, headers: &mut HeaderMap) -> Result<(), String>;

    /// Reads message, code, type and request id from the provider's JSON error envelope.
    fn error_details(body: &serde_json::Value) -> ErrorDetails;

    /// The wait a 429 asks for through the provider's own rate-limit headers (`Retry-After` is
    /// read for every provider before this).
    fn rate_limit_reset(_headers: &HeaderMap) -> Option<Duration> {
        None
    }

    /// Whether an error answer must not be retried whatever its status says (OpenAI's
    /// exhausted quota), from its status and what its error envelope says.
    fn is_permanent(_status: StatusCode, _details: &ErrorDetails) -> bool {
        false
    }

    /// The unit the provider's amounts are read in: currency units unless the provider sends
    /// minor units (cents), or its documents disagree and the configuration chose.
    fn amount_unit(&self) -> AmountUnit {
        AmountUnit::Currency
    }
}

/// The provider rules that the transport applies at run time, taken from a [`ProviderSpec`] as
/// plain functions so that the transport is one type for every provider.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Rules {
    pub(crate) provider: Provider,
    pub(crate) request_id_headers: &'static [&'static str],
    pub(crate) rate_limit_reset: fn(&HeaderMap) -> Option<Duration>,
    pub(crate) is_permanent: fn(StatusCode, &ErrorDetails) -> bool,
    pub(crate) error_details: fn(&serde_json::Value) -> ErrorDetails,
}

impl Rules {
    pub(crate) fn of<P: ProviderSpec>() -> Self {
        Self {
            provider: P::PROVIDER,
            request_id_headers: P::REQUEST_ID_HEADERS,
            rate_limit_reset: P::rate_limit_reset,
            is_permanent: P::is_permanent,
            error_details: P::error_details,
        }
    }
}

/// The string at `path` in `value`, if any (a number is given as its text).
pub(crate) fn string_at(value: &serde_json::Value, path: &[&str]) -> Option<String> {
    let mut current = value;
    for key in path {
        current = current.get(key)?;
    }
    match current {
        serde_json::Value::String(s) => Some(s.clone()),
        serde_json::Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// Non-negative seconds, integer or fractional, below a billion.
pub(crate) fn parse_seconds(text: &str) -> Option<Duration> {
    let seconds: f64 = text.trim().parse().ok()?;
    (0.0..1e9)
        .contains(&seconds)
        .then(|| Duration::from_secs_f64(seconds))
}

/// A header's value as trimmed text, if it is visible ASCII.
pub(crate) fn header_text<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(str::trim)
}

/// A Go-style duration: a sequence of number+unit pairs, units `h`, `m`, `s`, `ms`, `us`, `ns`.
#[allow(dead_code)] // Used by the providers that send Go durations; which are built depends on features.
pub(crate) fn parse_go_duration(text: &str) -> Option<Duration> {
    let mut total = 0.0f64;
    let mut rest = text;
    if rest.is_empty() {
        return None;
    }
    while !rest.is_empty() {
        let number_len = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(rest.len());
        if number_len == 0 {
            return None;
        }
        let number: f64 = rest[..number_len].parse().ok()?;
        rest = &rest[number_len..];
        let unit_len = rest
            .find(|c: char| c.is_ascii_digit() || c == '.')
            .unwrap_or(rest.len());
        let scale = match &rest[..unit_len] {
            "h" => 3600.0,
            "m" => 60.0,
            "s" => 1.0,
            "ms" => 1e-3,
            "us" | "µs" => 1e-6,
            "ns" => 1e-9,
            _ => return None,
        };
        total += number * scale;
        rest = &rest[unit_len..];
    }
    parse_seconds(&total.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for &provider in Provider::ALL {
            assert_eq!(provider.as_str().parse::<Provider>(), Ok(provider));
            let upper = provider.as_str().to_ascii_uppercase();
            assert_eq!(format!(" {upper} ").parse::<Provider>(), Ok(provider));
            let json = serde_json::to_string(&provider).unwrap();
            assert_eq!(json, format!("\"{}\"", provider.as_str()));
            assert_eq!(provider.to_string(), provider.label());
        }
        let error = "mistral".parse::<Provider>().unwrap_err();
        let known: Vec<&str> = Provider::ALL.iter().map(|p| p.as_str()).collect();
        assert_eq!(
            error.to_string(),
            format!(
                "unknown provider `mistral`: expected one of {}",
                known.join(", ")
            )
        );
    }
}
