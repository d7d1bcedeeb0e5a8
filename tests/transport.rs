#![cfg(all(feature = "openai", feature = "northflank", feature = "phala"))]
//! The transport over raw faults and redirects: bodies cut short or stalled (from a small TCP
//! server that writes exactly the bytes it is told), redirects that must not carry a key away,
//! and transport errors that name their cause.

mod pages;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use pages::*;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use usage_bindings::{phala, Error, RetryPolicy};
use wiremock::matchers::method;
use wiremock::{Mock, MockServer, ResponseTemplate};

const APP: &str = "app-9f3c2a";

/// Every call of a test is guarded: a fault that makes the client hang fails the test instead.
const GUARD: Duration = Duration::from_secs(20);

/// What the raw server does with one connection.
#[derive(Clone)]
enum Reply {
    /// Announces `Content-Length: 1000`, sends 10 bytes, closes the connection.
    Cut(u16),
    /// Announces `Content-Length: 1000`, sends 10 bytes, then sends nothing more for a minute.
    Stall(u16),
    /// A whole JSON body.
    Whole(u16, String),
}

/// A TCP server on 127.0.0.1 that answers the n-th connection with `replies[n]` (the last one
/// again once they run out), one request per connection, and counts the requests.
struct RawServer {
    uri: String,
    requests: Arc<AtomicUsize>,
}

impl RawServer {
    async fn start(replies: Vec<Reply>) -> RawServer {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let uri = format!("http://{}", listener.local_addr().unwrap());
        let requests = Arc::new(AtomicUsize::new(0));
        let count = requests.clone();
        tokio::spawn(async move {
            loop {
                let Ok((stream, _)) = listener.accept().await else {
                    return;
                };
                let n = count.fetch_add(1, Ordering::SeqCst);
                let reply = replies[n.min(replies.len() - 1)].clone();
                tokio::spawn(answer(stream, reply));
            }
        });
        RawServer { uri, requests }
    }

    fn requests(&self) -> usize {
        self.requests.load(Ordering::SeqCst)
    }
}

async fn answer(mut stream: TcpStream, reply: Reply) {
    // Read the request head (a GET has no body).
    let mut head = Vec::new();
    let mut buffer = [0u8; 1024];
    while !head.windows(4).any(|w| w == b"\r\n\r\n") {
        match stream.read(&mut buffer).await {
            Ok(0) | Err(_) => return,
            Ok(n) => head.extend_from_slice(&buffer[..n]),
        }
    }
    let (status, length, body, stall) = match reply {
        Reply::Cut(status) => (status, 1000, "{\"usage\": ".to_string(), false),
        Reply::Stall(status) => (status, 1000, "{\"usage\": ".to_string(), true),
        Reply::Whole(status, body) => (status, body.len(), body, false),
    };
    let head = format!(
        "HTTP/1.1 {status} X\r\nContent-Type: application/json\r\nContent-Length: {length}\r\nConnection: close\r\n\r\n"
    );
    let _ = stream.write_all(head.as_bytes()).await;
    let _ = stream.write_all(body.as_bytes()).await;
    let _ = stream.flush().await;
    if stall {
        tokio::time::sleep(Duration::from_secs(60)).await;
    }
    // Dropping the stream closes the connection: a cut body when fewer bytes than announced.
}

fn raw_client(uri: &str, retry: RetryPolicy, timeout: Duration) -> phala::Client {
    phala::Client::from_config(
        phala::Config::new(PHALA_KEY)
            .with_base_url(uri)
            .with_retry(retry)
            .with_timeout(timeout),
    )
    .unwrap()
}

async fn fetch(client: &phala::Client) -> Result<phala::types::AppUsageResponse, Error> {
    tokio::time::timeout(GUARD, client.get_app_usage().app_id(APP).fetch())
        .await
        .expect("the call ends")
}

fn good() -> Reply {
    Reply::Whole(200, phala_page(0..2).to_string())
}

