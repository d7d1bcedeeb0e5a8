//! OpenAI.
//!
//! DOCS_PLACEHOLDER

mod config;

pub use config::{Config, Settings};

/// The client generated from `openapi/openai.yaml`.
#[allow(
    missing_docs,
    unused_imports,
    clippy::all,
    rustdoc::bare_urls,
    rustdoc::broken_intra_doc_links,
    rustdoc::invalid_html_tags
)]
mod generated {
    include!(concat!(env!("OUT_DIR"), "/openai.rs"));
}

pub use generated::{builder, types, Client, ResponseValue};

/// What an operation's `.send()` returns on failure: a transport error, an undecodable body,
/// or the API's error response (status, headers and decoded body).
pub type OperationError = progenitor_client::Error<types::ErrorResponse>;

provider_client!(Settings);
