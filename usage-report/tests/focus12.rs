//! The demo month as FOCUS 1.2, CSV and (feature `parquet`) Parquet, read back: one row per
//! usage record, per provider the sum of `BilledCost` is the report's own total exactly, and
//! `InvoiceId` is set on the rows an invoice bills and null on the others.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use rust_decimal::Decimal;
use usage_bindings::cost::focus::{self, Version};
use usage_bindings::cost::{
    self, CostKind, CostRecord, CostSource, Dimension, ProviderCosts, Window,
};
use usage_bindings::money::exact_add;
use usage_report::demo::DemoServer;
use usage_report::focus_out::{self, FileFormat, FocusVersion};
use usage_report::report::{GroupBy, Report};

fn month() -> Window {
    let day = |text: &str| text.parse::<NaiveDate>().unwrap();
    Window::days(day("2026-11-01"), day("2026-11-30")).unwrap()
}

/// The demo month: every provider's records, and the invoices the sources read.
async fn fetch_month() -> (DemoServer, Vec<ProviderCosts>, Vec<CostRecord>) {
    let server = DemoServer::start(month()).await.unwrap();
    let sources = server.sources().unwrap();
    let sources: Vec<&dyn CostSource> = sources.iter().map(|source| source.as_ref()).collect();
    let results = cost::fetch_all(&sources, month()).await;
    let invoices = cost::fetch_invoices(&sources).await.unwrap();
    (server, results, invoices)
}

/// The report's total per `ProviderName` (each provider's FOCUS name).
fn report_totals(results: &[ProviderCosts]) -> BTreeMap<String, Decimal> {
    let report = Report::build(month(), GroupBy::Provider, results);
    assert!(!report.has_errors());
    results
        .iter()
        .map(|result| {
            let name = result.provider.descriptor().unwrap().focus.name.to_string();
            let row = report
                .rows
                .iter()
                .find(|row| row.group == result.provider.to_string())
                .unwrap();
            (name, row.amount.unwrap())
        })
        .collect()
}

/// Each record's invoice, as the demo's invoices say: the one whose month holds the record, of
/// the same provider.
fn expected_invoice(record: &CostRecord, invoices: &[CostRecord]) -> Option<String> {
    invoices
        .iter()
        .find(|invoice| invoice.provider == record.provider && invoice.period.holds(&record.period))
        .and_then(|invoice| invoice.scope.get(Dimension::Invoice))
        .map(str::to_string)
}

/// One file read back: the header and the rows, each value as text (`None` for null).
struct Table {
    header: Vec<String>,
    rows: Vec<Vec<Option<String>>>,
}

impl Table {
    fn column(&self, name: &str) -> usize {
        self.header.iter().position(|h| h == name).unwrap()
    }

    /// The sum of `BilledCost` per `ProviderName`, exact.
    fn billed(&self) -> BTreeMap<String, Decimal> {
        let (cost, provider) = (self.column("BilledCost"), self.column("ProviderName"));
        let mut sums: BTreeMap<String, Decimal> = BTreeMap::new();
        for row in &self.rows {
            let amount: Decimal = row[cost].as_deref().unwrap().parse().unwrap();
            let sum = sums.entry(row[provider].clone().unwrap()).or_default();
            *sum = exact_add(*sum, amount).unwrap();
        }
        sums
    }
}

fn read_csv(bytes: &[u8]) -> Table {
    let mut reader = csv::Reader::from_reader(bytes);
    let header = reader.headers().unwrap().iter().map(String::from).collect();
    let rows = reader
        .records()
        .map(|row| {
            row.unwrap()
                .iter()
                .map(|value| (!value.is_empty()).then(|| value.to_string()))
                .collect()
        })
        .collect();
    Table { header, rows }
}

