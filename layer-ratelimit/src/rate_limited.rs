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

#[cfg(feature = "errors")]
impl From<RateLimitedDetails> for layer_errors::ApiError {
    fn from(details: RateLimitedDetails) -> Self {
        Self::rate_limited(details.endpoint_class.as_str(), details.retry_after_ms)
    }
}

impl Decision {
    /// The `429 RATE_LIMITED` error for a denied decision, `None` if allowed. Its
    /// `Retry-After` (whole seconds, rounded up, at least 1) equals this decision's.
    #[cfg(feature = "errors")]
    #[must_use]
    pub fn to_api_error(&self) -> Option<layer_errors::ApiError> {
        self.rate_limited_details().map(Into::into)
    }

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

#[cfg(test)]
mod tests {
    use crate::{BucketKey, EndpointClass, FakeClock, KeyedLimiter, Request, Tier, TierTable};

    #[test]
    fn details_only_for_denials() {
        let limiter = KeyedLimiter::builder().clock(FakeClock::new()).build();
        let request = Request::from_table(
            BucketKey::default(),
            EndpointClass::LongRunning,
            Tier::Standard,
            &TierTable::new(),
        );
        for _ in 0..20 {
            assert_eq!(limiter.check(&request).rate_limited_details(), None);
        }
        let details = limiter.check(&request).rate_limited_details().unwrap();
        assert_eq!(details.endpoint_class(), EndpointClass::LongRunning);
        assert_eq!(details.retry_after_ms(), 3_000);
    }

    #[cfg(feature = "errors")]
    #[test]
    fn refusals_become_rate_limited_api_errors() {
        use layer_errors::{Details, ErrorCode};

        let clock = FakeClock::new();
        let limiter = KeyedLimiter::builder().clock(clock.clone()).build();
        let request = Request::from_table(
            BucketKey::default(),
            EndpointClass::WriteLight,
            Tier::Standard,
            &TierTable::new(),
        );
        assert!(limiter.check(&request).to_api_error().is_none());
        for _ in 0..59 {
            limiter.check(&request);
        }
        clock.advance(std::time::Duration::from_micros(1_500));
        let decision = limiter.check(&request);
        let error = decision.to_api_error().unwrap();
        assert_eq!(error.code(), ErrorCode::RateLimited);
        assert_eq!(error.status(), 429);
        assert_eq!(
            error.details(),
            Some(&Details::RateLimited {
                endpoint_class: "write-light".to_owned(),
                retry_after_ms: 999,
            })
        );
        assert_eq!(error.retry_after_secs(), decision.retry_after_secs());
    }
}
