//! OpenAI's fuzz targets (feature `fuzzing`): what `usage_bindings::__fuzz` runs for it.

use super::types;
use super::Settings;
use crate::__fuzz::{
    body, error_status, models, round_trip, Body, Model, Property, ProviderTargets, Target,
    HOSTILE,
};

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
    error_status: error_status::<Settings>,
    bodies: BODIES,
    models: MODELS,
    properties: &[
        Property {
            model: "UsageResponse",
            cases: 256,
        },
        Property {
            model: "UsageResult",
            cases: 512,
        },
        Property {
            model: "CostsResult",
            cases: 256,
        },
        Property {
            model: "UnknownUsageResult",
            cases: 128,
        },
        Property {
            model: "ErrorResponse",
            cases: 128,
        },
    ],
};

/// The fixture table: a fixture `tests/fixtures/openai/<prefix>.<case>.json` is a body
/// of its row's type and spec schema.
const BODIES: &[Body] = {
    use super::types::{ErrorResponse, UsageResponse, UsageResult, UsageTimeBucket};
    &[
        body!("usage_completions", UsageResponse, "UsageResponse"),
        body!("usage_embeddings", UsageResponse, "UsageResponse"),
        body!("usage_moderations", UsageResponse, "UsageResponse"),
        body!("usage_images", UsageResponse, "UsageResponse"),
        body!("usage_audio_speeches", UsageResponse, "UsageResponse"),
        body!("usage_audio_transcriptions", UsageResponse, "UsageResponse"),
        body!("usage_vector_stores", UsageResponse, "UsageResponse"),
        body!("usage_code_interpreter_sessions", UsageResponse, "UsageResponse"),
        body!("usage_file_search_calls", UsageResponse, "UsageResponse"),
        body!("usage_web_search_calls", UsageResponse, "UsageResponse"),
        body!("usage_costs", UsageResponse, "UsageResponse"),
        body!("error", ErrorResponse, "ErrorResponse"),
        body!(part "result", UsageResult, "UsageResult"),
        body!(part "buckets", Vec<UsageTimeBucket>, "UsageTimeBucket[]"),
    ]
};

/// Every component schema of the spec, with its generated type.
const MODELS: &[Model] = models![super::types;
    "BucketWidth" => BucketWidth,
    "CostsBucketWidth" => CostsBucketWidth,
    "UsageCompletionsGroupBy" => UsageCompletionsGroupBy,
    "UsageEmbeddingsGroupBy" => UsageEmbeddingsGroupBy,
    "UsageModerationsGroupBy" => UsageModerationsGroupBy,
    "UsageImagesGroupBy" => UsageImagesGroupBy,
    "UsageImagesSource" => UsageImagesSource,
    "UsageImagesSize" => UsageImagesSize,
    "UsageAudioSpeechesGroupBy" => UsageAudioSpeechesGroupBy,
    "UsageAudioTranscriptionsGroupBy" => UsageAudioTranscriptionsGroupBy,
    "UsageVectorStoresGroupBy" => UsageVectorStoresGroupBy,
    "UsageCodeInterpreterSessionsGroupBy" => UsageCodeInterpreterSessionsGroupBy,
    "UsageFileSearchCallsGroupBy" => UsageFileSearchCallsGroupBy,
    "UsageWebSearchCallsGroupBy" => UsageWebSearchCallsGroupBy,
    "UsageWebSearchCallsContextLevel" => UsageWebSearchCallsContextLevel,
    "CostsGroupBy" => CostsGroupBy,
    "UsageResponse" => UsageResponse,
    "UsageTimeBucket" => UsageTimeBucket,
    "UsageResult" => UsageResult,
    "UnknownUsageResult" => UnknownUsageResult,
    "UsageCompletionsResult" => UsageCompletionsResult,
    "UsageEmbeddingsResult" => UsageEmbeddingsResult,
    "UsageModerationsResult" => UsageModerationsResult,
    "UsageImagesResult" => UsageImagesResult,
    "UsageAudioSpeechesResult" => UsageAudioSpeechesResult,
    "UsageAudioTranscriptionsResult" => UsageAudioTranscriptionsResult,
    "UsageVectorStoresResult" => UsageVectorStoresResult,
    "UsageCodeInterpreterSessionsResult" => UsageCodeInterpreterSessionsResult,
    "UsageFileSearchCallsResult" => UsageFileSearchCallsResult,
    "UsageWebSearchCallsResult" => UsageWebSearchCallsResult,
    "CostsResult" => CostsResult,
    "CostsResultAmount" => CostsResultAmount,
    "ErrorResponse" => ErrorResponse,
    "Error" => Error,
];
