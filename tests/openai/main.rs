#![cfg(feature = "openai")]
//! Every OpenAI operation over a local wiremock server: the exact request on the wire and the
//! decoded body field by field against the fixture served; the error responses; forward
//! compatibility (unknown result types, unknown fields); and every fixture decoding.

#[path = "../support/mod.rs"]
mod support;

use serde_json::Value;
use usage_bindings::openai::types::{
    BucketWidth, CostsBucketWidth, CostsGroupBy, CostsResult, ErrorResponse, UnknownUsageResult,
    UsageAudioSpeechesGroupBy, UsageAudioSpeechesResult, UsageAudioTranscriptionsGroupBy,
    UsageAudioTranscriptionsResult, UsageCodeInterpreterSessionsGroupBy,
    UsageCodeInterpreterSessionsResult, UsageCompletionsGroupBy, UsageCompletionsResult,
    UsageEmbeddingsGroupBy, UsageEmbeddingsResult, UsageFileSearchCallsGroupBy,
    UsageFileSearchCallsResult, UsageImagesGroupBy, UsageImagesResult, UsageImagesSize,
    UsageImagesSource, UsageModerationsGroupBy, UsageModerationsResult, UsageResponse,
    UsageResponseObject, UsageResult, UsageTimeBucket, UsageVectorStoresGroupBy,
    UsageVectorStoresResult, UsageWebSearchCallsContextLevel, UsageWebSearchCallsGroupBy,
    UsageWebSearchCallsResult,
};
use usage_bindings::openai::{Client, Config, OperationError};
use usage_bindings::RetryPolicy;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

const PROVIDER: &str = "openai";
const KEY: &str = support::OPENAI_KEY;

const START: i64 = 1_730_419_200;
const END: i64 = 1_730_678_400;
const PROJECTS: [&str; 2] = ["proj_Kx7Qm2VbT9aR4sLp", "proj_3HnWc8YtUe5oZq1D"];
const USERS: [&str; 2] = [
    "user-8fJd2KqL0pZxW3nYvB6cT1aE",
    "user-Rb4Tn9Ws2Xc7Yd1Ze5Fa3Gh8",
];
const KEYS: [&str; 2] = ["key_Q2mXv8LcR7tNw4Ze", "key_fT6sJ1pB9dHk3YuA"];
const MODELS: [&str; 2] = [
    "gpt-4o-2024-08-06",
    "ft:gpt-4o-mini-2024-07-18:acme:support:9xQ2",
];
const VECTOR_STORES: [&str; 2] = ["vs_6Jq2Lw9XbT4mRc8Y", "vs_Ht3Zp7Ka1Vn5Bx0Q"];
/// A cursor with characters that must be percent-encoded in a query.
const CURSOR: &str = "page_AAAAAGcLsAA/2x+YcQ==";
const CURSOR_ENCODED: &str = "page=page_AAAAAGcLsAA%2F2x%2BYcQ%3D%3D";

// ---------------------------------------------------------------------------------------------
// helpers

fn strings(values: [&str; 2]) -> Vec<String> {
    values.iter().map(|s| s.to_string()).collect()
}

/// A mock server answering `GET /v1<api_path>` with `status` and the fixture `fixture`, and a
/// client configured against it (retries off, so a 429 or 5xx is answered once).
async fn serve(api_path: &str, status: u16, fixture: &str) -> (MockServer, Client) {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(format!("/v1{api_path}")))
        .respond_with(support::json_response(PROVIDER, status, fixture))
        .expect(1)
        .mount(&server)
        .await;
    let client = client_for(&server);
    (server, client)
}

fn client_for(server: &MockServer) -> Client {
    support::openai_client(server, RetryPolicy::disabled())
}

/// Method, path, auth and user agent of the one request received; returns it for the query.
async fn assert_request(server: &MockServer, api_path: &str) -> Request {
    let request = support::only_request(server).await;
    assert_eq!(request.method.as_str(), "GET");
    assert_eq!(request.url.path(), format!("/v1{api_path}"));
    support::assert_header(&request, "authorization", &format!("Bearer {KEY}"));
    support::assert_header(&request, "user-agent", support::USER_AGENT);
    support::assert_header(&request, "accept", "application/json");
    request
}

/// The query pairs shared by every operation when all its parameters are set.
fn common_pairs<'a>(bucket_width: &'a str, limit: &'a str) -> Vec<(&'a str, &'a str)> {
    let mut pairs = vec![
        ("start_time", "1730419200"),
        ("end_time", "1730678400"),
        ("bucket_width", bucket_width),
        ("limit", limit),
        ("page", CURSOR),
    ];
    pairs.extend(PROJECTS.iter().map(|p| ("project_ids[]", *p)));
    pairs
}

fn filter_pairs() -> Vec<(&'static str, &'static str)> {
    let mut pairs = Vec::new();
    pairs.extend(USERS.iter().map(|u| ("user_ids[]", *u)));
    pairs.extend(KEYS.iter().map(|k| ("api_key_ids[]", *k)));
    pairs.extend(MODELS.iter().map(|m| ("models[]", *m)));
    pairs
}

fn assert_cursor_encoded(request: &Request) {
    let raw = request.url.query().unwrap_or_default();
    assert!(
        raw.split('&').any(|pair| pair == CURSOR_ENCODED),
        "cursor not percent-encoded in `{raw}`"
    );
}

/// A nullable string of the fixture: `null` and absent are both `None`.
fn text(json: &Value) -> Option<String> {
    match json {
        Value::Null => None,
        other => Some(other.as_str().expect("a string").to_string()),
    }
}

fn int(json: &Value) -> Option<i64> {
    match json {
        Value::Null => None,
        other => Some(other.as_i64().expect("an integer")),
    }
}

fn flag(json: &Value) -> Option<bool> {
    match json {
        Value::Null => None,
        other => Some(other.as_bool().expect("a boolean")),
    }
}

/// The page envelope and bucket boundaries against the fixture; returns the results of each
/// bucket, decoded and as JSON.
fn assert_page<'a>(page: &'a UsageResponse, json: &'a Value) -> Vec<(&'a UsageResult, &'a Value)> {
    assert_eq!(page.object.to_string(), json["object"].as_str().unwrap());
    assert_eq!(page.has_more, json["has_more"].as_bool().unwrap());
    assert_eq!(page.next_page, text(&json["next_page"]));
    let buckets = json["data"].as_array().unwrap();
    assert_eq!(page.data.len(), buckets.len());
    let mut results = Vec::new();
    for (bucket, bucket_json) in page.data.iter().zip(buckets) {
        assert_eq!(
            bucket.object.to_string(),
            bucket_json["object"].as_str().unwrap()
        );
        assert_eq!(Some(bucket.start_time), int(&bucket_json["start_time"]));
        assert_eq!(Some(bucket.end_time), int(&bucket_json["end_time"]));
        let results_json = bucket_json["results"].as_array().unwrap();
        assert_eq!(bucket.results.len(), results_json.len());
        results.extend(bucket.results.iter().zip(results_json));
    }
    results
}

/// Decoded value written back as JSON equals the fixture once `null`s are dropped on both sides
/// (the types write an optional `None` as absent and a required one as `null`): nothing was lost
/// or misread, whichever variant took the result.
fn assert_round_trip(decoded: &impl serde::Serialize, fixture: &Value) {
    fn strip_nulls(value: &Value) -> Value {
        match value {
            Value::Object(map) => Value::Object(
                map.iter()
                    .filter(|(_, v)| !v.is_null())
                    .map(|(k, v)| (k.clone(), strip_nulls(v)))
                    .collect(),
            ),
            Value::Array(items) => Value::Array(items.iter().map(strip_nulls).collect()),
            other => other.clone(),
        }
    }
    fn normalize_numbers(value: &Value) -> Value {
        match value {
            Value::Object(map) => Value::Object(
                map.iter()
                    .map(|(k, v)| (k.clone(), normalize_numbers(v)))
                    .collect(),
            ),
            Value::Array(items) => Value::Array(items.iter().map(normalize_numbers).collect()),
            // f64 fields write `3.0` for a fixture's `3`; compare numbers by value.
            Value::Number(n) => serde_json::json!(n.as_f64().unwrap()),
            other => other.clone(),
        }
    }
    let written = serde_json::to_value(decoded).unwrap();
    assert_eq!(
        normalize_numbers(&strip_nulls(&written)),
        normalize_numbers(&strip_nulls(fixture))
    );
}

macro_rules! variant {
    ($name:ident, $variant:ident, $ty:ty) => {
        fn $name(result: &UsageResult) -> &$ty {
            match result {
                UsageResult::$variant(inner) => inner,
                other => panic!(
                    concat!("expected ", stringify!($variant), ", got {:?}"),
                    other
                ),
            }
        }
    };
}

variant!(
    as_completions,
    UsageCompletionsResult,
    UsageCompletionsResult
);
variant!(as_embeddings, UsageEmbeddingsResult, UsageEmbeddingsResult);
variant!(
    as_moderations,
    UsageModerationsResult,
    UsageModerationsResult
);
variant!(as_images, UsageImagesResult, UsageImagesResult);
variant!(
    as_speeches,
    UsageAudioSpeechesResult,
    UsageAudioSpeechesResult
);
variant!(
    as_transcriptions,
    UsageAudioTranscriptionsResult,
    UsageAudioTranscriptionsResult
);
variant!(
    as_vector_stores,
    UsageVectorStoresResult,
    UsageVectorStoresResult
);
variant!(
    as_code_interpreter,
    UsageCodeInterpreterSessionsResult,
    UsageCodeInterpreterSessionsResult
);
variant!(
    as_file_search,
    UsageFileSearchCallsResult,
    UsageFileSearchCallsResult
);
variant!(
    as_web_search,
    UsageWebSearchCallsResult,
    UsageWebSearchCallsResult
);
variant!(as_costs, CostsResult, CostsResult);
variant!(as_unknown, UnknownUsageResult, UnknownUsageResult);

// Field-by-field comparisons of each result type against its JSON.

