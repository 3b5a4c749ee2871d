//! [`Bucket`]: the pure token-bucket core, as GCRA with one number of state.
//!
//! A token bucket of capacity `B` refilled at one token per `T` is equivalent to the generic
//! cell rate algorithm with a single *theoretical arrival time* (TAT): the instant at which the
//! bucket would be full again. A request at `now` is admitted iff
//! `max(TAT, now) + T - now <= B × T`, and admitting it moves TAT to `max(TAT, now) + T`.
//! A refusal changes nothing. The bucket is full (and indistinguishable from a fresh one)
//! whenever `TAT <= now`.
//!
//! Everything here is a pure function of its inputs: time is passed in.

use std::time::Duration;

use crate::{Nanos, Quota};

/// One bucket's state: its theoretical arrival time.
///
/// The default is a full bucket.
///
/// ```
/// use core::num::NonZeroU32;
/// use std::time::Duration;
/// use layer_ratelimit::{Bucket, Nanos, Quota};
///
/// let quota = Quota::per_minute(NonZeroU32::new(2).unwrap());
/// let mut bucket = Bucket::default();
/// let now = Nanos::new(0);
/// assert!(bucket.check(now, quota).is_allowed());
/// assert!(bucket.check(now, quota).is_allowed());
/// let refused = bucket.check(now, quota);
/// assert!(!refused.is_allowed());
/// assert_eq!(refused.retry_after(), Some(Duration::from_secs(30)));
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct Bucket {
    tat: Nanos,
}

impl Bucket {
    /// A bucket whose theoretical arrival time is `tat`.
    #[must_use]
    pub const fn from_tat(tat: Nanos) -> Self {
        Self { tat }
    }

    /// The theoretical arrival time: when the bucket is full again.
    #[must_use]
    pub const fn tat(self) -> Nanos {
        self.tat
    }

    /// Whether the bucket is full at `now`, and so indistinguishable from a fresh one.
    #[must_use]
    pub fn is_full(self, now: Nanos) -> bool {
        self.tat <= now
    }

    /// Checks one request at `now`: takes a token if one is available, otherwise changes
    /// nothing.
    pub fn check(&mut self, now: Nanos, quota: Quota) -> BucketOutcome {
        let (outcome, tat) = evaluate(self.tat, now, quota);
        if let Some(tat) = tat {
            self.tat = tat;
        }
        outcome
    }
}

/// The result of checking one request against one bucket.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct BucketOutcome {
    pub(crate) allowed: bool,
    /// Capacity left after this request, in nanoseconds of refill (0 when refused).
    pub(crate) slack: u64,
    pub(crate) interval: u64,
    /// Nanoseconds until full.
    pub(crate) reset_after: u64,
    /// Nanoseconds until a token, when refused.
    pub(crate) retry_after: u64,
}

impl BucketOutcome {
    /// Whether the request was admitted (and a token taken).
    #[must_use]
    pub const fn is_allowed(&self) -> bool {
        self.allowed
    }

    /// Whole tokens left after this request: how many more requests would be admitted at the
    /// same instant.
    #[must_use]
    pub const fn remaining(&self) -> u32 {
        whole_tokens(self.slack, self.interval)
    }

    /// Time until the bucket is full again.
    #[must_use]
    pub const fn reset_after(&self) -> Duration {
        Duration::from_nanos(self.reset_after)
    }

    /// On refusal, the exact time until the same request would be admitted; `None` if
    /// admitted.
    #[must_use]
    pub const fn retry_after(&self) -> Option<Duration> {
        if self.allowed {
            None
        } else {
            Some(Duration::from_nanos(self.retry_after))
        }
    }
}

