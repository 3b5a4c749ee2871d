//! [`Decision`]: everything a response must carry about one rate-limit check.

use std::time::Duration;

use crate::{DailyStatus, EndpointClass, Quota, Tier};

/// Which limit refused a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Denial {
    /// The per-minute bucket of the endpoint class is empty.
    Bucket,
    /// The key's daily cap on `write-light` is spent.
    DailyCap,
    /// The organization has no free concurrent-job slot.
    ConcurrentJobs,
    /// The in-process limiter is at its cap on live entries and cannot track a new bucket; see
    /// [`KeyedLimiterBuilder::max_entries`](crate::KeyedLimiterBuilder::max_entries).
    Saturated,
    /// A shared store holding the buckets could not be reached in time and the backend's
    /// failure policy is to fail closed; see [`Decision::is_fallback`].
    Unavailable,
}

/// The state of the endpoint class's bucket as a response reports it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct BucketStatus {
    pub(crate) quota: Quota,
    /// Nanoseconds of refill the bucket is short of full after this request (its TAT minus
    /// now).
    pub(crate) debt: u64,
}

impl BucketStatus {
    /// A bucket of `quota` that is `reset_after` short of full, for backends that keep the
    /// state elsewhere (a remote store) and report it back.
    ///
    /// `reset_after` may exceed the quota's window, as it does in the limiter when a bucket
    /// filled under a slower quota is checked under a faster one (a tier change); no tokens
    /// remain then.
    #[must_use]
    pub fn new(quota: Quota, reset_after: Duration) -> Self {
        Self {
            quota,
            debt: crate::clock::duration_nanos(reset_after),
        }
    }

    /// The bucket capacity (the per-minute limit).
    #[must_use]
    pub const fn limit(&self) -> u32 {
        self.quota.burst_size().get()
    }

    /// Whole tokens left after this request (for a refused request: left now, since it took
    /// nothing).
    #[must_use]
    pub const fn remaining(&self) -> u32 {
        let slack = self.quota.capacity_nanos().saturating_sub(self.debt());
        crate::bucket::whole_tokens(slack, self.quota.interval_nanos())
    }

    /// Time until the bucket is full again.
    #[must_use]
    pub const fn reset_after(&self) -> Duration {
        Duration::from_nanos(self.debt())
    }

    /// The quota's window: the time an empty bucket takes to fill.
    #[must_use]
    pub const fn window(&self) -> Duration {
        self.quota.window()
    }

    const fn debt(&self) -> u64 {
        self.debt
    }
}

/// The outcome of one check: allowed or denied, with everything the response carries.
///
/// Being refused is a value, not an error.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Decision {
    pub(crate) denial: Option<Denial>,
    pub(crate) class: EndpointClass,
    pub(crate) tier: Tier,
    pub(crate) bucket: Option<BucketStatus>,
    pub(crate) daily: Option<DailyStatus>,
    /// Nanoseconds until the request would be admitted; meaningful when denied.
    pub(crate) retry_after: u64,
    /// Wall-clock nanoseconds since the Unix epoch at the decision.
    pub(crate) unix_now: u64,
    /// Whether the decision is a failure policy's stand-in, not a real check.
    pub(crate) fallback: bool,
}

impl Decision {
    /// An allowed decision for an unlimited tier or class: no bucket state at all.
    #[must_use]
    pub fn unlimited(class: EndpointClass, tier: Tier, unix_now: Duration) -> Self {
        Self::allowed_unlimited(class, tier, crate::clock::duration_nanos(unix_now))
    }

    pub(crate) const fn allowed_unlimited(class: EndpointClass, tier: Tier, unix_now: u64) -> Self {
        Self {
            denial: None,
            class,
            tier,
            bucket: None,
            daily: None,
            retry_after: 0,
            unix_now,
            fallback: false,
        }
    }

    /// An allowed decision with the state a backend reports after taking a token (and counting
    /// the request against the daily cap, if any). `unix_now` is the wall-clock time of the
    /// decision.
    ///
    /// For backends other than [`KeyedLimiter`](crate::KeyedLimiter), which builds its own.
    #[must_use]
    pub fn allowed(
        class: EndpointClass,
        tier: Tier,
        bucket: BucketStatus,
        daily: Option<DailyStatus>,
        unix_now: Duration,
    ) -> Self {
        Self {
            bucket: Some(bucket),
            daily,
            ..Self::unlimited(class, tier, unix_now)
        }
    }

