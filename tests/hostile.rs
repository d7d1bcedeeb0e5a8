//! Hostile bodies: every body in `tests/hostile/` goes through every decoder and through every
//! client operation over HTTP. Each yields a value or a typed error; none panics. Some bodies
//! have a known right answer, checked here (unknown result variants kept, string amounts exact).
//!
//! The decoders are every typed body of every provider built in (the fixture table each provider
//! declares in its `fuzz.rs`, reached through its registry entry; feature `fuzzing`), the
//! operations every operation of every row of the test table.

use std::path::PathBuf;

use usage_bindings::{Error, RetryPolicy};
use wiremock::{MockServer, ResponseTemplate};

mod support;

use support::{assert_no_key, rows, serve};

fn corpus() -> Vec<(String, Vec<u8>)> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/hostile");
    let mut bodies: Vec<(String, Vec<u8>)> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|entry| {
            let path = entry.unwrap().path();
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            (name, std::fs::read(&path).unwrap())
        })
        .collect();
    bodies.sort();
    assert!(
        bodies.len() >= 50,
        "the corpus holds {} bodies",
        bodies.len()
    );
    bodies
}

#[cfg(feature = "openai")]
fn body(name: &str) -> Vec<u8> {
    corpus()
        .into_iter()
        .find(|(n, _)| n == name)
        .unwrap_or_else(|| panic!("no hostile body {name}"))
        .1
}

