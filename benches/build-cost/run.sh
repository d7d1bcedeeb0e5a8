#!/usr/bin/env bash
# What a user pays to build a one-line binary that depends on this crate (default features) against
# one that depends on the latest async-openai with `administration`: clean debug builds,
# dependencies fetched first, each crate with its own target directory, the two crates alternated
# over the rounds so that load on the machine hits both alike.
#
# This crate is packaged as `cargo publish` would upload it and served, with all its dependencies,
# from a directory source that stands in for crates.io, so cargo builds it as it builds any
# registry crate for a user (not incrementally, lints capped). A path dependency is built like the
# user's own code, incrementally, which makes this crate's own compile about a quarter slower;
# `PATH_DEP=1` measures that way.
#
#   benches/build-cost/run.sh [rounds]        (default 2; TIMINGS=0 skips the --timings builds)
#
# Wall and CPU (user + system of cargo and every process it waits for) from /usr/bin/time.
# Everything lives under target/build-cost/. Prints `uptime` before and after, a table, the
# ratios, then the top units of one `cargo build --timings` per crate (the HTML reports stay in
# target/build-cost/<crate>/target/cargo-timings/).
set -euo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
here=$(cd "$(dirname "$0")" && pwd)
rounds=${1:-2}
work="$root/target/build-cost"
export CARGO_TERM_COLOR=never

make_crate() { # name, dependency line
    local dir="$work/$1"
    mkdir -p "$dir/src"
    cat >"$dir/Cargo.toml" <<EOF
[package]
name = "$1"
version = "0.0.0"
edition = "2021"
publish = false

# Not a member of any workspace above it.
[workspace]

[dependencies]
$2
EOF
    echo 'fn main() { println!("{}", std::any::type_name::<'"$3"'>()); }' >"$dir/src/main.rs"
}

if [ "${PATH_DEP:-0}" = 1 ]; then
    make_crate uses-usage-bindings "usage-bindings = { path = \"$root\" }" "usage_bindings::openai::Client"
    rm -rf "$work/uses-usage-bindings/vendor" "$work/uses-usage-bindings/.cargo"
else
    # The package; its dependencies vendored beside it by a seed crate that depends on the
    # unpacked package; crates.io replaced by that directory.
    dir="$work/uses-usage-bindings"
    rm -rf "$work/package" "$dir/vendor" "$dir/.cargo" "$dir/Cargo.lock"
    (cd "$root" && cargo package -q --no-verify --allow-dirty --target-dir "$work/package/target")
    crate_file=$(ls "$work"/package/target/package/usage-bindings-*.crate)
    version=$(basename "$crate_file" .crate)
    version=${version#usage-bindings-}
    make_crate uses-usage-bindings "usage-bindings = \"=$version\"" "usage_bindings::openai::Client"
    tar -xzf "$crate_file" -C "$work/package"
    seed="$work/package/seed"
    mkdir -p "$seed/src"
    touch "$seed/src/lib.rs"
    printf '[package]\nname = "seed"\nversion = "0.0.0"\nedition = "2021"\npublish = false\n[workspace]\n[dependencies]\nusage-bindings = { path = "%s" }\n' \
        "$work/package/usage-bindings-$version" >"$seed/Cargo.toml"
    (cd "$seed" && cargo vendor -q --versioned-dirs "$dir/vendor" >/dev/null)
    tar -xzf "$crate_file" -C "$dir/vendor"
    printf '{"files":{},"package":"%s"}' "$(sha256sum "$crate_file" | cut -d' ' -f1)" \
        >"$dir/vendor/usage-bindings-$version/.cargo-checksum.json"
    mkdir -p "$dir/.cargo"
    printf '[source.crates-io]\nreplace-with = "package-and-dependencies"\n[source.package-and-dependencies]\ndirectory = "vendor"\n' \
        >"$dir/.cargo/config.toml"
fi
make_crate uses-async-openai 'async-openai = { version = "*", features = ["administration"] }' \
    "async_openai::Client<async_openai::config::OpenAIConfig>"
crates=(uses-usage-bindings uses-async-openai)

for crate in "${crates[@]}"; do
    # The latest versions every run (async-openai's newest release, this crate's current lock
    # choices as a user would get them), then everything downloaded before any clock starts.
    (cd "$work/$crate" && cargo update -q && cargo fetch -q)
done
ao_version=$(cd "$work/uses-async-openai" &&
    cargo tree -q --depth 0 -p async-openai 2>/dev/null | head -1 || true)
ub_commit=$(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo '?')
if ! git -C "$root" diff --quiet 2>/dev/null; then ub_commit="$ub_commit+changes"; fi

build() { # crate, round -> appends "crate round wall cpu" to results
    local dir="$work/$1"
    rm -rf "$dir/target"
    # In the crate's directory: cargo reads `.cargo/config.toml` from where it runs.
    (cd "$dir" && /usr/bin/time -f '%e %U %S' -o "$work/time.txt" \
        cargo build -q --offline --target-dir "$dir/target")
    read -r wall user sys <"$work/time.txt"
    cpu=$(awk "BEGIN { print $user + $sys }")
    echo "$1 $2 $wall $cpu" >>"$work/results.txt"
    printf '  round %s %-22s wall %7.1f s  cpu %7.1f s\n' "$2" "$1" "$wall" "$cpu"
}

echo "machine: $(nproc) cores; $(rustc --version)"
echo "usage-bindings at $ub_commit; $ao_version"
echo "before: $(uptime)"
: >"$work/results.txt"
for round in $(seq 1 "$rounds"); do
    # Alternate which crate goes first, so neither always meets the same moment of load.
    if ((round % 2)); then order=("${crates[@]}"); else order=("${crates[1]}" "${crates[0]}"); fi
    for crate in "${order[@]}"; do build "$crate" "$round"; done
done
echo "after: $(uptime)"
echo
python3 "$here/summary.py" "$work/results.txt"

if [ "${TIMINGS:-1}" != 0 ]; then
    for crate in "${crates[@]}"; do
        dir="$work/$crate"
        rm -rf "$dir/target"
        (cd "$dir" && cargo build -q --offline --timings --target-dir "$dir/target")
        echo
        echo "### $crate: cargo build --timings"
        python3 "$here/timings.py" "$dir/target/cargo-timings/cargo-timing.html"
    done
fi
