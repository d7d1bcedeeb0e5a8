//! `northflank::types::GetInvoiceResponse`: decode arbitrary bytes; what decodes must survive encode + decode unchanged;
//! what does not goes through the crate's decode-error path.
#![no_main]

use libfuzzer_sys::fuzz_target;
use usage_bindings::northflank::{types::GetInvoiceResponse, Settings};

fuzz_target!(|data: &[u8]| {
    fuzz_common::round_trip::<Settings, GetInvoiceResponse>(data);
});
