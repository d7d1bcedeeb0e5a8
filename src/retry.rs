//! When and how long to wait before trying a request again.
//!
//! The policy is pure: it looks at an attempt's outcome and the response headers and answers
//! "retry after this long" or "stop". The transport runs the loop; the provider's
//! [`ProviderSpec`](crate::ProviderSpec) says how its rate-limit headers read and which answers
//! are final.

use std::time::{Duration, SystemTime};

use rand::{Rng, SeedableRng};
use reqwest::header::{HeaderMap, RETRY_AFTER};
use reqwest::StatusCode;

use crate::provider::parse_seconds;

/// How failed requests are retried.
///
/// Retried: HTTP 408, 425, 429, 500, 502, 503, 504 and 529 (overloaded), connection errors,
/// timeouts and bodies cut or stalled while being read, on requests that can be sent again (every
/// operation of this crate is a `GET`). Not retried: other 4xx statuses, 501, 3xx (redirects
/// are not followed), and an answer the provider says is final (OpenAI's exhausted quota). A
/// server-given delay is honoured: `Retry-After` on any retried status, and on a 429 the
/// provider's rate-limit resets ([`ProviderSpec::rate_limit_reset`](crate::ProviderSpec::rate_limit_reset)). Otherwise the wait grows exponentially
/// from [`initial_backoff`](Self::initial_backoff) with jitter, capped at
/// [`max_backoff`](Self::max_backoff). No attempt starts after
/// [`max_elapsed`](Self::max_elapsed): a wait that would end past it returns the last error at
/// once.
///
/// Every value is accepted: durations up to `Duration::MAX` and any number of attempts (0 counts
/// as 1); the arithmetic saturates instead of overflowing.
///
/// Defaults: 4 attempts, 500 ms initial backoff, 30 s max backoff, 120 s total.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RetryPolicy {
    max_attempts: u32,
    initial_backoff: Duration,
    max_backoff: Duration,
    max_elapsed: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            max_attempts: 4,
            initial_backoff: Duration::from_millis(500),
            max_backoff: Duration::from_secs(30),
            max_elapsed: Duration::from_secs(120),
        }
    }
}

/// What an attempt ended with, as far as retrying is concerned.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Outcome {
    /// The server answered with this status.
    Status(StatusCode),
    /// The connection failed, the attempt timed out, or the body was cut or stalled.
    Transport,
    /// An answer that must not be retried whatever its status (the provider says it is final).
    Final,
}

/// The policy's answer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Decision {
    /// Try again after this wait.
    RetryAfter(Duration),
    /// Return this outcome to the caller.
    Stop,
}

impl RetryPolicy {
    /// No retries: one attempt per request.
    pub fn disabled() -> Self {
        Self {
            max_attempts: 1,
            ..Self::default()
        }
    }

    /// Sets the number of attempts (the first included); 0 counts as 1.
    pub fn with_max_attempts(mut self, attempts: u32) -> Self {
        self.max_attempts = attempts.max(1);
        self
    }

    /// Sets the wait before the second attempt when the server gives none.
    pub fn with_initial_backoff(mut self, wait: Duration) -> Self {
        self.initial_backoff = wait;
        self
    }

    /// Sets the cap on a computed wait.
    pub fn with_max_backoff(mut self, wait: Duration) -> Self {
        self.max_backoff = wait;
        self
    }

    /// Sets the time budget of one request: all its attempts and waits.
    pub fn with_max_elapsed(mut self, budget: Duration) -> Self {
        self.max_elapsed = budget;
        self
    }

    /// Attempts in all, the first included; 1 means no retry.
    pub fn max_attempts(&self) -> u32 {
        self.max_attempts
    }

    /// The wait before the second attempt when the server gives none.
    pub fn initial_backoff(&self) -> Duration {
        self.initial_backoff
    }

    /// The longest computed wait between two attempts.
    pub fn max_backoff(&self) -> Duration {
        self.max_backoff
    }

    /// The time budget of all attempts and waits of one request.
    pub fn max_elapsed(&self) -> Duration {
        self.max_elapsed
    }

    /// Whether an outcome is worth another attempt at all.
    pub(crate) fn is_retryable(outcome: Outcome) -> bool {
        match outcome {
            Outcome::Transport => true,
            Outcome::Final => false,
            Outcome::Status(status) => is_retryable_status(status.as_u16()),
        }
    }

