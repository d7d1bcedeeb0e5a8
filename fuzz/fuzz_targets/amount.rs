//! `usage_bindings::Amount` from text (`FromStr`) and from JSON (serde): what parses must survive
//! encode + decode unchanged, and text and JSON string must agree.
#![no_main]

use libfuzzer_sys::fuzz_target;
use usage_bindings::Amount;

fuzz_target!(|data: &[u8]| {
    // From text.
    if let Ok(text) = std::str::from_utf8(data) {
        match text.parse::<Amount>() {
            Ok(amount) => {
                // The same text as a JSON string reads as the same amount.
                let quoted = serde_json::to_string(text).unwrap();
                let from_json: Amount = serde_json::from_str(&quoted)
                    .unwrap_or_else(|e| panic!("{text:?} parses but not as a JSON string: {e}"));
                assert_eq!(amount, from_json);
                check_round_trip(amount);
                // Display reads back as the same amount.
                assert_eq!(amount.to_string().parse::<Amount>().ok(), Some(amount));
            }
            Err(error) => assert!(!error.to_string().is_empty()),
        }
    }
    // From JSON (number, string, anything else).
    if let Ok(amount) = serde_json::from_slice::<Amount>(data) {
        check_round_trip(amount);
    }
});

fn check_round_trip(amount: Amount) {
    let encoded =
        serde_json::to_string(&amount).unwrap_or_else(|e| panic!("{amount} does not encode: {e}"));
    let again: Amount = serde_json::from_str(&encoded)
        .unwrap_or_else(|e| panic!("{amount} encodes as {encoded}, which does not decode: {e}"));
    assert_eq!(amount, again, "{amount} encodes as {encoded}");
}