fn check_completions(r: &UsageCompletionsResult, j: &Value) {
    assert_eq!(r.object.to_string(), j["object"].as_str().unwrap());
    assert_eq!(Some(r.input_tokens), int(&j["input_tokens"]));
    assert_eq!(Some(r.output_tokens), int(&j["output_tokens"]));
    assert_eq!(Some(r.num_model_requests), int(&j["num_model_requests"]));
    assert_eq!(r.input_cached_tokens, int(&j["input_cached_tokens"]));
    assert_eq!(
        r.input_cache_write_tokens,
        int(&j["input_cache_write_tokens"])
    );
    assert_eq!(r.input_uncached_tokens, int(&j["input_uncached_tokens"]));
    assert_eq!(r.input_text_tokens, int(&j["input_text_tokens"]));
    assert_eq!(r.output_text_tokens, int(&j["output_text_tokens"]));
    assert_eq!(
        r.input_cached_text_tokens,
        int(&j["input_cached_text_tokens"])
    );
    assert_eq!(r.input_audio_tokens, int(&j["input_audio_tokens"]));
    assert_eq!(
        r.input_cached_audio_tokens,
        int(&j["input_cached_audio_tokens"])
    );
    assert_eq!(r.output_audio_tokens, int(&j["output_audio_tokens"]));
    assert_eq!(r.input_image_tokens, int(&j["input_image_tokens"]));
    assert_eq!(
        r.input_cached_image_tokens,
        int(&j["input_cached_image_tokens"])
    );
    assert_eq!(r.output_image_tokens, int(&j["output_image_tokens"]));
    assert_eq!(r.project_id, text(&j["project_id"]));
    assert_eq!(r.user_id, text(&j["user_id"]));
    assert_eq!(r.api_key_id, text(&j["api_key_id"]));
    assert_eq!(r.model, text(&j["model"]));
    assert_eq!(r.batch, flag(&j["batch"]));
    assert_eq!(r.service_tier, text(&j["service_tier"]));
}

fn check_embeddings(r: &UsageEmbeddingsResult, j: &Value) {
    assert_eq!(r.object.to_string(), j["object"].as_str().unwrap());
    assert_eq!(Some(r.input_tokens), int(&j["input_tokens"]));
    assert_eq!(Some(r.num_model_requests), int(&j["num_model_requests"]));
    assert_eq!(r.project_id, text(&j["project_id"]));
    assert_eq!(r.user_id, text(&j["user_id"]));
    assert_eq!(r.api_key_id, text(&j["api_key_id"]));
    assert_eq!(r.model, text(&j["model"]));
}

fn check_moderations(r: &UsageModerationsResult, j: &Value) {
    assert_eq!(r.object.to_string(), j["object"].as_str().unwrap());
    assert_eq!(Some(r.input_tokens), int(&j["input_tokens"]));
    assert_eq!(Some(r.num_model_requests), int(&j["num_model_requests"]));
    assert_eq!(r.project_id, text(&j["project_id"]));
    assert_eq!(r.user_id, text(&j["user_id"]));
    assert_eq!(r.api_key_id, text(&j["api_key_id"]));
    assert_eq!(r.model, text(&j["model"]));
}

fn check_images(r: &UsageImagesResult, j: &Value) {
    assert_eq!(r.object.to_string(), j["object"].as_str().unwrap());
    assert_eq!(Some(r.images), int(&j["images"]));
    assert_eq!(Some(r.num_model_requests), int(&j["num_model_requests"]));
    assert_eq!(r.source, text(&j["source"]));
    assert_eq!(r.size, text(&j["size"]));
    assert_eq!(r.project_id, text(&j["project_id"]));
    assert_eq!(r.user_id, text(&j["user_id"]));
    assert_eq!(r.api_key_id, text(&j["api_key_id"]));
    assert_eq!(r.model, text(&j["model"]));
}

fn check_speeches(r: &UsageAudioSpeechesResult, j: &Value) {
    assert_eq!(r.object.to_string(), j["object"].as_str().unwrap());
    assert_eq!(Some(r.characters), int(&j["characters"]));
    assert_eq!(Some(r.num_model_requests), int(&j["num_model_requests"]));
    assert_eq!(r.project_id, text(&j["project_id"]));
    assert_eq!(r.user_id, text(&j["user_id"]));
    assert_eq!(r.api_key_id, text(&j["api_key_id"]));
    assert_eq!(r.model, text(&j["model"]));
}

fn check_transcriptions(r: &UsageAudioTranscriptionsResult, j: &Value) {
    assert_eq!(r.object.to_string(), j["object"].as_str().unwrap());
    assert_eq!(Some(r.seconds), int(&j["seconds"]));
    assert_eq!(Some(r.num_model_requests), int(&j["num_model_requests"]));
    assert_eq!(r.project_id, text(&j["project_id"]));
    assert_eq!(r.user_id, text(&j["user_id"]));
    assert_eq!(r.api_key_id, text(&j["api_key_id"]));
    assert_eq!(r.model, text(&j["model"]));
}

fn check_vector_stores(r: &UsageVectorStoresResult, j: &Value) {
    assert_eq!(r.object.to_string(), j["object"].as_str().unwrap());
    assert_eq!(Some(r.usage_bytes), int(&j["usage_bytes"]));
    assert_eq!(r.project_id, text(&j["project_id"]));
}

fn check_code_interpreter(r: &UsageCodeInterpreterSessionsResult, j: &Value) {
    assert_eq!(r.object.to_string(), j["object"].as_str().unwrap());
    assert_eq!(Some(r.num_sessions), int(&j["num_sessions"]));
    assert_eq!(r.project_id, text(&j["project_id"]));
}

fn check_file_search(r: &UsageFileSearchCallsResult, j: &Value) {
    assert_eq!(r.object.to_string(), j["object"].as_str().unwrap());
    assert_eq!(Some(r.num_requests), int(&j["num_requests"]));
    assert_eq!(r.project_id, text(&j["project_id"]));
    assert_eq!(r.user_id, text(&j["user_id"]));
    assert_eq!(r.api_key_id, text(&j["api_key_id"]));
    assert_eq!(r.vector_store_id, text(&j["vector_store_id"]));
}

fn check_web_search(r: &UsageWebSearchCallsResult, j: &Value) {
    assert_eq!(r.object.to_string(), j["object"].as_str().unwrap());
    assert_eq!(Some(r.num_model_requests), int(&j["num_model_requests"]));
    assert_eq!(Some(r.num_requests), int(&j["num_requests"]));
    assert_eq!(r.project_id, text(&j["project_id"]));
    assert_eq!(r.user_id, text(&j["user_id"]));
    assert_eq!(r.api_key_id, text(&j["api_key_id"]));
    assert_eq!(r.model, text(&j["model"]));
    assert_eq!(r.context_level, text(&j["context_level"]));
}

fn check_costs(r: &CostsResult, j: &Value) {
    assert_eq!(r.object.to_string(), j["object"].as_str().unwrap());
    match (&r.amount, &j["amount"]) {
        (None, Value::Null) => {}
        (Some(amount), amount_json) => {
            // Exact: the decimal text of the decoded amount is the number text of the fixture.
            assert_eq!(
                amount.value.map(|v| v.to_string()),
                match &amount_json["value"] {
                    Value::Null => None,
                    number => Some(number.to_string()),
                }
            );
            assert_eq!(amount.currency, text(&amount_json["currency"]));
        }
        (None, other) => panic!("amount {other} not decoded"),
    }
    assert_eq!(r.line_item, text(&j["line_item"]));
    assert_eq!(r.project_id, text(&j["project_id"]));
    assert_eq!(r.api_key_id, text(&j["api_key_id"]));
    assert_eq!(r.quantity, j["quantity"].as_f64());
    assert_eq!(r.quantity_unit, text(&j["quantity_unit"]));
}

/// Compares a result of any known type with its JSON.
fn check_result(result: &UsageResult, j: &Value) {
    match result {
        UsageResult::UsageCompletionsResult(r) => check_completions(r, j),
        UsageResult::UsageEmbeddingsResult(r) => check_embeddings(r, j),
        UsageResult::UsageModerationsResult(r) => check_moderations(r, j),
        UsageResult::UsageImagesResult(r) => check_images(r, j),
        UsageResult::UsageAudioSpeechesResult(r) => check_speeches(r, j),
        UsageResult::UsageAudioTranscriptionsResult(r) => check_transcriptions(r, j),
        UsageResult::UsageVectorStoresResult(r) => check_vector_stores(r, j),
        UsageResult::UsageCodeInterpreterSessionsResult(r) => check_code_interpreter(r, j),
        UsageResult::UsageFileSearchCallsResult(r) => check_file_search(r, j),
        UsageResult::UsageWebSearchCallsResult(r) => check_web_search(r, j),
        UsageResult::CostsResult(r) => check_costs(r, j),
        UsageResult::UnknownUsageResult(r) => {
            assert_eq!(r.object.as_str(), j["object"].as_str().unwrap());
            for (key, value) in j.as_object().unwrap() {
                if key != "object" {
                    assert_eq!(r.extra.get(key), Some(value), "field `{key}`");
                }
            }
        }
    }
}

/// Which variant a result decodes into for the results of `operation`.
fn variant_of_operation(operation: &str) -> fn(&UsageResult) -> bool {
    match operation {
        "usage_completions" => |r| matches!(r, UsageResult::UsageCompletionsResult(_)),
        "usage_embeddings" => |r| matches!(r, UsageResult::UsageEmbeddingsResult(_)),
        "usage_moderations" => |r| matches!(r, UsageResult::UsageModerationsResult(_)),
        "usage_images" => |r| matches!(r, UsageResult::UsageImagesResult(_)),
        "usage_audio_speeches" => |r| matches!(r, UsageResult::UsageAudioSpeechesResult(_)),
        "usage_audio_transcriptions" => {
            |r| matches!(r, UsageResult::UsageAudioTranscriptionsResult(_))
        }
        "usage_vector_stores" => |r| matches!(r, UsageResult::UsageVectorStoresResult(_)),
        "usage_code_interpreter_sessions" => {
            |r| matches!(r, UsageResult::UsageCodeInterpreterSessionsResult(_))
        }
        "usage_file_search_calls" => |r| matches!(r, UsageResult::UsageFileSearchCallsResult(_)),
        "usage_web_search_calls" => |r| matches!(r, UsageResult::UsageWebSearchCallsResult(_)),
        "usage_costs" => |r| matches!(r, UsageResult::CostsResult(_)),
        other => panic!("fixture for unknown operation `{other}`"),
    }
}

