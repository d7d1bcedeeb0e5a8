//! The fuzz targets' checks (`usage_bindings::__fuzz`) over every file of each target's seeds, the
//! hostile corpus among them, without libFuzzer: a decoder that a seed already breaks fails
//! `cargo test`, not only a fuzzing run nobody starts. Also checks that the table of targets, the
//! target files in `fuzz/fuzz_targets/` and the `[[bin]]`s of `fuzz/Cargo.toml` name the same
//! targets.
#![cfg(feature = "fuzzing")]

use std::collections::BTreeSet;
use std::path::Path;

use usage_bindings::__fuzz::{seed_files, targets};

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// The message of a caught panic.
fn panic_text(panic: &(dyn std::any::Any + Send)) -> String {
    panic
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| panic.downcast_ref::<&str>().map(|text| text.to_string()))
        .unwrap_or_else(|| "a panic without a message".into())
}

#[test]
fn every_target_passes_every_seed() {
    let mut failures = Vec::new();
    let mut failing_targets = BTreeSet::new();
    let mut inputs = 0;
    for target in targets() {
        let files = seed_files(root(), target)
            .unwrap_or_else(|error| panic!("{}: reading its seeds: {error}", target.name));
        assert!(
            files.len() >= 10,
            "{}: only {} seed files",
            target.name,
            files.len()
        );
        for file in files {
            let data = std::fs::read(&file).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
            inputs += 1;
            if let Err(panic) = std::panic::catch_unwind(|| (target.check)(&data)) {
                failing_targets.insert(target.name);
                failures.push(format!(
                    "{} on {}: {}",
                    target.name,
                    file.strip_prefix(root()).unwrap_or(&file).display(),
                    panic_text(panic.as_ref())
                ));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {inputs} inputs fail; targets failing: {}\n{}",
        failures.len(),
        failing_targets.into_iter().collect::<Vec<_>>().join(" "),
        failures.join("\n")
    );
}

/// The targets of the table, of `fuzz/fuzz_targets/*.rs` and of `fuzz/Cargo.toml`'s `[[bin]]`s.
#[test]
#[cfg(all(
    feature = "openai",
    feature = "northflank",
    feature = "phala",
    feature = "anthropic"
))]
fn the_table_the_files_and_the_bins_agree() {
    let table: BTreeSet<String> = targets().iter().map(|t| t.name.to_string()).collect();
    assert_eq!(table.len(), targets().len(), "a target is listed twice");
    let files: BTreeSet<String> = std::fs::read_dir(root().join("fuzz/fuzz_targets"))
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "rs"))
        .map(|path| path.file_stem().unwrap().to_string_lossy().into_owned())
        .collect();
    let manifest = std::fs::read_to_string(root().join("fuzz/Cargo.toml")).unwrap();
    assert_eq!(table, files, "targets() vs fuzz/fuzz_targets/*.rs");
    assert_eq!(
        table,
        bin_names(&manifest),
        "targets() vs fuzz/Cargo.toml [[bin]]"
    );
    for target in targets() {
        let source =
            std::fs::read_to_string(root().join(format!("fuzz/fuzz_targets/{}.rs", target.name)))
                .unwrap();
        assert!(
            source.contains(&format!("__fuzz::run(\"{}\"", target.name)),
            "fuzz/fuzz_targets/{}.rs does not run its own row",
            target.name
        );
    }
}

/// The `[[bin]]` names of a cargo manifest, read line by line (`name = "…"` after `[[bin]]`).
fn bin_names(manifest: &str) -> BTreeSet<String> {
    let mut bins = BTreeSet::new();
    let mut in_bin = false;
    for line in manifest.lines().map(str::trim) {
        if line.starts_with('[') {
            in_bin = line == "[[bin]]";
        } else if let Some(name) = line
            .strip_prefix("name = \"")
            .and_then(|rest| rest.strip_suffix('"'))
            .filter(|_| in_bin)
        {
            bins.insert(name.to_string());
        }
    }
    bins
}
