//! The daily chart under the report's table: one horizontal bar per UTC day of the window, split
//! by provider with one fill character each, then a legend and the scale. One chart per
//! currency, each with its own scale.
//!
//! Amounts stay exact `Decimal`s; only bar lengths are rounded, by these rules:
//! - One cell is worth a "round" amount (1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6 or 8 times a power of
//!   ten), the smallest such that the largest day fits in the chart's width.
//! - A bar ends at the day's total divided by the cell, rounded to the nearest cell (halves
//!   away from zero); each provider's segment ends at the day's running total rounded the same
//!   way, so segments add up to the bar.
//! - A provider with spend that day whose segment rounds to nothing still gets one cell, taken
//!   from that day's longest segment while it has more than one cell (else the bar grows).
//! - Negative amounts (credits) are not drawn, nor a provider's day whose sum is not exact; the
//!   amount at the end of each line is the day's exact total (`—` when none exists).
//!
//! Providers left out of the report (their total is not exact) have no segment; they and the
//! providers that failed are marked in the legend.

use chrono::{NaiveDate, TimeDelta};
use rust_decimal::prelude::ToPrimitive;
use rust_decimal::{Decimal, RoundingStrategy};
use usage_bindings::{money, Provider};

use crate::report::{Format, Report};

/// Cells of the largest day's bar, at most (before a tiny share's extra cell).
pub const WIDTH: usize = 40;

/// Fill characters, in the order of `Provider::ALL`, so a provider keeps its character whichever
/// providers are queried.
const FILLS: [char; 6] = ['█', '▓', '▒', '░', '▞', '▚'];

/// What a provider's segment is drawn with.
pub fn fill(provider: Provider) -> char {
    Provider::ALL
        .iter()
        .position(|&p| p == provider)
        .and_then(|index| FILLS.get(index).copied())
        .unwrap_or('#')
}

/// Whether to draw the chart: as `flag` says (`--chart` / `--no-chart`), else when stdout is a
/// terminal and the format is a table. `--chart` with another format (csv, json, focus) is an error.
pub fn wanted(flag: Option<bool>, format: Format, terminal: bool) -> Result<bool, String> {
    match (flag, format) {
        (Some(true), Format::Table) => Ok(true),
        (Some(true), Format::Csv) => Err(refused("csv")),
        (Some(true), Format::Json) => Err(refused("json")),
        (Some(true), Format::Focus) => Err(refused("focus")),
        (Some(false), _) => Ok(false),
        (None, format) => Ok(terminal && format == Format::Table),
    }
}

fn refused(format: &str) -> String {
    format!("--chart draws under the table only, not with --format {format}")
}

/// The report's spend per day as text charts, `width` cells for the largest day (at least 1).
pub fn render(report: &Report, width: usize) -> String {
    let width = width.max(1);
    let mut currencies: Vec<&str> = report
        .daily
        .keys()
        .map(|(currency, _, _)| currency.as_str())
        .collect();
    currencies.dedup();
    if currencies.is_empty() {
        return "Daily spend: nothing was spent in the window.\n".to_string();
    }
    let mut text = String::new();
    for (index, currency) in currencies.into_iter().enumerate() {
        if index > 0 {
            text.push('\n');
        }
        text.push_str(&chart(report, currency, width));
    }
    text
}

/// One day's line before it is laid out.
struct Day {
    day: NaiveDate,
    /// Drawn segments, in legend order.
    parts: Vec<(Provider, Decimal)>,
    /// The exact total of the day, credits included; `None` when not exact.
    total: Option<Decimal>,
    /// The sum of the drawn segments.
    drawn: Decimal,
}

