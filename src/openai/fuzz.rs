//! OpenAI's fuzz targets (feature `fuzzing`): what `usage_bindings::__fuzz` runs for it.

use super::types;
use super::Settings;
use crate::__fuzz::{error_status, round_trip, ProviderTargets, Target, HOSTILE};

pub(crate) const FUZZ: ProviderTargets = ProviderTargets {
    targets: &[
        Target {
            name: "openai_usage_response",
            seeds: &["tests/fixtures/openai/usage_*.json", HOSTILE],
            check: round_trip::<Settings, types::UsageResponse>,
        },
        Target {
            name: "openai_error_response",
            seeds: &["tests/fixtures/openai/error.*.json", HOSTILE],
            check: round_trip::<Settings, types::ErrorResponse>,
        },
    ],
    bodies: &[],
    error_status: error_status::<Settings>,
};
