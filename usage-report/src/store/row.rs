//! A stored record as the columns both backends keep: the key's fields, then every field of the
//! record. Decimals are text (exact, with the scale sent); scope, names and details are JSON
//! objects in their order.

use chrono::{DateTime, Utc};
use usage_bindings::cost::{
    BillingAccount, CostKind, CostRecord, Details, Quantity, RecordKey, Scope, Window,
};
use usage_bindings::Provider;

use super::{StoreError, StoreUrl};

/// One row of `cost_records`: the key's columns, then the record's.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Row {
    pub key: KeyColumns,
    pub amount: String,
    pub currency: String,
    pub quantity: Option<String>,
    pub quantity_unit: Option<String>,
    pub description: Option<String>,
    pub names: String,
    pub billing_account_name: Option<String>,
    pub details: String,
}

/// The names of the columns, in [`Row`] order.
pub(crate) const COLUMNS: [&str; 16] = [
    "provider",
    "billing_account",
    "source",
    "period_start",
    "period_end",
    "scope",
    "kind",
    "ordinal",
    "amount",
    "currency",
    "quantity",
    "quantity_unit",
    "description",
    "names",
    "billing_account_name",
    "details",
];

/// How many leading columns are the key.
pub(crate) const KEY_COLUMNS: usize = 8;

/// The key's columns (the first [`KEY_COLUMNS`] of a row).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct KeyColumns {
    pub provider: String,
    pub billing_account: String,
    pub source: String,
    pub period_start: DateTime<Utc>,
    pub period_end: DateTime<Utc>,
    pub scope: String,
    pub kind: String,
    pub ordinal: i64,
}

impl KeyColumns {
    pub(crate) fn new(key: &RecordKey) -> KeyColumns {
        KeyColumns {
            provider: key.provider.as_str().to_string(),
            billing_account: key.billing_account.clone(),
            source: key.source.clone(),
            period_start: key.period.start,
            period_end: key.period.end,
            scope: json(&key.scope),
            kind: kind_name(key.kind),
            ordinal: i64::from(key.ordinal),
        }
    }
}

fn json<T: serde::Serialize>(value: &T) -> String {
    // Scopes, names and details are maps of strings: they always serialize.
    serde_json::to_string(value).unwrap_or_default()
}

fn kind_name(kind: CostKind) -> String {
    serde_json::to_value(kind)
        .ok()
        .and_then(|value| value.as_str().map(str::to_string))
        .unwrap_or_default()
}

impl Row {
    pub(crate) fn new(key: &RecordKey, record: &CostRecord) -> Row {
        Row {
            key: KeyColumns::new(key),
            amount: record.amount.to_string(),
            currency: record.currency.clone(),
            quantity: record.quantity.as_ref().map(|q| q.value.to_string()),
            quantity_unit: record.quantity.as_ref().map(|q| q.unit.clone()),
            description: record.description.clone(),
            names: json(&record.names),
            billing_account_name: record
                .billing_account
                .as_ref()
                .and_then(|account| account.name.clone()),
            details: json(&record.details),
        }
    }

