//! `--format focus`: the usage records of every provider as a FOCUS file, CSV or Parquet
//! ([`export`]), in FOCUS 1.2 (the default) or 1.0 ([`FocusVersion`]).
//!
//! Parquet (feature `parquet`) holds the same rows with FOCUS types: each decimal column is a
//! `decimal128(38, 12)` when every value of it in the file fits one exactly (12 fractional
//! digits, 26 integral ones: every amount the providers send has fewer, Northflank's cents read
//! as units included), else a string column with the exact text, so that no digit is ever
//! rounded; date-times are `timestamp[us, tz=UTC]`; everything else is a UTF-8 string; empty
//! fields are nulls.

use usage_bindings::cost::focus::{self, FocusRow, Version};
use usage_bindings::cost::{self, CostRecord, ProviderCosts};

/// The FOCUS version of `--format focus`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum FocusVersion {
    /// FOCUS 1.0 (43 columns), as focus-validator 1.0.0 checks it.
    #[value(name = "1.0")]
    V1_0,
    /// FOCUS 1.2 (57 columns), as the FinOps Foundation's validator 2.x checks it.
    #[default]
    #[value(name = "1.2")]
    V1_2,
}

impl FocusVersion {
    /// The library's version.
    pub fn version(self) -> Version {
        match self {
            FocusVersion::V1_0 => Version::V1_0,
            FocusVersion::V1_2 => Version::V1_2,
        }
    }
}

/// The file format of a FOCUS export.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FileFormat {
    /// CSV: the header, then one line per row; an empty field is null.
    Csv,
    /// Parquet, with FOCUS types (see the module docs).
    Parquet,
}

impl FileFormat {
    /// Parquet when asked (`--parquet`) or when the output file's name ends in `.parquet`.
    pub fn of(parquet_flag: bool, output: Option<&std::path::Path>) -> FileFormat {
        let parquet_name = output
            .and_then(|path| path.extension())
            .is_some_and(|extension| extension.eq_ignore_ascii_case("parquet"));
        if parquet_flag || parquet_name {
            FileFormat::Parquet
        } else {
            FileFormat::Csv
        }
    }
}

/// The records of every provider, refused when a provider failed or gave a part only, or when
/// its total is not exact: a file that looks whole but is not would be worse than none.
pub fn complete_records(results: &[ProviderCosts]) -> Result<Vec<CostRecord>, String> {
    let mut incomplete = Vec::new();
    for result in results {
        if !result.is_complete() {
            incomplete.push(format!(
                "{} failed ({} records fetched): {}",
                result.provider,
                result.records.len(),
                result
                    .errors
                    .iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join("; ")
            ));
        } else if let Err(error) = cost::totals_by_currency(&result.records) {
            incomplete.push(format!(
                "{}: the total of its {} records is not exact ({error})",
                result.provider,
                result.records.len()
            ));
        }
    }
    if !incomplete.is_empty() {
        return Err(format!(
            "no FOCUS export: it holds complete providers only, and {}",
            incomplete.join("; ")
        ));
    }
    Ok(results
        .iter()
        .flat_map(|result| result.records.iter().cloned())
        .collect())
}

/// The FOCUS file of the usage records of every provider in `version` and `format`, and its
/// number of rows; `invoices` are what `InvoiceId` is read from ([`focus::invoice_of`]).
/// Refused as [`complete_records`] says.
pub fn export(
    results: &[ProviderCosts],
    invoices: &[CostRecord],
    version: FocusVersion,
    format: FileFormat,
) -> Result<(Vec<u8>, usize), String> {
    let records = complete_records(results)?;
    let version = version.version();
    match format {
        FileFormat::Csv => {
            let mut out = Vec::new();
            let rows = focus::write_csv_of(&records, version, invoices, &mut out)
                .map_err(|error| error.to_string())?;
            Ok((out, rows))
        }
        FileFormat::Parquet => {
            let rows =
                focus::rows_of(&records, version, invoices).map_err(|error| error.to_string())?;
            let bytes = parquet_bytes(version, &rows)?;
            Ok((bytes, rows.len()))
        }
    }
}

#[cfg(feature = "parquet")]
fn parquet_bytes(version: Version, rows: &[FocusRow]) -> Result<Vec<u8>, String> {
    crate::parquet::write(version, rows).map_err(|error| format!("writing Parquet failed: {error}"))
}

#[cfg(not(feature = "parquet"))]
fn parquet_bytes(_: Version, _: &[FocusRow]) -> Result<Vec<u8>, String> {
    Err("this usage-report was built without Parquet: build it with `--features parquet`".into())
}
