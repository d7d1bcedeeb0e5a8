//! What the fuzz targets (`fuzz/`) and the seed replay (`tests/fuzz_seeds.rs`) share: the checks
//! each target makes on one input, and `targets()`, every target with its seeds. Not
//! part of the API: present only with the `fuzzing` feature, and may change at any time.
//!
//! A check panics on a finding (a panic of the crate, a value that does not survive
//! encode + decode, a disagreement between two readers, an error of the wrong kind). The fuzz
//! targets run a check under libFuzzer; `cargo test` runs every check over every seed file.
//!
//! Each provider's `fuzz.rs` also declares, next to its targets, the typed bodies and models
//! the tests drive through its types (`ProviderTargets::bodies`, `models` and `properties`),
//! each type as a `Codec` of plain functions, so that `tests/roundtrip.rs` and
//! `tests/hostile.rs` loop over every provider built in without naming one.

use std::fmt::Debug;
use std::path::{Path, PathBuf};

use schemars::gen::SchemaGenerator;
use schemars::JsonSchema;
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value;

use crate::money::Amount;
use crate::provider::{ProviderSpec, Rules};
use crate::Error;

/// One fuzz target: `fuzz/fuzz_targets/<name>.rs`, a `[[bin]]` of `fuzz/Cargo.toml`.
#[derive(Debug)]
pub struct Target {
    /// The cargo-fuzz target name.
    pub name: &'static str,
    /// Its seed files, as paths from the repository root whose file name may hold one `*`.
    pub seeds: &'static [&'static str],
    /// The checks on one input; panics on a finding.
    pub check: fn(&[u8]),
}

/// Every body the hostile corpus holds: seeds of every decoding target.
pub const HOSTILE: &str = "tests/hostile/*";

/// The fuzz targets of one provider, declared in its module (`<provider>/fuzz.rs`) and reached
/// through its registry entry.
#[derive(Debug)]
pub struct ProviderTargets {
    /// Its targets, each with a binary of its own.
    pub targets: &'static [Target],
    /// Its error-envelope reader's check ([`error_status`] of its `ProviderSpec`).
    pub error_status: fn(u16, &[u8]),
    /// Its fixture table: every fixture `tests/fixtures/<provider>/<prefix>.<case>.json` decodes
    /// as the row's type and validates against the row's spec schema. Every operation of its
    /// spec has a row named after it, and its error body the row `error`. The shared target
    /// `provider_bodies` decodes every input as each row's type, so that a provider needs no
    /// target of its own.
    pub bodies: &'static [Body],
    /// Every component schema of its spec with the generated type (`spec_and_rust_schemas_agree`
    /// in `tests/roundtrip.rs` fails when one is missing).
    pub models: &'static [Model],
    /// The models whose spec instances the property tests decode, encode and decode again.
    pub properties: &'static [Property],
}

/// What the tests need of one Rust model type, as plain functions of it (built by `codec!`).
#[derive(Clone, Copy, Debug)]
pub struct Codec {
    /// The Rust type as written (`UsageResponse`, `Vec<UsageTimeBucket>`): for messages, and the
    /// name of its schemars definition.
    pub rust: &'static str,
    /// Decodes a text (a decoding error names its JSON path) and encodes the value again.
    pub roundtrip: fn(&str) -> Result<Decoded, String>,
    /// [`decode_check`] of the type.
    pub decode: fn(&[u8]) -> Result<bool, String>,
    /// [`encode_decode`] of the type.
    pub encode_decode: fn(&Value) -> Result<(), String>,
    /// `schemars::schema_for!(T)` as JSON.
    pub schema: fn() -> Value,
    /// Adds the type (and what it refers to) to a generator's definitions.
    pub define: fn(&mut SchemaGenerator),
}

/// What the types a [`Codec`] is built for implement.
pub trait Modeled: DeserializeOwned + Serialize + PartialEq + Debug + JsonSchema {}

impl<T: DeserializeOwned + Serialize + PartialEq + Debug + JsonSchema> Modeled for T {}

impl Codec {
    /// The codec of `T`, named `rust` (what `codec!` passes: the type as written).
    pub const fn of<T: Modeled>(rust: &'static str) -> Self {
        Self {
            rust,
            roundtrip: roundtrip::<T>,
            decode: decode_check::<T>,
            encode_decode: encode_decode::<T>,
            schema: schemars_schema::<T>,
            define: define::<T>,
        }
    }
}

