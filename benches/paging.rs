//! Paging benchmark: walking 200 pages from a local server through the crate's
//! `Stream` versus a hand-written reqwest + serde_json loop, same server, same run.
//!
//! ```sh
//! cargo bench --bench paging
//! ```
//!
//! The server (`benches/server.rs`, a minimal keep-alive HTTP/1.1 server on 127.0.0.1) serves
//! Northflank list usage pages of 100 hourly entries (about 23 kB each) chained by cursors,
//! prepared before the measurement. Every walker decodes each page into the same generated type
//! (`ListUsageResponse`). `reqwest_serde_json` reads bodies with `serde_json::from_slice`, as a
//! hand-written client would; `reqwest_same_decoder` with the crate's own
//! `usage_bindings::json::from_slice`, so that against it the difference is only what the crate
//! adds around the request: the generated builder, the transport (retry loop, tracing span), the
//! hooks and the page walk.
//! Both run on one current-thread tokio runtime with the server, and reuse one connection pool
//! across iterations.

use std::hint::black_box;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use futures::TryStreamExt;
use usage_bindings::northflank::types::ListUsageResponse;
use usage_bindings::northflank::{Client, Config};

#[path = "bodies.rs"]
mod bodies;
#[path = "server.rs"]
mod server;

const PAGES: usize = 200;
const PER_PAGE: usize = 100;
const TOKEN: &str = "nf-bench-token";

/// The crate: `list_usage().per_page(100).items()`, every entry.
async fn walk_crate(client: &Client) -> (usize, f64) {
    let mut entries = client.list_usage().per_page(PER_PAGE as i64).items();
    let (mut count, mut last) = (0, 0.0);
    while let Some(entry) = entries.try_next().await.expect("a page") {
        count += 1;
        last = entry.timestamp.unwrap_or_default();
    }
    (count, last)
}

/// How a hand-written loop reads a page body.
type Decode = fn(&[u8]) -> serde_json::Result<ListUsageResponse>;

/// By hand: reqwest + `decode`, the same request and the same paging rule.
async fn walk_by_hand(http: &reqwest::Client, base: &str, decode: Decode) -> (usize, f64) {
    let url = format!("{base}/v1/billing/usage");
    let (mut count, mut last) = (0, 0.0);
    let mut cursor: Option<String> = None;
    loop {
        let mut request = http
            .get(&url)
            .bearer_auth(TOKEN)
            .query(&[("per_page", PER_PAGE.to_string())]);
        if let Some(cursor) = &cursor {
            request = request.query(&[("cursor", cursor)]);
        }
        let response = request.send().await.expect("a response");
        assert!(response.status().is_success());
        let body = response.bytes().await.expect("a body");
        let page = decode(&body).expect("a page");
        for entry in page.data.usage {
            count += 1;
            last = entry.timestamp.unwrap_or_default();
        }
        match (page.pagination.has_next_page, page.pagination.cursor) {
            (true, Some(next)) => cursor = Some(next),
            _ => break,
        }
    }
    (count, last)
}

fn paging(c: &mut Criterion) {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a runtime");
    let pages: Arc<Vec<Bytes>> = Arc::new(
        (0..PAGES)
            .map(|i| Bytes::from(bodies::northflank_list_page(PER_PAGE, i, PAGES)))
            .collect(),
    );
    let bytes: usize = pages.iter().map(Bytes::len).sum();
    eprintln!("{PAGES} pages, {bytes} bytes in all");
    let handler: server::Handler = {
        let pages = pages.clone();
        Arc::new(move |target: &str| {
            if !target.starts_with("/v1/billing/usage") {
                return None;
            }
            let index = match server::query(target, "cursor") {
                Some(cursor) => bodies::northflank_cursor_index(&cursor)?,
                None => 0,
            };
            pages.get(index).cloned()
        })
    };
    let base = runtime.block_on(server::start(handler));
    let client =
        Client::from_config(Config::new(TOKEN).with_base_url(base.clone())).expect("client");
    let http = reqwest::Client::builder()
        .tls_backend_preconfigured(usage_bindings::config::tls_config().expect("TLS settings"))
        .timeout(Duration::from_secs(30))
        .build()
        .expect("reqwest client");

    let serde_json_decode: Decode = |body| serde_json::from_slice(body);
    let crate_decode: Decode = usage_bindings::json::from_slice;

    // `PAGING_WALKS=<walker>:<n>` runs one walker n times and no benchmark: for counting
    // instructions under `valgrind --tool=callgrind --toggle-collect='*walk_*'`, which a
    // loaded machine does not disturb (see BENCHMARKS.md).
    if let Ok(spec) = std::env::var("PAGING_WALKS") {
        let (walker, times) = spec.split_once(':').expect("PAGING_WALKS=<walker>:<n>");
        for _ in 0..times.parse::<usize>().expect("a number of walks") {
            let walked = match walker {
                "crate_stream" => runtime.block_on(walk_crate(&client)).0,
                "reqwest_serde_json" => {
                    runtime
                        .block_on(walk_by_hand(&http, &base, serde_json_decode))
                        .0
                }
                "reqwest_same_decoder" => {
                    runtime.block_on(walk_by_hand(&http, &base, crate_decode)).0
                }
                other => panic!("unknown walker {other}"),
            };
            assert_eq!(walked, PAGES * PER_PAGE);
        }
        return;
    }

    // Not timing assertions: both walkers must see every entry, or the figures mean nothing.
    let expected = PAGES * PER_PAGE;
    assert_eq!(runtime.block_on(walk_crate(&client)).0, expected);
    for decode in [serde_json_decode, crate_decode] {
        assert_eq!(
            runtime.block_on(walk_by_hand(&http, &base, decode)).0,
            expected
        );
    }

    let mut group = c.benchmark_group(format!("paging/northflank_list_usage_{PAGES}x{PER_PAGE}"));
    group
        .throughput(Throughput::Bytes(bytes as u64))
        .sample_size(30)
        .warm_up_time(Duration::from_secs(2))
        .measurement_time(Duration::from_secs(10));
    group.bench_function("crate_stream", |b| {
        b.iter(|| black_box(runtime.block_on(walk_crate(&client))))
    });
    group.bench_function("reqwest_serde_json", |b| {
        b.iter(|| black_box(runtime.block_on(walk_by_hand(&http, &base, serde_json_decode))))
    });
    group.bench_function("reqwest_same_decoder", |b| {
        b.iter(|| black_box(runtime.block_on(walk_by_hand(&http, &base, crate_decode))))
    });
    group.finish();
}

criterion_group!(benches, paging);
criterion_main!(benches);