const OPERATIONS: [&str; 11] = [
    "usage_completions",
    "usage_embeddings",
    "usage_moderations",
    "usage_images",
    "usage_audio_speeches",
    "usage_audio_transcriptions",
    "usage_vector_stores",
    "usage_code_interpreter_sessions",
    "usage_file_search_calls",
    "usage_web_search_calls",
    "usage_costs",
];

// ---------------------------------------------------------------------------------------------
// one test per operation, every parameter set

#[tokio::test]
async fn usage_completions_sends_every_parameter_and_decodes_the_page() {
    let api_path = "/organization/usage/completions";
    let (server, client) = serve(api_path, 200, "usage_completions.full.json").await;
    let page = client
        .usage_completions()
        .start_time(START)
        .end_time(END)
        .bucket_width(BucketWidth::X1h)
        .limit(48)
        .page(CURSOR)
        .project_ids(strings(PROJECTS))
        .user_ids(strings(USERS))
        .api_key_ids(strings(KEYS))
        .models(strings(MODELS))
        .batch(true)
        .group_by(vec![
            UsageCompletionsGroupBy::ProjectId,
            UsageCompletionsGroupBy::UserId,
            UsageCompletionsGroupBy::ApiKeyId,
            UsageCompletionsGroupBy::Model,
            UsageCompletionsGroupBy::Batch,
            UsageCompletionsGroupBy::ServiceTier,
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 200);

    let request = assert_request(&server, api_path).await;
    let mut expected = common_pairs("1h", "48");
    expected.extend(filter_pairs());
    expected.extend([
        ("batch", "true"),
        ("group_by[]", "project_id"),
        ("group_by[]", "user_id"),
        ("group_by[]", "api_key_id"),
        ("group_by[]", "model"),
        ("group_by[]", "batch"),
        ("group_by[]", "service_tier"),
    ]);
    support::assert_query(&request, &expected);
    assert_cursor_encoded(&request);

    let json = support::fixture_json(PROVIDER, "usage_completions.full.json");
    let page = page.into_inner();
    let results = assert_page(&page, &json);
    assert_eq!(results.len(), 1);
    let (result, result_json) = results[0];
    // The full fixture sets every field: nothing may decode as absent.
    assert_eq!(result_json.as_object().unwrap().len(), 22);
    let r = as_completions(result);
    check_completions(r, result_json);
    assert_eq!(r.batch, Some(false));
    assert!(r.service_tier.is_some() && r.input_cached_image_tokens.is_some());
}

#[tokio::test]
async fn usage_embeddings_sends_every_parameter_and_decodes_the_page() {
    let api_path = "/organization/usage/embeddings";
    let (server, client) = serve(api_path, 200, "usage_embeddings.full.json").await;
    let page = client
        .usage_embeddings()
        .start_time(START)
        .end_time(END)
        .bucket_width(BucketWidth::X1m)
        .limit(1440)
        .page(CURSOR)
        .project_ids(strings(PROJECTS))
        .user_ids(strings(USERS))
        .api_key_ids(strings(KEYS))
        .models(strings(MODELS))
        .group_by(vec![
            UsageEmbeddingsGroupBy::ProjectId,
            UsageEmbeddingsGroupBy::UserId,
            UsageEmbeddingsGroupBy::ApiKeyId,
            UsageEmbeddingsGroupBy::Model,
        ])
        .send()
        .await
        .unwrap()
        .into_inner();

    let request = assert_request(&server, api_path).await;
    let mut expected = common_pairs("1m", "1440");
    expected.extend(filter_pairs());
    expected.extend([
        ("group_by[]", "project_id"),
        ("group_by[]", "user_id"),
        ("group_by[]", "api_key_id"),
        ("group_by[]", "model"),
    ]);
    support::assert_query(&request, &expected);

    let json = support::fixture_json(PROVIDER, "usage_embeddings.full.json");
    let results = assert_page(&page, &json);
    assert_eq!(results.len(), 1);
    let r = as_embeddings(results[0].0);
    check_embeddings(r, results[0].1);
    assert!(r.project_id.is_some() && r.user_id.is_some() && r.api_key_id.is_some());
    assert!(r.model.is_some());
}

#[tokio::test]
async fn usage_moderations_sends_every_parameter_and_decodes_the_page() {
    let api_path = "/organization/usage/moderations";
    let (server, client) = serve(api_path, 200, "usage_moderations.full.json").await;
    let page = client
        .usage_moderations()
        .start_time(START)
        .end_time(END)
        .bucket_width(BucketWidth::X1d)
        .limit(31)
        .page(CURSOR)
        .project_ids(strings(PROJECTS))
        .user_ids(strings(USERS))
        .api_key_ids(strings(KEYS))
        .models(strings(MODELS))
        .group_by(vec![
            UsageModerationsGroupBy::UserId,
            UsageModerationsGroupBy::Model,
            UsageModerationsGroupBy::ProjectId,
            UsageModerationsGroupBy::ApiKeyId,
        ])
        .send()
        .await
        .unwrap()
        .into_inner();

    let request = assert_request(&server, api_path).await;
    let mut expected = common_pairs("1d", "31");
    expected.extend(filter_pairs());
    expected.extend([
        ("group_by[]", "user_id"),
        ("group_by[]", "model"),
        ("group_by[]", "project_id"),
        ("group_by[]", "api_key_id"),
    ]);
    support::assert_query(&request, &expected);

    let json = support::fixture_json(PROVIDER, "usage_moderations.full.json");
    let results = assert_page(&page, &json);
    assert_eq!(results.len(), 1);
    let r = as_moderations(results[0].0);
    check_moderations(r, results[0].1);
    assert!(r.model.is_some() && r.api_key_id.is_some());
}

#[tokio::test]
async fn usage_images_sends_every_parameter_and_decodes_the_page() {
    let api_path = "/organization/usage/images";
    let (server, client) = serve(api_path, 200, "usage_images.full.json").await;
    let page = client
        .usage_images()
        .start_time(START)
        .end_time(END)
        .bucket_width(BucketWidth::X1h)
        .limit(168)
        .page(CURSOR)
        .sources(vec![
            UsageImagesSource::ImageGeneration,
            UsageImagesSource::ImageEdit,
            UsageImagesSource::ImageVariation,
        ])
        .sizes(vec![
            UsageImagesSize::X256x256,
            UsageImagesSize::X512x512,
            UsageImagesSize::X1024x1024,
            UsageImagesSize::X1792x1792,
            UsageImagesSize::X1024x1792,
        ])
        .project_ids(strings(PROJECTS))
        .user_ids(strings(USERS))
        .api_key_ids(strings(KEYS))
        .models(strings(MODELS))
        .group_by(vec![
            UsageImagesGroupBy::ProjectId,
            UsageImagesGroupBy::UserId,
            UsageImagesGroupBy::ApiKeyId,
            UsageImagesGroupBy::Model,
            UsageImagesGroupBy::Size,
            UsageImagesGroupBy::Source,
        ])
        .send()
        .await
        .unwrap()
        .into_inner();

    let request = assert_request(&server, api_path).await;
    let mut expected = common_pairs("1h", "168");
    expected.extend(filter_pairs());
    expected.extend([
        ("sources[]", "image.generation"),
        ("sources[]", "image.edit"),
        ("sources[]", "image.variation"),
        ("sizes[]", "256x256"),
        ("sizes[]", "512x512"),
        ("sizes[]", "1024x1024"),
        ("sizes[]", "1792x1792"),
        ("sizes[]", "1024x1792"),
        ("group_by[]", "project_id"),
        ("group_by[]", "user_id"),
        ("group_by[]", "api_key_id"),
        ("group_by[]", "model"),
        ("group_by[]", "size"),
        ("group_by[]", "source"),
    ]);
    support::assert_query(&request, &expected);

    let json = support::fixture_json(PROVIDER, "usage_images.full.json");
    let results = assert_page(&page, &json);
    assert_eq!(results.len(), 1);
    let r = as_images(results[0].0);
    check_images(r, results[0].1);
    assert!(r.source.is_some() && r.size.is_some());
}

#[tokio::test]
async fn usage_audio_speeches_sends_every_parameter_and_decodes_the_page() {
    let api_path = "/organization/usage/audio_speeches";
    let (server, client) = serve(api_path, 200, "usage_audio_speeches.full.json").await;
    let page = client
        .usage_audio_speeches()
        .start_time(START)
        .end_time(END)
        .bucket_width(BucketWidth::X1d)
        .limit(7)
        .page(CURSOR)
        .project_ids(strings(PROJECTS))
        .user_ids(strings(USERS))
        .api_key_ids(strings(KEYS))
        .models(strings(MODELS))
        .group_by(vec![
            UsageAudioSpeechesGroupBy::ProjectId,
            UsageAudioSpeechesGroupBy::UserId,
            UsageAudioSpeechesGroupBy::ApiKeyId,
            UsageAudioSpeechesGroupBy::Model,
        ])
        .send()
        .await
        .unwrap()
        .into_inner();

    let request = assert_request(&server, api_path).await;
    let mut expected = common_pairs("1d", "7");
    expected.extend(filter_pairs());
    expected.extend([
        ("group_by[]", "project_id"),
        ("group_by[]", "user_id"),
        ("group_by[]", "api_key_id"),
        ("group_by[]", "model"),
    ]);
    support::assert_query(&request, &expected);

    let json = support::fixture_json(PROVIDER, "usage_audio_speeches.full.json");
    let results = assert_page(&page, &json);
    assert_eq!(results.len(), 1);
    let r = as_speeches(results[0].0);
    check_speeches(r, results[0].1);
    assert!(r.user_id.is_some());
}

#[tokio::test]
async fn usage_audio_transcriptions_sends_every_parameter_and_decodes_the_page() {
    let api_path = "/organization/usage/audio_transcriptions";
    let (server, client) = serve(api_path, 200, "usage_audio_transcriptions.full.json").await;
    let page = client
        .usage_audio_transcriptions()
        .start_time(START)
        .end_time(END)
        .bucket_width(BucketWidth::X1h)
        .limit(24)
        .page(CURSOR)
        .project_ids(strings(PROJECTS))
        .user_ids(strings(USERS))
        .api_key_ids(strings(KEYS))
        .models(strings(MODELS))
        .group_by(vec![
            UsageAudioTranscriptionsGroupBy::Model,
            UsageAudioTranscriptionsGroupBy::ApiKeyId,
            UsageAudioTranscriptionsGroupBy::UserId,
            UsageAudioTranscriptionsGroupBy::ProjectId,
        ])
        .send()
        .await
        .unwrap()
        .into_inner();

    let request = assert_request(&server, api_path).await;
    let mut expected = common_pairs("1h", "24");
    expected.extend(filter_pairs());
    expected.extend([
        ("group_by[]", "model"),
        ("group_by[]", "api_key_id"),
        ("group_by[]", "user_id"),
        ("group_by[]", "project_id"),
    ]);
    support::assert_query(&request, &expected);

    let json = support::fixture_json(PROVIDER, "usage_audio_transcriptions.full.json");
    let results = assert_page(&page, &json);
    assert_eq!(results.len(), 1);
    let r = as_transcriptions(results[0].0);
    check_transcriptions(r, results[0].1);
    assert!(r.model.is_some());
}

#[tokio::test]
async fn usage_vector_stores_sends_every_parameter_and_decodes_the_page() {
    let api_path = "/organization/usage/vector_stores";
    let (server, client) = serve(api_path, 200, "usage_vector_stores.full.json").await;
    let page = client
        .usage_vector_stores()
        .start_time(START)
        .end_time(END)
        .bucket_width(BucketWidth::X1d)
        .limit(3)
        .page(CURSOR)
        .project_ids(strings(PROJECTS))
        .group_by(vec![UsageVectorStoresGroupBy::ProjectId])
        .send()
        .await
        .unwrap()
        .into_inner();

    let request = assert_request(&server, api_path).await;
    let mut expected = common_pairs("1d", "3");
    expected.push(("group_by[]", "project_id"));
    support::assert_query(&request, &expected);

    let json = support::fixture_json(PROVIDER, "usage_vector_stores.full.json");
    let results = assert_page(&page, &json);
    assert_eq!(results.len(), 1);
    let r = as_vector_stores(results[0].0);
    check_vector_stores(r, results[0].1);
    // Beyond 32 bits: the byte count must not be truncated.
    assert!(r.usage_bytes > i64::from(u32::MAX));
}

#[tokio::test]
async fn usage_code_interpreter_sessions_sends_every_parameter_and_decodes_the_page() {
    let api_path = "/organization/usage/code_interpreter_sessions";
    let (server, client) = serve(api_path, 200, "usage_code_interpreter_sessions.full.json").await;
    let page = client
        .usage_code_interpreter_sessions()
        .start_time(START)
        .end_time(END)
        .bucket_width(BucketWidth::X1m)
        .limit(60)
        .page(CURSOR)
        .project_ids(strings(PROJECTS))
        .group_by(vec![UsageCodeInterpreterSessionsGroupBy::ProjectId])
        .send()
        .await
        .unwrap()
        .into_inner();

    let request = assert_request(&server, api_path).await;
    let mut expected = common_pairs("1m", "60");
    expected.push(("group_by[]", "project_id"));
    support::assert_query(&request, &expected);

    let json = support::fixture_json(PROVIDER, "usage_code_interpreter_sessions.full.json");
    let results = assert_page(&page, &json);
    assert_eq!(results.len(), 1);
    let r = as_code_interpreter(results[0].0);
    check_code_interpreter(r, results[0].1);
    assert!(r.project_id.is_some());
}

#[tokio::test]
async fn usage_file_search_calls_sends_every_parameter_and_decodes_the_page() {
    let api_path = "/organization/usage/file_search_calls";
    let (server, client) = serve(api_path, 200, "usage_file_search_calls.full.json").await;
    let page = client
        .usage_file_search_calls()
        .start_time(START)
        .end_time(END)
        .bucket_width(BucketWidth::X1h)
        .limit(100)
        .page(CURSOR)
        .project_ids(strings(PROJECTS))
        .user_ids(strings(USERS))
        .api_key_ids(strings(KEYS))
        .vector_store_ids(strings(VECTOR_STORES))
        .group_by(vec![
            UsageFileSearchCallsGroupBy::ProjectId,
            UsageFileSearchCallsGroupBy::UserId,
            UsageFileSearchCallsGroupBy::ApiKeyId,
            UsageFileSearchCallsGroupBy::VectorStoreId,
        ])
        .send()
        .await
        .unwrap()
        .into_inner();

    let request = assert_request(&server, api_path).await;
    let mut expected = common_pairs("1h", "100");
    expected.extend(USERS.iter().map(|u| ("user_ids[]", *u)));
    expected.extend(KEYS.iter().map(|k| ("api_key_ids[]", *k)));
    expected.extend(VECTOR_STORES.iter().map(|v| ("vector_store_ids[]", *v)));
    expected.extend([
        ("group_by[]", "project_id"),
        ("group_by[]", "user_id"),
        ("group_by[]", "api_key_id"),
        ("group_by[]", "vector_store_id"),
    ]);
    support::assert_query(&request, &expected);
    assert_cursor_encoded(&request);

    let json = support::fixture_json(PROVIDER, "usage_file_search_calls.full.json");
    let results = assert_page(&page, &json);
    assert_eq!(results.len(), 1);
    // The full fixture sets every field: nothing may decode as absent.
    assert_eq!(results[0].1.as_object().unwrap().len(), 6);
    let r = as_file_search(results[0].0);
    check_file_search(r, results[0].1);
    assert!(r.project_id.is_some() && r.user_id.is_some() && r.api_key_id.is_some());
    assert!(r.vector_store_id.is_some());
    assert_round_trip(&page, &json);
}

#[tokio::test]
async fn usage_web_search_calls_sends_every_parameter_and_decodes_the_page() {
    let api_path = "/organization/usage/web_search_calls";
    let (server, client) = serve(api_path, 200, "usage_web_search_calls.full.json").await;
    let page = client
        .usage_web_search_calls()
        .start_time(START)
        .end_time(END)
        .bucket_width(BucketWidth::X1m)
        .limit(720)
        .page(CURSOR)
        .project_ids(strings(PROJECTS))
        .user_ids(strings(USERS))
        .api_key_ids(strings(KEYS))
        .models(strings(MODELS))
        .context_levels(vec![
            UsageWebSearchCallsContextLevel::Low,
            UsageWebSearchCallsContextLevel::Medium,
            UsageWebSearchCallsContextLevel::High,
        ])
        .group_by(vec![
            UsageWebSearchCallsGroupBy::ProjectId,
            UsageWebSearchCallsGroupBy::UserId,
            UsageWebSearchCallsGroupBy::ApiKeyId,
            UsageWebSearchCallsGroupBy::Model,
            UsageWebSearchCallsGroupBy::ContextLevel,
        ])
        .send()
        .await
        .unwrap()
        .into_inner();

    let request = assert_request(&server, api_path).await;
    let mut expected = common_pairs("1m", "720");
    expected.extend(filter_pairs());
    expected.extend([
        ("context_levels[]", "low"),
        ("context_levels[]", "medium"),
        ("context_levels[]", "high"),
        ("group_by[]", "project_id"),
        ("group_by[]", "user_id"),
        ("group_by[]", "api_key_id"),
        ("group_by[]", "model"),
        ("group_by[]", "context_level"),
    ]);
    support::assert_query(&request, &expected);
    assert_cursor_encoded(&request);

    let json = support::fixture_json(PROVIDER, "usage_web_search_calls.full.json");
    let results = assert_page(&page, &json);
    assert_eq!(results.len(), 1);
    // The full fixture sets every field: nothing may decode as absent.
    assert_eq!(results[0].1.as_object().unwrap().len(), 8);
    let r = as_web_search(results[0].0);
    check_web_search(r, results[0].1);
    assert!(r.model.is_some() && r.context_level.is_some() && r.user_id.is_some());
    assert!(r.num_requests > r.num_model_requests);
    assert_round_trip(&page, &json);
}

#[tokio::test]
async fn usage_costs_sends_every_parameter_and_decodes_exact_amounts() {
    let api_path = "/organization/costs";
    let (server, client) = serve(api_path, 200, "usage_costs.full.json").await;
    let page = client
        .usage_costs()
        .start_time(START)
        .end_time(END)
        .bucket_width(CostsBucketWidth::X1d)
        .limit(std::num::NonZeroU64::new(180).unwrap())
        .page(CURSOR)
        .project_ids(strings(PROJECTS))
        .api_key_ids(strings(KEYS))
        .group_by(vec![
            CostsGroupBy::ProjectId,
            CostsGroupBy::LineItem,
            CostsGroupBy::ApiKeyId,
        ])
        .send()
        .await
        .unwrap()
        .into_inner();

    let request = assert_request(&server, api_path).await;
    let mut expected = common_pairs("1d", "180");
    expected.extend(KEYS.iter().map(|k| ("api_key_ids[]", *k)));
    expected.extend([
        ("group_by[]", "project_id"),
        ("group_by[]", "line_item"),
        ("group_by[]", "api_key_id"),
    ]);
    support::assert_query(&request, &expected);
    assert_cursor_encoded(&request);

    let json = support::fixture_json(PROVIDER, "usage_costs.full.json");
    let results = assert_page(&page, &json);
    assert_eq!(results.len(), 1);
    let r = as_costs(results[0].0);
    check_costs(r, results[0].1);
    // 0.06 is not representable in binary floating point: the amount must be the exact decimal.
    let value = r.amount.as_ref().unwrap().value.unwrap();
    assert_eq!(value.value(), rust_decimal::Decimal::new(6, 2));
    assert!(r.line_item.is_some() && r.quantity_unit.is_some() && r.quantity.is_some());
}

// ---------------------------------------------------------------------------------------------
// requests with only the required parameter, optional headers, paging

#[tokio::test]
async fn only_start_time_is_sent_when_nothing_else_is_set() {
    let api_path = "/organization/costs";
    let (server, client) = serve(api_path, 200, "usage_costs.minimal.json").await;
    let page = client
        .usage_costs()
        .start_time(START)
        .send()
        .await
        .unwrap()
        .into_inner();
    let request = assert_request(&server, api_path).await;
    support::assert_query(&request, &[("start_time", "1730419200")]);
    support::assert_no_header(&request, "openai-organization");
    support::assert_no_header(&request, "openai-project");

    let json = support::fixture_json(PROVIDER, "usage_costs.minimal.json");
    let results = assert_page(&page, &json);
    let r = as_costs(results[0].0);
    assert_eq!(r.amount, None);
    assert_eq!(r.line_item, None);
    assert_eq!(r.quantity, None);
}

#[tokio::test]
async fn a_missing_start_time_is_refused_before_sending() {
    let server = MockServer::start().await;
    let client = client_for(&server);
    let error = client.usage_completions().send().await.unwrap_err();
    assert!(
        matches!(error, OperationError::InvalidRequest(ref m) if m.contains("start_time")),
        "{error:?}"
    );
    assert!(server.received_requests().await.unwrap().is_empty());
}

#[tokio::test]
async fn organization_and_project_headers_are_sent_when_configured() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v1/organization/usage/embeddings"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(
            support::fixture(PROVIDER, "usage_embeddings.minimal.json"),
            "application/json",
        ))
        .mount(&server)
        .await;
    let client = Client::from_config(
        Config::new(KEY)
            .with_base_url(format!("{}/v1", server.uri()))
            .with_organization("org-Xq2Lm9Tz4Rw8Yb1C")
            .with_project(PROJECTS[0]),
    )
    .unwrap();
    client
        .usage_embeddings()
        .start_time(START)
        .send()
        .await
        .unwrap();
    let request = assert_request(&server, "/organization/usage/embeddings").await;
    support::assert_header(&request, "openai-organization", "org-Xq2Lm9Tz4Rw8Yb1C");
    support::assert_header(&request, "openai-project", PROJECTS[0]);
}

