//! Phala Cloud's fuzz targets (feature `fuzzing`): what `usage_bindings::__fuzz` runs for it.

use super::types;
use super::Settings;
use crate::__fuzz::{
    body, error_status, models, round_trip, Body, Model, Property, ProviderTargets, Target,
    HOSTILE,
};

pub(crate) const FUZZ: ProviderTargets = ProviderTargets {
    targets: &[
        Target {
            name: "phala_app_usage_response",
            seeds: &["tests/fixtures/phala/get_*.json", HOSTILE],
            check: round_trip::<Settings, types::AppUsageResponse>,
        },
        Target {
            name: "phala_error_response",
            seeds: &["tests/fixtures/phala/error.*.json", HOSTILE],
            check: round_trip::<Settings, types::ErrorResponse>,
        },
    ],
    error_status: error_status::<Settings>,
    bodies: BODIES,
    models: MODELS,
    properties: &[
        Property {
            model: "AppUsageResponse",
            cases: 256,
        },
        Property {
            model: "ErrorResponse",
            cases: 256,
        },
    ],
};

/// The fixture table: a fixture `tests/fixtures/phala/<prefix>.<case>.json` is a body
/// of its row's type and spec schema.
const BODIES: &[Body] = {
    use super::types::{AppUsageResponse, ErrorResponse};
    &[
        body!("get_app_usage", AppUsageResponse, "AppUsageResponse"),
        body!("error", ErrorResponse, "ErrorResponse"),
    ]
};

/// Every component schema of the spec, with its generated type.
const MODELS: &[Model] = models![super::types;
    "AppUsageResponse" => AppUsageResponse,
    "MeteredUsageResponse" => MeteredUsageResponse,
    "ErrorResponse" => ErrorResponse,
    "StructuredError" => StructuredError,
    "StructuredErrorDetail" => StructuredErrorDetail,
    "ErrorLink" => ErrorLink,
    "DetailMessageError" => DetailMessageError,
    "DetailObjectError" => DetailObjectError,
    "HTTPValidationError" => HttpValidationError,
    "ValidationErrorBody" => ValidationErrorBody,
    "ValidationError" => ValidationError,
    "ValidationErrorLocation" => ValidationErrorLocation,
];
