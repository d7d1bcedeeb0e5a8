//! [`RecordKey`]: where a record sits in a store of records, and [`reconcile`]: what a complete
//! answer of a provider for a range changes in what a store holds.

use super::{CostKind, CostRecord, Scope, Window};
use crate::Provider;

/// The stable coordinates of a [`CostRecord`]: provider, source, period, kind, billing account
/// and scope, plus an ordinal that tells apart records a provider gave twice with the same
/// coordinates. Two fetches of the same range give the same keys to the same charges, so a store
/// keyed by them replaces a revised amount instead of adding it a second time.
///
/// The order of keys (the order of the fields below) is the order records are read back in:
/// by period, then kind, billing account, scope and ordinal.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[non_exhaustive]
pub struct RecordKey {
    /// Who charged it.
    pub provider: Provider,
    /// Which of the provider's sources read it (`usage`, `invoices`): see
    /// [`CostSource::name`](super::CostSource::name).
    pub source: String,
    /// The record's period.
    pub period: Window,
    /// The record's kind.
    pub kind: CostKind,
    /// The id of the account billed; empty when the record names none.
    pub billing_account: String,
    /// The record's scope.
    pub scope: Scope,
    /// How many records with the same other fields came before this one in the answer: 0 for
    /// all but a repeated charge.
    pub ordinal: u32,
}

impl RecordKey {
    /// The key of `record`, read from `source`, with `ordinal` (see [`RecordKey::ordinal`]).
    pub fn new(source: &str, record: &CostRecord, ordinal: u32) -> RecordKey {
        RecordKey {
            provider: record.provider,
            source: source.to_string(),
            period: record.period,
            kind: record.kind,
            billing_account: record
                .billing_account
                .as_ref()
                .map(|account| account.id.clone())
                .unwrap_or_default(),
            scope: record.scope.clone(),
            ordinal,
        }
    }
}

/// `records` read from `source`, each with its key, sorted by key. Ordinals count the earlier
/// records of `records` with the same coordinates, so a charge repeated in one answer keeps both
/// of its records.
pub fn keyed(source: &str, records: Vec<CostRecord>) -> Vec<(RecordKey, CostRecord)> {
    let mut seen = std::collections::HashMap::<RecordKey, u32>::new();
    let mut keyed: Vec<(RecordKey, CostRecord)> = records
        .into_iter()
        .map(|record| {
            let first = RecordKey::new(source, &record, 0);
            let count = seen.entry(first.clone()).or_insert(0);
            let key = RecordKey {
                ordinal: *count,
                ..first
            };
            *count = count.saturating_add(1);
            (key, record)
        })
        .collect();
    keyed.sort_by(|a, b| a.0.cmp(&b.0));
    keyed
}

/// What a complete answer for a range changes in a store (see [`reconcile`]).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Changes {
    /// Records the store does not hold yet.
    pub inserted: Vec<(RecordKey, CostRecord)>,
    /// Records the store holds with another amount or other fields: the new version.
    pub revised: Vec<(RecordKey, CostRecord)>,
    /// Records the store holds inside the range that the answer no longer has.
    pub deleted: Vec<RecordKey>,
    /// Records that came back exactly as stored: nothing to write.
    pub unchanged: usize,
}

impl Changes {
    /// Whether nothing is to be written.
    pub fn is_empty(&self) -> bool {
        self.inserted.is_empty() && self.revised.is_empty() && self.deleted.is_empty()
    }
}

