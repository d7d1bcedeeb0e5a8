//! What the cost view and the tools know of OpenRouter: its [`Descriptor`].

use super::{Client, Config, Costs, Settings};
use crate::config::{var, Env};
use crate::cost::{BillingAccount, Dimension, FocusFacts, ResourceRule, SkuRule};
use crate::provider::ProviderSpec;
use crate::registry::{Bucket, Descriptor, Freshness, EnvVar, FromEnv};
use crate::{Error, Provider};

/// The variable naming the account billed (activity items name none).
const ACCOUNT_ID: &str = "OPENROUTER_ACCOUNT_ID";
/// The variable asking for the activity split per workspace (`1` or `true`).
const BY_WORKSPACE: &str = "OPENROUTER_BY_WORKSPACE";

pub(crate) static DESCRIPTOR: Descriptor = Descriptor {
    provider: Provider::OpenRouter,
    key_env_var: Settings::KEY_ENV_VAR,
    base_url_env_var: Settings::BASE_URL_ENV_VAR,
    billing_account_env_var: Some(ACCOUNT_ID),
    freshness: Freshness {
        bucket: Bucket::Day,
        reread_hours: 24,
        reason: "OpenRouter's day is final about 30 minutes after the next UTC midnight and the current day is never served: the last day served is read again",
        history_days: Some(super::costs::ACTIVITY_DAYS as u32),
    },
    env_vars: &[
        EnvVar {
            name: Settings::KEY_ENV_VAR,
            help: "a management key (sk-or-v1-..., openrouter.ai/settings/management-keys)",
        },
        EnvVar {
            name: Settings::BASE_URL_ENV_VAR,
            help: "another base URL (default https://openrouter.ai/api/v1)",
        },
        EnvVar {
            name: BY_WORKSPACE,
            help: "true: the activity split per workspace",
        },
        EnvVar {
            name: ACCOUNT_ID,
            help: "the account billed, which FOCUS needs on every row",
        },
    ],
    sources_from_env,
    notice: None,
    focus: FocusFacts {
        name: "OpenRouter",
        service: "OpenRouter",
        services_by_part: &[],
        service_category: "AI and Machine Learning",
        // It routes requests to generative models.
        service_subcategory: "Generative AI",
        billing_account_type: "Account",
        sub_account: Dimension::Workspace,
        sub_account_type: "Workspace",
        // Its activity is per model: the model is what was consumed, and what is metered.
        sku: SkuRule::new(&[Dimension::Model], &[Dimension::Model]),
        resource: ResourceRule::Resource,
        account_hint: "its activity names no account: set it with \
                       `openrouter::Costs::billing_account` (usage-report reads \
                       OPENROUTER_ACCOUNT_ID)",
        // The BYOK inference cost is billed by the upstream provider, not in `BilledCost`.
        detail_columns: &[
            ("provider_name", "x_ProviderName"),
            ("byok_usage_inference", "x_ByokUsageInference"),
        ],
    },
    #[cfg(feature = "fuzzing")]
    fuzz: super::fuzz::FUZZ,
    #[cfg(feature = "demo")]
    demo: super::demo::DEMO,
};

/// The activity of the account whose management key `env` holds, billed to
/// `OPENROUTER_ACCOUNT_ID`, split per workspace when `OPENROUTER_BY_WORKSPACE` says so.
fn sources_from_env(env: Env<'_>) -> Result<FromEnv, Error> {
    if var(env, Settings::KEY_ENV_VAR).is_none() {
        return Ok(FromEnv::Missing {
            variable: Settings::KEY_ENV_VAR,
            help: "a management key",
        });
    }
    let by_workspace = match var(env, BY_WORKSPACE).map(|v| v.trim().to_ascii_lowercase()) {
        None => false,
        Some(v) if v == "1" || v == "true" => true,
        Some(v) if v == "0" || v == "false" => false,
        Some(_) => {
            return Err(Error::InvalidConfig {
                provider: Provider::OpenRouter,
                message: format!("{BY_WORKSPACE} must be true or false"),
            })
        }
    };
    let mut source =
        Costs::new(Client::from_config(Config::from_vars(env)?)?).by_workspace(by_workspace);
    if let Some(account) = var(env, ACCOUNT_ID) {
        source = source.billing_account(BillingAccount::new(account));
    }
    Ok(FromEnv::Sources(vec![Box::new(source)]))
}
