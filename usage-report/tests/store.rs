//! `usage-report sync`, the store report and `budget`, run as the binary against mock providers on
//! 127.0.0.1 (every provider's demo routes, with faults switched on per test), each scenario on
//! SQLite and on PostgreSQL. PostgreSQL is the server at `USAGE_REPORT_TEST_POSTGRES` (default
//! `postgres://postgres@127.0.0.1:5432/postgres`); each test makes its own database and drops it,
//! and fails when the server is not there.

use std::collections::HashMap;
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use chrono::{DateTime, NaiveDate, TimeDelta, Utc};
use rust_decimal::Decimal;
use usage_bindings::cost::{self, Window};
use usage_bindings::demo::{Answer, Request, Respond};
use usage_bindings::{registry, Provider};
use usage_report::server::Server;

const BIN: &str = env!("CARGO_BIN_EXE_usage-report");

// ---------------------------------------------------------------------------------------------
// Mock providers: the demo's routes, counted per provider, with faults.

#[derive(Default)]
struct Faults {
    /// Requests per provider since the last reset.
    counts: HashMap<Provider, usize>,
    /// Fail the n-th request (1-based, since the last reset) of a provider with a 400.
    fail_on: Option<(Provider, usize)>,
    /// Hold every request of a provider until cleared (at most 30 s).
    stall: Option<Provider>,
}

struct Tampered {
    provider: Provider,
    inner: Box<dyn Respond>,
    faults: Arc<Mutex<Faults>>,
}

impl Respond for Tampered {
    fn respond(&self, request: &Request) -> Answer {
        let (fail, stall) = {
            let mut faults = self.faults.lock().unwrap();
            let count = faults.counts.entry(self.provider).or_insert(0);
            *count += 1;
            let count = *count;
            (
                faults.fail_on == Some((self.provider, count)),
                faults.stall == Some(self.provider),
            )
        };
        if stall {
            let until = Instant::now() + Duration::from_secs(30);
            while Instant::now() < until && self.faults.lock().unwrap().stall == Some(self.provider)
            {
                std::thread::sleep(Duration::from_millis(20));
            }
        }
        if fail {
            return Answer::json(400, serde_json::json!({ "error": "injected failure" }));
        }
        self.inner.respond(request)
    }
}

struct Mock {
    server: Server,
    faults: Arc<Mutex<Faults>>,
}

impl Mock {
    async fn start() -> Mock {
        let faults = Arc::new(Mutex::new(Faults::default()));
        // A request that names no window is answered for every day a first sync reads.
        let today = Utc::now().date_naive();
        let window = Window::days(today - TimeDelta::days(70), today).unwrap();
        let mut routes = Vec::new();
        for descriptor in registry::descriptors() {
            for (route, respond) in (descriptor.demo.routes)(window) {
                let tampered: Box<dyn Respond> = Box::new(Tampered {
                    provider: descriptor.provider,
                    inner: respond,
                    faults: Arc::clone(&faults),
                });
                routes.push((route, tampered));
            }
        }
        Mock {
            server: Server::start(routes).await.unwrap(),
            faults,
        }
    }

    fn uri(&self) -> &str {
        self.server.uri()
    }

    fn reset(&self) -> HashMap<Provider, usize> {
        let mut faults = self.faults.lock().unwrap();
        faults.fail_on = None;
        faults.stall = None;
        std::mem::take(&mut faults.counts)
    }

    fn fail_on(&self, provider: Provider, request: usize) {
        self.faults.lock().unwrap().fail_on = Some((provider, request));
    }

    fn stall(&self, provider: Option<Provider>) {
        self.faults.lock().unwrap().stall = provider;
    }
}

// ---------------------------------------------------------------------------------------------
// Stores: a SQLite file in a folder of its own, or a PostgreSQL database of its own.

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Sqlite,
    Postgres,
}

static SERIAL: AtomicUsize = AtomicUsize::new(0);

fn unique(name: &str) -> String {
    format!(
        "ur_{name}_{}_{}_{}",
        std::process::id(),
        SERIAL.fetch_add(1, Ordering::Relaxed),
        Utc::now().timestamp_subsec_nanos()
    )
}

fn admin_url() -> String {
    std::env::var("USAGE_REPORT_TEST_POSTGRES")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".to_string())
}

