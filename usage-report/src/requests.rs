//! [`RequestCount`]: how many requests each provider was sent, counted from the library's
//! `usage_request` spans (one per attempt, retries included) by a minimal `tracing` subscriber.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing::{Event, Metadata, Subscriber};
use usage_bindings::Provider;

/// The name of the span the library opens for each attempt of a request.
const REQUEST_SPAN: &str = "usage_request";

/// Requests per provider, shared with the subscriber that counts them.
#[derive(Clone, Default)]
pub struct RequestCount {
    counts: Arc<Mutex<HashMap<String, usize>>>,
}

impl RequestCount {
    /// A subscriber counting into this count; install it with
    /// `tracing::subscriber::set_global_default` (or `with_default` for a scope).
    pub fn subscriber(&self) -> impl Subscriber + Send + Sync + 'static {
        Counter {
            counts: Arc::clone(&self.counts),
            next_id: AtomicU64::new(1),
        }
    }

    /// The requests sent to `provider` so far.
    pub fn get(&self, provider: Provider) -> usize {
        let name = provider.to_string();
        match self.counts.lock() {
            Ok(counts) => counts.get(&name).copied().unwrap_or(0),
            Err(poisoned) => poisoned.into_inner().get(&name).copied().unwrap_or(0),
        }
    }
}

struct Counter {
    counts: Arc<Mutex<HashMap<String, usize>>>,
    next_id: AtomicU64,
}

/// Reads the `provider` field of a span.
struct ProviderField(Option<String>);

impl Visit for ProviderField {
    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        if field.name() == "provider" {
            self.0 = Some(format!("{value:?}"));
        }
    }

    fn record_str(&mut self, field: &Field, value: &str) {
        if field.name() == "provider" {
            self.0 = Some(value.to_string());
        }
    }
}

impl Subscriber for Counter {
    fn enabled(&self, metadata: &Metadata<'_>) -> bool {
        metadata.is_span() && metadata.name() == REQUEST_SPAN
    }

    fn new_span(&self, span: &Attributes<'_>) -> Id {
        let mut field = ProviderField(None);
        span.record(&mut field);
        if let Some(provider) = field.0 {
            match self.counts.lock() {
                Ok(mut counts) => *counts.entry(provider).or_insert(0) += 1,
                Err(poisoned) => *poisoned.into_inner().entry(provider).or_insert(0) += 1,
            }
        }
        // Ids must be non-zero and distinct while the span lives.
        Id::from_u64(self.next_id.fetch_add(1, Ordering::Relaxed).max(1))
    }

    fn record(&self, _span: &Id, _values: &Record<'_>) {}

    fn record_follows_from(&self, _span: &Id, _follows: &Id) {}

    fn event(&self, _event: &Event<'_>) {}

    fn enter(&self, _span: &Id) {}

    fn exit(&self, _span: &Id) {}
}
