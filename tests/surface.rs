//! The public surface of each generated client, as an insta snapshot (issue #4).
//!
//! The surface is read from two sources and printed as plain text, one line per item, so that a
//! spec change shows up as a small readable diff:
//! - the spec (`openapi/<provider>.yaml`): every operation's method, path and parameters, in spec
//!   order, with where each parameter goes and whether it is required;
//! - the code progenitor generated for this very build (`$OUT_DIR/<provider>.rs`, read at run
//!   time from the build script's output folder of this build, so it is the code the crate
//!   compiled), for every provider built into the crate (`Provider::descriptor`): the client
//!   method and builder of each operation, the Rust type of each parameter setter, what `.send()`
//!   returns, and every type of `types` with its fields (JSON name, Rust type, serde attributes) or
//!   variants.
//!
//! A parameter of the spec that the builder lacks, or a builder field that no spec parameter
//! explains, is printed as `MISSING` / `UNDECLARED` and fails the snapshot as any change would.

use std::collections::BTreeSet;
use std::fmt::Write;
use std::path::Path;

use serde_json::Value;
use syn::{Fields, Item, Type};
use usage_bindings::Provider;

mod support;

use support::{deref, spec};

/// progenitor's Rust name of a parameter: snake case, with characters that cannot be in an
/// identifier (`project_ids[]`) read as word separators and dropped at the ends.
fn snake(name: &str) -> String {
    let mut out = String::new();
    let chars: Vec<char> = name.chars().collect();
    for (i, c) in chars.iter().enumerate() {
        if c.is_uppercase() {
            let after_lower =
                i > 0 && (chars[i - 1].is_lowercase() || chars[i - 1].is_ascii_digit());
            let before_lower = i > 0
                && chars.get(i + 1).is_some_and(|n| n.is_lowercase())
                && chars[i - 1].is_uppercase();
            if after_lower || before_lower {
                out.push('_');
            }
            out.extend(c.to_lowercase());
        } else if c.is_alphanumeric() || *c == '_' {
            out.push(*c);
        } else {
            out.push('_');
        }
    }
    out.trim_matches('_').to_string()
}

/// A readable Rust type: the last path segment of each path, with its generic arguments.
fn ty(t: &Type) -> String {
    match t {
        Type::Path(path) => {
            let segments: Vec<String> = path
                .path
                .segments
                .iter()
                .map(|s| s.ident.to_string())
                .collect();
            let last = path.path.segments.last().expect("a path has a segment");
            let mut name = last.ident.to_string();
            if segments.first().map(String::as_str) == Some("serde_json") {
                name = format!("serde_json::{name}");
            }
            if let syn::PathArguments::AngleBracketed(args) = &last.arguments {
                let args: Vec<String> = args
                    .args
                    .iter()
                    .map(|arg| match arg {
                        syn::GenericArgument::Type(t) => ty(t),
                        syn::GenericArgument::Lifetime(l) => format!("'{}", l.ident),
                        _ => "?".into(),
                    })
                    .collect();
                name = format!("{name}<{}>", args.join(", "));
            }
            name
        }
        Type::Reference(reference) => format!("&{}", ty(&reference.elem)),
        Type::Slice(slice) => format!("[{}]", ty(&slice.elem)),
        Type::Tuple(tuple) => format!(
            "({})",
            tuple.elems.iter().map(ty).collect::<Vec<_>>().join(", ")
        ),
        Type::Paren(inner) => ty(&inner.elem),
        Type::Group(inner) => ty(&inner.elem),
        _ => "<unprintable type>".into(),
    }
}

/// The `#[serde(...)]` attributes, as `key` or `key = value`, in source order.
fn serde_attributes(attrs: &[syn::Attribute]) -> Vec<String> {
    let mut out = Vec::new();
    for attr in attrs.iter().filter(|a| a.path().is_ident("serde")) {
        attr.parse_nested_meta(|meta| {
            let key = meta
                .path
                .get_ident()
                .map(|i| i.to_string())
                .unwrap_or_default();
            if let Ok(value) = meta.value() {
                let literal: syn::LitStr = value.parse()?;
                let value = literal
                    .value()
                    .replace("::std::option::", "")
                    .replace("::std::vec::", "");
                out.push(format!("{key} = {value:?}"));
            } else {
                out.push(key);
            }
            Ok(())
        })
        .expect("a serde attribute");
    }
    out
}

fn rename(attrs: &[String]) -> Option<String> {
    attrs.iter().find_map(|a| {
        a.strip_prefix("rename = ")
            .map(|v| v.trim_matches('"').to_string())
    })
}

