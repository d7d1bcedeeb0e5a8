//! `UsageResult`, the item of a time bucket's `results`, decoded by its `object` field.
//!
//! The spec describes it as an `anyOf` whose variants each have a single-value `object`, plus a
//! last catch-all. Generated as-is, that is an untagged enum: serde buffers each result and tries
//! the variants in order, so the cost of a result grows with its variant's position (CostsResult,
//! 11th, decoded 2.6 times slower than with a direct dispatch). build.rs replaces the generated
//! enum with this one, which has the same variants, serialises the same way, and reads `object`
//! first to decode the right variant at once.
//!
//! A result whose fields do not fit the type its `object` names (a required field missing, a field
//! of another type) does not fail its page: it is kept whole as
//! [`UnknownUsageResult`](t::UnknownUsageResult), like a result of a type this crate does not know,
//! and [`UnknownUsageResult::decode_error`](t::UnknownUsageResult::decode_error) says why it did
//! not fit. The clients decode a body with results read straight from the input; only when one
//! does not fit is the body decoded again, each result's text taken first (`RawValue`) and its
//! members read into a map when the typed decode fails. Decoding with `serde_json` directly takes
//! the second way at once.

use std::borrow::Cow;
use std::fmt;

use serde::de::value::{
    BorrowedStrDeserializer, MapAccessDeserializer, MapDeserializer, StrDeserializer,
    StringDeserializer,
};
use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, Visitor};
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;
use serde_json::{Map, Value};

use super::generated::types as t;

/// One result of a time bucket, told apart by its `object` field. A result whose `object` no
/// variant knows (a result type added by OpenAI later), or whose fields do not fit the type its
/// `object` names, is kept whole as `UnknownUsageResult`.
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
    /// Any other `object`, or a known `object` whose fields do not fit its type, with all its
    /// fields (`UnknownUsageResult::decode_error` tells the two apart).
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

/// The `object` values of the known result types.
const KNOWN_TYPES: [&str; 11] = [
    "organization.usage.completions.result",
    "organization.usage.embeddings.result",
    "organization.usage.moderations.result",
    "organization.usage.images.result",
    "organization.usage.audio_speeches.result",
    "organization.usage.audio_transcriptions.result",
    "organization.usage.vector_stores.result",
    "organization.usage.code_interpreter_sessions.result",
    "organization.usage.file_searches.result",
    "organization.usage.web_searches.result",
    "organization.costs.result",
];

impl<'de> Deserialize<'de> for UsageResult {
    /// Reads JSON only (any `serde_json` deserializer): the result's text is taken first so that
    /// a result that does not fit its type can still be kept whole. The clients' decode
    /// ([`crate::json::from_slice`]) first reads results straight from the input instead, and
    /// reads the body again this way only if one of them does not fit.
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        if crate::json::fast_pass() {
            return deserializer
                .deserialize_map(UsageResultVisitor)
                .inspect_err(|_| crate::json::refuse_fast_pass());
        }
        let raw = <Box<RawValue>>::deserialize(deserializer)?;
        UsageResult::from_json(raw.get()).map_err(de::Error::custom)
    }
}

impl UsageResult {
    /// Decodes one result from its JSON text: as the type its `object` names, else (that type
    /// does not fit) kept whole as `UnknownUsageResult`. Fails only when the text is not an
    /// object with a string `object`.
    fn from_json(text: &str) -> Result<Self, String> {
        let mut typed = serde_json::Deserializer::from_str(text);
        if let Ok(result) = typed.deserialize_map(UsageResultVisitor) {
            return Ok(result);
        }
        // The slow path, for a result that is not what its `object` says: read its members as
        // they are.
        let mut members: Map<String, Value> = match serde_json::from_str(text) {
            Ok(members) => members,
            Err(_) => return Err("a usage result must be a JSON object".into()),
        };
        match members.remove("object") {
            Some(Value::String(object)) => {
                let kept = t::UnknownUsageResult {
                    object,
                    extra: members,
                };
                // The typed decode refuses a member written twice, the map keeps its last value:
                // read from the map, such a result is its type, as it is when written back.
                if kept.names_known_type() {
                    if let Ok(result) = kept.decode_as_named_type() {
                        return Ok(result);
                    }
                }
                Ok(Self::UnknownUsageResult(kept))
            }
            Some(other) => Err(format!(
                "the `object` of a usage result must be a string, not {other}"
            )),
            None => Err("a usage result has no `object` field".into()),
        }
    }
}

impl t::UnknownUsageResult {
    /// Whether `object` names a result type this crate knows: then the result is here because
    /// its fields do not fit that type (see [`decode_error`](Self::decode_error)).
    pub fn names_known_type(&self) -> bool {
        KNOWN_TYPES.contains(&self.object.as_str())
    }

