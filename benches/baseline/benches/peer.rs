//! The two OpenAI decode bodies of `benches/decode.rs`, decoded into the crate's types, into
//! `serde_json::Value` and into async-openai's own `UsageResponse`
//! (`async_openai::types::admin::usage::UsageResponse`, feature `administration-types`): the same
//! bytes, the same run, default allocator, release.
//!
//! Each crate is measured the way its client reads a body: `typed` with
//! `usage_bindings::json::from_slice` (one UTF-8 check per body, then `serde_json::from_str`),
//! `async_openai` with `serde_json::from_slice` (its `Client` does exactly that). Both are also
//! measured the other way (`typed_from_slice`, `async_openai_from_str`), so that the parser change
//! and the types can be told apart. `ignored_any` parses the bytes and builds nothing: the least
//! any serde_json decoder does.
//!
//! ```sh
//! cd benches/baseline && cargo bench
//! ```
//!
//! With the `before` feature (set up by `benches/before-after.sh`), also the crate's types as of
//! the commit before the `UsageResult` change, as `before`.

use std::hint::black_box;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};

#[path = "../../bodies.rs"]
mod bodies;

use async_openai::types::admin::usage::UsageResponse as PeerUsageResponse;
use usage_bindings::openai::types::UsageResponse;

fn peer(c: &mut Criterion) {
    for (name, body) in bodies::decode_bodies() {
        if !name.starts_with("openai") {
            continue;
        }
        let body = body.as_slice();
        // Not timing assertions: every decoder must accept the body and see every result.
        let ours: UsageResponse = usage_bindings::json::from_slice(body).unwrap();
        let theirs: PeerUsageResponse = serde_json::from_slice(body).unwrap();
        assert_eq!(
            ours.data.iter().map(|b| b.results.len()).sum::<usize>(),
            theirs.data.iter().map(|b| b.results.len()).sum::<usize>()
        );
        eprintln!("{name}: {} bytes", body.len());

        let mut group = c.benchmark_group(format!("peer/{name}"));
        group
            .throughput(Throughput::Bytes(body.len() as u64))
            .sample_size(20)
            .warm_up_time(Duration::from_secs(2))
            .measurement_time(Duration::from_secs(8));
        group.bench_function("typed", |b| {
            b.iter(|| usage_bindings::json::from_slice::<UsageResponse>(black_box(body)).unwrap())
        });
        group.bench_function("typed_from_slice", |b| {
            b.iter(|| serde_json::from_slice::<UsageResponse>(black_box(body)).unwrap())
        });
        #[cfg(feature = "before")]
        group.bench_function("typed_before", |b| {
            b.iter(|| {
                serde_json::from_slice::<usage_bindings_before::openai::types::UsageResponse>(
                    black_box(body),
                )
                .unwrap()
            })
        });
        group.bench_function("value", |b| {
            b.iter(|| serde_json::from_slice::<serde_json::Value>(black_box(body)).unwrap())
        });
        group.bench_function("async_openai", |b| {
            b.iter(|| serde_json::from_slice::<PeerUsageResponse>(black_box(body)).unwrap())
        });
        group.bench_function("async_openai_from_str", |b| {
            b.iter(|| {
                let text = std::str::from_utf8(black_box(body)).unwrap();
                serde_json::from_str::<PeerUsageResponse>(text).unwrap()
            })
        });
        // Parse and discard (strings scanned, numbers parsed, nothing built).
        group.bench_function("ignored_any", |b| {
            b.iter(|| serde_json::from_slice::<serde::de::IgnoredAny>(black_box(body)).unwrap())
        });
        group.finish();
    }
}

criterion_group!(benches, peer);
criterion_main!(benches);
