//! The PostgreSQL backend (tokio-postgres, without TLS): amounts in NUMERIC columns, sent and
//! read as text so that no digit passes through a float; periods in TIMESTAMPTZ. Writers of one
//! provider are serialized by a transaction-scoped advisory lock, with a lock timeout.

use tokio_postgres::error::SqlState;
use tokio_postgres::{Client, GenericClient, NoTls};
use usage_bindings::cost::{self, CostRecord, RecordKey, Window};
use usage_bindings::Provider;

use super::row::{KeyColumns, Row, COLUMNS, KEY_COLUMNS};
use super::{
    counts, migration, widened, Part, RangeRow, StoreError, StoreUrl, Types, Written,
    SCHEMA_VERSION,
};

/// How long opening a connection may take.
const CONNECT_WAIT: std::time::Duration = std::time::Duration::from_secs(15);

/// The column types of this backend.
const TYPES: Types = Types {
    decimal: "NUMERIC",
    time: "TIMESTAMPTZ",
    integer: "BIGINT",
    table_options: "",
};

/// The columns as a SELECT reads them: decimals as text.
fn select_columns() -> String {
    COLUMNS
        .iter()
        .map(|column| match *column {
            "amount" | "quantity" => format!("{column}::text"),
            other => other.to_string(),
        })
        .collect::<Vec<_>>()
        .join(", ")
}

pub(crate) struct Postgres {
    client: Client,
    connection: tokio::task::JoinHandle<()>,
}

impl Drop for Postgres {
    fn drop(&mut self) {
        self.connection.abort();
    }
}

/// A driver error with its causes, on one line (a database error's message included).
fn describe(error: &tokio_postgres::Error) -> String {
    if let Some(db) = error.as_db_error() {
        return format!("{}: {}", db.severity(), db.message());
    }
    let mut text = error.to_string();
    let mut source = std::error::Error::source(error);
    while let Some(cause) = source {
        text.push_str(&format!(": {cause}"));
        source = cause.source();
    }
    text
}

fn failed(url: &StoreUrl, doing: &str, error: tokio_postgres::Error) -> StoreError {
    if error.code() == Some(&SqlState::LOCK_NOT_AVAILABLE) {
        return StoreError::busy(url);
    }
    StoreError::new(format!(
        "the store {url}: {doing} failed: {}",
        describe(&error)
    ))
}

impl Postgres {
    pub(crate) async fn open(url: &StoreUrl) -> Result<Postgres, StoreError> {
        let StoreUrl::Postgres { url: raw, .. } = url else {
            return Err(StoreError::new(format!("{url} is not a PostgreSQL store")));
        };
        let cannot = |why: String| StoreError::new(format!("cannot open the store {url}: {why}"));
        let (client, connection) =
            match tokio::time::timeout(CONNECT_WAIT, tokio_postgres::connect(raw, NoTls)).await {
                Ok(Ok(connected)) => connected,
                Ok(Err(error)) => return Err(cannot(describe(&error))),
                Err(_) => {
                    return Err(cannot(format!(
                        "no answer within {} s",
                        CONNECT_WAIT.as_secs()
                    )))
                }
            };
        let connection = tokio::spawn(async move {
            // The connection ends with the client; its error shows on the client's next call.
            let _ = connection.await;
        });
        let mut store = Postgres { client, connection };
        store.migrate(url).await?;
        Ok(store)
    }

