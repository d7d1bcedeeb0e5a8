//! The provider table: one [`Row`] per enabled provider, carrying what the provider-generic
//! tests need. A provider-generic test iterates [`rows`]. Adding a provider is adding, in this
//! file only, its row and its [`Probe`] (what the generic tests call on its client); every
//! row-driven test then covers it. [`AnyConfig`] and [`AnyClient`] hold any provider's config
//! and client behind those two.

use std::future::Future;
use std::num::NonZeroU64;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use futures::{StreamExt, TryStreamExt};
use serde_json::Value;
use usage_bindings::config::Config;
use usage_bindings::paging::PageCursor;
use usage_bindings::ProviderSpec;
use usage_bindings::{Error, Provider, RetryPolicy};
use wiremock::MockServer;

#[cfg(feature = "anthropic")]
use usage_bindings::anthropic;
#[cfg(feature = "northflank")]
use usage_bindings::northflank;
#[cfg(feature = "openai")]
use usage_bindings::openai;
#[cfg(feature = "openrouter")]
use usage_bindings::openrouter;
#[cfg(feature = "phala")]
use usage_bindings::phala;

#[allow(unused_imports)]
use super::*;

/// How a provider's key travels on the wire.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Auth {
    /// `Authorization: Bearer <key>`.
    Bearer,
    /// The key alone in this header (lower case).
    Header(&'static str),
}

