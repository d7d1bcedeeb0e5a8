//! Configuration and auth that do not need a server: defaults, `from_env`, and keys that never
//! show in `Debug`, `Display` or errors. The provider-generic checks iterate the provider table.

mod support;

#[cfg(feature = "northflank")]
use usage_bindings::northflank;
#[cfg(feature = "openai")]
use usage_bindings::openai;
#[cfg(feature = "phala")]
use usage_bindings::phala;
use usage_bindings::{Error, RetryPolicy};

use support::{assert_no_key, rows};

/// Every provider's defaults, and keys hidden from the `Debug` of its config and client.
#[test]
fn defaults_and_debug() {
    for row in rows() {
        let config = (row.config)(row.key);
        assert_eq!(config.base_url(), row.default_base_url, "{}", row.provider);
        assert_eq!(config.retry(), &RetryPolicy::default());
        assert_eq!(config.timeout(), usage_bindings::config::DEFAULT_TIMEOUT);
        assert_eq!(
            config.user_agent(),
            usage_bindings::config::DEFAULT_USER_AGENT
        );
        assert_no_key(&format!("{config:?}"));
        let client = config.connect().unwrap();
        assert_eq!(client.base_url(), row.default_base_url, "{}", row.provider);
        assert_no_key(&format!("{client:?}"));

        let config = (row.config)(row.key).with_base_url("http://127.0.0.1:9/");
        assert_eq!(
            config.base_url(),
            "http://127.0.0.1:9",
            "{}: a trailing slash is dropped",
            row.provider
        );
        assert_no_key(&format!("{config:?}"));
        let client = config.connect().unwrap();
        assert_no_key(&format!("{client:?}"));
    }
}

#[cfg(feature = "openai")]
#[test]
fn openai_defaults_and_debug() {
    let config = openai::Config::new(support::OPENAI_KEY)
        .with_organization("org-1")
        .with_project("proj-1");
    assert_eq!(config.base_url(), "https://api.openai.com/v1");
    assert_eq!(
        (config.organization(), config.project()),
        (Some("org-1"), Some("proj-1"))
    );
    assert_no_key(&format!("{config:?}"));
    let client = openai::Client::from_config(config).unwrap();
    assert_eq!(client.base_url(), "https://api.openai.com/v1");
    assert_no_key(&format!("{client:?}"));
}

#[cfg(feature = "northflank")]
#[test]
fn northflank_defaults_and_debug() {
    assert_eq!(
        northflank::Config::new("k").base_url(),
        "https://api.northflank.com"
    );
}

#[cfg(feature = "phala")]
#[test]
fn phala_defaults_and_debug() {
    let config = phala::Config::new(support::PHALA_KEY).with_phala_version("2026-06-23");
    assert_eq!(config.base_url(), "https://cloud-api.phala.com");
    let debug = format!("{config:?}");
    assert_no_key(&debug);
    assert!(debug.contains("2026-06-23"), "{debug}");
    let client = phala::Client::from_config(config).unwrap();
    assert_no_key(&format!("{client:?}"));
    assert_eq!(phala::DEFAULT_PHALA_VERSION, "2026-01-21");
}

/// A key that a header cannot carry is a configuration error that does not echo the key.
#[test]
fn unusable_keys_fail_without_echoing_them() {
    let bad = "SEKRIT\nline-break";
    for row in rows() {
        let error = (row.config)(bad).connect().unwrap_err();
        assert!(
            matches!(error, Error::InvalidConfig { .. }),
            "{}: {error:?}",
            row.provider
        );
        assert!(!error.to_string().contains("SEKRIT"), "{error}");
        assert!(!format!("{error:?}").contains("SEKRIT"), "{error:?}");
    }
}

