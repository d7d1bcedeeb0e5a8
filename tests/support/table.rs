//! The provider table: one [`Row`] per enabled provider, carrying what the provider-generic
//! tests need. A provider-generic test iterates [`rows`]. Adding a provider is adding, in this
//! file only, its row, its variant of [`AnyConfig`] and [`AnyClient`] (and of the `each!` and
//! `map!` macros), its `Connect` impl and its arms of [`AnyClient::call`],
//! [`AnyClient::walk`], [`AnyClient::walk_to_end`] and [`AnyClient::call_everything`]; every
//! row-driven test then covers it.

use std::future::Future;
use std::num::NonZeroU64;
use std::pin::Pin;
use std::time::Duration;

use futures::{StreamExt, TryStreamExt};
use serde_json::Value;
use usage_bindings::paging::PageCursor;
use usage_bindings::{Error, Provider, RetryPolicy};
use wiremock::MockServer;

#[cfg(feature = "anthropic")]
use usage_bindings::anthropic;
#[cfg(feature = "northflank")]
use usage_bindings::northflank;
#[cfg(feature = "openai")]
use usage_bindings::openai;
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
}

/// What the provider-generic tests know of one provider.
pub struct Row {
    pub provider: Provider,
    /// The key every client of this row is built with (one of [`KEYS`]).
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
            config: |key| AnyConfig::OpenAi(openai::Config::new(key)),
            config_from_env: || openai::Config::from_env().map(AnyConfig::OpenAi),
            client_from_env: || openai::Client::from_env().map(AnyClient::OpenAi),
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
            config: |key| AnyConfig::Northflank(northflank::Config::new(key)),
            config_from_env: || northflank::Config::from_env().map(AnyConfig::Northflank),
            client_from_env: || northflank::Client::from_env().map(AnyClient::Northflank),
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
            config: |key| AnyConfig::Phala(phala::Config::new(key)),
            config_from_env: || phala::Config::from_env().map(AnyConfig::Phala),
            client_from_env: || phala::Client::from_env().map(AnyClient::Phala),
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
            config: |key| AnyConfig::Anthropic(anthropic::Config::new(key)),
            config_from_env: || anthropic::Config::from_env().map(AnyConfig::Anthropic),
            client_from_env: || anthropic::Client::from_env().map(AnyClient::Anthropic),
        },
    ]
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

    /// The value the row's key header carries, as `(header, value)`.
    pub fn key_header(&self) -> (&'static str, String) {
        match self.auth {
            Auth::Bearer => ("authorization", format!("Bearer {}", self.key)),
            Auth::Header(name) => (name, self.key.to_string()),
        }
    }
}

/// Applies `$body` to whichever provider's value `$value` holds.
macro_rules! each {
    ($value:expr, $enum:ident, $bind:ident => $body:expr) => {
        match $value {
            #[cfg(feature = "openai")]
            $enum::OpenAi($bind) => $body,
            #[cfg(feature = "northflank")]
            $enum::Northflank($bind) => $body,
            #[cfg(feature = "phala")]
            $enum::Phala($bind) => $body,
            #[cfg(feature = "anthropic")]
            $enum::Anthropic($bind) => $body,
        }
    };
}

/// Maps whichever provider's value `$value` holds into the same variant of `$out`.
macro_rules! map {
    ($value:expr, $enum:ident => $out:ident, $bind:ident => $body:expr) => {
        match $value {
            #[cfg(feature = "openai")]
            $enum::OpenAi($bind) => $out::OpenAi($body),
            #[cfg(feature = "northflank")]
            $enum::Northflank($bind) => $out::Northflank($body),
            #[cfg(feature = "phala")]
            $enum::Phala($bind) => $out::Phala($body),
            #[cfg(feature = "anthropic")]
            $enum::Anthropic($bind) => $out::Anthropic($body),
        }
    };
}

/// One provider's `Config`.
#[derive(Clone, Debug)]
pub enum AnyConfig {
    #[cfg(feature = "openai")]
    OpenAi(openai::Config),
    #[cfg(feature = "northflank")]
    Northflank(northflank::Config),
    #[cfg(feature = "phala")]
    Phala(phala::Config),
    #[cfg(feature = "anthropic")]
    Anthropic(anthropic::Config),
}

impl AnyConfig {
    pub fn with_base_url(self, url: impl Into<String>) -> Self {
        let url = url.into();
        map!(self, AnyConfig => AnyConfig, c => c.with_base_url(url))
    }

    pub fn with_retry(self, retry: RetryPolicy) -> Self {
        map!(self, AnyConfig => AnyConfig, c => c.with_retry(retry))
    }

