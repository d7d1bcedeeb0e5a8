//! Decode benchmark: large realistic bodies decoded into the crate's generated types
//! versus into `serde_json::Value`, the same bytes in the same run.
//!
//! ```sh
//! cargo bench --bench decode
//! ```
//!
//! Each body is generated in code (`benches/bodies.rs`). `typed` is what a `.send()` does with a
//! body (`usage_bindings::json::from_slice::<T>` on the whole body); `value` is
//! `serde_json::from_slice::<serde_json::Value>` on the same bytes. Both include dropping the
//! decoded value, as a caller pays for it. Throughput is in bytes of JSON.
//! The peer baseline (async-openai's `UsageResponse`) lives in `benches/baseline/`, which CI
//! does not build.

use std::hint::black_box;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use serde::de::DeserializeOwned;

#[path = "bodies.rs"]
mod bodies;

use usage_bindings::northflank::types::GetUsageResponse;
use usage_bindings::openai::types::UsageResponse;
use usage_bindings::phala::types::AppUsageResponse;

fn typed_vs_value<T: DeserializeOwned>(c: &mut Criterion, name: &str, body: &[u8]) {
    // Not a timing assertion: the body must decode, or the figures mean nothing.
    usage_bindings::json::from_slice::<T>(body).unwrap_or_else(|e| panic!("{name}: {e}"));
    let mut group = c.benchmark_group(format!("decode/{name}"));
    group
        .throughput(Throughput::Bytes(body.len() as u64))
        .sample_size(20)
        .warm_up_time(Duration::from_secs(2))
        .measurement_time(Duration::from_secs(8));
    group.bench_function("typed", |b| {
        b.iter(|| usage_bindings::json::from_slice::<T>(black_box(body)).unwrap())
    });
    group.bench_function("value", |b| {
        b.iter(|| serde_json::from_slice::<serde_json::Value>(black_box(body)).unwrap())
    });
    group.finish();
}

fn decode(c: &mut Criterion) {
    for (name, body) in bodies::decode_bodies() {
        eprintln!("{name}: {} bytes", body.len());
        match name {
            n if n.starts_with("openai") => typed_vs_value::<UsageResponse>(c, name, &body),
            n if n.starts_with("phala") => typed_vs_value::<AppUsageResponse>(c, name, &body),
            n if n.starts_with("northflank") => typed_vs_value::<GetUsageResponse>(c, name, &body),
            _ => unreachable!("{name}"),
        }
    }
}

criterion_group!(benches, decode);
criterion_main!(benches);
