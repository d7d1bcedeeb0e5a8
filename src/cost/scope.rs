//! What an amount is for: [`Scope`], ordered `(Dimension, value)` pairs.

use std::fmt;
use std::str::FromStr;

use serde::de::{self, MapAccess, Visitor};
use serde::ser::SerializeMap;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Something an amount can be broken down by.
///
/// Each provider reports the dimensions it knows, in its own order; a dimension a record has no
/// value for is one the amount is not broken down by.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Dimension {
    /// A project (`proj_...`, a project id or name).
    Project,
    /// A line item (`gpt-4o-2024-08-06, input`).
    LineItem,
    /// An API key id (`key_...`).
    ApiKey,
    /// A team (its id, or its name when the id is missing).
    Team,
    /// A kind of resource (`service`, `addon`, `job`, ...).
    ResourceType,
    /// One resource (its id, or its name).
    Resource,
    /// An app.
    App,
    /// An instance (a VM, a container).
    Instance,
    /// A billing category (`compute`, `storage`, `gpu`, ...).
    UsageType,
    /// A workspace.
    Workspace,
    /// An invoice id.
    Invoice,
    /// Which part of a bill the amount is (`paas`, `byoc`, ...).
    BillingPart,
    /// A model (`claude-opus-5`).
    Model,
    /// What was charged for (`tokens`, `web_search`, `code_execution`, ...).
    CostType,
    /// A kind of token (`uncached_input_tokens`, `output_tokens`, ...).
    TokenType,
}

impl Dimension {
    /// Every dimension, in declaration order.
    pub const ALL: &'static [Dimension] = &[
        Dimension::Project,
        Dimension::LineItem,
        Dimension::ApiKey,
        Dimension::Team,
        Dimension::ResourceType,
        Dimension::Resource,
        Dimension::App,
        Dimension::Instance,
        Dimension::UsageType,
        Dimension::Workspace,
        Dimension::Invoice,
        Dimension::BillingPart,
        Dimension::Model,
        Dimension::CostType,
        Dimension::TokenType,
    ];

    /// The snake case name (`line_item`), as serialized and displayed.
    pub fn as_str(self) -> &'static str {
        match self {
            Dimension::Project => "project",
            Dimension::LineItem => "line_item",
            Dimension::ApiKey => "api_key",
            Dimension::Team => "team",
            Dimension::ResourceType => "resource_type",
            Dimension::Resource => "resource",
            Dimension::App => "app",
            Dimension::Instance => "instance",
            Dimension::UsageType => "usage_type",
            Dimension::Workspace => "workspace",
            Dimension::Invoice => "invoice",
            Dimension::BillingPart => "billing_part",
            Dimension::Model => "model",
            Dimension::CostType => "cost_type",
            Dimension::TokenType => "token_type",
        }
    }
}

impl fmt::Display for Dimension {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A text that names no [`Dimension`].
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("`{text}` is not a cost dimension")]
pub struct ParseDimensionError {
    text: String,
}

impl FromStr for Dimension {
    type Err = ParseDimensionError;

    /// The snake case name, as [`Dimension::as_str`] writes it.
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Dimension::ALL
            .iter()
            .copied()
            .find(|dimension| dimension.as_str() == text)
            .ok_or_else(|| ParseDimensionError {
                text: text.chars().take(64).collect(),
            })
    }
}

/// What a [`CostRecord`](super::CostRecord) is for: `(Dimension, value)` pairs, in the order the
/// provider reports them (coarse to fine), at most one value per dimension. An empty scope is the
/// whole account.
///
/// Two scopes are equal when they have the same pairs in the same order. Serialized as a JSON
/// object of dimension names to values, in order (`{"project": "proj_1", "line_item": "x"}`).
#[derive(Clone, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Scope {
    pairs: Vec<(Dimension, String)>,
}

impl Scope {
    /// The empty scope: not broken down by anything.
    pub fn new() -> Scope {
        Scope::default()
    }

    /// `self` with `dimension` set to `value`: replaced in place when already set, appended
    /// otherwise.
    pub fn with(mut self, dimension: Dimension, value: impl Into<String>) -> Scope {
        self.set(dimension, value);
        self
    }

    /// `self` with `dimension` set to `value` when there is one (see [`Scope::with`]).
    pub fn with_opt<V: Into<String>>(self, dimension: Dimension, value: Option<V>) -> Scope {
        match value {
            Some(value) => self.with(dimension, value),
            None => self,
        }
    }

    /// Sets `dimension` to `value`: replaced in place when already set, appended otherwise.
    pub fn set(&mut self, dimension: Dimension, value: impl Into<String>) {
        let value = value.into();
        match self.pairs.iter_mut().find(|(d, _)| *d == dimension) {
            Some(pair) => pair.1 = value,
            None => self.pairs.push((dimension, value)),
        }
    }

    /// The value of `dimension`, or `None` when the amount is not broken down by it.
    pub fn get(&self, dimension: Dimension) -> Option<&str> {
        self.pairs
            .iter()
            .find(|(d, _)| *d == dimension)
            .map(|(_, value)| value.as_str())
    }

    /// The pairs, in order.
    pub fn iter(&self) -> impl Iterator<Item = (Dimension, &str)> {
        self.pairs.iter().map(|(d, value)| (*d, value.as_str()))
    }

    /// How many dimensions the scope has.
    pub fn len(&self) -> usize {
        self.pairs.len()
    }

    /// Whether the scope is the whole account (no pair).
    pub fn is_empty(&self) -> bool {
        self.pairs.is_empty()
    }
}

impl<V: Into<String>> FromIterator<(Dimension, V)> for Scope {
    /// The pairs in order; a dimension given twice keeps its first place and its last value.
    fn from_iter<I: IntoIterator<Item = (Dimension, V)>>(pairs: I) -> Scope {
        let mut scope = Scope::new();
        for (dimension, value) in pairs {
            scope.set(dimension, value);
        }
        scope
    }
}

/// `dimension=value` pairs separated by spaces, in order (`project=proj_1 line_item=gpt-4o,
/// input`, `billing_part=paas team=acme`); `all` for the empty scope.
impl fmt::Display for Scope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.pairs.is_empty() {
            return f.write_str("all");
        }
        for (index, (dimension, value)) in self.pairs.iter().enumerate() {
            if index > 0 {
                f.write_str(" ")?;
            }
            write!(f, "{dimension}={value}")?;
        }
        Ok(())
    }
}

impl Serialize for Scope {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.pairs.len()))?;
        for (dimension, value) in &self.pairs {
            map.serialize_entry(dimension, value)?;
        }
        map.end()
    }
}

impl<'de> Deserialize<'de> for Scope {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_map(ScopeVisitor)
    }
}

struct ScopeVisitor;

impl<'de> Visitor<'de> for ScopeVisitor {
    type Value = Scope;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an object of cost dimensions to values")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Scope, A::Error> {
        let mut scope = Scope::new();
        while let Some((dimension, value)) = map.next_entry::<Dimension, String>()? {
            if scope.get(dimension).is_some() {
                return Err(de::Error::custom(format_args!(
                    "the dimension `{dimension}` is given twice"
                )));
            }
            scope.pairs.push((dimension, value));
        }
        Ok(scope)
    }
}