    pub fn with_timeout(self, timeout: Duration) -> Self {
        map!(self, AnyConfig => AnyConfig, c => c.with_timeout(timeout))
    }

    pub fn with_user_agent(self, agent: &str) -> Self {
        map!(self, AnyConfig => AnyConfig, c => c.with_user_agent(agent))
    }

    pub fn base_url(&self) -> &str {
        each!(self, AnyConfig, c => c.base_url())
    }

    pub fn retry(&self) -> &RetryPolicy {
        each!(self, AnyConfig, c => c.retry())
    }

    pub fn timeout(&self) -> Duration {
        each!(self, AnyConfig, c => c.timeout())
    }

    pub fn user_agent(&self) -> &str {
        each!(self, AnyConfig, c => c.user_agent())
    }

    /// `Client::from_config`.
    pub fn connect(self) -> Result<AnyClient, Error> {
        each!(self, AnyConfig, c => c.connect_as())
    }

    /// `Client::from_config_with_http`.
    pub fn connect_with_http(self, http: reqwest::Client) -> Result<AnyClient, Error> {
        match self {
            #[cfg(feature = "openai")]
            AnyConfig::OpenAi(c) => {
                openai::Client::from_config_with_http(c, http).map(AnyClient::OpenAi)
            }
            #[cfg(feature = "northflank")]
            AnyConfig::Northflank(c) => {
                northflank::Client::from_config_with_http(c, http).map(AnyClient::Northflank)
            }
            #[cfg(feature = "phala")]
            AnyConfig::Phala(c) => {
                phala::Client::from_config_with_http(c, http).map(AnyClient::Phala)
            }
            #[cfg(feature = "anthropic")]
            AnyConfig::Anthropic(c) => {
                anthropic::Client::from_config_with_http(c, http).map(AnyClient::Anthropic)
            }
        }
    }
}

/// `Client::from_config` for each provider's `Config`.
trait Connect {
    fn connect_as(self) -> Result<AnyClient, Error>;
}

#[cfg(feature = "openai")]
impl Connect for openai::Config {
    fn connect_as(self) -> Result<AnyClient, Error> {
        openai::Client::from_config(self).map(AnyClient::OpenAi)
    }
}

#[cfg(feature = "northflank")]
impl Connect for northflank::Config {
    fn connect_as(self) -> Result<AnyClient, Error> {
        northflank::Client::from_config(self).map(AnyClient::Northflank)
    }
}

#[cfg(feature = "phala")]
impl Connect for phala::Config {
    fn connect_as(self) -> Result<AnyClient, Error> {
        phala::Client::from_config(self).map(AnyClient::Phala)
    }
}

#[cfg(feature = "anthropic")]
impl Connect for anthropic::Config {
    fn connect_as(self) -> Result<AnyClient, Error> {
        anthropic::Client::from_config(self).map(AnyClient::Anthropic)
    }
}

/// One provider's `Client`.
#[derive(Clone, Debug)]
pub enum AnyClient {
    #[cfg(feature = "openai")]
    OpenAi(openai::Client),
    #[cfg(feature = "northflank")]
    Northflank(northflank::Client),
    #[cfg(feature = "phala")]
    Phala(phala::Client),
    #[cfg(feature = "anthropic")]
    Anthropic(anthropic::Client),
}

type Boxed<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

impl AnyClient {
    pub fn base_url(&self) -> &str {
        each!(self, AnyClient, c => c.base_url())
    }

    pub fn retry_policy(&self) -> &RetryPolicy {
        each!(self, AnyClient, c => c.retry_policy())
    }

