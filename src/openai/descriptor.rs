//! What the cost view and the tools know of OpenAI: its [`Descriptor`].

use super::{Client, Config, Costs, Settings};
use crate::config::{var, Env};
use crate::cost::{BillingAccount, Dimension, FocusFacts, ResourceRule, SkuRule};
use crate::provider::ProviderSpec;
use crate::registry::{Bucket, Descriptor, Freshness, EnvVar, FromEnv};
use crate::{Error, Provider};

/// The variable naming the organization billed (OpenAI's cost results name none).
const ORG_ID: &str = "OPENAI_ORG_ID";

pub(crate) static DESCRIPTOR: Descriptor = Descriptor {
    provider: Provider::OpenAi,
    key_env_var: Settings::KEY_ENV_VAR,
    base_url_env_var: Settings::BASE_URL_ENV_VAR,
    billing_account_env_var: Some(ORG_ID),
    freshness: Freshness {
        bucket: Bucket::Day,
        reread_hours: 48,
        reason: "OpenAI states no time after which a day's costs are final: two days, the rule for daily buckets",
        history_days: None,
    },
    env_vars: &[
        EnvVar {
            name: Settings::KEY_ENV_VAR,
            help: "an Admin API key (sk-admin-...)",
        },
        EnvVar {
            name: Settings::BASE_URL_ENV_VAR,
            help: "another base URL (a proxy)",
        },
        EnvVar {
            name: ORG_ID,
            help: "the organization billed (org-...), which FOCUS needs on every row",
        },
    ],
    sources_from_env,
    notice: None,
    focus: FocusFacts {
        name: "OpenAI",
        service: "OpenAI API",
        services_by_part: &[],
        service_category: "AI and Machine Learning",
        // Its API serves generative models (text, images, audio, embeddings).
        service_subcategory: "Generative AI",
        billing_account_type: "Organization",
        sub_account: Dimension::Project,
        sub_account_type: "Project",
        // A line item names the model and what of it was used (`gpt-4o, input`).
        sku: SkuRule::new(&[Dimension::LineItem], &[Dimension::LineItem]),
        resource: ResourceRule::Resource,
        account_hint: "its cost results name no organization: set it with \
                       `openai::Costs::billing_account` (usage-report reads OPENAI_ORG_ID)",
        detail_columns: &[],
    },
    #[cfg(feature = "fuzzing")]
    fuzz: super::fuzz::FUZZ,
    #[cfg(feature = "demo")]
    demo: super::demo::DEMO,
};

/// The costs of the organization whose Admin key `env` holds, billed to `OPENAI_ORG_ID`.
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
