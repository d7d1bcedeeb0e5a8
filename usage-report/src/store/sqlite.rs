//! The SQLite backend (rusqlite, SQLite compiled in): one file, WAL journal, writers serialized
//! by `BEGIN IMMEDIATE` with a busy wait. Decimals are TEXT columns (a NUMERIC column would turn
//! them into floats); times are RFC 3339 text, which sorts as time.

use std::path::Path;
use std::time::Duration;

use chrono::{DateTime, SecondsFormat, Utc};
use rusqlite::{params, Connection, ErrorCode, OptionalExtension, TransactionBehavior};
use usage_bindings::cost::{self, CostRecord, RecordKey, Window};
use usage_bindings::Provider;

use super::row::{KeyColumns, Row, COLUMNS, KEY_COLUMNS};
use super::{
    counts, migration, widened, Part, RangeRow, StoreError, StoreUrl, Types, Written,
    SCHEMA_VERSION,
};

/// How long a writer waits for another before "the store is busy".
const BUSY_WAIT: Duration = Duration::from_secs(60);

/// The column types of this backend.
const TYPES: Types = Types {
    decimal: "TEXT",
    time: "TEXT",
    integer: "INTEGER",
    table_options: "WITHOUT ROWID",
};

pub(crate) struct Sqlite {
    connection: Connection,
}

fn time(value: DateTime<Utc>) -> String {
    value.to_rfc3339_opts(SecondsFormat::Secs, true)
}

fn parse_time(url: &StoreUrl, text: &str) -> Result<DateTime<Utc>, StoreError> {
    DateTime::parse_from_rfc3339(text)
        .map(|time| time.with_timezone(&Utc))
        .map_err(|_| {
            StoreError::new(format!(
                "the store {url} holds a time that cannot be read: `{}`",
                text.chars().take(40).collect::<String>()
            ))
        })
}

/// The error of a failed statement: "the store is busy" when another writer held it too long.
fn failed(url: &StoreUrl, doing: &str, error: rusqlite::Error) -> StoreError {
    match error.sqlite_error_code() {
        Some(ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked) => StoreError::busy(url),
        _ => StoreError::new(format!("the store {url}: {doing} failed: {error}")),
    }
}

impl Sqlite {
    pub(crate) fn open(url: &StoreUrl, path: &Path) -> Result<Sqlite, StoreError> {
        let cannot = |error: &dyn std::fmt::Display| {
            StoreError::new(format!("cannot open the store {url}: {error}"))
        };
        if let Some(folder) = path
            .parent()
            .filter(|folder| !folder.as_os_str().is_empty())
        {
            std::fs::create_dir_all(folder).map_err(|error| cannot(&error))?;
        }
        let mut connection = Connection::open(path).map_err(|error| cannot(&error))?;
        connection
            .busy_timeout(BUSY_WAIT)
            .map_err(|error| cannot(&error))?;
        connection
            .pragma_update(None, "journal_mode", "WAL")
            .map_err(|error| match error.sqlite_error_code() {
                Some(ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked) => StoreError::busy(url),
                _ => cannot(&error),
            })?;
        migrate(url, &mut connection)?;
        Ok(Sqlite { connection })
    }

    pub(crate) fn synced_ranges(&self, url: &StoreUrl) -> Result<Vec<RangeRow>, StoreError> {
        let read = |error| failed(url, "reading the synced ranges", error);
        let mut statement = self
            .connection
            .prepare("SELECT provider, source, range_start, range_end FROM synced_ranges")
            .map_err(read)?;
        let rows = statement
            .query_map([], |row| {
                Ok((
                    row.get::<_, String>(0)?,
                    row.get::<_, String>(1)?,
                    row.get::<_, String>(2)?,
                    row.get::<_, String>(3)?,
                ))
            })
            .map_err(read)?;
        let mut ranges = Vec::new();
        for row in rows {
            let (provider, source, start, end) = row.map_err(read)?;
            ranges.push((
                provider,
                source,
                parse_time(url, &start)?,
                parse_time(url, &end)?,
            ));
        }
        Ok(ranges)
    }