#[tokio::test]
async fn a_page_with_more_to_come_carries_its_cursor_and_empty_buckets() {
    let api_path = "/organization/usage/completions";
    let (server, client) = serve(api_path, 200, "usage_completions.paged.json").await;
    let page = client
        .usage_completions()
        .start_time(START)
        .send()
        .await
        .unwrap()
        .into_inner();
    assert_request(&server, api_path).await;
    let json = support::fixture_json(PROVIDER, "usage_completions.paged.json");
    let results = assert_page(&page, &json);
    assert!(page.has_more);
    assert_eq!(page.next_page.as_deref(), json["next_page"].as_str());
    assert!(page.next_page.is_some());
    assert_eq!(page.data.len(), 2);
    assert!(page.data[1].results.is_empty());
    assert_eq!(results.len(), 1);
    check_completions(as_completions(results[0].0), results[0].1);
}

// ---------------------------------------------------------------------------------------------
// errors

#[tokio::test]
async fn a_400_is_an_error_response_with_the_decoded_body() {
    let api_path = "/organization/usage/images";
    let (server, client) = serve(api_path, 400, "error.invalid_request.json").await;
    let error = client
        .usage_images()
        .start_time(START)
        .group_by(vec![UsageImagesGroupBy::Size])
        .send()
        .await
        .unwrap_err();
    assert_request(&server, api_path).await;
    let json = support::fixture_json(PROVIDER, "error.invalid_request.json");
    match error {
        OperationError::ErrorResponse(response) => {
            assert_eq!(response.status(), 400);
            let body = response.into_inner();
            assert_eq!(
                body.error.message,
                json["error"]["message"].as_str().unwrap()
            );
            assert_eq!(body.error.type_, "invalid_request_error");
            assert_eq!(body.error.param.as_deref(), Some("group_by"));
            assert_eq!(body.error.code.as_deref(), Some("invalid_value"));
        }
        other => panic!("expected an error response, got {other:?}"),
    }
}

