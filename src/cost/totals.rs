//! Exact totals of [`CostRecord`]s by a dimension, day, provider, scope or currency.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::{CostKind, CostRecord, Dimension, Scope};
use crate::money::{exact_add, InexactSum};
use crate::Provider;

/// Totals keyed by something and the currency: amounts of different currencies never add up.
pub type Totals<K> = BTreeMap<(K, String), Decimal>;

/// Why records have no total.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum TotalsError {
    /// A sum that a `Decimal` cannot hold exactly.
    #[error(transparent)]
    Inexact(#[from] InexactSum),
    /// Records of two kinds: two views of the same spend, which would count it twice.
    #[error(
        "records of two kinds ({first:?} and {other:?}) are two views of the same spend: \
         adding them would count it twice"
    )]
    MixedKinds {
        /// The kind of the first record.
        first: CostKind,
        /// The first other kind met.
        other: CostKind,
    },
}

/// The exact totals of `records` by `key` and currency. Every record must be of one
/// [`CostKind`].
pub fn totals_by<'r, K, I, F>(records: I, mut key: F) -> Result<Totals<K>, TotalsError>
where
    K: Ord,
    I: IntoIterator<Item = &'r CostRecord>,
    F: FnMut(&CostRecord) -> K,
{
    let mut totals = Totals::new();
    let mut kind = None;
    for record in records {
        match kind {
            None => kind = Some(record.kind),
            Some(first) if first != record.kind => {
                return Err(TotalsError::MixedKinds {
                    first,
                    other: record.kind,
                })
            }
            Some(_) => {}
        }
        let total = totals
            .entry((key(record), record.currency.clone()))
            .or_insert(Decimal::ZERO);
        *total = exact_add(*total, record.amount)?;
    }
    Ok(totals)
}

/// Totals per value of `dimension`, per currency; records not broken down by `dimension` are
/// summed under `None`, so that the totals still cover every record.
pub fn totals_by_dimension<'r>(
    records: impl IntoIterator<Item = &'r CostRecord>,
    dimension: Dimension,
) -> Result<Totals<Option<String>>, TotalsError> {
    totals_by(records, |record| {
        record.scope.get(dimension).map(str::to_string)
    })
}

/// Totals per UTC day of the period's start, per currency.
pub fn totals_by_day<'r>(
    records: impl IntoIterator<Item = &'r CostRecord>,
) -> Result<Totals<NaiveDate>, TotalsError> {
    totals_by(records, |record| record.period.start.date_naive())
}

/// Totals per provider, per currency.
pub fn totals_by_provider<'r>(
    records: impl IntoIterator<Item = &'r CostRecord>,
) -> Result<Totals<Provider>, TotalsError> {
    totals_by(records, |record| record.provider)
}

/// Totals per provider and scope, per currency.
pub fn totals_by_scope<'r>(
    records: impl IntoIterator<Item = &'r CostRecord>,
) -> Result<Totals<(Provider, Scope)>, TotalsError> {
    totals_by(records, |record| (record.provider, record.scope.clone()))
}

/// The grand total per currency.
pub fn totals_by_currency<'r>(
    records: impl IntoIterator<Item = &'r CostRecord>,
) -> Result<BTreeMap<String, Decimal>, TotalsError> {
    Ok(totals_by(records, |_| ())?
        .into_iter()
        .map(|(((), currency), total)| (currency, total))
        .collect())
}
