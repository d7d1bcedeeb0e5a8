//! The demo's HTTP/1.1 server on 127.0.0.1 (an ephemeral port): GET routes, each answered with
//! JSON by a [`Respond`], and the path of every request kept in order. hyper's own server, the
//! HTTP stack the clients already use, so the demo goes through the real clients over real HTTP.

use std::convert::Infallible;
use std::sync::{Arc, Mutex};

use bytes::Bytes;
use http_body_util::Full;
use hyper::header::{HeaderValue, CONTENT_TYPE};
use hyper::{Method, StatusCode};
use hyper_util::rt::TokioIo;
use serde_json::Value;

/// A request as a [`Respond`] reads it: its path and its query parameters, decoded.
pub struct Request {
    path: String,
    query: Vec<(String, String)>,
}

impl Request {
    /// The path, without the query.
    pub fn path(&self) -> &str {
        &self.path
    }

    /// The first value of the query parameter `name`.
    pub fn query(&self, name: &str) -> Option<String> {
        self.query
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.clone())
    }
}

/// A status and a JSON body.
pub struct Answer {
    status: StatusCode,
    body: Bytes,
}

impl Answer {
    /// `status` with `body` as JSON.
    pub fn json(status: u16, body: &Value) -> Answer {
        Answer {
            status: StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
            body: Bytes::from(body.to_string()),
        }
    }

    fn not_found() -> Answer {
        Answer::json(404, &serde_json::json!({ "detail": "Not Found" }))
    }
}

/// What answers the requests of one route.
pub trait Respond: Send + Sync + 'static {
    /// The answer to `request`.
    fn respond(&self, request: &Request) -> Answer;
}

/// The requests a route takes, by path.
pub enum Route {
    /// This path exactly.
    Path(&'static str),
    /// A path with this start and this end, and no `/` between them (`/api/v1/apps/{id}/usage`).
    Segment(&'static str, &'static str),
}

impl Route {
    fn takes(&self, path: &str) -> bool {
        match self {
            Route::Path(route) => path == *route,
            Route::Segment(start, end) => path
                .strip_prefix(start)
                .and_then(|rest| rest.strip_suffix(end))
                .is_some_and(|segment| !segment.is_empty() && !segment.contains('/')),
        }
    }
}

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
                    let service = hyper::service::service_fn(move |request| {
                        let answer = answer(&routes, &seen, &request);
                        async move { Ok::<_, Infallible>(response(answer)) }
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

fn answer<B>(
    routes: &[(Route, Box<dyn Respond>)],
    seen: &Mutex<Vec<String>>,
    request: &hyper::Request<B>,
) -> Answer {
    let path = request.uri().path().to_string();
    match seen.lock() {
        Ok(mut paths) => paths.push(path.clone()),
        Err(poisoned) => poisoned.into_inner().push(path.clone()),
    }
    if request.method() != Method::GET {
        return Answer {
            status: StatusCode::METHOD_NOT_ALLOWED,
            body: Bytes::new(),
        };
    }
    let query = url::form_urlencoded::parse(request.uri().query().unwrap_or("").as_bytes())
        .map(|(key, value)| (key.into_owned(), value.into_owned()))
        .collect();
    let request = Request { path, query };
    routes
        .iter()
        .find(|(route, _)| route.takes(&request.path))
        .map_or_else(Answer::not_found, |(_, respond)| respond.respond(&request))
}

fn response(answer: Answer) -> hyper::Response<Full<Bytes>> {
    let mut response = hyper::Response::new(Full::new(answer.body));
    *response.status_mut() = answer.status;
    response
        .headers_mut()
        .insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    response
}
