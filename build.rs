//! Generates one typed client per enabled provider from `openapi/<provider>.yaml` into `OUT_DIR`.
//!
//! Every spec goes through the same settings, so the generated clients share one shape: the
//! builder interface, `schemars::JsonSchema` on every type, exact amounts for
//! `type: number, format: decimal`, and the crate's own transport (auth, retries, tracing) as the
//! client's inner value behind progenitor's `ClientHooks`.

use std::path::{Path, PathBuf};
use std::{env, fs, process};

use progenitor::{GenerationSettings, Generator, HooksMode, InterfaceStyle, TagStyle, TypeImpl};

/// One provider's generation settings.
struct Provider {
    /// The name of its spec (`openapi/<name>.yaml`), cargo feature and module.
    name: &'static str,
    /// Schemas whose generated type is replaced by a hand-written one: `(component, Rust path)`.
    /// OpenAI's `UsageResult` dispatches on `object` instead of trying each variant; Anthropic's
    /// cost amounts stay decimal strings and its tool-action map is ordered.
    replacements: &'static [(&'static str, &'static str)],
}

/// Every client's inner value: the transport that runs its requests.
const TRANSPORT: &str = "crate::transport::Transport";

/// The providers, each behind the cargo feature of the same name.
const PROVIDERS: &[Provider] = &[
    Provider {
        name: "openai",
        replacements: &[("UsageResult", "crate::openai::types::UsageResult")],
    },
    Provider {
        name: "northflank",
        replacements: &[],
    },
    Provider {
        name: "phala",
        replacements: &[],
    },
    Provider {
        name: "anthropic",
        replacements: &[
            ("CentsAmount", "crate::anthropic::types::CentsAmount"),
            (
                "ClaudeCodeToolActions",
                "crate::anthropic::types::ClaudeCodeToolActions",
            ),
        ],
    },
    Provider {
        name: "openrouter",
        replacements: &[],
    },
];

fn main() {
    let out_dir = PathBuf::from(env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    for provider in PROVIDERS {
        let name = provider.name;
        let spec = Path::new("openapi").join(format!("{name}.yaml"));
        // Rerun on a spec edit whether or not the feature is on, so that turning a feature on later
        // never sees stale code.
        println!("cargo:rerun-if-changed={}", spec.display());
        if env::var_os(format!("CARGO_FEATURE_{}", name.to_uppercase())).is_none() {
            continue;
        }
        if let Err(problem) = generate(provider, &spec, &out_dir.join(format!("{name}.rs"))) {
            eprintln!("error: {}: {problem}", spec.display());
            process::exit(1);
        }
    }
    println!("cargo:rerun-if-changed=build.rs");
}

fn generate(provider: &Provider, spec_path: &Path, out_path: &Path) -> Result<(), String> {
    let started = std::time::Instant::now();
    let text = fs::read_to_string(spec_path).map_err(|e| format!("cannot read the spec: {e}"))?;
    let spec: openapiv3::OpenAPI =
        serde_yaml::from_str(&text).map_err(|e| format!("not a valid OpenAPI document: {e}"))?;
    if !spec.openapi.starts_with("3.0.") {
        return Err(format!(
            "declares OpenAPI {}, but only 3.0.x is supported (write `nullable: true`, not type arrays)",
            spec.openapi
        ));
    }

    let mut settings = GenerationSettings::default();
    settings
        .with_interface(InterfaceStyle::Builder)
        .with_tag(TagStyle::Merged)
        .with_inner_type(quote_path(TRANSPORT))
        .with_hooks(HooksMode::Expected)
        .with_derive("schemars::JsonSchema")
        .with_derive("PartialEq")
        .with_conversion(
            decimal_schema(),
            "crate::money::Amount",
            [TypeImpl::Display, TypeImpl::FromStr].into_iter(),
        );
    for (component, rust_type) in provider.replacements {
        settings.with_replacement(*component, *rust_type, std::iter::empty());
    }
    let mut generator = Generator::new(&settings);

    // progenitor asserts on some spec shapes instead of returning an error; turn that into a
    // message that names the spec.
    let tokens = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        generator.generate_tokens(&spec)
    }))
    .map_err(|panic| {
        let reason = panic
            .downcast_ref::<String>()
            .cloned()
            .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
            .unwrap_or_else(|| "unknown panic".into());
        format!("progenitor cannot generate a client: {reason}")
    })?
    .map_err(|e| format!("progenitor cannot generate a client: {e}"))?;

    let mut file: syn::File =
        syn::parse2(tokens).map_err(|e| format!("generated code does not parse: {e}"))?;
    // Response bodies are decoded by `crate::json::response_value` (one UTF-8 check per body,
    // not one per string) instead of progenitor's `ResponseValue::from_response`.
    let mut decoder = DecodeWith {
        from: ["ResponseValue", "from_response"],
        to: syn::parse_quote!(crate::json::response_value),
        replaced: 0,
    };
    syn::visit_mut::visit_file_mut(&mut decoder, &mut file);
    if decoder.replaced == 0 && !spec.paths.paths.is_empty() {
        return Err(
            "the generated code no longer calls `ResponseValue::from_response`; update build.rs"
                .into(),
        );
    }
    // progenitor documents each operation with an `ignore` example that cannot compile on its own
    // (it uses an undeclared `client`); show it as text so that no doctest is ignored.
    let code = prettyplease::unparse(&file).replace("```ignore", "```text");
    fs::write(out_path, code).map_err(|e| format!("cannot write {}: {e}", out_path.display()))?;
    // Generation time per spec, read by the build benchmark.
    let timing = out_path.with_extension("gen-ms");
    let _ = fs::write(timing, started.elapsed().as_millis().to_string());
    Ok(())
}

/// Replaces calls of the path `from` by calls of `to`.
struct DecodeWith {
    from: [&'static str; 2],
    to: syn::ExprPath,
    replaced: usize,
}

impl syn::visit_mut::VisitMut for DecodeWith {
    fn visit_expr_path_mut(&mut self, path: &mut syn::ExprPath) {
        let segments: Vec<String> = path
            .path
            .segments
            .iter()
            .map(|segment| segment.ident.to_string())
            .collect();
        if segments == self.from {
            *path = self.to.clone();
            self.replaced += 1;
        }
    }
}

fn quote_path(path: &str) -> proc_macro2::TokenStream {
    path.parse().expect("a constant Rust path")
}

/// `type: number, format: decimal`: an amount that must stay exact.
fn decimal_schema() -> schemars::schema::SchemaObject {
    schemars::schema::SchemaObject {
        instance_type: Some(schemars::schema::InstanceType::Number.into()),
        format: Some("decimal".to_string()),
        ..Default::default()
    }
}
