//! Northflank's fuzz targets (feature `fuzzing`): what `usage_bindings::__fuzz` runs for it.

use super::types;
use super::Settings;
use crate::__fuzz::{error_status, round_trip, ProviderTargets, Target, HOSTILE};

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
    bodies: &[],
    error_status: error_status::<Settings>,
};