/// A value decoded by [`Codec::roundtrip`].
#[derive(Clone, Debug)]
pub struct Decoded {
    /// The value encoded again.
    pub json: Value,
    /// Its pretty `Debug` (`{:#?}`).
    pub debug: String,
}

/// One row of a provider's fixture table ([`ProviderTargets::bodies`]).
#[derive(Clone, Copy, Debug)]
pub struct Body {
    /// The fixture file prefix: an operation id, `error`, or a part of a body.
    pub prefix: &'static str,
    /// The Rust type.
    pub codec: Codec,
    /// The spec's component schema (`Name[]`: an array of it).
    pub schema: &'static str,
    /// A part of a body that the provider published on its own (a single result, a list of
    /// buckets) rather than an operation's whole answer or its error body: its prefix names no
    /// operation.
    pub part: bool,
}

/// One component schema of a provider's spec and its generated type.
#[derive(Clone, Copy, Debug)]
pub struct Model {
    /// The component schema's name in the spec.
    pub spec: &'static str,
    /// The generated type.
    pub codec: Codec,
}

/// A model the property tests draw spec instances of.
#[derive(Clone, Copy, Debug)]
pub struct Property {
    /// The component schema's name (one of the provider's [`Model`]s).
    pub model: &'static str,
    /// How many instances.
    pub cases: u32,
}

/// The [`Codec`] of a type, named as written: `codec!(Vec<Bucket>)`.
macro_rules! codec {
    ($ty:ty) => {
        $crate::__fuzz::Codec::of::<$ty>(stringify!($ty))
    };
}

/// A row of a provider's fixture table: `body!("prefix", RustType, "SpecSchema")`, or
/// `body!(part "prefix", RustType, "SpecSchema")` for a part of a body.
macro_rules! body {
    ($prefix:literal, $ty:ty, $schema:literal) => {
        $crate::__fuzz::Body {
            prefix: $prefix,
            codec: $crate::__fuzz::codec!($ty),
            schema: $schema,
            part: false,
        }
    };
    (part $prefix:literal, $ty:ty, $schema:literal) => {
        $crate::__fuzz::Body {
            prefix: $prefix,
            codec: $crate::__fuzz::codec!($ty),
            schema: $schema,
            part: true,
        }
    };
}

/// A provider's models, each type named in `types`: `models![types; "SpecName" => RustType, ...]`.
macro_rules! models {
    ($types:path; $($spec:literal => $ty:ident),* $(,)?) => {{
        use $types as types;
        &[$($crate::__fuzz::Model {
            spec: $spec,
            codec: $crate::__fuzz::Codec::of::<types::$ty>(stringify!($ty)),
        }),*]
    }};
}

pub(crate) use {body, codec, models};

/// Decodes `text` as `T` (an error names its JSON path) and encodes the value again.
pub fn roundtrip<T: Modeled>(text: &str) -> Result<Decoded, String> {
    let mut de = serde_json::Deserializer::from_str(text);
    let value: T = serde_path_to_error::deserialize(&mut de)
        .map_err(|e| format!("does not decode at `{}`: {}", e.path(), e.inner()))?;
    let json = serde_json::to_value(&value).map_err(|e| format!("does not encode: {e}"))?;
    Ok(Decoded {
        json,
        debug: format!("{value:#?}"),
    })
}

/// Decodes `bytes` as `T` with the clients' decoder (`crate::json`) and with serde_json's own
/// `from_slice`, which must agree. `Ok(true)`: it decodes, and its encoding decodes back to
/// itself (`decode(encode(x)) == x`); `Ok(false)`: it does not decode, with a message; `Err`:
/// what went wrong.
pub fn decode_check<T: Modeled>(bytes: &[u8]) -> Result<bool, String> {
    let rust = std::any::type_name::<T>();
    let decoded = crate::json::from_slice::<T>(bytes);
    match (&decoded, serde_json::from_slice::<T>(bytes)) {
        (Ok(ours), Ok(theirs)) if ours != &theirs => {
            return Err(format!(
                "json::from_slice and serde_json decode different values: {ours:?} and {theirs:?}"
            ))
        }
        (Err(ours), Err(theirs)) if ours.to_string() != theirs.to_string() => {
            return Err(format!(
                "json::from_slice and serde_json fail differently: {ours} and {theirs}"
            ))
        }
        (Ok(_), Ok(_)) | (Err(_), Err(_)) => {}
        (ours, theirs) => {
            return Err(format!(
                "json::from_slice gave {ours:?}, serde_json {theirs:?}"
            ))
        }
    }
    match decoded {
        Ok(value) => {
            let encoded = serde_json::to_vec(&value)
                .map_err(|e| format!("decoded as {rust} but does not encode: {e}"))?;
            let again = serde_json::from_slice::<T>(&encoded)
                .map_err(|e| format!("the encoding of its {rust} does not decode: {e}"))?;
            if again == value {
                Ok(true)
            } else {
                Err(format!(
                    "decode(encode(x)) != x\n  x = {value:?}\n  y = {again:?}"
                ))
            }
        }
        Err(error) if error.to_string().is_empty() => {
            Err(format!("a decoding error as {rust} without a message"))
        }
        Err(_) => Ok(false),
    }
}

