//! Peak memory while streaming N pages.
//!
//! ```sh
//! cargo run --release --example memory-probe -- 10
//! cargo run --release --example memory-probe -- 1000
//! ```
//!
//! Starts a local HTTP server on 127.0.0.1 that makes each Northflank list usage page (100 hourly
//! entries, about 23 kB) when it is asked for, so that the server itself holds no more for 1000
//! pages than for 10; walks every entry of the N pages through the crate's stream
//! (`list_usage().per_page(100).items()`), keeping only a count and a sum; then prints the
//! process's peak resident set size (`VmHWM` of `/proc/self/status`). A stream that held on to
//! its pages would show as a peak that grows with N.

use std::sync::Arc;

use bytes::Bytes;
use futures::TryStreamExt;
use usage_bindings::northflank::{Client, Config};

#[path = "../benches/bodies.rs"]
mod bodies;
#[path = "../benches/server.rs"]
mod server;

const PER_PAGE: usize = 100;

/// A field of `/proc/self/status` in kB (`VmHWM`, `VmRSS`).
fn status_kb(field: &str) -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    status.lines().find_map(|line| {
        let rest = line.strip_prefix(field)?.strip_prefix(':')?;
        rest.trim().trim_end_matches("kB").trim().parse().ok()
    })
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let pages: usize = match std::env::args().nth(1) {
        Some(arg) => arg
            .parse()
            .map_err(|_| format!("not a page count: {arg}"))?,
        None => 10,
    };
    if pages == 0 {
        return Err("the page count must be at least 1".into());
    }
    let handler: server::Handler = Arc::new(move |target: &str| {
        if !target.starts_with("/v1/billing/usage") {
            return None;
        }
        let index = match server::query(target, "cursor") {
            Some(cursor) => bodies::northflank_cursor_index(&cursor)?,
            None => 0,
        };
        (index < pages).then(|| Bytes::from(bodies::northflank_list_page(PER_PAGE, index, pages)))
    });
    let base = server::start(handler).await;
    let client = Client::from_config(Config::new("nf-probe-token").with_base_url(base))?;

    let mut entries = client.list_usage().per_page(PER_PAGE as i64).items();
    let (mut count, mut cents) = (0usize, rust_decimal::Decimal::ZERO);
    while let Some(entry) = entries.try_next().await? {
        count += 1;
        if let Some(total) = entry
            .paas_usage
            .and_then(|usage| usage.price)
            .and_then(|price| price.total)
        {
            cents += total.value();
        }
    }
    if count != pages * PER_PAGE {
        return Err(format!("walked {count} entries, expected {}", pages * PER_PAGE).into());
    }
    let hwm = status_kb("VmHWM").ok_or("no VmHWM in /proc/self/status")?;
    let rss = status_kb("VmRSS").unwrap_or_default();
    println!("pages={pages} entries={count} paas_cents={cents} vm_hwm_kb={hwm} vm_rss_kb={rss}");
    Ok(())
}