    /// Decides what follows attempt number `attempt` (1-based) that ended with `outcome`, `elapsed`
    /// after the request started. `headers` are the response's, if any; `jitter` is a number in
    /// `[0, 1)` (random in production, fixed in tests).
    pub(crate) fn decide(
        &self,
        attempt: u32,
        outcome: Outcome,
        headers: Option<&HeaderMap>,
        elapsed: Duration,
        jitter: f64,
        rate_limit_reset: RateLimitReset,
    ) -> Decision {
        if !Self::is_retryable(outcome) || attempt >= self.max_attempts {
            return Decision::Stop;
        }
        let status = match outcome {
            Outcome::Status(status) => Some(status),
            Outcome::Transport | Outcome::Final => None,
        };
        let asked =
            headers.and_then(|h| requested_delay(status, h, SystemTime::now(), rate_limit_reset));
        let wait = match asked {
            Some(server) => server,
            None => self.backoff(attempt, jitter),
        };
        if elapsed.saturating_add(wait) > self.max_elapsed {
            return Decision::Stop;
        }
        Decision::RetryAfter(wait)
    }

    /// The computed wait after attempt `attempt`: `initial · 2^(attempt-1)`, capped, then scaled
    /// into `[½, 1]` of itself by `jitter` so that clients spread out.
    pub fn backoff(&self, attempt: u32, jitter: f64) -> Duration {
        let exponent = attempt.saturating_sub(1).min(31);
        let full = self
            .initial_backoff
            .saturating_mul(1u32 << exponent)
            .min(self.max_backoff);
        // In whole nanoseconds and parts per million: `Duration::mul_f64` panics when the product
        // does not fit (a `max_backoff` near `Duration::MAX`), and a NaN jitter would too.
        const MILLION: u128 = 1_000_000;
        let jitter = if jitter.is_finite() {
            jitter.clamp(0.0, 1.0)
        } else {
            0.0
        };
        let share = MILLION / 2 + (jitter * (MILLION / 2) as f64) as u128;
        // At most about 1.8e28 ns times a million: far within a u128.
        let nanos = full.as_nanos() * share / MILLION;
        from_nanos_saturating(nanos)
    }

    /// A fresh jitter value for [`decide`](Self::decide).
    pub(crate) fn jitter() -> f64 {
        // Without OS randomness (a failure of the platform), half of the delay's spread.
        rand::rngs::SmallRng::try_from_os_rng().map_or(0.5, |mut rng| rng.random::<f64>())
    }
}

/// A duration of `nanos` nanoseconds, or `Duration::MAX` when that does not fit.
fn from_nanos_saturating(nanos: u128) -> Duration {
    const BILLION: u128 = 1_000_000_000;
    match u64::try_from(nanos / BILLION) {
        Ok(secs) => Duration::new(secs, (nanos % BILLION) as u32),
        Err(_) => Duration::MAX,
    }
}

/// How a provider reads the wait a 429 asks for from its own rate-limit headers
/// ([`crate::ProviderSpec::rate_limit_reset`]).
pub(crate) type RateLimitReset = fn(&HeaderMap) -> Option<Duration>;

/// Whether an HTTP status is worth another attempt.
pub(crate) fn is_retryable_status(status: u16) -> bool {
    matches!(status, 408 | 425 | 429 | 500 | 502 | 503 | 504 | 529)
}

/// The wait a server asks for: `Retry-After` (seconds or an HTTP date) when present and
/// readable, else the provider's own rate-limit reset headers.
pub(crate) fn server_delay(
    headers: &HeaderMap,
    now: SystemTime,
    rate_limit_reset: RateLimitReset,
) -> Option<Duration> {
    retry_after(headers, now).or_else(|| rate_limit_reset(headers))
}

/// `Retry-After`, in seconds or as an HTTP date (a date past gives no wait).
fn retry_after(headers: &HeaderMap, now: SystemTime) -> Option<Duration> {
    let value = headers.get(RETRY_AFTER)?.to_str().ok()?.trim();
    parse_seconds(value).or_else(|| {
        httpdate::parse_http_date(value)
            .ok()
            .map(|date| date.duration_since(now).unwrap_or(Duration::ZERO))
    })
}

