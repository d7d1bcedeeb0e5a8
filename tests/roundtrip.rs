//! Guards the models (issue #4).
//!
//! Every fixture under `tests/fixtures/` goes through one table, [`table`]: a row is
//! (provider, fixture file prefix, Rust type, spec schema name), and a fixture
//! `<provider>/<prefix>.<case>.json` is checked three ways. The rows, the models and the
//! property tests' models are each provider's own, declared in `src/<provider>/fuzz.rs` and
//! reached through its registry entry (`usage_bindings::__fuzz`, feature `fuzzing`): this file
//! names no provider but in the drift test of one spec.
//!
//! 1. **Round trip**: bytes → Rust value → JSON equals the fixture. Two differences are allowed,
//!    and both are read off the spec, never off the Rust type:
//!    - a member whose value is `null` and that the spec does not list in `required` may be absent
//!      after the round trip (an optional `Option<T>` is skipped when `None`);
//!    - a member absent from the fixture may be present after the round trip when its value is
//!      the `default` the spec declares for it;
//!    - in the fixtures whose case is `extra_fields` or `unknown_fields` only, a member that the
//!      spec schema of that object does not declare (not in `properties`, and the schema has no
//!      `additionalProperties`) may be absent: the decoder ignores unknown fields by design.
//!
//!    Anything else (a declared member dropped, a member added, a value changed, a renamed key)
//!    fails and names the JSON path. Numbers: two integers are equal only if they are the same
//!    integer; when either side is a float (`1.0`, or an `Amount`, which is written as a JSON
//!    float), they are equal when both read as the same `f64` and an integer side is exactly
//!    representable (|n| ≤ 2^53). So `1` and `1.0` are equal, `0.06` and `0.060000000000000005`
//!    are not, and `9007199254740993` never equals a float.
//! 2. **schemars schema**: the fixture validates against `schemars::schema_for!(T)`.
//! 3. **Spec schema**: the fixture validates against the spec's own component schema, converted
//!    from OpenAPI 3.0 to JSON Schema (`nullable` → `type: [t, "null"]` / `null` in `enum` /
//!    `anyOf [.., {type: null}]`).
//!
//! Check 4 ([`spec_and_rust_schemas_agree`]) compares, for every component schema of every spec,
//! the spec schema with the schemars schema of the generated type; see [`Agreement`] for what
//! "agree" means. Property tests ([`proptests`]) check `decode(encode(x)) == x`. insta snapshots
//! keep the decoded value of every fixture and the schemars schema of every model.
#![cfg(feature = "fuzzing")]

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};

use schemars::gen::{SchemaGenerator, SchemaSettings};
use serde_json::{json, Map, Value};
use usage_bindings::__fuzz::{Body, Codec, Model};
use usage_bindings::registry;

mod support;

use support::{deref, spec};

// =============================================================================================
// The table

/// One row: every fixture `tests/fixtures/<provider>/<prefix>.<case>.json` decodes as the Rust
/// type and validates against the spec's component schema `schema` (`Name[]`: an array of it).
/// The rows are each provider's [`Body`] list, declared in its module next to its fuzz targets
/// (`src/<provider>/fuzz.rs`) and reached through its registry entry.
struct Row {
    provider: &'static str,
    prefix: &'static str,
    codec: Codec,
    schema: &'static str,
    /// A part of a body (a single result, a list of buckets): its prefix names no operation.
    part: bool,
}

/// The one table that drives checks 1–3 and the fixture snapshots: the rows of every provider
/// built into the crate. A new operation is one line of its provider's `fuzz.rs`;
/// `every_fixture_and_operation_has_a_row` fails for a fixture or an operation without one.
fn table() -> Vec<Row> {
    registry::descriptors()
        .flat_map(|descriptor| {
            descriptor.fuzz.bodies.iter().map(|body: &Body| Row {
                provider: descriptor.provider.as_str(),
                prefix: body.prefix,
                codec: body.codec,
                schema: body.schema,
                part: body.part,
            })
        })
        .collect()
}

/// The fixture cases (`<prefix>.<case>.json`) that carry members the spec does not declare, on
/// purpose: only there may the round trip drop them.
const UNKNOWN_FIELD_CASES: &[&str] = &["extra_fields", "unknown_fields"];

/// The fixture prefix of error bodies: checked against every non-2xx response of the spec.
const ERROR_PREFIX: &str = "error";

/// Every component schema of every enabled provider's spec, with its generated type: each
/// provider's [`Model`] list (`src/<provider>/fuzz.rs`). Check 4 fails when a component schema
/// has no line there (or a line names no component schema).
fn models() -> Vec<(&'static str, &'static [Model])> {
    registry::descriptors()
        .map(|descriptor| (descriptor.provider.as_str(), descriptor.fuzz.models))
        .collect()
}

// =============================================================================================
// Fixtures and specs

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn enabled_providers() -> Vec<&'static str> {
    models().into_iter().map(|(provider, _)| provider).collect()
}

/// Every `*.json` file under `tests/fixtures/<provider>/`, sorted.
fn fixture_files(provider: &str) -> Vec<PathBuf> {
    let dir = root().join("tests/fixtures").join(provider);
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("cannot list {}: {e}", dir.display()))
        .map(|entry| entry.expect("a directory entry").path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "json"))
        .collect();
    files.sort();
    files
}

fn file_name(path: &Path) -> &str {
    path.file_name()
        .and_then(|n| n.to_str())
        .expect("a UTF-8 file name")
}

/// The row whose prefix is the part of the file name before the first dot.
fn row_for<'a>(rows: &'a [Row], provider: &str, path: &Path) -> Option<&'a Row> {
    let name = file_name(path);
    let prefix = name.split('.').next().unwrap_or(name);
    rows.iter()
        .find(|row| row.provider == provider && row.prefix == prefix)
}

/// `components.schemas` of a spec.
fn component_schemas(spec: &Value) -> &Map<String, Value> {
    spec.pointer("/components/schemas")
        .and_then(Value::as_object)
        .expect("the spec has components.schemas")
}

/// The component schema name of a response's `application/json` body.
fn response_schema_name(spec: &Value, response: &Value) -> Option<String> {
    let response = deref(spec, response);
    let reference = response
        .pointer("/content/application~1json/schema/$ref")?
        .as_str()?;
    Some(reference.rsplit('/').next()?.to_string())
}

