//! The report of `usage-report`: records grouped and summed exactly, rendered as an aligned
//! table, CSV or JSON. The FOCUS export is made of the records themselves
//! ([`crate::focus_out`]). A provider that failed, or whose total is not exact, is marked as such in
//! every format (and left out of the sums in the second case); the others are reported in full.
//! Shared by the `usage-report` binary and `tests/report.rs`.

use std::collections::BTreeMap;
use std::fmt;

use chrono::{NaiveDate, TimeDelta};
use comfy_table::{presets::UTF8_FULL_CONDENSED, CellAlignment, Table};
use rust_decimal::Decimal;
use serde::Serialize;
use usage_bindings::cost::{self, CostKind, CostRecord, ProviderCosts, Scope, Window};
use usage_bindings::{money, Provider};

/// What rows are.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum GroupBy {
    /// One row per UTC day (of each record's period start) and currency.
    Day,
    /// One row per provider and currency.
    Provider,
    /// One row per scope (provider, and what the amount is for) and currency.
    Scope,
}

impl fmt::Display for GroupBy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            GroupBy::Day => "day",
            GroupBy::Provider => "provider",
            GroupBy::Scope => "scope",
        })
    }
}

/// How the report is printed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// An aligned table with a total line per currency.
    Table,
    /// `group,currency,amount,records,complete` rows.
    Csv,
    /// One JSON document: window, completeness, rows, totals, per-provider status.
    Json,
    /// A FOCUS file (1.2 or 1.0, CSV or Parquet) of every usage record (not the report): refused
    /// unless every provider gave everything.
    Focus,
}

/// What a row sums: the records of one day, one provider or one scope (the scope itself, not
/// its text: two scopes that print alike are two rows).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Group {
    /// A UTC day of the records' period start.
    Day(NaiveDate),
    /// A provider.
    Provider(Provider),
    /// A provider's scope.
    Scope(Provider, Scope),
}

impl Group {
    fn of(group_by: GroupBy, record: &CostRecord) -> Group {
        match group_by {
            GroupBy::Day => Group::Day(record.period.start.date_naive()),
            GroupBy::Provider => Group::Provider(record.provider),
            GroupBy::Scope => Group::Scope(record.provider, record.scope.clone()),
        }
    }
}

impl fmt::Display for Group {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Group::Day(day) => write!(f, "{day}"),
            Group::Provider(provider) => write!(f, "{provider}"),
            Group::Scope(provider, scope) => write!(f, "{provider} {scope}"),
        }
    }
}

/// One row: a group, a currency, the exact total, the number of records summed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Row {
    /// The day (`2026-11-03`), provider (`Northflank`) or scope (`Phala Cloud app=...`).
    pub group: String,
    /// The scope itself, when rows are scopes (two scopes may print alike).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scope: Option<Scope>,
    /// ISO 4217 code; empty on the row of a provider that failed before any record.
    pub currency: String,
    /// The exact sum, as a decimal string; `None` (JSON `null`, an empty CSV field) when no
    /// exact sum exists or, on a failed provider's row, nothing was summed.
    #[serde(serialize_with = "option_as_string")]
    pub amount: Option<Decimal>,
    /// How many records it sums.
    pub records: usize,
    /// Whether every provider that may have records in this row gave everything.
    pub complete: bool,
}

/// What one provider gave.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ProviderStatus {
    /// `openai`, `northflank`, `phala`.
    pub provider: Provider,
    /// Records fetched inside the window.
    pub records: usize,
    /// Records returned whose period is not wholly inside the window: not counted.
    pub outside_window: usize,
    /// Whether everything was fetched and summed exactly.
    pub complete: bool,
    /// Why it is incomplete, one sentence per error; empty when complete.
    pub errors: Vec<String>,
    /// Whether its records are in the sums (false when they were left out).
    #[serde(skip)]
    pub summed: bool,
}

/// The whole report.
#[derive(Clone, Debug, Serialize)]
pub struct Report {
    /// The UTC window, `[start, end)`.
    pub window: Window,
    /// What rows are.
    pub group_by: GroupBy,
    /// Whether every provider gave everything and every sum is exact.
    pub complete: bool,
    /// The rows, in group order, then one row per failed provider that has no row of its own.
    pub rows: Vec<Row>,
    /// The grand total per currency; `None` when no exact sum exists.
    #[serde(serialize_with = "totals_as_strings")]
    pub totals: BTreeMap<String, Option<Decimal>>,
    /// One entry per provider queried.
    pub providers: Vec<ProviderStatus>,
    /// Sums of several providers that are not exact (each provider's own are in `providers`).
    pub errors: Vec<String>,
    /// The exact spend per currency, UTC day (of each record's period start) and provider, over
    /// the records summed, whatever the rows are; `None` when that sum is not exact. What the
    /// chart draws; not part of the JSON.
    #[serde(skip)]
    pub daily: BTreeMap<(String, NaiveDate, Provider), Option<Decimal>>,
}

