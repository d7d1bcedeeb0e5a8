//! Anthropic's fuzz targets (feature `fuzzing`): what `usage_bindings::__fuzz` runs for it.

use super::types::{ClaudeCodeUsageReport, CostReport, ErrorResponse, MessagesUsageReport};
use super::Settings;
use crate::__fuzz::{
    body, error_status, models, round_trip, Body, Model, Property, ProviderTargets, Target,
    HOSTILE,
};

pub(crate) const FUZZ: ProviderTargets = ProviderTargets {
    targets: &[Target {
        name: "anthropic_responses",
        seeds: &["tests/fixtures/anthropic/*.json", HOSTILE],
        check: responses,
    }],
    error_status: error_status::<Settings>,
    bodies: BODIES,
    models: MODELS,
    properties: &[
        Property {
            model: "MessagesUsageReport",
            cases: 256,
        },
        Property {
            model: "CostReport",
            cases: 256,
        },
        Property {
            model: "ClaudeCodeUsageReport",
            cases: 256,
        },
        Property {
            model: "ErrorResponse",
            cases: 128,
        },
    ],
};

/// Anthropic's three report bodies and its error body, each in turn.
fn responses(data: &[u8]) {
    round_trip::<Settings, MessagesUsageReport>(data);
    round_trip::<Settings, CostReport>(data);
    round_trip::<Settings, ClaudeCodeUsageReport>(data);
    round_trip::<Settings, ErrorResponse>(data);
}

/// The fixture table: a fixture `tests/fixtures/anthropic/<prefix>.<case>.json` is a body
/// of its row's type and spec schema.
const BODIES: &[Body] = &[
    body!("messages_usage_report", MessagesUsageReport, "MessagesUsageReport"),
    body!("cost_report", CostReport, "CostReport"),
    body!("claude_code_usage_report", ClaudeCodeUsageReport, "ClaudeCodeUsageReport"),
    body!("error", ErrorResponse, "ErrorResponse"),
];

/// Every component schema of the spec, with its generated type.
const MODELS: &[Model] = models![super::types;
    "BucketWidth" => BucketWidth,
    "CostBucketWidth" => CostBucketWidth,
    "ServiceTier" => ServiceTier,
    "ContextWindow" => ContextWindow,
    "InferenceGeo" => InferenceGeo,
    "Speed" => Speed,
    "MessagesGroupBy" => MessagesGroupBy,
    "CostGroupBy" => CostGroupBy,
    "MessagesUsageReport" => MessagesUsageReport,
    "MessagesUsageBucket" => MessagesUsageBucket,
    "MessagesUsageResult" => MessagesUsageResult,
    "CacheCreation" => CacheCreation,
    "ServerToolUse" => ServerToolUse,
    "CostReport" => CostReport,
    "CostBucket" => CostBucket,
    "CostResult" => CostResult,
    "CentsAmount" => CentsAmount,
    "ClaudeCodeUsageReport" => ClaudeCodeUsageReport,
    "ClaudeCodeUsageRecord" => ClaudeCodeUsageRecord,
    "ClaudeCodeActor" => ClaudeCodeActor,
    "ClaudeCodeCoreMetrics" => ClaudeCodeCoreMetrics,
    "ClaudeCodeLinesOfCode" => ClaudeCodeLinesOfCode,
    "ClaudeCodeModelBreakdown" => ClaudeCodeModelBreakdown,
    "ClaudeCodeEstimatedCost" => ClaudeCodeEstimatedCost,
    "ClaudeCodeTokens" => ClaudeCodeTokens,
    "ClaudeCodeToolActions" => ClaudeCodeToolActions,
    "ClaudeCodeToolActionCounts" => ClaudeCodeToolActionCounts,
    "ErrorResponse" => ErrorResponse,
    "Error" => Error,
];
