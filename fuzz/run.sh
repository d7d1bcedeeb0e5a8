#!/bin/sh
# Runs fuzz targets one after another (never two at once), each for $FUZZ_SECONDS (default 600),
# in one process. A target without a corpus is seeded first from the table of
# targets (`usage_bindings::__fuzz::TARGETS`, through examples/fuzz-seeds.rs). Logs go to
# $FUZZ_LOGS (default fuzz/logs, not committed): runs.txt, <target>.log (cargo and libFuzzer).
# A target that stops (a panic, a failed check, a timeout) has its input printed, path and
# base64; the script then exits 1 after the other targets have run.
# Usage: fuzz/run.sh [target ...]   (default: every target)
set -u
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
seconds=${FUZZ_SECONDS:-600}
logs=${FUZZ_LOGS:-$here/logs}
# cargo-fuzz passes flags only a nightly compiler takes; RUSTC_BOOTSTRAP lets stable take them.
export RUSTC_BOOTSTRAP=1
seeds() { (cd "$root" && cargo run --quiet --all-features --example fuzz-seeds -- "$@"); }
targets=${*:-$(seeds list)} || exit 1
mkdir -p "$logs"
failed=""
for target in $targets; do
    if [ ! -d "$here/corpus/$target" ]; then
        seeds write "$here/corpus" "$target" || exit 1
    fi
    artifacts="$here/artifacts/$target"
    mkdir -p "$artifacts"
    echo "$(date -u +%FT%TZ) start $target" >> "$logs/runs.txt"
    (cd "$here" && cargo fuzz run --fuzz-dir "$here" -s none -a "$target" "$here/corpus/$target" -- \
        -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
        -print_final_stats=1 -artifact_prefix="$artifacts/" \
        > "$logs/$target.log" 2>&1)
    rc=$?
    echo "$(date -u +%FT%TZ) end $target rc=$rc" >> "$logs/runs.txt"
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$logs/$target.log" | tail -1)
    echo "$target: rc=$rc, ${runs:-?} executions"
    if [ "$rc" -ne 0 ]; then
        failed="$failed $target"
        tail -n 40 "$logs/$target.log"
        for input in "$artifacts"/*; do
            [ -f "$input" ] || continue
            echo "input: $input"
            echo "base64: $(base64 -w0 "$input")"
        done
    fi
done
if [ -n "$failed" ]; then
    echo "fuzz targets that stopped:$failed"
    exit 1
fi
