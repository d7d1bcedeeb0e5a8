//! The checks of the row `provider_bodies` of `usage_bindings::__fuzz::targets()`: every
//! provider's typed-body round trips that have no target of their own.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| usage_bindings::__fuzz::run("provider_bodies", data));
