//! Northflank's fuzz targets (feature `fuzzing`): what `usage_bindings::__fuzz` runs for it.

use super::types;
use super::Settings;
use crate::__fuzz::{
    body, error_status, models, round_trip, Body, Model, Property, ProviderTargets, Target,
    HOSTILE,
};

pub(crate) const FUZZ: ProviderTargets = ProviderTargets {
    targets: &[
        Target {
            name: "northflank_list_usage_response",
            seeds: &["tests/fixtures/northflank/list_*usage.*.json", HOSTILE],
            check: round_trip::<Settings, types::ListUsageResponse>,
        },
        Target {
            name: "northflank_get_usage_response",
            seeds: &["tests/fixtures/northflank/get_*usage.*.json", HOSTILE],
            check: round_trip::<Settings, types::GetUsageResponse>,
        },
        Target {
            name: "northflank_list_invoices_response",
            seeds: &["tests/fixtures/northflank/list_*invoices.*.json", HOSTILE],
            check: round_trip::<Settings, types::ListInvoicesResponse>,
        },
        Target {
            name: "northflank_get_invoice_response",
            seeds: &["tests/fixtures/northflank/get_*invoice.*.json", HOSTILE],
            check: round_trip::<Settings, types::GetInvoiceResponse>,
        },
        Target {
            name: "northflank_credit_balance_response",
            seeds: &["tests/fixtures/northflank/get_*credit_balance.*.json", HOSTILE],
            check: round_trip::<Settings, types::CreditBalanceResponse>,
        },
        Target {
            name: "northflank_error_response",
            seeds: &["tests/fixtures/northflank/error.*.json", HOSTILE],
            check: round_trip::<Settings, types::ErrorResponse>,
        },
    ],
    error_status: error_status::<Settings>,
    bodies: BODIES,
    models: MODELS,
    properties: &[
        Property {
            model: "ListUsageResponse",
            cases: 256,
        },
        Property {
            model: "GetUsageResponse",
            cases: 256,
        },
        Property {
            model: "ListInvoicesResponse",
            cases: 256,
        },
        Property {
            model: "GetInvoiceResponse",
            cases: 256,
        },
        Property {
            model: "CreditBalanceResponse",
            cases: 128,
        },
        Property {
            model: "ErrorResponse",
            cases: 128,
        },
    ],
};

/// The fixture table: a fixture `tests/fixtures/northflank/<prefix>.<case>.json` is a body
/// of its row's type and spec schema.
const BODIES: &[Body] = {
    use super::types::{
        CreditBalanceResponse, ErrorResponse, GetInvoiceResponse, GetUsageResponse,
        ListInvoicesResponse, ListUsageResponse,
    };
    &[
        body!("list_usage", ListUsageResponse, "ListUsageResponse"),
        body!("list_team_usage", ListUsageResponse, "ListUsageResponse"),
        body!("get_usage", GetUsageResponse, "GetUsageResponse"),
        body!("get_team_usage", GetUsageResponse, "GetUsageResponse"),
        body!("list_invoices", ListInvoicesResponse, "ListInvoicesResponse"),
        body!("list_team_invoices", ListInvoicesResponse, "ListInvoicesResponse"),
        body!("get_invoice", GetInvoiceResponse, "GetInvoiceResponse"),
        body!("get_team_invoice", GetInvoiceResponse, "GetInvoiceResponse"),
        body!("get_credit_balance", CreditBalanceResponse, "CreditBalanceResponse"),
        body!("get_team_credit_balance", CreditBalanceResponse, "CreditBalanceResponse"),
        body!("error", ErrorResponse, "ErrorResponse"),
    ]
};

/// Every component schema of the spec, with its generated type.
const MODELS: &[Model] = models![super::types;
    "ResourceType" => ResourceType,
    "ListUsageResponse" => ListUsageResponse,
    "UsageList" => UsageList,
    "UsageEntry" => UsageEntry,
    "PaasUsageTotal" => PaasUsageTotal,
    "ByocUsage" => ByocUsage,
    "Pagination" => Pagination,
    "GetUsageResponse" => GetUsageResponse,
    "UsageDetail" => UsageDetail,
    "PaasUsageBreakdown" => PaasUsageBreakdown,
    "TeamUsage" => TeamUsage,
    "ProjectUsage" => ProjectUsage,
    "ResourceTypeUsage" => ResourceTypeUsage,
    "ResourceUsage" => ResourceUsage,
    "PaasPrice" => PaasPrice,
    "ByocPrice" => ByocPrice,
    "ListInvoicesResponse" => ListInvoicesResponse,
    "InvoiceListData" => InvoiceListData,
    "Invoices" => Invoices,
    "Invoice" => Invoice,
    "InvoicePeriod" => InvoicePeriod,
    "GetInvoiceResponse" => GetInvoiceResponse,
    "InvoiceDetail" => InvoiceDetail,
    "InvoicePaasUsage" => InvoicePaasUsage,
    "InvoiceLineItem" => InvoiceLineItem,
    "InvoiceDiscounts" => InvoiceDiscounts,
    "InvoiceTax" => InvoiceTax,
    "CreditBalanceResponse" => CreditBalanceResponse,
    "CreditBalance" => CreditBalance,
    "CreditAmounts" => CreditAmounts,
    "CustomerBalance" => CustomerBalance,
    "ErrorResponse" => ErrorResponse,
    "ErrorDetail" => ErrorDetail,
];
