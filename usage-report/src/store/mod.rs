//! The store: every provider's usage records kept in SQLite (a file, the default) or PostgreSQL
//! (a team's database), keyed by [`RecordKey`], with the range each provider's source was synced
//! over. Amounts are kept exactly (TEXT in SQLite, NUMERIC in PostgreSQL); keys and tokens are
//! never written.
//!
//! A sync writes one provider's source in one transaction ([`Store::write`]): the stored records
//! of the range read, reconciled with the provider's complete answer by
//! [`usage_bindings::cost::reconcile`], the changes and the new synced range committed together
//! or not at all. A report reads records back with [`Store::records`], in key order.
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! use chrono::{TimeDelta, TimeZone, Utc};
//! use usage_bindings::cost::{CostRecord, Scope, Window};
//! use usage_bindings::Provider;
//! use usage_report::store::{Store, StoreUrl};
//!
//! let folder = std::env::temp_dir().join(format!("usage-report-doc-{}", std::process::id()));
//! let url: StoreUrl = format!("sqlite:{}", folder.join("usage.sqlite3").display()).parse()?;
//! let mut store = Store::open(&url).await?;
//!
//! let day = Utc.with_ymd_and_hms(2026, 11, 2, 0, 0, 0).unwrap();
//! let range = Window::new(day, day + TimeDelta::days(1)).unwrap();
//! let record = CostRecord::new(Provider::ALL[0], range, "1.50".parse()?, "USD", Scope::new());
//! let written = store.write(Provider::ALL[0], "usage", range, vec![record.clone()]).await?;
//! assert_eq!(written.inserted, 1);
//! // The same answer again changes nothing.
//! let written = store.write(Provider::ALL[0], "usage", range, vec![record.clone()]).await?;
//! assert_eq!((written.inserted, written.unchanged), (0, 1));
//! assert_eq!(store.records(Provider::ALL[0], "usage", range).await?, vec![record]);
//! assert_eq!(store.synced_range(Provider::ALL[0], "usage").await?, Some(range));
//! # drop(store);
//! # std::fs::remove_dir_all(&folder)?;
//! # Ok(())
//! # }
//! ```

mod postgres;
mod row;
mod sqlite;
mod url;

use usage_bindings::cost::{self, CostRecord, RecordKey, Window};
use usage_bindings::Provider;

pub use self::url::StoreUrl;

/// The schema version this build writes. Each migration takes a store one version up; a store
/// at a newer version is refused.
pub const SCHEMA_VERSION: u32 = 1;

/// The column types a backend writes the schema with.
pub(crate) struct Types {
    /// Exact decimals: TEXT in SQLite (its NUMERIC would make them floats), NUMERIC in PostgreSQL.
    pub decimal: &'static str,
    /// UTC times: RFC 3339 TEXT in SQLite, TIMESTAMPTZ in PostgreSQL.
    pub time: &'static str,
    /// Integers.
    pub integer: &'static str,
    /// What follows the records table (`WITHOUT ROWID` in SQLite: the key is the table).
    pub table_options: &'static str,
}

/// The statements of migration `n` (from version `n` to `n + 1`) in `types`, for
/// `n < SCHEMA_VERSION`.
pub(crate) fn migration(n: u32, types: &Types) -> Option<String> {
    let Types {
        decimal,
        time,
        integer,
        table_options,
    } = types;
    match n {
        0 => Some(format!(
            "CREATE TABLE cost_records (
                provider TEXT NOT NULL,
                billing_account TEXT NOT NULL,
                source TEXT NOT NULL,
                period_start {time} NOT NULL,
                period_end {time} NOT NULL,
                scope TEXT NOT NULL,
                kind TEXT NOT NULL,
                ordinal {integer} NOT NULL,
                amount {decimal} NOT NULL,
                currency TEXT NOT NULL,
                quantity {decimal},
                quantity_unit TEXT,
                description TEXT,
                names TEXT NOT NULL,
                billing_account_name TEXT,
                details TEXT NOT NULL,
                -- Led by what a read selects on, so that a read is one range of the key.
                PRIMARY KEY (provider, source, period_start, period_end, billing_account, scope,
                             kind, ordinal)
            ) {table_options};
            CREATE TABLE synced_ranges (
                provider TEXT NOT NULL,
                source TEXT NOT NULL,
                range_start {time} NOT NULL,
                range_end {time} NOT NULL,
                PRIMARY KEY (provider, source)
            );"
        )),
        _ => None,
    }
}