/// (operationId, success schema, error schemas) of every operation of the spec.
fn operations(spec: &Value) -> Vec<(String, Option<String>, BTreeSet<String>)> {
    let mut operations = Vec::new();
    for item in spec["paths"].as_object().expect("paths").values() {
        for (method, operation) in item.as_object().expect("a path item") {
            if !["get", "put", "post", "delete", "patch", "head", "options"]
                .contains(&method.as_str())
            {
                continue;
            }
            let id = operation["operationId"]
                .as_str()
                .expect("every operation has an operationId")
                .to_string();
            let mut success = None;
            let mut errors = BTreeSet::new();
            for (status, response) in operation["responses"].as_object().expect("responses") {
                let name = response_schema_name(spec, response);
                if status.starts_with('2') {
                    success = name;
                } else if let Some(name) = name {
                    errors.insert(name);
                }
            }
            operations.push((id, success, errors));
        }
    }
    operations
}

// =============================================================================================
// OpenAPI 3.0 → JSON Schema

/// Converts an OpenAPI 3.0 schema (and everything below it) to JSON Schema 2020-12.
fn to_json_schema(value: &Value) -> Value {
    let Value::Object(map) = value else {
        return value.clone();
    };
    let mut out = Map::new();
    for (key, child) in map {
        match key.as_str() {
            // Literal data, not schemas.
            "enum" | "default" | "required" | "const" => {
                out.insert(key.clone(), child.clone());
            }
            // OpenAPI-only annotations.
            "example" | "discriminator" | "xml" | "externalDocs" | "nullable" => {}
            _ => {
                out.insert(key.clone(), to_json_schema(child));
            }
        }
    }
    // OpenAPI 3.0's boolean `exclusiveMinimum` / `exclusiveMaximum`.
    for (flag, bound) in [
        ("exclusiveMinimum", "minimum"),
        ("exclusiveMaximum", "maximum"),
    ] {
        if let Some(Value::Bool(exclusive)) = out.get(flag).cloned() {
            out.remove(flag);
            if exclusive {
                if let Some(limit) = out.remove(bound) {
                    out.insert(flag.to_string(), limit);
                }
            }
        }
    }
    if map.get("nullable") == Some(&Value::Bool(true)) {
        if let Some(Value::String(ty)) = out.get("type").cloned() {
            out.insert("type".into(), json!([ty, "null"]));
            if let Some(Value::Array(values)) = out.get_mut("enum") {
                if !values.contains(&Value::Null) {
                    values.push(Value::Null);
                }
            }
        } else if ["$ref", "oneOf", "anyOf", "allOf"]
            .iter()
            .any(|k| out.contains_key(*k))
        {
            let description = out.remove("description");
            let mut wrapped = Map::new();
            wrapped.insert(
                "anyOf".into(),
                json!([Value::Object(out), {"type": "null"}]),
            );
            if let Some(description) = description {
                wrapped.insert("description".into(), description);
            }
            return Value::Object(wrapped);
        }
        // No type and no composition: the schema already accepts null.
    }
    Value::Object(out)
}

/// The spec's component schemas as one JSON Schema document whose root is `name`.
fn spec_document(spec: &Value, root_schema: &Value) -> Value {
    let mut document = Map::new();
    document.insert(
        "$schema".into(),
        json!("https://json-schema.org/draft/2020-12/schema"),
    );
    document.insert(
        "components".into(),
        json!({ "schemas": to_json_schema(&Value::Object(component_schemas(spec).clone())) }),
    );
    match to_json_schema(root_schema) {
        Value::Object(root) => document.extend(root),
        other => panic!("a schema is an object: {other}"),
    }
    Value::Object(document)
}

/// The spec schema a row names: a component schema, or (`Name[]`) an array of it.
fn spec_ref(name: &str) -> Value {
    match name.strip_suffix("[]") {
        Some(item) => json!({ "type": "array", "items": spec_ref(item) }),
        None => json!({ "$ref": format!("#/components/schemas/{name}") }),
    }
}

/// The validation errors of `instance` against `schema`, one line each with its JSON path.
fn validation_errors(schema: &Value, instance: &Value) -> Result<Vec<String>, String> {
    let validator =
        jsonschema::validator_for(schema).map_err(|e| format!("the schema is invalid: {e}"))?;
    Ok(validator
        .iter_errors(instance)
        .map(|error| {
            format!(
                "at `{}`: {} (schema path {})",
                json_path_of_pointer(&error.instance_path().to_string()),
                error,
                error.schema_path()
            )
        })
        .collect())
}

/// `/data/0/results` → `$.data[0].results`.
fn json_path_of_pointer(pointer: &str) -> String {
    let mut path = String::from("$");
    for segment in pointer.split('/').skip(1) {
        let segment = segment.replace("~1", "/").replace("~0", "~");
        if segment.parse::<usize>().is_ok() {
            path.push_str(&format!("[{segment}]"));
        } else {
            path.push('.');
            path.push_str(&segment);
        }
    }
    path
}

// =============================================================================================
// Check 1: the round-trip comparison

/// Compares the fixture (`expected`) with the re-encoded value (`actual`), walking the spec
/// schema alongside to know which absences are allowed (see the module docs).
struct RoundTrip<'a> {
    spec: &'a Value,
    /// Whether members the spec does not declare may be dropped (only in the fixtures whose case
    /// is one of [`UNKNOWN_FIELD_CASES`]), so that a renamed key fails everywhere else.
    unknown_members_dropped: bool,
    /// Validators of oneOf/anyOf variants, to pick the variant a fixture object is.
    variants: HashMap<String, bool>,
    differences: Vec<String>,
}

impl<'a> RoundTrip<'a> {
    fn new(spec: &'a Value, unknown_members_dropped: bool) -> Self {
        Self {
            spec,
            unknown_members_dropped,
            variants: HashMap::new(),
            differences: Vec::new(),
        }
    }