fn type_line(item: &Item, out: &mut String) {
    match item {
        Item::Struct(s) => {
            let attrs = serde_attributes(&s.attrs);
            match &s.fields {
                Fields::Named(fields) => {
                    writeln!(out, "struct {}{}", s.ident, annotate(&attrs)).unwrap();
                    for field in &fields.named {
                        let name = field.ident.as_ref().expect("a named field").to_string();
                        let field_attrs = serde_attributes(&field.attrs);
                        let json = rename(&field_attrs).unwrap_or_else(|| name.clone());
                        let rest: Vec<String> = field_attrs
                            .into_iter()
                            .filter(|a| !a.starts_with("rename = "))
                            .collect();
                        writeln!(
                            out,
                            "  {json:?} {name}: {}{}",
                            ty(&field.ty),
                            annotate(&rest)
                        )
                        .unwrap();
                    }
                }
                Fields::Unnamed(fields) => {
                    let types: Vec<String> = fields.unnamed.iter().map(|f| ty(&f.ty)).collect();
                    writeln!(
                        out,
                        "newtype {}({}){}",
                        s.ident,
                        types.join(", "),
                        annotate(&attrs)
                    )
                    .unwrap();
                }
                Fields::Unit => writeln!(out, "unit struct {}", s.ident).unwrap(),
            }
        }
        Item::Enum(e) => {
            let attrs = serde_attributes(&e.attrs);
            writeln!(out, "enum {}{}", e.ident, annotate(&attrs)).unwrap();
            for variant in &e.variants {
                let variant_attrs = serde_attributes(&variant.attrs);
                match &variant.fields {
                    Fields::Unit => {
                        let json =
                            rename(&variant_attrs).unwrap_or_else(|| variant.ident.to_string());
                        writeln!(out, "  {json:?} {}", variant.ident).unwrap();
                    }
                    Fields::Unnamed(fields) => {
                        let types: Vec<String> = fields.unnamed.iter().map(|f| ty(&f.ty)).collect();
                        writeln!(
                            out,
                            "  {}({}){}",
                            variant.ident,
                            types.join(", "),
                            annotate(&variant_attrs)
                        )
                        .unwrap();
                    }
                    Fields::Named(fields) => {
                        let named: Vec<String> = fields
                            .named
                            .iter()
                            .map(|f| format!("{}: {}", f.ident.as_ref().unwrap(), ty(&f.ty)))
                            .collect();
                        writeln!(out, "  {} {{ {} }}", variant.ident, named.join(", ")).unwrap();
                    }
                }
            }
        }
        _ => {}
    }
}

fn annotate(attrs: &[String]) -> String {
    if attrs.is_empty() {
        String::new()
    } else {
        format!("  #[serde({})]", attrs.join(", "))
    }
}

fn module<'a>(items: &'a [Item], name: &str) -> &'a [Item] {
    items
        .iter()
        .find_map(|item| match item {
            Item::Mod(m) if m.ident == name => {
                m.content.as_ref().map(|(_, items)| items.as_slice())
            }
            _ => None,
        })
        .unwrap_or_else(|| panic!("the generated code has no `mod {name}`"))
}

/// The builder's fields (name → Rust type of the setter, required?) and `.send()`'s return type.
struct Builder {
    fields: Vec<(String, String, bool)>,
    send: String,
}

fn builder(items: &[Item], name: &str) -> Builder {
    let mut fields = Vec::new();
    let mut send = String::from("MISSING");
    for item in items {
        match item {
            Item::Struct(s) if s.ident == name => {
                for field in &s.fields {
                    let field_name = field.ident.as_ref().expect("named").to_string();
                    if field_name == "client" {
                        continue;
                    }
                    // `Result<T, String>` (required) or `Result<Option<T>, String>` (optional).
                    let inner = generic_args(&field.ty)
                        .into_iter()
                        .next()
                        .expect("Result<T, _>");
                    let (rust, required) = match generic_args(&inner).as_slice() {
                        [optional] if last_ident(&inner) == "Option" => (ty(optional), false),
                        _ => (ty(&inner), true),
                    };
                    fields.push((field_name, rust, required));
                }
            }
            Item::Impl(block) if last_ident(&block.self_ty) == name => {
                for impl_item in &block.items {
                    if let syn::ImplItem::Fn(f) = impl_item {
                        if f.sig.ident == "send" {
                            if let syn::ReturnType::Type(_, t) = &f.sig.output {
                                send = ty(t);
                            }
                        }
                    }
                }
            }
            _ => {}
        }
    }
    Builder { fields, send }
}

fn last_ident(t: &Type) -> String {
    match t {
        Type::Path(p) => p
            .path
            .segments
            .last()
            .map(|s| s.ident.to_string())
            .unwrap_or_default(),
        _ => String::new(),
    }
}

fn generic_args(t: &Type) -> Vec<Type> {
    match t {
        Type::Path(p) => match &p.path.segments.last().expect("a segment").arguments {
            syn::PathArguments::AngleBracketed(args) => args
                .args
                .iter()
                .filter_map(|a| match a {
                    syn::GenericArgument::Type(t) => Some(t.clone()),
                    _ => None,
                })
                .collect(),
            _ => Vec::new(),
        },
        _ => Vec::new(),
    }
}