/// How a provider's list operations page.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Paging {
    /// The next page's token from the body, sent back as this query parameter.
    Token(&'static str),
    /// A cursor from the body, sent back as this query parameter.
    Cursor(&'static str),
    /// `limit` and `offset`, until a short page.
    LimitOffset,
    /// `offset` only, the API's page size fixed at this many records, until a short page.
    FixedOffset(u64),
}

/// What the provider-generic tests know of one provider.
pub struct Row {
    pub provider: Provider,
    /// The key every client of this row is built with; it holds `SEKRIT`, and the leak checks
    /// ([`assert_no_key`]) look for it.
    pub key: &'static str,
    /// The variable `from_env` reads the key from.
    pub key_env: &'static str,
    /// The variable `from_env` reads a base URL from.
    pub base_url_env: &'static str,
    pub default_base_url: &'static str,
    pub auth: Auth,
    /// The paging rule of the simple operation.
    pub paging: Paging,
    /// The query parameter that carries the page size of a walk.
    pub size_param: &'static str,
    /// The page size a walk of the simple operation asks for unless told otherwise: the
    /// largest the API allows.
    pub max_page: u64,
    /// A page of the simple operation holding the records numbered `first..first + count`
    /// (numbered as [`AnyClient::walk`] reads them back), pointing to the page `next` when the
    /// rule has a token or cursor.
    pub page: fn(first: u64, count: u64, next: Option<&str>) -> Value,
    /// The operation id of the simple operation, as errors name it.
    pub operation: &'static str,
    /// What the client's base URL adds to the mock server's address (OpenAI's `/v1`).
    pub base_path: &'static str,
    /// The path, below the mock server's address, of [`AnyClient::call`]'s operation.
    pub path: &'static str,
    /// A success body of [`AnyClient::call`]'s operation holding `n` records (told apart).
    pub body: fn(u64) -> Value,
    /// `Config::new(key)` with the defaults.
    pub config: fn(&str) -> AnyConfig,
    /// `Config::from_env()`.
    pub config_from_env: fn() -> Result<AnyConfig, Error>,
    /// `Client::from_env()`.
    pub client_from_env: fn() -> Result<AnyClient, Error>,
}

/// One row per enabled provider, in [`Provider::ALL`] order.
pub fn rows() -> Vec<Row> {
    vec![
        #[cfg(feature = "openai")]
        Row {
            provider: Provider::OpenAi,
            key: OPENAI_KEY,
            key_env: "OPENAI_ADMIN_KEY",
            base_url_env: "OPENAI_BASE_URL",
            default_base_url: "https://api.openai.com/v1",
            auth: Auth::Bearer,
            paging: Paging::Token("page"),
            size_param: "limit",
            max_page: 31,
            page: |first, count, next| {
                let starts: Vec<i64> = (first..first + count).map(|d| d as i64 * 86_400).collect();
                openai_page(&starts, next)
            },
            base_path: "/v1",
            operation: "usage_completions",
            path: "/v1/organization/usage/completions",
            body: |n| {
                let starts: Vec<i64> = (0..n as i64).map(|i| i * 86_400).collect();
                openai_page(&starts, None)
            },
            config: |key| AnyConfig::new(openai::Config::new(key), openai_connect),
            config_from_env: || {
                openai::Config::from_env().map(|c| AnyConfig::new(c, openai_connect))
            },
            client_from_env: || openai::Client::from_env().map(AnyClient::new),
        },
        #[cfg(feature = "northflank")]
        Row {
            provider: Provider::Northflank,
            key: NORTHFLANK_KEY,
            key_env: "NORTHFLANK_API_TOKEN",
            base_url_env: "NORTHFLANK_BASE_URL",
            default_base_url: "https://api.northflank.com",
            auth: Auth::Bearer,
            paging: Paging::Cursor("cursor"),
            size_param: "per_page",
            max_page: 100,
            page: |first, count, next| {
                let timestamps: Vec<i64> = (first as i64..(first + count) as i64).collect();
                northflank_page(&timestamps, next)
            },
            base_path: "",
            operation: "list_usage",
            path: "/v1/billing/usage",
            body: |n| {
                let timestamps: Vec<i64> = (0..n as i64).map(|i| 1000 + i * 3600).collect();
                northflank_page(&timestamps, None)
            },
            config: |key| AnyConfig::new(northflank::Config::new(key), northflank_connect),
            config_from_env: || {
                northflank::Config::from_env().map(|c| AnyConfig::new(c, northflank_connect))
            },
            client_from_env: || northflank::Client::from_env().map(AnyClient::new),
        },
        #[cfg(feature = "phala")]
        Row {
            provider: Provider::Phala,
            key: PHALA_KEY,
            key_env: "PHALA_CLOUD_API_KEY",
            base_url_env: "PHALA_CLOUD_BASE_URL",
            default_base_url: "https://cloud-api.phala.com",
            auth: Auth::Header("x-api-key"),
            paging: Paging::LimitOffset,
            size_param: "limit",
            max_page: 5000,
            page: |first, count, _| phala_page(first..first + count),
            base_path: "",
            operation: "get_app_usage",
            path: "/api/v1/apps/app-9f3c2a/usage",
            body: |n| phala_page(0..n),
            config: |key| AnyConfig::new(phala::Config::new(key), phala_connect),
            config_from_env: || phala::Config::from_env().map(|c| AnyConfig::new(c, phala_connect)),
            client_from_env: || phala::Client::from_env().map(AnyClient::new),
        },
        #[cfg(feature = "anthropic")]
        Row {
            provider: Provider::Anthropic,
            key: ANTHROPIC_KEY,
            key_env: "ANTHROPIC_ADMIN_KEY",
            base_url_env: "ANTHROPIC_BASE_URL",
            default_base_url: "https://api.anthropic.com",
            auth: Auth::Header("x-api-key"),
            paging: Paging::Token("page"),
            size_param: "limit",
            max_page: 31,
            page: |first, count, next| anthropic_page(first..first + count, next),
            base_path: "",
            operation: "messages_usage_report",
            path: "/v1/organizations/usage_report/messages",
            body: |n| anthropic_page(0..n, None),
            config: |key| AnyConfig::new(anthropic::Config::new(key), anthropic_connect),
            config_from_env: || {
                anthropic::Config::from_env().map(|c| AnyConfig::new(c, anthropic_connect))
            },
            client_from_env: || anthropic::Client::from_env().map(AnyClient::new),
        },
        #[cfg(feature = "openrouter")]
        Row {
            provider: Provider::OpenRouter,
            key: OPENROUTER_KEY,
            key_env: "OPENROUTER_MANAGEMENT_KEY",
            base_url_env: "OPENROUTER_BASE_URL",
            default_base_url: "https://openrouter.ai/api/v1",
            auth: Auth::Bearer,
            paging: Paging::FixedOffset(100),
            size_param: "",
            max_page: 100,
            page: |first, count, _| openrouter_page(first..first + count),
            base_path: "",
            operation: "list_api_keys",
            path: "/keys",
            body: |n| openrouter_page(0..n),
            config: |key| AnyConfig::new(openrouter::Config::new(key), openrouter_connect),
            config_from_env: || {
                openrouter::Config::from_env().map(|c| AnyConfig::new(c, openrouter_connect))
            },
            client_from_env: || openrouter::Client::from_env().map(AnyClient::new),
        },
    ]
}

/// A page of OpenRouter's key list: one key per number of `keys`, its hash `key-<n>`.
#[cfg(feature = "openrouter")]
pub fn openrouter_page(keys: std::ops::Range<u64>) -> Value {
    let data: Vec<Value> = keys
        .map(|n| {
            serde_json::json!({
                "hash": format!("key-{n}"),
                "name": format!("Key {n}"),
                "label": "sk-or-v1-abc...123",
                "disabled": false,
                "limit": null,
                "limit_remaining": null,
                "limit_reset": null,
                "include_byok_in_limit": false,
                "usage": 0.25,
                "usage_daily": 0,
                "usage_weekly": 0.25,
                "usage_monthly": 0.25,
                "byok_usage": 0,
                "byok_usage_daily": 0,
                "byok_usage_weekly": 0,
                "byok_usage_monthly": 0,
                "created_at": "2026-11-01T10:30:00Z",
                "updated_at": null
            })
        })
        .collect();
    serde_json::json!({ "data": data })
}

/// A page of Anthropic's messages usage report: one daily bucket per number of `days`
/// (counted from the Unix epoch), pointing to `next_page` when given.
#[cfg(feature = "anthropic")]
pub fn anthropic_page(days: std::ops::Range<u64>, next_page: Option<&str>) -> Value {
    let day = |d: u64| {
        chrono::DateTime::from_timestamp(d as i64 * 86_400, 0)
            .expect("a day in range")
            .to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
    };
    let data: Vec<Value> = days
        .map(|d| {
            serde_json::json!({
                "starting_at": day(d),
                "ending_at": day(d + 1),
                "results": [{
                    "uncached_input_tokens": d,
                    "cache_read_input_tokens": 0,
                    "output_tokens": 1,
                    "cache_creation": {
                        "ephemeral_1h_input_tokens": 0,
                        "ephemeral_5m_input_tokens": 0
                    },
                    "server_tool_use": {"web_search_requests": 0}
                }]
            })
        })
        .collect();
    serde_json::json!({"data": data, "has_more": next_page.is_some(), "next_page": next_page})
}

/// The start of the window the Anthropic operations ask for.
#[cfg(feature = "anthropic")]
const EPOCH: chrono::DateTime<chrono::Utc> = chrono::DateTime::UNIX_EPOCH;

/// The app [`AnyClient::call`] asks Phala about.
pub const PHALA_APP: &str = "app-9f3c2a";

impl Row {
    /// This row's config with its key, against `server`, with `retry`.
    pub fn config_for(&self, server: &MockServer, retry: RetryPolicy) -> AnyConfig {
        (self.config)(self.key)
            .with_base_url(format!("{}{}", server.uri(), self.base_path))
            .with_retry(retry)
    }

    /// This row's client with its key, against `server`, with `retry`.
    pub fn client(&self, server: &MockServer, retry: RetryPolicy) -> AnyClient {
        self.config_for(server, retry)
            .connect()
            .unwrap_or_else(|e| panic!("{}: {e}", self.provider))
    }

    /// The page size a walk of the row's simple operation sends, when it sends one (`size`);
    /// `None` for an API that fixes its page size and takes no parameter.
    pub fn sent_page_size(&self, size: u64) -> Option<String> {
        match self.paging {
            Paging::FixedOffset(_) => None,
            _ => Some(size.to_string()),
        }
    }

    /// The value the row's key header carries, as `(header, value)`.
    pub fn key_header(&self) -> (&'static str, String) {
        match self.auth {
            Auth::Bearer => ("authorization", format!("Bearer {}", self.key)),
            Auth::Header(name) => (name, self.key.to_string()),
        }
    }
}

/// One provider's `Config`, whatever the provider: the common setters and getters, and
/// `Client::from_config` / `Client::from_config_with_http`.
#[derive(Debug)]
pub struct AnyConfig(Box<dyn DynConfig>);

impl Clone for AnyConfig {
    fn clone(&self) -> Self {
        AnyConfig(self.0.clone_box())
    }
}

/// How a row's `Config` becomes its client: `Client::from_config`, or with `http` given,
/// `Client::from_config_with_http`.
type ConnectFn<P> = fn(Config<P>, Option<reqwest::Client>) -> Result<AnyClient, Error>;

trait DynConfig: std::fmt::Debug + Send + Sync {
    fn clone_box(&self) -> Box<dyn DynConfig>;
    fn map(self: Box<Self>, f: &mut dyn FnMut(&mut dyn ConfigSetters)) -> Box<dyn DynConfig>;
    fn base_url(&self) -> &str;
    fn retry(&self) -> &RetryPolicy;
    fn timeout(&self) -> Duration;
    fn user_agent(&self) -> &str;
    fn connect(self: Box<Self>, http: Option<reqwest::Client>) -> Result<AnyClient, Error>;
}

/// The common setters of `Config<P>`, whatever `P`.
trait ConfigSetters {
    fn set_base_url(&mut self, url: String);
    fn set_retry(&mut self, retry: RetryPolicy);
    fn set_timeout(&mut self, timeout: Duration);
    fn set_user_agent(&mut self, agent: String);
}

impl<P: ProviderSpec> ConfigSetters for Config<P> {
    fn set_base_url(&mut self, url: String) {
        *self = self.clone().with_base_url(url);
    }
    fn set_retry(&mut self, retry: RetryPolicy) {
        *self = self.clone().with_retry(retry);
    }
    fn set_timeout(&mut self, timeout: Duration) {
        *self = self.clone().with_timeout(timeout);
    }
    fn set_user_agent(&mut self, agent: String) {
        *self = self.clone().with_user_agent(agent);
    }
}

struct Held<P: ProviderSpec> {
    config: Config<P>,
    connect: ConnectFn<P>,
}

impl<P: ProviderSpec> std::fmt::Debug for Held<P> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.config.fmt(f)
    }
}

