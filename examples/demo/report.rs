//! The report of `usage-report`: records grouped and summed exactly, rendered as an aligned
//! table, CSV or JSON. Shared by the example and `tests/report.rs`.

use std::collections::BTreeMap;
use std::fmt;

use comfy_table::{presets::UTF8_FULL_CONDENSED, CellAlignment, Table};
use rust_decimal::Decimal;
use serde::Serialize;
use usage_bindings::costs::{self, AmountOverflow, CostRecord, ProviderCosts, Window};
use usage_bindings::Provider;

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
    /// `group,currency,amount,records` rows.
    Csv,
    /// One JSON document: window, rows, totals, per-provider status.
    Json,
}

/// One row: a group, a currency, the exact total, the number of records summed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Row {
    /// The day (`2026-11-03`), provider (`Northflank`) or scope (`Phala Cloud app=...`).
    pub group: String,
    /// ISO 4217 code.
    pub currency: String,
    /// The exact sum, as a decimal string.
    #[serde(serialize_with = "as_string")]
    pub amount: Decimal,
    /// How many records it sums.
    pub records: usize,
}

/// What one provider gave.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ProviderStatus {
    /// `openai`, `northflank`, `phala`.
    pub provider: Provider,
    /// Records fetched.
    pub records: usize,
    /// Why it failed, one sentence per error; empty when complete.
    pub errors: Vec<String>,
}

/// The whole report.
#[derive(Clone, Debug, Serialize)]
pub struct Report {
    /// The UTC window, `[start, end)`.
    pub window: Window,
    /// What rows are.
    pub group_by: GroupBy,
    /// The rows, in group order.
    pub rows: Vec<Row>,
    /// The grand total per currency.
    #[serde(serialize_with = "totals_as_strings")]
    pub totals: BTreeMap<String, Decimal>,
    /// One entry per provider queried.
    pub providers: Vec<ProviderStatus>,
}

fn as_string<S: serde::Serializer>(value: &Decimal, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.collect_str(value)
}

fn totals_as_strings<S: serde::Serializer>(
    totals: &BTreeMap<String, Decimal>,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    serializer.collect_map(
        totals
            .iter()
            .map(|(currency, total)| (currency, total.to_string())),
    )
}

impl Report {
    /// Groups and sums what every provider gave.
    pub fn build(
        window: Window,
        group_by: GroupBy,
        results: &[ProviderCosts],
    ) -> Result<Report, AmountOverflow> {
        let records: Vec<&CostRecord> = results.iter().flat_map(|r| &r.records).collect();
        let mut counts: BTreeMap<(String, String), usize> = BTreeMap::new();
        let sums: Vec<((String, String), Decimal)> = match group_by {
            GroupBy::Day => keyed(costs::totals_by_day(records.iter().copied())?),
            GroupBy::Provider => keyed(costs::totals_by_provider(records.iter().copied())?),
            GroupBy::Scope => keyed(
                costs::totals_by_scope(records.iter().copied())?
                    .into_iter()
                    .map(|((scope, currency), total)| {
                        ((format!("{} {scope}", scope.provider()), currency), total)
                    })
                    .collect::<BTreeMap<_, _>>(),
            ),
        };
        for record in &records {
            *counts
                .entry((group_of(group_by, record), record.currency.clone()))
                .or_default() += 1;
        }
        let rows = sums
            .into_iter()
            .map(|((group, currency), amount)| Row {
                records: counts
                    .get(&(group.clone(), currency.clone()))
                    .copied()
                    .unwrap_or(0),
                group,
                currency,
                amount,
            })
            .collect();
        Ok(Report {
            window,
            group_by,
            rows,
            totals: costs::totals_by_currency(records.iter().copied())?,
            providers: results
                .iter()
                .map(|result| ProviderStatus {
                    provider: result.provider,
                    records: result.records.len(),
                    errors: result.errors.iter().map(ToString::to_string).collect(),
                })
                .collect(),
        })
    }

    /// Whether a provider failed.
    pub fn has_errors(&self) -> bool {
        self.providers.iter().any(|p| !p.errors.is_empty())
    }

    /// The report in `format`.
    pub fn render(&self, format: Format) -> Result<String, Box<dyn std::error::Error>> {
        match format {
            Format::Table => Ok(self.table()),
            Format::Csv => self.csv(),
            Format::Json => Ok(serde_json::to_string_pretty(self)? + "\n"),
        }
    }

    fn table(&self) -> String {
        let mut table = Table::new();
        table.load_preset(UTF8_FULL_CONDENSED);
        table.set_header(vec![
            self.group_by.to_string(),
            "currency".into(),
            "amount".into(),
            "records".into(),
        ]);
        for row in &self.rows {
            table.add_row(vec![
                row.group.clone(),
                row.currency.clone(),
                row.amount.to_string(),
                row.records.to_string(),
            ]);
        }
        let records: usize = self.rows.iter().map(|row| row.records).sum();
        for (currency, total) in &self.totals {
            table.add_row(vec![
                "TOTAL".to_string(),
                currency.clone(),
                total.to_string(),
                records.to_string(),
            ]);
        }
        for index in [2, 3] {
            if let Some(column) = table.column_mut(index) {
                column.set_cell_alignment(CellAlignment::Right);
            }
        }
        format!(
            "Spend from {} to {} (UTC, end exclusive), by {}\n{table}\n",
            self.window.start.format("%Y-%m-%d %H:%M"),
            self.window.end.format("%Y-%m-%d %H:%M"),
            self.group_by,
        )
    }

    fn csv(&self) -> Result<String, Box<dyn std::error::Error>> {
        let mut writer = csv::Writer::from_writer(Vec::new());
        writer.write_record([
            self.group_by.to_string().as_str(),
            "currency",
            "amount",
            "records",
        ])?;
        for row in &self.rows {
            writer.write_record([
                row.group.as_str(),
                row.currency.as_str(),
                &row.amount.to_string(),
                &row.records.to_string(),
            ])?;
        }
        Ok(String::from_utf8(writer.into_inner()?)?)
    }
}

fn keyed<K: fmt::Display>(totals: costs::Totals<K>) -> Vec<((String, String), Decimal)> {
    totals
        .into_iter()
        .map(|((key, currency), total)| ((key.to_string(), currency), total))
        .collect()
}

fn group_of(group_by: GroupBy, record: &CostRecord) -> String {
    match group_by {
        GroupBy::Day => record.period_start.date_naive().to_string(),
        GroupBy::Provider => record.provider.to_string(),
        GroupBy::Scope => format!("{} {}", record.scope.provider(), record.scope),
    }
}