    async fn migrate(&mut self, url: &StoreUrl) -> Result<(), StoreError> {
        let fail = |error| failed(url, "preparing the schema", error);
        let transaction = self.client.transaction().await.map_err(fail)?;
        transaction
            .batch_execute(
                "SET LOCAL lock_timeout = '60s';
                 SELECT pg_advisory_xact_lock(hashtext('usage-report schema'));
                 CREATE TABLE IF NOT EXISTS usage_report_meta (
                     name TEXT PRIMARY KEY, value TEXT NOT NULL)",
            )
            .await
            .map_err(fail)?;
        let version: Option<String> = transaction
            .query_opt(
                "SELECT value FROM usage_report_meta WHERE name = 'schema_version'",
                &[],
            )
            .await
            .map_err(fail)?
            .map(|row| row.try_get(0))
            .transpose()
            .map_err(fail)?;
        let version = super::parse_version(url, version.as_deref())?;
        for n in version..SCHEMA_VERSION {
            if let Some(statements) = migration(n, &TYPES) {
                transaction.batch_execute(&statements).await.map_err(fail)?;
            }
        }
        if version < SCHEMA_VERSION {
            transaction
                .execute(
                    "INSERT INTO usage_report_meta (name, value) VALUES ('schema_version', $1) \
                     ON CONFLICT (name) DO UPDATE SET value = excluded.value",
                    &[&SCHEMA_VERSION.to_string()],
                )
                .await
                .map_err(fail)?;
        }
        transaction.commit().await.map_err(fail)
    }

    pub(crate) async fn synced_ranges(&self, url: &StoreUrl) -> Result<Vec<RangeRow>, StoreError> {
        let read = |error| failed(url, "reading the synced ranges", error);
        let rows = self
            .client
            .query(
                "SELECT provider, source, range_start, range_end FROM synced_ranges",
                &[],
            )
            .await
            .map_err(read)?;
        rows.iter()
            .map(|row| {
                Ok((
                    row.try_get(0).map_err(read)?,
                    row.try_get(1).map_err(read)?,
                    row.try_get(2).map_err(read)?,
                    row.try_get(3).map_err(read)?,
                ))
            })
            .collect()
    }

    pub(crate) async fn records(
        &self,
        url: &StoreUrl,
        provider: Provider,
        source: &str,
        window: Window,
    ) -> Result<Vec<(RecordKey, CostRecord)>, StoreError> {
        select(url, &self.client, provider, source, window).await
    }

    pub(crate) async fn write(
        &mut self,
        url: &StoreUrl,
        provider: Provider,
        parts: Vec<Part>,
    ) -> Result<Vec<Written>, StoreError> {
        let write = |error| failed(url, "writing records", error);
        let transaction = self.client.transaction().await.map_err(write)?;
        transaction
            .batch_execute("SET LOCAL lock_timeout = '60s'")
            .await
            .map_err(write)?;
        transaction
            .execute(
                "SELECT pg_advisory_xact_lock(hashtext($1))",
                &[&format!("usage-report {}", provider.as_str())],
            )
            .await
            .map_err(write)?;
        let mut written = Vec::with_capacity(parts.len());
        for part in parts {
            written.push(write_part(url, &transaction, provider, part).await?);
        }
        transaction
            .commit()
            .await
            .map_err(|error| failed(url, "committing a write", error))?;
        Ok(written)
    }
}

