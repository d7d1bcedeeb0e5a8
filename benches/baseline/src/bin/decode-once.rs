//! One decode of one body, for an instruction count that does not depend on the machine's load:
//!
//! ```sh
//! cd benches/baseline && cargo build --release --bin decode-once
//! valgrind --tool=callgrind --toggle-collect='decode_once::decode_once*' \
//!     target/release/decode-once <decoder> <body>
//! ```
//!
//! `<decoder>`: `typed` (`usage_bindings::json::from_slice`, as the clients decode), `value`
//! (`serde_json::Value`), `async_openai` (its `UsageResponse`, as its client decodes) or
//! `ignored_any`. `<body>`: a name of `benches/bodies.rs`'s `decode_bodies()`. Only the decode
//! (and the drop of its value) is counted, not the making of the body (a pattern without the
//! trailing `*`, or one that also matches `decode_once::main`, counts nothing or everything).

use std::hint::black_box;

#[path = "../../../bodies.rs"]
mod bodies;

use async_openai::types::admin::usage::UsageResponse as PeerUsageResponse;

#[inline(never)]
fn decode_once(decoder: &str, name: &str, body: &[u8]) -> bool {
    use usage_bindings::json::from_slice;
    use usage_bindings::{northflank, openai, phala};
    match decoder {
        "typed" if name.starts_with("openai") => {
            from_slice::<openai::types::UsageResponse>(body).is_ok()
        }
        "typed" if name.starts_with("phala") => {
            from_slice::<phala::types::AppUsageResponse>(body).is_ok()
        }
        "typed" => from_slice::<northflank::types::GetUsageResponse>(body).is_ok(),
        "value" => serde_json::from_slice::<serde_json::Value>(body).is_ok(),
        "async_openai" => serde_json::from_slice::<PeerUsageResponse>(body).is_ok(),
        "ignored_any" => serde_json::from_slice::<serde::de::IgnoredAny>(body).is_ok(),
        _ => false,
    }
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [decoder, name] = args.as_slice() else {
        eprintln!("usage: decode-once <typed|value|async_openai|ignored_any> <body>");
        std::process::exit(2);
    };
    let Some((_, body)) = bodies::decode_bodies().into_iter().find(|(n, _)| n == name) else {
        eprintln!("no body {name}");
        std::process::exit(2);
    };
    if !decode_once(black_box(decoder), name, black_box(&body)) {
        eprintln!("{decoder} does not decode {name}");
        std::process::exit(1);
    }
}