/// `admin`'s URL with the database `name`.
fn database_url(admin: &str, name: &str) -> String {
    let mut url = url::Url::parse(admin).unwrap();
    url.set_path(&format!("/{name}"));
    url.to_string()
}

async fn admin(sql: &str) {
    let (client, connection) = tokio_postgres::connect(&admin_url(), tokio_postgres::NoTls)
        .await
        .unwrap_or_else(|error| {
            panic!(
                "PostgreSQL at {} is needed by the store tests: {error}",
                admin_url()
            )
        });
    let task = tokio::spawn(connection);
    client.batch_execute(sql).await.unwrap();
    drop(client);
    let _ = task.await;
}

struct Db {
    kind: Kind,
    url: String,
    folder: PathBuf,
    database: Option<String>,
}

impl Db {
    async fn new(kind: Kind, name: &str) -> Db {
        let name = unique(name);
        let folder = std::env::temp_dir().join(&name);
        std::fs::create_dir_all(&folder).unwrap();
        match kind {
            Kind::Sqlite => Db {
                kind,
                url: format!("sqlite:{}", folder.join("usage.sqlite3").display()),
                folder,
                database: None,
            },
            Kind::Postgres => {
                admin(&format!("CREATE DATABASE {name}")).await;
                Db {
                    kind,
                    url: database_url(&admin_url(), &name),
                    folder,
                    database: Some(name),
                }
            }
        }
    }

    /// Runs `sql` on the store's own tables; with `read`, the first column of its one row.
    async fn sql(&self, sql: &str, read: bool) -> i64 {
        match self.kind {
            Kind::Sqlite => {
                let path = self.url.trim_start_matches("sqlite:");
                let connection = rusqlite::Connection::open(path).unwrap();
                if read {
                    return connection.query_row(sql, [], |row| row.get(0)).unwrap();
                }
                connection.execute_batch(sql).unwrap();
                0
            }
            Kind::Postgres => {
                let (client, connection) =
                    tokio_postgres::connect(&self.url, tokio_postgres::NoTls)
                        .await
                        .unwrap();
                let task = tokio::spawn(connection);
                let value = if read {
                    client.query_one(sql, &[]).await.unwrap().get(0)
                } else {
                    client.batch_execute(sql).await.unwrap();
                    0
                };
                drop(client);
                let _ = task.await;
                value
            }
        }
    }

    async fn execute(&self, sql: &str) {
        self.sql(sql, false).await;
    }

    /// How many stored records match `sql_where`.
    async fn count(&self, sql_where: &str) -> i64 {
        self.sql(
            &format!("SELECT COUNT(*) FROM cost_records WHERE {sql_where}"),
            true,
        )
        .await
    }
}

impl Drop for Db {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.folder);
        if let Some(name) = self.database.take() {
            // A runtime of its own: drop runs inside the test's.
            let _ = std::thread::spawn(move || {
                let runtime = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .unwrap();
                runtime.block_on(admin(&format!(
                    "DROP DATABASE IF EXISTS {name} WITH (FORCE)"
                )));
            })
            .join();
        }
    }
}

// ---------------------------------------------------------------------------------------------
// The binary.

fn command(args: &[&str]) -> Command {
    let mut command = Command::new(BIN);
    command.args(args);
    for descriptor in registry::descriptors() {
        for variable in descriptor.env_vars {
            command.env_remove(variable.name);
        }
    }
    command.env_remove("USAGE_REPORT_STORE");
    command.stdin(Stdio::null());
    command
}

