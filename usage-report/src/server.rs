//! The demo's HTTP/1.1 server on 127.0.0.1 (an ephemeral port): GET routes, each answered with
//! JSON by a [`Respond`] (the providers' demos, `usage_bindings::demo`), and the path of every
//! request kept in order. hyper's own server, the
//! HTTP stack the clients already use, so the demo goes through the real clients over real HTTP.

use std::convert::Infallible;
use std::sync::{Arc, Mutex};

use bytes::Bytes;
use http_body_util::Full;
use hyper::header::{HeaderValue, CONTENT_TYPE};
use hyper::{Method, StatusCode};
use hyper_util::rt::TokioIo;
use usage_bindings::demo::{Answer, Request, Respond, Route};

/// A running server; it stops when dropped.
pub struct Server {
    uri: String,
    requests: Arc<Mutex<Vec<String>>>,
    task: tokio::task::JoinHandle<()>,
}

impl Server {
    /// Listens on 127.0.0.1 at a free port and serves `routes` (the first route that takes a
    /// path answers it; no route: 404; a method other than GET: 405).
    pub async fn start(routes: Vec<(Route, Box<dyn Respond>)>) -> std::io::Result<Server> {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        let uri = format!("http://{}", listener.local_addr()?);
        let requests = Arc::new(Mutex::new(Vec::new()));
        let routes = Arc::new(routes);
        let seen = Arc::clone(&requests);
        let task = tokio::spawn(async move {
            loop {
                let Ok((stream, _)) = listener.accept().await else {
                    continue;
                };
                let (routes, seen) = (Arc::clone(&routes), Arc::clone(&seen));
                tokio::spawn(async move {
                    let service = hyper::service::service_fn(move |request: hyper::Request<_>| {
                        let (routes, seen) = (Arc::clone(&routes), Arc::clone(&seen));
                        let (method, uri) = (request.method().clone(), request.uri().clone());
                        // An answer may take its time (a test's stalled provider): off the
                        // runtime's workers, so that the other connections go on.
                        async move {
                            let response = tokio::task::spawn_blocking(move || {
                                answer(&routes, &seen, &method, &uri)
                            })
                            .await
                            .unwrap_or_else(|_| {
                                let mut failed = hyper::Response::new(Full::new(Bytes::new()));
                                *failed.status_mut() = StatusCode::INTERNAL_SERVER_ERROR;
                                failed
                            });
                            Ok::<_, Infallible>(response)
                        }
                    });
                    // A connection the client drops mid-way ends here; the others go on.
                    let _ = hyper::server::conn::http1::Builder::new()
                        .serve_connection(TokioIo::new(stream), service)
                        .await;
                });
            }
        });
        Ok(Server {
            uri,
            requests,
            task,
        })
    }

    /// `http://127.0.0.1:<port>`.
    pub fn uri(&self) -> &str {
        &self.uri
    }

    /// The paths of every request received so far, in order.
    pub fn request_paths(&self) -> Vec<String> {
        match self.requests.lock() {
            Ok(paths) => paths.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.task.abort();
    }
}

fn answer(
    routes: &[(Route, Box<dyn Respond>)],
    seen: &Mutex<Vec<String>>,
    method: &Method,
    uri: &hyper::Uri,
) -> hyper::Response<Full<Bytes>> {
    let path = uri.path().to_string();
    match seen.lock() {
        Ok(mut paths) => paths.push(path.clone()),
        Err(poisoned) => poisoned.into_inner().push(path.clone()),
    }
    if method != Method::GET {
        return hyper::Response::builder()
            .status(StatusCode::METHOD_NOT_ALLOWED)
            .body(Full::new(Bytes::new()))
            .unwrap_or_default();
    }
    let query = url::form_urlencoded::parse(uri.query().unwrap_or("").as_bytes())
        .map(|(key, value)| (key.into_owned(), value.into_owned()))
        .collect();
    let request = Request::new(path, query);
    let answer = routes
        .iter()
        .find(|(route, _)| route.takes(request.path()))
        .map_or_else(
            || Answer::json(404, serde_json::json!({ "detail": "Not Found" })),
            |(_, respond)| respond.respond(&request),
        );
    let mut response = hyper::Response::new(Full::new(Bytes::from(answer.body.to_string())));
    *response.status_mut() =
        StatusCode::from_u16(answer.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    response
        .headers_mut()
        .insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    response
}