fn chart(report: &Report, currency: &str, width: usize) -> String {
    let providers: Vec<Provider> = report.providers.iter().map(|s| s.provider).collect();
    let spend = |day: NaiveDate, provider: Provider| {
        report
            .daily
            .get(&(currency.to_string(), day, provider))
            .copied()
    };
    let mut days = Vec::new();
    let mut credits = false;
    let mut inexact = false;
    let mut day = report.window.start.date_naive();
    loop {
        match day.and_hms_opt(0, 0, 0) {
            Some(start) if start.and_utc() < report.window.end => {}
            _ => break,
        }
        let mut parts = Vec::new();
        let mut total = Some(Decimal::ZERO);
        let mut drawn = Some(Decimal::ZERO);
        for &provider in &providers {
            match spend(day, provider) {
                None => {}
                Some(None) => {
                    inexact = true;
                    total = None;
                }
                Some(Some(amount)) => {
                    total = total.and_then(|t| money::exact_add(t, amount).ok());
                    if amount > Decimal::ZERO {
                        drawn = drawn.and_then(|d| money::exact_add(d, amount).ok());
                        parts.push((provider, amount));
                    } else if amount < Decimal::ZERO {
                        credits = true;
                    }
                }
            }
        }
        // A day whose drawn sum overflows cannot be scaled: its bar is left empty.
        let drawn = drawn.unwrap_or_else(|| {
            inexact = true;
            parts.clear();
            Decimal::ZERO
        });
        inexact |= total.is_none();
        days.push(Day {
            day,
            parts,
            total,
            drawn,
        });
        match day.checked_add_signed(TimeDelta::days(1)) {
            Some(next) => day = next,
            None => break,
        }
    }

    let largest = days
        .iter()
        .max_by(|a, b| a.drawn.cmp(&b.drawn).then(b.day.cmp(&a.day)));
    let cell = largest.and_then(|largest| cell_for(largest.drawn, width));
    let bars: Vec<Vec<(Provider, usize)>> = days
        .iter()
        .map(|day| {
            cell.map(|cell| segments(&day.parts, cell))
                .unwrap_or_default()
        })
        .collect();
    let bar_width = bars
        .iter()
        .map(|bar| bar.iter().map(|(_, cells)| cells).sum::<usize>())
        .max()
        .unwrap_or(0);
    let amounts: Vec<String> = days
        .iter()
        .map(|day| day.total.map_or_else(|| "—".to_string(), |t| t.to_string()))
        .collect();
    let amount_width = amounts.iter().map(|a| a.chars().count()).max().unwrap_or(0);

    let mut text = format!("Daily spend in {currency} by provider (UTC days)\n");
    let legend: Vec<String> = report
        .providers
        .iter()
        .map(|status| {
            let mark = match (status.complete, status.summed) {
                (true, _) => "",
                (false, true) => " (INCOMPLETE)",
                (false, false) => " (INCOMPLETE, not drawn)",
            };
            format!("{} {}{mark}", fill(status.provider), status.provider)
        })
        .collect();
    text.push_str(&format!("{}\n", legend.join("  ")));
    for ((day, bar), amount) in days.iter().zip(&bars).zip(&amounts) {
        let mut line: String = bar
            .iter()
            .flat_map(|&(provider, cells)| std::iter::repeat_n(fill(provider), cells))
            .collect();
        let drawn = line.chars().count();
        line.extend(std::iter::repeat_n(' ', bar_width - drawn));
        text.push_str(&format!("{} │{line}│ {amount:>amount_width$}\n", day.day));
    }
    match (cell, largest) {
        (Some(cell), Some(largest)) => {
            let cells: usize = segments(&largest.parts, cell)
                .iter()
                .map(|(_, cells)| cells)
                .sum();
            text.push_str(&format!(
                "Scale: one cell = {} {currency}; the largest day, {}, is {} {currency} ({cells} cells)\n",
                cell.normalize(),
                largest.day,
                largest.drawn,
            ));
        }
        _ => text.push_str("Scale: nothing to draw\n"),
    }
    if credits {
        text.push_str("Credits (negative amounts) are not drawn; the amounts are net.\n");
    }
    if inexact {
        text.push_str("A sum that is not exact is not drawn (—).\n");
    }
    text
}

/// The smallest round amount (see the module docs) of which `width` cells hold `largest`;
/// `None` when `largest` is not positive.
fn cell_for(largest: Decimal, width: usize) -> Option<Decimal> {
    if largest <= Decimal::ZERO {
        return None;
    }
    let width = Decimal::from(width);
    const MANTISSAS: [(i64, u32); 10] = [
        (1, 0),
        (12, 1),
        (15, 1),
        (2, 0),
        (25, 1),
        (3, 0),
        (4, 0),
        (5, 0),
        (6, 0),
        (8, 0),
    ];
    let mut power = Decimal::new(1, 28);
    loop {
        for (mantissa, scale) in MANTISSAS {
            if let Some(cell) = power.checked_mul(Decimal::new(mantissa, scale)) {
                if cell > Decimal::ZERO
                    && cell.checked_mul(width).is_some_and(|room| room >= largest)
                {
                    return Some(cell);
                }
            }
        }
        match power.checked_mul(Decimal::TEN) {
            Some(next) => power = next,
            // Near the largest decimal no round amount fits: the largest day is one cell wide.
            None => return Some(largest),
        }
    }
}

/// `amount / cell` rounded to the nearest whole cell.
fn cells(amount: Decimal, cell: Decimal) -> usize {
    amount
        .checked_div(cell)
        .map(|cells| cells.round_dp_with_strategy(0, RoundingStrategy::MidpointAwayFromZero))
        .and_then(|cells| cells.to_usize())
        .unwrap_or(0)
}

/// The cells of each positive part, by the rounding rules of the module docs.
fn segments(parts: &[(Provider, Decimal)], cell: Decimal) -> Vec<(Provider, usize)> {
    let mut running = Decimal::ZERO;
    let mut end = 0;
    let mut segments: Vec<(Provider, usize)> = parts
        .iter()
        .map(|&(provider, amount)| {
            running = money::exact_add(running, amount).unwrap_or(running);
            let next = cells(running, cell).max(end);
            let length = next - end;
            end = next;
            (provider, length)
        })
        .collect();
    for index in 0..segments.len() {
        if segments[index].1 == 0 {
            segments[index].1 = 1;
            let longest = (0..segments.len())
                .filter(|&other| other != index)
                .max_by_key(|&other| (segments[other].1, std::cmp::Reverse(other)));
            if let Some(longest) = longest.filter(|&other| segments[other].1 > 1) {
                segments[longest].1 -= 1;
            }
        }
    }
    segments
}