impl<P: ProviderSpec> DynConfig for Held<P> {
    fn clone_box(&self) -> Box<dyn DynConfig> {
        Box::new(Held {
            config: self.config.clone(),
            connect: self.connect,
        })
    }
    fn map(mut self: Box<Self>, f: &mut dyn FnMut(&mut dyn ConfigSetters)) -> Box<dyn DynConfig> {
        f(&mut self.config);
        self
    }
    fn base_url(&self) -> &str {
        self.config.base_url()
    }
    fn retry(&self) -> &RetryPolicy {
        self.config.retry()
    }
    fn timeout(&self) -> Duration {
        self.config.timeout()
    }
    fn user_agent(&self) -> &str {
        self.config.user_agent()
    }
    fn connect(self: Box<Self>, http: Option<reqwest::Client>) -> Result<AnyClient, Error> {
        (self.connect)(self.config, http)
    }
}

impl AnyConfig {
    /// `config`, which `connect` turns into its client.
    fn new<P: ProviderSpec>(config: Config<P>, connect: ConnectFn<P>) -> Self {
        AnyConfig(Box::new(Held { config, connect }))
    }

    fn map(self, mut f: impl FnMut(&mut dyn ConfigSetters)) -> Self {
        AnyConfig(self.0.map(&mut f))
    }

