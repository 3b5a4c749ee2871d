//! [`RateLimitedDetails`]: the `details` of the 429 `RATE_LIMITED` envelope (SPEC 2.2, 3.3).

use crate::{Decision, EndpointClass};

/// The structured context of a `429 RATE_LIMITED` error body:
/// `{"endpointClass": "...", "retryAfterMs": N}`.
///
/// `retry_after_ms` is the exact wait rounded up to a millisecond, so it never exceeds the
/// `Retry-After` header's whole seconds × 1000.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct RateLimitedDetails {
    endpoint_class: EndpointClass,
    retry_after_ms: u64,
}

impl RateLimitedDetails {
    /// `details.endpointClass`.
    #[must_use]
    pub const fn endpoint_class(&self) -> EndpointClass {
        self.endpoint_class
    }

    /// `details.retryAfterMs`.
    #[must_use]
    pub const fn retry_after_ms(&self) -> u64 {
        self.retry_after_ms
    }
}

impl Decision {
    /// The 429 body's details for a denied decision, `None` if allowed.
    #[must_use]
    pub fn rate_limited_details(&self) -> Option<RateLimitedDetails> {
        self.retry_after_ms()
            .map(|retry_after_ms| RateLimitedDetails {
                endpoint_class: self.class(),
                retry_after_ms,
            })
    }
}