    pub(crate) fn records(
        &self,
        url: &StoreUrl,
        provider: Provider,
        source: &str,
        window: Window,
    ) -> Result<Vec<(RecordKey, CostRecord)>, StoreError> {
        select(url, &self.connection, provider, source, window)
    }

    pub(crate) fn write(
        &mut self,
        url: &StoreUrl,
        provider: Provider,
        parts: Vec<Part>,
    ) -> Result<Vec<Written>, StoreError> {
        let transaction = self
            .connection
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(|error| failed(url, "starting a write", error))?;
        let mut written = Vec::with_capacity(parts.len());
        for part in parts {
            written.push(write_part(url, &transaction, provider, part)?);
        }
        transaction
            .commit()
            .map_err(|error| failed(url, "committing a write", error))?;
        Ok(written)
    }
}

/// One source's part of a write, inside the write's transaction.
fn write_part(
    url: &StoreUrl,
    transaction: &Connection,
    provider: Provider,
    part: Part,
) -> Result<Written, StoreError> {
    let Part {
        source,
        range,
        fetched,
    } = part;
    let source = source.as_str();
    let stored = select(url, transaction, provider, source, range)?;
    let changes = cost::reconcile(range, stored, fetched);
    let write = |error| failed(url, "writing records", error);
    {
        let columns = COLUMNS.join(", ");
        let values = (1..=COLUMNS.len())
            .map(|n| format!("?{n}"))
            .collect::<Vec<_>>()
            .join(", ");
        let updates = COLUMNS[KEY_COLUMNS..]
            .iter()
            .map(|column| format!("{column} = excluded.{column}"))
            .collect::<Vec<_>>()
            .join(", ");
        let mut upsert = transaction
            .prepare(&format!(
                "INSERT INTO cost_records ({columns}) VALUES ({values}) \
                     ON CONFLICT ({}) DO UPDATE SET {updates}",
                COLUMNS[..KEY_COLUMNS].join(", ")
            ))
            .map_err(write)?;
        for (key, record) in changes.inserted.iter().chain(&changes.revised) {
            let row = Row::new(key, record);
            upsert
                .execute(params![
                    row.key.provider,
                    row.key.billing_account,
                    row.key.source,
                    time(row.key.period_start),
                    time(row.key.period_end),
                    row.key.scope,
                    row.key.kind,
                    row.key.ordinal,
                    row.amount,
                    row.currency,
                    row.quantity,
                    row.quantity_unit,
                    row.description,
                    row.names,
                    row.billing_account_name,
                    row.details,
                ])
                .map_err(write)?;
        }
        let mut delete = transaction
            .prepare(&format!(
                "DELETE FROM cost_records WHERE {}",
                COLUMNS[..KEY_COLUMNS]
                    .iter()
                    .enumerate()
                    .map(|(n, column)| format!("{column} = ?{}", n + 1))
                    .collect::<Vec<_>>()
                    .join(" AND ")
            ))
            .map_err(write)?;
        for key in &changes.deleted {
            let row = KeyColumns::new(key);
            delete
                .execute(params![
                    row.provider,
                    row.billing_account,
                    row.source,
                    time(row.period_start),
                    time(row.period_end),
                    row.scope,
                    row.kind,
                    row.ordinal,
                ])
                .map_err(write)?;
        }
    }
    let old: Option<(String, String)> = transaction
        .query_row(
            "SELECT range_start, range_end FROM synced_ranges WHERE provider = ?1 AND source = ?2",
            params![provider.as_str(), source],
            |row| Ok((row.get(0)?, row.get(1)?)),
        )
        .optional()
        .map_err(write)?;
    let old = match old {
        Some((start, end)) => Window::new(parse_time(url, &start)?, parse_time(url, &end)?),
        None => None,
    };
    let synced = widened(url, provider, old, range)?;
    transaction
        .execute(
            "INSERT INTO synced_ranges (provider, source, range_start, range_end) \
                 VALUES (?1, ?2, ?3, ?4) ON CONFLICT (provider, source) \
                 DO UPDATE SET range_start = excluded.range_start, range_end = excluded.range_end",
            params![
                provider.as_str(),
                source,
                time(synced.start),
                time(synced.end)
            ],
        )
        .map_err(write)?;
    Ok(counts(&changes, synced))
}

