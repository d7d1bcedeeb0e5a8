//! `UsageResult`, the item of a time bucket's `results`, decoded by its `object` field.
//!
//! The spec describes it as a `oneOf` whose variants each have a single-value `object`, plus a
//! last catch-all for result types this crate does not know yet. Generated as-is, that is an
//! untagged enum: serde buffers each result and tries the variants in order, so the cost of a
//! result grows with its variant's position (CostsResult, 11th, decoded 2.6 times slower than
//! with a direct dispatch). build.rs replaces the generated enum with this one, which has the same
//! variants, serialises the same way, and reads `object` first to decode the right variant at once.

use std::borrow::Cow;
use std::fmt;

use serde::de::value::{
    BorrowedStrDeserializer, MapAccessDeserializer, MapDeserializer, StrDeserializer,
    StringDeserializer,
};
use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, Visitor};
use serde::{Deserialize, Serialize};

use super::generated::types as t;

/// One result of a time bucket, told apart by its `object` field. A result whose `object` no
/// variant knows (a result type added by OpenAI later) is kept whole as `UnknownUsageResult`.
#[derive(Clone, Debug, PartialEq, Serialize, schemars::JsonSchema)]
#[serde(untagged)]
pub enum UsageResult {
    /// `organization.usage.completions.result`
    UsageCompletionsResult(t::UsageCompletionsResult),
    /// `organization.usage.embeddings.result`
    UsageEmbeddingsResult(t::UsageEmbeddingsResult),
    /// `organization.usage.moderations.result`
    UsageModerationsResult(t::UsageModerationsResult),
    /// `organization.usage.images.result`
    UsageImagesResult(t::UsageImagesResult),
    /// `organization.usage.audio_speeches.result`
    UsageAudioSpeechesResult(t::UsageAudioSpeechesResult),
    /// `organization.usage.audio_transcriptions.result`
    UsageAudioTranscriptionsResult(t::UsageAudioTranscriptionsResult),
    /// `organization.usage.vector_stores.result`
    UsageVectorStoresResult(t::UsageVectorStoresResult),
    /// `organization.usage.code_interpreter_sessions.result`
    UsageCodeInterpreterSessionsResult(t::UsageCodeInterpreterSessionsResult),
    /// `organization.usage.file_searches.result`
    UsageFileSearchCallsResult(t::UsageFileSearchCallsResult),
    /// `organization.usage.web_searches.result`
    UsageWebSearchCallsResult(t::UsageWebSearchCallsResult),
    /// `organization.costs.result`
    CostsResult(t::CostsResult),
    /// Any other `object`, with all its fields.
    UnknownUsageResult(t::UnknownUsageResult),
}

impl UsageResult {
    /// Decodes the rest of a result whose `object` is `object` into its variant.
    fn decode<'de, A: MapAccess<'de>>(object: Cow<'de, str>, rest: A) -> Result<Self, A::Error> {
        fn rest_as<'de, T: Deserialize<'de>, A: MapAccess<'de>>(
            object: Cow<'de, str>,
            rest: A,
        ) -> Result<T, A::Error> {
            T::deserialize(MapAccessDeserializer::new(WithObject {
                object: Some(object),
                rest,
            }))
        }
        Ok(match object.as_ref() {
            "organization.usage.completions.result" => {
                Self::UsageCompletionsResult(rest_as(object, rest)?)
            }
            "organization.usage.embeddings.result" => {
                Self::UsageEmbeddingsResult(rest_as(object, rest)?)
            }
            "organization.usage.moderations.result" => {
                Self::UsageModerationsResult(rest_as(object, rest)?)
            }
            "organization.usage.images.result" => Self::UsageImagesResult(rest_as(object, rest)?),
            "organization.usage.audio_speeches.result" => {
                Self::UsageAudioSpeechesResult(rest_as(object, rest)?)
            }
            "organization.usage.audio_transcriptions.result" => {
                Self::UsageAudioTranscriptionsResult(rest_as(object, rest)?)
            }
            "organization.usage.vector_stores.result" => {
                Self::UsageVectorStoresResult(rest_as(object, rest)?)
            }
            "organization.usage.code_interpreter_sessions.result" => {
                Self::UsageCodeInterpreterSessionsResult(rest_as(object, rest)?)
            }
            "organization.usage.file_searches.result" => {
                Self::UsageFileSearchCallsResult(rest_as(object, rest)?)
            }
            "organization.usage.web_searches.result" => {
                Self::UsageWebSearchCallsResult(rest_as(object, rest)?)
            }
            "organization.costs.result" => Self::CostsResult(rest_as(object, rest)?),
            _ => Self::UnknownUsageResult(rest_as(object, rest)?),
        })
    }
}

