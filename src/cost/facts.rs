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
    /// The dimension whose value is `SubAccountId`.
    pub sub_account: Dimension,
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
