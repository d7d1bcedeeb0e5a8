//! `usage-report sync`: for each provider source, the range to read ([`plan`]: the first sync
//! from `--since`, a later one from the synced point less the re-read hours), its complete walk,
//! then one store transaction ([`Store::write`]). A source whose walk fails writes nothing and
//! keeps its synced range; the others are written.

use chrono::{DateTime, Datelike, DurationRound, Months, NaiveDate, TimeDelta, Utc};
use futures::stream::FuturesUnordered;
use futures::StreamExt;
use usage_bindings::cost::{self, CostSource, Window};
use usage_bindings::registry::Freshness;
use usage_bindings::Provider;

use crate::requests::RequestCount;
use crate::store::{Store, Written};

/// The source name of a provider's usage records (the default [`CostSource::name`]): what
/// reports and budgets read from a store.
pub const USAGE: &str = "usage";

/// The source name under which a provider's invoices are kept (see
/// [`CostSource::invoices`]): every invoice the provider lists, read whole on each sync.
pub const INVOICES: &str = "invoices";

/// The range of the invoices: all time (their list has no time filter, so each answer is
/// complete for every period).
pub fn all_time() -> Window {
    Window {
        start: DateTime::UNIX_EPOCH,
        end: NaiveDate::from_ymd_opt(9999, 12, 31)
            .and_then(|day| day.and_hms_opt(0, 0, 0))
            .map_or(DateTime::<Utc>::MAX_UTC, |time| time.and_utc()),
    }
}

/// What a sync was asked for, beside the sources.
#[derive(Clone, Copy, Debug)]
pub struct Options {
    /// Where a source's first sync starts (`--since`); later syncs ignore it unless it is
    /// before the synced range, which it then extends.
    pub since: Option<NaiveDate>,
    /// Hours read again before the synced point (`--reread`); each provider's own default
    /// ([`Freshness::reread_hours`]) without it.
    pub reread_hours: Option<u32>,
    /// The time the sync runs at.
    pub now: DateTime<Utc>,
}

/// The range one source reads.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Planned {
    /// `[start, end)`.
    pub range: Window,
    /// Why it starts later than asked, when it does (the provider serves no older records).
    pub note: Option<String>,
}

/// The first day of the month before `now`'s, UTC: where a first sync starts by default.
pub fn default_since(now: DateTime<Utc>) -> Option<NaiveDate> {
    now.date_naive()
        .with_day(1)?
        .checked_sub_months(Months::new(1))
}

fn midnight(day: NaiveDate) -> Option<DateTime<Utc>> {
    Some(day.and_hms_opt(0, 0, 0)?.and_utc())
}

/// The range a sync of a source with `freshness` reads, given its synced range: `None` when
/// there is nothing to read yet (the last bucket is not over).
///
/// It ends at the last bucket boundary before `now` (a bucket still running is not read) and
/// starts at the UTC midnight on or before the synced point less the re-read hours, or on
/// `--since` for a first sync. It never starts before the oldest day the provider serves.
pub fn plan(
    freshness: &Freshness,
    synced: Option<Window>,
    options: &Options,
) -> Result<Option<Planned>, String> {
    let out_of_range = || "the dates are out of range".to_string();
    let end = options
        .now
        .duration_trunc(freshness.bucket.length())
        .map_err(|error| error.to_string())?;
    let since = match options.since {
        Some(since) => Some(since),
        None if synced.is_none() => Some(default_since(options.now).ok_or_else(out_of_range)?),
        None => None,
    };
    let since = since
        .map(midnight)
        .map(|day| day.ok_or_else(out_of_range))
        .transpose()?;
    let mut start = match synced {
        None => since.ok_or_else(out_of_range)?,
        Some(synced) => {
            let reread = TimeDelta::hours(i64::from(
                options.reread_hours.unwrap_or(freshness.reread_hours),
            ));
            let from = synced
                .end
                .min(end)
                .checked_sub_signed(reread)
                .ok_or_else(|| "--reread reaches before any date".to_string())?;
            let from = midnight(from.date_naive()).ok_or_else(out_of_range)?;
            // `--since` before the synced range reads the days before it too.
            match since {
                Some(since) if since < synced.start => since.min(from),
                _ => from,
            }
        }
    };
    let mut note = None;
    if let Some(days) = freshness.history_days {
        let today = midnight(options.now.date_naive()).ok_or_else(out_of_range)?;
        let oldest = today - TimeDelta::days(i64::from(days));
        if start < oldest {
            note = Some(format!(
                "serves only the last {days} completed days: reading from {}",
                oldest.format("%Y-%m-%d")
            ));
            start = oldest;
            if let Some(synced) = synced {
                if synced.end < oldest {
                    return Err(format!(
                        "its records from {} to {} are no longer served (it keeps {days} days): \
                         the store would have a gap",
                        synced.end.format("%Y-%m-%d %H:%M"),
                        oldest.format("%Y-%m-%d %H:%M")
                    ));
                }
            }
        }
    }
    Ok(Window::new(start, end).map(|range| Planned { range, note }))
}

