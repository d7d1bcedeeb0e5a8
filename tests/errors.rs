#![cfg(all(feature = "openai", feature = "northflank", feature = "phala"))]
//! The crate error over a local mock server: status, message, code and request id from each
//! provider's envelope; non-JSON and off-schema error bodies; the JSON path of a body that does
//! not decode; one-sentence `Display`; no key anywhere.

mod support;

use serde_json::json;
use support::*;
use usage_bindings::{Error, Provider, RetryPolicy};
use wiremock::matchers::method;
use wiremock::{Mock, MockServer, ResponseTemplate};

/// The operation name an error shows when it does not know the operation (`Error::operation()`
/// is then `None`).
const UNKNOWN_OPERATION: &str = "(unknown operation)";

const HTML_502: &str = "<!DOCTYPE html>\n<html>\n<head><title>502 Bad Gateway</title></head>\n<body>\n<center><h1>502 Bad Gateway</h1></center>\n<hr><center>nginx/1.25.3</center>\n</body>\n</html>\n";

/// The checks every error gets: one sentence, no key anywhere.
fn check(error: &Error) {
    let text = error.to_string();
    assert!(!text.contains('\n'), "more than one line: {text:?}");
    assert!(!text.is_empty());
    assert_error_keeps_keys(error);
}

/// The error of the row's simple operation against a server answering `response`, retries off.
async fn error_of(row: &Row, response: ResponseTemplate) -> Error {
    let server = serve(response).await;
    let client = row.client(&server, RetryPolicy::disabled());
    let error = client.call().await.unwrap_err();
    check(&error);
    error
}

async fn openai_error(response: ResponseTemplate) -> Error {
    error_of(&row(Provider::OpenAi), response).await
}

async fn northflank_error(response: ResponseTemplate) -> Error {
    error_of(&row(Provider::Northflank), response).await
}

async fn phala_error(response: ResponseTemplate) -> Error {
    error_of(&row(Provider::Phala), response).await
}

fn html(status: u16) -> ResponseTemplate {
    ResponseTemplate::new(status).set_body_raw(HTML_502, "text/html")
}

#[tokio::test]
async fn an_html_502_keeps_its_status_and_an_excerpt() {
    for row in rows() {
        let (provider, error) = (row.provider, error_of(&row, html(502)).await);
        let api = error.api().unwrap_or_else(|| panic!("{error:?}"));
        assert_eq!(api.provider, provider);
        assert_eq!(api.status, 502);
        assert_eq!(error.status(), Some(502));
        assert_eq!(api.message, None);
        assert_eq!(api.body, None);
        let excerpt = api.excerpt.as_deref().unwrap();
        assert!(excerpt.starts_with("<!DOCTYPE html> <html>"), "{excerpt}");
        assert!(excerpt.contains("502 Bad Gateway"), "{excerpt}");
        assert!(excerpt.chars().count() <= 201, "{excerpt}");
        let text = error.to_string();
        assert!(text.contains("HTTP 502 Bad Gateway"), "{text}");
        assert!(text.contains("not JSON"), "{text}");
        assert!(text.contains(provider.to_string().as_str()), "{text}");
    }
}

#[tokio::test]
async fn a_long_html_page_is_cut_short() {
    let page = format!("<html><body>{}</body></html>", "x".repeat(5000));
    let error = northflank_error(ResponseTemplate::new(503).set_body_raw(page, "text/html")).await;
    let excerpt = error.api().unwrap().excerpt.clone().unwrap();
    assert_eq!(
        excerpt.chars().count(),
        201,
        "200 characters and an ellipsis"
    );
    assert!(excerpt.ends_with('…'));
    assert!(error.to_string().len() < 400);
}

#[tokio::test]
async fn an_empty_error_body_says_so() {
    let error = openai_error(ResponseTemplate::new(500)).await;
    assert_eq!(error.status(), Some(500));
    assert!(error.to_string().contains("empty body"), "{error}");
}

#[tokio::test]
async fn an_html_502_is_retried_then_reported() {
    for row in rows() {
        let server = serve(html(502)).await;
        let client = row.client(&server, fast_retry().with_max_attempts(3));
        let error = client.call().await.unwrap_err();
        check(&error);
        assert_eq!(error.status(), Some(502), "{}", row.provider);
        assert_eq!(request_count(&server).await, 3, "{}", row.provider);
    }
}

