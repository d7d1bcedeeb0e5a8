#![cfg(all(feature = "openai", feature = "northflank", feature = "phala"))]
//! `.fetch()` on every provider's builders without importing a trait, and what the one error
//! type tells about a failed request: status, request id, the wait asked for, whether to retry.

mod support;

use std::time::Duration;

use serde_json::json;
use support::*;
use usage_bindings::RetryPolicy;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

// No `use usage_bindings::prelude::*`: `.fetch()` is an inherent method of every builder.

#[tokio::test]
async fn fetch_needs_no_trait_import() {
    // Each row's `call` is `.fetch()` on a builder, in a support module that imports no trait.
    let server = MockServer::start().await;
    for row in rows() {
        Mock::given(method("GET"))
            .and(path(row.path))
            .respond_with(ResponseTemplate::new(200).set_body_json((row.body)(1)))
            .mount(&server)
            .await;
    }
    for row in rows() {
        let records = row
            .client(&server, RetryPolicy::disabled())
            .call()
            .await
            .unwrap();
        assert_eq!(records, 1, "{}", row.provider);
    }
    assert_eq!(requests(&server).await.len(), rows().len());
}

#[tokio::test]
async fn the_error_tells_status_request_id_wait_and_whether_to_retry() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v1/organization/usage/completions"))
        .respond_with(
            ResponseTemplate::new(429)
                .insert_header("retry-after", "7")
                .insert_header("x-request-id", "req_429")
                .set_body_json(json!({"error": {"message": "slow down", "type": "requests",
                                                "code": "rate_limit_exceeded"}})),
        )
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v1/organization/costs"))
        .respond_with(
            ResponseTemplate::new(429)
                .insert_header("x-request-id", "req_quota")
                .set_body_json(
                    json!({"error": {"message": "You exceeded your current quota",
                                                "type": "insufficient_quota",
                                                "code": "insufficient_quota"}}),
                ),
        )
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v1/organization/usage/embeddings"))
        .respond_with(
            ResponseTemplate::new(400)
                .set_body_json(json!({"error": {"message": "bad start_time"}})),
        )
        .mount(&server)
        .await;
    let client = openai_client(&server, RetryPolicy::disabled());

    let limited = client
        .usage_completions()
        .start_time(0)
        .fetch()
        .await
        .unwrap_err();
    assert_eq!(limited.status(), Some(429));
    assert_eq!(limited.request_id(), Some("req_429"));
    assert_eq!(limited.retry_after(), Some(Duration::from_secs(7)));
    assert!(limited.is_retryable());

    let quota = client
        .usage_costs()
        .start_time(0)
        .fetch()
        .await
        .unwrap_err();
    assert_eq!(quota.status(), Some(429));
    assert_eq!(quota.request_id(), Some("req_quota"));
    assert!(
        !quota.is_retryable(),
        "an exhausted quota does not come back by waiting"
    );

    let bad = client
        .usage_embeddings()
        .start_time(0)
        .fetch()
        .await
        .unwrap_err();
    assert_eq!(bad.status(), Some(400));
    assert_eq!((bad.request_id(), bad.retry_after()), (None, None));
    assert!(!bad.is_retryable());

    // A refused connection is worth trying again later.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = closed.local_addr().unwrap().port();
    drop(closed);
    for row in rows() {
        let nowhere = (row.config)(row.key)
            .with_base_url(format!("http://127.0.0.1:{port}"))
            .with_retry(RetryPolicy::disabled())
            .connect()
            .unwrap();
        let refused = nowhere.call().await.unwrap_err();
        assert_eq!(refused.status(), None, "{}", row.provider);
        assert!(refused.is_retryable(), "{}: {refused}", row.provider);
    }
}