#[tokio::test]
async fn every_documented_error_status_decodes_its_body() {
    let cases = [
        (401, "error.unauthorized.json"),
        (403, "error.forbidden.json"),
        (429, "error.rate_limit.json"),
        (429, "error.insufficient_quota.json"),
        (500, "error.server_error.json"),
        (503, "error.server_error.json"),
    ];
    for (status, fixture) in cases {
        let api_path = "/organization/usage/moderations";
        let (server, client) = serve(api_path, status, fixture).await;
        let error = client
            .usage_moderations()
            .start_time(START)
            .send()
            .await
            .unwrap_err();
        assert_request(&server, api_path).await;
        let json = support::fixture_json(PROVIDER, fixture);
        match error {
            OperationError::ErrorResponse(response) => {
                assert_eq!(response.status(), status, "{fixture}");
                let error = response.into_inner().error;
                assert_eq!(error.type_, json["error"]["type"].as_str().unwrap());
                assert_eq!(error.message, json["error"]["message"].as_str().unwrap());
                assert_eq!(error.param, text(&json["error"]["param"]));
                assert_eq!(error.code, text(&json["error"]["code"]));
            }
            other => panic!("{fixture}: expected an error response, got {other:?}"),
        }
    }
}

#[tokio::test]
async fn a_rate_limit_keeps_its_code_and_retry_after_header() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v1/organization/costs"))
        .respond_with(
            ResponseTemplate::new(429)
                .insert_header("retry-after", "7")
                .set_body_raw(
                    support::fixture(PROVIDER, "error.rate_limit.json"),
                    "application/json",
                ),
        )
        .expect(1)
        .mount(&server)
        .await;
    let client = client_for(&server);
    let error = client
        .usage_costs()
        .start_time(START)
        .send()
        .await
        .unwrap_err();
    match error {
        OperationError::ErrorResponse(response) => {
            assert_eq!(response.status(), 429);
            assert_eq!(response.headers().get("retry-after").unwrap(), "7");
            let body = response.into_inner();
            assert_eq!(body.error.code.as_deref(), Some("rate_limit_exceeded"));
            assert_eq!(body.error.param, None);
        }
        other => panic!("expected an error response, got {other:?}"),
    }
}

#[tokio::test]
async fn an_undocumented_status_is_an_unexpected_response() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v1/organization/usage/vector_stores"))
        .respond_with(ResponseTemplate::new(404).set_body_string("not here"))
        .mount(&server)
        .await;
    let client = client_for(&server);
    let error = client
        .usage_vector_stores()
        .start_time(START)
        .send()
        .await
        .unwrap_err();
    match error {
        OperationError::UnexpectedResponse(response) => assert_eq!(response.status(), 404),
        other => panic!("expected an unexpected response, got {other:?}"),
    }
}

// ---------------------------------------------------------------------------------------------
// forward compatibility

#[tokio::test]
async fn an_unknown_result_type_is_kept_whole_beside_known_ones() {
    let api_path = "/organization/usage/completions";
    let (server, client) = serve(api_path, 200, "usage_completions.unknown_variant.json").await;
    let page = client
        .usage_completions()
        .start_time(START)
        .send()
        .await
        .unwrap()
        .into_inner();
    assert_request(&server, api_path).await;
    let json = support::fixture_json(PROVIDER, "usage_completions.unknown_variant.json");
    let results = assert_page(&page, &json);
    assert_eq!(results.len(), 2);

    // The known result still decodes into its own variant.
    check_completions(as_completions(results[0].0), results[0].1);

    // The unknown one keeps its type and every field, nested ones included.
    let unknown = as_unknown(results[1].0);
    assert_eq!(
        unknown.object.as_str(),
        "organization.usage.realtime_sessions.result"
    );
    assert_eq!(unknown.extra["num_sessions"], 12);
    assert_eq!(unknown.extra["session_seconds"], 5431);
    assert_eq!(unknown.extra["project_id"], PROJECTS[0]);
    assert_eq!(
        unknown.extra["modalities"],
        serde_json::json!(["audio", "text"])
    );
    assert_eq!(unknown.extra["cost"]["value"], 1.72);
    assert_eq!(unknown.extra["cost"]["currency"], "usd");
    assert_eq!(
        unknown.extra.len(),
        results[1].1.as_object().unwrap().len() - 1
    );
    check_result(results[1].0, results[1].1);
    assert_round_trip(&page, &json);
}

#[test]
fn every_result_type_decodes_into_its_own_variant() {
    let json = support::fixture_json(PROVIDER, "usage_completions.mixed_variants.json");
    let page: UsageResponse = serde_json::from_value(json.clone()).unwrap();
    let results = assert_page(&page, &json);
    let checks: [fn(&UsageResult) -> bool; 12] = [
        |r| matches!(r, UsageResult::UsageCompletionsResult(_)),
        |r| matches!(r, UsageResult::UsageEmbeddingsResult(_)),
        |r| matches!(r, UsageResult::UsageModerationsResult(_)),
        |r| matches!(r, UsageResult::UsageImagesResult(_)),
        |r| matches!(r, UsageResult::UsageAudioSpeechesResult(_)),
        |r| matches!(r, UsageResult::UsageAudioTranscriptionsResult(_)),
        |r| matches!(r, UsageResult::UsageVectorStoresResult(_)),
        |r| matches!(r, UsageResult::UsageCodeInterpreterSessionsResult(_)),
        |r| matches!(r, UsageResult::UsageFileSearchCallsResult(_)),
        |r| matches!(r, UsageResult::UsageWebSearchCallsResult(_)),
        |r| matches!(r, UsageResult::CostsResult(_)),
        |r| matches!(r, UsageResult::UnknownUsageResult(_)),
    ];
    assert_eq!(results.len(), checks.len());
    for ((result, result_json), is_expected) in results.iter().zip(checks) {
        assert!(
            is_expected(result),
            "{} decoded as {result:?}",
            result_json["object"]
        );
        check_result(result, result_json);
    }
    check_file_search(as_file_search(results[8].0), results[8].1);
    check_web_search(as_web_search(results[9].0), results[9].1);
    assert_round_trip(&page, &json);
}