    pub fn with_base_url(self, url: impl Into<String>) -> Self {
        let url = url.into();
        self.map(|c| c.set_base_url(url.clone()))
    }

    pub fn with_retry(self, retry: RetryPolicy) -> Self {
        self.map(|c| c.set_retry(retry.clone()))
    }

    pub fn with_timeout(self, timeout: Duration) -> Self {
        self.map(|c| c.set_timeout(timeout))
    }

    pub fn with_user_agent(self, agent: &str) -> Self {
        self.map(|c| c.set_user_agent(agent.to_string()))
    }

    pub fn base_url(&self) -> &str {
        self.0.base_url()
    }

    pub fn retry(&self) -> &RetryPolicy {
        self.0.retry()
    }

    pub fn timeout(&self) -> Duration {
        self.0.timeout()
    }

    pub fn user_agent(&self) -> &str {
        self.0.user_agent()
    }

    /// `Client::from_config`.
    pub fn connect(self) -> Result<AnyClient, Error> {
        self.0.connect(None)
    }

    /// `Client::from_config_with_http`.
    pub fn connect_with_http(self, http: reqwest::Client) -> Result<AnyClient, Error> {
        self.0.connect(Some(http))
    }
}

type Boxed<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// The records of a walk, each as its number (as [`AnyClient::walk`] reads them back), or the
/// error that ended it.
type Numbers<'a> = futures::stream::BoxStream<'a, Result<u64, Error>>;

/// What the provider-generic tests call on one provider's client; implemented once per provider,
/// beside its row.
pub trait Probe: std::fmt::Debug + Send + Sync {
    fn base_url(&self) -> &str;
    fn retry_policy(&self) -> &RetryPolicy;
    /// The row's simple operation (at [`Row::path`]) with `.fetch()`: how many records it got.
    fn call(&self) -> Boxed<'_, Result<usize, Error>>;
    /// The row's simple operation with `?` on `.send()`: the `From` conversion of its error.
    fn send(&self) -> Boxed<'_, Result<(), Error>>;
    /// A walk of the row's simple operation with `.pages()`: how many pages it read.
    fn pages(&self) -> Boxed<'_, Result<usize, Error>>;
    /// Every `CostSource` of the provider, reading with this client.
    fn cost_sources(&self) -> Vec<Box<dyn usage_bindings::cost::CostSource>>;
    /// A walk of the row's simple operation with `.page_size(size)` (when given),
    /// `.max_pages(ceiling)` (when given) and `.resume_from(start)`, read with `.items()`: the
    /// number of each record (an OpenAI bucket's start day, a Northflank entry's timestamp, a
    /// Phala record's `inst-<n>`).
    fn items(
        &self,
        size: Option<NonZeroU64>,
        ceiling: Option<NonZeroU64>,
        start: PageCursor,
    ) -> Numbers<'_>;
    /// Every operation of the provider, each with `.fetch()` and the fewest parameters it needs.
    fn call_everything(&self) -> Boxed<'_, Vec<Result<(), Error>>>;
}

