//! FOCUS rows as a Parquet file (feature `parquet`): one row group, one column per column of
//! the header, typed as [`focus::column_type`] says (see [`crate::focus_out`] for the types and
//! why). Every value is converted exactly or the file is not written.

use std::sync::Arc;

use chrono::DateTime;
use parquet::data_type::Int64Type;
use parquet::data_type::{ByteArray, ByteArrayType, FixedLenByteArray, FixedLenByteArrayType};
use parquet::file::properties::WriterProperties;
use parquet::file::writer::SerializedFileWriter;
use parquet::schema::parser::parse_message_type;
use rust_decimal::Decimal;
use usage_bindings::cost::focus::{self, ColumnType, FocusRow, Version};

/// The scale of decimal columns: 12 fractional digits.
pub const SCALE: u32 = 12;
/// The precision of decimal columns: 38 digits, the most a 16-byte decimal holds.
pub const PRECISION: u32 = 38;

/// How one column is written.
enum Kind {
    /// `decimal128(38, 12)`, each value's unscaled integer.
    Decimal(Vec<Option<i128>>),
    /// `timestamp[us, tz=UTC]`.
    Timestamp(Vec<Option<i64>>),
    /// UTF-8 text (also a decimal column that `decimal128(38, 12)` cannot hold exactly).
    Text(Vec<Option<String>>),
}

/// `value` as the unscaled integer of a `decimal128(38, 12)`, when it is one exactly.
pub fn unscaled(value: Decimal) -> Option<i128> {
    let shift = SCALE.checked_sub(value.scale())?;
    let unscaled = value.mantissa().checked_mul(10i128.checked_pow(shift)?)?;
    (unscaled.unsigned_abs() < 10u128.pow(PRECISION)).then_some(unscaled)
}

/// The column `index` of `rows`, typed.
fn column(name: &str, index: usize, rows: &[FocusRow]) -> Result<Kind, String> {
    let texts = rows
        .iter()
        .map(|row| row.values().get(index).cloned().flatten());
    match focus::column_type(name) {
        ColumnType::Decimal => {
            let texts: Vec<Option<String>> = texts.collect();
            let decimals = texts
                .iter()
                .map(|text| {
                    text.as_deref()
                        .map(|text| {
                            let value: Decimal = text
                                .parse()
                                .map_err(|error| format!("{name} `{text}`: {error}"))?;
                            Ok(unscaled(value))
                        })
                        .transpose()
                })
                .collect::<Result<Vec<Option<Option<i128>>>, String>>()?;
            // One value that is no decimal128(38, 12) exactly: the column is the exact text.
            if decimals.iter().any(|value| matches!(value, Some(None))) {
                return Ok(Kind::Text(texts));
            }
            Ok(Kind::Decimal(
                decimals.into_iter().map(Option::flatten).collect(),
            ))
        }
        ColumnType::DateTime => texts
            .map(|text| {
                text.map(|text| {
                    DateTime::parse_from_rfc3339(&text)
                        .map(|time| time.timestamp_micros())
                        .map_err(|error| format!("{name} `{text}`: {error}"))
                })
                .transpose()
            })
            .collect::<Result<_, _>>()
            .map(Kind::Timestamp),
        _ => Ok(Kind::Text(texts.collect())),
    }
}

/// The definition levels of `values` (1 a value, 0 a null) and the values present.
fn levels<T: Clone>(values: &[Option<T>]) -> (Vec<i16>, Vec<T>) {
    let levels = values
        .iter()
        .map(|value| i16::from(value.is_some()))
        .collect();
    (levels, values.iter().flatten().cloned().collect())
}

/// The Parquet file of `rows` (all of `version`).
pub fn write(version: Version, rows: &[FocusRow]) -> Result<Vec<u8>, String> {
    let columns = focus::header_of(version)
        .enumerate()
        .map(|(index, name)| Ok((name, column(name, index, rows)?)))
        .collect::<Result<Vec<_>, String>>()?;
    let fields: String = columns
        .iter()
        .map(|(name, kind)| match kind {
            Kind::Decimal(_) => format!(
                "OPTIONAL FIXED_LEN_BYTE_ARRAY (16) {name} (DECIMAL({PRECISION},{SCALE}));\n"
            ),
            Kind::Timestamp(_) => format!("OPTIONAL INT64 {name} (TIMESTAMP(MICROS,true));\n"),
            Kind::Text(_) => format!("OPTIONAL BYTE_ARRAY {name} (STRING);\n"),
        })
        .collect();
    let schema = parse_message_type(&format!("message focus {{\n{fields}}}"))
        .map_err(|error| error.to_string())?;
    let properties = WriterProperties::builder()
        .set_created_by(format!("usage-report {}", env!("CARGO_PKG_VERSION")))
        .build();
    let mut out = Vec::new();
    let mut writer = SerializedFileWriter::new(&mut out, Arc::new(schema), Arc::new(properties))
        .map_err(|error| error.to_string())?;
    let mut group = writer.next_row_group().map_err(|error| error.to_string())?;
    for (name, kind) in &columns {
        let mut column = group
            .next_column()
            .map_err(|error| error.to_string())?
            .ok_or_else(|| format!("no column {name} in the schema"))?;
        let written = match kind {
            Kind::Decimal(values) => {
                let (levels, values) = levels(values);
                let values: Vec<FixedLenByteArray> = values
                    .iter()
                    .map(|value| FixedLenByteArray::from(value.to_be_bytes().to_vec()))
                    .collect();
                column
                    .typed::<FixedLenByteArrayType>()
                    .write_batch(&values, Some(&levels), None)
            }
            Kind::Timestamp(values) => {
                let (levels, values) = levels(values);
                column
                    .typed::<Int64Type>()
                    .write_batch(&values, Some(&levels), None)
            }
            Kind::Text(values) => {
                let (levels, values) = levels(values);
                let values: Vec<ByteArray> = values
                    .into_iter()
                    .map(|value| ByteArray::from(value.into_bytes()))
                    .collect();
                column
                    .typed::<ByteArrayType>()
                    .write_batch(&values, Some(&levels), None)
            }
        };
        written.map_err(|error| format!("{name}: {error}"))?;
        column.close().map_err(|error| error.to_string())?;
    }
    group.close().map_err(|error| error.to_string())?;
    writer.close().map_err(|error| error.to_string())?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimals_fit_exactly_or_not_at_all() {
        let dec = |text: &str| text.parse::<Decimal>().unwrap();
        assert_eq!(unscaled(dec("18.437712")), Some(18_437_712_000_000));
        assert_eq!(unscaled(dec("-0.06")), Some(-60_000_000_000));
        assert_eq!(unscaled(dec("0.000000000001")), Some(1));
        // 13 fractional digits: not without rounding.
        assert_eq!(unscaled(dec("0.0000000000001")), None);
        // 26 integral digits fit, 27 do not.
        assert!(unscaled(dec("99999999999999999999999999")).is_some());
        assert_eq!(unscaled(dec("100000000000000000000000000")), None);
    }
}