#[test]
fn a_known_result_type_whose_fields_do_not_fit_is_kept_whole_with_why() {
    for (broken, path) in [
        // A required field missing: OpenAI's first published shape of this result.
        (
            serde_json::json!({"object": "organization.usage.code_interpreter_sessions.result", "sessions": 1}),
            "",
        ),
        // A required field of another type.
        (
            serde_json::json!({"object": "organization.usage.completions.result", "input_tokens": "many", "output_tokens": 1, "num_model_requests": 1}),
            "input_tokens",
        ),
        // An optional field of another type, nested.
        (
            serde_json::json!({"object": "organization.costs.result", "amount": {"value": "twelve"}}),
            "amount.value",
        ),
    ] {
        let decoded = serde_json::from_value::<UsageResult>(broken.clone()).unwrap();
        let kept = as_unknown(&decoded);
        assert!(kept.names_known_type(), "{broken}");
        assert_eq!(kept.object.as_str(), broken["object"].as_str().unwrap());
        check_result(&decoded, &broken);
        let why = kept.decode_error().unwrap();
        if path.is_empty() {
            assert!(why.starts_with("missing field"), "{why}");
        } else {
            assert!(why.starts_with(&format!("at `{path}`: ")), "{why}");
        }
        // Written back, it is the result as sent.
        assert_eq!(serde_json::to_value(&decoded).unwrap(), broken);
    }
    // The same shape under an unknown type is kept too, with no decode error: nothing was
    // expected of it.
    let unknown =
        serde_json::json!({"object": "organization.usage.future.result", "input_tokens": 1});
    let decoded = serde_json::from_value::<UsageResult>(unknown).unwrap();
    let kept = as_unknown(&decoded);
    assert!(!kept.names_known_type());
    assert_eq!(kept.decode_error(), None);
    // A result that fits its type is never the catch-all.
    let fits = serde_json::json!({"object": "organization.usage.code_interpreter_sessions.result", "num_sessions": 1});
    assert!(matches!(
        serde_json::from_value::<UsageResult>(fits).unwrap(),
        UsageResult::UsageCodeInterpreterSessionsResult(_)
    ));
}

#[tokio::test]
async fn a_result_that_does_not_fit_its_type_does_not_fail_its_page() {
    let api_path = "/organization/costs";
    let (server, client) = serve(api_path, 200, "usage_costs.malformed_result.json").await;
    let page = client
        .usage_costs()
        .start_time(START)
        .send()
        .await
        .unwrap()
        .into_inner();
    assert_request(&server, api_path).await;
    let json = support::fixture_json(PROVIDER, "usage_costs.malformed_result.json");
    let results = assert_page(&page, &json);
    assert_eq!(results.len(), 4);
    // The results around it decode as usual, in their places.
    for index in [0, 2, 3] {
        check_costs(as_costs(results[index].0), results[index].1);
    }
    // The one whose amount is not a number is kept whole, and says why.
    let kept = as_unknown(results[1].0);
    assert_eq!(kept.object.as_str(), "organization.costs.result");
    assert!(kept.names_known_type());
    assert_eq!(kept.extra["amount"]["value"], "twelve");
    assert_eq!(kept.extra["line_item"], "gpt-4o-2024-08-06, output");
    let why = kept.decode_error().unwrap();
    assert!(why.starts_with("at `amount.value`: "), "{why}");
    check_result(results[1].0, results[1].1);
    assert_round_trip(&page, &json);

    // The cost view does not drop it silently: it carries money it cannot read.
    let error = usage_bindings::openai::cost_records(&page).unwrap_err();
    let message = error.to_string();
    assert!(message.contains("data[0].results[1]"), "{message}");
    assert!(message.contains("amount.value"), "{message}");
    // Nor does the cost stream, which makes the records one result at a time: the result is an
    // error item in its place, and the stream goes on with the next result.
    let (_costs_server, costs_client) =
        serve(api_path, 200, "usage_costs.malformed_result.json").await;
    let start = chrono::DateTime::from_timestamp(START, 0).unwrap();
    let window =
        usage_bindings::cost::Window::new(start, start + chrono::TimeDelta::days(2)).unwrap();
    let items: Vec<_> = futures::StreamExt::collect(usage_bindings::cost::CostSource::records(
        &usage_bindings::openai::Costs::new(costs_client),
        window,
    ))
    .await;
    assert_eq!(items.len(), 4);
    assert_eq!(items[0].as_ref().unwrap().amount.to_string(), "0.75");
    let error = items[1].as_ref().unwrap_err().to_string();
    assert!(error.contains("amount.value"), "{error}");
    assert!(items[2..].iter().all(Result::is_ok));
}

#[tokio::test]
async fn unknown_fields_at_every_level_are_ignored() {
    for (api_path, fixture) in [
        (
            "/organization/usage/completions",
            "usage_completions.extra_fields.json",
        ),
        ("/organization/costs", "usage_costs.extra_fields.json"),
    ] {
        let (server, client) = serve(api_path, 200, fixture).await;
        let page = if fixture.starts_with("usage_costs") {
            client.usage_costs().start_time(START).send().await
        } else {
            client.usage_completions().start_time(START).send().await
        }
        .unwrap()
        .into_inner();
        assert_request(&server, api_path).await;
        let json = support::fixture_json(PROVIDER, fixture);
        let results = assert_page(&page, &json);
        assert_eq!(results.len(), 1);
        // Known fields are read; the unknown ones beside them change nothing.
        check_result(results[0].0, results[0].1);
        assert!(!matches!(results[0].0, UsageResult::UnknownUsageResult(_)));
    }
}

// ---------------------------------------------------------------------------------------------
// every fixture

/// The fixtures holding results that do not decode into the variant of their operation, and why:
/// `false` for an `object` this crate does not know (OpenAI's first published examples spelt it
/// `orgainzation.`), `true` for a known `object` whose fields do not fit its type.
const KEPT_WHOLE: [(&str, bool); 21] = [
    (
        "usage_audio_speeches.published_example_2024_12_04_7d205ff.json",
        false,
    ),
    (
        "usage_audio_transcriptions.published_example_2024_12_04_7d205ff.json",
        false,
    ),
    (
        "usage_code_interpreter_sessions.published_example_2024_12_04_7d205ff.json",
        false,
    ),
    (
        "usage_code_interpreter_sessions.published_example_2024_12_04_d7a9f7e.json",
        true,
    ),
    (
        "usage_completions.published_example_2024_12_04_7d205ff.json",
        false,
    ),
    (
        "usage_costs.published_example_2024_12_04_7d205ff.json",
        false,
    ),
    ("usage_costs.malformed_result.json", true),
    (
        "usage_embeddings.published_example_2024_12_04_7d205ff.json",
        false,
    ),
    (
        "usage_images.published_example_2024_12_04_7d205ff.json",
        false,
    ),
    (
        "usage_moderations.published_example_2024_12_04_7d205ff.json",
        false,
    ),
    (
        "usage_vector_stores.published_example_2024_12_04_7d205ff.json",
        false,
    ),
    (
        "result.usage_audio_speeches_published_example_2024_12_04_7d205ff.json",
        false,
    ),
    (
        "result.usage_audio_transcriptions_published_example_2024_12_04_7d205ff.json",
        false,
    ),
    (
        "result.usage_code_interpreter_sessions_published_example_2024_12_04_7d205ff.json",
        false,
    ),
    (
        "result.usage_code_interpreter_sessions_published_example_2024_12_04_d7a9f7e.json",
        true,
    ),
    (
        "result.usage_completions_published_example_2024_12_04_7d205ff.json",
        false,
    ),
    (
        "result.usage_costs_published_example_2024_12_04_7d205ff.json",
        false,
    ),
    (
        "result.usage_embeddings_published_example_2024_12_04_7d205ff.json",
        false,
    ),
    (
        "result.usage_images_published_example_2024_12_04_7d205ff.json",
        false,
    ),
    (
        "result.usage_moderations_published_example_2024_12_04_7d205ff.json",
        false,
    ),
    (
        "result.usage_vector_stores_published_example_2024_12_04_7d205ff.json",
        false,
    ),
];

/// The operation a fixture's results belong to: its subject, or for single results
/// (`result.<operation>_<case>.json`) and bucket lists (`buckets.<operation>_<case>.json`) the
/// operation its case starts with.
fn operation_of<'a>(subject: &'a str, case: &'a str) -> &'a str {
    match subject {
        "result" | "buckets" => OPERATIONS
            .iter()
            .filter(|operation| case.starts_with(&format!("{operation}_")))
            .max_by_key(|operation| operation.len())
            .unwrap_or_else(|| panic!("`{subject}.{case}` names no operation")),
        _ => subject,
    }
}