    /// The key and the record; an error names the store and what is wrong.
    pub(crate) fn decode(self, url: &StoreUrl) -> Result<(RecordKey, CostRecord), StoreError> {
        let bad = |what: &str, value: &str| {
            StoreError::new(format!(
                "the store {url} holds a record that cannot be read: {what} `{}`",
                value.chars().take(80).collect::<String>()
            ))
        };
        let provider: Provider = self
            .key
            .provider
            .parse()
            .map_err(|_| bad("provider", &self.key.provider))?;
        let period = Window::new(self.key.period_start, self.key.period_end)
            .ok_or_else(|| bad("period ending at", &self.key.period_end.to_rfc3339()))?;
        let scope: Scope =
            serde_json::from_str(&self.key.scope).map_err(|_| bad("scope", &self.key.scope))?;
        let kind: CostKind =
            serde_json::from_value(serde_json::Value::String(self.key.kind.clone()))
                .map_err(|_| bad("kind", &self.key.kind))?;
        let ordinal = u32::try_from(self.key.ordinal)
            .map_err(|_| bad("ordinal", &self.key.ordinal.to_string()))?;
        let amount = self
            .amount
            .parse()
            .map_err(|_| bad("amount", &self.amount))?;
        let quantity = match (&self.quantity, self.quantity_unit) {
            (Some(value), Some(unit)) => Some(Quantity::new(
                value.parse().map_err(|_| bad("quantity", value))?,
                unit,
            )),
            _ => None,
        };
        let names: Scope =
            serde_json::from_str(&self.names).map_err(|_| bad("names", &self.names))?;
        let details: Details =
            serde_json::from_str(&self.details).map_err(|_| bad("details", &self.details))?;
        let account = (!self.key.billing_account.is_empty()).then(|| {
            let account = BillingAccount::new(self.key.billing_account.clone());
            match self.billing_account_name {
                Some(name) => account.with_name(name),
                None => account,
            }
        });
        let mut record = CostRecord::new(provider, period, amount, self.currency, scope.clone())
            .with_kind(kind)
            .with_quantity(quantity)
            .with_billing_account(account)
            .with_details(details);
        if let Some(description) = self.description {
            record = record.with_description(description);
        }
        for (dimension, name) in names.iter() {
            record = record.with_name(dimension, name);
        }
        let key = RecordKey::new(&self.key.source, &record, ordinal);
        Ok((key, record))
    }
}

#[cfg(test)]
mod tests {
    use chrono::{TimeDelta, TimeZone};
    use usage_bindings::cost::{keyed, Dimension};

    use super::*;

    #[test]
    fn every_field_comes_back() {
        let start = Utc.with_ymd_and_hms(2026, 11, 3, 5, 0, 0).unwrap();
        let record = CostRecord::new(
            Provider::ALL[0],
            Window::new(start, start + TimeDelta::hours(1)).unwrap(),
            "0.012300".parse().unwrap(),
            "USD",
            Scope::new()
                .with(Dimension::Project, "p1")
                .with(Dimension::Model, "m"),
        )
        .with_kind(CostKind::Breakdown)
        .with_quantity(Quantity::new("40000.0".parse().unwrap(), "tokens"))
        .with_description("input")
        .with_name(Dimension::Project, "Chat")
        .with_billing_account(BillingAccount::new("org-1").with_name("Acme"))
        .with_details(
            Details::new()
                .with("tier", Some("batch"))
                .with("a", Some("b")),
        );
        let (key, record) = keyed("usage", vec![record]).remove(0);
        let url = StoreUrl::Sqlite("x".into());
        let (back_key, back) = Row::new(&key, &record).decode(&url).unwrap();
        assert_eq!(back_key, key);
        assert_eq!(back, record);
        assert_eq!(back.amount.to_string(), "0.012300");
        assert_eq!(back.details.iter().next(), Some(("tier", "batch")));
    }

    #[test]
    fn a_bad_row_is_an_error() {
        let start = Utc.with_ymd_and_hms(2026, 11, 3, 5, 0, 0).unwrap();
        let record = CostRecord::new(
            Provider::ALL[0],
            Window::new(start, start + TimeDelta::hours(1)).unwrap(),
            "1".parse().unwrap(),
            "USD",
            Scope::new(),
        );
        let (key, record) = keyed("usage", vec![record]).remove(0);
        let url = StoreUrl::Sqlite("x".into());
        for broken in [
            Row {
                amount: "1.2.3".into(),
                ..Row::new(&key, &record)
            },
            Row {
                key: KeyColumns {
                    provider: "nobody".into(),
                    ..KeyColumns::new(&key)
                },
                ..Row::new(&key, &record)
            },
            Row {
                key: KeyColumns {
                    scope: "[".into(),
                    ..KeyColumns::new(&key)
                },
                ..Row::new(&key, &record)
            },
            Row {
                key: KeyColumns {
                    ordinal: -1,
                    ..KeyColumns::new(&key)
                },
                ..Row::new(&key, &record)
            },
        ] {
            let error = broken.decode(&url).unwrap_err();
            assert!(error.to_string().contains("cannot be read"), "{error}");
        }
    }
}
