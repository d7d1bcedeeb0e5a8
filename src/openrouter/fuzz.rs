//! OpenRouter's fuzz checks (feature `fuzzing`): no target with a binary of its own; its fixture
//! table ([`BODIES`]: the five operations' bodies and the error body) runs under the shared
//! target `provider_bodies`, and its error envelope under `error_envelopes`.

use super::Settings;
use crate::__fuzz::{body, error_status, models, Body, Model, Property, ProviderTargets};

pub(crate) const FUZZ: ProviderTargets = ProviderTargets {
    targets: &[],
    error_status: error_status::<Settings>,
    bodies: BODIES,
    models: MODELS,
    properties: &[
        Property {
            model: "ActivityResponse",
            cases: 256,
        },
        Property {
            model: "CreditsResponse",
            cases: 128,
        },
        Property {
            model: "CurrentKeyResponse",
            cases: 128,
        },
        Property {
            model: "ApiKeysResponse",
            cases: 256,
        },
        Property {
            model: "GenerationResponse",
            cases: 128,
        },
        Property {
            model: "ErrorResponse",
            cases: 128,
        },
    ],
};

/// The fixture table: a fixture `tests/fixtures/openrouter/<prefix>.<case>.json` is a body of
/// its row's type and spec schema.
const BODIES: &[Body] = {
    use super::types::{
        ActivityResponse, ApiKeysResponse, CreditsResponse, CurrentKeyResponse, ErrorResponse,
        GenerationResponse,
    };
    &[
        body!("get_user_activity", ActivityResponse, "ActivityResponse"),
        body!("get_credits", CreditsResponse, "CreditsResponse"),
        body!("get_current_key", CurrentKeyResponse, "CurrentKeyResponse"),
        body!("list_api_keys", ApiKeysResponse, "ApiKeysResponse"),
        body!("get_generation", GenerationResponse, "GenerationResponse"),
        body!("error", ErrorResponse, "ErrorResponse"),
    ]
};

/// Every component schema of the spec, with its generated type.
const MODELS: &[Model] = models![super::types;
    "ActivityGroupBy" => ActivityGroupBy,
    "ActivityResponse" => ActivityResponse,
    "ActivityItem" => ActivityItem,
    "CreditsResponse" => CreditsResponse,
    "Credits" => Credits,
    "CurrentKeyResponse" => CurrentKeyResponse,
    "CurrentKey" => CurrentKey,
    "LegacyRateLimit" => LegacyRateLimit,
    "ApiKeysResponse" => ApiKeysResponse,
    "ApiKey" => ApiKey,
    "GenerationResponse" => GenerationResponse,
    "Generation" => Generation,
    "ProviderResponse" => ProviderResponse,
    "ErrorResponse" => ErrorResponse,
    "ErrorData" => ErrorData,
];