/// The wait a response with `status` asks for: `Retry-After` on any status, the provider's
/// rate-limit resets (see [`server_delay`]) on a 429 only. A provider may send its reset headers
/// on every response (Northflank's `x-ratelimit-reset`, when the hourly window resets): on a 5xx
/// that is not a wait asked for, and honouring it would give up on a retryable error whenever the
/// window resets later than the budget.
pub(crate) fn requested_delay(
    status: Option<StatusCode>,
    headers: &HeaderMap,
    now: SystemTime,
    rate_limit_reset: RateLimitReset,
) -> Option<Duration> {
    if status == Some(StatusCode::TOO_MANY_REQUESTS) {
        return server_delay(headers, now, rate_limit_reset);
    }
    retry_after(headers, now)
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.insert(*name, HeaderValue::from_str(value).unwrap());
        }
        map
    }

    const NOW: Duration = Duration::from_secs(1_700_000_000);

    /// A provider rule of the two kinds the providers use: Go durations in two headers (the
    /// longer wins), else seconds in one.
    fn sample_reset(headers: &HeaderMap) -> Option<Duration> {
        let text = |name: &str| crate::provider::header_text(headers, name);
        let requests =
            text("x-ratelimit-reset-requests").and_then(crate::provider::parse_go_duration);
        let tokens = text("x-ratelimit-reset-tokens").and_then(crate::provider::parse_go_duration);
        requests
            .max(tokens)
            .or_else(|| text("x-ratelimit-reset").and_then(parse_seconds))
    }

    #[test]
    fn reads_every_server_delay_form() {
        let now = SystemTime::UNIX_EPOCH + NOW;
        let at = |h: &[(&'static str, &str)]| server_delay(&headers(h), now, sample_reset);
        assert_eq!(at(&[("retry-after", "1")]), Some(Duration::from_secs(1)));
        assert_eq!(
            at(&[("retry-after", "0.5")]),
            Some(Duration::from_millis(500))
        );
        let in_ten = httpdate::fmt_http_date(now + Duration::from_secs(10));
        assert_eq!(
            at(&[("retry-after", &in_ten)]),
            Some(Duration::from_secs(10))
        );
        let past = httpdate::fmt_http_date(now - Duration::from_secs(10));
        assert_eq!(at(&[("retry-after", &past)]), Some(Duration::ZERO));
        assert_eq!(
            at(&[("x-ratelimit-reset-requests", "1s")]),
            Some(Duration::from_secs(1))
        );
        assert_eq!(
            at(&[("x-ratelimit-reset-requests", "6m0s")]),
            Some(Duration::from_secs(360))
        );
        assert_eq!(
            at(&[("x-ratelimit-reset-requests", "20ms")]),
            Some(Duration::from_millis(20))
        );
        assert_eq!(
            at(&[("x-ratelimit-reset-requests", "1h2m3.5s")]),
            Some(Duration::from_secs_f64(3723.5))
        );
        assert_eq!(
            at(&[("x-ratelimit-reset-tokens", "1.5s")]),
            Some(Duration::from_millis(1500))
        );
        // Requests and tokens reset separately: the longer wait, whichever header it is in.
        assert_eq!(
            at(&[
                ("x-ratelimit-reset-requests", "20ms"),
                ("x-ratelimit-reset-tokens", "6m0s")
            ]),
            Some(Duration::from_secs(360))
        );
        assert_eq!(
            at(&[
                ("x-ratelimit-reset-requests", "2s"),
                ("x-ratelimit-reset-tokens", "1s")
            ]),
            Some(Duration::from_secs(2))
        );
        // One unreadable header does not hide the other.
        assert_eq!(
            at(&[
                ("x-ratelimit-reset-requests", "soon"),
                ("x-ratelimit-reset-tokens", "1s")
            ]),
            Some(Duration::from_secs(1))
        );
        assert_eq!(
            at(&[("x-ratelimit-reset", "42")]),
            Some(Duration::from_secs(42))
        );
        // Retry-After wins over the rate-limit headers.
        assert_eq!(
            at(&[("retry-after", "2"), ("x-ratelimit-reset", "42")]),
            Some(Duration::from_secs(2))
        );
        for junk in ["", "-1", "soon", "NaN", "inf", "1x", "s", "1e99"] {
            assert_eq!(at(&[("retry-after", junk)]), None, "{junk}");
            assert_eq!(at(&[("x-ratelimit-reset-requests", junk)]), None, "{junk}");
            assert_eq!(at(&[("x-ratelimit-reset-tokens", junk)]), None, "{junk}");
        }
        assert_eq!(at(&[]), None);
    }

    #[test]
    fn backoff_doubles_is_capped_and_jittered() {
        let policy = RetryPolicy::default()
            .with_initial_backoff(Duration::from_millis(100))
            .with_max_backoff(Duration::from_millis(1000));
        assert_eq!(policy.backoff(1, 1.0), Duration::from_millis(100));
        assert_eq!(policy.backoff(2, 1.0), Duration::from_millis(200));
        assert_eq!(policy.backoff(3, 1.0), Duration::from_millis(400));
        assert_eq!(policy.backoff(5, 1.0), Duration::from_millis(1000));
        assert_eq!(policy.backoff(60, 1.0), Duration::from_millis(1000));
        assert_eq!(policy.backoff(1, 0.0), Duration::from_millis(50));
        assert_eq!(policy.backoff(2, 0.5), Duration::from_millis(150));
    }

    #[test]
    fn decides_what_to_retry() {
        let policy = RetryPolicy::default().with_initial_backoff(Duration::from_millis(100));
        let retry = |status: u16| {
            policy.decide(
                1,
                Outcome::Status(StatusCode::from_u16(status).unwrap()),
                None,
                Duration::ZERO,
                1.0,
                sample_reset,
            )
        };
        for status in [408, 425, 429, 500, 502, 503, 504, 529] {
            assert_eq!(
                retry(status),
                Decision::RetryAfter(Duration::from_millis(100)),
                "{status}"
            );
        }
        for status in [
            200, 301, 302, 307, 400, 401, 403, 404, 409, 422, 501, 505, 530,
        ] {
            assert_eq!(retry(status), Decision::Stop, "{status}");
        }
        assert_eq!(
            policy.decide(
                1,
                Outcome::Transport,
                None,
                Duration::ZERO,
                1.0,
                sample_reset
            ),
            Decision::RetryAfter(Duration::from_millis(100))
        );
        assert_eq!(
            policy.decide(1, Outcome::Final, None, Duration::ZERO, 1.0, sample_reset),
            Decision::Stop
        );
    }

    #[test]
    fn stops_after_max_attempts() {
        let policy = RetryPolicy::default().with_max_attempts(3);
        let outcome = Outcome::Status(StatusCode::INTERNAL_SERVER_ERROR);
        assert!(matches!(
            policy.decide(2, outcome, None, Duration::ZERO, 0.0, sample_reset),
            Decision::RetryAfter(_)
        ));
        assert_eq!(
            policy.decide(3, outcome, None, Duration::ZERO, 0.0, sample_reset),
            Decision::Stop
        );
        assert_eq!(
            RetryPolicy::disabled().decide(1, outcome, None, Duration::ZERO, 0.0, sample_reset),
            Decision::Stop
        );
    }

    #[test]
    fn rate_limit_resets_are_waits_on_a_429_only() {
        let policy = RetryPolicy::default()
            .with_initial_backoff(Duration::from_millis(100))
            .with_max_elapsed(Duration::from_secs(10));
        let status = |code: u16| Outcome::Status(StatusCode::from_u16(code).unwrap());
        for reset in [
            headers(&[("x-ratelimit-reset", "1834")]),
            headers(&[("x-ratelimit-reset-requests", "6m0s")]),
        ] {
            // On a 429 the reset is the wait, here past the budget.
            assert_eq!(
                policy.decide(
                    1,
                    status(429),
                    Some(&reset),
                    Duration::ZERO,
                    1.0,
                    sample_reset
                ),
                Decision::Stop
            );
            // On a 5xx it is only the rate-limit window: the computed backoff applies.
            for code in [500, 502, 503, 504] {
                assert_eq!(
                    policy.decide(
                        1,
                        status(code),
                        Some(&reset),
                        Duration::ZERO,
                        1.0,
                        sample_reset
                    ),
                    Decision::RetryAfter(Duration::from_millis(100)),
                    "{code}"
                );
            }
        }
        // Retry-After is honoured on a 503 too.
        let retry_after = headers(&[("retry-after", "2"), ("x-ratelimit-reset", "1834")]);
        assert_eq!(
            policy.decide(
                1,
                status(503),
                Some(&retry_after),
                Duration::ZERO,
                1.0,
                sample_reset
            ),
            Decision::RetryAfter(Duration::from_secs(2))
        );
        let now = SystemTime::UNIX_EPOCH + NOW;
        let in_five = httpdate::fmt_http_date(now + Duration::from_secs(5));
        assert_eq!(
            requested_delay(
                Some(StatusCode::SERVICE_UNAVAILABLE),
                &headers(&[("retry-after", &in_five)]),
                now,
                sample_reset,
            ),
            Some(Duration::from_secs(5))
        );
        assert_eq!(
            requested_delay(
                None,
                &headers(&[("x-ratelimit-reset", "5")]),
                now,
                sample_reset
            ),
            None
        );
    }

    #[test]
    fn honours_the_server_delay_within_the_budget() {
        let policy = RetryPolicy::default().with_max_elapsed(Duration::from_secs(10));
        let too_many = Outcome::Status(StatusCode::TOO_MANY_REQUESTS);
        let wait = headers(&[("retry-after", "3")]);
        assert_eq!(
            policy.decide(
                1,
                too_many,
                Some(&wait),
                Duration::from_secs(1),
                0.0,
                sample_reset
            ),
            Decision::RetryAfter(Duration::from_secs(3))
        );
        // A wait that would end past the budget returns the error at once.
        assert_eq!(
            policy.decide(
                1,
                too_many,
                Some(&wait),
                Duration::from_secs(8),
                0.0,
                sample_reset
            ),
            Decision::Stop
        );
        let long = headers(&[("x-ratelimit-reset-requests", "6m0s")]);
        assert_eq!(
            policy.decide(1, too_many, Some(&long), Duration::ZERO, 0.0, sample_reset),
            Decision::Stop
        );
    }

    #[test]
    fn extreme_policies_do_not_panic() {
        let huge = RetryPolicy {
            max_attempts: u32::MAX,
            initial_backoff: Duration::MAX,
            max_backoff: Duration::MAX,
            max_elapsed: Duration::MAX,
        };
        // Scaling `Duration::MAX` by a float would panic.
        assert_eq!(huge.backoff(1, 1.0), Duration::MAX);
        assert_eq!(
            huge.backoff(1, 0.0),
            Duration::new(u64::MAX / 2, 999_999_999)
        );
        assert_eq!(huge.backoff(1, f64::NAN), huge.backoff(1, 0.0));
        let outcome = Outcome::Status(StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(
            huge.decide(1, outcome, None, Duration::ZERO, 1.0, sample_reset),
            Decision::RetryAfter(Duration::MAX)
        );
        assert_eq!(
            huge.decide(u32::MAX, outcome, None, Duration::MAX, 1.0, sample_reset),
            Decision::Stop
        );
        let zero = RetryPolicy {
            max_attempts: 0,
            initial_backoff: Duration::ZERO,
            max_backoff: Duration::ZERO,
            max_elapsed: Duration::ZERO,
        };
        assert_eq!(
            zero.decide(1, outcome, None, Duration::ZERO, 1.0, sample_reset),
            Decision::Stop
        );
        assert_eq!(zero.backoff(u32::MAX, 1.0), Duration::ZERO);
    }

    fn any_duration() -> impl proptest::strategy::Strategy<Value = Duration> {
        use proptest::prelude::*;
        prop_oneof![
            Just(Duration::ZERO),
            Just(Duration::MAX),
            (0u64..=u64::MAX, 0u32..1_000_000_000).prop_map(|(s, n)| Duration::new(s, n)),
            (0u64..100_000).prop_map(Duration::from_millis),
        ]
    }

    proptest::proptest! {
        /// Any policy, attempt, elapsed time, jitter and server wait gives an answer without
        /// panicking, and the answer keeps to the policy.
        #[test]
        fn any_policy_decides_without_panicking(
            max_attempts in proptest::prop_oneof![proptest::strategy::Just(0u32), proptest::strategy::Just(u32::MAX), proptest::num::u32::ANY],
            initial in any_duration(),
            max_backoff in any_duration(),
            max_elapsed in any_duration(),
            elapsed in any_duration(),
            attempt in proptest::num::u32::ANY,
            jitter in proptest::num::f64::ANY,
            status in proptest::prop_oneof![proptest::strategy::Just(429u16), proptest::strategy::Just(503), 100u16..1000],
            retry_after in proptest::option::of("[0-9]{1,12}(\\.[0-9]{1,3})?"),
            reset in proptest::option::of("([0-9]{1,6}(h|m|s|ms|us|ns)){1,3}"),
        ) {
            let policy = RetryPolicy { max_attempts, initial_backoff: initial, max_backoff, max_elapsed };
            let computed = policy.backoff(attempt, jitter);
            proptest::prop_assert!(computed <= max_backoff);
            let mut pairs: Vec<(&'static str, &str)> = Vec::new();
            if let Some(value) = &retry_after {
                pairs.push(("retry-after", value));
            }
            if let Some(value) = &reset {
                pairs.push(("x-ratelimit-reset-tokens", value));
            }
            let headers = headers(&pairs);
            let Ok(status) = StatusCode::from_u16(status) else { return Ok(()); };
            for outcome in [Outcome::Status(status), Outcome::Transport, Outcome::Final] {
                match policy.decide(attempt, outcome, Some(&headers), elapsed, jitter, sample_reset) {
                    Decision::Stop => {}
                    Decision::RetryAfter(wait) => {
                        proptest::prop_assert!(attempt < max_attempts);
                        proptest::prop_assert!(elapsed.saturating_add(wait) <= max_elapsed);
                    }
                }
            }
        }
    }
}