/// One provider's `Client`, whatever the provider.
#[derive(Clone, Debug)]
pub struct AnyClient(Arc<dyn Probe>);

impl AnyClient {
    pub fn new(client: impl Probe + 'static) -> Self {
        AnyClient(Arc::new(client))
    }

    pub fn base_url(&self) -> &str {
        self.0.base_url()
    }

    pub fn retry_policy(&self) -> &RetryPolicy {
        self.0.retry_policy()
    }

    /// See [`Probe::call`].
    pub fn call(&self) -> Boxed<'_, Result<usize, Error>> {
        self.0.call()
    }

    /// See [`Probe::send`].
    pub fn send(&self) -> Boxed<'_, Result<(), Error>> {
        self.0.send()
    }

    /// See [`Probe::pages`].
    pub fn pages(&self) -> Boxed<'_, Result<usize, Error>> {
        self.0.pages()
    }

    /// See [`Probe::cost_sources`].
    pub fn cost_sources(&self) -> Vec<Box<dyn usage_bindings::cost::CostSource>> {
        self.0.cost_sources()
    }

    /// See [`Probe::call_everything`].
    pub fn call_everything(&self) -> Boxed<'_, Vec<Result<(), Error>>> {
        self.0.call_everything()
    }

    /// A walk of the row's simple operation with `.page_size(size)` (when given) and `.items()`,
    /// stopped after `take` items when given: the number of each record, in order.
    pub fn walk(
        &self,
        size: Option<u64>,
        take: Option<usize>,
        resume: Option<PageCursor>,
    ) -> Boxed<'_, Result<Vec<u64>, Error>> {
        let size = size.map(|size| NonZeroU64::new(size).expect("a page size above zero"));
        let take = take.unwrap_or(usize::MAX);
        let start = resume.unwrap_or(PageCursor::First);
        Box::pin(self.0.items(size, None, start).take(take).try_collect())
    }

    /// A walk of the row's simple operation with `.page_size(size)` (when given),
    /// `.max_pages(max_pages)` and `.resume_from(resume)` (when given), read with `.items()`
    /// to its end: the number of each record yielded (as [`AnyClient::walk`] reads them) and
    /// the error that ended the stream. Panics if the stream yields anything after its error.
    pub fn walk_to_end(
        &self,
        size: Option<u64>,
        max_pages: u64,
        resume: Option<PageCursor>,
    ) -> Boxed<'_, WalkEnd> {
        let size = size.map(|size| NonZeroU64::new(size).expect("a page size above zero"));
        let ceiling = NonZeroU64::new(max_pages).expect("a ceiling above zero");
        let start = resume.unwrap_or(PageCursor::First);
        let mut stream = self.0.items(size, Some(ceiling), start);
        Box::pin(async move {
            let mut numbers = Vec::new();
            while let Some(item) = stream.next().await {
                match item {
                    Ok(number) => numbers.push(number),
                    Err(error) => {
                        let after = stream.next().await.map(|item| item.map(|_| ()));
                        assert!(
                            after.is_none(),
                            "the stream went on after {error}: {after:?}"
                        );
                        return (numbers, Some(error));
                    }
                }
            }
            (numbers, None)
        })
    }
}

/// What [`AnyClient::walk_to_end`] saw: the records yielded, in order, and the error that ended
/// the walk, if one did.
pub type WalkEnd = (Vec<u64>, Option<Error>);

/// The row of `provider` (whose feature must be enabled).
pub fn row(provider: Provider) -> Row {
    rows()
        .into_iter()
        .find(|row| row.provider == provider)
        .unwrap_or_else(|| panic!("no row for {provider}: is its feature enabled?"))
}

/// How many pages `pages` holds.
fn count<'a, T: Send + 'a>(
    pages: impl futures::Stream<Item = Result<T, Error>> + Send + 'a,
) -> Boxed<'a, Result<usize, Error>> {
    Box::pin(async move { pages.try_collect::<Vec<_>>().await.map(|pages| pages.len()) })
}