#[tokio::test]
async fn the_demo_month_as_focus_1_2_csv_adds_up_to_the_report() {
    let (_server, results, invoices) = fetch_month().await;
    assert!(invoices
        .iter()
        .all(|invoice| invoice.kind == CostKind::Invoice));
    let (csv, rows) =
        focus_out::export(&results, &invoices, FocusVersion::V1_2, FileFormat::Csv).unwrap();
    let records: Vec<&CostRecord> = results.iter().flat_map(|r| &r.records).collect();
    assert_eq!(rows, records.len());
    let table = read_csv(&csv);
    assert_eq!(table.rows.len(), rows);
    let header: Vec<&str> = focus::header_of(Version::V1_2).collect();
    assert_eq!(table.header, header);
    assert_eq!(&table.header[..57], focus::COLUMNS_1_2);

    // Per provider, BilledCost adds up to the report's total, exactly.
    assert_eq!(table.billed(), report_totals(&results));

    // Columns every row fills, and the invoice of each row as the invoices say.
    let invoice = table.column("InvoiceId");
    let mut invoiced = 0;
    for (row, record) in table.rows.iter().zip(&records) {
        for column in [
            "ServiceSubcategory",
            "BillingAccountType",
            "PricingCurrency",
            "PricingCurrencyEffectiveCost",
            "ChargeDescription",
        ] {
            assert!(row[table.column(column)].is_some(), "{column}: {row:?}");
        }
        assert_eq!(
            row[table.column("PricingCurrencyEffectiveCost")],
            row[table.column("BilledCost")]
        );
        // A sub-account type with a sub-account only, a meter with a SKU only.
        assert_eq!(
            row[table.column("SubAccountType")].is_some(),
            row[table.column("SubAccountId")].is_some()
        );
        if row[table.column("SkuId")].is_none() {
            assert_eq!(row[table.column("SkuMeter")], None);
        }
        assert_eq!(row[invoice], expected_invoice(record, &invoices), "{row:?}");
        invoiced += usize::from(row[invoice].is_some());
    }
    // The month is invoiced for the provider whose invoices say so, and only for it.
    assert!(invoiced > 0);
    assert!(invoiced < rows);
}

#[tokio::test]
async fn version_1_0_is_the_1_0_export() {
    let (_server, results, invoices) = fetch_month().await;
    let (csv, rows) =
        focus_out::export(&results, &invoices, FocusVersion::V1_0, FileFormat::Csv).unwrap();
    // The library's FOCUS 1.0 writer over the same records (1.0 names no invoice).
    let records: Vec<_> = results.iter().flat_map(|r| r.records.clone()).collect();
    let mut expected = Vec::new();
    let expected_rows = usage_bindings::cost::focus::write_csv(&records, &mut expected).unwrap();
    assert_eq!(rows, expected_rows);
    assert_eq!(csv, expected);
    assert_eq!(FocusVersion::default(), FocusVersion::V1_2);
}

#[cfg(feature = "parquet")]
mod parquet_file {
    use super::*;
    use parquet::file::reader::{FileReader, SerializedFileReader};
    use parquet::record::Field;

    fn read_parquet(bytes: Vec<u8>) -> Table {
        let reader = SerializedFileReader::new(bytes::Bytes::from(bytes)).unwrap();
        let schema = reader.metadata().file_metadata().schema_descr_ptr();
        let header: Vec<String> = schema
            .columns()
            .iter()
            .map(|column| column.name().to_string())
            .collect();
        let rows = reader
            .get_row_iter(None)
            .unwrap()
            .map(|row| {
                row.unwrap()
                    .get_column_iter()
                    .map(|(name, field)| match field {
                        Field::Null => None,
                        Field::Str(text) => Some(text.clone()),
                        Field::Decimal(decimal) => {
                            let mut bytes = [0u8; 16];
                            bytes.copy_from_slice(decimal.data());
                            let value = Decimal::from_i128_with_scale(
                                i128::from_be_bytes(bytes),
                                decimal.scale() as u32,
                            );
                            Some(value.to_string())
                        }
                        Field::TimestampMicros(micros) => Some(
                            chrono::DateTime::from_timestamp_micros(*micros)
                                .unwrap()
                                .to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
                        ),
                        other => panic!("{name}: unexpected {other:?}"),
                    })
                    .collect()
            })
            .collect();
        Table { header, rows }
    }

    /// The same rows as the CSV, typed: decimals as decimal128(38, 12) that keep every digit,
    /// date-times as UTC timestamps, text as UTF-8, empty fields as nulls.
    #[tokio::test]
    async fn the_demo_month_as_parquet_holds_the_csv_rows_exactly() {
        let (_server, results, invoices) = fetch_month().await;
        let (csv, csv_rows) =
            focus_out::export(&results, &invoices, FocusVersion::V1_2, FileFormat::Csv).unwrap();
        let (parquet, rows) =
            focus_out::export(&results, &invoices, FocusVersion::V1_2, FileFormat::Parquet)
                .unwrap();
        assert_eq!(rows, csv_rows);
        assert!(parquet.starts_with(b"PAR1"));
        let reader = SerializedFileReader::new(bytes::Bytes::from(parquet.clone())).unwrap();
        let schema = reader.metadata().file_metadata().schema_descr_ptr();
        for column in schema.columns() {
            let printed = format!("{:?}", column.logical_type_ref());
            match focus::column_type(column.name()) {
                focus::ColumnType::Decimal => {
                    assert_eq!(
                        (column.type_precision(), column.type_scale()),
                        (38, 12),
                        "{}",
                        column.name()
                    );
                    assert!(printed.contains("Decimal"), "{printed}");
                }
                focus::ColumnType::DateTime => {
                    assert!(printed.contains("Timestamp"), "{printed}");
                    assert!(printed.contains("is_adjusted_to_u_t_c: true"), "{printed}");
                }
                _ => assert!(printed.contains("String"), "{printed}"),
            }
        }

        let table = read_parquet(parquet);
        let csv = read_csv(&csv);
        assert_eq!(table.header, csv.header);
        assert_eq!(table.rows.len(), csv.rows.len());
        // Per provider, BilledCost adds up to the report's total, exactly.
        assert_eq!(table.billed(), report_totals(&results));
        assert_eq!(table.billed(), csv.billed());
        // Every value is the CSV's: decimals equal as numbers, the rest as text.
        for (parquet_row, csv_row) in table.rows.iter().zip(&csv.rows) {
            for ((name, ours), theirs) in table.header.iter().zip(parquet_row).zip(csv_row) {
                match (focus::column_type(name), ours, theirs) {
                    (focus::ColumnType::Decimal, Some(ours), Some(theirs)) => assert_eq!(
                        ours.parse::<Decimal>().unwrap(),
                        theirs.parse::<Decimal>().unwrap(),
                        "{name}"
                    ),
                    _ => assert_eq!(ours, theirs, "{name}"),
                }
            }
        }
    }