pub(crate) fn option_as_string<S: serde::Serializer>(
    value: &Option<Decimal>,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    match value {
        Some(value) => serializer.collect_str(value),
        None => serializer.serialize_none(),
    }
}

fn totals_as_strings<S: serde::Serializer>(
    totals: &BTreeMap<String, Option<Decimal>>,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    serializer.collect_map(
        totals
            .iter()
            .map(|(currency, total)| (currency, total.map(|total| total.to_string()))),
    )
}

/// Exact running sums keyed by `K`: `None` once a sum is not exact.
type Sums<K> = BTreeMap<K, (Option<Decimal>, usize)>;

fn add<K: Ord>(sums: &mut Sums<K>, key: K, amount: Decimal) {
    let (sum, records) = sums.entry(key).or_insert((Some(Decimal::ZERO), 0));
    *sum = sum.and_then(|sum| money::exact_add(sum, amount).ok());
    *records += 1;
}

impl Report {
    /// Groups and sums what every provider gave. A provider whose own total is not exact (an
    /// overflow, or more digits than a decimal holds) is left out of the rows and marked failed;
    /// the others are reported as usual.
    pub fn build(window: Window, group_by: GroupBy, results: &[ProviderCosts]) -> Report {
        let mut providers = Vec::new();
        let mut records: Vec<&CostRecord> = Vec::new();
        for result in results {
            let mut errors: Vec<String> = result.errors.iter().map(ToString::to_string).collect();
            let other_kind = result
                .records
                .iter()
                .find(|record| record.kind != CostKind::Usage);
            let before = records.len();
            match cost::totals_by_currency(&result.records) {
                // Only usage adds up across providers: another kind is another view of spend.
                Ok(_) if other_kind.is_some() => errors.push(format!(
                    "{}: its {} records include {:?} records, a view of the spend that usage \
                     also covers; they are left out",
                    result.provider,
                    result.records.len(),
                    other_kind.map(|record| record.kind).unwrap_or_default(),
                )),
                Ok(_) => records.extend(&result.records),
                Err(error) => errors.push(format!(
                    "{}: the total of its {} records is not exact ({error}); they are left out",
                    result.provider,
                    result.records.len()
                )),
            }
            providers.push(ProviderStatus {
                provider: result.provider,
                records: result.records.len(),
                outside_window: result.outside_window,
                complete: errors.is_empty(),
                errors,
                summed: records.len() > before || result.records.is_empty(),
            });
        }
        let complete_provider = |provider: Provider| {
            providers
                .iter()
                .all(|status| status.provider != provider || status.complete)
        };
        let all_complete = providers.iter().all(|status| status.complete);

        let mut sums: Sums<(Group, String)> = Sums::new();
        let mut totals: Sums<String> = Sums::new();
        let mut daily: Sums<(String, NaiveDate, Provider)> = Sums::new();
        for record in &records {
            add(
                &mut daily,
                (
                    record.currency.clone(),
                    record.period.start.date_naive(),
                    record.provider,
                ),
                record.amount,
            );
            let currency = record.currency.clone();
            add(
                &mut sums,
                (Group::of(group_by, record), currency.clone()),
                record.amount,
            );
            add(&mut totals, currency, record.amount);
        }
        let mut errors = Vec::new();
        let mut rows: Vec<Row> = sums
            .into_iter()
            .map(|((group, currency), (amount, records))| {
                if amount.is_none() {
                    errors.push(format!(
                        "the {group} {currency} row: a sum of several providers is not exact"
                    ));
                }
                let complete = amount.is_some()
                    && match &group {
                        Group::Day(_) => all_complete,
                        Group::Provider(provider) => complete_provider(*provider),
                        Group::Scope(provider, _) => complete_provider(*provider),
                    };
                Row {
                    group: group.to_string(),
                    scope: match group {
                        Group::Scope(_, scope) => Some(scope),
                        _ => None,
                    },
                    currency,
                    amount,
                    records,
                    complete,
                }
            })
            .collect();
        for status in providers.iter().filter(|status| !status.complete) {
            // A failed provider is named in the rows even when none of its records is there.
            let has_rows = match group_by {
                GroupBy::Day => false,
                GroupBy::Provider | GroupBy::Scope => records
                    .iter()
                    .any(|record| record.provider == status.provider),
            };
            if !has_rows {
                rows.push(Row {
                    group: status.provider.to_string(),
                    scope: None,
                    currency: String::new(),
                    amount: None,
                    records: 0,
                    complete: false,
                });
            }
        }
        let totals: BTreeMap<String, Option<Decimal>> = totals
            .into_iter()
            .map(|(currency, (total, _))| {
                if total.is_none() {
                    errors.push(format!(
                        "the {currency} total: a sum of several providers is not exact"
                    ));
                }
                (currency, total)
            })
            .collect();
        Report {
            window,
            group_by,
            complete: all_complete && errors.is_empty(),
            rows,
            totals,
            providers,
            errors,
            daily: daily
                .into_iter()
                .map(|(key, (sum, _))| (key, sum))
                .collect(),
        }
    }

