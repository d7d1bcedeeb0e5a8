//! Store benchmark: the report of a year of hourly records (every provider the registry buckets
//! by the hour: Northflank and Phala Cloud) read from a SQLite store, against the live report of
//! one week of the same providers from the demo server, same run; and the store's size per
//! 100 000 records.
//!
//! ```sh
//! cargo bench -p usage-report --bench store
//! ```
//!
//! Both sides build the same [`Report`] and render the same table. The live side goes through
//! the real clients over HTTP on 127.0.0.1 (the demo server); the store side opens the store,
//! reads the year back in key order and decodes every row. Before measuring, the year is synced
//! once, and its stored totals are checked against the live totals of the year, exactly.

use std::hint::black_box;
use std::time::Duration;

use chrono::{TimeDelta, Utc};
use criterion::{criterion_group, criterion_main, Criterion};
use usage_bindings::cost::{self, CostSource, ProviderCosts, Window};
use usage_bindings::registry::{self, Bucket};
use usage_report::demo::DemoServer;
use usage_report::report::{Format, GroupBy, Report};
use usage_report::store::{Store, StoreUrl};

fn hourly(sources: Vec<Box<dyn CostSource>>) -> Vec<Box<dyn CostSource>> {
    sources
        .into_iter()
        .filter(|source| {
            source
                .provider()
                .descriptor()
                .is_some_and(|descriptor| descriptor.freshness.bucket == Bucket::Hour)
        })
        .collect()
}

fn render(window: Window, results: &[ProviderCosts]) -> String {
    Report::build(window, GroupBy::Provider, results)
        .render(Format::Table)
        .expect("a table")
}

fn store_report(c: &mut Criterion) {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a runtime");
    let today = Utc::now().date_naive();
    let year = Window::days(today - TimeDelta::days(365), today - TimeDelta::days(1)).unwrap();
    let week = Window::days(today - TimeDelta::days(7), today - TimeDelta::days(1)).unwrap();
    let folder = std::env::temp_dir().join(format!("usage-report-bench-{}", std::process::id()));
    let file = folder.join("usage.sqlite3");
    let url: StoreUrl = format!("sqlite:{}", file.display()).parse().unwrap();

    let (server, store, records) = runtime.block_on(async {
        let server = DemoServer::start(year).await.expect("the demo server");
        let sources = hourly(server.sources().expect("sources"));
        assert!(!sources.is_empty(), "no provider is bucketed by the hour");
        let mut store = Store::open(&url).await.expect("the store");
        let mut records = 0;
        for source in &sources {
            let costs = cost::fetch(source.as_ref(), year).await;
            let live = cost::totals_by_currency(&costs.records).unwrap();
            let fetched = costs.into_records().expect("the year, whole");
            records += fetched.len();
            store
                .write(source.provider(), source.name(), year, fetched)
                .await
                .expect("the write");
            let stored = store
                .records(source.provider(), source.name(), year)
                .await
                .unwrap();
            assert_eq!(cost::totals_by_currency(&stored).unwrap(), live);
        }
        (server, store, records)
    });
    drop(store);
    // Folded into the main file, so that its size is the store's.
    rusqlite::Connection::open(&file)
        .and_then(|db| db.execute_batch("PRAGMA wal_checkpoint(TRUNCATE); VACUUM;"))
        .expect("a checkpoint");
    let bytes = std::fs::metadata(&file).map(|m| m.len()).unwrap_or(0);
    println!(
        "store: {records} hourly records over a year in {bytes} bytes of SQLite: {} bytes per 100 000 records",
        bytes as u128 * 100_000 / records.max(1) as u128
    );

    let mut group = c.benchmark_group("report");
    group.measurement_time(Duration::from_secs(10));
    group.sample_size(10);
    group.bench_function("store_year", |b| {
        b.iter(|| {
            runtime.block_on(async {
                let store = Store::open(&url).await.unwrap();
                let mut results = Vec::new();
                for descriptor in registry::descriptors()
                    .filter(|descriptor| descriptor.freshness.bucket == Bucket::Hour)
                {
                    let records = store
                        .records(descriptor.provider, "usage", year)
                        .await
                        .unwrap();
                    results.push(ProviderCosts {
                        provider: descriptor.provider,
                        records,
                        outside_window: 0,
                        errors: Vec::new(),
                    });
                }
                black_box(render(year, &results))
            })
        })
    });
    let sources = hourly(server.sources().expect("sources"));
    let sources: Vec<&dyn CostSource> = sources.iter().map(|source| source.as_ref()).collect();
    group.bench_function("live_week", |b| {
        b.iter(|| {
            runtime.block_on(async {
                let results = cost::fetch_all(&sources, week).await;
                assert!(results.iter().all(ProviderCosts::is_complete));
                black_box(render(week, &results))
            })
        })
    });
    group.finish();
    drop(server);
    let _ = std::fs::remove_dir_all(&folder);
}

criterion_group!(benches, store_report);
criterion_main!(benches);
