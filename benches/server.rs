//! A tiny HTTP/1.1 server on 127.0.0.1 for the paging benchmark and the memory probe: keep-alive,
//! `GET` only, one handler that maps the request target (path and query) to a JSON body.
//!
//! Deliberately minimal (no routing, no request recording, unlike wiremock) so that the server's
//! own cost is small and the same for every client it is measured with.
#![allow(dead_code)]

use std::sync::Arc;

use bytes::Bytes;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// Maps a request target (`/v1/billing/usage?per_page=100&cursor=...`) to a 200 body, or `None`
/// for a 404.
pub type Handler = Arc<dyn Fn(&str) -> Option<Bytes> + Send + Sync>;

/// Starts the server on the current tokio runtime; returns its base URL.
pub async fn start(handler: Handler) -> String {
    let listener = TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind 127.0.0.1");
    let addr = listener.local_addr().expect("local address");
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            let _ = stream.set_nodelay(true);
            tokio::spawn(serve(stream, handler.clone()));
        }
    });
    format!("http://{addr}")
}

async fn serve(mut stream: TcpStream, handler: Handler) {
    let mut buf = Vec::with_capacity(4096);
    let mut chunk = [0u8; 4096];
    loop {
        let end = loop {
            if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
                break i + 4;
            }
            match stream.read(&mut chunk).await {
                Ok(0) | Err(_) => return,
                Ok(n) => buf.extend_from_slice(&chunk[..n]),
            }
        };
        let target = std::str::from_utf8(&buf[..end])
            .ok()
            .and_then(|head| head.split(' ').nth(1))
            .unwrap_or("/")
            .to_string();
        buf.drain(..end);
        let (status, body) = match handler(&target) {
            Some(body) => ("200 OK", body),
            None => ("404 Not Found", Bytes::from_static(b"{}")),
        };
        let mut response = format!(
            "HTTP/1.1 {status}\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n",
            body.len()
        )
        .into_bytes();
        response.extend_from_slice(&body);
        if stream.write_all(&response).await.is_err() {
            return;
        }
    }
}

/// The value of query parameter `name` in `target`, percent-decoded.
pub fn query(target: &str, name: &str) -> Option<String> {
    let (_, query) = target.split_once('?')?;
    query.split('&').find_map(|pair| {
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        (key == name).then(|| percent_decode(value))
    })
}

fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' if i + 2 < bytes.len() => {
                let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).unwrap_or("");
                match u8::from_str_radix(hex, 16) {
                    Ok(b) => {
                        out.push(b);
                        i += 3;
                        continue;
                    }
                    Err(_) => out.push(b'%'),
                }
            }
            b'+' => out.push(b' '),
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}
