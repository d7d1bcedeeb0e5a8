//! Exact amounts: [`Amount`] (decoding and encoding), [`AmountUnit`] (the one conversion of an
//! amount sent in minor units, such as cents, into currency units) and exact sums
//! ([`exact_add`], [`checked_sum`]).
//!
//! Every spec field declared `type: number, format: decimal` is generated as [`Amount`], a
//! [`rust_decimal::Decimal`] that reads both JSON numbers and JSON strings (`0.06`, `"12.50"`,
//! `"0E-6176"`) without going through binary floating point arithmetic, and writes a JSON number
//! (a JSON string of its digits when no JSON number carries it exactly).

use std::fmt;
use std::str::FromStr;

use rust_decimal::Decimal;
use serde::de::{self, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// An exact decimal amount as sent by a provider.
///
/// Decoding keeps the digits of the JSON text: a number is read through its shortest decimal
/// representation (the digits the server wrote, up to the 17 significant digits that a JSON
/// number can carry through `serde_json`), a string is parsed as a decimal directly. A value that
/// a `Decimal` cannot hold exactly (more than about 28 significant digits, or non-zero digits
/// beyond 28 places) is refused, never rounded.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Amount(pub Decimal);

impl Amount {
    /// Zero.
    pub const ZERO: Amount = Amount(Decimal::ZERO);

    /// The exact value.
    pub fn value(self) -> Decimal {
        self.0
    }
}

impl From<Decimal> for Amount {
    fn from(value: Decimal) -> Self {
        Self(value)
    }
}

impl From<Amount> for Decimal {
    fn from(value: Amount) -> Self {
        value.0
    }
}

impl fmt::Display for Amount {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0, f)
    }
}

/// Why a text is not an amount.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{text}` is not a decimal amount")]
pub struct ParseAmountError {
    text: String,
}

impl FromStr for Amount {
    type Err = ParseAmountError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        parse_decimal(text)
            .map(Amount)
            .ok_or_else(|| ParseAmountError {
                text: text.chars().take(64).collect(),
            })
    }
}

/// The longest text read as an amount, in bytes.
const MAX_AMOUNT_TEXT: usize = 1024;

/// Parses plain (`12.50`) and scientific (`1e-7`, `0E-6176`) decimal text, exactly: text whose
/// value a `Decimal` does not hold (more than about 28 significant digits, or more than 28
/// decimal places that are not zeros) is refused rather than rounded.
fn parse_decimal(text: &str) -> Option<Decimal> {
    let text = text.trim();
    // rust_decimal's parser recurses once per byte of leading zeros: a string amount of 100 000
    // zeros overflowed the stack (an abort, not an error). No amount needs more than a few dozen
    // characters, nor does any f64 written out (at most 327), so longer text is refused.
    if text.len() > MAX_AMOUNT_TEXT {
        return None;
    }
    // `from_str` (which reads exponents too) and `from_scientific` round what does not fit.
    // Plain text of at most 28 digits always fits (10^28 < 2^96, at most 28 places), so only
    // longer or scientific text pays for the comparison with the text.
    if let Ok(value) = Decimal::from_str(text) {
        return (short_plain(text) || same_value(text, value)).then_some(value);
    }
    if let Ok(value) = Decimal::from_scientific(text) {
        return same_value(text, value).then_some(value);
    }
    // A zero with an exponent beyond Decimal's scale (`0E-6176`, as some servers write a
    // zero decimal) is still exactly zero.
    let mantissa = text.split(['e', 'E']).next()?;
    let digits = mantissa.trim_start_matches(['+', '-']);
    let is_zero = !digits.is_empty()
        && digits.chars().all(|c| c == '0' || c == '.')
        && digits.chars().any(|c| c == '0')
        && text[mantissa.len()..].len() > 1
        && text[mantissa.len() + 1..]
            .trim_start_matches(['+', '-'])
            .chars()
            .all(|c| c.is_ascii_digit());
    is_zero.then_some(Decimal::ZERO)
}

