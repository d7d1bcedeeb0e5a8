//! The embedded demo: every provider's demo (`usage_bindings::demo`, declared in each provider's
//! module and reached through the registry) served on 127.0.0.1 by the demo's server
//! ([`crate::server`]) with each provider's real paging, and read back through the library's
//! real clients.

use rust_decimal::Decimal;
use usage_bindings::config::Env;
use usage_bindings::cost::{CostSource, Window};
use usage_bindings::{registry, Provider};

use crate::server::Server;

/// The demo server: the routes of every provider's demo on 127.0.0.1, answering any window
/// (and `window` when a request gives none).
pub struct DemoServer {
    server: Server,
}

impl DemoServer {
    /// Starts the server.
    pub async fn start(window: Window) -> std::io::Result<DemoServer> {
        let routes = registry::descriptors()
            .flat_map(|descriptor| (descriptor.demo.routes)(window))
            .collect();
        Ok(DemoServer {
            server: Server::start(routes).await?,
        })
    }

    /// The paths of every request received so far, in order.
    pub async fn request_paths(&self) -> Vec<String> {
        self.server.request_paths()
    }

    /// `http://127.0.0.1:<port>`.
    pub fn uri(&self) -> String {
        self.server.uri().to_string()
    }

    /// Real clients for every provider, pointed at the server (with demo keys), their settings
    /// at their defaults.
    pub fn sources(&self) -> Result<Vec<Box<dyn CostSource>>, usage_bindings::Error> {
        self.sources_with(&|_| None)
    }

    /// [`DemoServer::sources`], with the providers' settings (not keys) read from `env` (the
    /// unit a provider's amounts are read in, say).
    pub fn sources_with(
        &self,
        env: Env<'_>,
    ) -> Result<Vec<Box<dyn CostSource>>, usage_bindings::Error> {
        sources_at(&self.uri(), env)
    }
}

/// Real clients for every provider, pointed at a server at `uri` that serves the demo's routes
/// (with demo keys), their settings read from `env`.
pub fn sources_at(
    uri: &str,
    env: Env<'_>,
) -> Result<Vec<Box<dyn CostSource>>, usage_bindings::Error> {
    let mut sources = Vec::new();
    for descriptor in registry::descriptors() {
        sources.extend((descriptor.demo.sources)(uri, env)?);
    }
    Ok(sources)
}

/// How many usage records the demo's sources give for `window`, per provider, counted from the
/// demo's own values.
pub fn record_counts(window: Window) -> Vec<(Provider, usize)> {
    registry::descriptors()
        .map(|descriptor| (descriptor.provider, (descriptor.demo.records)(window)))
        .collect()
}

/// The total of the usage the demo serves for `window`, per provider, summed from the demo's own
/// values rather than through the clients.
pub fn totals(window: Window) -> Vec<(Provider, Decimal)> {
    registry::descriptors()
        .map(|descriptor| (descriptor.provider, (descriptor.demo.total)(window)))
        .collect()
}