#[tokio::test]
async fn an_html_200_names_status_content_type_and_body() {
    let portal = "<!DOCTYPE html>\n<html><head><title>Sign in</title></head>\n<body><form action=\"/login\">Please sign in to continue</form></body></html>\n";
    let ok_html = || ResponseTemplate::new(200).set_body_raw(portal, "text/html; charset=utf-8");
    for row in rows() {
        let (provider, error) = (row.provider, error_of(&row, ok_html()).await);
        let Error::NotJson {
            provider: named,
            status,
            content_type,
            excerpt,
            ..
        } = &error
        else {
            panic!("expected a not-JSON error, got {error:?}");
        };
        assert_eq!(*named, provider);
        assert_eq!(*status, 200);
        assert_eq!(error.status(), Some(200));
        assert_eq!(content_type.as_deref(), Some("text/html; charset=utf-8"));
        assert!(
            excerpt.starts_with("<!DOCTYPE html> <html><head><title>Sign in"),
            "{excerpt}"
        );
        let text = error.to_string();
        assert!(text.contains("HTTP 200 OK"), "{text}");
        assert!(text.contains("not JSON"), "{text}");
        assert!(text.contains("text/html; charset=utf-8"), "{text}");
        assert!(text.contains("Please sign in to continue"), "{text}");
        assert!(!text.contains("line 1 column 1"), "{text}");
    }

    // An empty 200 says so.
    let error = phala_error(ResponseTemplate::new(200)).await;
    assert_eq!(error.status(), Some(200));
    assert!(matches!(error, Error::NotJson { .. }), "{error:?}");
    assert!(
        error
            .to_string()
            .contains("HTTP 200 OK, but the body is empty"),
        "{error}"
    );

    // JSON of the wrong shape is still a decode error with its path.
    let error = phala_error(ResponseTemplate::new(200).set_body_json(json!({"usage": 5}))).await;
    assert!(matches!(error, Error::Decode { .. }), "{error:?}");
}

#[tokio::test]
async fn openai_envelope_and_request_id_header() {
    let error = openai_error(
        ResponseTemplate::new(403)
            .insert_header("x-request-id", "req_7c0ffee")
            .set_body_json(json!({
                "error": {
                    "message": "You have insufficient permissions for this operation. Missing scopes: api.usage.read.",
                    "type": "invalid_request_error",
                    "param": null,
                    "code": "missing_scope"
                }
            })),
    )
    .await;
    let api = error.api().unwrap();
    assert_eq!(api.status, 403);
    assert_eq!(api.operation, "usage_completions");
    assert_eq!(error.operation(), Some("usage_completions"));
    assert_eq!(api.code.as_deref(), Some("missing_scope"));
    assert_eq!(api.kind.as_deref(), Some("invalid_request_error"));
    assert_eq!(api.request_id.as_deref(), Some("req_7c0ffee"));
    assert!(api.message.as_deref().unwrap().contains("Missing scopes"));
    let text = error.to_string();
    assert!(text.contains("HTTP 403 Forbidden"), "{text}");
    assert!(text.contains("Missing scopes: api.usage.read"), "{text}");
    assert!(text.contains("missing_scope"), "{text}");
    assert!(text.contains("req_7c0ffee"), "{text}");
}

#[tokio::test]
async fn northflank_error_id_is_the_request_id() {
    let error = northflank_error(ResponseTemplate::new(404).set_body_json(json!({
        "error": {
            "status": 404,
            "message": "Team not found",
            "id": "nf-req-4a1b",
            "details": {"teamId": "nope"}
        }
    })))
    .await;
    let api = error.api().unwrap();
    assert_eq!(api.status, 404);
    assert_eq!(api.message.as_deref(), Some("Team not found"));
    assert_eq!(api.request_id.as_deref(), Some("nf-req-4a1b"));
    assert!(error.to_string().contains("nf-req-4a1b"), "{error}");
    assert!(error.to_string().contains("Team not found"), "{error}");
}

