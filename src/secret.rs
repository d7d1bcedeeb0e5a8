//! A string that never shows itself: API keys and tokens live in a [`Secret`].

use std::fmt;

/// An API key or token. `Debug` and `Display` print `***`, so a secret cannot leak through a
/// log line, an error message or a `{:?}` of a config.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    /// Wraps a key.
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    /// The key itself, for the one place that puts it on the wire.
    pub(crate) fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(***)")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

impl From<String> for Secret {
    fn from(value: String) -> Self {
        Self(value)
    }
}

impl From<&str> for Secret {
    fn from(value: &str) -> Self {
        Self(value.to_owned())
    }
}

#[cfg(test)]
mod tests {
    use super::Secret;

    #[test]
    fn never_prints_the_value() {
        let secret = Secret::new("sk-admin-very-secret");
        assert!(!format!("{secret:?}").contains("very-secret"));
        assert!(!secret.to_string().contains("very-secret"));
        assert_eq!(secret.expose(), "sk-admin-very-secret");
    }
}
