//! How the fake answers, per provider.

use std::time::Duration;

/// How the fake provider answers one provider's route.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub enum Behaviour {
    /// As the provider does: 2xx for a valid key, 401 for an unknown one (Google: 400
    /// `API_KEY_INVALID`), 403 for a revoked one.
    #[default]
    Normal,
    /// 429 with the provider's rate-limit body, and `Retry-After: <seconds>` when given, to a
    /// request whose key is valid (an unknown or revoked key is still refused first, as real
    /// providers authenticate before counting).
    RateLimited {
        /// The `Retry-After` header, in seconds.
        retry_after: Option<u64>,
    },
    /// Every request answered with `status` (500, 503, Anthropic's 529…) and the provider's
    /// server-error body, whatever the key.
    Down {
        /// The status to answer with.
        status: u16,
    },
    /// Waits `delay` before answering normally: longer than a client's timeout, it looks like a
    /// provider that hangs.
    Slow {
        /// How long to wait before answering.
        delay: Duration,
    },
}
