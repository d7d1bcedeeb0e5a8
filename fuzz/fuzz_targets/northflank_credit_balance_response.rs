//! The checks of the row `northflank_credit_balance_response` of `usage_bindings::__fuzz::TARGETS`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| usage_bindings::__fuzz::run("northflank_credit_balance_response", data));