/// Text without an exponent and with at most 28 digits: what any `Decimal` parser reads exactly.
fn short_plain(text: &str) -> bool {
    let mut digits = 0;
    for byte in text.bytes() {
        match byte {
            b'0'..=b'9' => digits += 1,
            b'e' | b'E' => return false,
            _ => {}
        }
    }
    digits <= 28
}

/// Whether `value` is exactly the number `text` writes (`[+-]digits[.digits][e[+-]digits]`,
/// `_` separators allowed as rust_decimal allows them): the significant digits and the power
/// of ten of both are compared. Anything else in `text` is a mismatch.
fn same_value(text: &str, value: Decimal) -> bool {
    let (mantissa, exponent) = match text.find(['e', 'E']) {
        Some(at) => (&text[..at], Some(&text[at + 1..])),
        None => (text, None),
    };
    let (negative, mantissa) = match mantissa.as_bytes().first() {
        Some(b'-') => (true, &mantissa[1..]),
        Some(b'+') => (false, &mantissa[1..]),
        _ => (false, mantissa),
    };
    let mut exponent: i64 = match exponent {
        None => 0,
        Some(exponent) => match exponent.replace('_', "").parse() {
            Ok(exponent) => exponent,
            Err(_) => return false,
        },
    };
    let mut digits = Vec::with_capacity(mantissa.len());
    let mut after_point = false;
    for byte in mantissa.bytes() {
        match byte {
            b'0'..=b'9' => {
                digits.push(byte);
                if after_point {
                    exponent = exponent.saturating_sub(1);
                }
            }
            b'.' if !after_point => after_point = true,
            b'_' => {}
            _ => return false,
        }
    }
    let text_digits = significant(&digits, &mut exponent);
    let magnitude = value.mantissa().unsigned_abs().to_string();
    let mut value_exponent = -i64::from(value.scale());
    let value_digits = significant(magnitude.as_bytes(), &mut value_exponent);
    if text_digits.is_empty() || value_digits.is_empty() {
        return text_digits.is_empty() && value_digits.is_empty();
    }
    text_digits == value_digits
        && exponent == value_exponent
        && negative == value.is_sign_negative()
}

/// `digits × 10^exponent` without its leading and trailing zeros (the exponent adjusted).
fn significant<'d>(digits: &'d [u8], exponent: &mut i64) -> &'d [u8] {
    let first = digits
        .iter()
        .position(|&d| d != b'0')
        .unwrap_or(digits.len());
    let digits = &digits[first..];
    let last = digits.iter().rposition(|&d| d != b'0').map_or(0, |i| i + 1);
    *exponent = exponent.saturating_add((digits.len() - last) as i64);
    &digits[..last]
}

/// The amount a JSON number that serde_json read as `value` stands for: the shortest decimal that
/// reads back as `value` (the digits that were sent: `0.06`, `1e-7`). `None` for NaN, infinities
/// and values no `Decimal` holds. Decoding and encoding both use it, so that what is written as a
/// number always reads back as the same amount.
pub(crate) fn decimal_from_f64(value: f64) -> Option<Decimal> {
    if !value.is_finite() {
        return None;
    }
    // Whole amounts (cents are often whole) need no text at all. (A conversion and a
    // comparison: `fract()` is a libm call on the default x86-64 target.)
    if value.abs() < 9.0e15 {
        let whole = value as i64;
        if whole as f64 == value {
            return Some(Decimal::from(whole));
        }
    }
    if let Some(decimal) = few_places(value) {
        return Some(decimal);
    }
    // Otherwise ryu's shortest digits (written into a stack buffer).
    let mut buffer = ryu::Buffer::new();
    let text = buffer.format_finite(value);
    plain_decimal(text).or_else(|| parse_decimal(text))
}

