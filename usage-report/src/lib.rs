//! The parts of `usage-report` below its command line: the report and its formats
//! ([`report`]), the FOCUS export ([`focus_out`], Parquet with feature `parquet`), the daily
//! chart ([`chart`]), the demo data ([`demo`]) and the server that serves it ([`server`]), the
//! store of synced records ([`store`]), the sync that fills it ([`sync`]), the budget check that
//! reads it ([`budget`]) and the count of requests sent ([`requests`]). The binary
//! (`src/main.rs`) reads flags and keys and puts them together; `tests/` checks them.

pub mod budget;
pub mod chart;
pub mod demo;
pub mod focus_out;
#[cfg(feature = "parquet")]
pub mod parquet;
pub mod report;
pub mod requests;
pub mod server;
pub mod store;
pub mod sync;
