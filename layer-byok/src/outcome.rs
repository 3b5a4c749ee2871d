//! What a provider said about a key.

use std::time::Duration;

/// The provider's answer to a call made with a key, classified for the decisions BYOK makes:
/// validation reports it, and resolution falls back to the platform key and marks the key
/// invalid on [`ProviderOutcome::Unauthenticated`] only.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ProviderOutcome {
    /// The key works.
    Valid,
    /// The provider refused the key itself (401, or 403 for a revoked or disabled key): the key
    /// is invalid until its owner replaces it.
    Unauthenticated,
    /// The key is good but over the provider's limit (429); `retry_after` when the provider said.
    RateLimited {
        /// The provider's `Retry-After`, if any.
        retry_after: Option<Duration>,
    },
    /// The provider could not answer (5xx, timeout, connection refused): says nothing about the
    /// key.
    Unavailable,
    /// Any other answer, kept as the status code for the operator.
    Unexpected {
        /// The HTTP status the provider returned.
        status: u16,
    },
}

impl ProviderOutcome {
    /// Whether the key itself was refused, the one outcome that marks it invalid.
    #[must_use]
    pub const fn is_unauthenticated(&self) -> bool {
        matches!(self, Self::Unauthenticated)
    }
}