/// `x` decoded from `instance` (a spec instance); then `decode(encode(x)) == x`.
pub fn encode_decode<T: Modeled>(instance: &Value) -> Result<(), String> {
    let x: T = serde_path_to_error::deserialize(instance).map_err(|e| {
        format!(
            "a spec-valid instance does not decode at `{}`: {}",
            e.path(),
            e.inner()
        )
    })?;
    let encoded = serde_json::to_string(&x).map_err(|e| format!("does not encode: {e}"))?;
    let y: T = serde_json::from_str(&encoded)
        .map_err(|e| format!("its own encoding {encoded} does not decode: {e}"))?;
    if x == y {
        Ok(())
    } else {
        Err(format!(
            "decode(encode(x)) != x\n  x = {x:?}\n  y = {y:?}\n  encoded = {encoded}"
        ))
    }
}

/// `schemars::schema_for!(T)` as JSON.
pub fn schemars_schema<T: JsonSchema>() -> Value {
    serde_json::to_value(schemars::schema_for!(T)).expect("a schema is JSON")
}

/// Adds `T` (and what it refers to) to `generator`'s definitions.
pub fn define<T: JsonSchema>(generator: &mut SchemaGenerator) {
    generator.subschema_for::<T>();
}

/// The targets that are no provider's.
static SHARED: &[Target] = &[
    Target {
        name: "error_envelopes",
        seeds: &["tests/fixtures/*/error.*.json", HOSTILE],
        check: error_envelopes,
    },
    Target {
        name: "provider_bodies",
        seeds: &["tests/fixtures/*/*.json", HOSTILE],
        check: provider_bodies,
    },
    Target {
        name: "amount",
        seeds: &[
            "tests/hostile/*amount*.json",
            "tests/hostile/*number*.json",
            "tests/hostile/*integer*.json",
            "tests/hostile/nan_*",
            "tests/hostile/infinity_*",
            "tests/hostile/json_*.json",
            "fuzz/seeds/amount/*",
        ],
        check: amount,
    },
];

/// Every fuzz target: each provider's (in registry order), then the shared ones. A new target is
/// a row of its provider's `fuzz.rs` (or of `SHARED`), its one-line file in
/// `fuzz/fuzz_targets/` and its `[[bin]]`; `tests/fuzz_seeds.rs` fails until the three agree.
pub fn targets() -> Vec<&'static Target> {
    providers()
        .flat_map(|provider| provider.targets)
        .chain(SHARED)
        .collect()
}

/// The fuzz targets of the providers built into the crate, from their registry entries.
fn providers() -> impl Iterator<Item = &'static ProviderTargets> {
    crate::Provider::ALL
        .iter()
        .filter_map(|provider| provider.descriptor())
        .map(|descriptor| &descriptor.fuzz)
}

/// Runs the checks of the target `name` on `data` (what a fuzz target's body does).
pub fn run(name: &str, data: &[u8]) {
    match targets().into_iter().find(|target| target.name == name) {
        Some(target) => (target.check)(data),
        None => panic!("no fuzz target {name} in usage_bindings::__fuzz::targets()"),
    }
}

/// The seed files of `target` below the repository at `root`, sorted, each once.
pub fn seed_files(root: &Path, target: &Target) -> std::io::Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    for pattern in target.seeds {
        let (dir, name) = pattern.rsplit_once('/').unwrap_or((".", pattern));
        let (prefix, suffix) = name.split_once('*').unwrap_or((name, ""));
        let exact = !name.contains('*');
        let dir = root.join(dir);
        // A pattern whose folder is `*` (`tests/fixtures/*/error.*.json`) looks in every folder.
        let dirs = match dir.file_name().and_then(|last| last.to_str()) {
            Some("*") => {
                let parent = dir.parent().unwrap_or(root);
                let mut dirs = Vec::new();
                for entry in std::fs::read_dir(parent)? {
                    let path = entry?.path();
                    if path.is_dir() {
                        dirs.push(path);
                    }
                }
                dirs
            }
            _ => vec![dir],
        };
        for dir in dirs {
            for entry in std::fs::read_dir(&dir)? {
                let path = entry?.path();
                let Some(file) = path.file_name().and_then(|file| file.to_str()) else {
                    continue;
                };
                let fits = if exact {
                    file == name
                } else {
                    file.len() >= prefix.len() + suffix.len()
                        && file.starts_with(prefix)
                        && file.ends_with(suffix)
                };
                if fits && path.is_file() {
                    files.push(path);
                }
            }
        }
    }
    files.sort();
    files.dedup();
    Ok(files)
}

