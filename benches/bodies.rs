//! Large, realistic response bodies, generated deterministically (no big files in the repository).
//!
//! Shared by `benches/decode.rs`, `benches/paging.rs`, `examples/memory-probe.rs` and the peer
//! baseline crate `benches/baseline/` (each includes this file with `#[path]`), so that every
//! decoder is fed the same bytes. std only, so that every includer can use it.
//!
//! The shapes follow the specs and the test fixtures: compact JSON as the APIs send it, every
//! field the APIs fill in for the chosen grouping, amounts written the way the providers write
//! them (OpenAI: f64 products with their noise digits, `0.5124999999999999`; Northflank: cents
//! with four decimals; Phala: USD with six decimals).
#![allow(dead_code)]

use std::fmt::Write;

/// 2024-11-01T00:00:00Z, the first bucket of the OpenAI pages.
pub const START: i64 = 1_730_419_200;
/// One day in seconds.
pub const DAY: i64 = 86_400;

/// splitmix64: small, fast and the same on every machine.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Self(seed ^ 0x9E37_79B9_7F4A_7C15)
    }

    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n`.
    pub fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }

    /// `len` characters of `[A-Za-z0-9]`, like OpenAI's ids.
    pub fn id(&mut self, out: &mut String, len: usize) {
        const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
        for _ in 0..len {
            out.push(ALPHABET[self.below(ALPHABET.len() as u64) as usize] as char);
        }
    }

    /// `len` lowercase hex digits.
    pub fn hex(&mut self, out: &mut String, len: usize) {
        for _ in 0..len {
            out.push(char::from_digit(self.below(16) as u32, 16).unwrap());
        }
    }
}

const MODELS: &[&str] = &[
    "gpt-4o-2024-08-06",
    "gpt-4o-mini-2024-07-18",
    "gpt-4.1-2025-04-14",
    "gpt-4.1-mini-2025-04-14",
    "o3-2025-04-16",
    "o4-mini-2025-04-16",
    "gpt-5-2025-08-07",
    "text-embedding-3-large",
];

const LINE_ITEMS: &[(&str, &str, f64)] = &[
    ("gpt-4o-2024-08-06, input", "tokens", 2.5e-6),
    ("gpt-4o-2024-08-06, output", "tokens", 1.0e-5),
    ("gpt-4o-mini-2024-07-18, input", "tokens", 1.5e-7),
    ("gpt-4o-mini-2024-07-18, cached input", "tokens", 7.5e-8),
    ("gpt-4.1-2025-04-14, output", "tokens", 8.0e-6),
    ("o3-2025-04-16, input", "tokens", 2.0e-6),
    ("file search tool calls", "1000_tokens", 2.5e-3),
    ("vector store storage", "gibibyte_hours", 1.0e-1 / 24.0),
    ("web search tool calls", "calls", 2.5e-2),
];

/// A pool of `n` ids with a prefix (`proj_`, `key_`), so that results repeat their projects and
/// keys as real grouped pages do.
fn pool(rng: &mut Rng, prefix: &str, len: usize, n: usize) -> Vec<String> {
    (0..n)
        .map(|_| {
            let mut id = prefix.to_string();
            rng.id(&mut id, len);
            id
        })
        .collect()
}

/// An OpenAI usage or costs page: `buckets` daily buckets of `per_bucket` results, each written
/// by `result` (about `result_bytes` long), and the page's paging members.
fn openai_page(
    buckets: usize,
    per_bucket: usize,
    result_bytes: usize,
    next_page: Option<&str>,
    mut rng: Rng,
    mut result: impl FnMut(&mut String, &mut Rng),
) -> Vec<u8> {
    let mut out = String::with_capacity(buckets * per_bucket * result_bytes + 256);
    out.push_str(r#"{"object":"page","data":["#);
    for b in 0..buckets {
        if b > 0 {
            out.push(',');
        }
        let start = START + b as i64 * DAY;
        write!(
            out,
            r#"{{"object":"bucket","start_time":{start},"end_time":{},"results":["#,
            start + DAY
        )
        .unwrap();
        for r in 0..per_bucket {
            if r > 0 {
                out.push(',');
            }
            result(&mut out, &mut rng);
        }
        out.push_str("]}");
    }
    match next_page {
        Some(page) => write!(out, r#"],"has_more":true,"next_page":"{page}"}}"#).unwrap(),
        None => out.push_str(r#"],"has_more":false,"next_page":null}"#),
    }
    out.into_bytes()
}

/// An OpenAI completions usage page: `buckets` daily buckets of `per_bucket` results grouped by
/// project, API key and model (31 × 500: about 5.5 MB).
pub fn openai_completions_page(
    buckets: usize,
    per_bucket: usize,
    seed: u64,
    next_page: Option<&str>,
) -> Vec<u8> {
    let mut rng = Rng::new(seed);
    let projects = pool(&mut rng, "proj_", 24, 40);
    let keys = pool(&mut rng, "key_", 16, 60);
    openai_page(buckets, per_bucket, 360, next_page, rng, |out, rng| {
        let input = rng.below(5_000_000) + 1_000;
        let cached = input / (2 + rng.below(8));
        let output = input / (3 + rng.below(10));
        let audio_in = if rng.below(10) == 0 {
            rng.below(50_000)
        } else {
            0
        };
        let audio_out = if audio_in > 0 { rng.below(20_000) } else { 0 };
        write!(
            out,
            concat!(
                r#"{{"object":"organization.usage.completions.result","#,
                r#""input_tokens":{},"output_tokens":{},"input_cached_tokens":{},"#,
                r#""input_uncached_tokens":{},"input_audio_tokens":{},"output_audio_tokens":{},"#,
                r#""num_model_requests":{},"project_id":"{}","user_id":null,"#,
                r#""api_key_id":"{}","model":"{}","batch":{},"service_tier":"{}"}}"#,
            ),
            input,
            output,
            cached,
            input - cached,
            audio_in,
            audio_out,
            rng.below(20_000) + 1,
            projects[rng.below(projects.len() as u64) as usize],
            keys[rng.below(keys.len() as u64) as usize],
            MODELS[rng.below(MODELS.len() as u64) as usize],
            rng.below(4) == 0,
            if rng.below(5) == 0 { "flex" } else { "default" },
        )
        .unwrap();
    })
}

/// An OpenAI costs page: `buckets` daily buckets of `per_bucket` results grouped by project and
/// line item (31 × 500: about 3.4 MB).
pub fn openai_costs_page(
    buckets: usize,
    per_bucket: usize,
    seed: u64,
    next_page: Option<&str>,
) -> Vec<u8> {
    let mut rng = Rng::new(seed);
    let projects = pool(&mut rng, "proj_", 24, 40);
    openai_page(buckets, per_bucket, 220, next_page, rng, |out, rng| {
        let (line_item, unit, rate) = LINE_ITEMS[rng.below(LINE_ITEMS.len() as u64) as usize];
        let quantity = match unit {
            "tokens" => (rng.below(20_000_000) + 1) as f64,
            "gibibyte_hours" => (rng.below(2_400) + 1) as f64 / 100.0,
            _ => (rng.below(5_000) + 1) as f64,
        };
        // The server multiplies in binary floating point and prints the f64: noise digits.
        let value = quantity * rate;
        write!(
            out,
            concat!(
                r#"{{"object":"organization.costs.result","#,
                r#""amount":{{"value":{},"currency":"usd"}},"line_item":"{}","#,
                r#""project_id":"{}","quantity":{},"quantity_unit":"{}"}}"#,
            ),
            value,
            line_item,
            projects[rng.below(projects.len() as u64) as usize],
            quantity,
            unit,
        )
        .unwrap();
    })
}

/// USD with six decimals, from micro-dollars.
fn micros(out: &mut String, value: u64) {
    write!(out, "{}.{:06}", value / 1_000_000, value % 1_000_000).unwrap();
}

/// Cents with four decimals, from 1/10000 cents; a zero is sent as `0`.
fn cents(out: &mut String, value: u64) {
    if value == 0 {
        out.push('0');
    } else {
        write!(out, "{}.{:04}", value / 10_000, value % 10_000).unwrap();
    }
}

/// A Phala Cloud app usage page of `records` metered usage records (5000: about 2.9 MB). `offset`
/// shifts the hours, so that consecutive pages differ.
pub fn phala_page(records: usize, offset: u64, seed: u64) -> Vec<u8> {
    let mut rng = Rng::new(seed ^ offset);
    let instances: Vec<String> = (0..8)
        .map(|_| {
            let mut id = String::new();
            for (i, len) in [8, 4, 4, 4, 12].into_iter().enumerate() {
                if i > 0 {
                    id.push('-');
                }
                rng.hex(&mut id, len);
            }
            id
        })
        .collect();
    let mut app = String::new();
    rng.hex(&mut app, 40);
    let mut out = String::with_capacity(records * 600 + 64);
    out.push_str(r#"{"usage":["#);
    let mut total_micros = 0u64;
    for i in 0..records {
        if i > 0 {
            out.push(',');
        }
        let hour = offset + i as u64;
        let (day, h) = (1 + (hour / 24) % 28, hour % 24);
        let instance = &instances[rng.below(instances.len() as u64) as usize];
        let storage = rng.below(3) == 0;
        let cost = if storage {
            rng.below(2_000) + 1
        } else {
            58_000 * (1 + rng.below(4))
        };
        total_micros += cost;
        write!(
            out,
            concat!(
                r#"{{"instance_id":"{}","project_id":{},"team_id":{},"#,
                r#""timestamp":"2026-11-{:02}T{:02}:00:00Z","event_type":"{}","cost":"#,
            ),
            instance,
            4821 + rng.below(3),
            1377,
            day,
            h,
            if storage {
                "disk_metered"
            } else {
                "cvm_metered"
            },
        )
        .unwrap();
        micros(&mut out, cost);
        let details = if storage {
            format!(
                r#"{{\"disk_size_gb\":{},\"rate_per_gb_month\":\"0.0125\"}}"#,
                20 * (1 + rng.below(5))
            )
        } else {
            r#"{\"instance_type\":\"tdx.small\",\"vcpu\":1,\"memory_mb\":2048,\"rate_per_hour\":\"0.058\"}"#
                .to_string()
        };
        let duration = if rng.below(10) == 0 {
            format!("{}.{:03}", rng.below(60), rng.below(1000))
        } else {
            "60".to_string()
        };
        let usage_type = if storage { "storage" } else { "compute" };
        write!(
            out,
            concat!(
                r#","details":"{}","usage_type":"{}","billing_start":"2026-11-{:02}","#,
                r#""billing_end":"2026-11-{:02}","duration_minutes":{},"#,
                r#""billing_key":"{}:{}:2026-11-{:02}T{:02}","#,
                r#""billing_hour":"2026-11-{:02} {:02}:00:00","billing_day":"2026-11-{:02}"}}"#,
            ),
            details, usage_type, day, day, duration, app, usage_type, day, h, day, h, day,
        )
        .unwrap();
    }
    write!(out, r#"],"total":{records},"total_cost":"#).unwrap();
    micros(&mut out, total_micros);
    out.push('}');
    out.into_bytes()
}

/// `"price":{"total":…,"cpu":…,"memory":…,"storage":…,"gpu":…}` with a total that is the sum.
fn paas_price(out: &mut String, rng: &mut Rng, scale: u64) {
    let cpu = rng.below(scale);
    let memory = cpu / 2;
    let storage = rng.below(scale / 4 + 1);
    let gpu = if rng.below(8) == 0 {
        rng.below(scale)
    } else {
        0
    };
    out.push_str(r#""price":{"total":"#);
    cents(out, cpu + memory + storage + gpu);
    out.push_str(r#","cpu":"#);
    cents(out, cpu);
    out.push_str(r#","memory":"#);
    cents(out, memory);
    out.push_str(r#","storage":"#);
    cents(out, storage);
    out.push_str(r#","gpu":"#);
    cents(out, gpu);
    out.push('}');
}

const RESOURCE_TYPES: &[&str] = &["service", "job", "addon", "volume", "llm-model-deployment"];

/// A Northflank get usage drill-down of one hour: `teams` × `projects` × `types` resource types
/// × `resources` resources, every node with its price (20 × 20 × 5 × 20: about 8 MB).
pub fn northflank_drilldown(
    teams: usize,
    projects: usize,
    types: usize,
    resources: usize,
) -> Vec<u8> {
    let mut rng = Rng::new(7);
    let mut out = String::with_capacity(teams * projects * types * resources * 200 + 1024);
    out.push_str(r#"{"data":{"timestamp":1780999200,"paasUsage":{"#);
    paas_price(&mut out, &mut rng, 100_000_000);
    out.push_str(r#","teams":["#);
    for t in 0..teams {
        if t > 0 {
            out.push(',');
        }
        write!(out, r#"{{"id":"team-{t:02}","name":"Team {t:02}","#).unwrap();
        paas_price(&mut out, &mut rng, 10_000_000);
        out.push_str(r#","projects":["#);
        for p in 0..projects {
            if p > 0 {
                out.push(',');
            }
            write!(
                out,
                r#"{{"id":"project-{t:02}-{p:02}","name":"Project {t:02}/{p:02}","#
            )
            .unwrap();
            paas_price(&mut out, &mut rng, 1_000_000);
            out.push_str(r#","resourceTypes":["#);
            for k in 0..types {
                if k > 0 {
                    out.push(',');
                }
                let kind = RESOURCE_TYPES[k % RESOURCE_TYPES.len()];
                write!(out, r#"{{"resourceType":"{kind}","#).unwrap();
                paas_price(&mut out, &mut rng, 200_000);
                out.push_str(r#","resources":["#);
                for r in 0..resources {
                    if r > 0 {
                        out.push(',');
                    }
                    write!(
                        out,
                        r#"{{"id":"{kind}-{t:02}{p:02}{r:02}","name":"{kind}-{r:02}","#
                    )
                    .unwrap();
                    paas_price(&mut out, &mut rng, 20_000);
                    out.push('}');
                }
                out.push_str("]}");
            }
            out.push_str("]}");
        }
        out.push_str("]}");
    }
    out.push_str(r#"]},"byocUsage":{"price":{"total":"#);
    cents(&mut out, 815_689);
    out.push_str(r#","vcpu":451200,"memory":225600,"gpuMemory":0,"cluster":138889}}},"#);
    out.push_str(r#""pagination":{"hasNextPage":false,"count":1}}"#);
    out.into_bytes()
}

/// The cursor of Northflank list usage page `index` (base64 of a JSON position, as Northflank's).
pub fn northflank_cursor(index: usize) -> String {
    format!("eyJwYWdlIjo{index:06}fQ==")
}

/// The page index of a cursor made by [`northflank_cursor`].
pub fn northflank_cursor_index(cursor: &str) -> Option<usize> {
    cursor
        .strip_prefix("eyJwYWdlIjo")?
        .strip_suffix("fQ==")?
        .parse()
        .ok()
}

/// Northflank list usage page `index` of `pages`: `entries` hourly entries, newest first, with
/// the cursor of the next page while there is one (100 entries: about 23 kB).
pub fn northflank_list_page(entries: usize, index: usize, pages: usize) -> Vec<u8> {
    let mut rng = Rng::new(index as u64);
    let newest = 1_780_999_200 - (index * entries) as i64 * 3_600;
    let mut out = String::with_capacity(entries * 240 + 256);
    out.push_str(r#"{"data":{"usage":["#);
    for e in 0..entries {
        if e > 0 {
            out.push(',');
        }
        write!(
            out,
            r#"{{"timestamp":{},"paasUsage":{{"#,
            newest - e as i64 * 3_600
        )
        .unwrap();
        paas_price(&mut out, &mut rng, 20_000_000);
        out.push_str(r#"},"byocUsage":{"price":{"total":"#);
        let vcpu = rng.below(500_000);
        let memory = vcpu / 2;
        let cluster = 138_889;
        cents(&mut out, vcpu + memory + cluster);
        out.push_str(r#","vcpu":"#);
        cents(&mut out, vcpu);
        out.push_str(r#","memory":"#);
        cents(&mut out, memory);
        out.push_str(r#","gpuMemory":0,"cluster":"#);
        cents(&mut out, cluster);
        out.push_str("}}}");
    }
    out.push_str(r#"]},"pagination":{"#);
    if index + 1 < pages {
        write!(
            out,
            r#""hasNextPage":true,"cursor":"{}","count":{entries}}}}}"#,
            northflank_cursor(index + 1)
        )
        .unwrap();
    } else {
        write!(out, r#""hasNextPage":false,"count":{entries}}}}}"#).unwrap();
    }
    out.into_bytes()
}

/// The four decode bodies of the benchmark, by name: `(name, bytes)`.
pub fn decode_bodies() -> Vec<(&'static str, Vec<u8>)> {
    vec![
        (
            "openai_completions_31x500",
            openai_completions_page(31, 500, 1, None),
        ),
        ("openai_costs_31x500", openai_costs_page(31, 500, 2, None)),
        ("phala_5000", phala_page(5000, 0, 3)),
        (
            "northflank_get_usage_20x20x5x20",
            northflank_drilldown(20, 20, 5, 20),
        ),
    ]
}