/// `Client::<method>() -> builder::<Builder>`: the builder struct's name.
fn client_method(items: &[Item], method: &str) -> Option<String> {
    items.iter().find_map(|item| match item {
        Item::Impl(block) if last_ident(&block.self_ty) == "Client" && block.trait_.is_none() => {
            block.items.iter().find_map(|i| match i {
                syn::ImplItem::Fn(f) if f.sig.ident == method => match &f.sig.output {
                    syn::ReturnType::Type(_, t) => Some(last_ident(t)),
                    _ => None,
                },
                _ => None,
            })
        }
        _ => None,
    })
}

fn surface(provider: &str, generated: &str) -> String {
    let file = syn::parse_file(generated).expect("the generated code parses");
    let spec = spec(provider);
    let mut out = String::new();
    writeln!(
        out,
        "{provider}: {} {}",
        spec["info"]["title"].as_str().unwrap_or("?"),
        spec["info"]["version"].as_str().unwrap_or("?")
    )
    .unwrap();
    writeln!(out, "\nOPERATIONS").unwrap();
    let builders = module(&file.items, "builder");
    for (path, item) in spec["paths"].as_object().expect("paths") {
        for (method, operation) in item.as_object().expect("a path item") {
            let Some(id) = operation.get("operationId").and_then(Value::as_str) else {
                continue;
            };
            writeln!(out, "\n{id}: {} {path}", method.to_uppercase()).unwrap();
            let Some(builder_name) = client_method(&file.items, id) else {
                writeln!(out, "  MISSING: no Client::{id}()").unwrap();
                continue;
            };
            let built = builder(builders, &builder_name);
            writeln!(out, "  Client::{id}() -> builder::{builder_name}").unwrap();
            writeln!(out, "  .send() -> {}", built.send).unwrap();
            let mut used = std::collections::BTreeSet::new();
            let parameters = item
                .get("parameters")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .chain(
                    operation
                        .get("parameters")
                        .and_then(Value::as_array)
                        .into_iter()
                        .flatten(),
                );
            for parameter in parameters {
                let parameter = deref(&spec, parameter);
                let name = parameter["name"].as_str().expect("a parameter name");
                let location = parameter["in"].as_str().expect("a parameter location");
                let required = parameter.get("required") == Some(&Value::Bool(true));
                let rust = snake(name);
                match built.fields.iter().find(|(field, _, _)| *field == rust) {
                    Some((field, rust_type, builder_required)) => {
                        used.insert(field.clone());
                        let status = match (required, builder_required) {
                            (true, true) => "required",
                            (false, false) => "optional",
                            (true, false) => "required in the spec, OPTIONAL in the builder",
                            (false, true) => "optional in the spec, REQUIRED in the builder",
                        };
                        writeln!(out, "  {location} {name}: .{field}({rust_type}) {status}")
                            .unwrap();
                    }
                    None => writeln!(out, "  {location} {name}: MISSING in the builder").unwrap(),
                }
            }
            for (field, rust_type, _) in &built.fields {
                if !used.contains(field) {
                    writeln!(out, "  UNDECLARED builder field .{field}({rust_type})").unwrap();
                }
            }
        }
    }
    writeln!(out, "\nTYPES").unwrap();
    for item in module(&file.items, "types") {
        type_line(item, &mut out);
    }
    out
}

/// The generated code of every provider built into the crate (`$OUT_DIR/<provider>.rs`, read at
/// run time), its surface checked against the snapshot `surface__<provider>`.
#[test]
fn every_provider_surface() {
    let out_dir = Path::new(env!("OUT_DIR"));
    let mut checked = BTreeSet::new();
    for provider in Provider::ALL.iter().filter(|p| p.descriptor().is_some()) {
        let name = provider.as_str();
        let path = out_dir.join(format!("{name}.rs"));
        let generated = std::fs::read_to_string(&path)
            .unwrap_or_else(|e| panic!("{name}: cannot read {}: {e}", path.display()));
        let text = surface(name, &generated);
        assert!(!text.contains("MISSING"), "{name}: {text}");
        assert!(!text.contains("UNDECLARED"), "{name}: {text}");
        insta::with_settings!({
            omit_expression => true,
            description => format!("the generated client surface of {name}"),
        }, {
            insta::assert_snapshot!(name, text);
        });
        checked.insert(name.to_string());
    }
    // Every client build.rs generated is one of the providers checked, and the other way round.
    let generated: BTreeSet<String> = std::fs::read_dir(out_dir)
        .unwrap_or_else(|e| panic!("cannot list {}: {e}", out_dir.display()))
        .map(|entry| entry.expect("a directory entry").path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "rs"))
        .filter_map(|path| Some(path.file_stem()?.to_str()?.to_string()))
        .collect();
    assert_eq!(
        checked,
        generated,
        "the providers checked and the clients generated in {}",
        out_dir.display()
    );
}

#[test]
fn snake_case_of_parameter_names() {
    assert_eq!(snake("startTime"), "start_time");
    assert_eq!(snake("per_page"), "per_page");
    assert_eq!(snake("teamId"), "team_id");
    assert_eq!(snake("X-Request-ID"), "x_request_id");
    assert_eq!(snake("project_ids[]"), "project_ids");
    assert_eq!(snake("group_by[]"), "group_by");
}