/// The decimal with the fewest places (1 to 9) that reads back as `value`, found by arithmetic
/// alone: the same digits `ryu` would write (the test below checks it), for the amounts most
/// bodies carry (`12.34`, `0.013888`), at a fraction of the cost of writing and reading text.
///
/// Why it is exact: while `|value| × 10^s < 2^49`, the product is computed within 1/32 of its true
/// value, so if some integer `m` at `s` places reads back as `value` (and then it is the only
/// one), the product is within 3/32 of `m` and rounding it (adding one half, exact at this size,
/// then truncating: no libm call) finds `m`; `m / 10^s` is one correctly rounded division of two
/// exact f64s, which is how `m × 10^-s` reads back. The first `s` that reads back is the fewest
/// places. `None` when no `s` up to 9 does, or the value is too large to be sure.
fn few_places(value: f64) -> Option<Decimal> {
    const POWERS: [f64; 10] = [1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9];
    const LIMIT: f64 = (1u64 << 49) as f64;
    let magnitude = value.abs();
    for (scale, &power) in POWERS.iter().enumerate().skip(1) {
        let scaled = magnitude * power;
        if scaled >= LIMIT {
            return None;
        }
        let mantissa = (scaled + 0.5) as u64;
        if mantissa as f64 / power == magnitude {
            return Some(Decimal::from_parts(
                mantissa as u32,
                (mantissa >> 32) as u32,
                0,
                value.is_sign_negative(),
                scale as u32,
            ));
        }
    }
    None
}

/// Reads plain decimal text of at most 19 significant digits (`-0.06`, `1234.5678`), as `ryu`
/// writes every f64 between 1e-5 and 1e16, straight into a `Decimal`: the same value and scale
/// as `Decimal::from_str`, without its general parser, which was most of the cost of an
/// amount-dense body. `None` for anything else (exponents, longer text), which goes through
/// [`parse_decimal`].
fn plain_decimal(text: &str) -> Option<Decimal> {
    let (negative, unsigned) = match text.as_bytes() {
        [b'-', rest @ ..] => (true, rest),
        bytes => (false, bytes),
    };
    let mut mantissa: u64 = 0;
    let mut any_digit = false;
    let mut scale: Option<u32> = None;
    for &byte in unsigned {
        match byte {
            b'0'..=b'9' => {
                // Leading zeros cost nothing; 19 significant digits always fit a u64.
                if mantissa >= 1_000_000_000_000_000_000 {
                    return None;
                }
                mantissa = mantissa * 10 + u64::from(byte - b'0');
                any_digit = true;
                if let Some(scale) = scale.as_mut() {
                    *scale += 1;
                }
            }
            b'.' if scale.is_none() && any_digit => scale = Some(0),
            _ => return None,
        }
    }
    let scale = scale.unwrap_or(0);
    if !any_digit || scale > Decimal::MAX_SCALE {
        return None;
    }
    // The 96-bit mantissa in three 32-bit words; the high word is 0 for a u64.
    Some(Decimal::from_parts(
        mantissa as u32,
        (mantissa >> 32) as u32,
        0,
        negative,
        scale,
    ))
}

impl Serialize for Amount {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        // JSON numbers are the wire format; the f64 printed by serde_json is the shortest text
        // that reads back as the same number, so `0.06` is written as `0.06`. An amount that no
        // f64 carries back exactly (more than 17 significant digits, near `Decimal::MAX`, whose
        // nearest f64 is beyond it, or `-980000000000001.3`, whose f64 has two shortest texts)
        // is written as a JSON string of its exact digits, which decoding reads too. The check
        // is the decoder's own reading of the f64, so encoding never changes an amount.
        let as_f64: Option<f64> = self.0.try_into().ok();
        match as_f64.filter(|f| decimal_from_f64(*f) == Some(self.0)) {
            Some(exact) => serializer.serialize_f64(exact),
            None => serializer.collect_str(&self.0),
        }
    }
}

impl<'de> Deserialize<'de> for Amount {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(AmountVisitor)
    }
}

struct AmountVisitor;