/// What happened to one source.
#[derive(Debug)]
pub struct Outcome {
    /// The provider.
    pub provider: Provider,
    /// The source's name (`usage`).
    pub source: &'static str,
    /// The range read, if any.
    pub range: Option<Window>,
    /// Why the range starts later than asked, when it does.
    pub note: Option<String>,
    /// The requests sent (retries included).
    pub requests: usize,
    /// What was written, when the walk completed and the write succeeded.
    pub written: Option<Written>,
    /// What was written of the provider's invoices, for a source that reads them.
    pub invoices: Option<Written>,
    /// The synced range after the sync.
    pub synced: Option<Window>,
    /// Why nothing was written, when something failed.
    pub error: Option<String>,
}

impl Outcome {
    /// One line for people.
    pub fn line(&self) -> String {
        let day = |time: DateTime<Utc>| time.format("%Y-%m-%d %H:%M").to_string();
        let range = match self.range {
            Some(range) => format!(
                "read {} to {} in {} request{}",
                day(range.start),
                day(range.end),
                self.requests,
                if self.requests == 1 { "" } else { "s" }
            ),
            None => "nothing to read yet".to_string(),
        };
        let synced = match self.synced {
            Some(synced) => format!("synced {} to {}", day(synced.start), day(synced.end)),
            None => "never synced".to_string(),
        };
        match (&self.error, &self.written) {
            (Some(error), _) => format!(
                "{}: FAILED, nothing written ({range}; {synced}): {error}",
                self.provider
            ),
            (None, Some(w)) => format!(
                "{}: {range}: {} inserted, {} revised, {} deleted, {} unchanged{}; {synced}",
                self.provider,
                w.inserted,
                w.revised,
                w.deleted,
                w.unchanged,
                match &self.invoices {
                    Some(i) => format!(
                        "; invoices: {} inserted, {} revised, {} deleted, {} unchanged",
                        i.inserted, i.revised, i.deleted, i.unchanged
                    ),
                    None => String::new(),
                }
            ),
            (None, None) => format!("{}: {range}; {synced}", self.provider),
        }
    }
}

