//! What the cost view and the tools know of Phala Cloud: its [`Descriptor`].

use super::{Client, Config, Costs, Settings};
use crate::config::{var, Env};
use crate::cost::{Dimension, FocusFacts, ResourceRule, SkuRule};
use crate::provider::ProviderSpec;
use crate::registry::{Bucket, Descriptor, Freshness, EnvVar, FromEnv};
use crate::{Error, Provider};

/// The variable listing the apps to read (comma-separated ids): usage is read per app.
const APP_IDS: &str = "PHALA_APP_IDS";

pub(crate) static DESCRIPTOR: Descriptor = Descriptor {
    provider: Provider::Phala,
    key_env_var: Settings::KEY_ENV_VAR,
    base_url_env_var: Settings::BASE_URL_ENV_VAR,
    billing_account_env_var: None,
    freshness: Freshness {
        bucket: Bucket::Hour,
        reread_hours: 24,
        reason: "Phala Cloud states no time after which an hour's usage is final: a day, the rule for hourly records",
        history_days: None,
    },
    env_vars: &[
        EnvVar {
            name: Settings::KEY_ENV_VAR,
            help: "an API key (phak_...)",
        },
        EnvVar {
            name: APP_IDS,
            help: "the apps to read, comma-separated ids",
        },
        EnvVar {
            name: Settings::BASE_URL_ENV_VAR,
            help: "another base URL (a proxy)",
        },
    ],
    sources_from_env,
    notice: None,
    focus: FocusFacts {
        name: "Phala",
        service: "Phala Cloud",
        services_by_part: &[],
        service_category: "Compute",
        // Its CVMs are confidential virtual machines.
        service_subcategory: "Virtual Machines",
        billing_account_type: "Team",
        sub_account: Dimension::App,
        sub_account_type: "App",
        // Usage names a usage type (compute, storage, gpu) of an instance, not a SKU.
        sku: SkuRule::NONE,
        // Phala's instances are CVMs (its spec: "the UUID of the CVM instance").
        resource: ResourceRule::Instance("CVM"),
        account_hint: "Phala usage records carry their team: build the records with \
                       `phala::Costs` or `phala::cost_records`",
        detail_columns: &[("event_type", "x_EventType"), ("billing_key", "x_BillingKey")],
    },
    #[cfg(feature = "fuzzing")]
    fuzz: super::fuzz::FUZZ,
    #[cfg(feature = "demo")]
    demo: super::demo::DEMO,
};

/// The usage of the apps `PHALA_APP_IDS` names, with the key `env` holds.
fn sources_from_env(env: Env<'_>) -> Result<FromEnv, Error> {
    if var(env, Settings::KEY_ENV_VAR).is_none() {
        return Ok(FromEnv::Missing {
            variable: Settings::KEY_ENV_VAR,
            help: "an API key",
        });
    }
    let Some(apps) = var(env, APP_IDS) else {
        return Ok(FromEnv::Missing {
            variable: APP_IDS,
            help: "comma-separated app ids",
        });
    };
    let client = Client::from_config(Config::from_vars(env)?)?;
    let apps = apps.split(',').map(str::trim).filter(|app| !app.is_empty());
    Ok(FromEnv::Sources(vec![Box::new(Costs::new(client, apps))]))
}