/// `from_env` reads the documented variables and names the key's when it is missing. One test,
/// because the environment is shared by every test thread of this binary.
#[test]
fn from_env_reads_and_names_the_variable() {
    fn check<T: std::fmt::Debug>(variable: &str, key: &str, load: impl Fn() -> Result<T, Error>) {
        std::env::remove_var(variable);
        let error = load().unwrap_err();
        assert!(
            matches!(error, Error::MissingCredentials { .. }),
            "{error:?}"
        );
        assert!(error.to_string().contains(variable), "{error}");
        assert_eq!(error.operation(), None, "no operation was called");
        std::env::set_var(variable, "   ");
        assert!(load().is_err(), "a blank key counts as missing");
        std::env::set_var(variable, key);
        let loaded = load().unwrap();
        assert_no_key(&format!("{loaded:?}"));
        std::env::remove_var(variable);
    }
    for row in rows() {
        check(row.key_env, row.key, row.config_from_env);
        check(row.key_env, row.key, row.client_from_env);
    }
    // `<PROVIDER>_BASE_URL` is read when set, and one that is not an absolute http(s) URL is
    // refused, naming the variable. (In this test too: it sets the key variables.)
    for row in rows() {
        let (key_variable, url_variable) = (row.key_env, row.base_url_env);
        let load = row.config_from_env;
        std::env::set_var(key_variable, "k-test");
        std::env::remove_var(url_variable);
        assert_eq!(load().unwrap().base_url(), row.default_base_url);
        std::env::set_var(url_variable, "  ");
        assert_eq!(
            load().unwrap().base_url(),
            row.default_base_url,
            "blank is unset"
        );
        std::env::set_var(url_variable, "http://127.0.0.1:9/v1/");
        assert_eq!(load().unwrap().base_url(), "http://127.0.0.1:9/v1");
        std::env::set_var(url_variable, "127.0.0.1:9");
        let error = load().unwrap_err();
        assert!(matches!(error, Error::InvalidConfig { .. }), "{error:?}");
        assert!(error.to_string().contains(url_variable), "{error}");
        std::env::remove_var(url_variable);
        std::env::remove_var(key_variable);
    }
}

/// A base URL that is not an absolute http(s) URL is refused when the client is built, naming it.
#[test]
fn base_urls_must_be_absolute_http_urls() {
    fn build(url: &str) -> Vec<Result<(), Error>> {
        rows()
            .iter()
            .map(|row| (row.config)(row.key).with_base_url(url).connect().map(drop))
            .collect()
    }
    for refused in [
        "not a url",
        "ftp://x",
        "/relative",
        "127.0.0.1:8080",
        "",
        "localhost:8080",
        "file:///etc/passwd",
        "http://",
    ] {
        for result in build(refused) {
            let error = result.expect_err(refused);
            assert!(
                matches!(error, Error::InvalidConfig { .. }),
                "{refused}: {error:?}"
            );
            let text = error.to_string();
            // Named as configured (`base_url` drops trailing slashes).
            let named = format!("`{}`", refused.trim_end_matches('/'));
            assert!(text.contains(&named), "{refused}: {text}");
            assert!(text.contains("not an absolute http"), "{refused}: {text}");
            assert_no_key(&text);
        }
    }
    for accepted in [
        "http://127.0.0.1:1",
        "https://api.example.com/v1",
        "HTTP://127.0.0.1:1/",
    ] {
        for result in build(accepted) {
            assert!(result.is_ok(), "{accepted}: {result:?}");
        }
    }
    // A password in a refused URL is not echoed.
    for result in build("ftp://user:SEKRIT@host") {
        let error = result.unwrap_err();
        assert_no_key(&error.to_string());
        assert_no_key(&format!("{error:?}"));
    }
}

