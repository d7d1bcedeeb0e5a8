//! TLS without a C toolchain: the crate builds reqwest without a crypto provider of its own and
//! gives its clients rustls on `ring` (`config::tls_config`). An `https://` request must reach the
//! TLS handshake, not panic for want of a provider. The server is a TCP listener on 127.0.0.1
//! that reads the first bytes the client sends (a TLS record) and answers in plain HTTP, so the
//! handshake fails with a transport error.

mod support;

use std::time::Duration;

use support::*;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;
use usage_bindings::{Error, RetryPolicy};
use wiremock::MockServer;

const GUARD: Duration = Duration::from_secs(20);

/// A listener that is not TLS: the base URL to reach it over `https://`, and the first byte of
/// what the client sent.
async fn not_tls() -> (String, tokio::task::JoinHandle<Option<u8>>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let task = tokio::spawn(async move {
        let (mut stream, _) = listener.accept().await.ok()?;
        let mut first = [0u8; 1];
        stream.read_exact(&mut first).await.ok()?;
        let _ = stream
            .write_all(b"HTTP/1.1 400 Bad Request\r\ncontent-length: 0\r\n\r\n")
            .await;
        Some(first[0])
    });
    (format!("https://127.0.0.1:{port}"), task)
}

/// 0x16: the content type of a TLS handshake record, which a ClientHello starts with.
const TLS_HANDSHAKE: u8 = 0x16;

/// Every provider's client, made by `connect` with a base URL that is an `https://` listener
/// that is not TLS, sends a TLS handshake record and fails with a transport error.
async fn every_provider_reaches_the_handshake(connect: impl Fn(&Row, String) -> AnyClient) {
    for row in rows() {
        let (url, task) = not_tls().await;
        let client = connect(&row, url);
        let error = tokio::time::timeout(GUARD, client.call())
            .await
            .unwrap()
            .unwrap_err();
        assert!(
            matches!(error, Error::Transport { .. }),
            "{}: {error:?}",
            row.provider
        );
        assert_eq!(
            tokio::time::timeout(GUARD, task).await.unwrap().unwrap(),
            Some(TLS_HANDSHAKE),
            "{}",
            row.provider
        );
    }
}

#[tokio::test]
async fn an_https_request_reaches_the_tls_handshake() {
    let server = MockServer::start().await;
    every_provider_reaches_the_handshake(|row, url| {
        row.config_for(&server, RetryPolicy::disabled())
            .with_base_url(url)
            .connect()
            .unwrap_or_else(|error| panic!("{}: {error}", row.provider))
    })
    .await;
}

/// A caller's client built with the crate's TLS settings works the same.
#[tokio::test]
async fn a_shared_client_with_the_crates_tls_settings_reaches_the_handshake() {
    let server = MockServer::start().await;
    let http = reqwest::Client::builder()
        .tls_backend_preconfigured(usage_bindings::config::tls_config().unwrap())
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    every_provider_reaches_the_handshake(|row, url| {
        row.config_for(&server, RetryPolicy::disabled())
            .with_base_url(url)
            .connect_with_http(http.clone())
            .unwrap_or_else(|error| panic!("{}: {error}", row.provider))
    })
    .await;
}