#[test]
fn every_fixture_decodes_into_the_type_its_name_says() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/openai");
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|entry| entry.unwrap().file_name().into_string().unwrap())
        .filter(|name| name.ends_with(".json"))
        .collect();
    names.sort();

    let mut errors = 0;
    let mut kept_whole = Vec::new();
    for name in &names {
        let json = support::fixture_json(PROVIDER, name);
        let (subject, case) = name
            .trim_end_matches(".json")
            .split_once('.')
            .unwrap_or_else(|| panic!("fixture `{name}` is not <operation>.<case>.json"));
        if subject == "error" {
            let body: ErrorResponse =
                serde_json::from_value(json.clone()).unwrap_or_else(|e| panic!("{name}: {e}"));
            assert_eq!(
                body.error.message,
                json["error"]["message"].as_str().unwrap()
            );
            assert_round_trip(&body, &json);
            errors += 1;
            continue;
        }
        // Decoded from the text, as a response body is.
        let text = support::fixture(PROVIDER, name);
        let (results, written): (Vec<(UsageResult, Value)>, Value) = match subject {
            "result" => {
                let result: UsageResult = usage_bindings::json::from_slice(text.as_bytes())
                    .unwrap_or_else(|e| panic!("{name}: {e}"));
                let written = serde_json::to_value(&result).unwrap();
                (vec![(result, json.clone())], written)
            }
            "buckets" => {
                let buckets: Vec<UsageTimeBucket> =
                    usage_bindings::json::from_slice(text.as_bytes())
                        .unwrap_or_else(|e| panic!("{name}: {e}"));
                let written = serde_json::to_value(&buckets).unwrap();
                let page = UsageResponse {
                    object: UsageResponseObject::Page,
                    data: buckets,
                    has_more: false,
                    next_page: None,
                };
                let envelope = serde_json::json!({
                    "object": "page", "data": json.clone(), "has_more": false, "next_page": null
                });
                let results = assert_page(&page, &envelope)
                    .into_iter()
                    .map(|(r, j)| (r.clone(), j.clone()))
                    .collect();
                (results, written)
            }
            _ => {
                let page: UsageResponse = usage_bindings::json::from_slice(text.as_bytes())
                    .unwrap_or_else(|e| panic!("{name}: {e}"));
                let results = assert_page(&page, &json)
                    .into_iter()
                    .map(|(r, j)| (r.clone(), j.clone()))
                    .collect();
                (results, serde_json::to_value(&page).unwrap())
            }
        };
        for (result, result_json) in &results {
            check_result(result, result_json);
        }
        let kept: Vec<&UsageResult> = results
            .iter()
            .map(|(result, _)| result)
            .filter(|result| matches!(result, UsageResult::UnknownUsageResult(_)))
            .collect();
        match case {
            // Several result types on purpose.
            "unknown_variant" | "mixed_variants" => {}
            _ => {
                let expected = variant_of_operation(operation_of(subject, case));
                let known_type = KEPT_WHOLE
                    .iter()
                    .find(|(fixture, _)| fixture == name)
                    .map(|(_, known_type)| *known_type);
                for (result, _) in &results {
                    match (result, known_type) {
                        (UsageResult::UnknownUsageResult(kept), Some(known_type)) => {
                            assert_eq!(kept.names_known_type(), known_type, "{name}");
                            assert_eq!(kept.decode_error().is_some(), known_type, "{name}");
                        }
                        _ => assert!(expected(result), "{name}: {result:?}"),
                    }
                }
                if known_type.is_some() {
                    assert!(!kept.is_empty(), "{name}: nothing was kept whole");
                    kept_whole.push(name.clone());
                }
            }
        }
        if case != "extra_fields" {
            assert_round_trip(&written, &json);
        }
        if case == "nulls" {
            // Every nullable field is present and null in the fixture, and decodes as None.
            assert_eq!(json["next_page"], Value::Null);
            assert!(results.iter().any(|(_, j)| j
                .as_object()
                .unwrap()
                .values()
                .any(Value::is_null)));
            assert!(json["data"]
                .as_array()
                .unwrap()
                .iter()
                .any(|b| b["results"].as_array().unwrap().is_empty()));
        }
    }
    // The cases every operation has.
    for operation in OPERATIONS {
        for case in ["full", "minimal", "grouped", "nulls", "published_example"] {
            let file = format!("{operation}.{case}.json");
            assert!(names.contains(&file), "missing fixture {file}");
        }
        let file = format!("result.{operation}_published_example.json");
        assert!(names.contains(&file), "missing fixture {file}");
    }
    kept_whole.sort();
    kept_whole.dedup();
    let mut listed: Vec<String> = KEPT_WHOLE.iter().map(|(f, _)| f.to_string()).collect();
    listed.sort();
    assert_eq!(kept_whole, listed);
    assert!(errors >= 4, "error fixtures: {errors}");
}

#[test]
fn grouped_fixtures_set_only_their_grouping_fields() {
    let json = support::fixture_json(PROVIDER, "usage_costs.grouped.json");
    let page: UsageResponse = serde_json::from_value(json.clone()).unwrap();
    let results = assert_page(&page, &json);
    assert_eq!(results.len(), 4);
    let mut total = rust_decimal::Decimal::ZERO;
    for (result, result_json) in &results {
        let r = as_costs(result);
        check_costs(r, result_json);
        assert!(r.line_item.is_some() && r.project_id.is_some());
        assert_eq!(r.api_key_id, None);
        total += r.amount.as_ref().unwrap().value.unwrap().value();
    }
    // 12.3456 + 0.0825 + 0.3 + 7.01, exactly.
    assert_eq!(total.to_string(), "19.7381");
}

// ---------------------------------------------------------------------------------------------
// array parameters on the wire

/// What one array parameter of one operation must look like on the wire.
struct ArrayCase {
    operation: &'static str,
    api_path: &'static str,
    /// The name on the wire, brackets included.
    param: &'static str,
    /// The values sent, as text, in order.
    values: &'static [&'static str],
    send: fn(Client) -> std::pin::Pin<Box<dyn std::future::Future<Output = ()> + Send>>,
}

/// A case that sends `start_time` and `.$setter(vec![$value, ...])` and nothing else.
macro_rules! array_case {
    ($operation:ident, $api_path:literal, $param:literal, $setter:ident, [$($value:expr => $text:literal),+ $(,)?]) => {
        ArrayCase {
            operation: stringify!($operation),
            api_path: $api_path,
            param: $param,
            values: &[$($text),+],
            send: |client| {
                Box::pin(async move {
                    client
                        .$operation()
                        .start_time(START)
                        .$setter(vec![$($value),+])
                        .send()
                        .await
                        .unwrap();
                })
            },
        }
    };
}