impl Visitor<'_> for AmountVisitor {
    type Value = Amount;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a decimal amount as a JSON number or string")
    }

    fn visit_i64<E: de::Error>(self, value: i64) -> Result<Amount, E> {
        Ok(Amount(Decimal::from(value)))
    }

    fn visit_u64<E: de::Error>(self, value: u64) -> Result<Amount, E> {
        Ok(Amount(Decimal::from(value)))
    }

    fn visit_f64<E: de::Error>(self, value: f64) -> Result<Amount, E> {
        decimal_from_f64(value)
            .map(Amount)
            .ok_or_else(|| E::invalid_value(de::Unexpected::Float(value), &self))
    }

    fn visit_str<E: de::Error>(self, value: &str) -> Result<Amount, E> {
        parse_decimal(value)
            .map(Amount)
            .ok_or_else(|| E::invalid_value(de::Unexpected::Str(value), &self))
    }
}

impl schemars::JsonSchema for Amount {
    fn schema_name() -> String {
        "Amount".to_string()
    }

    fn is_referenceable() -> bool {
        false
    }

    fn json_schema(_: &mut schemars::gen::SchemaGenerator) -> schemars::schema::Schema {
        schemars::schema::SchemaObject {
            instance_type: Some(schemars::schema::InstanceType::Number.into()),
            format: Some("decimal".to_string()),
            ..Default::default()
        }
        .into()
    }
}

/// The unit a provider's amounts are sent in, and the one conversion of such an amount into
/// currency units: [`AmountUnit::to_currency`].
///
/// ```
/// use usage_bindings::money::AmountUnit;
///
/// let amount = "1843.7712".parse()?;
/// assert_eq!(AmountUnit::Currency.to_currency(amount).unwrap().to_string(), "1843.7712");
/// assert_eq!(AmountUnit::Cents.to_currency(amount).unwrap().to_string(), "18.437712");
/// assert_eq!("cents".parse::<AmountUnit>()?, AmountUnit::Cents);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum AmountUnit {
    /// Units of the currency: `69.22` is 69.22 USD.
    #[default]
    Currency,
    /// Cents, hundredths of the currency: `69.22` is 0.6922 USD.
    Cents,
}

impl AmountUnit {
    /// What one unit of an amount is worth in currency units: 1, or 0.01 for cents.
    pub fn factor(self) -> Decimal {
        match self {
            AmountUnit::Currency => Decimal::ONE,
            AmountUnit::Cents => Decimal::from_parts(1, 0, 0, false, 2),
        }
    }

    /// `amount` in currency units, exactly, or `None` when that is not exact (cents with more
    /// than 26 decimal places: a `Decimal` has 28).
    pub fn to_currency(self, amount: Decimal) -> Option<Decimal> {
        let factor = self.factor();
        let converted = amount.checked_mul(factor)?;
        // Dividing back gives the amount again only when no place was rounded away.
        (converted.checked_div(factor) == Some(amount)).then_some(converted)
    }

    /// `currency` or `cents`, as [`FromStr`] reads it.
    pub fn name(self) -> &'static str {
        match self {
            AmountUnit::Currency => "currency",
            AmountUnit::Cents => "cents",
        }
    }
}

impl fmt::Display for AmountUnit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A text that is neither `currency` nor `cents`.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("`{text}` is not an amount unit (`currency` or `cents`)")]
pub struct ParseAmountUnitError {
    text: String,
}

impl FromStr for AmountUnit {
    type Err = ParseAmountUnitError;

    /// `currency` or `cents`, in any case, surrounding blanks ignored.
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        match text.trim().to_ascii_lowercase().as_str() {
            "currency" => Ok(AmountUnit::Currency),
            "cents" => Ok(AmountUnit::Cents),
            _ => Err(ParseAmountUnitError {
                text: text.chars().take(64).collect(),
            }),
        }
    }
}

