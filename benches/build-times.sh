#!/usr/bin/env bash
# Build times of the crate (issue #7, part 4), in a throwaway clone with its own target directory
# so that the working copy's target/ is never touched.
#
#   benches/build-times.sh [work-dir]     (default: a new directory under /tmp)
#
# Needs hyperfine (Debian package `hyperfine`). Dependencies are fetched first, so downloads
# never count. Debug profile (what `cargo build` / `cargo test` iterate on). Prints hyperfine's
# tables and the generation time that build.rs wrote per spec (OUT_DIR/<provider>.gen-ms).
set -euo pipefail

src=$(cd "$(dirname "$0")/.." && pwd)
work=${1:-$(mktemp -d /tmp/usage-bindings-build-times.XXXXXX)}
mkdir -p "$work"
rm -rf "$work/crate" "$work/target"
git clone -q "$src" "$work/crate"
cd "$work/crate"
export CARGO_TARGET_DIR="$work/target"
export CARGO_TERM_COLOR=never
cargo fetch -q

# One-line edits that are toggled before every run, so every run really has something to rebuild:
# a field description in the spec (it becomes rustdoc, so the generated code changes) and a doc
# comment in src/.
spec_edit='perl -pi -e "s/Always \`bucket\`\./Always \`bucket\`!/ || s/Always \`bucket\`!/Always \`bucket\`./" openapi/openai.yaml'
nf_spec_edit='perl -pi -e "s/The cluster usage price, in cents\./The cluster usage price, in cents!/ || s/The cluster usage price, in cents!/The cluster usage price, in cents./" openapi/northflank.yaml'
src_edit='perl -pi -e "s/never shows itself:/never shows itself;/ || s/never shows itself;/never shows itself:/" src/secret.rs'

gen_ms() {
    local out
    out=$(ls -td "$CARGO_TARGET_DIR"/debug/build/usage-bindings-*/out 2>/dev/null | head -1)
    for f in "$out"/*.gen-ms; do
        [ -e "$f" ] && printf '  %s: %s ms\n' "$(basename "$f" .gen-ms)" "$(cat "$f")"
    done
}

run() { # label, features, spec edit
    local label=$1 features=$2 edit=$3
    local build="cargo build -q $features"
    echo "### $label ($build)"
    hyperfine --style basic --runs 1 --prepare "rm -rf $CARGO_TARGET_DIR" \
        --command-name "clean (dependencies included)" "$build"
    echo "generation time per spec (build.rs, last clean build):"
    gen_ms
    hyperfine --style basic --runs 3 --prepare "cargo clean -q -p usage-bindings" \
        --command-name "clean crate (dependencies built)" "$build"
    hyperfine --style basic --warmup 1 --runs 5 --prepare "$edit" \
        --command-name "one-line spec edit" "$build"
    hyperfine --style basic --warmup 1 --runs 5 --prepare "$src_edit" \
        --command-name "one-line src edit" "$build"
    hyperfine --style basic --warmup 1 --runs 10 \
        --command-name "no-op" "$build"
}

echo "machine: $(nproc) cores, load before: $(cut -d' ' -f1-3 /proc/loadavg)"
run "all features" "--all-features" "$spec_edit"
run "one feature: northflank" "--no-default-features --features northflank" "$nf_spec_edit"
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
git checkout -q -- .