/// The GCRA step. Returns the outcome and, when admitted, the new TAT.
///
/// All arithmetic saturates: a TAT at the end of representable time means "never full".
#[inline]
pub(crate) fn evaluate(tat: Nanos, now: Nanos, quota: Quota) -> (BucketOutcome, Option<Nanos>) {
    let now = now.as_u64();
    let interval = quota.interval_nanos();
    let capacity = quota.capacity_nanos();
    let base = tat.as_u64().max(now);
    let new_tat = base.saturating_add(interval);
    let debt = new_tat - now;
    if debt <= capacity {
        // The division into whole tokens is left to whoever reads `remaining`: the hot path
        // only needs the verdict.
        let outcome = BucketOutcome {
            allowed: true,
            slack: capacity - debt,
            interval,
            reset_after: debt,
            retry_after: 0,
        };
        (outcome, Some(Nanos::new(new_tat)))
    } else {
        let outcome = BucketOutcome {
            allowed: false,
            slack: 0,
            interval,
            reset_after: base - now,
            retry_after: debt - capacity,
        };
        (outcome, None)
    }
}

/// The hot-path GCRA step: the new TAT if a request at `now` is admitted, `None` if not.
#[inline]
pub(crate) fn admit(tat: Nanos, now: Nanos, quota: Quota) -> Option<Nanos> {
    let now = now.as_u64();
    let new_tat = tat.as_u64().max(now).saturating_add(quota.interval_nanos());
    (new_tat - now <= quota.capacity_nanos()).then_some(Nanos::new(new_tat))
}

/// Nanoseconds until a request at `now` would be admitted (zero if it would be now).
pub(crate) fn wait(tat: Nanos, now: Nanos, quota: Quota) -> u64 {
    let now = now.as_u64();
    let new_tat = tat.as_u64().max(now).saturating_add(quota.interval_nanos());
    (new_tat - now).saturating_sub(quota.capacity_nanos())
}

/// Whole tokens in `slack` nanoseconds of capacity, saturating at `u32::MAX`.
pub(crate) const fn whole_tokens(slack: u64, interval: u64) -> u32 {
    let tokens = match slack.checked_div(interval) {
        Some(t) => t,
        None => 0,
    };
    if tokens > u32::MAX as u64 {
        u32::MAX
    } else {
        tokens as u32
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use core::num::NonZeroU32;

    fn per_minute(n: u32) -> Quota {
        Quota::per_minute(NonZeroU32::new(n).unwrap())
    }

    #[test]
    fn full_bucket_admits_burst_then_refuses() {
        let q = per_minute(60);
        let mut b = Bucket::default();
        let now = Nanos::new(5_000_000_000);
        for expected_remaining in (0..60).rev() {
            let o = b.check(now, q);
            assert!(o.is_allowed());
            assert_eq!(o.remaining(), expected_remaining);
        }
        let before = b;
        let refused = b.check(now, q);
        assert!(!refused.is_allowed());
        assert_eq!(b, before, "a refusal consumes nothing");
        assert_eq!(refused.retry_after(), Some(Duration::from_secs(1)));
        assert_eq!(refused.reset_after(), Duration::from_secs(60));
    }

    #[test]
    fn refill_is_continuous() {
        let q = per_minute(120);
        let mut b = Bucket::default();
        let t0 = Nanos::new(1);
        for _ in 0..120 {
            assert!(b.check(t0, q).is_allowed());
        }
        let o = b.check(t0.saturating_add(Duration::from_millis(499)), q);
        assert_eq!(o.retry_after(), Some(Duration::from_millis(1)));
        let o = b.check(t0.saturating_add(Duration::from_millis(500)), q);
        assert!(o.is_allowed());
        assert_eq!(o.remaining(), 0);
    }

    #[test]
    fn full_bucket_reports_full_reset_after_one_request() {
        let q = per_minute(20);
        let mut b = Bucket::default();
        let o = b.check(Nanos::new(0), q);
        assert_eq!(o.reset_after(), Duration::from_secs(3));
        assert!(!b.is_full(Nanos::new(2_999_999_999)));
        assert!(b.is_full(Nanos::new(3_000_000_000)));
    }

    #[test]
    fn saturates_at_the_end_of_time() {
        let q = Quota::with_period(Duration::from_nanos(u64::MAX)).unwrap();
        let mut b = Bucket::from_tat(Nanos::new(u64::MAX - 1));
        let o = b.check(Nanos::new(u64::MAX - 1), q);
        assert!(!o.is_allowed() || b.tat() == Nanos::new(u64::MAX));
    }
}