impl<'de> Deserialize<'de> for UsageResult {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_map(UsageResultVisitor)
    }
}

struct UsageResultVisitor;

impl<'de> Visitor<'de> for UsageResultVisitor {
    type Value = UsageResult;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a usage result object with an `object` field")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<UsageResult, A::Error> {
        // OpenAI writes `object` first: read it (borrowed from the body when it can be, as a
        // copy per result was measurable) and decode the rest straight into its variant.
        let Some(first) = map.next_key_seed(Text)? else {
            return Err(de::Error::missing_field("object"));
        };
        if first == "object" {
            let object = map.next_value_seed(Text)?;
            return UsageResult::decode(object, map);
        }
        // Otherwise buffer the object (rare), find `object`, and decode from the buffer.
        let mut buffered = serde_json::Map::new();
        buffered.insert(first.into_owned(), map.next_value::<serde_json::Value>()?);
        while let Some((key, value)) = map.next_entry::<String, serde_json::Value>()? {
            buffered.insert(key, value);
        }
        let object = match buffered.remove("object") {
            Some(serde_json::Value::String(object)) => object,
            Some(other) => {
                return Err(de::Error::invalid_type(
                    unexpected(&other),
                    &"a string `object`",
                ));
            }
            None => return Err(de::Error::missing_field("object")),
        };
        // Decoded from the buffer with its own path tracking, so that the error still names the
        // field that failed.
        let rest = MapDeserializer::<'de, _, serde_json::Error>::new(buffered.into_iter());
        let mut track = serde_path_to_error::Track::new();
        let tracked =
            serde_path_to_error::Deserializer::new(MapAccessDeserializer::new(rest), &mut track);
        tracked
            .deserialize_map(RestVisitor { object })
            .map_err(|error| de::Error::custom(format!("at `{}`: {error}", track.path())))
    }
}

/// Decodes the members of a result other than `object` (already read) into its variant.
struct RestVisitor {
    object: String,
}

impl<'de> Visitor<'de> for RestVisitor {
    type Value = UsageResult;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("the members of a usage result")
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<UsageResult, A::Error> {
        UsageResult::decode(Cow::Owned(self.object), map)
    }
}

/// A string, borrowed from the input when the input allows it.
struct Text;

impl<'de> DeserializeSeed<'de> for Text {
    type Value = Cow<'de, str>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for Text {
    type Value = Cow<'de, str>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string")
    }

    fn visit_borrowed_str<E: de::Error>(self, value: &'de str) -> Result<Self::Value, E> {
        Ok(Cow::Borrowed(value))
    }

    fn visit_str<E: de::Error>(self, value: &str) -> Result<Self::Value, E> {
        Ok(Cow::Owned(value.to_owned()))
    }

    fn visit_string<E: de::Error>(self, value: String) -> Result<Self::Value, E> {
        Ok(Cow::Owned(value))
    }
}

fn unexpected(value: &serde_json::Value) -> de::Unexpected<'_> {
    match value {
        serde_json::Value::Null => de::Unexpected::Unit,
        serde_json::Value::Bool(b) => de::Unexpected::Bool(*b),
        serde_json::Value::Number(_) => de::Unexpected::Other("a number"),
        serde_json::Value::String(s) => de::Unexpected::Str(s),
        serde_json::Value::Array(_) => de::Unexpected::Seq,
        serde_json::Value::Object(_) => de::Unexpected::Map,
    }
}

/// The rest of a result's members, with the `object` member that was read first put back in
/// front, so that the variant's own decoder sees the whole object.
struct WithObject<'de, A> {
    object: Option<Cow<'de, str>>,
    rest: A,
}

