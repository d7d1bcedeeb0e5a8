//! Sample answers of every provider's API, generated deterministically for any window, and the
//! cost sources that read them (feature `demo`): what `usage-report` serves on 127.0.0.1 when no
//! key is set, and what tests read through the real clients.
//!
//! Each provider's [`Descriptor::demo`](crate::registry::Descriptor::demo) is a [`Demo`]: its
//! [`Route`]s, each answered by a [`Respond`] from a [`Request`] (path and query, no HTTP
//! types: any server can carry them), the sources that read a server serving them, and the total
//! of the usage it serves, summed from its own values.

use chrono::{DateTime, Utc};
use rust_decimal::Decimal;
use serde_json::Value;

use crate::config::Env;
use crate::cost::{Sources, Window};
use crate::Error;

/// The name of the demo's billing accounts.
pub const DEMO_ORG_NAME: &str = "Demo Org";

/// The routes of a demo, each with what answers it.
pub type Routes = Vec<(Route, Box<dyn Respond>)>;

/// One provider's demo.
#[derive(Clone, Copy, Debug)]
#[non_exhaustive]
pub struct Demo {
    /// The routes it answers; `window` is what a request that names none is answered for.
    pub routes: fn(window: Window) -> Routes,
    /// Its usage sources, reading a server at `base_url` that serves [`Demo::routes`], with the
    /// provider's settings (not its key) read from `env`.
    pub sources: fn(base_url: &str, env: Env<'_>) -> Result<Sources, Error>,
    /// The total of the usage it serves for `window`, in currency units, summed from its own
    /// values rather than through a client.
    pub total: fn(window: Window) -> Decimal,
    /// How many usage records its sources give for `window`, counted from its own values.
    pub records: fn(window: Window) -> usize,
    /// The fewest requests a complete sync of `window` takes (its usage, and the invoices its
    /// source reads for FOCUS): every page as full as its server fills them, one request per
    /// route read at least.
    pub requests: fn(window: Window) -> usize,
}

/// A request as a [`Respond`] reads it: its path and its query parameters, decoded.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Request {
    path: String,
    query: Vec<(String, String)>,
}

impl Request {
    /// A request of `path` with the decoded `query` pairs.
    pub fn new(path: impl Into<String>, query: Vec<(String, String)>) -> Request {
        Request {
            path: path.into(),
            query,
        }
    }

    /// The path, without the query.
    pub fn path(&self) -> &str {
        &self.path
    }

    /// The first value of the query parameter `name`.
    pub fn query(&self, name: &str) -> Option<String> {
        self.query
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.clone())
    }

    /// The query parameter `name` as Unix seconds.
    #[allow(dead_code)]
    pub(crate) fn unix_time(&self, name: &str) -> Option<DateTime<Utc>> {
        self.query(name)?
            .parse::<i64>()
            .ok()
            .and_then(|seconds| DateTime::from_timestamp(seconds, 0))
    }

    /// The query parameter `name` as an RFC 3339 time.
    #[allow(dead_code)]
    pub(crate) fn rfc3339_time(&self, name: &str) -> Option<DateTime<Utc>> {
        DateTime::parse_from_rfc3339(&self.query(name)?)
            .ok()
            .map(|time| time.with_timezone(&Utc))
    }
}

/// A status and a JSON body.
#[derive(Clone, Debug, PartialEq)]
pub struct Answer {
    /// The HTTP status.
    pub status: u16,
    /// The JSON body.
    pub body: Value,
}

impl Answer {
    /// `status` with `body`.
    pub fn json(status: u16, body: Value) -> Answer {
        Answer { status, body }
    }
}

/// What answers the requests of one route.
pub trait Respond: Send + Sync + 'static {
    /// The answer to `request`.
    fn respond(&self, request: &Request) -> Answer;
}

/// The requests a route takes, by path.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Route {
    /// This path exactly.
    Path(&'static str),
    /// A path with this start and this end, and no `/` between them (`/api/v1/apps/{id}/usage`).
    Segment(&'static str, &'static str),
}

impl Route {
    /// Whether the route takes `path`.
    pub fn takes(&self, path: &str) -> bool {
        match self {
            Route::Path(route) => path == *route,
            Route::Segment(start, end) => path
                .strip_prefix(start)
                .and_then(|rest| rest.strip_suffix(end))
                .is_some_and(|segment| !segment.is_empty() && !segment.contains('/')),
        }
    }
}

// The helpers below are used by the providers' demos; which are built depends on features.

/// A small deterministic scramble of a number (no randomness: the same hour, the same value).
#[allow(dead_code)]
pub(crate) fn mix(n: i64, salt: i64) -> i64 {
    (n.wrapping_mul(7919)
        .wrapping_add(salt.wrapping_mul(104_729)))
    .rem_euclid(1_000_003)
}

/// The UTC hours `window` touches.
#[allow(dead_code)]
pub(crate) fn hours(window: Window) -> impl Iterator<Item = DateTime<Utc>> {
    let first = window.start.timestamp().div_euclid(3600);
    let last = (window.end.timestamp() - 1).div_euclid(3600);
    (first..=last).filter_map(|h| DateTime::from_timestamp(h * 3600, 0))
}

/// The UTC days `window` touches.
#[allow(dead_code)]
pub(crate) fn days(window: Window) -> impl Iterator<Item = DateTime<Utc>> {
    let first = window.start.timestamp().div_euclid(86_400);
    let last = (window.end.timestamp() - 1).div_euclid(86_400);
    (first..=last).filter_map(|d| DateTime::from_timestamp(d * 86_400, 0))
}

/// A JSON number with exactly the digits of `value`.
#[allow(dead_code)]
pub(crate) fn number(value: Decimal) -> Value {
    // serde_json prints an f64 as its shortest round-trip text, which is `value`'s digits for the
    // few significant digits used here; the client reads them back the same way.
    value
        .to_string()
        .parse::<f64>()
        .ok()
        .and_then(serde_json::Number::from_f64)
        .map_or(Value::Null, Value::Number)
}

/// The window a request asks for, defaulting to the demo's.
#[allow(dead_code)]
pub(crate) fn requested(
    default: Window,
    start: Option<DateTime<Utc>>,
    end: Option<DateTime<Utc>>,
) -> Window {
    Window::new(start.unwrap_or(default.start), end.unwrap_or(default.end)).unwrap_or(default)
}

/// The daily buckets of `window` on the page that `request` asks for (`page=page_<n>`),
/// `per_page` a page, each made by `bucket`; and the next page's token, if any.
#[allow(dead_code)]
pub(crate) fn daily_page(
    request: &Request,
    window: Window,
    per_page: usize,
    bucket: impl Fn(DateTime<Utc>) -> Value,
) -> (Vec<Value>, Option<String>) {
    let days: Vec<DateTime<Utc>> = days(window).collect();
    let page: usize = request
        .query("page")
        .and_then(|page| page.strip_prefix("page_")?.parse().ok())
        .unwrap_or(0);
    let first = page.saturating_mul(per_page);
    let last = first.saturating_add(per_page).min(days.len());
    let buckets = days
        .get(first..last)
        .unwrap_or_default()
        .iter()
        .map(|&day| bucket(day))
        .collect();
    let next_page = (last < days.len()).then(|| format!("page_{}", page + 1));
    (buckets, next_page)
}