#[tokio::test]
async fn phala_request_id_from_the_body_or_the_header() {
    let error = phala_error(ResponseTemplate::new(403).set_body_json(json!({
        "error_code": "ERR-01-003",
        "message": "API key lacks the billing:read scope",
        "details": [],
        "suggestions": [],
        "links": [],
        "request_id": "req_8f3a2c71d9e04b56"
    })))
    .await;
    let api = error.api().unwrap();
    assert_eq!(api.status, 403);
    assert_eq!(api.code.as_deref(), Some("ERR-01-003"));
    assert_eq!(
        api.message.as_deref(),
        Some("API key lacks the billing:read scope")
    );
    assert_eq!(api.request_id.as_deref(), Some("req_8f3a2c71d9e04b56"));

    let error = phala_error(
        ResponseTemplate::new(404)
            .insert_header("X-Request-ID", "req_from_header_01")
            .set_body_json(json!({"detail": "App not found"})),
    )
    .await;
    let api = error.api().unwrap();
    assert_eq!(api.status, 404);
    assert_eq!(api.message.as_deref(), Some("App not found"));
    assert_eq!(api.request_id.as_deref(), Some("req_from_header_01"));

    // A 500 the spec does not list, with the detail form.
    let error = phala_error(
        ResponseTemplate::new(500)
            .set_body_json(json!({"detail": "Internal error", "request_id": "req_500"})),
    )
    .await;
    let api = error.api().unwrap();
    assert_eq!(api.status, 500);
    assert_eq!(api.message.as_deref(), Some("Internal error"));
    assert_eq!(api.request_id.as_deref(), Some("req_500"));
}

#[tokio::test]
async fn phala_422_names_each_location() {
    let error = phala_error(ResponseTemplate::new(422).set_body_json(json!({
        "detail": [
            {
                "type": "less_than_equal",
                "loc": ["query", "limit"],
                "msg": "Input should be less than or equal to 5000",
                "input": "10000",
                "ctx": {"le": 5000}
            },
            {
                "type": "missing",
                "loc": ["body", "filters", 2, "field"],
                "msg": "Field required",
                "input": {"op": "eq"}
            }
        ]
    })))
    .await;
    let api = error.api().unwrap();
    assert_eq!(api.status, 422);
    let message = api.message.as_deref().unwrap();
    assert!(
        message.contains("query.limit: Input should be less than or equal to 5000"),
        "{message}"
    );
    assert!(
        message.contains("body.filters.2.field: Field required"),
        "{message}"
    );
    assert!(error.to_string().contains("query.limit"), "{error}");
}

#[tokio::test]
async fn a_json_error_body_off_the_envelope_keeps_its_status() {
    // A proxy or gateway answering JSON that is not the provider's error envelope.
    let gateway = || {
        ResponseTemplate::new(503).set_body_json(json!({
            "message": "upstream connect error",
            "code": "gateway_timeout"
        }))
    };
    for row in rows() {
        let error = error_of(&row, gateway()).await;
        assert_eq!(error.status(), Some(503), "{error:?}");
        let api = error.api().unwrap();
        assert!(api.body.is_some(), "{api:?}");
        assert!(error.to_string().contains("503"), "{error}");
    }

    // OpenAI's envelope without its required `type`.
    let error = openai_error(
        ResponseTemplate::new(401).set_body_json(json!({"error": {"message": "Invalid key"}})),
    )
    .await;
    assert_eq!(error.status(), Some(401), "{error:?}");
    assert_eq!(error.api().unwrap().message.as_deref(), Some("Invalid key"));
}

