//! What the cost view and the tools know of Northflank: its [`Descriptor`].

use super::{Client, Config, Costs, Settings};
use crate::config::{var, Env};
use crate::cost::{BillingAccount, Dimension, FocusFacts, ResourceRule, SkuRule};
use crate::money::AmountUnit;
use crate::provider::ProviderSpec;
use crate::registry::{Bucket, Descriptor, Freshness, EnvVar, FromEnv};
use crate::{Error, Provider};

/// The variable naming the organization billed on the org route (its usage names none).
const ORG_ID: &str = "NORTHFLANK_ORG_ID";
/// The variable naming the team of a team-scoped token: its usage is read on the team route.
const TEAM: &str = "NORTHFLANK_TEAM";
/// The variable choosing the unit amounts are read in: `currency` or `cents`.
pub(crate) const AMOUNT_UNIT: &str = "NORTHFLANK_AMOUNT_UNIT";

pub(crate) static DESCRIPTOR: Descriptor = Descriptor {
    provider: Provider::Northflank,
    key_env_var: Settings::KEY_ENV_VAR,
    base_url_env_var: Settings::BASE_URL_ENV_VAR,
    billing_account_env_var: Some(ORG_ID),
    freshness: Freshness {
        bucket: Bucket::Hour,
        reread_hours: 24,
        reason: "Northflank states no time after which an hour's usage is final: a day, the rule for hourly records",
        history_days: None,
    },
    env_vars: &[
        EnvVar {
            name: Settings::KEY_ENV_VAR,
            help: "an API token",
        },
        EnvVar {
            name: TEAM,
            help: "the team of a team-scoped token",
        },
        EnvVar {
            name: AMOUNT_UNIT,
            help: "currency (default) or cents: the unit amounts are read in",
        },
        EnvVar {
            name: ORG_ID,
            help: "the organization billed on the org route, which FOCUS needs on every row \
                   (a team route bills the team)",
        },
        EnvVar {
            name: Settings::BASE_URL_ENV_VAR,
            help: "another base URL (a proxy)",
        },
    ],
    sources_from_env,
    notice: Some(notice),
    focus: FocusFacts {
        name: "Northflank",
        service: "Northflank",
        services_by_part: &[("paas", "Northflank PaaS"), ("byoc", "Northflank BYOC")],
        service_category: "Compute",
        // PaaS and BYOC both run the services and jobs a customer deploys as containers (on
        // Northflank's clusters or on the customer's own cloud).
        service_subcategory: "Containers",
        // The organization on the org route, the team on a team route.
        billing_account_type: "Account",
        sub_account: Dimension::Team,
        sub_account_type: "Team",
        // Usage names resources and prices, no SKU.
        sku: SkuRule::NONE,
        resource: ResourceRule::Path(&[
            Dimension::Team,
            Dimension::Project,
            Dimension::ResourceType,
            Dimension::Resource,
        ]),
        account_hint: "org route usage names no account: set it with \
                       `northflank::Costs::billing_account`, or read a team route (usage-report \
                       reads NORTHFLANK_ORG_ID or NORTHFLANK_TEAM)",
        detail_columns: &[],
    },
    #[cfg(feature = "fuzzing")]
    fuzz: super::fuzz::FUZZ,
    #[cfg(feature = "demo")]
    demo: super::demo::DEMO,
};

/// `NORTHFLANK_AMOUNT_UNIT` as `env` holds it; currency units when unset.
pub(crate) fn amount_unit(env: Env<'_>) -> Result<AmountUnit, Error> {
    match var(env, AMOUNT_UNIT) {
        None => Ok(AmountUnit::default()),
        Some(value) => value.parse().map_err(|error| Error::InvalidConfig {
            provider: Provider::Northflank,
            message: format!("{AMOUNT_UNIT}: {error}"),
        }),
    }
}

/// Which unit amounts are read in, and how to change it: Northflank's documents disagree.
fn notice(env: Env<'_>) -> Result<Option<String>, Error> {
    Ok(Some(match amount_unit(env)? {
        AmountUnit::Cents => format!(
            "Northflank amounts read in cents ({AMOUNT_UNIT}=cents, its per-operation pages); \
             unset {AMOUNT_UNIT} to read them in currency units (its Billing API overview)"
        ),
        _ => format!(
            "Northflank amounts read in currency units (its Billing API overview); set \
             {AMOUNT_UNIT}=cents to read them in cents (its per-operation pages)"
        ),
    }))
}

/// The hourly usage of the org route, or of the team route of `NORTHFLANK_TEAM`, read in the
/// unit of `NORTHFLANK_AMOUNT_UNIT` and billed to `NORTHFLANK_ORG_ID` when set.
fn sources_from_env(env: Env<'_>) -> Result<FromEnv, Error> {
    if var(env, Settings::KEY_ENV_VAR).is_none() {
        return Ok(FromEnv::Missing {
            variable: Settings::KEY_ENV_VAR,
            help: "an API token",
        });
    }
    let config = Config::from_vars(env)?.with_amount_unit(amount_unit(env)?);
    let mut source = Costs::new(Client::from_config(config)?);
    source.team = var(env, TEAM);
    if let Some(org) = var(env, ORG_ID) {
        source = source.billing_account(BillingAccount::new(org));
    }
    Ok(FromEnv::Sources(vec![Box::new(source)]))
}