#[tokio::test]
async fn a_cut_body_is_retried() {
    let server = RawServer::start(vec![Reply::Cut(200), Reply::Cut(200), good()]).await;
    let client = raw_client(&server.uri, fast_retry(), Duration::from_secs(5));
    let page = fetch(&client).await.unwrap();
    assert_eq!(page.usage.len(), 2);
    assert_eq!(server.requests(), 3);
}

#[tokio::test]
async fn a_body_cut_every_time_says_where_it_was_cut() {
    let server = RawServer::start(vec![Reply::Cut(200)]).await;
    let client = raw_client(
        &server.uri,
        fast_retry().with_max_attempts(3),
        Duration::from_secs(5),
    );
    let error = fetch(&client).await.unwrap_err();
    assert_eq!(server.requests(), 3);
    let text = error.to_string();
    assert!(
        text.contains("the response body was cut after 10 bytes of the 1000 announced"),
        "{text}"
    );
    assert!(text.contains("HTTP 200"), "{text}");
    assert!(
        matches!(
            error,
            Error::Body {
                status: 200,
                timeout: false,
                received: 10,
                expected: Some(1000),
                ..
            }
        ),
        "{error:?}"
    );
    assert!(!error.is_timeout());
    assert!(!text.contains('\n'), "{text}");
    assert_error_keeps_keys(&error);
}

#[tokio::test]
async fn a_body_stalled_past_the_timeout_is_retried() {
    let server = RawServer::start(vec![Reply::Stall(200), good()]).await;
    let client = raw_client(&server.uri, fast_retry(), Duration::from_millis(300));
    let page = fetch(&client).await.unwrap();
    assert_eq!(page.usage.len(), 2);
    assert_eq!(server.requests(), 2);

    let server = RawServer::start(vec![Reply::Stall(200)]).await;
    let client = raw_client(
        &server.uri,
        fast_retry().with_max_attempts(2),
        Duration::from_millis(300),
    );
    let error = fetch(&client).await.unwrap_err();
    assert_eq!(server.requests(), 2);
    assert!(error.is_timeout(), "{error:?}");
    let text = error.to_string();
    assert!(
        text.contains("timed out reading the body after 10 bytes of the 1000 announced"),
        "{text}"
    );
    assert!(
        matches!(
            error,
            Error::Body {
                timeout: true,
                received: 10,
                ..
            }
        ),
        "{error:?}"
    );
    assert_error_keeps_keys(&error);
}

#[tokio::test]
async fn an_error_body_cut_short_is_retried() {
    let server = RawServer::start(vec![Reply::Cut(503), good()]).await;
    let client = raw_client(&server.uri, fast_retry(), Duration::from_secs(5));
    let page = fetch(&client).await.unwrap();
    assert_eq!(page.usage.len(), 2);
    assert_eq!(server.requests(), 2);

    // Cut every time: the error names the status and the cut.
    let server = RawServer::start(vec![Reply::Cut(503)]).await;
    let client = raw_client(
        &server.uri,
        fast_retry().with_max_attempts(2),
        Duration::from_secs(5),
    );
    let error = fetch(&client).await.unwrap_err();
    assert_eq!(server.requests(), 2);
    assert_eq!(error.status(), Some(503));
    let text = error.to_string();
    assert!(text.contains("HTTP 503 Service Unavailable"), "{text}");
    assert!(text.contains("cut after 10 bytes"), "{text}");
    assert_error_keeps_keys(&error);
}

// ---------------------------------------------------------------------------------------------
// Redirects: the key stays with its origin.

/// Server A answers every request with `status` and a `Location` on server B; B records what it
/// receives (and would answer 200).
async fn redirecting(status: u16) -> (MockServer, MockServer) {
    let b = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(phala_page(0..1)))
        .mount(&b)
        .await;
    let a = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(
            ResponseTemplate::new(status)
                .insert_header("location", format!("{}/elsewhere", b.uri())),
        )
        .mount(&a)
        .await;
    (a, b)
}