    /// The row's simple operation (at [`Row::path`]) with `.fetch()`: how many records it got.
    pub fn call(&self) -> Boxed<'_, Result<usize, Error>> {
        match self {
            #[cfg(feature = "openai")]
            AnyClient::OpenAi(c) => Box::pin(async move {
                let page = c.usage_completions().start_time(0).fetch().await?;
                Ok(page.data.len())
            }),
            #[cfg(feature = "northflank")]
            AnyClient::Northflank(c) => Box::pin(async move {
                let page = c.list_usage().fetch().await?;
                Ok(page.data.usage.len())
            }),
            #[cfg(feature = "phala")]
            AnyClient::Phala(c) => Box::pin(async move {
                let page = c.get_app_usage().app_id(PHALA_APP).fetch().await?;
                Ok(page.usage.len())
            }),
            #[cfg(feature = "anthropic")]
            AnyClient::Anthropic(c) => Box::pin(async move {
                let page = c.messages_usage_report().starting_at(EPOCH).fetch().await?;
                Ok(page.data.len())
            }),
        }
    }

    /// The row's simple operation with `?` on `.send()`: the `From` conversion of its error.
    pub fn send(&self) -> Boxed<'_, Result<(), Error>> {
        match self {
            #[cfg(feature = "openai")]
            AnyClient::OpenAi(c) => Box::pin(async move {
                c.usage_completions().start_time(0).send().await?;
                Ok(())
            }),
            #[cfg(feature = "northflank")]
            AnyClient::Northflank(c) => Box::pin(async move {
                c.list_usage().send().await?;
                Ok(())
            }),
            #[cfg(feature = "phala")]
            AnyClient::Phala(c) => Box::pin(async move {
                c.get_app_usage().app_id(PHALA_APP).send().await?;
                Ok(())
            }),
            #[cfg(feature = "anthropic")]
            AnyClient::Anthropic(c) => Box::pin(async move {
                c.messages_usage_report().starting_at(EPOCH).send().await?;
                Ok(())
            }),
        }
    }

    /// A walk of the row's simple operation with `.pages()`: how many pages it read.
    pub fn pages(&self) -> Boxed<'_, Result<usize, Error>> {
        fn count<'a, T: Send + 'a>(
            pages: impl futures::Stream<Item = Result<T, Error>> + Send + 'a,
        ) -> Boxed<'a, Result<usize, Error>> {
            Box::pin(async move { pages.try_collect::<Vec<_>>().await.map(|pages| pages.len()) })
        }
        match self {
            #[cfg(feature = "openai")]
            AnyClient::OpenAi(c) => count(c.usage_completions().start_time(0).pages()),
            #[cfg(feature = "northflank")]
            AnyClient::Northflank(c) => count(c.list_usage().pages()),
            #[cfg(feature = "phala")]
            AnyClient::Phala(c) => count(c.get_app_usage().app_id(PHALA_APP).pages()),
            #[cfg(feature = "anthropic")]
            AnyClient::Anthropic(c) => count(c.messages_usage_report().starting_at(EPOCH).pages()),
        }
    }

    /// Every `CostSource` of the provider, reading with this client.
    pub fn cost_sources(&self) -> Vec<Box<dyn usage_bindings::cost::CostSource>> {
        match self {
            #[cfg(feature = "openai")]
            AnyClient::OpenAi(c) => vec![Box::new(openai::Costs::new(c.clone()))],
            #[cfg(feature = "northflank")]
            AnyClient::Northflank(c) => vec![
                Box::new(northflank::Costs::new(c.clone())),
                Box::new(northflank::InvoiceCosts::new(c.clone())),
            ],
            #[cfg(feature = "phala")]
            AnyClient::Phala(c) => vec![Box::new(phala::Costs::new(c.clone(), [PHALA_APP]))],
            #[cfg(feature = "anthropic")]
            AnyClient::Anthropic(c) => vec![Box::new(anthropic::Costs::new(c.clone()))],
        }
    }

    /// A walk of the row's simple operation with `.page_size(size)` (when given) and `.items()`, stopped after
    /// `take` items when given: the number of each record, in order (an OpenAI bucket's start
    /// day, a Northflank entry's timestamp, a Phala record's `inst-<n>`).
    pub fn walk(
        &self,
        size: Option<u64>,
        take: Option<usize>,
        resume: Option<PageCursor>,
    ) -> Boxed<'_, Result<Vec<u64>, Error>> {
        let size = size.map(|size| NonZeroU64::new(size).expect("a page size above zero"));
        let take = take.unwrap_or(usize::MAX);
        let start = resume.unwrap_or(PageCursor::First);
        match self {
            #[cfg(feature = "openai")]
            AnyClient::OpenAi(c) => Box::pin(async move {
                let mut request = c.usage_completions().start_time(0);
                if let Some(size) = size {
                    request = request.page_size(size);
                }
                let walk = request.resume_from(start);
                let items: Vec<_> = walk.items().take(take).try_collect().await?;
                Ok(items
                    .iter()
                    .map(|b| (b.start_time / 86_400) as u64)
                    .collect())
            }),
            #[cfg(feature = "northflank")]
            AnyClient::Northflank(c) => Box::pin(async move {
                let mut request = c.list_usage();
                if let Some(size) = size {
                    request = request.page_size(size);
                }
                let walk = request.resume_from(start);
                let items: Vec<_> = walk.items().take(take).try_collect().await?;
                Ok(items
                    .iter()
                    .map(|e| e.timestamp.expect("a timestamp") as u64)
                    .collect())
            }),
            #[cfg(feature = "phala")]
            AnyClient::Phala(c) => Box::pin(async move {
                let mut request = c.get_app_usage().app_id(PHALA_APP);
                if let Some(size) = size {
                    request = request.page_size(size);
                }
                let walk = request.resume_from(start);
                let items: Vec<_> = walk.items().take(take).try_collect().await?;
                Ok(items
                    .iter()
                    .map(|r| {
                        r.instance_id
                            .strip_prefix("inst-")
                            .and_then(|n| n.parse().ok())
                            .expect("an instance id inst-<n>")
                    })
                    .collect())
            }),
            #[cfg(feature = "anthropic")]
            AnyClient::Anthropic(c) => Box::pin(async move {
                let mut request = c.messages_usage_report().starting_at(EPOCH);
                if let Some(size) = size {
                    request = request.page_size(size);
                }
                let walk = request.resume_from(start);
                let items: Vec<_> = walk.items().take(take).try_collect().await?;
                Ok(items
                    .iter()
                    .map(|b| (b.starting_at.timestamp() / 86_400) as u64)
                    .collect())
            }),
        }
    }

    /// Every operation of the provider, each with `.fetch()` and the fewest parameters it needs.
    pub fn call_everything(&self) -> Boxed<'_, Vec<Result<(), Error>>> {
        match self {
            #[cfg(feature = "openai")]
            AnyClient::OpenAi(openai) => Box::pin(async move {
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
            }),
            #[cfg(feature = "northflank")]
            AnyClient::Northflank(northflank) => Box::pin(async move {
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
            }),
            #[cfg(feature = "phala")]
            AnyClient::Phala(phala) => {
                Box::pin(
                    async move { vec![phala.get_app_usage().app_id("a1").fetch().await.map(drop)] },
                )
            }
            #[cfg(feature = "anthropic")]
            AnyClient::Anthropic(anthropic) => Box::pin(async move {
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
            }),
        }
    }
}

