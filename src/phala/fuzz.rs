//! Phala Cloud's fuzz targets (feature `fuzzing`): what `usage_bindings::__fuzz` runs for it.

use super::types;
use super::Settings;
use crate::__fuzz::{error_status, round_trip, ProviderTargets, Target, HOSTILE};

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
    bodies: &[],
    error_status: error_status::<Settings>,
};