/// What went wrong with a store. Its message names the store with any password masked.
#[derive(Debug)]
pub struct StoreError {
    message: String,
    busy: bool,
}

impl StoreError {
    pub(crate) fn new(message: impl Into<String>) -> StoreError {
        StoreError {
            message: message.into(),
            busy: false,
        }
    }

    pub(crate) fn busy(store: &StoreUrl) -> StoreError {
        StoreError {
            message: format!(
                "the store is busy: another sync is writing to {store}; try again when it is done"
            ),
            busy: true,
        }
    }

    /// Whether another writer held the store for longer than the wait allows.
    pub fn is_busy(&self) -> bool {
        self.busy
    }
}

impl std::fmt::Display for StoreError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for StoreError {}

/// How many records one write inserted, revised, deleted and left unchanged.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Written {
    /// New records.
    pub inserted: usize,
    /// Records whose amount or fields changed.
    pub revised: usize,
    /// Records inside the range the provider no longer returned.
    pub deleted: usize,
    /// Records that came back as stored.
    pub unchanged: usize,
    /// The source's synced range after the write.
    pub synced: Option<Window>,
}

/// One provider source's synced range, as the store holds it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SyncedRange {
    /// The provider.
    pub provider: Provider,
    /// Its source (`usage`).
    pub source: String,
    /// Every record whose period lies inside was read from the provider, completely.
    pub range: Window,
}

/// An open store.
pub struct Store {
    url: StoreUrl,
    backend: Backend,
}

enum Backend {
    Sqlite(sqlite::Sqlite),
    Postgres(postgres::Postgres),
}

impl Store {
    /// Opens the store at `url`: creates it (a SQLite file and its folder) when it does not
    /// exist, migrates an older schema, refuses a newer one.
    pub async fn open(url: &StoreUrl) -> Result<Store, StoreError> {
        let backend = match url {
            StoreUrl::Sqlite(path) => Backend::Sqlite(sqlite::Sqlite::open(url, path)?),
            StoreUrl::Postgres { .. } => Backend::Postgres(postgres::Postgres::open(url).await?),
        };
        Ok(Store {
            url: url.clone(),
            backend,
        })
    }

    /// Where it is (any password masked).
    pub fn url(&self) -> &StoreUrl {
        &self.url
    }

    /// The range `provider`'s `source` was synced over, if it ever was.
    pub async fn synced_range(
        &self,
        provider: Provider,
        source: &str,
    ) -> Result<Option<Window>, StoreError> {
        Ok(self
            .synced_ranges()
            .await?
            .into_iter()
            .find(|synced| synced.provider == provider && synced.source == source)
            .map(|synced| synced.range))
    }

    /// Every synced range, in [`Provider::ALL`] order, then by source.
    pub async fn synced_ranges(&self) -> Result<Vec<SyncedRange>, StoreError> {
        let rows = match &self.backend {
            Backend::Sqlite(db) => db.synced_ranges(&self.url)?,
            Backend::Postgres(db) => db.synced_ranges(&self.url).await?,
        };
        let mut ranges = Vec::new();
        for (provider, source, start, end) in rows {
            // A provider this build does not know (another build's store) is not reported.
            let Ok(provider) = provider.parse::<Provider>() else {
                continue;
            };
            let range = Window::new(start, end).ok_or_else(|| {
                StoreError::new(format!(
                    "the store {} holds an empty synced range for {provider}",
                    self.url
                ))
            })?;
            ranges.push(SyncedRange {
                provider,
                source,
                range,
            });
        }
        ranges.sort_by(|a, b| {
            (position(a.provider), &a.source).cmp(&(position(b.provider), &b.source))
        });
        Ok(ranges)
    }

    /// Writes the complete answer `fetched` of `provider`'s `source` for `range`, in one
    /// transaction: the records inserted, revised and deleted as
    /// [`reconcile`](usage_bindings::cost::reconcile) says, and the synced range widened to
    /// cover `range`. Another writer of the same provider waits for this one (or this one for
    /// it); one that waits too long fails with [`StoreError::is_busy`].
    pub async fn write(
        &mut self,
        provider: Provider,
        source: &str,
        range: Window,
        fetched: Vec<CostRecord>,
    ) -> Result<Written, StoreError> {
        let written = self
            .write_sources(provider, vec![(source.to_string(), range, fetched)])
            .await?;
        Ok(written.into_iter().next().unwrap_or_default())
    }

