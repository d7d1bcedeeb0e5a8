//! The error-envelope readers: every provider's `ProviderSpec::error_details` on arbitrary
//! bodies, through the crate's `ApiError` as an operation builds it for an error status (JSON
//! or not, excerpt of a non-JSON body, `Display`).
#![no_main]

use libfuzzer_sys::fuzz_target;
use usage_bindings::{anthropic, northflank, openai, phala};

fuzz_target!(|data: &[u8]| {
    // The status is a function of the body so that seeds stay plain bodies.
    let status = 400 + (data.len() % 200) as u16;
    fuzz_common::error_status::<openai::Settings>(status, data);
    fuzz_common::error_status::<northflank::Settings>(status, data);
    fuzz_common::error_status::<phala::Settings>(status, data);
    fuzz_common::error_status::<anthropic::Settings>(status, data);
});