/// Brings the schema to [`SCHEMA_VERSION`] in one transaction; refuses a newer one.
fn migrate(url: &StoreUrl, connection: &mut Connection) -> Result<(), StoreError> {
    let fail = |error| failed(url, "preparing the schema", error);
    let transaction = connection
        .transaction_with_behavior(TransactionBehavior::Immediate)
        .map_err(fail)?;
    transaction
        .execute(
            "CREATE TABLE IF NOT EXISTS usage_report_meta (name TEXT PRIMARY KEY, value TEXT NOT NULL)",
            [],
        )
        .map_err(fail)?;
    let version: Option<String> = transaction
        .query_row(
            "SELECT value FROM usage_report_meta WHERE name = 'schema_version'",
            [],
            |row| row.get(0),
        )
        .optional()
        .map_err(fail)?;
    let version = super::parse_version(url, version.as_deref())?;
    for n in version..SCHEMA_VERSION {
        if let Some(statements) = migration(n, &TYPES) {
            transaction.execute_batch(&statements).map_err(fail)?;
        }
    }
    if version < SCHEMA_VERSION {
        transaction
            .execute(
                "INSERT INTO usage_report_meta (name, value) VALUES ('schema_version', ?1) \
                 ON CONFLICT (name) DO UPDATE SET value = excluded.value",
                params![SCHEMA_VERSION.to_string()],
            )
            .map_err(fail)?;
    }
    transaction.commit().map_err(fail)
}

fn select(
    url: &StoreUrl,
    connection: &Connection,
    provider: Provider,
    source: &str,
    window: Window,
) -> Result<Vec<(RecordKey, CostRecord)>, StoreError> {
    let read = |error| failed(url, "reading records", error);
    let mut statement = connection
        .prepare(&format!(
            "SELECT {} FROM cost_records WHERE provider = ?1 AND source = ?2 \
             AND period_start >= ?3 AND period_end <= ?4",
            COLUMNS.join(", ")
        ))
        .map_err(read)?;
    let rows = statement
        .query_map(
            params![
                provider.as_str(),
                source,
                time(window.start),
                time(window.end)
            ],
            |row| {
                Ok((
                    Row {
                        key: KeyColumns {
                            provider: row.get(0)?,
                            billing_account: row.get(1)?,
                            source: row.get(2)?,
                            period_start: DateTime::<Utc>::MIN_UTC,
                            period_end: DateTime::<Utc>::MIN_UTC,
                            scope: row.get(5)?,
                            kind: row.get(6)?,
                            ordinal: row.get(7)?,
                        },
                        amount: row.get(8)?,
                        currency: row.get(9)?,
                        quantity: row.get(10)?,
                        quantity_unit: row.get(11)?,
                        description: row.get(12)?,
                        names: row.get(13)?,
                        billing_account_name: row.get(14)?,
                        details: row.get(15)?,
                    },
                    row.get::<_, String>(3)?,
                    row.get::<_, String>(4)?,
                ))
            },
        )
        .map_err(read)?;
    let mut records = Vec::new();
    for row in rows {
        let (mut row, start, end) = row.map_err(read)?;
        row.key.period_start = parse_time(url, &start)?;
        row.key.period_end = parse_time(url, &end)?;
        records.push(row.decode(url)?);
    }
    Ok(records)
}