/// `request` with the page size, the ceiling and the start of a walk applied.
macro_rules! walk {
    ($request:expr, $size:expr, $ceiling:expr, $start:expr) => {{
        let mut request = $request;
        if let Some(size) = $size {
            request = request.page_size(size);
        }
        let mut walk = request.resume_from($start);
        if let Some(ceiling) = $ceiling {
            walk = walk.max_pages(ceiling);
        }
        walk
    }};
}

/// The key of the openai row: it must never show up in a `Debug` or `Display` of anything.
pub const OPENAI_KEY: &str = "sk-admin-SEKRIT-openai-4f8a";

/// `fn $name`: a row's `ConnectFn` for `$module`, `Client::from_config` or, with `http`,
/// `Client::from_config_with_http`.
macro_rules! connect_fn {
    ($name:ident, $module:ident) => {
        fn $name(
            config: $module::Config,
            http: Option<reqwest::Client>,
        ) -> Result<AnyClient, Error> {
            match http {
                None => $module::Client::from_config(config),
                Some(http) => $module::Client::from_config_with_http(config, http),
            }
            .map(AnyClient::new)
        }
    };
}

#[cfg(feature = "openai")]
connect_fn!(openai_connect, openai);

#[cfg(feature = "openai")]
impl Probe for openai::Client {
    fn base_url(&self) -> &str {
        self.base_url()
    }
    fn retry_policy(&self) -> &RetryPolicy {
        self.retry_policy()
    }
    fn call(&self) -> Boxed<'_, Result<usize, Error>> {
        Box::pin(async move {
            let page = self.usage_completions().start_time(0).fetch().await?;
            Ok(page.data.len())
        })
    }
    fn send(&self) -> Boxed<'_, Result<(), Error>> {
        Box::pin(async move {
            self.usage_completions().start_time(0).send().await?;
            Ok(())
        })
    }
    fn pages(&self) -> Boxed<'_, Result<usize, Error>> {
        count(self.usage_completions().start_time(0).pages())
    }
    fn cost_sources(&self) -> Vec<Box<dyn usage_bindings::cost::CostSource>> {
        vec![Box::new(openai::Costs::new(self.clone()))]
    }
    fn items(
        &self,
        size: Option<NonZeroU64>,
        ceiling: Option<NonZeroU64>,
        start: PageCursor,
    ) -> Numbers<'_> {
        walk!(self.usage_completions().start_time(0), size, ceiling, start)
            .items()
            .map_ok(|b| (b.start_time / 86_400) as u64)
            .boxed()
    }
    fn call_everything(&self) -> Boxed<'_, Vec<Result<(), Error>>> {
        let openai = self;
        Box::pin(async move {
            let t = 1_730_419_200;
            vec![
                openai
                    .usage_completions()
                    .start_time(t)
                    .fetch()
                    .await
                    .map(drop),
                openai
                    .usage_embeddings()
                    .start_time(t)
                    .fetch()
                    .await
                    .map(drop),
                openai
                    .usage_moderations()
                    .start_time(t)
                    .fetch()
                    .await
                    .map(drop),
                openai.usage_images().start_time(t).fetch().await.map(drop),
                openai
                    .usage_audio_speeches()
                    .start_time(t)
                    .fetch()
                    .await
                    .map(drop),
                openai
                    .usage_audio_transcriptions()
                    .start_time(t)
                    .fetch()
                    .await
                    .map(drop),
                openai
                    .usage_vector_stores()
                    .start_time(t)
                    .fetch()
                    .await
                    .map(drop),
                openai
                    .usage_code_interpreter_sessions()
                    .start_time(t)
                    .fetch()
                    .await
                    .map(drop),
                openai
                    .usage_file_search_calls()
                    .start_time(t)
                    .fetch()
                    .await
                    .map(drop),
                openai
                    .usage_web_search_calls()
                    .start_time(t)
                    .fetch()
                    .await
                    .map(drop),
                openai.usage_costs().start_time(t).fetch().await.map(drop),
            ]
        })
    }
}

/// The key of the northflank row: it must never show up in a `Debug` or `Display` of anything.
pub const NORTHFLANK_KEY: &str = "nf-SEKRIT-northflank-91c2";

#[cfg(feature = "northflank")]
connect_fn!(northflank_connect, northflank);