async fn run(args: &[&str]) -> Output {
    let mut command = command(args);
    tokio::task::spawn_blocking(move || command.output().unwrap())
        .await
        .unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// One sync line per provider, by provider display name.
struct Synced {
    lines: HashMap<Provider, String>,
    status: Option<i32>,
    stderr: String,
}

impl Synced {
    fn line(&self, provider: Provider) -> &str {
        self.lines
            .get(&provider)
            .unwrap_or_else(|| panic!("no line for {provider}: {:?}", self.lines))
    }

    /// The range read and the requests printed.
    fn read(&self, provider: Provider) -> (Window, usize) {
        let line = self.line(provider);
        let after = line.split_once("read ").unwrap().1;
        let (start, rest) = after.split_once(" to ").unwrap();
        let (end, rest) = rest.split_once(" in ").unwrap();
        let requests = rest.split_whitespace().next().unwrap().parse().unwrap();
        let time = |text: &str| {
            chrono::NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M")
                .unwrap()
                .and_utc()
        };
        (Window::new(time(start), time(end)).unwrap(), requests)
    }

    /// inserted, revised, deleted, unchanged.
    fn counts(&self, provider: Provider) -> [usize; 4] {
        let line = self.line(provider);
        let number = |word: &str| -> usize {
            let before = line.split_once(&format!(" {word}")).unwrap().0;
            before.rsplit(' ').next().unwrap().parse().unwrap()
        };
        [
            number("inserted"),
            number("revised"),
            number("deleted"),
            number("unchanged"),
        ]
    }
}

async fn sync(mock: &Mock, db: &Db, extra: &[&str]) -> Synced {
    let mut args = vec!["sync", "--demo-server", mock.uri(), "--store", &db.url];
    args.extend_from_slice(extra);
    let output = run(&args).await;
    let stdout = text(&output.stdout);
    let mut lines = HashMap::new();
    for line in stdout.lines() {
        for provider in Provider::ALL {
            if line.starts_with(&format!("{provider}: ")) {
                lines.insert(*provider, line.to_string());
            }
        }
    }
    Synced {
        lines,
        status: output.status.code(),
        stderr: text(&output.stderr),
    }
}

/// The days every provider's first sync covers: from the oldest day every provider serves to
/// yesterday.
fn days() -> (String, String) {
    let today = Utc::now().date_naive();
    let oldest = registry::descriptors()
        .filter_map(|descriptor| descriptor.freshness.history_days)
        .max()
        .map_or(today - TimeDelta::days(30), |days| {
            today - TimeDelta::days(i64::from(days))
        });
    (oldest.to_string(), (today - TimeDelta::days(1)).to_string())
}

/// The report of `since` to `until` in `format`, from `origin`: `["--demo-server", uri]` (live)
/// or `["--store", url]`.
async fn report(origin: [&str; 2], since: &str, until: &str, format: &str) -> Output {
    run(&[
        origin[0],
        origin[1],
        "--since",
        since,
        "--until",
        until,
        "--format",
        format,
        "--no-chart",
    ])
    .await
}

/// The live totals of `window` per provider, fetched here through the library.
async fn live_totals(mock: &Mock, window: Window) -> HashMap<Provider, Decimal> {
    let sources = usage_report::demo::sources_at(mock.uri(), &|_| None).unwrap();
    let sources: Vec<&dyn cost::CostSource> = sources.iter().map(|s| s.as_ref()).collect();
    let mut totals = HashMap::new();
    for costs in cost::fetch_all(&sources, window).await {
        let records = costs.into_records().unwrap();
        let sum = cost::totals_by_currency(&records).unwrap();
        totals.insert(
            records.first().map_or(Provider::ALL[0], |r| r.provider),
            sum.get("USD").copied().unwrap_or_default(),
        );
    }
    totals
}

/// The stored totals of `window` per provider, read with the tool's store.
async fn stored_totals(db: &Db, window: Window) -> HashMap<Provider, (Decimal, usize)> {
    let store = usage_report::store::Store::open(&db.url.parse().unwrap())
        .await
        .unwrap();
    let mut totals = HashMap::new();
    for descriptor in registry::descriptors() {
        let records = store
            .records(descriptor.provider, "usage", window)
            .await
            .unwrap();
        let sum = cost::totals_by_currency(&records).unwrap();
        totals.insert(
            descriptor.provider,
            (sum.get("USD").copied().unwrap_or_default(), records.len()),
        );
    }
    totals
}

fn window_of(since: &str, until: &str) -> Window {
    Window::days(
        since.parse::<NaiveDate>().unwrap(),
        until.parse::<NaiveDate>().unwrap(),
    )
    .unwrap()
}

macro_rules! on_both_stores {
    ($($scenario:ident),* $(,)?) => {
        $(
            mod $scenario {
                #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
                async fn sqlite() {
                    super::$scenario(super::Kind::Sqlite).await;
                }

                #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
                async fn postgres() {
                    super::$scenario(super::Kind::Postgres).await;
                }
            }
        )*
    };
}

on_both_stores!(
    first_sync_equals_live_and_second_changes_nothing_with_fewest_requests,
    revised_and_vanished_records_are_replaced_and_deleted,
    a_provider_failing_on_page_3_writes_nothing_and_the_others_are_written,
    a_sync_killed_at_any_moment_then_rerun_gives_the_right_totals,
    two_syncs_at_once_neither_duplicate_nor_lose,
    budget_exits_3_over_the_limit,
    a_newer_schema_is_refused,
);

// ---------------------------------------------------------------------------------------------
// Scenarios.

async fn first_sync_equals_live_and_second_changes_nothing_with_fewest_requests(kind: Kind) {
    let mock = Mock::start().await;
    let db = Db::new(kind, "equal").await;
    let first = sync(&mock, &db, &[]).await;
    assert_eq!(first.status, Some(0), "{}", first.stderr);
    let counts = mock.reset();
    for descriptor in registry::descriptors() {
        let provider = descriptor.provider;
        let (range, requests) = first.read(provider);
        let fewest = (descriptor.demo.requests)(range);
        assert_eq!(
            (requests, counts[&provider], fewest),
            (fewest, fewest, fewest),
            "{provider}"
        );
        assert_eq!(
            first.counts(provider)[0],
            (descriptor.demo.records)(range),
            "{provider}"
        );
    }

    let (since, until) = days();
    for format in ["table", "csv", "json", "focus"] {
        let live = report(["--demo-server", mock.uri()], &since, &until, format).await;
        let stored = report(["--store", &db.url], &since, &until, format).await;
        assert_eq!(live.status.code(), Some(0), "{}", text(&live.stderr));
        assert_eq!(stored.status.code(), Some(0), "{}", text(&stored.stderr));
        assert!(!stored.stdout.is_empty());
        assert_eq!(text(&stored.stdout), text(&live.stdout), "{format}");
    }
    // FOCUS 1.0, and FOCUS 1.2 as Parquet: the same bytes from the store as live.
    for extra in [&["--focus-version", "1.0"][..], &["--parquet"][..]] {
        let mut files = Vec::new();
        for origin in [["--demo-server", mock.uri()], ["--store", db.url.as_str()]] {
            let file = db.folder.join(format!("export-{}", files.len()));
            let file_arg = file.display().to_string();
            let mut args = vec![
                origin[0], origin[1], "--since", &since, "--until", &until, "--format", "focus",
                "--output", &file_arg,
            ];
            args.extend_from_slice(extra);
            let output = run(&args).await;
            assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
            files.push(std::fs::read(&file).unwrap());
        }
        assert!(!files[0].is_empty());
        assert!(
            files[0] == files[1],
            "{extra:?}: the store's export differs from the live one"
        );
    }
    mock.reset();

    let second = sync(&mock, &db, &[]).await;
    assert_eq!(second.status, Some(0), "{}", second.stderr);
    let counts = mock.reset();
    for descriptor in registry::descriptors() {
        let provider = descriptor.provider;
        let (range, requests) = second.read(provider);
        let fewest = (descriptor.demo.requests)(range);
        // The range is the synced point less the re-read hours, from midnight.
        assert!(
            range.end - range.start
                <= TimeDelta::hours(i64::from(descriptor.freshness.reread_hours) + 48)
        );
        assert_eq!(
            (requests, counts[&provider]),
            (fewest, fewest),
            "{provider}: {}",
            second.line(provider)
        );
        let [inserted, revised, deleted, unchanged] = second.counts(provider);
        assert_eq!(
            (inserted, revised, deleted),
            (0, 0, 0),
            "{}",
            second.line(provider)
        );
        assert_eq!(unchanged, (descriptor.demo.records)(range));
    }
}

async fn revised_and_vanished_records_are_replaced_and_deleted(kind: Kind) {
    let mock = Mock::start().await;
    let db = Db::new(kind, "revise").await;
    assert_eq!(sync(&mock, &db, &[]).await.status, Some(0));
    let yesterday = (Utc::now() - TimeDelta::days(1)).date_naive();
    let old = Utc::now().date_naive() - TimeDelta::days(20);
    let day = |date: NaiveDate| date.and_hms_opt(0, 0, 0).unwrap().and_utc();
    let time = |at: DateTime<Utc>| match kind {
        Kind::Sqlite => format!(
            "'{}'",
            at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
        ),
        Kind::Postgres => format!("'{}'::timestamptz", at.to_rfc3339()),
    };
    let amount = |value: &str| match kind {
        Kind::Sqlite => format!("'{value}'"),
        Kind::Postgres => value.to_string(),
    };
    // Yesterday's records now say 1000 more than the provider (the provider revised them), and
    // the store holds a record yesterday, and one 20 days ago, that the provider never sent.
    for descriptor in registry::descriptors() {
        let p = descriptor.provider.as_str();
        db.execute(&format!(
            "UPDATE cost_records SET amount = {} WHERE provider = '{p}' AND period_start = {} AND ordinal = 0 AND kind = 'usage' AND scope = (SELECT MIN(scope) FROM cost_records WHERE provider = '{p}' AND period_start = {});
             INSERT INTO cost_records SELECT provider, billing_account, source, period_start, period_end, '{{\"resource\":\"vanished\"}}', kind, ordinal, amount, currency, quantity, quantity_unit, description, names, billing_account_name, details FROM cost_records WHERE provider = '{p}' AND period_start = {} AND ordinal = 0 AND scope = (SELECT MIN(scope) FROM cost_records WHERE provider = '{p}' AND period_start = {});
             INSERT INTO cost_records SELECT provider, billing_account, source, period_start, period_end, '{{\"resource\":\"vanished\"}}', kind, ordinal, amount, currency, quantity, quantity_unit, description, names, billing_account_name, details FROM cost_records WHERE provider = '{p}' AND period_start = {} AND ordinal = 0 AND scope = (SELECT MIN(scope) FROM cost_records WHERE provider = '{p}' AND period_start = {});",
            amount("1000"),
            time(day(yesterday)),
            time(day(yesterday)),
            time(day(yesterday)),
            time(day(yesterday)),
            time(day(old)),
            time(day(old)),
        ))
        .await;
    }
    let second = sync(&mock, &db, &[]).await;
    assert_eq!(second.status, Some(0), "{}", second.stderr);
    for descriptor in registry::descriptors() {
        let provider = descriptor.provider;
        let [inserted, revised, deleted, _] = second.counts(provider);
        assert_eq!(
            (inserted, revised, deleted),
            (0, 1, 1),
            "{}",
            second.line(provider)
        );
        // The record outside the re-read range stays: no answer covered it.
        let kept = db
            .count(&format!(
                "provider = '{}' AND scope = '{{\"resource\":\"vanished\"}}'",
                provider.as_str()
            ))
            .await;
        assert_eq!(kept, 1, "{provider}");
    }
    let recent = Window::days(yesterday - TimeDelta::days(1), yesterday).unwrap();
    let stored = stored_totals(&db, recent).await;
    for (provider, total) in live_totals(&mock, recent).await {
        assert_eq!(stored[&provider].0, total, "{provider}");
    }
}

async fn a_provider_failing_on_page_3_writes_nothing_and_the_others_are_written(kind: Kind) {
    let mock = Mock::start().await;
    let db = Db::new(kind, "fail").await;
    assert_eq!(sync(&mock, &db, &[]).await.status, Some(0));
    let ranges_before = {
        let store = usage_report::store::Store::open(&db.url.parse().unwrap())
            .await
            .unwrap();
        store.synced_ranges().await.unwrap()
    };
    // Read 30 days again; the provider with the most pages fails on its third request.
    let victim = registry::descriptors()
        .max_by_key(|descriptor| {
            let today = Utc::now().date_naive();
            (descriptor.demo.requests)(Window::days(today - TimeDelta::days(31), today).unwrap())
        })
        .unwrap()
        .provider;
    // Every provider's newest record was lost from the store: a good sync puts it back.
    let today = Utc::now()
        .date_naive()
        .and_hms_opt(0, 0, 0)
        .unwrap()
        .and_utc();
    let today = match kind {
        Kind::Sqlite => format!(
            "'{}'",
            today.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
        ),
        Kind::Postgres => format!("'{}'::timestamptz", today.to_rfc3339()),
    };
    db.execute(&format!(
        "DELETE FROM cost_records WHERE source = 'usage' AND period_start = (SELECT MAX(period_start) \
         FROM cost_records c WHERE c.provider = cost_records.provider AND c.source = 'usage' \
         AND c.period_start < {today})"
    ))
    .await;
    mock.reset();
    mock.fail_on(victim, 3);
    let failed = sync(&mock, &db, &["--reread", "720"]).await;
    assert_eq!(failed.status, Some(1), "{}", failed.stderr);
    assert!(
        failed.line(victim).contains("FAILED, nothing written"),
        "{}",
        failed.line(victim)
    );
    for descriptor in registry::descriptors().filter(|d| d.provider != victim) {
        let [inserted, ..] = failed.counts(descriptor.provider);
        assert!(inserted > 0, "{}", failed.line(descriptor.provider));
    }
    let ranges_after = {
        let store = usage_report::store::Store::open(&db.url.parse().unwrap())
            .await
            .unwrap();
        store.synced_ranges().await.unwrap()
    };
    let range_of = |ranges: &[usage_report::store::SyncedRange]| {
        ranges
            .iter()
            .find(|r| r.provider == victim && r.source == "usage")
            .unwrap()
            .range
    };
    assert_eq!(range_of(&ranges_after), range_of(&ranges_before));
    // The victim's rows are as they were (its newest still missing); the others are whole.
    let (since, until) = days();
    let after = report(["--store", &db.url], &since, &until, "csv").await;
    let row = |output: &Output, provider: Provider| {
        text(&output.stdout)
            .lines()
            .find(|line| line.starts_with(&format!("{provider},")))
            .unwrap()
            .to_string()
    };
    mock.reset();
    let live = report(["--demo-server", mock.uri()], &since, &until, "csv").await;
    for descriptor in registry::descriptors() {
        let provider = descriptor.provider;
        if provider == victim {
            assert_ne!(row(&after, provider), row(&live, provider));
        } else {
            assert_eq!(row(&after, provider), row(&live, provider));
        }
    }
    // The next sync mends it.
    let mended = sync(&mock, &db, &["--reread", "720"]).await;
    assert_eq!(mended.status, Some(0), "{}", mended.stderr);
    let after = report(["--store", &db.url], &since, &until, "csv").await;
    assert_eq!(text(&after.stdout), text(&live.stdout));
}

async fn a_sync_killed_at_any_moment_then_rerun_gives_the_right_totals(kind: Kind) {
    let mock = Mock::start().await;
    let db = Db::new(kind, "kill").await;
    // One provider stalls: the others finish and commit; the process is killed while the
    // stalled provider waits.
    let stalled = Provider::ALL[0];
    mock.stall(Some(stalled));
    let mut child = command(&["sync", "--demo-server", mock.uri(), "--store", &db.url])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let others = registry::descriptors()
        .filter(|d| d.provider != stalled)
        .count();
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let synced = match usage_report::store::Store::open(&db.url.parse().unwrap()).await {
            Ok(store) => store.synced_ranges().await.unwrap_or_default(),
            Err(_) => Vec::new(),
        };
        let usage: Vec<_> = synced.iter().filter(|s| s.source == "usage").collect();
        if usage.len() == others {
            assert!(synced.iter().all(|s| s.provider != stalled));
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the other providers never committed: {synced:?}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    child.kill().unwrap();
    child.wait().unwrap();
    mock.stall(None);
    let (since, until) = days();
    let window = window_of(&since, &until);
    let totals = stored_totals(&db, window).await;
    assert_eq!(totals[&stalled], (Decimal::ZERO, 0));

    let live = live_totals(&mock, window).await;
    let rerun = sync(&mock, &db, &[]).await;
    assert_eq!(rerun.status, Some(0), "{}", rerun.stderr);
    let totals = stored_totals(&db, window).await;
    for (provider, total) in &live {
        assert_eq!(totals[provider].0, *total, "{provider}");
    }

    // Killed at other moments, among them inside a provider's transaction: each time, every
    // provider holds either nothing or exactly what the provider says over its synced range,
    // and a sync run again gives the right totals.
    for delay in [0u64, 40, 120, 250, 400, 700] {
        let fresh = Db::new(kind, "killat").await;
        let mut child = command(&["sync", "--demo-server", mock.uri(), "--store", &fresh.url])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        tokio::time::sleep(Duration::from_millis(delay)).await;
        let _ = child.kill();
        child.wait().unwrap();
        // Whenever the kill came, the store opens.
        {
            let store = usage_report::store::Store::open(&fresh.url.parse().unwrap())
                .await
                .unwrap();
            let synced = store.synced_ranges().await.unwrap();
            for synced in synced.into_iter().filter(|synced| synced.source == "usage") {
                let records = store
                    .records(synced.provider, "usage", synced.range)
                    .await
                    .unwrap();
                let descriptor = synced.provider.descriptor().unwrap();
                assert_eq!(
                    records.len(),
                    (descriptor.demo.records)(synced.range),
                    "{} killed after {delay} ms",
                    synced.provider
                );
            }
        }
        let rerun = sync(&mock, &fresh, &[]).await;
        assert_eq!(rerun.status, Some(0), "{}", rerun.stderr);
        let totals = stored_totals(&fresh, window).await;
        for (provider, total) in &live {
            assert_eq!(
                totals[provider].0, *total,
                "{provider} killed after {delay} ms"
            );
        }
    }
}

async fn two_syncs_at_once_neither_duplicate_nor_lose(kind: Kind) {
    let mock = Mock::start().await;
    let db = Db::new(kind, "twice").await;
    let (a, b) = tokio::join!(sync(&mock, &db, &[]), sync(&mock, &db, &[]));
    for synced in [&a, &b] {
        match synced.status {
            Some(0) => {}
            _ => assert!(
                synced.stderr.contains("the store is busy")
                    || synced
                        .lines
                        .values()
                        .any(|l| l.contains("the store is busy")),
                "{}",
                synced.stderr
            ),
        }
    }
    let (since, until) = days();
    let window = window_of(&since, &until);
    let stored = stored_totals(&db, window).await;
    for descriptor in registry::descriptors() {
        let provider = descriptor.provider;
        assert_eq!(
            stored[&provider].1,
            (descriptor.demo.records)(window),
            "{provider}"
        );
    }
    for (provider, total) in live_totals(&mock, window).await {
        assert_eq!(stored[&provider].0, total, "{provider}");
    }
}

async fn budget_exits_3_over_the_limit(kind: Kind) {
    let mock = Mock::start().await;
    let db = Db::new(kind, "budget").await;
    assert_eq!(sync(&mock, &db, &[]).await.status, Some(0));
    let today = Utc::now().date_naive();
    let last_month = chrono::Datelike::with_day(&today, 1).unwrap() - TimeDelta::days(1);
    let month = last_month.format("%Y-%m").to_string();
    // Last month, fully synced by every provider but those that keep fewer days.
    let json = run(&[
        "budget", "--store", &db.url, "--month", &month, "--limit", "0.01", "--format", "json",
    ])
    .await;
    let body: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    assert_eq!(body["over"], true);
    assert_eq!(json.status.code(), Some(3), "{}", text(&json.stderr));
    let total: Decimal = body["total"].as_str().unwrap().parse().unwrap();
    let month_window = usage_report::budget::parse_month(&month).unwrap();
    let stored = stored_totals(&db, month_window).await;
    assert_eq!(total, stored.values().map(|(sum, _)| *sum).sum::<Decimal>());
    let limit = (total + Decimal::ONE).to_string();
    let under = run(&[
        "budget", "--store", &db.url, "--month", &month, "--limit", &limit,
    ])
    .await;
    let complete = body["complete"].as_bool().unwrap();
    assert_eq!(
        under.status.code(),
        Some(if complete { 0 } else { 1 }),
        "{}",
        text(&under.stdout)
    );
    assert!(text(&under.stdout).contains("Under the limit"));
    // The exact limit is not over it.
    let at = run(&[
        "budget",
        "--store",
        &db.url,
        "--month",
        &month,
        "--limit",
        &total.to_string(),
    ])
    .await;
    assert_ne!(at.status.code(), Some(3));
    // Only the providers that cover the month: complete, exit 0.
    let mut args = vec![
        "budget",
        "--store",
        db.url.as_str(),
        "--month",
        month.as_str(),
        "--limit",
        limit.as_str(),
    ];
    let covering: Vec<String> = registry::descriptors()
        .filter(|d| d.freshness.history_days.is_none())
        .map(|d| d.provider.as_str().to_string())
        .collect();
    for provider in &covering {
        args.extend(["--provider", provider.as_str()]);
    }
    assert_eq!(run(&args).await.status.code(), Some(0));
    // This month: every provider counted up to the earliest synced point, and the forecast
    // carries that total on at that rate.
    let json = run(&[
        "budget", "--store", &db.url, "--limit", "1000000", "--format", "json",
    ])
    .await;
    let body: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    let through: DateTime<Utc> = body["through"].as_str().unwrap().parse().unwrap();
    let month = usage_report::budget::this_month(Utc::now()).unwrap();
    let total: Decimal = body["total"].as_str().unwrap().parse().unwrap();
    if let Some(counted) = Window::new(month.start, through) {
        let stored = stored_totals(&db, counted).await;
        assert_eq!(total, stored.values().map(|(sum, _)| *sum).sum::<Decimal>());
        let forecast: Decimal = body["forecast"].as_str().unwrap().parse().unwrap();
        let rate = total * Decimal::from((month.end - month.start).num_seconds())
            / Decimal::from((through - month.start).num_seconds());
        assert_eq!(forecast, rate.round_dp(2));
    }
}

async fn a_newer_schema_is_refused(kind: Kind) {
    let mock = Mock::start().await;
    let db = Db::new(kind, "schema").await;
    assert_eq!(sync(&mock, &db, &[]).await.status, Some(0));
    db.execute("UPDATE usage_report_meta SET value = '99' WHERE name = 'schema_version'")
        .await;
    let refused = sync(&mock, &db, &[]).await;
    assert_eq!(refused.status, Some(2));
    assert!(
        refused.stderr.contains("schema version 99, newer"),
        "{}",
        refused.stderr
    );
    let report = report(["--store", &db.url], &days().0, &days().1, "table").await;
    assert_eq!(report.status.code(), Some(2));
}

// ---------------------------------------------------------------------------------------------
// Opening stores.

#[tokio::test]
async fn a_store_that_cannot_be_opened_is_named_with_its_password_masked() {
    let output = run(&[
        "sync",
        "--demo",
        "--store",
        "postgres://alice:s3cret@127.0.0.1:1/usage",
    ])
    .await;
    assert_eq!(output.status.code(), Some(2));
    let stderr = text(&output.stderr);
    assert!(
        stderr.contains("cannot open the store postgres://alice:***@127.0.0.1:1/usage"),
        "{stderr}"
    );
    assert!(!stderr.contains("s3cret") && !text(&output.stdout).contains("s3cret"));
    let output = run(&["--store", "mysql://bob:s3cret@h/db"]).await;
    assert_eq!(output.status.code(), Some(2));
    assert!(
        !text(&output.stderr).contains("s3cret"),
        "{}",
        text(&output.stderr)
    );
    let file = std::env::temp_dir().join(unique("notadb"));
    std::fs::write(
        &file,
        "not a database, but text of a sufficient length to be read as a header",
    )
    .unwrap();
    let output = run(&["--store", &format!("sqlite:{}", file.display())]).await;
    let _ = std::fs::remove_file(&file);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        text(&output.stderr).contains("cannot open the store sqlite:"),
        "{}",
        text(&output.stderr)
    );
}

#[tokio::test]
async fn without_store_the_sqlite_file_is_made_in_the_data_folder() {
    let home = std::env::temp_dir().join(unique("home"));
    let mut command = command(&["sync", "--demo"]);
    command.env("HOME", &home).env_remove("XDG_DATA_HOME");
    let output = tokio::task::spawn_blocking(move || command.output().unwrap())
        .await
        .unwrap();
    let file = home.join(".local/share/usage-report/usage.sqlite3");
    let stderr = text(&output.stderr);
    let _ = std::fs::remove_dir_all(&home);
    assert_eq!(output.status.code(), Some(0), "{stderr}");
    assert_eq!(
        stderr
            .matches(&format!("store: sqlite:{}", file.display()))
            .count(),
        1,
        "{stderr}"
    );
}

#[tokio::test]
async fn parquet_is_refused_without_the_focus_format() {
    let output = run(&["--demo", "--format", "csv", "--parquet"]).await;
    assert_eq!(output.status.code(), Some(2));
    assert!(
        text(&output.stderr).contains("--parquet writes the FOCUS export"),
        "{}",
        text(&output.stderr)
    );
    assert!(output.stdout.is_empty());
}