    /// A refusal by `denial`, with the state the backend found (nothing was taken) and the
    /// exact time until the same request would be admitted.
    ///
    /// For backends other than [`KeyedLimiter`](crate::KeyedLimiter), which builds its own.
    #[must_use]
    pub fn denied(
        denial: Denial,
        class: EndpointClass,
        tier: Tier,
        bucket: Option<BucketStatus>,
        daily: Option<DailyStatus>,
        retry_after: Duration,
        unix_now: Duration,
    ) -> Self {
        Self {
            denial: Some(denial),
            bucket,
            daily,
            retry_after: crate::clock::duration_nanos(retry_after),
            ..Self::unlimited(class, tier, unix_now)
        }
    }

    /// A failure policy's stand-in for a check that could not be made (the store was
    /// unreachable or too slow): allowed when `retry_after` is `None` (fail open), otherwise
    /// refused with [`Denial::Unavailable`] (fail closed). It carries no bucket state, and
    /// [`Decision::is_fallback`] is `true`.
    #[must_use]
    pub fn fallback(
        class: EndpointClass,
        tier: Tier,
        retry_after: Option<Duration>,
        unix_now: Duration,
    ) -> Self {
        Self {
            denial: retry_after.map(|_| Denial::Unavailable),
            retry_after: retry_after.map_or(0, crate::clock::duration_nanos),
            fallback: true,
            ..Self::unlimited(class, tier, unix_now)
        }
    }

    /// Whether this decision is a failure policy's stand-in rather than the outcome of a real
    /// check (see [`Decision::fallback`]). Worth logging and counting: a fail-open fallback
    /// admitted a request no limit was checked for.
    #[must_use]
    pub const fn is_fallback(&self) -> bool {
        self.fallback
    }

    /// Whether the request may proceed.
    #[must_use]
    pub const fn is_allowed(&self) -> bool {
        self.denial.is_none()
    }

    /// Which limit refused the request, `None` if allowed.
    #[must_use]
    pub const fn denial(&self) -> Option<Denial> {
        self.denial
    }

    /// The endpoint class checked.
    #[must_use]
    pub const fn class(&self) -> EndpointClass {
        self.class
    }

    /// The tier in effect.
    #[must_use]
    pub const fn tier(&self) -> &Tier {
        &self.tier
    }

    /// The bucket's state, `None` when the class is unlimited or no bucket was consulted.
    #[must_use]
    pub const fn bucket(&self) -> Option<&BucketStatus> {
        self.bucket.as_ref()
    }

    /// The daily cap's state, for `write-light` requests of tiers with a cap.
    #[must_use]
    pub const fn daily(&self) -> Option<&DailyStatus> {
        self.daily.as_ref()
    }

    /// The bucket capacity (`X-RateLimit-Limit`).
    #[must_use]
    pub fn limit(&self) -> Option<u32> {
        self.bucket.map(|b| b.limit())
    }

    /// Whole tokens left after this request (`X-RateLimit-Remaining`).
    #[must_use]
    pub fn remaining(&self) -> Option<u32> {
        self.bucket.map(|b| b.remaining())
    }

    /// Time until the bucket is full again.
    #[must_use]
    pub fn reset_after(&self) -> Option<Duration> {
        self.bucket.map(|b| b.reset_after())
    }

    /// Unix time in whole seconds, rounded up, at which the bucket is full again
    /// (`X-RateLimit-Reset`).
    #[must_use]
    pub fn reset_at_unix_secs(&self) -> Option<u64> {
        self.bucket.map(|b| {
            let at = self.unix_now.saturating_add(b.debt());
            at.div_ceil(1_000_000_000)
        })
    }

    /// Wall-clock time of the decision, as a duration since the Unix epoch.
    #[must_use]
    pub const fn decided_at_unix(&self) -> Duration {
        Duration::from_nanos(self.unix_now)
    }