/// `Provider`: every provider, its name in features and serde, its name for people, and back.
/// Each name is a cargo feature of the crate and has its spec and its module folder.
#[test]
fn providers_by_name() {
    use std::collections::BTreeSet;
    use std::path::Path;
    use usage_bindings::Provider;
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let manifest = std::fs::read_to_string(root.join("Cargo.toml")).unwrap();
    let names: Vec<&str> = Provider::ALL.iter().map(|p| p.as_str()).collect();
    assert!(!names.is_empty());
    assert_eq!(
        names.iter().collect::<BTreeSet<_>>().len(),
        names.len(),
        "{names:?}"
    );
    let labels: BTreeSet<&str> = Provider::ALL.iter().map(|p| p.label()).collect();
    assert_eq!(labels.len(), names.len(), "{labels:?}");
    for &provider in Provider::ALL {
        let name = provider.as_str();
        assert!(
            !name.is_empty()
                && name
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit()),
            "{name:?}"
        );
        assert!(
            manifest
                .lines()
                .any(|line| line.trim() == format!("{name} = []")),
            "{name} is no feature of Cargo.toml"
        );
        assert!(
            root.join(format!("openapi/{name}.yaml")).is_file(),
            "{name}"
        );
        assert!(root.join(format!("src/{name}/mod.rs")).is_file(), "{name}");
        assert!(!provider.label().is_empty(), "{name}");
        assert_eq!(provider.to_string(), provider.label());
        assert_eq!(name.parse::<Provider>(), Ok(provider));
        assert_eq!(name.to_uppercase().parse::<Provider>(), Ok(provider));
        assert_eq!(
            serde_json::to_value(provider).unwrap(),
            serde_json::json!(name)
        );
    }
    let error = "aws".parse::<Provider>().unwrap_err();
    assert!(error.to_string().contains(&names.join(", ")), "{error}");
}

/// The provider table has one row per provider built into the crate, in `Provider::ALL` order:
/// a provider without its row would be left out of every row-driven test.
#[test]
fn the_table_has_a_row_for_every_provider_built_in() {
    use usage_bindings::Provider;
    let built: Vec<Provider> = Provider::ALL
        .iter()
        .copied()
        .filter(|provider| provider.descriptor().is_some())
        .collect();
    let covered: Vec<Provider> = rows().iter().map(|row| row.provider).collect();
    assert_eq!(covered, built);
    // Each row's key is its own, and the leak checks look for it.
    let keys = support::keys();
    for row in rows() {
        assert!(row.key.contains("SEKRIT"), "{}", row.provider);
        assert_eq!(keys.iter().filter(|key| **key == row.key).count(), 1);
    }
}

/// The setters are `with_*`; the getters give back what was set.
#[test]
fn getters_give_back_what_was_set() {
    let policy = usage_bindings::RetryPolicy::default()
        .with_max_attempts(0)
        .with_initial_backoff(std::time::Duration::from_millis(1))
        .with_max_backoff(std::time::Duration::from_millis(2))
        .with_max_elapsed(std::time::Duration::from_millis(3));
    assert_eq!(policy.max_attempts(), 1, "0 attempts count as 1");
    assert_eq!(
        (
            policy.initial_backoff(),
            policy.max_backoff(),
            policy.max_elapsed()
        ),
        (
            std::time::Duration::from_millis(1),
            std::time::Duration::from_millis(2),
            std::time::Duration::from_millis(3)
        )
    );
    assert_eq!(usage_bindings::RetryPolicy::disabled().max_attempts(), 1);
    #[cfg(feature = "phala")]
    {
        let config = phala::Config::new(support::PHALA_KEY)
            .with_phala_version("2030-01-01")
            .with_timeout(std::time::Duration::from_secs(5))
            .with_user_agent("report/1")
            .with_retry(policy.clone());
        assert_eq!(config.phala_version(), "2030-01-01");
        assert_eq!(config.timeout(), std::time::Duration::from_secs(5));
        assert_eq!(config.user_agent(), "report/1");
        assert_eq!(config.retry(), &policy);
        let client = phala::Client::from_config(config).unwrap();
        assert_eq!(client.retry_policy(), &policy);
    }
}