    /// A value that decimal128(38, 12) cannot hold exactly makes its column text, digit for digit.
    #[test]
    fn a_decimal_with_more_digits_than_the_column_is_written_as_text() {
        use usage_bindings::cost::{BillingAccount, Scope};
        let start = "2026-11-03T00:00:00Z".parse().unwrap();
        let period = Window::new(start, start + chrono::TimeDelta::hours(1)).unwrap();
        let record = |amount: &str| {
            CostRecord::new(
                usage_bindings::Provider::ALL[0],
                period,
                amount.parse().unwrap(),
                "USD",
                Scope::new(),
            )
            .with_billing_account(BillingAccount::new("acct-1"))
        };
        let records = [record("0.0000000000001"), record("2.5")];
        let rows = focus::rows_of(&records, Version::V1_2, &[]).unwrap();
        let bytes = usage_report::parquet::write(Version::V1_2, &rows).unwrap();
        let table = read_parquet(bytes);
        let billed = table.column("BilledCost");
        assert_eq!(table.rows[0][billed].as_deref(), Some("0.0000000000001"));
        assert_eq!(table.rows[1][billed].as_deref(), Some("2.5"));
        assert_eq!(
            table
                .billed()
                .values()
                .copied()
                .sum::<Decimal>()
                .to_string(),
            "2.5000000000001"
        );
    }
}

/// The binary: `--focus-version 1.0` writes the 1.0 CSV as before; the default is 1.2; a
/// `.parquet` output is Parquet.
mod binary {
    use std::process::Command;

    fn usage_report(args: &[&str]) -> std::process::Output {
        Command::new(env!("CARGO_BIN_EXE_usage-report"))
            .args(["--since", "2026-11-01", "--until", "2026-11-07", "--demo"])
            .args(["--format", "focus"])
            .args(args)
            .env_remove("NORTHFLANK_AMOUNT_UNIT")
            .output()
            .unwrap()
    }

    fn first_line(output: &std::process::Output) -> String {
        assert!(output.status.success(), "{output:?}");
        let text = String::from_utf8(output.stdout.clone()).unwrap();
        text.lines().next().unwrap().to_string()
    }

    #[test]
    fn the_focus_version_picks_the_columns() {
        use usage_bindings::cost::focus::{self, Version};
        let header = |version| focus::header_of(version).collect::<Vec<_>>().join(",");
        assert_eq!(first_line(&usage_report(&[])), header(Version::V1_2));
        assert_eq!(
            first_line(&usage_report(&["--focus-version", "1.2"])),
            header(Version::V1_2)
        );
        assert_eq!(
            first_line(&usage_report(&["--focus-version", "1.0"])),
            header(Version::V1_0)
        );
        let output = usage_report(&["--focus-version", "1.1"]);
        assert_eq!(output.status.code(), Some(2));
    }

    #[cfg(feature = "parquet")]
    #[test]
    fn a_parquet_output_is_parquet() {
        let dir = std::env::temp_dir().join(format!("usage-report-focus-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("week.parquet");
        let output = usage_report(&["--output", path.to_str().unwrap()]);
        assert!(output.status.success(), "{output:?}");
        let bytes = std::fs::read(&path).unwrap();
        assert!(bytes.starts_with(b"PAR1") && bytes.ends_with(b"PAR1"));
        // `--parquet` on stdout gives the same file.
        let output = usage_report(&["--parquet"]);
        assert!(output.status.success(), "{output:?}");
        assert!(output.stdout.starts_with(b"PAR1"));
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
