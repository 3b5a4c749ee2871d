//! How a BYOK key and a provider's answer are shown, the same in `layerctl byok --json` and
//! in `partner-api`'s `/v1/byok` routes: masked always, never the key.

use layer_byok::{ByokSummary, HttpValidator, Provider, ProviderOutcome, Validity};
use serde_json::{Value, json};

use crate::timestamp::rfc3339;

/// A key as JSON: ids, provider, masked form, master-key version, state, validity, times.
#[must_use]
pub fn summary_json(summary: &ByokSummary) -> Value {
    let (validity, at) = match summary.validity {
        Validity::Unknown => ("unknown", None),
        Validity::Valid { checked_at } => ("valid", Some(checked_at)),
        Validity::Invalid { since } => ("invalid", Some(since)),
    };
    json!({
        "id": summary.id.to_string(),
        "organizationId": summary.organization_id.to_string(),
        "provider": summary.provider.as_str(),
        "displayPrefix": summary.display_prefix,
        "masterKeyVersion": summary.key_version.get(),
        "enabled": summary.enabled,
        "validity": validity,
        "validitySince": at.map(rfc3339),
        "createdAt": rfc3339(summary.created_at),
        "updatedAt": rfc3339(summary.updated_at),
        "deletedAt": summary.deleted_at.map(rfc3339),
    })
}

/// The outcome's name for JSON (`valid`, `unauthenticated`, `rateLimited`, `unavailable`,
/// `unexpected`).
#[must_use]
pub const fn outcome_name(outcome: &ProviderOutcome) -> &'static str {
    match outcome {
        ProviderOutcome::Valid => "valid",
        ProviderOutcome::Unauthenticated => "unauthenticated",
        ProviderOutcome::RateLimited { .. } => "rateLimited",
        ProviderOutcome::Unavailable => "unavailable",
        ProviderOutcome::Unexpected { .. } => "unexpected",
    }
}

/// The validator both programs test keys with: each provider's public API, unless
/// `LAYER_BYOK_<PROVIDER>_BASE_URL` (`LAYER_BYOK_OPENAI_BASE_URL`, …) points elsewhere (a
/// proxy, a regional endpoint, a test double).
#[must_use]
pub fn validator_from_env() -> HttpValidator {
    Provider::ALL.into_iter().fold(
        HttpValidator::new(),
        |validator, provider| match std::env::var(base_url_variable(provider)) {
            Ok(url) if !url.is_empty() => validator.with_base_url(provider, url),
            _ => validator,
        },
    )
}

/// `LAYER_BYOK_<PROVIDER>_BASE_URL`.
#[must_use]
pub fn base_url_variable(provider: Provider) -> String {
    format!("LAYER_BYOK_{}_BASE_URL", provider.as_str().to_uppercase())
}
