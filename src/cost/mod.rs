//! One exact view of what is spent across providers.
//!
//! - [`CostRecord`]: one amount, exact, in currency units, for a [`Window`] of time, with its
//!   [`Scope`]: ordered `(`[`Dimension`]`, value)` pairs (project, line item, team, app, ...),
//!   and its [`CostKind`] (usage, a breakdown of usage, an invoice).
//! - [`CostSource`]: what each provider module implements (`openai::Costs`, whose grouping the
//!   caller chooses; `northflank::Costs` and `northflank::InvoiceCosts`; `phala::Costs`), and
//!   [`fetch_all`]: any set of sources queried concurrently, one [`ProviderCosts`] each, with the
//!   records of the window, the records outside it counted apart, and the errors met, so that one
//!   provider's failure hides nothing of the others.
//! - Totals: [`totals_by_dimension`], [`totals_by_day`], [`totals_by_provider`],
//!   [`totals_by_scope`], [`totals_by_currency`] (and [`totals_by`] for any key), always per
//!   currency. Sums are exact and checked: a sum that a `Decimal` cannot hold exactly is an
//!   error ([`TotalsError::Inexact`]), never a rounded number.
//!
//! - `focus` (feature `focus`): usage records as a FOCUS 1.2 or 1.0 export (CSV rows, typed
//!   columns) for FinOps tools.
//!
//! Nothing is counted twice: records of different [`CostKind`]s are two views of the same spend
//! (Northflank's invoices bill what its usage records cover; the nodes of an hour's drill-down
//! break down that hour's total), and a total of records of mixed kinds is refused
//! ([`TotalsError::MixedKinds`]). The usage sources give [`CostKind::Usage`] records only.
//!
//! ```
//! use chrono::{TimeZone, Utc};
//! use usage_bindings::cost::{self, CostKind, CostRecord, Dimension, Scope, Window};
//! use usage_bindings::Provider;
//!
//! let day = Utc.with_ymd_and_hms(2026, 11, 3, 0, 0, 0).unwrap();
//! let period = Window::new(day, day + chrono::TimeDelta::days(1)).unwrap();
//! let record = |provider, amount: &str, scope| {
//!     CostRecord::new(provider, period, amount.parse().unwrap(), "USD", scope)
//! };
//! let line = |project: &str, line_item: &str| {
//!     Scope::new()
//!         .with(Dimension::Project, project)
//!         .with(Dimension::LineItem, line_item)
//! };
//! let gpu = Scope::new().with(Dimension::App, "9f3c2a").with(Dimension::UsageType, "gpu");
//! let records = vec![
//!     record(Provider::OpenAi, "0.06", line("proj_1", "gpt-4o, input")),
//!     record(Provider::OpenAi, "0.0825", line("proj_1", "file search tool calls")),
//!     record(Provider::OpenAi, "1.5", line("proj_2", "gpt-4o, output")),
//!     record(Provider::Phala, "2.49", gpu),
//! ];
//! let by_project = cost::totals_by_dimension(&records, Dimension::Project)?;
//! let usd = |project: Option<&str>| (project.map(str::to_string), "USD".to_string());
//! assert_eq!(by_project[&usd(Some("proj_1"))].to_string(), "0.1425");
//! assert_eq!(by_project[&usd(Some("proj_2"))].to_string(), "1.5");
//! // Records not broken down by project are summed apart, so the totals cover everything.
//! assert_eq!(by_project[&usd(None)].to_string(), "2.49");
//! let by_provider = cost::totals_by_provider(&records)?;
//! assert_eq!(by_provider[&(Provider::OpenAi, "USD".to_string())].to_string(), "1.6425");
//!
//! // An invoice of the same spend is never added to usage.
//! let invoice = record(Provider::Phala, "2.49", Scope::new()).with_kind(CostKind::Invoice);
//! let mixed = [records[3].clone(), invoice];
//! assert!(matches!(
//!     cost::totals_by_currency(&mixed),
//!     Err(cost::TotalsError::MixedKinds { .. })
//! ));
//! # Ok::<(), cost::TotalsError>(())
//! ```

mod facts;
#[cfg(feature = "focus")]
#[cfg_attr(docsrs, doc(cfg(feature = "focus")))]
pub mod focus;
mod key;
mod record;
mod scope;
mod source;
mod totals;

pub use facts::{FocusFacts, ResourceRule, SkuRule};
pub use key::{keyed, reconcile, Changes, RecordKey};
pub use record::{BillingAccount, CostKind, CostRecord, Details, Quantity, Window};
pub use scope::{Dimension, ParseDimensionError, Scope};
#[allow(unused_imports)] // Used by the sources whose rows name no account.
pub(crate) use source::billed_to;
pub use source::{
    collect, fetch, fetch_all, fetch_all_with_progress, fetch_invoices, CostSource, Progress,
    ProviderCosts, Sources,
};
pub use totals::{
    totals_by, totals_by_currency, totals_by_day, totals_by_dimension, totals_by_provider,
    totals_by_scope, Totals, TotalsError,
};