/// A sum of amounts that a [`Decimal`] cannot hold exactly: beyond about 7.9 × 10²⁸, or
/// needing more significant digits than a `Decimal` has (about 28, as in
/// `79228162514264337593543950334 + 0.5`), where plain `Decimal` addition would round.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("a sum of amounts is not exact: it needs more digits than a decimal holds")]
pub struct InexactSum;

/// `a + b` exactly, or [`InexactSum`] when a `Decimal` cannot hold the exact sum.
pub fn exact_add(a: Decimal, b: Decimal) -> Result<Decimal, InexactSum> {
    let sum = a.checked_add(b).ok_or(InexactSum)?;
    // rust_decimal adds at the larger scale of the two and only goes to fewer places, rounding,
    // when that sum needs more than 96 bits; a zero operand is returned as is.
    if sum.scale() >= a.scale().max(b.scale()) || a.is_zero() || b.is_zero() {
        return Ok(sum);
    }
    if sum_fits(a, b) {
        Ok(sum)
    } else {
        Err(InexactSum)
    }
}

/// Whether some `Decimal` holds `a + b` exactly, worked out on integers.
fn sum_fits(a: Decimal, b: Decimal) -> bool {
    let (a, b) = (a.normalize(), b.normalize());
    let (coarse, fine) = if a.scale() <= b.scale() {
        (a, b)
    } else {
        (b, a)
    };
    // Both scales are at most 28, so the power and both mantissas fit an i128; a product or sum
    // beyond i128 is far beyond 96 bits.
    let Some(mut mantissa) = 10i128
        .checked_pow(fine.scale() - coarse.scale())
        .and_then(|power| coarse.mantissa().checked_mul(power))
        .and_then(|scaled| scaled.checked_add(fine.mantissa()))
    else {
        return false;
    };
    // Places that add up to zeros (0.5 + 0.5) need no digits.
    let mut scale = fine.scale();
    while scale > 0 && mantissa != 0 && mantissa % 10 == 0 {
        mantissa /= 10;
        scale -= 1;
    }
    mantissa.unsigned_abs() < 1 << 96
}