fn array_cases() -> Vec<ArrayCase> {
    vec![
        // completions
        array_case!(
            usage_completions,
            "/organization/usage/completions",
            "project_ids[]",
            project_ids,
            ["proj_a".into() => "proj_a", "proj_b".into() => "proj_b"]
        ),
        array_case!(
            usage_completions,
            "/organization/usage/completions",
            "user_ids[]",
            user_ids,
            ["user-a".into() => "user-a", "user-b".into() => "user-b"]
        ),
        array_case!(
            usage_completions,
            "/organization/usage/completions",
            "api_key_ids[]",
            api_key_ids,
            ["key_a".into() => "key_a", "key_b".into() => "key_b"]
        ),
        array_case!(
            usage_completions,
            "/organization/usage/completions",
            "models[]",
            models,
            ["gpt-4o".into() => "gpt-4o", "o3".into() => "o3"]
        ),
        array_case!(
            usage_completions,
            "/organization/usage/completions",
            "group_by[]",
            group_by,
            [UsageCompletionsGroupBy::Batch => "batch", UsageCompletionsGroupBy::ServiceTier => "service_tier"]
        ),
        // embeddings
        array_case!(
            usage_embeddings,
            "/organization/usage/embeddings",
            "project_ids[]",
            project_ids,
            ["proj_a".into() => "proj_a", "proj_b".into() => "proj_b"]
        ),
        array_case!(
            usage_embeddings,
            "/organization/usage/embeddings",
            "user_ids[]",
            user_ids,
            ["user-a".into() => "user-a", "user-b".into() => "user-b"]
        ),
        array_case!(
            usage_embeddings,
            "/organization/usage/embeddings",
            "api_key_ids[]",
            api_key_ids,
            ["key_a".into() => "key_a", "key_b".into() => "key_b"]
        ),
        array_case!(
            usage_embeddings,
            "/organization/usage/embeddings",
            "models[]",
            models,
            ["text-embedding-3-small".into() => "text-embedding-3-small", "text-embedding-3-large".into() => "text-embedding-3-large"]
        ),
        array_case!(
            usage_embeddings,
            "/organization/usage/embeddings",
            "group_by[]",
            group_by,
            [UsageEmbeddingsGroupBy::Model => "model", UsageEmbeddingsGroupBy::UserId => "user_id"]
        ),
        // moderations
        array_case!(
            usage_moderations,
            "/organization/usage/moderations",
            "project_ids[]",
            project_ids,
            ["proj_a".into() => "proj_a", "proj_b".into() => "proj_b"]
        ),
        array_case!(
            usage_moderations,
            "/organization/usage/moderations",
            "user_ids[]",
            user_ids,
            ["user-a".into() => "user-a", "user-b".into() => "user-b"]
        ),
        array_case!(
            usage_moderations,
            "/organization/usage/moderations",
            "api_key_ids[]",
            api_key_ids,
            ["key_a".into() => "key_a", "key_b".into() => "key_b"]
        ),
        array_case!(
            usage_moderations,
            "/organization/usage/moderations",
            "models[]",
            models,
            ["omni-moderation-latest".into() => "omni-moderation-latest", "text-moderation-007".into() => "text-moderation-007"]
        ),
        array_case!(
            usage_moderations,
            "/organization/usage/moderations",
            "group_by[]",
            group_by,
            [UsageModerationsGroupBy::ProjectId => "project_id", UsageModerationsGroupBy::ApiKeyId => "api_key_id"]
        ),
        // images
        array_case!(
            usage_images,
            "/organization/usage/images",
            "sources[]",
            sources,
            [UsageImagesSource::ImageEdit => "image.edit", UsageImagesSource::ImageVariation => "image.variation"]
        ),
        array_case!(
            usage_images,
            "/organization/usage/images",
            "sizes[]",
            sizes,
            [UsageImagesSize::X1024x1792 => "1024x1792", UsageImagesSize::X256x256 => "256x256"]
        ),
        array_case!(
            usage_images,
            "/organization/usage/images",
            "project_ids[]",
            project_ids,
            ["proj_a".into() => "proj_a", "proj_b".into() => "proj_b"]
        ),
        array_case!(
            usage_images,
            "/organization/usage/images",
            "user_ids[]",
            user_ids,
            ["user-a".into() => "user-a", "user-b".into() => "user-b"]
        ),
        array_case!(
            usage_images,
            "/organization/usage/images",
            "api_key_ids[]",
            api_key_ids,
            ["key_a".into() => "key_a", "key_b".into() => "key_b"]
        ),
        array_case!(
            usage_images,
            "/organization/usage/images",
            "models[]",
            models,
            ["dall-e-3".into() => "dall-e-3", "gpt-image-1".into() => "gpt-image-1"]
        ),
        array_case!(
            usage_images,
            "/organization/usage/images",
            "group_by[]",
            group_by,
            [UsageImagesGroupBy::Size => "size", UsageImagesGroupBy::Source => "source"]
        ),
        // audio speeches
        array_case!(
            usage_audio_speeches,
            "/organization/usage/audio_speeches",
            "project_ids[]",
            project_ids,
            ["proj_a".into() => "proj_a", "proj_b".into() => "proj_b"]
        ),
        array_case!(
            usage_audio_speeches,
            "/organization/usage/audio_speeches",
            "user_ids[]",
            user_ids,
            ["user-a".into() => "user-a", "user-b".into() => "user-b"]
        ),
        array_case!(
            usage_audio_speeches,
            "/organization/usage/audio_speeches",
            "api_key_ids[]",
            api_key_ids,
            ["key_a".into() => "key_a", "key_b".into() => "key_b"]
        ),
        array_case!(
            usage_audio_speeches,
            "/organization/usage/audio_speeches",
            "models[]",
            models,
            ["tts-1".into() => "tts-1", "tts-1-hd".into() => "tts-1-hd"]
        ),
        array_case!(
            usage_audio_speeches,
            "/organization/usage/audio_speeches",
            "group_by[]",
            group_by,
            [UsageAudioSpeechesGroupBy::UserId => "user_id", UsageAudioSpeechesGroupBy::Model => "model"]
        ),
        // audio transcriptions
        array_case!(
            usage_audio_transcriptions,
            "/organization/usage/audio_transcriptions",
            "project_ids[]",
            project_ids,
            ["proj_a".into() => "proj_a", "proj_b".into() => "proj_b"]
        ),
        array_case!(
            usage_audio_transcriptions,
            "/organization/usage/audio_transcriptions",
            "user_ids[]",
            user_ids,
            ["user-a".into() => "user-a", "user-b".into() => "user-b"]
        ),
        array_case!(
            usage_audio_transcriptions,
            "/organization/usage/audio_transcriptions",
            "api_key_ids[]",
            api_key_ids,
            ["key_a".into() => "key_a", "key_b".into() => "key_b"]
        ),
        array_case!(
            usage_audio_transcriptions,
            "/organization/usage/audio_transcriptions",
            "models[]",
            models,
            ["whisper-1".into() => "whisper-1", "gpt-4o-transcribe".into() => "gpt-4o-transcribe"]
        ),
        array_case!(
            usage_audio_transcriptions,
            "/organization/usage/audio_transcriptions",
            "group_by[]",
            group_by,
            [UsageAudioTranscriptionsGroupBy::ApiKeyId => "api_key_id", UsageAudioTranscriptionsGroupBy::ProjectId => "project_id"]
        ),
        // vector stores
        array_case!(
            usage_vector_stores,
            "/organization/usage/vector_stores",
            "project_ids[]",
            project_ids,
            ["proj_a".into() => "proj_a", "proj_b".into() => "proj_b"]
        ),
        array_case!(
            usage_vector_stores,
            "/organization/usage/vector_stores",
            "group_by[]",
            group_by,
            [UsageVectorStoresGroupBy::ProjectId => "project_id"]
        ),
        // code interpreter sessions
        array_case!(
            usage_code_interpreter_sessions,
            "/organization/usage/code_interpreter_sessions",
            "project_ids[]",
            project_ids,
            ["proj_a".into() => "proj_a", "proj_b".into() => "proj_b"]
        ),
        array_case!(
            usage_code_interpreter_sessions,
            "/organization/usage/code_interpreter_sessions",
            "group_by[]",
            group_by,
            [UsageCodeInterpreterSessionsGroupBy::ProjectId => "project_id"]
        ),
        // file search calls
        array_case!(
            usage_file_search_calls,
            "/organization/usage/file_search_calls",
            "project_ids[]",
            project_ids,
            ["proj_a".into() => "proj_a", "proj_b".into() => "proj_b"]
        ),
        array_case!(
            usage_file_search_calls,
            "/organization/usage/file_search_calls",
            "user_ids[]",
            user_ids,
            ["user-a".into() => "user-a", "user-b".into() => "user-b"]
        ),
        array_case!(
            usage_file_search_calls,
            "/organization/usage/file_search_calls",
            "api_key_ids[]",
            api_key_ids,
            ["key_a".into() => "key_a", "key_b".into() => "key_b"]
        ),
        array_case!(
            usage_file_search_calls,
            "/organization/usage/file_search_calls",
            "vector_store_ids[]",
            vector_store_ids,
            ["vs_a".into() => "vs_a", "vs_b".into() => "vs_b"]
        ),
        array_case!(
            usage_file_search_calls,
            "/organization/usage/file_search_calls",
            "group_by[]",
            group_by,
            [UsageFileSearchCallsGroupBy::VectorStoreId => "vector_store_id", UsageFileSearchCallsGroupBy::UserId => "user_id"]
        ),
        // web search calls
        array_case!(
            usage_web_search_calls,
            "/organization/usage/web_search_calls",
            "project_ids[]",
            project_ids,
            ["proj_a".into() => "proj_a", "proj_b".into() => "proj_b"]
        ),
        array_case!(
            usage_web_search_calls,
            "/organization/usage/web_search_calls",
            "user_ids[]",
            user_ids,
            ["user-a".into() => "user-a", "user-b".into() => "user-b"]
        ),
        array_case!(
            usage_web_search_calls,
            "/organization/usage/web_search_calls",
            "api_key_ids[]",
            api_key_ids,
            ["key_a".into() => "key_a", "key_b".into() => "key_b"]
        ),
        array_case!(
            usage_web_search_calls,
            "/organization/usage/web_search_calls",
            "models[]",
            models,
            ["gpt-4o".into() => "gpt-4o", "gpt-4o-mini".into() => "gpt-4o-mini"]
        ),
        array_case!(
            usage_web_search_calls,
            "/organization/usage/web_search_calls",
            "context_levels[]",
            context_levels,
            [UsageWebSearchCallsContextLevel::High => "high", UsageWebSearchCallsContextLevel::Low => "low"]
        ),
        array_case!(
            usage_web_search_calls,
            "/organization/usage/web_search_calls",
            "group_by[]",
            group_by,
            [UsageWebSearchCallsGroupBy::ContextLevel => "context_level", UsageWebSearchCallsGroupBy::Model => "model"]
        ),
        // costs
        array_case!(
            usage_costs,
            "/organization/costs",
            "project_ids[]",
            project_ids,
            ["proj_a".into() => "proj_a", "proj_b".into() => "proj_b"]
        ),
        array_case!(
            usage_costs,
            "/organization/costs",
            "api_key_ids[]",
            api_key_ids,
            ["key_a".into() => "key_a", "key_b".into() => "key_b"]
        ),
        array_case!(
            usage_costs,
            "/organization/costs",
            "group_by[]",
            group_by,
            [CostsGroupBy::LineItem => "line_item", CostsGroupBy::ApiKeyId => "api_key_id"]
        ),
    ]
}

/// Every array query parameter the spec declares, as (operation, name on the wire).
fn spec_array_parameters() -> std::collections::BTreeSet<(String, String)> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("openapi/openai.yaml");
    let spec: Value = serde_yaml::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let deref = |value: &Value| -> Value {
        match value.get("$ref").and_then(Value::as_str) {
            Some(reference) => spec.pointer(&reference[1..]).unwrap().clone(),
            None => value.clone(),
        }
    };
    let mut found = std::collections::BTreeSet::new();
    for item in spec["paths"].as_object().unwrap().values() {
        for operation in item.as_object().unwrap().values() {
            for parameter in operation["parameters"].as_array().unwrap() {
                let parameter = deref(parameter);
                if parameter["in"] == "query" && parameter["schema"]["type"] == "array" {
                    found.insert((
                        operation["operationId"].as_str().unwrap().to_string(),
                        parameter["name"].as_str().unwrap().to_string(),
                    ));
                }
            }
        }
    }
    found
}

#[test]
fn every_array_parameter_of_the_spec_has_a_wire_case() {
    let cases: std::collections::BTreeSet<(String, String)> = array_cases()
        .iter()
        .map(|case| (case.operation.to_string(), case.param.to_string()))
        .collect();
    let declared = spec_array_parameters();
    assert_eq!(cases, declared);
    // Every array parameter is named with brackets.
    assert!(declared.iter().all(|(_, name)| name.ends_with("[]")));
    assert_eq!(declared.len(), 50);
}

#[tokio::test]
async fn every_array_parameter_is_sent_with_brackets_once_per_value() {
    for case in array_cases() {
        let (server, client) = serve(case.api_path, 200, "usage_costs.minimal.json").await;
        (case.send)(client).await;
        let request = assert_request(&server, case.api_path).await;
        let label = format!("{} {}", case.operation, case.param);
        // Decoded: `start_time` and one `<name>[]` pair per value, in order, nothing else.
        let pairs: Vec<(String, String)> = request
            .url
            .query_pairs()
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect();
        let (start, rest): (Vec<_>, Vec<_>) =
            pairs.into_iter().partition(|(k, _)| k == "start_time");
        assert_eq!(
            start,
            [("start_time".to_string(), "1730419200".to_string())],
            "{label}"
        );
        let expected: Vec<(String, String)> = case
            .values
            .iter()
            .map(|value| (case.param.to_string(), value.to_string()))
            .collect();
        assert_eq!(rest, expected, "{label}: {}", request.url);
        // Raw: the brackets percent-encoded as a form encoder writes them (`%5B%5D`), which the
        // server reads as `[]`, as it does from OpenAI's SDKs.
        let raw = request.url.query().unwrap_or_default();
        let base = case.param.trim_end_matches("[]");
        let raw_pairs: Vec<&str> = raw
            .split('&')
            .filter(|pair| !pair.starts_with("start_time="))
            .collect();
        let raw_expected: Vec<String> = case
            .values
            .iter()
            .map(|value| format!("{base}%5B%5D={value}"))
            .collect();
        assert_eq!(raw_pairs, raw_expected, "{label}: {raw}");
    }
}