/// The rule that keeps a store equal to what the provider says: for `range`, the provider's
/// complete answer `fetched` is authoritative. A fetched record the store lacks is inserted; one
/// whose amount (its digits and its scale) or any other field differs from the stored one is
/// revised; a stored record whose period lies inside `range` ([`Window::holds`]) and that the
/// answer no longer has is deleted; the rest are unchanged. Stored records outside `range` are
/// left alone, and so are fetched records outside it (a walk keeps only the records inside its
/// window). Only an answer that is complete may be reconciled: a partial one would delete what
/// it did not reach.
///
/// ```
/// use chrono::{TimeDelta, TimeZone, Utc};
/// use usage_bindings::cost::{self, CostRecord, Scope, Window};
/// use usage_bindings::Provider;
///
/// let day = |d| Utc.with_ymd_and_hms(2026, 11, d, 0, 0, 0).unwrap();
/// let record = |d, amount: &str| {
///     let period = Window::new(day(d), day(d) + TimeDelta::days(1)).unwrap();
///     CostRecord::new(Provider::ALL[0], period, amount.parse().unwrap(), "USD", Scope::new())
/// };
/// let stored = cost::keyed("usage", vec![record(1, "1.00"), record(2, "2.00"), record(3, "3.00")]);
/// // The provider revised day 2 and no longer has day 3; days 2 and 3 are read again.
/// let range = Window::new(day(2), day(4)).unwrap();
/// let fetched = cost::keyed("usage", vec![record(2, "2.50")]);
/// let changes = cost::reconcile(range, stored, fetched);
/// assert_eq!(changes.revised.len(), 1);
/// assert_eq!(changes.deleted.len(), 1);
/// assert_eq!((changes.inserted.len(), changes.unchanged), (0, 0));
/// ```
pub fn reconcile(
    range: Window,
    stored: impl IntoIterator<Item = (RecordKey, CostRecord)>,
    fetched: impl IntoIterator<Item = (RecordKey, CostRecord)>,
) -> Changes {
    let mut stored: std::collections::HashMap<RecordKey, CostRecord> = stored
        .into_iter()
        .filter(|(key, _)| range.holds(&key.period))
        .collect();
    let mut changes = Changes::default();
    for (key, record) in fetched {
        if !range.holds(&key.period) {
            continue;
        }
        match stored.remove(&key) {
            None => changes.inserted.push((key, record)),
            Some(old) if same(&old, &record) => changes.unchanged += 1,
            Some(_) => changes.revised.push((key, record)),
        }
    }
    let mut deleted: Vec<RecordKey> = stored.into_keys().collect();
    deleted.sort();
    changes.deleted = deleted;
    changes
}

/// Equal, and every decimal written with the same digits (`0.06` and `0.0600` are equal numbers
/// written apart: a store keeps what the provider sent).
fn same(a: &CostRecord, b: &CostRecord) -> bool {
    a == b
        && a.amount.scale() == b.amount.scale()
        && a.quantity.as_ref().map(|q| q.value.scale())
            == b.quantity.as_ref().map(|q| q.value.scale())
}

#[cfg(test)]
mod tests {
    use chrono::{TimeDelta, TimeZone, Utc};

    use super::*;
    use crate::cost::{BillingAccount, Dimension};

    fn record(day: u32, amount: &str, project: &str) -> CostRecord {
        let start = Utc.with_ymd_and_hms(2026, 11, day, 0, 0, 0).unwrap();
        CostRecord::new(
            Provider::ALL[0],
            Window::new(start, start + TimeDelta::days(1)).unwrap(),
            amount.parse().unwrap(),
            "USD",
            Scope::new().with(Dimension::Project, project),
        )
    }

    #[test]
    fn a_repeated_charge_keeps_both_records() {
        let keyed = keyed("usage", vec![record(1, "1", "a"), record(1, "1", "a")]);
        assert_eq!(
            keyed.iter().map(|(key, _)| key.ordinal).collect::<Vec<_>>(),
            [0, 1]
        );
    }

    #[test]
    fn keys_hold_the_account_and_sort_by_period() {
        let billed = record(2, "1", "a").with_billing_account(BillingAccount::new("org-1"));
        let keyed = keyed("usage", vec![billed, record(1, "1", "b")]);
        assert_eq!(keyed[0].1.period.start.format("%d").to_string(), "01");
        assert_eq!(keyed[1].0.billing_account, "org-1");
    }

    #[test]
    fn the_same_number_written_otherwise_is_a_revision() {
        let range = Window::days(
            chrono::NaiveDate::from_ymd_opt(2026, 11, 1).unwrap(),
            chrono::NaiveDate::from_ymd_opt(2026, 11, 30).unwrap(),
        )
        .unwrap();
        let changes = reconcile(
            range,
            keyed("usage", vec![record(1, "0.06", "a")]),
            keyed("usage", vec![record(1, "0.0600", "a")]),
        );
        assert_eq!(changes.revised.len(), 1);
        let changes = reconcile(
            range,
            keyed("usage", vec![record(1, "0.06", "a")]),
            keyed("usage", vec![record(1, "0.06", "a")]),
        );
        assert!(changes.is_empty());
        assert_eq!(changes.unchanged, 1);
    }

    #[test]
    fn records_outside_the_range_are_left_alone() {
        let range = Window::days(
            chrono::NaiveDate::from_ymd_opt(2026, 11, 2).unwrap(),
            chrono::NaiveDate::from_ymd_opt(2026, 11, 2).unwrap(),
        )
        .unwrap();
        let changes = reconcile(
            range,
            keyed("usage", vec![record(1, "1", "a"), record(2, "1", "a")]),
            keyed("usage", vec![record(3, "1", "a")]),
        );
        assert_eq!(changes.deleted.len(), 1);
        assert_eq!(
            changes.deleted[0].period.start.format("%d").to_string(),
            "02"
        );
        assert!(changes.inserted.is_empty());
    }
}