/// One source's part of a write, inside the write's transaction.
async fn write_part(
    url: &StoreUrl,
    transaction: &tokio_postgres::Transaction<'_>,
    provider: Provider,
    part: Part,
) -> Result<Written, StoreError> {
    let write = |error| failed(url, "writing records", error);
    let Part {
        source,
        range,
        fetched,
    } = part;
    let source = source.as_str();
    let stored = select(url, transaction, provider, source, range).await?;
    let changes = cost::reconcile(range, stored, fetched);
    let values = COLUMNS
        .iter()
        .enumerate()
        .map(|(n, column)| match *column {
            "amount" | "quantity" => format!("${}::text::numeric", n + 1),
            _ => format!("${}", n + 1),
        })
        .collect::<Vec<_>>()
        .join(", ");
    let updates = COLUMNS[KEY_COLUMNS..]
        .iter()
        .map(|column| format!("{column} = excluded.{column}"))
        .collect::<Vec<_>>()
        .join(", ");
    let upsert = transaction
            .prepare(&format!(
                "INSERT INTO cost_records ({}) VALUES ({values}) ON CONFLICT ({}) DO UPDATE SET {updates}",
                COLUMNS.join(", "),
                COLUMNS[..KEY_COLUMNS].join(", ")
            ))
            .await
            .map_err(write)?;
    for (key, record) in changes.inserted.iter().chain(&changes.revised) {
        let row = Row::new(key, record);
        transaction
            .execute(
                &upsert,
                &[
                    &row.key.provider,
                    &row.key.billing_account,
                    &row.key.source,
                    &row.key.period_start,
                    &row.key.period_end,
                    &row.key.scope,
                    &row.key.kind,
                    &row.key.ordinal,
                    &row.amount,
                    &row.currency,
                    &row.quantity,
                    &row.quantity_unit,
                    &row.description,
                    &row.names,
                    &row.billing_account_name,
                    &row.details,
                ],
            )
            .await
            .map_err(write)?;
    }
    let delete = transaction
        .prepare(&format!(
            "DELETE FROM cost_records WHERE {}",
            COLUMNS[..KEY_COLUMNS]
                .iter()
                .enumerate()
                .map(|(n, column)| format!("{column} = ${}", n + 1))
                .collect::<Vec<_>>()
                .join(" AND ")
        ))
        .await
        .map_err(write)?;
    for key in &changes.deleted {
        let row = KeyColumns::new(key);
        transaction
            .execute(
                &delete,
                &[
                    &row.provider,
                    &row.billing_account,
                    &row.source,
                    &row.period_start,
                    &row.period_end,
                    &row.scope,
                    &row.kind,
                    &row.ordinal,
                ],
            )
            .await
            .map_err(write)?;
    }
    let old = transaction
        .query_opt(
            "SELECT range_start, range_end FROM synced_ranges WHERE provider = $1 AND source = $2",
            &[&provider.as_str(), &source],
        )
        .await
        .map_err(write)?;
    let old = match old {
        Some(row) => Window::new(
            row.try_get(0).map_err(write)?,
            row.try_get(1).map_err(write)?,
        ),
        None => None,
    };
    let synced = widened(url, provider, old, range)?;
    transaction
        .execute(
            "INSERT INTO synced_ranges (provider, source, range_start, range_end) \
                 VALUES ($1, $2, $3, $4) ON CONFLICT (provider, source) \
                 DO UPDATE SET range_start = excluded.range_start, range_end = excluded.range_end",
            &[&provider.as_str(), &source, &synced.start, &synced.end],
        )
        .await
        .map_err(write)?;
    Ok(counts(&changes, synced))
}

async fn select(
    url: &StoreUrl,
    client: &impl GenericClient,
    provider: Provider,
    source: &str,
    window: Window,
) -> Result<Vec<(RecordKey, CostRecord)>, StoreError> {
    let read = |error| failed(url, "reading records", error);
    let rows = client
        .query(
            &format!(
                "SELECT {} FROM cost_records WHERE provider = $1 AND source = $2 \
                 AND period_start >= $3 AND period_end <= $4",
                select_columns()
            ),
            &[&provider.as_str(), &source, &window.start, &window.end],
        )
        .await
        .map_err(read)?;
    let mut records = Vec::with_capacity(rows.len());
    for row in &rows {
        let row = Row {
            key: KeyColumns {
                provider: row.try_get(0).map_err(read)?,
                billing_account: row.try_get(1).map_err(read)?,
                source: row.try_get(2).map_err(read)?,
                period_start: row.try_get(3).map_err(read)?,
                period_end: row.try_get(4).map_err(read)?,
                scope: row.try_get(5).map_err(read)?,
                kind: row.try_get(6).map_err(read)?,
                ordinal: row.try_get(7).map_err(read)?,
            },
            amount: row.try_get(8).map_err(read)?,
            currency: row.try_get(9).map_err(read)?,
            quantity: row.try_get(10).map_err(read)?,
            quantity_unit: row.try_get(11).map_err(read)?,
            description: row.try_get(12).map_err(read)?,
            names: row.try_get(13).map_err(read)?,
            billing_account_name: row.try_get(14).map_err(read)?,
            details: row.try_get(15).map_err(read)?,
        };
        records.push(row.decode(url)?);
    }
    Ok(records)
}
