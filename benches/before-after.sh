#!/usr/bin/env bash
# Before/after of a change to the generated OpenAI types, in one criterion run (issue #7).
#
#   benches/before-after.sh <commit> [criterion args...]
#
# Runs the peer baseline (benches/baseline) with one more decoder, `typed_before`: the crate as of
# <commit>^ (checked out into a temporary directory, renamed to version 0.1.0-before so that both
# copies can be linked into one binary). `typed` is the working tree. Nothing in the working tree
# changes; the temporary crate copy uses benches/baseline/target for its build.
set -euo pipefail

commit=${1:?usage: benches/before-after.sh <commit> [criterion args...]}
shift
src=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d /tmp/usage-bindings-before-after.XXXXXX)

git -C "$src" rev-parse --verify -q "$commit^{commit}" >/dev/null
git clone -q "$src" "$work/before"
git -C "$work/before" checkout -q "$commit^"
# The first `version = ` of the manifest is the package's.
sed -i '0,/^version = "[^"]*"/s//version = "0.1.0-before"/' "$work/before/Cargo.toml"

cp "$src/benches/bodies.rs" "$work/bodies.rs"
mkdir -p "$work/baseline"
cp -r "$src/benches/baseline/benches" "$src/benches/baseline/Cargo.lock" "$work/baseline/"
sed "s|path = \"../..\"|path = \"$src\"|" "$src/benches/baseline/Cargo.toml" > "$work/baseline/Cargo.toml"
cat >> "$work/baseline/Cargo.toml" <<EOF

[dependencies.usage_bindings_before]
package = "usage-bindings"
version = "=0.1.0-before"
path = "$work/before"
default-features = false
features = ["openai"]
EOF

echo "before: $(git -C "$work/before" log --oneline -1)"
echo "after:  working tree of $src at $(git -C "$src" log --oneline -1)"
cd "$work/baseline"
CARGO_TARGET_DIR="$src/benches/baseline/target" cargo bench --features before --bench peer -- "$@"