/// Adds exactly, or says that the sum is not exact (see [`InexactSum`]).
pub fn checked_sum<I: IntoIterator<Item = Decimal>>(amounts: I) -> Result<Decimal, InexactSum> {
    amounts.into_iter().try_fold(Decimal::ZERO, exact_add)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decode(json: &str) -> Amount {
        serde_json::from_str(json).unwrap()
    }

    #[test]
    fn keeps_the_digits_sent() {
        assert_eq!(decode("0.06").to_string(), "0.06");
        assert_eq!(decode("1234.5678").to_string(), "1234.5678");
        assert_eq!(decode("1e-7").to_string(), "0.0000001");
        assert_eq!(decode("12").to_string(), "12");
        assert_eq!(decode("\"12.50\"").to_string(), "12.50");
        assert_eq!(decode("\"0E-6176\"").value(), Decimal::ZERO);
        assert_eq!(decode("\"1.5e3\"").value(), Decimal::from(1500));
    }

    #[test]
    fn rejects_what_is_not_a_number() {
        for bad in [
            "\"NaN\"",
            "\"abc\"",
            "\"\"",
            "\"1e\"",
            "true",
            "null",
            "\"0E\"",
            "1e-300",
            "\"1e-300\"",
            "\"0.00000000000000000000000000001\"",
        ] {
            assert!(serde_json::from_str::<Amount>(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn writes_a_json_number() {
        assert_eq!(serde_json::to_string(&decode("0.06")).unwrap(), "0.06");
        assert_eq!(serde_json::to_string(&decode("\"12.50\"")).unwrap(), "12.5");
    }

    #[test]
    fn long_text_is_refused_not_a_stack_overflow() {
        // Found by fuzz/phala_app_usage_response: 100 000 zeros overflowed the stack.
        let zeros = format!("\"{}1\"", "0".repeat(100_000));
        assert!(serde_json::from_str::<Amount>(&zeros).is_err());
        assert!("0".repeat(100_000).parse::<Amount>().is_err());
        assert_eq!(
            format!("{}1", "0".repeat(1000))
                .parse::<Amount>()
                .unwrap()
                .value(),
            Decimal::ONE
        );
    }

    #[test]
    fn more_digits_than_a_decimal_holds_are_refused_not_rounded() {
        for text in [
            "1.0000000000000000000000000000001",
            "79228162514264337593543950335.5",
            "123456789012345678901234567890",
            "79228162514264337593543950336",
            // 29 significant digits whose mantissa is beyond 2^96 at 28 places.
            "9.9999999999999999999999999999",
            "-9.9999999999999999999999999999",
            // Scientific text: rounded by the parser, or beyond 28 places.
            "1.5e-28",
            "1.2345678901234567890123456789012e5",
            "792281625142643375935439503355e-1",
            "1e-29",
            "0.00000000000000000000000000015",
        ] {
            assert_eq!(parse_decimal(text), None, "{text}");
            assert!(text.parse::<Amount>().is_err(), "{text}");
            let json = format!("\"{text}\"");
            assert!(serde_json::from_str::<Amount>(&json).is_err(), "{json}");
        }
        // A JSON number goes through the same check.
        assert!(serde_json::from_str::<Amount>("1.5e-28").is_err());
        // What a Decimal holds exactly is kept, trailing zeros beyond 28 places included.
        for (text, exact) in [
            (
                "1.00000000000000000000000000000000",
                "1.0000000000000000000000000000",
            ),
            (
                "79228162514264337593543950335",
                "79228162514264337593543950335",
            ),
            (
                "7.9228162514264337593543950335",
                "7.9228162514264337593543950335",
            ),
            (
                "1.2345678901234567890123456789e5",
                "123456.78901234567890123456789",
            ),
            ("1e-28", "0.0000000000000000000000000001"),
            ("-1.5E3", "-1500"),
            ("0000000000000000000000000000000012.50", "12.50"),
        ] {
            assert_eq!(
                parse_decimal(text),
                Some(Decimal::from_str(exact).unwrap()),
                "{text}"
            );
        }
    }

    #[test]
    fn a_sum_that_would_round_is_refused() {
        let max = Decimal::MAX;
        let half = Decimal::new(5, 1);
        assert_eq!(checked_sum([max, half]).ok(), None);
        assert_eq!(checked_sum([max - Decimal::ONE, half]).ok(), None);
        assert_eq!(checked_sum([max, max]).ok(), None);
        // 7.9228162514264337593543950335 + 1 needs a 29th digit at 28 places.
        let small = Decimal::from_str("7.9228162514264337593543950335").unwrap();
        assert_eq!(checked_sum([small, Decimal::ONE]).ok(), None);
        // Exact sums whose larger scale does not fit, but whose dropped places are zeros.
        assert_eq!(
            checked_sum([max - Decimal::ONE, Decimal::from_str("1.0").unwrap()]),
            Ok(max)
        );
        assert_eq!(checked_sum([max, -max, half]), Ok(half));
        let mut next = xorshift(0x5851_f42d_4c95_7f2d);
        for _ in 0..10_000 {
            // 2^24 × 10^12 at most: no sum needs more than 96 bits, every one is exact.
            let a = Decimal::from_i128_with_scale((next() >> 40) as i128, (next() % 13) as u32);
            let b = Decimal::from_i128_with_scale(-((next() >> 40) as i128), (next() % 13) as u32);
            assert_eq!(checked_sum([a, b]), Ok(a + b), "{a} + {b}");
        }
    }

    /// A small deterministic generator of test values (xorshift64).
    fn xorshift(seed: u64) -> impl FnMut() -> u64 {
        let mut state = seed;
        move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        }
    }

    #[test]
    fn plain_digits_read_as_the_general_parser_reads_them() {
        // Every plain text ryu writes must give the same value and scale as `from_str`.
        let mut next = xorshift(0x9e37_79b9_7f4a_7c15);
        let mut plain = 0;
        for i in 0..200_000 {
            let value = match i % 4 {
                0 => f64::from_bits(next()),
                1 => (next() % 100_000_000) as f64 / 10f64.powi((next() % 12) as i32),
                2 => (next() % 1_000_000) as f64 / 100.0,
                _ => -((next() % 10_000_000_000) as f64) / 1e6,
            };
            if !value.is_finite() {
                continue;
            }
            let mut buffer = ryu::Buffer::new();
            let text = buffer.format_finite(value);
            if let Some(fast) = plain_decimal(text) {
                plain += 1;
                let general = Decimal::from_str(text).unwrap();
                assert_eq!(fast, general, "{text}");
                assert_eq!(fast.scale(), general.scale(), "{text}");
                assert_eq!(
                    fast.is_sign_negative(),
                    general.is_sign_negative(),
                    "{text}"
                );
            }
        }
        assert!(plain > 100_000, "{plain}");
        for text in [
            "-0.0",
            "0.0",
            "1.0",
            "9999999999999999.0",
            "0.000012345678901234567",
        ] {
            assert_eq!(plain_decimal(text), Decimal::from_str(text).ok(), "{text}");
        }
        for refused in [
            "1e-7",
            "1.5e300",
            "",
            "-",
            ".5",
            "1..2",
            "NaN",
            "12345678901234567890.5",
        ] {
            assert_eq!(plain_decimal(refused), None, "{refused}");
        }
    }

    #[test]
    fn few_places_finds_the_digits_ryu_writes() {
        let mut next = xorshift(0x2545_f491_4f6c_dd1d);
        let mut found = 0;
        for i in 0..400_000 {
            let value = match i % 6 {
                0 => f64::from_bits(next()),
                // Near the size limit of the arithmetic.
                5 => (next() % (1 << 50)) as f64 / 10f64.powi((next() % 10) as i32),
                1 => (next() % 100_000_000) as f64 / 10f64.powi((next() % 12) as i32),
                2 => (next() % 1_000_000) as f64 / 100.0,
                3 => -((next() % 10_000_000_000) as f64) / 1e6,
                // Products as some servers print them (`0.5124999999999999`).
                _ => (next() % 10_000) as f64 * 0.0001 * (next() % 1000) as f64,
            };
            if !value.is_finite() || value.fract() == 0.0 {
                continue;
            }
            let mut buffer = ryu::Buffer::new();
            let text = buffer.format_finite(value);
            if let Some(fast) = few_places(value) {
                found += 1;
                let general = parse_decimal(text).unwrap();
                assert_eq!(fast, general, "{text}");
                assert_eq!(fast.scale(), general.scale(), "{text}");
            }
        }
        assert!(found > 200_000, "{found}");
        assert_eq!(few_places(0.5124999999999999), None);
        assert_eq!(
            few_places(1e-7).map(|d| d.to_string()).as_deref(),
            Some("0.0000001")
        );
        assert_eq!(few_places(1e-10), None);
        assert_eq!(
            few_places(-0.06).map(|d| d.to_string()).as_deref(),
            Some("-0.06")
        );
    }

    #[test]
    fn encoding_keeps_every_digit() {
        // Found by fuzz/amount: these have no f64 that reads back as the same amount.
        for text in [
            "79228162514264337593543950335",
            "-79228162514264337593543950335",
            "0.1234567890123456789",
            "12345678901234567890.5",
            // Found by fuzz/amount after the decoding shortcuts: the nearest f64 is
            // -980000000000001.25, whose shortest texts are both `…1.2` and `…1.3`; std's
            // `to_string` wrote `…1.3` (the check passed) and serde_json's ryu wrote `…1.2`.
            "-980000000000001.3",
        ] {
            let amount: Amount = text.parse().unwrap();
            let encoded = serde_json::to_string(&amount).unwrap();
            assert_eq!(encoded, format!("\"{text}\""));
            assert_eq!(serde_json::from_str::<Amount>(&encoded).unwrap(), amount);
        }
    }
}