    /// On denial, the exact time until the same request would be admitted if nothing else
    /// happened in between; `None` if allowed.
    #[must_use]
    pub const fn retry_after(&self) -> Option<Duration> {
        match self.denial {
            Some(_) => Some(Duration::from_nanos(self.retry_after)),
            None => None,
        }
    }

    /// [`Decision::retry_after`] in milliseconds, rounded up (`details.retryAfterMs`).
    #[must_use]
    pub fn retry_after_ms(&self) -> Option<u64> {
        self.denial.map(|_| self.retry_after.div_ceil(1_000_000))
    }

    /// [`Decision::retry_after`] in whole seconds, rounded up and at least 1 (`Retry-After`).
    #[must_use]
    pub fn retry_after_secs(&self) -> Option<u64> {
        self.denial
            .map(|_| self.retry_after.div_ceil(1_000_000_000).max(1))
    }
}

/// Whole seconds in `d`, rounded up.
pub(crate) fn ceil_secs(d: Duration) -> u64 {
    d.as_secs() + u64::from(d.subsec_nanos() > 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn denied(retry_after: Duration) -> Decision {
        Decision {
            denial: Some(Denial::Bucket),
            class: EndpointClass::WriteLight,
            tier: Tier::Standard,
            bucket: Some(BucketStatus {
                quota: Quota::per_minute(core::num::NonZeroU32::new(60).unwrap()),
                debt: 60_500_000_000,
            }),
            daily: None,
            retry_after: retry_after.as_nanos() as u64,
            unix_now: 1_700_000_000_250_000_000,
            fallback: false,
        }
    }

    #[test]
    fn retry_after_rounds_up_consistently() {
        let d = denied(Duration::from_micros(1_240_001));
        assert_eq!(d.retry_after_ms(), Some(1_241));
        assert_eq!(d.retry_after_secs(), Some(2));
        let d = denied(Duration::from_nanos(1));
        assert_eq!(d.retry_after_ms(), Some(1));
        assert_eq!(d.retry_after_secs(), Some(1));
        let d = denied(Duration::from_secs(3));
        assert_eq!(d.retry_after_ms(), Some(3_000));
        assert_eq!(d.retry_after_secs(), Some(3));
    }

    #[test]
    fn reset_is_unix_seconds_rounded_up() {
        let d = denied(Duration::from_secs(1));
        assert_eq!(d.reset_at_unix_secs(), Some(1_700_000_061));
        assert!(!d.is_allowed());
        assert_eq!(d.limit(), Some(60));
    }

    #[test]
    fn fallbacks_are_marked() {
        let open = Decision::fallback(
            EndpointClass::ReadLight,
            Tier::Standard,
            None,
            Duration::ZERO,
        );
        assert!(open.is_allowed() && open.is_fallback());
        let closed = Decision::fallback(
            EndpointClass::ReadLight,
            Tier::Standard,
            Some(Duration::from_millis(1_500)),
            Duration::ZERO,
        );
        assert_eq!(closed.denial(), Some(Denial::Unavailable));
        assert_eq!(closed.retry_after_secs(), Some(2));
        assert!(closed.is_fallback());
        assert!(!denied(Duration::ZERO).is_fallback());
    }

    #[test]
    fn public_constructors_match_the_limiter() {
        let quota = Quota::per_minute(core::num::NonZeroU32::new(60).unwrap());
        let bucket = BucketStatus::new(quota, Duration::from_secs(2));
        assert_eq!(bucket.remaining(), 58);
        let slower = BucketStatus::new(quota, Duration::from_secs(3_600));
        assert_eq!(slower.reset_after(), Duration::from_secs(3_600));
        assert_eq!(slower.remaining(), 0);
        let d = Decision::allowed(
            EndpointClass::WriteLight,
            Tier::Standard,
            bucket,
            None,
            Duration::ZERO,
        );
        assert!(d.is_allowed() && !d.is_fallback());
        assert_eq!(d.remaining(), Some(58));
    }

    #[test]
    fn unlimited_has_no_bucket() {
        let d = Decision::unlimited(EndpointClass::ReadLight, Tier::Internal, Duration::ZERO);
        assert!(d.is_allowed());
        assert_eq!(d.limit(), None);
        assert_eq!(d.retry_after_secs(), None);
    }
}
