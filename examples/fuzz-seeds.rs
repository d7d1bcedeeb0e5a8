//! Lists the fuzz targets, or writes their seed corpora, from the table the fuzz targets and
//! `tests/fuzz_seeds.rs` share (`usage_bindings::__fuzz::targets()`).
//!
//! ```text
//! cargo run --example fuzz-seeds --features fuzzing -- list
//! cargo run --example fuzz-seeds --features fuzzing -- write fuzz/corpus [target ...]
//! ```
//!
//! `write` copies each target's seed files into `<dir>/<target>/`, named `<folder>__<file>` so
//! that a name tells where a seed came from.

use std::path::Path;
use std::process::ExitCode;

use usage_bindings::__fuzz::{seed_files, targets};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("list") => {
            for target in targets() {
                println!("{}", target.name);
            }
            ExitCode::SUCCESS
        }
        Some("write") if args.len() >= 2 => match write(Path::new(&args[1]), &args[2..]) {
            Ok(()) => ExitCode::SUCCESS,
            Err(error) => {
                eprintln!("fuzz-seeds: {error}");
                ExitCode::FAILURE
            }
        },
        _ => {
            eprintln!("usage: fuzz-seeds list | fuzz-seeds write <dir> [target ...]");
            ExitCode::from(2)
        }
    }
}

fn write(dir: &Path, names: &[String]) -> Result<(), String> {
    if let Some(unknown) = names
        .iter()
        .find(|name| !targets().iter().any(|target| &target.name == name))
    {
        return Err(format!("no fuzz target {unknown}"));
    }
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    for target in targets()
        .iter()
        .filter(|target| names.is_empty() || names.iter().any(|name| name == target.name))
    {
        let corpus = dir.join(target.name);
        std::fs::create_dir_all(&corpus).map_err(|e| format!("{}: {e}", corpus.display()))?;
        let files = seed_files(root, target).map_err(|e| format!("{}: {e}", target.name))?;
        for file in &files {
            let folder = file
                .parent()
                .and_then(Path::file_name)
                .map(|name| name.to_string_lossy().into_owned())
                .unwrap_or_default();
            let name = file
                .file_name()
                .map(|name| name.to_string_lossy().into_owned())
                .unwrap_or_default();
            let copy = corpus.join(format!("{folder}__{name}"));
            std::fs::copy(file, &copy).map_err(|e| format!("{}: {e}", file.display()))?;
        }
        println!(
            "{}: {} seeds in {}",
            target.name,
            files.len(),
            corpus.display()
        );
    }
    Ok(())
}