#[cfg(feature = "northflank")]
impl Probe for northflank::Client {
    fn base_url(&self) -> &str {
        self.base_url()
    }
    fn retry_policy(&self) -> &RetryPolicy {
        self.retry_policy()
    }
    fn call(&self) -> Boxed<'_, Result<usize, Error>> {
        Box::pin(async move {
            let page = self.list_usage().fetch().await?;
            Ok(page.data.usage.len())
        })
    }
    fn send(&self) -> Boxed<'_, Result<(), Error>> {
        Box::pin(async move {
            self.list_usage().send().await?;
            Ok(())
        })
    }
    fn pages(&self) -> Boxed<'_, Result<usize, Error>> {
        count(self.list_usage().pages())
    }
    fn cost_sources(&self) -> Vec<Box<dyn usage_bindings::cost::CostSource>> {
        vec![
            Box::new(northflank::Costs::new(self.clone())),
            Box::new(northflank::InvoiceCosts::new(self.clone())),
        ]
    }
    fn items(
        &self,
        size: Option<NonZeroU64>,
        ceiling: Option<NonZeroU64>,
        start: PageCursor,
    ) -> Numbers<'_> {
        walk!(self.list_usage(), size, ceiling, start)
            .items()
            .map_ok(|e| e.timestamp.expect("a timestamp") as u64)
            .boxed()
    }
    fn call_everything(&self) -> Boxed<'_, Vec<Result<(), Error>>> {
        let northflank = self;
        Box::pin(async move {
            vec![
                northflank.list_usage().fetch().await.map(drop),
                northflank
                    .list_team_usage()
                    .team("t")
                    .fetch()
                    .await
                    .map(drop),
                northflank
                    .get_usage()
                    .timestamp("1764068400")
                    .fetch()
                    .await
                    .map(drop),
                northflank
                    .get_team_usage()
                    .team("t")
                    .timestamp("1764068400")
                    .fetch()
                    .await
                    .map(drop),
                northflank.list_invoices().fetch().await.map(drop),
                northflank
                    .list_team_invoices()
                    .team("t")
                    .fetch()
                    .await
                    .map(drop),
                northflank
                    .get_invoice()
                    .invoice_id("i")
                    .fetch()
                    .await
                    .map(drop),
                northflank
                    .get_team_invoice()
                    .team("t")
                    .invoice_id("i")
                    .fetch()
                    .await
                    .map(drop),
                northflank.get_credit_balance().fetch().await.map(drop),
                northflank
                    .get_team_credit_balance()
                    .team("t")
                    .fetch()
                    .await
                    .map(drop),
            ]
        })
    }
}

/// The key of the phala row: it must never show up in a `Debug` or `Display` of anything.
pub const PHALA_KEY: &str = "phak_SEKRIT_phala_07de";

#[cfg(feature = "phala")]
connect_fn!(phala_connect, phala);

#[cfg(feature = "phala")]
impl Probe for phala::Client {
    fn base_url(&self) -> &str {
        self.base_url()
    }
    fn retry_policy(&self) -> &RetryPolicy {
        self.retry_policy()
    }
    fn call(&self) -> Boxed<'_, Result<usize, Error>> {
        Box::pin(async move {
            let page = self.get_app_usage().app_id(PHALA_APP).fetch().await?;
            Ok(page.usage.len())
        })
    }
    fn send(&self) -> Boxed<'_, Result<(), Error>> {
        Box::pin(async move {
            self.get_app_usage().app_id(PHALA_APP).send().await?;
            Ok(())
        })
    }
    fn pages(&self) -> Boxed<'_, Result<usize, Error>> {
        count(self.get_app_usage().app_id(PHALA_APP).pages())
    }
    fn cost_sources(&self) -> Vec<Box<dyn usage_bindings::cost::CostSource>> {
        vec![Box::new(phala::Costs::new(self.clone(), [PHALA_APP]))]
    }
    fn items(
        &self,
        size: Option<NonZeroU64>,
        ceiling: Option<NonZeroU64>,
        start: PageCursor,
    ) -> Numbers<'_> {
        walk!(self.get_app_usage().app_id(PHALA_APP), size, ceiling, start)
            .items()
            .map_ok(|r| {
                r.instance_id
                    .strip_prefix("inst-")
                    .and_then(|n| n.parse().ok())
                    .expect("an instance id inst-<n>")
            })
            .boxed()
    }
    fn call_everything(&self) -> Boxed<'_, Vec<Result<(), Error>>> {
        Box::pin(async move { vec![self.get_app_usage().app_id("a1").fetch().await.map(drop)] })
    }
}

/// The key of the anthropic row: it must never show up in a `Debug` or `Display` of anything.
pub const ANTHROPIC_KEY: &str = "sk-ant-admin01-SEKRIT-anthropic-5d3e";

#[cfg(feature = "anthropic")]
connect_fn!(anthropic_connect, anthropic);

