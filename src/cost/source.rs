//! [`CostSource`]: where records come from, and [`fetch_all`]: every source of a set at once.

use futures::stream::BoxStream;
use futures::StreamExt;

use super::{CostRecord, Window};
use crate::{Error, Provider};

/// Where cost records come from: a provider's client and what to ask it for. Each provider
/// module has its own (`openai::Costs`, `northflank::Costs`, `northflank::InvoiceCosts`,
/// `phala::Costs`); [`fetch_all`] takes any set of them.
pub trait CostSource: Send + Sync {
    /// Who charges what the records are of.
    fn provider(&self) -> Provider;

    /// Which of the provider's sources this is, as a store keys its records
    /// ([`RecordKey::source`](super::RecordKey::source)): `usage` (the default) or `invoices`.
    fn name(&self) -> &'static str {
        "usage"
    }

    /// The records of `window`, every page: an error is an item and the stream may go on
    /// after it (a stream of pages ends after its error; a chain of streams, such as one per
    /// app, goes on with the next). A provider may answer with records outside `window` (its
    /// periods are coarser, or its API has no time filter): [`fetch_all`] counts them apart.
    fn records(&self, window: Window) -> BoxStream<'_, Result<CostRecord, Error>>;

    /// The balance of the account this source reads (credits left), as one line for people,
    /// when the provider has one; `None` otherwise (the default). Live, not a cost record.
    fn balance(&self) -> Option<futures::future::BoxFuture<'_, Result<String, Error>>> {
        None
    }

    /// The invoices of the account this source reads, as [`CostKind::Invoice`] records whose
    /// scope names the invoice ([`Dimension::Invoice`]) and whose period is what it bills, when
    /// the provider has an invoices API; `None` otherwise (the default). What a FOCUS export
    /// reads its `InvoiceId` from ([`fetch_invoices`]); never added to usage.
    ///
    /// [`CostKind::Invoice`]: super::CostKind::Invoice
    /// [`Dimension::Invoice`]: super::Dimension::Invoice
    fn invoices(&self) -> Option<BoxStream<'_, Result<CostRecord, Error>>> {
        None
    }
}

/// Every invoice of every source that has them ([`CostSource::invoices`]), in the order of
/// `sources`; the first error when any failed (an export whose invoices are partly unknown would
/// leave ids out that look like charges no invoice bills).
pub async fn fetch_invoices(sources: &[&dyn CostSource]) -> Result<Vec<CostRecord>, Error> {
    let mut invoices = Vec::new();
    for source in sources {
        if let Some(stream) = source.invoices() {
            let mut stream = std::pin::pin!(stream);
            while let Some(invoice) = stream.next().await {
                invoices.push(invoice?);
            }
        }
    }
    Ok(invoices)
}

/// What one source gave: every record of the window fetched, and every error met. Records
/// fetched before an error stay; a source with errors may still have records.
#[derive(Debug)]
pub struct ProviderCosts {
    /// The provider.
    pub provider: Provider,
    /// The records whose period lies wholly inside the window ([`Window::holds`]), in the order
    /// fetched.
    pub records: Vec<CostRecord>,
    /// How many records the provider returned whose period is not wholly inside the window
    /// (before it, after it, or across an edge, such as a day bucket that starts inside and
    /// ends after the window): they are not in `records`, so they are counted in no total.
    pub outside_window: usize,
    /// What failed (empty when everything was fetched).
    pub errors: Vec<Error>,
}

impl ProviderCosts {
    /// Whether everything was fetched.
    pub fn is_complete(&self) -> bool {
        self.errors.is_empty()
    }

    /// The records, or the first error when anything failed: a total of an incomplete fetch
    /// would be a partial total that looks whole. (The other errors, the records fetched before
    /// them and `outside_window` stay readable on `self` for whoever needs them.)
    pub fn into_records(self) -> Result<Vec<CostRecord>, Error> {
        match self.errors.into_iter().next() {
            Some(error) => Err(error),
            None => Ok(self.records),
        }
    }
}

/// Cost sources of any providers, owned.
pub type Sources = Vec<Box<dyn CostSource>>;

/// Called after each record fetched with the provider and its number of records so far.
pub type Progress<'p> = &'p (dyn Fn(Provider, usize) + Sync);

/// Fetches `window` from every source, concurrently. One [`ProviderCosts`] per source, in the
/// order of `sources`.
///
/// Providers answer in their own periods (OpenAI days, Northflank and Phala hours, Phala billing
/// days as a fallback) and may return more than asked: only records whose period lies wholly
/// inside `window` are kept; the others are counted in [`ProviderCosts::outside_window`].
pub async fn fetch_all(sources: &[&dyn CostSource], window: Window) -> Vec<ProviderCosts> {
    fetch_all_with_progress(sources, window, &|_, _| {}).await
}

/// [`fetch_all`], calling `progress` after each record.
pub async fn fetch_all_with_progress(
    sources: &[&dyn CostSource],
    window: Window,
    progress: Progress<'_>,
) -> Vec<ProviderCosts> {
    futures::future::join_all(
        sources
            .iter()
            .map(|source| fetch_with_progress(*source, window, progress)),
    )
    .await
}

/// The records of one source in `window` (see [`fetch_all`]).
pub async fn fetch(source: &dyn CostSource, window: Window) -> ProviderCosts {
    fetch_with_progress(source, window, &|_, _| {}).await
}

async fn fetch_with_progress(
    source: &dyn CostSource,
    window: Window,
    progress: Progress<'_>,
) -> ProviderCosts {
    collect(source.provider(), window, source.records(window), progress).await
}

/// Every item of `records`: the records inside `window` ([`Window::holds`]) are kept, the others
/// counted, the errors kept, and the stream goes on to its end. `progress` is called after each
/// record kept.
pub async fn collect<S>(
    provider: Provider,
    window: Window,
    records: S,
    progress: Progress<'_>,
) -> ProviderCosts
where
    S: futures::Stream<Item = Result<CostRecord, Error>>,
{
    let mut costs = ProviderCosts {
        provider,
        records: Vec::new(),
        outside_window: 0,
        errors: Vec::new(),
    };
    let mut records = std::pin::pin!(records);
    while let Some(item) = records.next().await {
        match item {
            Ok(record) if window.holds(&record.period) => {
                costs.records.push(record);
                progress(provider, costs.records.len());
            }
            Ok(_) => costs.outside_window += 1,
            Err(error) => costs.errors.push(error),
        }
    }
    costs
}

/// `records`, each billed to `account` when one is given: the setting of a source whose API names
/// no account (OpenAI's and Anthropic's organization, Northflank's on the org route). Without
/// one, a record keeps the account it came with.
#[allow(dead_code)] // Used by the sources whose rows name no account; which are built depends on features.
pub(crate) fn billed_to<'a>(
    records: impl futures::Stream<Item = Result<CostRecord, Error>> + Send + 'a,
    account: Option<super::BillingAccount>,
) -> BoxStream<'a, Result<CostRecord, Error>> {
    records
        .map(move |record| match &account {
            Some(account) => record.map(|record| record.with_billing_account(account.clone())),
            None => record,
        })
        .boxed()
}
