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
    // A JSON number that is not an integer reads as the shortest text of its f64, whatever
    // shortcut the decoder takes: the same value and the same scale (the digits shown) as
    // parsing that text. (Integers are read exactly, as integers.)
    let float = serde_json::from_slice::<serde_json::Number>(data)
        .ok()
        .and_then(|number| number.is_f64().then(|| number.as_f64()).flatten());
    if let Some(number) = float {
        if number.is_finite() {
            let mut buffer = ryu::Buffer::new();
            let text = buffer.format_finite(number);
            let from_text = text.parse::<Amount>().ok();
            let from_json = serde_json::from_slice::<Amount>(data).ok();
            assert_eq!(from_json, from_text, "{text}");
            if let (Some(a), Some(b)) = (from_json, from_text) {
                // Whole numbers are read as integers (`12`, not `12.0`); others keep the scale.
                if number.fract() != 0.0 {
                    assert_eq!(a.value().scale(), b.value().scale(), "{text}");
                }
            }
        }
    }
});

fn check_round_trip(amount: Amount) {
    let encoded =
        serde_json::to_string(&amount).unwrap_or_else(|e| panic!("{amount} does not encode: {e}"));
    let again: Amount = serde_json::from_str(&encoded)
        .unwrap_or_else(|e| panic!("{amount} encodes as {encoded}, which does not decode: {e}"));
    assert_eq!(amount, again, "{amount} encodes as {encoded}");
}