/// Every body through every typed body decoder of every provider built in, each type once: a
/// decode error must have a message, a value must encode again and decode back to itself
/// (`decode(encode(x)) == x`, as the fuzz targets in `fuzz/` check), and the clients' decoder
/// (`usage_bindings::json`) must agree with serde_json's own `from_slice`.
#[cfg(feature = "fuzzing")]
#[test]
fn every_decoder_survives_every_body() {
    let mut decoders = Vec::new();
    for descriptor in usage_bindings::registry::descriptors() {
        let mut seen = std::collections::BTreeSet::new();
        for body in descriptor.fuzz.bodies {
            if seen.insert(body.codec.rust) {
                decoders.push((descriptor.provider, body.codec));
            }
        }
    }
    assert!(!decoders.is_empty(), "no decoder to run");
    let mut failures = Vec::new();
    let mut decoded = 0;
    for (name, bytes) in corpus() {
        for (provider, codec) in &decoders {
            match (codec.decode)(&bytes) {
                Ok(true) => decoded += 1,
                Ok(false) => {}
                Err(problem) => {
                    failures.push(format!("{name} as {provider} {}: {problem}", codec.rust))
                }
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    // Some of the corpus is valid for some decoder: the round trip above ran.
    assert!(decoded > 0, "no hostile body decoded as any type");
}

#[cfg(feature = "openai")]
#[test]
fn bodies_with_a_right_answer_get_it() {
    use rust_decimal::Decimal;
    use usage_bindings::openai;
    use usage_bindings::openai::types::{UsageResponse, UsageResult};
    let page = |name: &str| usage_bindings::json::from_slice::<UsageResponse>(&body(name));

    let unknown = page("unknown_result_variant.json").unwrap();
    let results = &unknown.data[0].results;
    assert!(matches!(results[0], UsageResult::UsageCompletionsResult(_)));
    let UsageResult::UnknownUsageResult(kept) = &results[1] else {
        panic!("the unknown variant was not kept: {:?}", results[1]);
    };
    assert_eq!(
        kept.object.as_str(),
        "organization.usage.teleportation.result"
    );
    assert_eq!(kept.extra["num_jumps"], 3);
    assert_eq!(kept.extra["nested"]["a"][1], 2);
    assert!(page("unknown_object_only.json").is_ok());

    let amount = |name: &str| -> Option<Decimal> {
        let page = page(name).ok()?;
        match &page.data[0].results[0] {
            UsageResult::CostsResult(cost) => cost.amount.as_ref()?.value.map(|a| a.value()),
            // An amount that cannot be read exactly keeps its result whole: no amount is guessed.
            UsageResult::UnknownUsageResult(kept) if kept.names_known_type() => {
                assert!(kept
                    .decode_error()
                    .unwrap_or_default()
                    .starts_with("at `amount.value`: "));
                None
            }
            other => panic!("{name}: {other:?}"),
        }
    };
    assert_eq!(amount("string_amount.json"), Some("12.50".parse().unwrap()));
    assert_eq!(amount("zero_exponent_amount.json"), Some(Decimal::ZERO));
    assert_eq!(
        amount("negative_amount.json"),
        Some("-0.06".parse().unwrap())
    );
    for refused in [
        "nan_string.json",
        "infinity_string.json",
        "bool_for_amount.json",
        "huge_amount.json",
    ] {
        assert_eq!(
            amount(refused),
            None,
            "{refused} must not decode into an amount"
        );
        assert!(
            page(refused).is_ok(),
            "{refused}: the page must still decode"
        );
    }
    // Read as the nearest f64 (serde_json's float_roundtrip), not one ulp off (…334).
    assert_eq!(
        amount("fuzz_amount_16_digits.json"),
        Some(Decimal::from(7927593543950335_i64))
    );
    // 1e-300 is below Decimal's 28 digits of scale: refused rather than rounded to zero.
    assert_eq!(amount("tiny_amount.json"), None);
    assert!(page("tiny_amount.json").is_ok());

    for broken in [
        "empty.json",
        "truncated_object.json",
        "html_error_page.json",
        "invalid_utf8.json",
        "trailing_garbage.json",
        "missing_required_field.json",
        "null_data.json",
        "result_without_object.json",
        "lone_surrogate.json",
        "raw_control_character.json",
    ] {
        assert!(page(broken).is_err(), "{broken} must not decode");
    }
    // A result whose fields do not fit its type is kept whole, and the page decodes.
    for malformed in [
        "i64_overflow.json",
        "float_for_integer.json",
        "number_as_string.json",
        "null_not_nullable.json",
    ] {
        let page = page(malformed).unwrap_or_else(|e| panic!("{malformed}: {e}"));
        let UsageResult::UnknownUsageResult(kept) = &page.data[0].results[0] else {
            panic!("{malformed}: {:?}", page.data[0].results[0]);
        };
        assert!(kept.names_known_type(), "{malformed}");
        let why = kept.decode_error().unwrap_or_default();
        assert!(why.starts_with("at `input_tokens`: "), "{malformed}: {why}");
        assert_eq!(kept.extra["output_tokens"], 5, "{malformed}");
    }
    // A deeply nested unknown field is skipped like any unknown field: the result stays known.
    let nested = page("deep_nesting_in_field.json").unwrap();
    assert!(matches!(
        nested.data[0].results[0],
        UsageResult::UsageCompletionsResult(_)
    ));
    // Negative token counts are not refused by the spec: the value is kept as sent.
    assert!(page("negative_tokens.json").is_ok());
    let error: openai::types::ErrorResponse =
        serde_json::from_slice(&body("unknown_enum_value.json")).unwrap();
    assert_eq!(error.error.type_, "brand_new_error_type");
}

/// Every operation of every provider in the table, called with the body served: each returns a
/// value or one of the crate's errors with a one-sentence message.
async fn call_everything(server: &MockServer) -> Vec<Result<(), Error>> {
    let mut results = Vec::new();
    for row in rows() {
        let client = row.client(server, RetryPolicy::disabled());
        results.extend(client.call_everything().await);
    }
    results
}

/// One body at one status through every operation.
async fn check_body(name: String, bytes: Vec<u8>, status: u16) {
    let server =
        serve(ResponseTemplate::new(status).set_body_raw(bytes.clone(), "application/json")).await;
    for result in call_everything(&server).await {
        let Err(error) = result else {
            assert_eq!(status, 200, "{name}: an error status returned a value");
            continue;
        };
        let message = error.to_string();
        assert!(
            !message.is_empty() && !message.contains('\n'),
            "{name} {status}: {message:?}"
        );
        assert_no_key(&message);
        if status != 200 {
            assert_eq!(error.status(), Some(status), "{name}: {error}");
        } else {
            // A success body is not JSON or JSON of the wrong shape: never an API error.
            assert!(
                matches!(error, Error::NotJson { .. } | Error::Decode { .. }),
                "{name}: {error:?}"
            );
        }
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn every_operation_survives_every_body() {
    // A success status sends the body to the response decoders, an error status to the error
    // envelope parsers; the bodies run concurrently, each against its own server.
    for status in [200, 502] {
        let checks = corpus()
            .into_iter()
            .map(|(name, bytes)| tokio::spawn(check_body(name, bytes, status)));
        for check in futures::future::join_all(checks).await {
            check.unwrap();
        }
    }
}