    /// The object schema (properties, required, additionalProperties) that `value` is, through
    /// `$ref`, `allOf` and the first `oneOf`/`anyOf` variant that it validates against.
    fn resolve(&mut self, schema: Option<&'a Value>, value: &Value) -> Option<&'a Value> {
        let schema = deref(self.spec, schema?);
        for key in ["oneOf", "anyOf"] {
            if let Some(Value::Array(variants)) = schema.get(key) {
                for variant in variants {
                    let cache_key = format!("{variant}\u{0}{value}");
                    let valid = match self.variants.get(&cache_key) {
                        Some(valid) => *valid,
                        None => {
                            let document = spec_document(self.spec, variant);
                            let valid = validation_errors(&document, value)
                                .map(|errors| errors.is_empty())
                                .unwrap_or(false);
                            self.variants.insert(cache_key, valid);
                            valid
                        }
                    };
                    if valid {
                        return self.resolve(Some(variant), value);
                    }
                }
                return None;
            }
        }
        if let Some(Value::Array(parts)) = schema.get("allOf") {
            if parts.len() == 1 {
                return self.resolve(parts.first(), value);
            }
        }
        Some(schema)
    }

    fn compare(&mut self, schema: Option<&'a Value>, expected: &Value, actual: &Value, path: &str) {
        match (expected, actual) {
            (Value::Object(expected), Value::Object(actual)) => {
                let schema = self.resolve(schema, &Value::Object(expected.clone()));
                let properties = schema.and_then(|s| s.get("properties"));
                let required: BTreeSet<&str> = schema
                    .and_then(|s| s.get("required"))
                    .and_then(Value::as_array)
                    .map(|r| r.iter().filter_map(Value::as_str).collect())
                    .unwrap_or_default();
                let additional = schema.and_then(|s| s.get("additionalProperties"));
                let keeps_unknown = matches!(additional, Some(v) if v != &Value::Bool(false));
                for (key, expected_member) in expected {
                    let member_path = format!("{path}.{key}");
                    let member_schema = properties.and_then(|p| p.get(key)).or(if keeps_unknown {
                        additional
                    } else {
                        None
                    });
                    match actual.get(key) {
                        Some(actual_member) => {
                            self.compare(member_schema, expected_member, actual_member, &member_path)
                        }
                        None if expected_member.is_null() && !required.contains(key.as_str()) => {}
                        None if self.unknown_members_dropped
                            && schema.is_some()
                            && member_schema.is_none() =>
                        {
                            // Not declared by the spec: the decoder ignores it by design.
                        }
                        None => self.differences.push(format!(
                            "{member_path}: dropped by the round trip (fixture has {expected_member})"
                        )),
                    }
                }
                for (key, actual_member) in actual {
                    let default = properties
                        .and_then(|p| p.get(key))
                        .and_then(|p| p.get("default"));
                    // A member the fixture lacks comes back as the spec's declared default.
                    if !expected.contains_key(key) && default != Some(actual_member) {
                        self.differences.push(format!(
                            "{path}.{key}: added by the round trip ({actual_member}), not in the fixture"
                        ));
                    }
                }
            }
            (Value::Array(expected), Value::Array(actual)) => {
                if expected.len() != actual.len() {
                    self.differences.push(format!(
                        "{path}: {} items in the fixture, {} after the round trip",
                        expected.len(),
                        actual.len()
                    ));
                }
                let items = schema
                    .map(|s| deref(self.spec, s))
                    .and_then(|s| s.get("items"));
                for (index, (e, a)) in expected.iter().zip(actual).enumerate() {
                    self.compare(items, e, a, &format!("{path}[{index}]"));
                }
            }
            (Value::Number(e), Value::Number(a)) => {
                if !numbers_equal(e, a) {
                    self.differences
                        .push(format!("{path}: fixture has {e}, round trip gives {a}"));
                }
            }
            (e, a) => {
                if e != a {
                    self.differences
                        .push(format!("{path}: fixture has {e}, round trip gives {a}"));
                }
            }
        }
    }
}

/// The number rule of the module docs.
fn numbers_equal(a: &serde_json::Number, b: &serde_json::Number) -> bool {
    const EXACT: u64 = 1 << 53;
    let integer = |n: &serde_json::Number| -> Option<i128> {
        n.as_i64()
            .map(i128::from)
            .or_else(|| n.as_u64().map(i128::from))
    };
    match (integer(a), integer(b)) {
        (Some(x), Some(y)) => x == y,
        (x, y) => {
            let exact = |i: Option<i128>| i.is_none_or(|i| i.unsigned_abs() <= u128::from(EXACT));
            exact(x) && exact(y) && a.as_f64() == b.as_f64()
        }
    }
}

// =============================================================================================
// Checks 1–3 over every fixture, and the fixture snapshots

struct Fixture<'a> {
    provider: &'static str,
    path: PathBuf,
    row: &'a Row,
}

