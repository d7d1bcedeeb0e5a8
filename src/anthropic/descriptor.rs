//! What the cost view and the tools know of Anthropic: its [`Descriptor`].

use super::{Client, Config, Costs, Settings};
use crate::config::{var, Env};
use crate::cost::{BillingAccount, Dimension, FocusFacts, ResourceRule, SkuRule};
use crate::provider::ProviderSpec;
use crate::registry::{Bucket, Descriptor, Freshness, EnvVar, FromEnv};
use crate::{Error, Provider};

/// The variable naming the organization billed (Anthropic's cost results name none).
const ORG_ID: &str = "ANTHROPIC_ORG_ID";

pub(crate) static DESCRIPTOR: Descriptor = Descriptor {
    provider: Provider::Anthropic,
    key_env_var: Settings::KEY_ENV_VAR,
    base_url_env_var: Settings::BASE_URL_ENV_VAR,
    billing_account_env_var: Some(ORG_ID),
    freshness: Freshness {
        bucket: Bucket::Day,
        reread_hours: 48,
        reason: "Anthropic's cost data can arrive up to 24 hours late, and a daily bucket closes a day after it starts: two days",
        history_days: None,
    },
    env_vars: &[
        EnvVar {
            name: Settings::KEY_ENV_VAR,
            help: "an Admin API key (sk-ant-admin...)",
        },
        EnvVar {
            name: Settings::BASE_URL_ENV_VAR,
            help: "another base URL (a proxy)",
        },
        EnvVar {
            name: ORG_ID,
            help: "the organization billed, which FOCUS needs on every row",
        },
    ],
    sources_from_env,
    notice: None,
    focus: FocusFacts {
        name: "Anthropic",
        service: "Anthropic API",
        services_by_part: &[],
        service_category: "AI and Machine Learning",
        // Its API serves generative models (Claude).
        service_subcategory: "Generative AI",
        billing_account_type: "Organization",
        sub_account: Dimension::Workspace,
        sub_account_type: "Workspace",
        // The model, the cost type and the token type name what was consumed; the meter is the
        // token type, or the cost type of a charge that is no tokens (web search).
        sku: SkuRule::new(
            &[Dimension::Model, Dimension::CostType, Dimension::TokenType],
            &[Dimension::TokenType, Dimension::CostType],
        ),
        resource: ResourceRule::Resource,
        account_hint: "its cost results name no organization: set it with \
                       `anthropic::Costs::billing_account` (usage-report reads ANTHROPIC_ORG_ID)",
        detail_columns: &[
            ("service_tier", "x_ServiceTier"),
            ("context_window", "x_ContextWindow"),
        ],
    },
    #[cfg(feature = "fuzzing")]
    fuzz: super::fuzz::FUZZ,
    #[cfg(feature = "demo")]
    demo: super::demo::DEMO,
};

/// The cost report of the organization whose Admin key `env` holds, billed to
/// `ANTHROPIC_ORG_ID`.
fn sources_from_env(env: Env<'_>) -> Result<FromEnv, Error> {
    if var(env, Settings::KEY_ENV_VAR).is_none() {
        return Ok(FromEnv::Missing {
            variable: Settings::KEY_ENV_VAR,
            help: "an Admin API key",
        });
    }
    let mut source = Costs::new(Client::from_config(Config::from_vars(env)?)?);
    if let Some(org) = var(env, ORG_ID) {
        source = source.billing_account(BillingAccount::new(org));
    }
    Ok(FromEnv::Sources(vec![Box::new(source)]))
}
