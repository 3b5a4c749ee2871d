//! [`FailurePolicy`]: what a check answers when Redis cannot.

use std::time::Duration;

/// What [`RedisLimiter`](crate::RedisLimiter) answers when a check fails (Redis unreachable,
/// too slow, or replying nonsense).
///
/// Either fallback is a [`Decision`](layer_ratelimit::Decision) whose
/// [`is_fallback`](layer_ratelimit::Decision::is_fallback) is `true`, and the limiter counts
/// it ([`Stats::fallbacks`](crate::Stats::fallbacks)) and keeps the cause
/// ([`RedisLimiter::last_error`](crate::RedisLimiter::last_error)).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum FailurePolicy {
    /// Admit the request, unchecked (the default): an outage of the limiter's store does not
    /// become an outage of the API. Rate limits protect capacity, not secrets.
    #[default]
    FailOpen,
    /// Refuse the request with [`Denial::Unavailable`](layer_ratelimit::Denial::Unavailable)
    /// and this retry-after.
    FailClosed {
        /// The `Retry-After` of the refusal.
        retry_after: Duration,
    },
    /// Return the [`Error`](crate::Error) to the caller.
    Propagate,
}