fn all_fixtures(rows: &[Row]) -> (Vec<Fixture<'_>>, Vec<String>) {
    let mut fixtures = Vec::new();
    let mut uncovered = Vec::new();
    for provider in enabled_providers() {
        for path in fixture_files(provider) {
            match row_for(rows, provider, &path) {
                Some(row) => fixtures.push(Fixture {
                    provider,
                    path,
                    row,
                }),
                None => uncovered.push(format!("{provider}/{}", file_name(&path))),
            }
        }
    }
    (fixtures, uncovered)
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

fn label(fixture: &Fixture) -> String {
    format!("{}/{}", fixture.provider, file_name(&fixture.path))
}

#[test]
fn every_fixture_and_operation_has_a_row() {
    let rows = table();
    let (fixtures, uncovered) = all_fixtures(&rows);
    assert!(
        uncovered.is_empty(),
        "fixtures that match no row of `table()` (add a row to `BODIES` in its `src/<provider>/fuzz.rs`): {uncovered:#?}"
    );
    assert!(!fixtures.is_empty(), "no fixture found");
    let mut problems = Vec::new();
    for provider in enabled_providers() {
        let spec = spec(provider);
        let operations = operations(&spec);
        let prefixes: BTreeMap<&str, bool> = rows
            .iter()
            .filter(|r| r.provider == provider)
            .map(|r| (r.prefix, r.part))
            .collect();
        for (id, success, errors) in &operations {
            match rows
                .iter()
                .find(|r| r.provider == provider && r.prefix == id)
            {
                None => problems.push(format!("{provider}: operation `{id}` has no row")),
                Some(row) => {
                    if success.as_deref() != Some(row.schema) {
                        problems.push(format!(
                            "{provider}: row `{id}` says `{}`, the spec's success body is {success:?}",
                            row.schema
                        ));
                    }
                }
            }
            let error_row = rows
                .iter()
                .find(|r| r.provider == provider && r.prefix == ERROR_PREFIX);
            for error in errors {
                if error_row.map(|r| r.schema) != Some(error.as_str()) {
                    problems.push(format!(
                        "{provider}: operation `{id}` has error body `{error}`, the `{ERROR_PREFIX}` row says {:?}",
                        error_row.map(|r| r.schema)
                    ));
                }
            }
        }
        for (prefix, part) in prefixes {
            if prefix != ERROR_PREFIX && !part && !operations.iter().any(|(id, _, _)| id == prefix)
            {
                problems.push(format!(
                    "{provider}: row `{prefix}` names no operation of the spec"
                ));
            }
            if !fixtures
                .iter()
                .any(|f| f.provider == provider && f.row.prefix == prefix)
            {
                problems.push(format!("{provider}: row `{prefix}` has no fixture"));
            }
        }
    }
    assert!(problems.is_empty(), "{problems:#?}");
}

/// Check 1 over every fixture, and the snapshot of each decoded value.
#[test]
fn fixtures_round_trip() {
    let rows = table();
    let (fixtures, _) = all_fixtures(&rows);
    let specs: BTreeMap<&str, Value> = enabled_providers()
        .into_iter()
        .map(|p| (p, spec(p)))
        .collect();
    let mut failures = Vec::new();
    let mut decoded_values = Vec::new();
    for fixture in &fixtures {
        let text = read(&fixture.path);
        let expected: Value = serde_json::from_str(&text)
            .unwrap_or_else(|e| panic!("{} is not JSON: {e}", label(fixture)));
        let decoded = match (fixture.row.codec.roundtrip)(&text) {
            Ok(decoded) => decoded,
            Err(e) => {
                failures.push(format!(
                    "{} as {}: {e}",
                    label(fixture),
                    fixture.row.codec.rust
                ));
                continue;
            }
        };
        let spec = &specs[fixture.provider];
        let root_schema = spec_ref(fixture.row.schema);
        let case = file_name(&fixture.path)
            .split('.')
            .nth(1)
            .unwrap_or_default();
        let mut walk = RoundTrip::new(spec, UNKNOWN_FIELD_CASES.contains(&case));
        walk.compare(Some(&root_schema), &expected, &decoded.json, "$");
        for difference in walk.differences {
            failures.push(format!("{}: {difference}", label(fixture)));
        }
        decoded_values.push((fixture, decoded.debug));
    }
    assert!(
        failures.is_empty(),
        "round trip differences:\n{}",
        failures.join("\n")
    );
    for (fixture, debug) in decoded_values {
        let name = format!(
            "{}__{}",
            fixture.provider,
            file_name(&fixture.path).trim_end_matches(".json")
        )
        .replace('.', "_");
        insta::with_settings!({
            description => format!("{} decoded as {}", label(fixture), fixture.row.codec.rust),
            omit_expression => true,
        }, {
            insta::assert_snapshot!(name, debug);
        });
    }
}

/// Check 2: every fixture validates against the schemars schema of its Rust type.
#[test]
fn fixtures_validate_against_the_schemars_schema() {
    let rows = table();
    let (fixtures, _) = all_fixtures(&rows);
    let mut failures = Vec::new();
    for fixture in &fixtures {
        let instance: Value = serde_json::from_str(&read(&fixture.path)).expect("JSON");
        let schema = (fixture.row.codec.schema)();
        match validation_errors(&schema, &instance) {
            Ok(errors) => failures.extend(errors.into_iter().map(|e| {
                format!(
                    "{} vs schemars schema of {}: {e}",
                    label(fixture),
                    fixture.row.codec.rust
                )
            })),
            Err(e) => failures.push(format!("{}: {e}", fixture.row.codec.rust)),
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Check 3: every fixture validates against the spec's own schema, converted to JSON Schema.
#[test]
fn fixtures_validate_against_the_spec_schema() {
    let rows = table();
    let (fixtures, _) = all_fixtures(&rows);
    let mut failures = Vec::new();
    let mut documents = BTreeMap::new();
    for fixture in &fixtures {
        let instance: Value = serde_json::from_str(&read(&fixture.path)).expect("JSON");
        let document = documents
            .entry((fixture.provider, fixture.row.schema))
            .or_insert_with(|| {
                spec_document(&spec(fixture.provider), &spec_ref(fixture.row.schema))
            });
        match validation_errors(document, &instance) {
            Ok(errors) => failures.extend(errors.into_iter().map(|e| {
                format!(
                    "{} vs spec schema {}: {e}",
                    label(fixture),
                    fixture.row.schema
                )
            })),
            Err(e) => failures.push(format!("{}: {e}", fixture.row.schema)),
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// The conversion itself: `nullable` becomes a JSON Schema null, so that check 3 can fail.
#[test]
fn openapi_nullable_is_converted() {
    let converted = to_json_schema(&json!({
        "type": "object",
        "properties": {
            "a": {"type": "string", "nullable": true},
            "b": {"type": "string", "enum": ["x"], "nullable": true},
            "c": {"$ref": "#/components/schemas/C", "nullable": true},
            "d": {"type": "string"},
            "e": {"type": "integer", "minimum": 1, "exclusiveMinimum": true}
        }
    }));
    assert_eq!(
        converted["properties"]["a"]["type"],
        json!(["string", "null"])
    );
    assert_eq!(converted["properties"]["b"]["enum"], json!(["x", null]));
    assert_eq!(
        converted["properties"]["c"]["anyOf"][1],
        json!({"type": "null"})
    );
    assert_eq!(converted["properties"]["d"]["type"], json!("string"));
    assert_eq!(converted["properties"]["e"]["exclusiveMinimum"], json!(1));
    let document = json!({
        "properties": converted["properties"].clone(),
        "components": {"schemas": {"C": {"type": "object"}}}
    });
    assert!(validation_errors(&document, &json!({"a": null, "b": null}))
        .unwrap()
        .is_empty());
    assert_eq!(
        validation_errors(&document, &json!({"d": null}))
            .unwrap()
            .len(),
        1
    );
}

#[test]
fn number_comparison_rule() {
    let n = |text: &str| serde_json::from_str::<serde_json::Number>(text).unwrap();
    assert!(numbers_equal(&n("1"), &n("1.0")));
    assert!(numbers_equal(&n("0.06"), &n("0.06")));
    assert!(!numbers_equal(&n("0.06"), &n("0.060000000000000005")));
    assert!(!numbers_equal(&n("2"), &n("3")));
    assert!(!numbers_equal(
        &n("9007199254740993"),
        &n("9007199254740992.0")
    ));
    assert!(numbers_equal(
        &n("9007199254740993"),
        &n("9007199254740993")
    ));
}

// =============================================================================================
// Check 4: the spec schema and the schemars schema of every component agree

/// What "agree" means, for a spec schema S and the schemars schema R of the generated type
/// (both with `$ref`s followed, R's `allOf: [one]` unwrapped, and R's nullability read from
/// `type: [t, "null"]` or `anyOf: [X, {type: null}]`):
///
/// - **objects**: the same property names; every property agrees; `additionalProperties` is
///   either kept by both (absent/`true`/a schema in S; absent/`true`/a schema in R, compared
///   when both are schemas) or R forbids it only if S forbids it.
/// - **required**: S's `required` equals R's `required`, with one allowance: schemars 0.8 never
///   lists an `Option<T>` field as required, so a property that S requires *and* makes nullable
///   (typify: `Option<T>` with `deserialize_with`, key must be present) must be nullable in R
///   and absent from R's `required`.
/// - **nullability**: for a required property, S nullable ⇔ R nullable. For an optional one, S
///   nullable ⇒ R nullable (R may accept `null` on input for any `Option<T>`: serde reads `null`
///   as `None`). Everywhere else (items, variants), S nullable ⇔ R nullable.
/// - **types**: the same JSON type (`integer`, `number`, `string`, `boolean`, `array`, `object`;
///   S without `type` but with `properties` is an object); a schema that accepts anything in S
///   (`{}`) is `true` / `{}` in R. `format: decimal` (money) is in both or in neither.
/// - **enums**: the same set of values (without `null`); `not` is compared as a whole.
/// - **arrays**: the items agree.
/// - **oneOf/anyOf**: S's variants and R's variants (typify: an untagged enum, schemars
///   `anyOf`) agree one by one, in order.
struct Agreement<'a> {
    spec: &'a Value,
    rust_definitions: &'a Map<String, Value>,
    seen: BTreeSet<(String, String)>,
    problems: Vec<String>,
}

/// A schema with its `$ref` name (if it was one) and its nullability taken out.
struct Normal<'a> {
    schema: &'a Value,
    nullable: bool,
    reference: Option<String>,
}

impl<'a> Agreement<'a> {
    fn normal_spec(&self, schema: &'a Value) -> Normal<'a> {
        if let Some(Value::Array(parts)) = schema.get("allOf") {
            if parts.len() == 1 && schema.get("properties").is_none() {
                let mut normal = self.normal_spec(&parts[0]);
                normal.nullable |= schema.get("nullable") == Some(&Value::Bool(true));
                return normal;
            }
        }
        let reference = schema
            .get("$ref")
            .and_then(Value::as_str)
            .map(str::to_string);
        let schema = deref(self.spec, schema);
        let nullable = schema.get("nullable") == Some(&Value::Bool(true));
        Normal {
            schema,
            nullable,
            reference,
        }
    }

    fn normal_rust(&self, schema: &'a Value) -> (Normal<'a>, Option<Value>) {
        // Returns the normalised schema, and a rebuilt schema when the nullability had to be cut
        // out of a `type` array (then `schema` points into the rebuilt value's owner).
        if let Some(reference) = schema.get("$ref").and_then(Value::as_str) {
            let name = reference.rsplit('/').next().unwrap_or(reference);
            let target = self
                .rust_definitions
                .get(name)
                .unwrap_or_else(|| panic!("schemars $ref to unknown {reference}"));
            let (mut normal, rebuilt) = self.normal_rust(target);
            normal.reference = Some(name.to_string());
            return (normal, rebuilt);
        }
        if let Some(Value::Array(parts)) = schema.get("allOf") {
            if parts.len() == 1 {
                return self.normal_rust(&parts[0]);
            }
        }
        if let Some(Value::Array(variants)) = schema.get("anyOf") {
            let null = json!({"type": "null"});
            if variants.len() == 2 && variants.contains(&null) {
                let other = variants.iter().find(|v| **v != null).expect("two variants");
                let (mut normal, rebuilt) = self.normal_rust(other);
                normal.nullable = true;
                return (normal, rebuilt);
            }
        }
        if let Some(Value::Array(types)) = schema.get("type") {
            if types.contains(&json!("null")) {
                let rest: Vec<Value> = types
                    .iter()
                    .filter(|t| **t != json!("null"))
                    .cloned()
                    .collect();
                let mut rebuilt = schema.clone();
                rebuilt["type"] = if rest.len() == 1 {
                    rest[0].clone()
                } else {
                    Value::Array(rest)
                };
                if let Some(Value::Array(values)) = rebuilt.get_mut("enum") {
                    values.retain(|v| !v.is_null());
                }
                return (
                    Normal {
                        schema,
                        nullable: true,
                        reference: None,
                    },
                    Some(rebuilt),
                );
            }
        }
        (
            Normal {
                schema,
                nullable: false,
                reference: None,
            },
            None,
        )
    }

    /// `nullability`: how S's and R's nullability must relate here.
    fn agree(&mut self, spec: &'a Value, rust: &'a Value, path: &str, nullability: Nullability) {
        let s = self.normal_spec(spec);
        let (r, rebuilt) = self.normal_rust(rust);
        let rebuilt = rebuilt.map(|v| &*Box::leak(Box::new(v)));
        let r_schema: &'a Value = rebuilt.unwrap_or(r.schema);
        let ok = match nullability {
            Nullability::Equal => s.nullable == r.nullable,
            Nullability::SpecImpliesRust => !s.nullable || r.nullable,
        };
        if !ok {
            self.problems.push(format!(
                "{path}: nullable in the spec: {}, in the Rust schema: {}",
                s.nullable, r.nullable
            ));
        }
        if let (Some(a), Some(b)) = (&s.reference, &r.reference) {
            if !self.seen.insert((a.clone(), b.clone())) {
                return;
            }
        }
        self.agree_shapes(s.schema, r_schema, path);
    }

    fn agree_shapes(&mut self, s: &'a Value, r: &'a Value, path: &str) {
        // Compositions.
        let s_variants = s
            .get("oneOf")
            .or_else(|| s.get("anyOf"))
            .and_then(Value::as_array);
        let r_variants = r
            .get("anyOf")
            .or_else(|| r.get("oneOf"))
            .and_then(Value::as_array);
        match (s_variants, r_variants) {
            (Some(sv), Some(rv)) => {
                if sv.len() != rv.len() {
                    self.problems.push(format!(
                        "{path}: {} variants in the spec, {} in the Rust schema",
                        sv.len(),
                        rv.len()
                    ));
                }
                for (index, (a, b)) in sv.iter().zip(rv).enumerate() {
                    self.agree(a, b, &format!("{path}/variant {index}"), Nullability::Equal);
                }
                return;
            }
            (Some(_), None) | (None, Some(_)) => {
                self.problems.push(format!(
                    "{path}: a oneOf/anyOf on one side only (spec: {}, Rust: {})",
                    s_variants.is_some(),
                    r_variants.is_some()
                ));
                return;
            }
            (None, None) => {}
        }
        let s_type = spec_type(s);
        let r_type = rust_type(r);
        if s_type != r_type {
            self.problems.push(format!(
                "{path}: type in the spec: {s_type}, in the Rust schema: {r_type}"
            ));
            return;
        }
        let decimal = |v: &Value| v.get("format") == Some(&json!("decimal"));
        if decimal(s) != decimal(r) {
            self.problems.push(format!(
                "{path}: format decimal in the spec: {}, in the Rust schema: {}",
                decimal(s),
                decimal(r)
            ));
        }
        let enum_values = |v: &Value| -> Option<BTreeSet<String>> {
            v.get("enum").and_then(Value::as_array).map(|values| {
                values
                    .iter()
                    .filter(|v| !v.is_null())
                    .map(Value::to_string)
                    .collect()
            })
        };
        if enum_values(s) != enum_values(r) {
            self.problems.push(format!(
                "{path}: enum in the spec: {:?}, in the Rust schema: {:?}",
                enum_values(s),
                enum_values(r)
            ));
        }
        if s.get("not") != r.get("not") {
            self.problems.push(format!(
                "{path}: `not` in the spec: {:?}, in the Rust schema: {:?}",
                s.get("not"),
                r.get("not")
            ));
        }
        match s_type.as_str() {
            "array" => match (s.get("items"), r.get("items")) {
                (Some(a), Some(b)) => self.agree(a, b, &format!("{path}[]"), Nullability::Equal),
                (a, b) => self.problems.push(format!(
                    "{path}: items in the spec: {}, in the Rust schema: {}",
                    a.is_some(),
                    b.is_some()
                )),
            },
            "object" => self.agree_objects(s, r, path),
            _ => {}
        }
    }

    fn agree_objects(&mut self, s: &'a Value, r: &'a Value, path: &str) {
        let empty: &'a Map<String, Value> = &EMPTY_OBJECT;
        let s_properties = s
            .get("properties")
            .and_then(Value::as_object)
            .unwrap_or(empty);
        let r_properties = r
            .get("properties")
            .and_then(Value::as_object)
            .unwrap_or(empty);
        let names = |m: &Map<String, Value>| m.keys().cloned().collect::<BTreeSet<_>>();
        let (s_names, r_names) = (names(s_properties), names(r_properties));
        for missing in s_names.difference(&r_names) {
            self.problems.push(format!(
                "{path}.{missing}: in the spec, not in the Rust type"
            ));
        }
        for extra in r_names.difference(&s_names) {
            self.problems
                .push(format!("{path}.{extra}: in the Rust type, not in the spec"));
        }
        let required = |v: &Value| -> BTreeSet<String> {
            v.get("required")
                .and_then(Value::as_array)
                .map(|r| {
                    r.iter()
                        .filter_map(Value::as_str)
                        .map(str::to_string)
                        .collect()
                })
                .unwrap_or_default()
        };
        let (s_required, r_required) = (required(s), required(r));
        for name in s_names.intersection(&r_names) {
            let member_path = format!("{path}.{name}");
            let (s_member, r_member) = (&s_properties[name], &r_properties[name]);
            let s_nullable = self.normal_spec(s_member).nullable;
            let r_nullable = self.normal_rust(r_member).0.nullable;
            match (s_required.contains(name), r_required.contains(name)) {
                (true, true) | (false, false) => {}
                (true, false) if s_nullable && r_nullable => {
                    // Required and nullable: schemars 0.8 never marks an Option<T> required.
                }
                (s_req, r_req) => self.problems.push(format!(
                    "{member_path}: required in the spec: {s_req}, in the Rust schema: {r_req}"
                )),
            }
            let nullability = if s_required.contains(name) {
                Nullability::Equal
            } else {
                Nullability::SpecImpliesRust
            };
            self.agree(s_member, r_member, &member_path, nullability);
        }
        let s_additional = s.get("additionalProperties");
        let r_additional = r.get("additionalProperties");
        let forbids = |v: Option<&Value>| v == Some(&Value::Bool(false));
        if forbids(r_additional) && !forbids(s_additional) {
            self.problems.push(format!(
                "{path}: the Rust type rejects unknown members, the spec allows them"
            ));
        }
        if let (Some(a), Some(b)) = (s_additional, r_additional) {
            let is_schema = |v: &Value| {
                v.as_object().is_some_and(|o| {
                    !(o.is_empty() || o.len() == 1 && o.contains_key("description"))
                })
            };
            if is_schema(a) && is_schema(b) {
                self.agree(a, b, &format!("{path}.*"), Nullability::Equal);
            }
        }
    }
}

static EMPTY_OBJECT: std::sync::LazyLock<Map<String, Value>> = std::sync::LazyLock::new(Map::new);

#[derive(Clone, Copy)]
enum Nullability {
    Equal,
    SpecImpliesRust,
}

/// The JSON type of a spec schema (after `$ref`), `any` for `{}`.
fn spec_type(s: &Value) -> String {
    match s.get("type").and_then(Value::as_str) {
        Some(t) => t.to_string(),
        None if s.get("properties").is_some() || s.get("additionalProperties").is_some() => {
            "object".into()
        }
        None if s.get("enum").is_some() => "enum".into(),
        None => "any".into(),
    }
}

/// The JSON type of a schemars schema (nullability already cut out), `any` for `true` / `{}`.
fn rust_type(r: &Value) -> String {
    match r.get("type") {
        Some(Value::String(t)) => t.clone(),
        Some(other) => other.to_string(),
        None if r.get("properties").is_some() => "object".into(),
        None if r.get("enum").is_some() => "enum".into(),
        None => "any".into(),
    }
}

#[test]
fn spec_and_rust_schemas_agree() {
    let mut problems = Vec::new();
    let mut covered = 0;
    for (provider, models) in models() {
        let (count, found) = disagreements(provider, &spec(provider), models);
        covered += count;
        problems.extend(found);
    }
    assert!(covered > 0, "no model compared");
    assert!(
        problems.is_empty(),
        "the spec and the Rust types disagree:\n{}",
        problems.join("\n")
    );
}

/// Check 4 for one provider: (component schemas compared, disagreements).
fn disagreements(provider: &str, spec: &Value, models: &[Model]) -> (usize, Vec<String>) {
    let mut problems = Vec::new();
    let mut covered = 0;
    let components = component_schemas(spec);
    let listed: BTreeSet<&str> = models.iter().map(|m| m.spec).collect();
    for name in components.keys() {
        if !listed.contains(name.as_str()) {
            problems.push(format!(
                "{provider}: component schema `{name}` has no line in `MODELS` of its `fuzz.rs`"
            ));
        }
    }
    for name in &listed {
        if !components.contains_key(*name) {
            problems.push(format!(
                "{provider}: `MODELS` of its `fuzz.rs` lists `{name}`, which the spec does not have"
            ));
        }
    }
    let definitions = rust_definitions(models);
    for model in models {
        if !components.contains_key(model.spec) {
            continue;
        }
        covered += 1;
        let spec_root = spec_ref(model.spec);
        let rust_root = json!({ "$ref": format!("#/definitions/{}", model.codec.rust) });
        let mut agreement = Agreement {
            spec,
            rust_definitions: &definitions,
            seen: BTreeSet::new(),
            problems: Vec::new(),
        };
        agreement.agree(
            &spec_root,
            &rust_root,
            &format!("{provider}: {} ({})", model.spec, model.codec.rust),
            Nullability::Equal,
        );
        problems.extend(agreement.problems);
    }
    (covered, problems)
}

/// Check 4 can fail: a spec that drifted from the generated types (a renamed property, a
/// required-and-nullable member made non-nullable, a changed type, a dropped enum value, a
/// property made required) is reported, each with its path.
#[cfg(feature = "openai")]
#[test]
fn agreement_reports_drift() {
    let (_, models) = models()
        .into_iter()
        .find(|(provider, _)| *provider == "openai")
        .expect("openai models");
    let mut spec = spec("openai");
    let schemas = spec
        .pointer_mut("/components/schemas")
        .and_then(Value::as_object_mut)
        .expect("schemas");
    let costs = schemas["CostsResult"]["properties"]
        .as_object_mut()
        .expect("properties");
    let line_item = costs.remove("line_item").expect("line_item");
    costs.insert("line_items".into(), line_item);
    schemas["UsageResponse"]["properties"]["next_page"]["nullable"] = json!(false);
    schemas["UsageTimeBucket"]["properties"]["start_time"]["type"] = json!("string");
    schemas["BucketWidth"]["enum"] = json!(["1h", "1d"]);
    schemas["Error"]["required"] = json!(["type", "message"]);
    schemas["CostsResultAmount"]["required"] = json!(["value"]);
    let (_, problems) = disagreements("openai", &spec, models);
    let text = problems.join("\n");
    for expected in [
        "CostsResult (CostsResult).line_items: in the spec, not in the Rust type",
        "CostsResult (CostsResult).line_item: in the Rust type, not in the spec",
        "UsageResponse (UsageResponse).next_page: nullable in the spec: false, in the Rust schema: true",
        "UsageTimeBucket (UsageTimeBucket).start_time: type in the spec: string, in the Rust schema: integer",
        "BucketWidth (BucketWidth): enum in the spec",
        "CostsResultAmount (CostsResultAmount).value: required in the spec: true, in the Rust schema: false",
    ] {
        assert!(text.contains(expected), "`{expected}` not reported in:\n{text}");
    }
}

/// The schemars definitions of every model of a provider (and of the types they refer to),
/// from one draft-07 generator, sorted by name.
fn rust_definitions(models: &[Model]) -> Map<String, Value> {
    let mut generator = SchemaGenerator::new(SchemaSettings::draft07());
    for model in models {
        (model.codec.define)(&mut generator);
    }
    generator
        .take_definitions()
        .into_iter()
        .map(|(name, schema)| {
            (
                name,
                serde_json::to_value(schema).expect("a schema is JSON"),
            )
        })
        .collect()
}

/// The schemars schema of every model, one snapshot per provider.
#[test]
fn schemars_schemas_snapshot() {
    for (provider, models) in models() {
        let all = rust_definitions(models);
        insta::with_settings!({ omit_expression => true }, {
            insta::assert_json_snapshot!(format!("schemars__{provider}"), Value::Object(all));
        });
    }
}

// =============================================================================================
// Property tests: decode(encode(x)) == x

mod proptests {
    use super::*;
    use proptest::prelude::*;
    use proptest::test_runner::{Config, TestRunner};

    /// JSON instances of a spec schema: every required member, optional members present, absent
    /// or (when nullable) null, every `oneOf` variant, amounts with up to 15 significant digits
    /// (what a JSON number keeps exactly through an `f64`).
    pub(super) fn instances(spec: &Value, schema: &Value, depth: u32) -> BoxedStrategy<Value> {
        if let Some(Value::Array(parts)) = schema.get("allOf") {
            if parts.len() == 1 {
                return nullable(schema, instances(spec, &parts[0], depth));
            }
            // Several object parts: one object with every part's members and requirements.
            let mut merged =
                serde_json::json!({"type": "object", "properties": {}, "required": []});
            for part in parts {
                let part = deref(spec, part);
                if let Some(Value::Object(properties)) = part.get("properties") {
                    for (name, property) in properties {
                        merged["properties"][name] = property.clone();
                    }
                }
                if let Some(Value::Array(required)) = part.get("required") {
                    for name in required {
                        if let Some(list) = merged["required"].as_array_mut() {
                            if !list.contains(name) {
                                list.push(name.clone());
                            }
                        }
                    }
                }
            }
            return nullable(schema, instances_of(spec, &merged, depth));
        }
        let reference = schema.get("$ref").is_some();
        let schema = deref(spec, schema).clone();
        let strategy = instances_of(spec, &schema, if reference { depth + 1 } else { depth });
        nullable(&schema, strategy)
    }

    fn nullable(schema: &Value, strategy: BoxedStrategy<Value>) -> BoxedStrategy<Value> {
        if schema.get("nullable") == Some(&Value::Bool(true)) {
            prop_oneof![1 => Just(Value::Null), 3 => strategy].boxed()
        } else {
            strategy
        }
    }

    fn instances_of(spec: &Value, schema: &Value, depth: u32) -> BoxedStrategy<Value> {
        if schema.get("allOf").is_some() {
            return instances(spec, schema, depth);
        }
        if let Some(Value::Array(variants)) = schema.get("oneOf").or_else(|| schema.get("anyOf")) {
            let strategies: Vec<BoxedStrategy<Value>> =
                variants.iter().map(|v| instances(spec, v, depth)).collect();
            return proptest::strategy::Union::new(strategies).boxed();
        }
        if let Some(Value::Array(values)) = schema.get("enum") {
            return proptest::sample::select(values.clone()).boxed();
        }
        match spec_type(schema).as_str() {
            "string" if schema.get("format") == Some(&json!("date-time")) => {
                (0i64..=4_102_444_800, 0u32..1_000)
                    .prop_map(|(seconds, millis)| {
                        let time = chrono::DateTime::from_timestamp(seconds, millis * 1_000_000)
                            .expect("a time in range");
                        Value::String(time.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true))
                    })
                    .boxed()
            }
            "string" if schema.get("format") == Some(&json!("decimal")) => {
                (-999_999_999_999_999i64..=999_999_999_999_999, 0u32..=10)
                    .prop_map(|(mantissa, scale)| {
                        Value::String(rust_decimal::Decimal::new(mantissa, scale).to_string())
                    })
                    .boxed()
            }
            "string" => {
                let not: Vec<Value> = schema
                    .pointer("/not/enum")
                    .and_then(Value::as_array)
                    .cloned()
                    .unwrap_or_default();
                prop_oneof!["[a-z0-9_.:-]{0,16}", ".{0,6}"]
                    .prop_filter("excluded by `not`", move |s| {
                        !not.contains(&Value::String(s.clone()))
                    })
                    .prop_map(Value::String)
                    .boxed()
            }
            "integer" => {
                let min = schema
                    .get("minimum")
                    .and_then(Value::as_i64)
                    .unwrap_or(i64::MIN);
                let max = schema
                    .get("maximum")
                    .and_then(Value::as_i64)
                    .unwrap_or(i64::MAX);
                (min..=max).prop_map(Value::from).boxed()
            }
            "number" if schema.get("format") == Some(&json!("decimal")) => {
                (-999_999_999_999_999i64..=999_999_999_999_999, 0u32..=10)
                    .prop_map(|(mantissa, scale)| {
                        let text = rust_decimal::Decimal::new(mantissa, scale).to_string();
                        serde_json::from_str(&text).expect("a decimal is a JSON number")
                    })
                    .boxed()
            }
            "number" => prop_oneof![
                proptest::num::f64::NORMAL
                    | proptest::num::f64::ZERO
                    | proptest::num::f64::SUBNORMAL,
                (-1_000_000i64..1_000_000).prop_map(|i| i as f64),
            ]
            .prop_map(Value::from)
            .boxed(),
            "boolean" => any::<bool>().prop_map(Value::Bool).boxed(),
            "array" => {
                let items = schema.get("items").cloned().unwrap_or(json!({}));
                let size = if depth > 4 { 0..=1 } else { 0..=3 };
                proptest::collection::vec(instances(spec, &items, depth), size)
                    .prop_map(Value::Array)
                    .boxed()
            }
            "object" => objects(spec, schema, depth),
            _ => prop_oneof![
                Just(Value::Null),
                any::<bool>().prop_map(Value::Bool),
                any::<i64>().prop_map(Value::from),
                "[a-z]{0,8}".prop_map(Value::String),
            ]
            .boxed(),
        }
    }

    fn objects(spec: &Value, schema: &Value, depth: u32) -> BoxedStrategy<Value> {
        let required: BTreeSet<String> = schema
            .get("required")
            .and_then(Value::as_array)
            .map(|r| {
                r.iter()
                    .filter_map(Value::as_str)
                    .map(str::to_string)
                    .collect()
            })
            .unwrap_or_default();
        let mut members: Vec<BoxedStrategy<Option<(String, Value)>>> = Vec::new();
        if let Some(Value::Object(properties)) = schema.get("properties") {
            for (name, property) in properties {
                let name = name.clone();
                let value = instances(spec, property, depth);
                let present = value.prop_map({
                    let name = name.clone();
                    move |v| Some((name.clone(), v))
                });
                if required.contains(&name) {
                    members.push(present.boxed());
                } else {
                    members.push(prop_oneof![1 => Just(None), 2 => present].boxed());
                }
            }
        }
        let additional = match schema.get("additionalProperties") {
            Some(Value::Bool(false)) | None => None,
            Some(Value::Bool(true)) => Some(json!({})),
            Some(other) => Some(other.clone()),
        };
        let extra: BoxedStrategy<Vec<(String, Value)>> = match additional {
            Some(values) => {
                let declared: BTreeSet<String> = schema
                    .get("properties")
                    .and_then(Value::as_object)
                    .map(|p| p.keys().cloned().collect())
                    .unwrap_or_default();
                proptest::collection::vec(
                    ("x_[a-z]{1,6}", instances(spec, &values, depth + 1)),
                    0..=2,
                )
                .prop_map(move |pairs| {
                    pairs
                        .into_iter()
                        .filter(|(k, _)| !declared.contains(k))
                        .collect()
                })
                .boxed()
            }
            None => Just(Vec::new()).boxed(),
        };
        (members, extra)
            .prop_map(|(members, extra)| {
                let mut object = Map::new();
                object.extend(extra);
                object.extend(members.into_iter().flatten());
                Value::Object(object)
            })
            .boxed()
    }

    /// Runs the property for `T`, with instances of the spec component schema `name`.
    fn check(provider: &str, name: &str, property: fn(&Value) -> Result<(), String>, cases: u32) {
        let spec = spec(provider);
        let strategy = instances(&spec, &spec_ref(name), 0);
        let mut runner = TestRunner::new(Config {
            cases,
            failure_persistence: None,
            ..Config::default()
        });
        if let Err(failure) = runner.run(&strategy, |instance| {
            property(&instance).map_err(TestCaseError::fail)
        }) {
            panic!("{provider} {name}: {failure}");
        }
    }

    /// `decode(encode(x)) == x` for spec instances of each provider's `properties` models (one
    /// thread per provider). Every success and error body of a provider's table has one.
    #[test]
    fn models_survive_encode_decode() {
        let providers: Vec<_> = registry::descriptors().collect();
        assert!(!providers.is_empty(), "no provider built in");
        std::thread::scope(|scope| {
            for descriptor in &providers {
                scope.spawn(move || {
                    let provider = descriptor.provider.as_str();
                    let fuzz = &descriptor.fuzz;
                    for body in fuzz.bodies.iter().filter(|body| !body.part) {
                        assert!(
                            fuzz.properties.iter().any(|p| p.model == body.schema),
                            "{provider}: the body `{}` has no property test (`properties` in its fuzz.rs)",
                            body.schema
                        );
                    }
                    for property in fuzz.properties {
                        let model: &Model = fuzz
                            .models
                            .iter()
                            .find(|model| model.spec == property.model)
                            .unwrap_or_else(|| {
                                panic!("{provider}: property of `{}`, no model", property.model)
                            });
                        check(
                            provider,
                            property.model,
                            model.codec.encode_decode,
                            property.cases,
                        );
                    }
                });
            }
        });
    }

    /// The generator itself produces what the spec schema accepts, so the properties above run
    /// on real instances (and a generator bug cannot make them vacuous).
    #[test]
    fn generated_instances_validate_against_the_spec() {
        let mut failures = Vec::new();
        for (provider, models) in models() {
            let spec = spec(provider);
            for model in models {
                let document = spec_document(&spec, &spec_ref(model.spec));
                let strategy = instances(&spec, &spec_ref(model.spec), 0);
                let mut runner = TestRunner::new(Config {
                    cases: 16,
                    failure_persistence: None,
                    ..Config::default()
                });
                let result = runner.run(&strategy, |instance| {
                    let errors =
                        validation_errors(&document, &instance).map_err(TestCaseError::fail)?;
                    prop_assert!(errors.is_empty(), "{instance}: {errors:?}");
                    Ok(())
                });
                if let Err(failure) = result {
                    failures.push(format!("{provider} {}: {failure}", model.spec));
                }
            }
        }
        assert!(failures.is_empty(), "{}", failures.join("\n"));
    }
}
