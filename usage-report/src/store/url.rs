//! [`StoreUrl`]: where a store is, parsed from `--store` or `USAGE_REPORT_STORE`, and shown with
//! its password masked.

use std::path::{Path, PathBuf};

use super::StoreError;

/// Where a store is: `sqlite:PATH` or `sqlite://PATH` (a file), or
/// `postgres://[user[:password]@]host[:port]/db` (`postgresql://` too). `Display` and `Debug`
/// show the password as `***`.
#[derive(Clone, PartialEq, Eq)]
pub enum StoreUrl {
    /// A SQLite file.
    Sqlite(PathBuf),
    /// A PostgreSQL database.
    Postgres {
        /// The URL as given, password included: handed to the driver only.
        url: String,
        /// The URL with its password masked.
        shown: String,
    },
}

impl StoreUrl {
    /// The SQLite file in the platform data folder: `$XDG_DATA_HOME/usage-report/usage.sqlite3`,
    /// else `$HOME/.local/share/usage-report/usage.sqlite3`; `None` without either variable.
    pub fn default_sqlite(env: &dyn Fn(&str) -> Option<String>) -> Option<StoreUrl> {
        let data = env("XDG_DATA_HOME")
            .filter(|value| Path::new(value).is_absolute())
            .map(PathBuf::from)
            .or_else(|| env("HOME").map(|home| Path::new(&home).join(".local").join("share")))?;
        Some(StoreUrl::Sqlite(
            data.join("usage-report").join("usage.sqlite3"),
        ))
    }
}

impl std::str::FromStr for StoreUrl {
    type Err = StoreError;

    fn from_str(text: &str) -> Result<StoreUrl, StoreError> {
        let text = text.trim();
        if let Some(path) = text.strip_prefix("sqlite:") {
            let path = path.strip_prefix("//").unwrap_or(path);
            if path.is_empty() {
                return Err(StoreError::new(
                    "the store `sqlite:` names no file: give sqlite:PATH",
                ));
            }
            return Ok(StoreUrl::Sqlite(PathBuf::from(path)));
        }
        let shown = masked(text);
        if text.starts_with("postgres://") || text.starts_with("postgresql://") {
            return Ok(StoreUrl::Postgres {
                url: text.to_string(),
                shown,
            });
        }
        Err(StoreError::new(format!(
            "the store `{shown}` is neither sqlite:PATH nor postgres://[user[:password]@]host[:port]/db"
        )))
    }
}

impl std::fmt::Display for StoreUrl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            StoreUrl::Sqlite(path) => write!(f, "sqlite:{}", path.display()),
            StoreUrl::Postgres { shown, .. } => f.write_str(shown),
        }
    }
}

impl std::fmt::Debug for StoreUrl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "StoreUrl({self})")
    }
}

/// `text` with the password of its authority (between `user:` and `@`) replaced by `***`. Text
/// that does not parse as a URL is cut at its authority, so that no part of it is shown.
fn masked(text: &str) -> String {
    match url::Url::parse(text) {
        Ok(mut url) => {
            if url.password().is_some() {
                // Setting a password fails only on URLs that cannot have one.
                let _ = url.set_password(Some("***"));
            }
            url.to_string()
        }
        Err(_) => match text.split_once("://") {
            Some((scheme, rest)) if rest.contains('@') => format!("{scheme}://***@…"),
            _ => text.to_string(),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sqlite_paths_take_both_spellings() {
        let url: StoreUrl = "sqlite:data/usage.db".parse().unwrap();
        assert_eq!(url, StoreUrl::Sqlite(PathBuf::from("data/usage.db")));
        let url: StoreUrl = "sqlite:///var/usage.db".parse().unwrap();
        assert_eq!(url, StoreUrl::Sqlite(PathBuf::from("/var/usage.db")));
        assert!("sqlite:".parse::<StoreUrl>().is_err());
    }

    #[test]
    fn a_password_is_never_shown() {
        for text in [
            "postgres://alice:s3cret@db.example:5432/usage",
            "postgresql://alice:s3cret@db.example/usage",
            "mysql://alice:s3cret@db.example/usage",
            "postgres://alice:s3cret@[bad/usage",
        ] {
            let shown = match text.parse::<StoreUrl>() {
                Ok(url) => format!("{url} {url:?}"),
                Err(error) => error.to_string(),
            };
            assert!(!shown.contains("s3cret"), "{shown}");
        }
        let url: StoreUrl = "postgres://alice:s3cret@db.example:5432/usage"
            .parse()
            .unwrap();
        assert_eq!(
            url.to_string(),
            "postgres://alice:***@db.example:5432/usage"
        );
    }

    #[test]
    fn the_default_is_in_the_data_folder() {
        let env = |name: &str| match name {
            "XDG_DATA_HOME" => Some("/data".to_string()),
            "HOME" => Some("/home/a".to_string()),
            _ => None,
        };
        assert_eq!(
            StoreUrl::default_sqlite(&env),
            Some(StoreUrl::Sqlite(PathBuf::from(
                "/data/usage-report/usage.sqlite3"
            )))
        );
        let env = |name: &str| (name == "HOME").then(|| "/home/a".to_string());
        assert_eq!(
            StoreUrl::default_sqlite(&env),
            Some(StoreUrl::Sqlite(PathBuf::from(
                "/home/a/.local/share/usage-report/usage.sqlite3"
            )))
        );
    }
}