/// Syncs every source into `store`: the walks run at once; each source that completes is
/// written in its own transaction as soon as it completes. One [`Outcome`] per source, in the
/// order of `sources`.
pub async fn sync(
    store: &mut Store,
    sources: &[&dyn CostSource],
    options: &Options,
    requests: &RequestCount,
    progress: cost::Progress<'_>,
) -> Vec<Outcome> {
    let mut outcomes = Vec::with_capacity(sources.len());
    let mut walks = FuturesUnordered::new();
    for (index, source) in sources.iter().enumerate() {
        let provider = source.provider();
        let mut outcome = Outcome {
            provider,
            source: source.name(),
            range: None,
            note: None,
            requests: 0,
            written: None,
            invoices: None,
            synced: None,
            error: None,
        };
        let planned = match (
            provider.descriptor(),
            store.synced_range(provider, source.name()).await,
        ) {
            (None, _) => Err(format!("{provider} is not built into this usage-report")),
            (_, Err(error)) => Err(error.to_string()),
            (Some(descriptor), Ok(synced)) => {
                outcome.synced = synced;
                plan(&descriptor.freshness, synced, options)
            }
        };
        match planned {
            Err(error) => outcome.error = Some(error),
            Ok(None) => {}
            Ok(Some(planned)) => {
                outcome.range = Some(planned.range);
                outcome.note = planned.note;
                let range = planned.range;
                walks.push(async move {
                    let costs =
                        cost::collect(provider, range, source.records(range), progress).await;
                    // The invoices, only once the usage is whole (a failed walk writes nothing).
                    let invoices = match source.invoices() {
                        Some(invoices) if costs.is_complete() => {
                            Some(cost::collect(provider, all_time(), invoices, &|_, _| {}).await)
                        }
                        _ => None,
                    };
                    (index, costs, invoices)
                });
            }
        }
        outcomes.push(outcome);
    }
    while let Some((index, costs, invoices)) = walks.next().await {
        let outcome = &mut outcomes[index];
        outcome.requests = requests.get(outcome.provider);
        let Some(range) = outcome.range else { continue };
        let incomplete = [Some(&costs), invoices.as_ref()]
            .into_iter()
            .flatten()
            .find(|walk| !walk.is_complete());
        if let Some(walk) = incomplete {
            let errors: Vec<String> = walk.errors.iter().map(ToString::to_string).collect();
            outcome.error = Some(format!(
                "the walk did not complete ({} records fetched): {}",
                walk.records.len(),
                errors.join("; ")
            ));
            continue;
        }
        let mut parts = vec![(outcome.source.to_string(), range, costs.records)];
        if let Some(invoices) = invoices {
            parts.push((INVOICES.to_string(), all_time(), invoices.records));
        }
        match store.write_sources(outcome.provider, parts).await {
            Ok(written) => {
                let mut written = written.into_iter();
                outcome.written = written.next();
                outcome.invoices = written.next();
                outcome.synced = outcome.written.and_then(|written| written.synced);
            }
            Err(error) => outcome.error = Some(error.to_string()),
        }
    }
    outcomes
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;
    use usage_bindings::registry::{self, Bucket};

    use super::*;

    fn at(d: u32, h: u32, m: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 12, d, h, m, 0).unwrap()
    }

    fn freshness(bucket: Bucket, history: Option<u32>) -> Freshness {
        let mut freshness = registry::descriptors()
            .map(|descriptor| descriptor.freshness)
            .find(|freshness| freshness.bucket == bucket)
            .unwrap();
        freshness.reread_hours = 48;
        freshness.history_days = history;
        freshness
    }

    fn options(now: DateTime<Utc>) -> Options {
        Options {
            since: None,
            reread_hours: None,
            now,
        }
    }

    #[test]
    fn a_first_sync_starts_on_the_first_of_last_month() {
        let planned = plan(&freshness(Bucket::Day, None), None, &options(at(6, 18, 17)))
            .unwrap()
            .unwrap();
        assert_eq!(
            planned.range.start,
            Utc.with_ymd_and_hms(2026, 11, 1, 0, 0, 0).unwrap()
        );
        assert_eq!(planned.range.end, at(6, 0, 0));
    }

    #[test]
    fn a_later_sync_rereads_from_midnight_before_the_synced_point() {
        let synced = Window::new(at(1, 0, 0), at(6, 18, 0));
        let planned = plan(
            &freshness(Bucket::Hour, None),
            synced,
            &options(at(6, 19, 5)),
        )
        .unwrap()
        .unwrap();
        assert_eq!(
            planned.range,
            Window::new(at(4, 0, 0), at(6, 19, 0)).unwrap()
        );
        let huge = Options {
            reread_hours: Some(u32::MAX),
            ..options(at(6, 19, 5))
        };
        assert!(plan(&freshness(Bucket::Hour, None), synced, &huge).is_err());
        let shorter = Options {
            reread_hours: Some(0),
            ..options(at(6, 19, 5))
        };
        let planned = plan(&freshness(Bucket::Hour, None), synced, &shorter)
            .unwrap()
            .unwrap();
        assert_eq!(planned.range.start, at(6, 0, 0));
    }

    #[test]
    fn a_running_bucket_is_not_read() {
        let synced = Window::new(at(1, 0, 0), at(6, 0, 0));
        let early = Options {
            reread_hours: Some(0),
            ..options(at(6, 0, 20))
        };
        assert_eq!(
            plan(&freshness(Bucket::Day, None), synced, &early).unwrap(),
            None
        );
    }

    #[test]
    fn a_capped_history_starts_at_its_oldest_day() {
        let planned = plan(
            &freshness(Bucket::Day, Some(30)),
            None,
            &options(at(6, 10, 0)),
        )
        .unwrap()
        .unwrap();
        assert_eq!(
            planned.range.start,
            Utc.with_ymd_and_hms(2026, 11, 6, 0, 0, 0).unwrap()
        );
        assert!(planned.note.unwrap().contains("30"));
        let stale = Window::new(
            at(1, 0, 0) - TimeDelta::days(90),
            at(1, 0, 0) - TimeDelta::days(60),
        );
        let error = plan(
            &freshness(Bucket::Day, Some(30)),
            stale,
            &options(at(6, 10, 0)),
        )
        .unwrap_err();
        assert!(error.contains("gap"), "{error}");
    }

    #[test]
    fn since_before_the_synced_range_extends_it() {
        let synced = Window::new(at(1, 0, 0), at(6, 0, 0));
        let earlier = Options {
            since: NaiveDate::from_ymd_opt(2026, 11, 20),
            ..options(at(6, 10, 0))
        };
        let planned = plan(&freshness(Bucket::Day, None), synced, &earlier)
            .unwrap()
            .unwrap();
        assert_eq!(
            planned.range.start,
            Utc.with_ymd_and_hms(2026, 11, 20, 0, 0, 0).unwrap()
        );
    }
}
