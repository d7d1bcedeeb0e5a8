#![cfg(all(feature = "openai", feature = "northflank", feature = "phala"))]
//! The transport over raw faults and redirects: bodies cut short or stalled (from a small TCP
//! server that writes exactly the bytes it is told), redirects that must not carry a key away,
//! and transport errors that name their cause.

mod support;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use support::*;
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

/// Whatever header carries the key, a redirect is reported, not followed: B receives nothing.
#[tokio::test]
async fn a_redirect_does_not_carry_a_key_away() {
    for row in rows() {
        for status in [302, 301, 307, 308] {
            let (a, b) = redirecting(status).await;
            let client = row.client(&a, fast_retry());
            let error = tokio::time::timeout(GUARD, client.call())
                .await
                .unwrap()
                .unwrap_err();
            check_redirect(&error, status, &b);
            assert_eq!(
                requests(&b).await.len(),
                0,
                "{}: B received a request",
                row.provider
            );
            let sent = requests(&a).await;
            assert_eq!(sent.len(), 1, "{}: a redirect is not retried", row.provider);
            // A received the key: the key goes to its origin and nowhere else.
            let (name, value) = row.key_header();
            assert_eq!(header(&sent[0], name), Some(value), "{}", row.provider);
        }
    }
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

// ---------------------------------------------------------------------------------------------
// `?` on `.send()` and `.fetch()`: one error.

/// `.send()` with `?`: the generated call, its error converted by `From`.
async fn send(client: &phala::Client) -> Result<phala::types::AppUsageResponse, Error> {
    let call = async {
        Ok(client
            .get_app_usage()
            .app_id(APP)
            .send()
            .await?
            .into_inner())
    };
    tokio::time::timeout(GUARD, call)
        .await
        .expect("the call ends")
}

/// For each fault, `?` on `.send()` gives the error `.fetch()` gives. The conversion reads the
/// operation's name from the response when the error holds one (`carried`); otherwise the name
/// is `(unknown operation)`, `operation()` is `None`, and everything else is the same.
/// The operation name an error shows when it does not know the operation.
const UNKNOWN_OPERATION: &str = "(unknown operation)";

#[tokio::test]
async fn question_mark_on_send_gives_the_error_fetch_gives() {
    let cases = [
        (
            "an API error",
            Reply::Whole(404, r#"{"detail": "App not found"}"#.into()),
            false,
        ),
        (
            "a body that is not JSON",
            Reply::Whole(200, "<html>portal</html>".into()),
            true,
        ),
        ("a cut body", Reply::Cut(200), true),
        ("a redirect", Reply::Whole(302, String::new()), true),
        (
            "a body of the wrong shape",
            Reply::Whole(
                200,
                r#"{"usage": "none", "total": 0, "total_cost": 0}"#.into(),
            ),
            false,
        ),
    ];
    for (case, reply, carried) in cases {
        let server = RawServer::start(vec![reply]).await;
        let client = raw_client(&server.uri, RetryPolicy::disabled(), GUARD);
        let sent = send(&client).await.unwrap_err();
        let fetched = fetch(&client).await.unwrap_err();
        assert_eq!(server.requests(), 2, "{case}");
        let shown = format!("{sent:?}");
        assert_eq!(
            !shown.contains(UNKNOWN_OPERATION),
            carried,
            "{case}: {shown}"
        );
        assert_eq!(sent.operation().is_some(), carried, "{case}: {shown}");
        assert_eq!(fetched.operation(), Some("get_app_usage"), "{case}");
        assert_eq!(
            shown.replace(UNKNOWN_OPERATION, "get_app_usage"),
            format!("{fetched:?}"),
            "{case}"
        );
        assert_eq!(sent.status(), fetched.status(), "{case}");
        assert_eq!(sent.request_id(), fetched.request_id(), "{case}");
        assert_eq!(sent.retry_after(), fetched.retry_after(), "{case}");
        assert_eq!(sent.is_retryable(), fetched.is_retryable(), "{case}");
        assert_error_keeps_keys(&sent);
    }
}

// ---------------------------------------------------------------------------------------------
// A caller's HTTP client.

fn shared_http(follow_redirects: bool) -> reqwest::Client {
    let mut headers = reqwest::header::HeaderMap::new();
    headers.insert("x-shared", reqwest::header::HeaderValue::from_static("yes"));
    let policy = if follow_redirects {
        reqwest::redirect::Policy::default()
    } else {
        reqwest::redirect::Policy::none()
    };
    reqwest::Client::builder()
        .tls_backend_preconfigured(usage_bindings::config::tls_config().unwrap())
        .default_headers(headers)
        .redirect(policy)
        .build()
        .unwrap()
}

#[tokio::test]
async fn one_http_client_serves_every_provider() {
    use wiremock::matchers::path;
    let server = MockServer::start().await;
    for row in rows() {
        Mock::given(method("GET"))
            .and(path(row.path))
            .respond_with(ResponseTemplate::new(200).set_body_json((row.body)(1)))
            .mount(&server)
            .await;
    }
    let http = shared_http(false);
    let retry = RetryPolicy::disabled();
    // Every other provider is given a user agent of its own.
    let agent = |n: usize| (n % 2 == 1).then_some("report/1");
    let clients: Vec<AnyClient> = rows()
        .iter()
        .enumerate()
        .map(|(n, row)| {
            let mut config = row.config_for(&server, retry.clone());
            if let Some(agent) = agent(n) {
                config = config.with_user_agent(agent);
            }
            config.connect_with_http(http.clone()).unwrap()
        })
        .collect();

    let call = async {
        for client in &clients {
            client.call().await?;
        }
        Ok::<_, Error>(())
    };
    tokio::time::timeout(GUARD, call).await.unwrap().unwrap();

    let sent = requests(&server).await;
    assert_eq!(sent.len(), rows().len());
    let default_agent = usage_bindings::config::DEFAULT_USER_AGENT;
    for (n, (row, request)) in rows().iter().zip(&sent).enumerate() {
        // Each request carries its own provider's auth, and only that.
        let (name, value) = row.key_header();
        assert_eq!(header(request, name), Some(value), "{}", row.provider);
        for other in ["authorization", "x-api-key"] {
            if other != name {
                assert_eq!(header(request, other), None, "{}", row.provider);
            }
        }
        // The configured user agent, and the shared client's own default headers.
        assert_eq!(
            header(request, "user-agent").as_deref(),
            Some(agent(n).unwrap_or(default_agent)),
            "{}",
            row.provider
        );
        assert_eq!(header(request, "x-shared").as_deref(), Some("yes"));
    }
}

#[tokio::test]
async fn the_configured_timeout_holds_on_a_shared_client() {
    let server = RawServer::start(vec![Reply::Stall(200)]).await;
    let client = phala::Client::from_config_with_http(
        phala::Config::new(PHALA_KEY)
            .with_base_url(&server.uri)
            .with_retry(RetryPolicy::disabled())
            .with_timeout(Duration::from_millis(200)),
        shared_http(false),
    )
    .unwrap();
    let error = fetch(&client).await.unwrap_err();
    assert!(error.is_timeout(), "{error:?}");
}

/// A caller's client that follows redirects: reqwest drops `Authorization` on the hop to
/// another origin, so a bearer key stays with its origin.
#[tokio::test]
async fn a_shared_client_that_follows_redirects_keeps_a_bearer_key_home() {
    let http = shared_http(true);
    for row in rows().into_iter().filter(|row| row.auth == Auth::Bearer) {
        let provider = row.provider;
        let (a, b) = redirecting(302).await;
        let client = row
            .config_for(&a, RetryPolicy::disabled())
            .connect_with_http(http.clone())
            .unwrap();
        // B's answer is not the operation's type; what matters is what B received.
        let outcome = tokio::time::timeout(GUARD, client.call()).await.unwrap();
        if let Err(error) = &outcome {
            assert_error_keeps_keys(error);
        }
        let at_a = requests(&a).await;
        assert_eq!(at_a.len(), 1, "{provider}");
        assert!(at_a[0].headers.get("authorization").is_some(), "{provider}");
        let at_b = requests(&b).await;
        assert_eq!(at_b.len(), 1, "{provider}: the client follows the redirect");
        assert!(at_b[0].headers.get("authorization").is_none(), "{provider}");
        for (name, value) in &at_b[0].headers {
            assert_no_key(&format!(
                "{name}: {}",
                String::from_utf8_lossy(value.as_bytes())
            ));
        }
        assert_no_key(at_b[0].url.as_str());
    }
}

/// A key in a header that reqwest keeps across origins (Phala's `X-API-Key`) is refused a
/// client that follows redirects; with redirects off, the redirect is reported and B receives
/// nothing.
#[tokio::test]
async fn a_shared_client_that_follows_redirects_is_refused_a_key_header() {
    for row in rows() {
        let Auth::Header(key_header) = row.auth else {
            continue;
        };
        let provider = row.provider;
        let (a, b) = redirecting(302).await;
        let config = row.config_for(&a, RetryPolicy::disabled());
        let error = config
            .clone()
            .connect_with_http(shared_http(true))
            .unwrap_err();
        assert!(
            matches!(error, Error::InvalidConfig { .. }),
            "{provider}: {error:?}"
        );
        let text = error.to_string();
        assert!(
            text.contains(key_header) && text.contains("Policy::none()"),
            "{text}"
        );
        assert_error_keeps_keys(&error);
        // A client that says nothing of redirects follows them: refused too.
        let error = config
            .clone()
            .connect_with_http(
                reqwest::Client::builder()
                    .tls_backend_preconfigured(usage_bindings::config::tls_config().unwrap())
                    .build()
                    .unwrap(),
            )
            .unwrap_err();
        assert!(
            matches!(error, Error::InvalidConfig { .. }),
            "{provider}: {error:?}"
        );

        let client = config.connect_with_http(shared_http(false)).unwrap();
        let error = tokio::time::timeout(GUARD, client.call())
            .await
            .expect("the call ends")
            .unwrap_err();
        check_redirect(&error, 302, &b);
        assert_eq!(
            requests(&b).await.len(),
            0,
            "{provider}: B received a request"
        );
        let at_a = requests(&a).await;
        assert_eq!(at_a.len(), 1);
        assert_eq!(header(&at_a[0], key_header).as_deref(), Some(row.key));
    }
}