    /// Why the result does not fit the type its `object` names, with the path of the field at
    /// fault (`at `num_sessions`: missing field ...`); `None` for a result of a type this crate
    /// does not know.
    ///
    /// ```
    /// use usage_bindings::openai::types::UsageResult;
    ///
    /// // Published by OpenAI before `sessions` became `num_sessions`.
    /// let result: UsageResult = serde_json::from_str(
    ///     r#"{"object": "organization.usage.code_interpreter_sessions.result", "sessions": 1}"#,
    /// )?;
    /// let UsageResult::UnknownUsageResult(kept) = result else { unreachable!() };
    /// assert!(kept.names_known_type());
    /// assert_eq!(kept.extra["sessions"], 1);
    /// assert!(kept.decode_error().unwrap().contains("num_sessions"));
    /// # Ok::<(), serde_json::Error>(())
    /// ```
    pub fn decode_error(&self) -> Option<String> {
        if !self.names_known_type() {
            return None;
        }
        self.decode_as_named_type().err()
    }

    /// The members decoded as the type `object` names, or why they do not fit it (with the path
    /// of the member at fault).
    fn decode_as_named_type(&self) -> Result<UsageResult, String> {
        let rest = MapDeserializer::<_, serde_json::Error>::new(self.extra.clone().into_iter());
        let mut track = serde_path_to_error::Track::new();
        let tracked =
            serde_path_to_error::Deserializer::new(MapAccessDeserializer::new(rest), &mut track);
        let object = self.object.clone();
        tracked
            .deserialize_map(RestVisitor { object })
            .map_err(|error| at_path(&track.path(), error))
    }
}

/// `error`, preceded by the path of the field at fault unless it is the result itself.
fn at_path(path: &serde_path_to_error::Path, error: impl fmt::Display) -> String {
    match path.to_string().as_str() {
        "." => error.to_string(),
        path => format!("at `{path}`: {error}"),
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
            .map_err(|error| de::Error::custom(at_path(&track.path(), error)))
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
    fn strict_first_reads_again_only_a_body_with_a_result_that_does_not_fit() {
        let page = |results: &str| {
            format!(
                r#"{{"object":"page","has_more":false,"next_page":null,"data":[{{"object":"bucket","start_time":0,"end_time":86400,"results":[{results}]}}]}}"#
            )
        };
        let fits = page(COSTS);
        let broken = page(&format!(
            r#"{COSTS},{{"object":"organization.costs.result","amount":{{"value":"twelve"}}}}"#
        ));
        let decodes = std::cell::Cell::new(0);
        let decode = |text: &str| {
            decodes.set(0);
            let result = crate::json::fast_first(|| {
                decodes.set(decodes.get() + 1);
                serde_json::from_str::<t::UsageResponse>(text)
            });
            assert!(!crate::json::fast_pass());
            result
        };
        let read = decode(&fits).unwrap();
        assert_eq!(decodes.get(), 1);
        assert!(matches!(
            read.data[0].results[0],
            UsageResult::CostsResult(_)
        ));
        // The same value as read from the text at once, with the broken result kept whole.
        let read = decode(&broken).unwrap();
        assert_eq!(decodes.get(), 2);
        assert_eq!(
            read,
            serde_json::from_str::<t::UsageResponse>(&broken).unwrap()
        );
        assert!(matches!(
            read.data[0].results[1],
            UsageResult::UnknownUsageResult(_)
        ));
        // A body broken elsewhere fails at once.
        assert!(decode(r#"{"object":"page"}"#).is_err());
        assert_eq!(decodes.get(), 1);
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
    fn a_known_result_that_does_not_fit_is_kept_whole_with_its_field_path() {
        for json in [
            r#"{"object":"organization.usage.completions.result","input_tokens":"many","output_tokens":1,"num_model_requests":1}"#,
            // With `object` not first, through the buffered path.
            r#"{"input_tokens":"many","object":"organization.usage.completions.result","output_tokens":1,"num_model_requests":1}"#,
        ] {
            let result = decode(json).unwrap();
            let UsageResult::UnknownUsageResult(kept) = &result else {
                panic!("{json}: {result:?}")
            };
            assert!(kept.names_known_type());
            let why = kept.decode_error().unwrap();
            assert!(why.starts_with("at `input_tokens`: "), "{why}");
            // Written back as it was sent.
            assert_eq!(
                serde_json::to_value(&result).unwrap(),
                serde_json::from_str::<Value>(json).unwrap()
            );
        }
        let missing = decode(r#"{"object":"organization.usage.completions.result"}"#).unwrap();
        let UsageResult::UnknownUsageResult(kept) = missing else {
            panic!("{missing:?}")
        };
        assert_eq!(
            kept.decode_error().as_deref(),
            Some("missing field `input_tokens`")
        );
        // A member written twice reads as its last value, as it does once written back.
        let twice = r#"{"object":"organization.usage.code_interpreter_sessions.result","num_sessions":"x","num_sessions":2}"#;
        let result = decode(twice).unwrap();
        let again = decode(&serde_json::to_string(&result).unwrap()).unwrap();
        assert_eq!(result, again);
        assert!(matches!(
            result,
            UsageResult::UsageCodeInterpreterSessionsResult(ref r) if r.num_sessions == 2
        ));
        // Not a result at all: no `object` to keep it by.
        for bad in [
            "{}",
            r#"{"object":7}"#,
            r#"{"input_tokens":1,"object":null}"#,
            "[]",
            "null",
        ] {
            assert!(decode(bad).is_err(), "{bad}");
        }
    }
}
