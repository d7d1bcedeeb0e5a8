#!/bin/sh
# Seeds fuzz/corpus/<target>/ from the crate's fixtures and hostile bodies (copied at run time;
# corpora are not committed). Usage: fuzz/seed.sh [target ...]  (default: every target)
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
fixtures=$root/tests/fixtures
hostile=$root/tests/hostile

# seed <target> <file>...: copies the files under a name that keeps their origin.
seed() {
    target=$1
    shift
    mkdir -p "$here/corpus/$target"
    for file in "$@"; do
        [ -f "$file" ] || continue
        cp "$file" "$here/corpus/$target/$(basename "$(dirname "$file")")__$(basename "$file")"
    done
}

targets=${*:-"openai_usage_response openai_error_response northflank_list_usage_response northflank_get_usage_response northflank_list_invoices_response northflank_get_invoice_response northflank_credit_balance_response northflank_error_response phala_app_usage_response phala_error_response anthropic_responses error_envelopes amount"}
for target in $targets; do
    case $target in
        openai_usage_response) seed "$target" "$fixtures"/openai/usage_*.json "$hostile"/* ;;
        openai_error_response) seed "$target" "$fixtures"/openai/error.*.json "$hostile"/* ;;
        northflank_list_usage_response) seed "$target" "$fixtures"/northflank/list_*usage.*.json "$hostile"/* ;;
        northflank_get_usage_response) seed "$target" "$fixtures"/northflank/get_*usage.*.json "$hostile"/* ;;
        northflank_list_invoices_response) seed "$target" "$fixtures"/northflank/list_*invoices.*.json "$hostile"/* ;;
        northflank_get_invoice_response) seed "$target" "$fixtures"/northflank/get_*invoice.*.json "$hostile"/* ;;
        northflank_credit_balance_response) seed "$target" "$fixtures"/northflank/get_*credit_balance.*.json "$hostile"/* ;;
        northflank_error_response) seed "$target" "$fixtures"/northflank/error.*.json "$hostile"/* ;;
        phala_app_usage_response) seed "$target" "$fixtures"/phala/get_*.json "$hostile"/* ;;
        phala_error_response) seed "$target" "$fixtures"/phala/error.*.json "$hostile"/* ;;
        anthropic_responses) seed "$target" "$fixtures"/anthropic/*.json "$hostile"/* ;;
        error_envelopes) seed "$target" "$fixtures"/*/error.*.json "$hostile"/* ;;
        amount)
            seed "$target" "$hostile"/*amount*.json "$hostile"/*number*.json "$hostile"/*integer*.json \
                "$hostile"/nan_* "$hostile"/infinity_* "$hostile"/json_*.json
            # Amounts as text, as the specs' decimal fields carry them.
            mkdir -p "$here/corpus/amount"
            i=0
            for text in 0.06 '"12.50"' '"0E-6176"' 1e-7 '"1.5e3"' -0.06 \
                79228162514264337593543950335 '"0.0000000000000000000000000001"' \
                '"123456789012345678901234.5678"' 1234.5678 '"  7 "' '"-0"'; do
                printf '%s' "$text" > "$here/corpus/amount/text_$i"
                i=$((i + 1))
            done
            ;;
        *) echo "unknown target $target" >&2; exit 1 ;;
    esac
done
