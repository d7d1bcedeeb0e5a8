//! Anthropic's decoders: arbitrary bytes as each of its three report bodies and its error body;
//! what decodes must survive encode + decode unchanged; what does not goes through the crate's
//! decode-error path.
#![no_main]

use libfuzzer_sys::fuzz_target;
use usage_bindings::anthropic::types::{
    ClaudeCodeUsageReport, CostReport, ErrorResponse, MessagesUsageReport,
};
use usage_bindings::anthropic::Settings;

fuzz_target!(|data: &[u8]| {
    fuzz_common::round_trip::<Settings, MessagesUsageReport>(data);
    fuzz_common::round_trip::<Settings, CostReport>(data);
    fuzz_common::round_trip::<Settings, ClaudeCodeUsageReport>(data);
    fuzz_common::round_trip::<Settings, ErrorResponse>(data);
});
