//! OpenRouter's fuzz checks (feature `fuzzing`): no target of its own; its five bodies and its
//! error body run under the shared target `provider_bodies`.

use super::types::{
    ActivityResponse, ApiKeysResponse, CreditsResponse, CurrentKeyResponse, ErrorResponse,
    GenerationResponse,
};
use super::Settings;
use crate::__fuzz::{error_status, round_trip, ProviderTargets};

pub(crate) const FUZZ: ProviderTargets = ProviderTargets {
    targets: &[],
    bodies: &[
        round_trip::<Settings, ActivityResponse>,
        round_trip::<Settings, CreditsResponse>,
        round_trip::<Settings, CurrentKeyResponse>,
        round_trip::<Settings, ApiKeysResponse>,
        round_trip::<Settings, GenerationResponse>,
        round_trip::<Settings, ErrorResponse>,
    ],
    error_status: error_status::<Settings>,
};