    /// [`Store::write`] of several sources of `provider` (its usage and its invoices), each
    /// `(source, range, fetched)`, all in one transaction. One [`Written`] per source, in order.
    pub async fn write_sources(
        &mut self,
        provider: Provider,
        sources: Vec<(String, Window, Vec<CostRecord>)>,
    ) -> Result<Vec<Written>, StoreError> {
        let parts = sources
            .into_iter()
            .map(|(source, range, fetched)| Part {
                fetched: cost::keyed(&source, fetched),
                source,
                range,
            })
            .collect();
        let url = self.url.clone();
        match &mut self.backend {
            Backend::Sqlite(db) => db.write(&url, provider, parts),
            Backend::Postgres(db) => db.write(&url, provider, parts).await,
        }
    }

    /// The stored records of `provider`'s `source` whose period lies inside `window`, in key
    /// order (period, kind, account, scope).
    pub async fn records(
        &self,
        provider: Provider,
        source: &str,
        window: Window,
    ) -> Result<Vec<CostRecord>, StoreError> {
        let mut keyed = match &self.backend {
            Backend::Sqlite(db) => db.records(&self.url, provider, source, window)?,
            Backend::Postgres(db) => db.records(&self.url, provider, source, window).await?,
        };
        keyed.retain(|(key, _)| window.holds(&key.period));
        keyed.sort_by(|a, b| a.0.cmp(&b.0));
        Ok(keyed.into_iter().map(|(_, record)| record).collect())
    }
}

/// The schema version a store holds (none: a new store, version 0); a newer one than this build
/// writes is refused.
fn parse_version(url: &StoreUrl, stored: Option<&str>) -> Result<u32, StoreError> {
    let version = match stored {
        None => 0,
        Some(text) => text.trim().parse::<u32>().map_err(|_| {
            StoreError::new(format!(
                "the store {url} has a schema version that cannot be read: `{}`",
                text.chars().take(20).collect::<String>()
            ))
        })?,
    };
    if version > SCHEMA_VERSION {
        return Err(StoreError::new(format!(
            "the store {url} has schema version {version}, newer than this usage-report writes \
             ({SCHEMA_VERSION}): use a newer usage-report"
        )));
    }
    Ok(version)
}

fn position(provider: Provider) -> usize {
    Provider::ALL
        .iter()
        .position(|p| *p == provider)
        .unwrap_or(usize::MAX)
}

/// A row of `synced_ranges`: provider, source, start, end.
type RangeRow = (
    String,
    String,
    chrono::DateTime<chrono::Utc>,
    chrono::DateTime<chrono::Utc>,
);

/// One source's answer in a write.
struct Part {
    source: String,
    range: Window,
    fetched: Vec<(RecordKey, CostRecord)>,
}

/// The changes of one write, as counts, and the synced range it left.
fn counts(changes: &cost::Changes, synced: Window) -> Written {
    Written {
        inserted: changes.inserted.len(),
        revised: changes.revised.len(),
        deleted: changes.deleted.len(),
        unchanged: changes.unchanged,
        synced: Some(synced),
    }
}

/// The synced range after reading `range` completely on top of `old`: their union, which must
/// be one range (a store keeps one synced range per source, so a gap would be claimed as read).
fn widened(
    url: &StoreUrl,
    provider: Provider,
    old: Option<Window>,
    range: Window,
) -> Result<Window, StoreError> {
    match old {
        Some(old) if range.start > old.end || range.end < old.start => {
            Err(StoreError::new(format!(
                "{provider}: {} to {} does not meet the range {} to {} synced in {url}: read from \
             {} or earlier, so that no gap is counted as read",
                range.start.format("%Y-%m-%d %H:%M"),
                range.end.format("%Y-%m-%d %H:%M"),
                old.start.format("%Y-%m-%d %H:%M"),
                old.end.format("%Y-%m-%d %H:%M"),
                old.end.format("%Y-%m-%d %H:%M"),
            )))
        }
        Some(old) => Ok(Window {
            start: old.start.min(range.start),
            end: old.end.max(range.end),
        }),
        None => Ok(range),
    }
}