#[tokio::test]
async fn a_wrong_type_deep_in_a_200_names_its_path() {
    let mut body = openai_page(&[1_730_419_200, 1_730_505_600], None);
    body["data"][1]["end_time"] = json!("many");
    let error = openai_error(ResponseTemplate::new(200).set_body_json(body)).await;
    let Error::Decode {
        provider,
        operation,
        path,
        message,
    } = &error
    else {
        panic!("expected a decode error, got {error:?}");
    };
    assert_eq!(*provider, Provider::OpenAi);
    assert_eq!(*operation, "usage_completions");
    assert_eq!(path, "data[1].end_time");
    assert!(
        message.contains("many") || message.contains("string"),
        "{message}"
    );
    let text = error.to_string();
    assert!(text.contains("usage_completions"), "{text}");
    assert!(text.contains("data[1].end_time"), "{text}");
    assert_eq!(error.status(), None);

    // A result whose fields do not fit its type does not fail its page: it is kept whole and
    // names the field, here a costs result whose failing field sorts before `object`.
    let mut body = openai_page(&[1_730_419_200], None);
    body["data"][0]["results"]
        .as_array_mut()
        .unwrap()
        .push(json!({
            "object": "organization.costs.result",
            "amount": {"value": 1.5, "currency": "usd"},
            "line_item": 7,
            "project_id": "proj_1"
        }));
    let server = serve(ResponseTemplate::new(200).set_body_json(body)).await;
    let page = openai_client(&server, RetryPolicy::disabled())
        .usage_completions()
        .start_time(0)
        .fetch()
        .await
        .unwrap();
    let usage_bindings::openai::types::UsageResult::UnknownUsageResult(kept) =
        &page.data[0].results[2]
    else {
        panic!(
            "expected the result kept whole: {:?}",
            page.data[0].results[2]
        );
    };
    let why = kept.decode_error().unwrap_or_default();
    assert!(why.starts_with("at `line_item`: "), "{why}");

    let mut body = northflank_page(&[1000, 999], None);
    body["data"]["usage"][1]["timestamp"] = json!("yesterday");
    let error = northflank_error(ResponseTemplate::new(200).set_body_json(body)).await;
    let Error::Decode {
        path, operation, ..
    } = &error
    else {
        panic!("expected a decode error, got {error:?}");
    };
    assert_eq!(*operation, "list_usage");
    assert_eq!(path, "data.usage[1].timestamp");

    let mut body = phala_page(0..3);
    body["usage"][2]["project_id"] = json!({"id": 4821});
    let error = phala_error(ResponseTemplate::new(200).set_body_json(body)).await;
    let Error::Decode {
        path, operation, ..
    } = &error
    else {
        panic!("expected a decode error, got {error:?}");
    };
    assert_eq!(*operation, "get_app_usage");
    assert_eq!(path, "usage[2].project_id");
}

#[tokio::test]
async fn a_decode_error_in_a_stream_names_the_page_and_the_path() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(wiremock::matchers::query_param_is_missing("cursor"))
        .respond_with(ResponseTemplate::new(200).set_body_json(northflank_page(&[5], Some("c2"))))
        .mount(&server)
        .await;
    let mut broken = northflank_page(&[4], None);
    broken["pagination"]["hasNextPage"] = json!("no");
    Mock::given(method("GET"))
        .and(wiremock::matchers::query_param("cursor", "c2"))
        .respond_with(ResponseTemplate::new(200).set_body_json(broken))
        .mount(&server)
        .await;
    let client = northflank_client(&server, fast_retry());
    let items: Vec<_> = futures::StreamExt::collect::<Vec<_>>(client.list_usage().items()).await;
    assert_eq!(items.len(), 2);
    assert_eq!(items[0].as_ref().unwrap().timestamp, Some(5.0));
    let error = items[1].as_ref().unwrap_err();
    check(error);
    let Error::Page { page, source, .. } = error else {
        panic!("expected a page error, got {error:?}");
    };
    assert_eq!(page.to_string(), "cursor \"c2\"");
    let Error::Decode { path, .. } = source.as_ref() else {
        panic!("expected a decode error inside, got {source:?}");
    };
    assert_eq!(path, "pagination.hasNextPage");
    // A body that does not decode is not retried.
    assert_eq!(request_count(&server).await, 2);
}

#[tokio::test]
async fn invalid_configuration_never_echoes_the_key() {
    for row in rows() {
        for bad_key in [
            format!("{}\nX-Injected: 1", row.key),
            format!("{}\r\n", row.key),
        ] {
            let error = (row.config)(&bad_key).connect().unwrap_err();
            assert!(
                matches!(error, Error::InvalidConfig { .. }),
                "{}: {error:?}",
                row.provider
            );
            check(&error);
        }
    }
}

/// The innermost error of a walk's page error.
fn innermost(error: &Error) -> &Error {
    match error {
        Error::Page { source, .. } => innermost(source),
        other => other,
    }
}