/// Decodes `data` as `T`. When it decodes, encodes the value and decodes that again: the two
/// values must be equal (`decode(encode(x)) == x`). When it does not decode, the error goes
/// through the crate's decode-error path as a client operation of provider `P` would report it
/// (`decode_error_check`).
pub fn round_trip<P, T>(data: &[u8])
where
    P: ProviderSpec,
    T: DeserializeOwned + Serialize + PartialEq + Debug,
{
    // The clients' decoder (`crate::json`) must agree with serde_json's own `from_slice`: the
    // same value, or an error with the same message.
    let decoded = crate::json::from_slice::<T>(data);
    match (&decoded, serde_json::from_slice::<T>(data)) {
        (Ok(ours), Ok(theirs)) => assert_eq!(ours, &theirs),
        (Err(ours), Err(theirs)) => assert_eq!(ours.to_string(), theirs.to_string()),
        (ours, theirs) => panic!("json::from_slice gave {ours:?}, serde_json {theirs:?}"),
    }
    match decoded {
        Ok(value) => {
            let encoded = serde_json::to_vec(&value).unwrap_or_else(|error| {
                panic!("decoded but does not encode: {error}\nvalue: {value:?}")
            });
            let again = serde_json::from_slice::<T>(&encoded).unwrap_or_else(|error| {
                panic!(
                    "its own encoding does not decode: {error}\nvalue: {value:?}\nencoded: {}",
                    String::from_utf8_lossy(&encoded)
                )
            });
            assert_eq!(
                value,
                again,
                "decode(encode(x)) != x\nencoded: {}",
                String::from_utf8_lossy(&encoded)
            );
        }
        Err(_) => decode_error_check::<P, T>(data),
    }
}

/// The crate's error for a 200 with `data` as its body, which does not decode as `T`: a body
/// that is not UTF-8 is [`Error::NotJson`]; one that serde_json reads as a JSON value is
/// [`Error::Decode`] (the JSON is there, its shape is wrong); either way the error has the
/// status or path it owes and a one-line message.
pub fn decode_error_check<P: ProviderSpec, T: DeserializeOwned>(data: &[u8]) {
    let error = decode_error::<P, T>(data);
    let is_json = serde_json::from_slice::<serde_json::Value>(data).is_ok();
    match &error {
        Error::NotJson {
            status,
            content_type,
            ..
        } => {
            assert!(!is_json, "a JSON body reported as not JSON: {error:?}");
            assert_eq!(*status, 200, "{error:?}");
            assert_eq!(content_type.as_deref(), Some("application/json"));
        }
        Error::Decode { path, .. } => {
            assert!(
                std::str::from_utf8(data).is_ok(),
                "a body that is not UTF-8 reported as JSON of the wrong shape: {error:?}"
            );
            assert!(!path.is_empty(), "{error:?}");
        }
        _ => panic!("a 200 whose body does not decode gave {error:?}"),
    }
    let text = error.to_string();
    assert!(!text.is_empty() && !text.contains('\n'), "{text:?}");
}

/// The error a client gives for `error` (what a generated operation returned).
pub fn convert<P: ProviderSpec, E: Serialize>(error: progenitor_client::Error<E>) -> Error {
    Error::convert(&Rules::of::<P>(), error)
}

/// The error a client gives for a 200 whose body does not decode as `T`.
pub fn decode_error<P: ProviderSpec, T: DeserializeOwned>(body: &[u8]) -> Error {
    let response = http::Response::builder()
        .status(200)
        .header("content-type", "application/json")
        .body(body.to_vec());
    let Ok(response) = response else {
        return Error::InvalidRequest {
            provider: P::PROVIDER,
            operation: "fuzz",
            message: "cannot build a response".into(),
        };
    };
    let decoded = futures::executor::block_on(crate::json::response_value::<T, ()>(
        reqwest::Response::from(response),
    ));
    match decoded {
        Ok(_) => Error::InvalidRequest {
            provider: P::PROVIDER,
            operation: "fuzz",
            message: "the body decodes".into(),
        },
        Err(error) => convert::<P, ()>(error),
    }
}