impl<'de, A: MapAccess<'de>> MapAccess<'de> for WithObject<'de, A> {
    type Error = A::Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, A::Error> {
        if self.object.is_some() {
            return seed
                .deserialize(StrDeserializer::<A::Error>::new("object"))
                .map(Some);
        }
        self.rest.next_key_seed(seed)
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, A::Error> {
        match self.object.take() {
            Some(Cow::Borrowed(object)) => {
                seed.deserialize(BorrowedStrDeserializer::<A::Error>::new(object))
            }
            Some(Cow::Owned(object)) => {
                seed.deserialize(StringDeserializer::<A::Error>::new(object))
            }
            None => self.rest.next_value_seed(seed),
        }
    }

    fn size_hint(&self) -> Option<usize> {
        self.rest
            .size_hint()
            .map(|n| n + usize::from(self.object.is_some()))
    }
}

macro_rules! from_variant {
    ($($variant:ident),* $(,)?) => {
        $(
            impl From<t::$variant> for UsageResult {
                fn from(value: t::$variant) -> Self {
                    Self::$variant(value)
                }
            }
        )*
    };
}

from_variant!(
    UsageCompletionsResult,
    UsageEmbeddingsResult,
    UsageModerationsResult,
    UsageImagesResult,
    UsageAudioSpeechesResult,
    UsageAudioTranscriptionsResult,
    UsageVectorStoresResult,
    UsageCodeInterpreterSessionsResult,
    UsageFileSearchCallsResult,
    UsageWebSearchCallsResult,
    CostsResult,
    UnknownUsageResult,
);

#[cfg(test)]
mod tests {
    use super::*;

    fn decode(json: &str) -> Result<UsageResult, serde_json::Error> {
        serde_json::from_str(json)
    }

    const COSTS: &str = r#"{"object":"organization.costs.result","amount":{"value":0.06,"currency":"usd"},"line_item":"gpt-4o, input","project_id":"proj_1"}"#;

    #[test]
    fn dispatches_on_object_whatever_the_position() {
        let first = decode(COSTS).unwrap();
        let UsageResult::CostsResult(cost) = &first else {
            panic!("{first:?}")
        };
        assert_eq!(cost.line_item.as_deref(), Some("gpt-4o, input"));
        // `object` last goes through the buffered path and gives the same value.
        let last = decode(r#"{"amount":{"value":0.06,"currency":"usd"},"line_item":"gpt-4o, input","project_id":"proj_1","object":"organization.costs.result"}"#).unwrap();
        assert_eq!(first, last);
        // And from a `serde_json::Value`, as `from_value` users do.
        let value: serde_json::Value = serde_json::from_str(COSTS).unwrap();
        assert_eq!(serde_json::from_value::<UsageResult>(value).unwrap(), first);
    }

    #[test]
    fn serialises_as_the_variant_alone() {
        let result = decode(COSTS).unwrap();
        let again: serde_json::Value = serde_json::to_value(&result).unwrap();
        assert_eq!(
            again,
            serde_json::from_str::<serde_json::Value>(COSTS).unwrap()
        );
    }

    #[test]
    fn keeps_unknown_results_whole() {
        for json in [
            r#"{"object":"organization.usage.new.result","n":3,"nested":{"a":[1]}}"#,
            r#"{"n":3,"nested":{"a":[1]},"object":"organization.usage.new.result"}"#,
        ] {
            let UsageResult::UnknownUsageResult(kept) = decode(json).unwrap() else {
                panic!("{json}")
            };
            assert_eq!(kept.object.as_str(), "organization.usage.new.result");
            assert_eq!(kept.extra["n"], 3);
            assert_eq!(kept.extra["nested"]["a"][0], 1);
        }
    }

    #[test]
    fn a_broken_known_result_fails_with_its_field_path() {
        let json = r#"{"object":"organization.usage.completions.result","input_tokens":"many","output_tokens":1,"num_model_requests":1}"#;
        let mut deserializer = serde_json::Deserializer::from_str(json);
        let error =
            serde_path_to_error::deserialize::<_, UsageResult>(&mut deserializer).unwrap_err();
        assert_eq!(error.path().to_string(), "input_tokens");
        // With `object` not first, the buffered path still names the field in the message.
        let json = r#"{"input_tokens":"many","object":"organization.usage.completions.result","output_tokens":1,"num_model_requests":1}"#;
        let message = decode(json).unwrap_err().to_string();
        assert!(message.starts_with("at `input_tokens`: "), "{message}");
        for bad in [
            "{}",
            r#"{"object":7}"#,
            r#"{"input_tokens":1,"object":null}"#,
            "[]",
            "null",
            r#"{"object":"organization.usage.completions.result"}"#,
        ] {
            assert!(decode(bad).is_err(), "{bad}");
        }
    }
}