fn check_redirect(error: &Error, status: u16, b: &MockServer) {
    let text = error.to_string();
    assert!(
        matches!(error, Error::Redirect { status: s, .. } if *s == status),
        "{error:?}"
    );
    assert_eq!(error.status(), Some(status));
    let location = format!("{}/elsewhere", b.uri());
    assert!(
        text.contains(&format!("redirected to {location}")),
        "{text}"
    );
    assert!(text.contains(&format!("HTTP {status}")), "{text}");
    assert!(text.contains("key stays with its origin"), "{text}");
    assert_error_keeps_keys(error);
}

#[tokio::test]
async fn a_redirect_does_not_carry_the_phala_key_away() {
    for status in [302, 301, 307, 308] {
        let (a, b) = redirecting(status).await;
        let client = phala_client(&a, fast_retry());
        let error = tokio::time::timeout(GUARD, client.get_app_usage().app_id(APP).fetch())
            .await
            .unwrap()
            .unwrap_err();
        check_redirect(&error, status, &b);
        assert_eq!(requests(&b).await.len(), 0, "B received a request");
        let sent = requests(&a).await;
        assert_eq!(sent.len(), 1, "a redirect is not retried");
        // A received the key: the key goes to its origin and nowhere else.
        assert_eq!(sent[0].headers.get("x-api-key").unwrap(), PHALA_KEY);
    }
}

#[tokio::test]
async fn a_redirect_does_not_carry_a_bearer_token_away() {
    let (a, b) = redirecting(302).await;
    let client = openai_client(&a, fast_retry());
    let error = tokio::time::timeout(GUARD, client.usage_costs().start_time(0).fetch())
        .await
        .unwrap()
        .unwrap_err();
    check_redirect(&error, 302, &b);
    assert_eq!(requests(&b).await.len(), 0, "B received a request");

    let (a, b) = redirecting(302).await;
    let client = northflank_client(&a, fast_retry());
    let error = tokio::time::timeout(GUARD, client.list_usage().fetch())
        .await
        .unwrap()
        .unwrap_err();
    check_redirect(&error, 302, &b);
    assert_eq!(requests(&b).await.len(), 0, "B received a request");
}

#[tokio::test]
async fn a_redirect_without_a_location_says_so() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(303))
        .mount(&server)
        .await;
    let client = phala_client(&server, fast_retry());
    let error = tokio::time::timeout(GUARD, client.get_app_usage().app_id(APP).fetch())
        .await
        .unwrap()
        .unwrap_err();
    assert!(
        matches!(
            error,
            Error::Redirect {
                status: 303,
                location: None,
                ..
            }
        ),
        "{error:?}"
    );
    let text = error.to_string();
    assert!(
        text.contains("HTTP 303 See Other: a redirect without a location"),
        "{text}"
    );
    assert_eq!(requests(&server).await.len(), 1);
}

// ---------------------------------------------------------------------------------------------
// Transport errors name their cause.

#[tokio::test]
async fn a_refused_connection_says_connection_refused() {
    // A port that was just bound and freed: nothing listens there now.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let uri = format!("http://{}", listener.local_addr().unwrap());
    drop(listener);
    let client = raw_client(&uri, RetryPolicy::disabled(), Duration::from_secs(5));
    let error = fetch(&client).await.unwrap_err();
    assert!(
        matches!(error, Error::Transport { timeout: false, .. }),
        "{error:?}"
    );
    let text = error.to_string();
    assert!(text.to_lowercase().contains("connection refused"), "{text}");
    assert!(!text.contains('\n'), "{text}");
    assert_error_keeps_keys(&error);
}

#[tokio::test]
async fn a_timeout_names_its_cause() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(phala_page(0..1))
                .set_delay(Duration::from_secs(5)),
        )
        .mount(&server)
        .await;
    let client = raw_client(
        &server.uri(),
        RetryPolicy::disabled(),
        Duration::from_millis(200),
    );
    let error = fetch(&client).await.unwrap_err();
    assert!(error.is_timeout(), "{error:?}");
    let text = error.to_string();
    // The root cause, not only reqwest's "error sending request".
    assert!(text.contains("operation timed out"), "{text}");
    assert_error_keeps_keys(&error);
}