/// The crate's error for an error status with `data` as its body, read through `P`'s
/// `error_details` (the error envelope reader), then printed.
pub fn error_status<P: ProviderSpec>(status: u16, data: &[u8]) {
    if let Ok(body) = serde_json::from_slice::<serde_json::Value>(data) {
        let details = P::error_details(&body);
        // Reading the envelope is a pure function of the body.
        assert_eq!(details, P::error_details(&body));
    }
    let response = http::Response::builder()
        .status(status)
        .header("content-type", "application/json")
        .body(data.to_vec())
        .expect("a response");
    let op = progenitor_client::Error::<serde_json::Value>::UnexpectedResponse(
        reqwest::Response::from(response),
    );
    let error = convert::<P, serde_json::Value>(op);
    let api = error.api().expect("an error status is an API error");
    assert_eq!(api.status, status);
    if let Some(excerpt) = &api.excerpt {
        assert!(excerpt.chars().count() <= 201, "excerpt too long");
    }
    assert!(!error.to_string().is_empty());
    let _ = format!("{error:?}");
}

/// Every provider's error-envelope reader, through the `ApiError` an operation builds for an
/// error status.
fn error_envelopes(data: &[u8]) {
    // The status is a function of the body so that seeds stay plain bodies.
    let status = 400 + (data.len() % 200) as u16;
    for provider in providers() {
        (provider.error_status)(status, data);
    }
}

/// Every provider's fixture-table types ([`ProviderTargets::bodies`]) on one input: the clients'
/// decoder and serde_json agree, and what decodes survives encode + decode ([`decode_check`]).
fn provider_bodies(data: &[u8]) {
    for provider in providers() {
        for body in provider.bodies {
            if let Err(finding) = (body.codec.decode)(data) {
                panic!("{} ({}): {finding}", body.prefix, body.codec.rust);
            }
        }
    }
}

/// [`Amount`] from text (`FromStr`) and from JSON (serde): what parses survives encode + decode
/// unchanged, and text and the same text as a JSON string agree.
fn amount(data: &[u8]) {
    if let Ok(text) = std::str::from_utf8(data) {
        match text.parse::<Amount>() {
            Ok(amount) => {
                // The same text as a JSON string reads as the same amount.
                let quoted = serde_json::to_string(text).expect("a string encodes");
                let from_json: Amount = serde_json::from_str(&quoted)
                    .unwrap_or_else(|e| panic!("{text:?} parses but not as a JSON string: {e}"));
                assert_eq!(amount, from_json);
                amount_round_trip(amount);
                // Display reads back as the same amount.
                assert_eq!(amount.to_string().parse::<Amount>().ok(), Some(amount));
            }
            Err(error) => assert!(!error.to_string().is_empty()),
        }
    }
    // From JSON (number, string, anything else).
    if let Ok(amount) = serde_json::from_slice::<Amount>(data) {
        amount_round_trip(amount);
    }
    // A JSON number that is not an integer reads as the shortest text of its f64, whatever
    // shortcut the decoder takes: the same value and the same scale (the digits shown) as
    // parsing that text. (Integers are read exactly, as integers.)
    let float = serde_json::from_slice::<serde_json::Number>(data)
        .ok()
        .and_then(|number| number.is_f64().then(|| number.as_f64()).flatten());
    if let Some(number) = float {
        if number.is_finite() {
            let mut buffer = ryu::Buffer::new();
            let text = buffer.format_finite(number);
            let from_text = text.parse::<Amount>().ok();
            let from_json = serde_json::from_slice::<Amount>(data).ok();
            assert_eq!(from_json, from_text, "{text}");
            if let (Some(a), Some(b)) = (from_json, from_text) {
                // Whole numbers are read as integers (`12`, not `12.0`); others keep the scale.
                if number.fract() != 0.0 {
                    assert_eq!(a.value().scale(), b.value().scale(), "{text}");
                }
            }
        }
    }
}

fn amount_round_trip(amount: Amount) {
    let encoded =
        serde_json::to_string(&amount).unwrap_or_else(|e| panic!("{amount} does not encode: {e}"));
    let again: Amount = serde_json::from_str(&encoded)
        .unwrap_or_else(|e| panic!("{amount} encodes as {encoded}, which does not decode: {e}"));
    assert_eq!(amount, again, "{amount} encodes as {encoded}");
}
