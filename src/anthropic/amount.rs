//! The two hand-written schema types of the Anthropic spec: cost amounts that stay decimal
//! strings on the wire, and the tool-action map in a stable order.

use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

use rust_decimal::Decimal;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::types::ClaudeCodeToolActionCounts;
use crate::money::{Amount, ParseAmountError};

/// An exact amount in cents as the cost report sends it: a decimal string (`"123.78912"`). It
/// reads a string or a number through [`Amount`], and writes a string of its digits, as sent.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct CentsAmount(pub Amount);

impl CentsAmount {
    /// The exact value, in cents.
    pub fn value(self) -> Decimal {
        self.0.value()
    }
}

impl fmt::Display for CentsAmount {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0, f)
    }
}

impl FromStr for CentsAmount {
    type Err = ParseAmountError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        text.parse().map(CentsAmount)
    }
}

impl From<Decimal> for CentsAmount {
    fn from(value: Decimal) -> Self {
        Self(Amount(value))
    }
}

impl Serialize for CentsAmount {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for CentsAmount {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Amount::deserialize(deserializer).map(CentsAmount)
    }
}

impl schemars::JsonSchema for CentsAmount {
    fn schema_name() -> String {
        "CentsAmount".to_string()
    }

    fn json_schema(_: &mut schemars::gen::SchemaGenerator) -> schemars::schema::Schema {
        schemars::schema::SchemaObject {
            instance_type: Some(schemars::schema::InstanceType::String.into()),
            format: Some("decimal".to_string()),
            ..Default::default()
        }
        .into()
    }
}

/// Accepted and rejected proposals per tool, ordered by tool name (a `HashMap` would print and
/// encode in a different order every run). Reads and writes the JSON object itself.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct ClaudeCodeToolActions(pub BTreeMap<String, ClaudeCodeToolActionCounts>);

impl std::ops::Deref for ClaudeCodeToolActions {
    type Target = BTreeMap<String, ClaudeCodeToolActionCounts>;

    fn deref(&self) -> &Self::Target {
        &self.0
    }
}

impl schemars::JsonSchema for ClaudeCodeToolActions {
    fn schema_name() -> String {
        "ClaudeCodeToolActions".to_string()
    }

    fn json_schema(generator: &mut schemars::gen::SchemaGenerator) -> schemars::schema::Schema {
        <BTreeMap<String, ClaudeCodeToolActionCounts>>::json_schema(generator)
    }
}
