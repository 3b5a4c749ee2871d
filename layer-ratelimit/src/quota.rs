//! [`Quota`]: how many requests a bucket holds and how fast it refills.

use core::num::{NonZeroU32, NonZeroU64};
use std::time::Duration;

const NANOS_PER_SECOND: u64 = 1_000_000_000;

/// The shape of one token bucket: a capacity (burst) and the time it takes to earn one token.
///
/// SPEC 3.2: capacity equals the per-minute limit and the bucket refills continuously at
/// limit/60 tokens per second, which is exactly [`Quota::per_minute`].
///
/// The refill interval is kept in whole nanoseconds, rounded **up** when the period does not
/// divide evenly (e.g. 7 per minute), so a bucket never admits faster than its nominal rate.
/// Every quota in SPEC 3.1 divides evenly.
///
/// ```
/// use core::num::NonZeroU32;
/// use layer_ratelimit::Quota;
///
/// const STANDARD_READ: Quota = Quota::per_minute(NonZeroU32::new(120).unwrap());
/// assert_eq!(STANDARD_READ.burst_size().get(), 120);
/// assert_eq!(STANDARD_READ.replenish_interval().as_millis(), 500);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Quota {
    burst: NonZeroU32,
    interval_ns: NonZeroU64,
    /// burst × interval, saturating: precomputed because every check needs it.
    capacity_ns: u64,
}

impl Quota {
    /// `n` requests per minute, with a burst of `n`.
    #[must_use]
    pub const fn per_minute(n: NonZeroU32) -> Self {
        Self::spread(60 * NANOS_PER_SECOND, n)
    }

    /// `n` requests per second, with a burst of `n`.
    #[must_use]
    pub const fn per_second(n: NonZeroU32) -> Self {
        Self::spread(NANOS_PER_SECOND, n)
    }

    /// `n` requests per hour, with a burst of `n`.
    #[must_use]
    pub const fn per_hour(n: NonZeroU32) -> Self {
        Self::spread(3_600 * NANOS_PER_SECOND, n)
    }

    /// One request per `period`, with a burst of one; `None` if `period` is under a nanosecond
    /// or longer than `u64::MAX` nanoseconds.
    #[must_use]
    pub const fn with_period(period: Duration) -> Option<Self> {
        let nanos = period.as_nanos();
        if nanos > u64::MAX as u128 {
            return None;
        }
        match NonZeroU64::new(nanos as u64) {
            Some(interval_ns) => Some(Self::new(NonZeroU32::MIN, interval_ns)),
            None => None,
        }
    }

    /// The same refill rate with a different capacity.
    #[must_use]
    pub const fn allow_burst(self, burst: NonZeroU32) -> Self {
        Self::new(burst, self.interval_ns)
    }

    /// The bucket capacity: the most requests admitted at one instant from a full bucket.
    #[must_use]
    pub const fn burst_size(&self) -> NonZeroU32 {
        self.burst
    }

    /// The time it takes to earn one token.
    #[must_use]
    pub const fn replenish_interval(&self) -> Duration {
        Duration::from_nanos(self.interval_ns.get())
    }

    /// The time an empty bucket takes to fill: the quota's window (60 s for `per_minute`).
    #[must_use]
    pub const fn window(&self) -> Duration {
        Duration::from_nanos(self.capacity_nanos())
    }

    /// The refill interval in nanoseconds.
    pub(crate) const fn interval_nanos(&self) -> u64 {
        self.interval_ns.get()
    }

    /// Capacity expressed as time: burst × interval, saturating.
    pub(crate) const fn capacity_nanos(&self) -> u64 {
        self.capacity_ns
    }

    const fn new(burst: NonZeroU32, interval_ns: NonZeroU64) -> Self {
        Self {
            burst,
            interval_ns,
            capacity_ns: interval_ns.get().saturating_mul(burst.get() as u64),
        }
    }

    const fn spread(period_ns: u64, n: NonZeroU32) -> Self {
        let n64 = n.get() as u64;
        let interval = period_ns.div_ceil(n64);
        let interval_ns = match NonZeroU64::new(interval) {
            Some(i) => i,
            None => NonZeroU64::MIN,
        };
        Self::new(n, interval_ns)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn nz(n: u32) -> NonZeroU32 {
        NonZeroU32::new(n).unwrap()
    }

    #[test]
    fn per_minute_matches_spec_refill() {
        let q = Quota::per_minute(nz(60));
        assert_eq!(q.burst_size().get(), 60);
        assert_eq!(q.replenish_interval(), Duration::from_secs(1));
        assert_eq!(q.window(), Duration::from_secs(60));
    }

    #[test]
    fn uneven_division_rounds_the_interval_up() {
        let q = Quota::per_minute(nz(7));
        assert_eq!(q.interval_nanos(), 8_571_428_572);
        assert!(q.window() >= Duration::from_secs(60));
    }

    #[test]
    fn tiny_intervals_never_reach_zero() {
        let q = Quota::per_second(nz(u32::MAX));
        assert_eq!(q.interval_nanos(), 1);
    }

    #[test]
    fn with_period_rejects_zero_and_huge() {
        assert!(Quota::with_period(Duration::ZERO).is_none());
        assert!(Quota::with_period(Duration::MAX).is_none());
        let q = Quota::with_period(Duration::from_secs(3)).unwrap();
        assert_eq!(q.burst_size().get(), 1);
        assert_eq!(q.allow_burst(nz(4)).window(), Duration::from_secs(12));
    }
}
