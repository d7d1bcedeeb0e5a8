//! [`FocusFacts`]: how a FOCUS export names a provider and its records, declared by each
//! provider in its registry entry (`registry::Descriptor::focus`).

use super::Dimension;

/// How a FOCUS export names a provider and its records.
#[derive(Clone, Copy, Debug)]
#[non_exhaustive]
pub struct FocusFacts {
    /// `ProviderName`, `PublisherName`, `InvoiceIssuerName`.
    pub name: &'static str,
    /// `ServiceName`, unless the record's billing part names another.
    pub service: &'static str,
    /// `ServiceName` by value of [`Dimension::BillingPart`].
    pub services_by_part: &'static [(&'static str, &'static str)],
    /// `ServiceCategory`, one of FOCUS's values.
    pub service_category: &'static str,
    /// `ServiceSubcategory` (FOCUS 1.2), one of FOCUS's values under
    /// [`service_category`](Self::service_category).
    pub service_subcategory: &'static str,
    /// `BillingAccountType` (FOCUS 1.2): what the billing account is, in the provider's words
    /// (`Organization`).
    pub billing_account_type: &'static str,
    /// The dimension whose value is `SubAccountId`.
    pub sub_account: Dimension,
    /// `SubAccountType` (FOCUS 1.2) of a row that has a `SubAccountId` (`Project`).
    pub sub_account_type: &'static str,
    /// Where `SkuId` and `SkuMeter` (FOCUS 1.2) come from.
    pub sku: SkuRule,
    /// Where `ResourceId` comes from.
    pub resource: ResourceRule,
    /// How its records get a billing account, for an export that finds one without.
    pub account_hint: &'static str,
    /// The [`Details`](crate::cost::Details) its records may carry, each written in a custom
    /// column: `(detail key, column)` (`("service_tier", "x_ServiceTier")`).
    pub detail_columns: &'static [(&'static str, &'static str)],
}

/// Where a record's FOCUS `ResourceId` comes from.
#[derive(Clone, Copy, Debug)]
#[non_exhaustive]
pub enum ResourceRule {
    /// The value of [`Dimension::Resource`], qualified by the values of these dimensions that
    /// the scope holds (`<team>/<project>/<resource type>/<resource>`), so that it is unique;
    /// `ResourceType` is the value of [`Dimension::ResourceType`].
    Path(&'static [Dimension]),
    /// The value of [`Dimension::Instance`], of this `ResourceType`.
    Instance(&'static str),
    /// The value of [`Dimension::Resource`] as it is, if any.
    Resource,
}

/// Where a record's FOCUS `SkuId` and `SkuMeter` come from: the dimensions that name what was
/// consumed (a model, a token type, a line item).
#[derive(Clone, Copy, Debug)]
#[non_exhaustive]
pub struct SkuRule {
    /// `SkuId`: the values of these dimensions that the scope holds, joined by `/`; empty when
    /// it holds none of them.
    pub id: &'static [Dimension],
    /// `SkuMeter`: the value of the first of these dimensions that the scope holds, on a row
    /// with a `SkuId`.
    pub meter: &'static [Dimension],
}

impl SkuRule {
    /// No SKU: the provider names nothing consumed apart from the service.
    pub const NONE: SkuRule = SkuRule {
        id: &[],
        meter: &[],
    };

    /// `SkuId` from `id`, `SkuMeter` from `meter`.
    pub const fn new(id: &'static [Dimension], meter: &'static [Dimension]) -> SkuRule {
        SkuRule { id, meter }
    }
}
