//! The checks of the row `phala_error_response` of `usage_bindings::__fuzz::TARGETS`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| usage_bindings::__fuzz::run("phala_error_response", data));