#[cfg(feature = "anthropic")]
impl Probe for anthropic::Client {
    fn base_url(&self) -> &str {
        self.base_url()
    }
    fn retry_policy(&self) -> &RetryPolicy {
        self.retry_policy()
    }
    fn call(&self) -> Boxed<'_, Result<usize, Error>> {
        Box::pin(async move {
            let page = self
                .messages_usage_report()
                .starting_at(EPOCH)
                .fetch()
                .await?;
            Ok(page.data.len())
        })
    }
    fn send(&self) -> Boxed<'_, Result<(), Error>> {
        Box::pin(async move {
            self.messages_usage_report()
                .starting_at(EPOCH)
                .send()
                .await?;
            Ok(())
        })
    }
    fn pages(&self) -> Boxed<'_, Result<usize, Error>> {
        count(self.messages_usage_report().starting_at(EPOCH).pages())
    }
    fn cost_sources(&self) -> Vec<Box<dyn usage_bindings::cost::CostSource>> {
        vec![Box::new(anthropic::Costs::new(self.clone()))]
    }
    fn items(
        &self,
        size: Option<NonZeroU64>,
        ceiling: Option<NonZeroU64>,
        start: PageCursor,
    ) -> Numbers<'_> {
        walk!(
            self.messages_usage_report().starting_at(EPOCH),
            size,
            ceiling,
            start
        )
        .items()
        .map_ok(|b| (b.starting_at.timestamp() / 86_400) as u64)
        .boxed()
    }
    fn call_everything(&self) -> Boxed<'_, Vec<Result<(), Error>>> {
        let anthropic = self;
        Box::pin(async move {
            vec![
                anthropic
                    .messages_usage_report()
                    .starting_at(EPOCH)
                    .fetch()
                    .await
                    .map(drop),
                anthropic
                    .cost_report()
                    .starting_at(EPOCH)
                    .fetch()
                    .await
                    .map(drop),
                anthropic
                    .claude_code_usage_report()
                    .starting_at(EPOCH.date_naive())
                    .fetch()
                    .await
                    .map(drop),
            ]
        })
    }
}

/// The key of the openrouter row (a management key): it must never show up in a `Debug` or
/// `Display` of anything.
#[cfg(feature = "openrouter")]
pub const OPENROUTER_KEY: &str = "sk-or-v1-SEKRIT-openrouter-6b1f";

#[cfg(feature = "openrouter")]
connect_fn!(openrouter_connect, openrouter);

#[cfg(feature = "openrouter")]
impl Probe for openrouter::Client {
    fn base_url(&self) -> &str {
        self.base_url()
    }
    fn retry_policy(&self) -> &RetryPolicy {
        self.retry_policy()
    }
    fn call(&self) -> Boxed<'_, Result<usize, Error>> {
        Box::pin(async move {
            let page = self.list_api_keys().fetch().await?;
            Ok(page.data.len())
        })
    }
    fn send(&self) -> Boxed<'_, Result<(), Error>> {
        Box::pin(async move {
            self.list_api_keys().send().await?;
            Ok(())
        })
    }
    fn pages(&self) -> Boxed<'_, Result<usize, Error>> {
        count(self.list_api_keys().pages())
    }
    fn cost_sources(&self) -> Vec<Box<dyn usage_bindings::cost::CostSource>> {
        // The tests ask for windows of any date: the activity is as of the day after each.
        vec![Box::new(
            openrouter::Costs::new(self.clone()).today(openrouter::Today::WindowEnd),
        )]
    }
    fn items(
        &self,
        size: Option<NonZeroU64>,
        ceiling: Option<NonZeroU64>,
        start: PageCursor,
    ) -> Numbers<'_> {
        // A fixed-size list's `.page_size(n)` is the walk's (nothing to set on the request).
        let first = self.list_api_keys().resume_from(PageCursor::First);
        walk!(first, size, ceiling, start)
            .items()
            .map_ok(|key| {
                key.hash
                    .strip_prefix("key-")
                    .and_then(|n| n.parse().ok())
                    .expect("a key hash key-<n>")
            })
            .boxed()
    }
    fn call_everything(&self) -> Boxed<'_, Vec<Result<(), Error>>> {
        let openrouter = self;
        Box::pin(async move {
            vec![
                openrouter.get_user_activity().fetch().await.map(drop),
                openrouter.get_credits().fetch().await.map(drop),
                openrouter.get_current_key().fetch().await.map(drop),
                openrouter.list_api_keys().fetch().await.map(drop),
                openrouter
                    .get_generation()
                    .id("gen-1")
                    .fetch()
                    .await
                    .map(drop),
            ]
        })
    }
}
