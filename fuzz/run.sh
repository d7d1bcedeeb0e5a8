#!/bin/sh
# Runs fuzz targets one after another (never two at once), each for $FUZZ_SECONDS (default 600),
# one libFuzzer job and worker, seeding empty corpora first. Logs go to $FUZZ_LOGS (default
# fuzz/logs, not committed): <target>.log (cargo) and <target>/fuzz-0.log (libFuzzer's own).
# Usage: fuzz/run.sh [target ...]   (default: every target)
set -u
here=$(cd "$(dirname "$0")" && pwd)
seconds=${FUZZ_SECONDS:-600}
logs=${FUZZ_LOGS:-$here/logs}
targets=${*:-"openai_usage_response openai_error_response northflank_list_usage_response northflank_get_usage_response northflank_list_invoices_response northflank_get_invoice_response northflank_credit_balance_response northflank_error_response phala_app_usage_response phala_error_response anthropic_responses error_envelopes amount"}
export RUSTC_BOOTSTRAP=1
mkdir -p "$logs"
for target in $targets; do
    [ -d "$here/corpus/$target" ] || "$here/seed.sh" "$target"
    mkdir -p "$logs/$target"
    echo "$(date -u +%FT%TZ) start $target" >> "$logs/runs.txt"
    (cd "$logs/$target" && cargo fuzz run --fuzz-dir "$here" -s none -a "$target" \
        "$here/corpus/$target" -- \
        -max_total_time="$seconds" -jobs=1 -workers=1 -timeout=10 -rss_limit_mb=2048 \
        -print_final_stats=1 -artifact_prefix="$here/artifacts/$target/" \
        > "$logs/$target.log" 2>&1)
    echo "$(date -u +%FT%TZ) end $target rc=$?" >> "$logs/runs.txt"
done