    /// Whether a provider failed or a sum is not exact.
    pub fn has_errors(&self) -> bool {
        !self.complete
    }

    /// The report in `format`.
    pub fn render(&self, format: Format) -> Result<String, Box<dyn std::error::Error>> {
        match format {
            Format::Table => Ok(self.table()),
            Format::Csv => self.csv(),
            Format::Json => Ok(serde_json::to_string_pretty(self)? + "\n"),
            Format::Focus => Err(
                "the FOCUS export is made of the records (`focus_out::export`), not of the report"
                    .into(),
            ),
        }
    }

    fn table(&self) -> String {
        let mut table = Table::new();
        table.load_preset(UTF8_FULL_CONDENSED);
        let mut header = vec![
            self.group_by.to_string(),
            "currency".into(),
            "amount".into(),
            "records".into(),
        ];
        // The column appears only when something is missing, to stay out of the way otherwise.
        let marked = !self.complete;
        if marked {
            header.push("complete".into());
        }
        table.set_header(header);
        let yes_no = |complete: bool| if complete { "yes" } else { "NO" }.to_string();
        for row in &self.rows {
            let mut cells = vec![
                row.group.clone(),
                row.currency.clone(),
                row.amount
                    .map_or_else(|| "—".to_string(), |a| a.to_string()),
                row.records.to_string(),
            ];
            if marked {
                cells.push(yes_no(row.complete));
            }
            table.add_row(cells);
        }
        let records: usize = self.rows.iter().map(|row| row.records).sum();
        let label = if self.complete {
            "TOTAL"
        } else {
            "TOTAL (incomplete)"
        };
        for (currency, total) in &self.totals {
            let mut cells = vec![
                label.to_string(),
                currency.clone(),
                total.map_or_else(|| "—".to_string(), |t| t.to_string()),
                records.to_string(),
            ];
            if marked {
                cells.push(yes_no(false));
            }
            table.add_row(cells);
        }
        for index in [2, 3] {
            if let Some(column) = table.column_mut(index) {
                column.set_cell_alignment(CellAlignment::Right);
            }
        }
        let mut text = format!(
            "Spend from {} to {} (UTC, end exclusive), by {}\n{table}\n",
            self.window.start.format("%Y-%m-%d %H:%M"),
            self.window.end.format("%Y-%m-%d %H:%M"),
            self.group_by,
        );
        for status in self.providers.iter().filter(|status| !status.complete) {
            text.push_str(&format!(
                "INCOMPLETE: {} ({} records fetched): {}\n",
                status.provider,
                status.records,
                status.errors.join("; ")
            ));
        }
        for error in &self.errors {
            text.push_str(&format!("INCOMPLETE: {error}\n"));
        }
        text
    }

    fn csv(&self) -> Result<String, Box<dyn std::error::Error>> {
        let mut writer = csv::Writer::from_writer(Vec::new());
        writer.write_record([
            self.group_by.to_string().as_str(),
            "currency",
            "amount",
            "records",
            "complete",
        ])?;
        for row in &self.rows {
            writer.write_record([
                row.group.as_str(),
                row.currency.as_str(),
                &row.amount.map(|a| a.to_string()).unwrap_or_default(),
                &row.records.to_string(),
                &row.complete.to_string(),
            ])?;
        }
        Ok(String::from_utf8(writer.into_inner()?)?)
    }
}

/// The report's window from `--since` and `--until` (UTC days, both included), each defaulting
/// to the 7 whole days before `today`. An error names only the flags that were given.
pub fn window(
    since: Option<NaiveDate>,
    until: Option<NaiveDate>,
    today: NaiveDate,
) -> Result<Window, String> {
    let default = last_seven_days(today).ok_or("today is out of range")?;
    let default_since = default.start.date_naive();
    let default_until = (default.end - TimeDelta::days(1)).date_naive();
    let first = since.unwrap_or(default_since);
    let last = until.unwrap_or(default_until);
    if let Some(window) = Window::days(first, last) {
        return Ok(window);
    }
    Err(match (since, until) {
        _ if last >= first => format!("{first} to {last} is out of range"),
        (Some(since), Some(until)) => format!("--until {until} is before --since {since}"),
        (None, Some(until)) => format!(
            "--until {until} is before the default start {default_since} (7 days before \
             today): give --since too"
        ),
        (Some(since), None) => format!(
            "--since {since} is after the default end {default_until} (yesterday): give \
             --until too"
        ),
        (None, None) => format!("{first} to {last} is not a window"),
    })
}

/// The default window of the report: the 7 whole UTC days before `today`.
pub fn last_seven_days(today: NaiveDate) -> Option<Window> {
    let last = today.checked_sub_signed(TimeDelta::days(1))?;
    let first = today.checked_sub_signed(TimeDelta::days(7))?;
    Window::days(first, last)
}
