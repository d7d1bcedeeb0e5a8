//! Anthropic's fuzz targets (feature `fuzzing`): what `usage_bindings::__fuzz` runs for it.

use super::types::{ClaudeCodeUsageReport, CostReport, ErrorResponse, MessagesUsageReport};
use super::Settings;
use crate::__fuzz::{error_status, round_trip, ProviderTargets, Target, HOSTILE};

pub(crate) const FUZZ: ProviderTargets = ProviderTargets {
    targets: &[Target {
        name: "anthropic_responses",
        seeds: &["tests/fixtures/anthropic/*.json", HOSTILE],
        check: responses,
    }],
    bodies: &[],
    error_status: error_status::<Settings>,
};

/// Anthropic's three report bodies and its error body, each in turn.
fn responses(data: &[u8]) {
    round_trip::<Settings, MessagesUsageReport>(data);
    round_trip::<Settings, CostReport>(data);
    round_trip::<Settings, ClaudeCodeUsageReport>(data);
    round_trip::<Settings, ErrorResponse>(data);
}