/// The row of `provider` (whose feature must be enabled).
pub fn row(provider: Provider) -> Row {
    rows()
        .into_iter()
        .find(|row| row.provider == provider)
        .unwrap_or_else(|| panic!("no row for {provider}: is its feature enabled?"))
}

/// What [`AnyClient::walk_to_end`] saw: the records yielded, in order, and the error that ended
/// the walk, if one did.
pub type WalkEnd = (Vec<u64>, Option<Error>);

impl AnyClient {
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
        /// Every item of `stream` until its end or its error, which must end it.
        async fn drain<T>(
            stream: impl futures::Stream<Item = Result<T, Error>> + Unpin,
            number: impl Fn(&T) -> u64,
        ) -> WalkEnd {
            let mut stream = stream;
            let mut numbers = Vec::new();
            while let Some(item) = stream.next().await {
                match item {
                    Ok(item) => numbers.push(number(&item)),
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
        }
        let size = size.map(|size| NonZeroU64::new(size).expect("a page size above zero"));
        let ceiling = NonZeroU64::new(max_pages).expect("a ceiling above zero");
        let start = resume.unwrap_or(PageCursor::First);
        match self {
            #[cfg(feature = "openai")]
            AnyClient::OpenAi(c) => Box::pin(async move {
                let mut request = c.usage_completions().start_time(0);
                if let Some(size) = size {
                    request = request.page_size(size);
                }
                let walk = request.max_pages(ceiling).resume_from(start);
                drain(walk.items(), |b| (b.start_time / 86_400) as u64).await
            }),
            #[cfg(feature = "northflank")]
            AnyClient::Northflank(c) => Box::pin(async move {
                let mut request = c.list_usage();
                if let Some(size) = size {
                    request = request.page_size(size);
                }
                let walk = request.max_pages(ceiling).resume_from(start);
                drain(walk.items(), |e| e.timestamp.expect("a timestamp") as u64).await
            }),
            #[cfg(feature = "phala")]
            AnyClient::Phala(c) => Box::pin(async move {
                let mut request = c.get_app_usage().app_id(PHALA_APP);
                if let Some(size) = size {
                    request = request.page_size(size);
                }
                let walk = request.max_pages(ceiling).resume_from(start);
                drain(walk.items(), |r| {
                    r.instance_id
                        .strip_prefix("inst-")
                        .and_then(|n| n.parse().ok())
                        .expect("an instance id inst-<n>")
                })
                .await
            }),
            #[cfg(feature = "anthropic")]
            AnyClient::Anthropic(c) => Box::pin(async move {
                let mut request = c.messages_usage_report().starting_at(EPOCH);
                if let Some(size) = size {
                    request = request.page_size(size);
                }
                let walk = request.max_pages(ceiling).resume_from(start);
                drain(walk.items(), |b| {
                    (b.starting_at.timestamp() / 86_400) as u64
                })
                .await
            }),
        }
    }
}