/// Every way a caller reads the row's operations: `.fetch()`, `?` on `.send()`, `.items()`, and
/// each of the provider's `CostSource`s (one error each, or none when it had nothing to read).
async fn errors_on_every_path(row: &Row, response: ResponseTemplate) -> Vec<(String, Error)> {
    let server = serve(response).await;
    let client = row.client(&server, RetryPolicy::disabled());
    let mut errors = vec![
        (".fetch()".to_string(), client.call().await.unwrap_err()),
        ("? on .send()".to_string(), client.send().await.unwrap_err()),
        (".pages()".to_string(), client.pages().await.unwrap_err()),
        (
            ".items()".to_string(),
            client.walk(None, None, None).await.unwrap_err(),
        ),
    ];
    let window = usage_bindings::cost::Window::days(
        chrono::NaiveDate::from_ymd_opt(2026, 11, 1).unwrap(),
        chrono::NaiveDate::from_ymd_opt(2026, 11, 2).unwrap(),
    )
    .unwrap();
    for (n, source) in client.cost_sources().iter().enumerate() {
        let costs = usage_bindings::cost::fetch(source.as_ref(), window).await;
        assert!(
            costs.records.is_empty(),
            "{}: records from a broken body",
            row.provider
        );
        assert!(!costs.errors.is_empty(), "{}: source {n}", row.provider);
        for error in costs.errors {
            errors.push((format!("CostSource {n}"), error));
        }
    }
    for (path, error) in &errors {
        check(error);
        assert_eq!(error.status().unwrap_or(200), 200, "{path}: {error:?}");
    }
    errors
}

#[tokio::test]
async fn a_200_that_is_not_json_is_not_json_on_every_path() {
    // Not UTF-8 (a bad byte in a key), not JSON at all, and cut short.
    let bodies: [&[u8]; 3] = [
        b"{\"obj\xc3(ect\":\"page\"}",
        b"<html><body>Service Unavailable</body></html>",
        b"{\"data\": [",
    ];
    for row in rows() {
        for body in bodies {
            let response = ResponseTemplate::new(200).set_body_raw(body, "application/json");
            for (path, error) in errors_on_every_path(&row, response).await {
                let Error::NotJson {
                    provider,
                    operation,
                    status,
                    content_type,
                    excerpt,
                    ..
                } = innermost(&error)
                else {
                    panic!(
                        "{} {path} {:?}: expected a not-JSON error, got {error:?}",
                        row.provider,
                        String::from_utf8_lossy(body)
                    );
                };
                assert_eq!(*provider, row.provider);
                assert_eq!(*status, 200);
                assert_ne!(*operation, UNKNOWN_OPERATION, "{path}");
                assert_eq!(innermost(&error).operation(), Some(*operation), "{path}");
                assert_eq!(content_type.as_deref(), Some("application/json"));
                assert!(excerpt.starts_with(&String::from_utf8_lossy(&body[..2])[..]));
                let text = error.to_string();
                assert!(text.contains("HTTP 200 OK, but"), "{path}: {text}");
                assert!(text.contains("not JSON"), "{path}: {text}");
            }
        }
    }
}

#[tokio::test]
async fn a_200_of_the_wrong_shape_names_its_path_on_every_path() {
    for row in rows() {
        // JSON whose top level is an array where each provider answers with an object.
        let response = ResponseTemplate::new(200).set_body_json(json!([{"data": 1}]));
        for (path, error) in errors_on_every_path(&row, response).await {
            let Error::Decode {
                provider,
                operation,
                path: at,
                ..
            } = innermost(&error)
            else {
                panic!(
                    "{} {path}: expected a decode error, got {error:?}",
                    row.provider
                );
            };
            assert_eq!(*provider, row.provider);
            assert!(!at.is_empty(), "{path}: {error}");
            // `?` on `.send()` holds no response to take the name from.
            if path != "? on .send()" {
                assert_ne!(*operation, UNKNOWN_OPERATION, "{path}");
                assert_eq!(innermost(&error).operation(), Some(*operation), "{path}");
            } else {
                assert_eq!(*operation, UNKNOWN_OPERATION, "{path}");
                assert_eq!(innermost(&error).operation(), None, "{path}");
            }
            assert!(
                error.to_string().contains("does not decode at"),
                "{path}: {error}"
            );
        }
    }
}
