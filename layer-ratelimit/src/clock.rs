//! Injectable time: the monotonic clock that drives buckets and the wall clock that names days.
//!
//! Buckets run on a monotonic clock (a wall clock stepping backwards must never refill or drain
//! a bucket). Wall-clock time is needed for two things only: the UTC day of the daily cap and the
//! Unix time in `X-RateLimit-Reset`. A [`Clock`] therefore reports monotonic [`Nanos`] and maps
//! any of them to Unix time.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

/// A monotonic instant: nanoseconds since the clock's origin.
///
/// One `u64` of nanoseconds covers 584 years, so arithmetic saturates rather than wraps.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Nanos(u64);

impl Nanos {
    /// The clock's origin.
    pub const ZERO: Self = Self(0);

    /// An instant `nanos` nanoseconds after the origin.
    #[must_use]
    pub const fn new(nanos: u64) -> Self {
        Self(nanos)
    }

    /// Nanoseconds since the origin.
    #[must_use]
    pub const fn as_u64(self) -> u64 {
        self.0
    }

    /// This instant moved `by` later, saturating at the end of representable time.
    #[must_use]
    pub fn saturating_add(self, by: Duration) -> Self {
        Self(self.0.saturating_add(duration_nanos(by)))
    }

    /// The time from `earlier` to `self`, zero if `earlier` is later.
    #[must_use]
    pub const fn saturating_since(self, earlier: Self) -> Duration {
        Duration::from_nanos(self.0.saturating_sub(earlier.0))
    }
}

/// Whole nanoseconds in `d`, saturating at `u64::MAX`.
pub(crate) fn duration_nanos(d: Duration) -> u64 {
    u64::try_from(d.as_nanos()).unwrap_or(u64::MAX)
}

/// A source of time for the limiter.
///
/// Implementations must be monotonic: `now` never goes backwards.
pub trait Clock: Send + Sync {
    /// The current monotonic instant.
    fn now(&self) -> Nanos;

    /// The wall-clock time at `at`, in nanoseconds since the Unix epoch (`u64` lasts until
    /// the year 2554).
    fn unix_nanos(&self, at: Nanos) -> u64;
}

/// The default clock: [`std::time::Instant`] for buckets.
///
/// Wall-clock time is derived from the monotonic clock and the [`SystemTime`] read when the
/// clock was created, so it costs no system call per request. It follows the system clock's
/// rate, not its steps: a process running across a large wall-clock correction keeps the old
/// offset (the daily cap's midnight moves with it) until a new clock is created.
#[derive(Debug, Clone, Copy)]
pub struct StdClock {
    origin: Instant,
    origin_unix: u64,
}

impl StdClock {
    /// A clock whose origin is now.
    #[must_use]
    pub fn new() -> Self {
        Self {
            origin: Instant::now(),
            origin_unix: duration_nanos(
                SystemTime::now()
                    .duration_since(UNIX_EPOCH)
                    .unwrap_or(Duration::ZERO),
            ),
        }
    }
}

impl Default for StdClock {
    fn default() -> Self {
        Self::new()
    }
}

impl Clock for StdClock {
    #[inline]
    fn now(&self) -> Nanos {
        Nanos(duration_nanos(self.origin.elapsed()))
    }

    #[inline]
    fn unix_nanos(&self, at: Nanos) -> u64 {
        self.origin_unix.saturating_add(at.as_u64())
    }
}

/// A clock that moves only when told to, for deterministic tests and benchmarks.
///
/// Clones share the same time, so a test keeps one clone and gives another to the limiter.
#[derive(Debug, Clone, Default)]
pub struct FakeClock {
    now: Arc<AtomicU64>,
    origin_unix: u64,
}

impl FakeClock {
    /// A clock at its origin, whose origin is the Unix epoch.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// A clock at its origin, whose origin is `unix` after the Unix epoch.
    #[must_use]
    pub fn starting_at_unix(unix: Duration) -> Self {
        Self {
            now: Arc::default(),
            origin_unix: duration_nanos(unix),
        }
    }

    /// Moves the clock `by` later (saturating).
    pub fn advance(&self, by: Duration) {
        let by = duration_nanos(by);
        // fetch_update never fails with a closure that always returns Some.
        let _ = self
            .now
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |n| {
                Some(n.saturating_add(by))
            });
    }

    /// Moves the clock to `at` if that is later than now; a fake clock never goes backwards.
    pub fn advance_to(&self, at: Nanos) {
        self.now.fetch_max(at.as_u64(), Ordering::AcqRel);
    }
}

impl Clock for FakeClock {
    #[inline]
    fn now(&self) -> Nanos {
        Nanos(self.now.load(Ordering::Acquire))
    }

    #[inline]
    fn unix_nanos(&self, at: Nanos) -> u64 {
        self.origin_unix.saturating_add(at.as_u64())
    }
}

impl<C: Clock + ?Sized> Clock for Arc<C> {
    fn now(&self) -> Nanos {
        (**self).now()
    }

    fn unix_nanos(&self, at: Nanos) -> u64 {
        (**self).unix_nanos(at)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fake_clock_clones_share_time_and_never_go_back() {
        let clock = FakeClock::starting_at_unix(Duration::from_secs(1_000));
        let other = clock.clone();
        clock.advance(Duration::from_millis(1_500));
        assert_eq!(other.now(), Nanos::new(1_500_000_000));
        other.advance_to(Nanos::new(10));
        assert_eq!(clock.now(), Nanos::new(1_500_000_000));
        assert_eq!(clock.unix_nanos(clock.now()), 1_001_500_000_000);
    }

    #[test]
    fn std_clock_is_monotonic_and_near_system_time() {
        let clock = StdClock::new();
        let a = clock.now();
        let b = clock.now();
        assert!(b >= a);
        let unix = Duration::from_nanos(clock.unix_nanos(b));
        let system = SystemTime::now().duration_since(UNIX_EPOCH).unwrap();
        assert!(system.abs_diff(unix) < Duration::from_secs(5));
    }

    #[test]
    fn nanos_arithmetic_saturates() {
        let end = Nanos::new(u64::MAX - 1).saturating_add(Duration::from_secs(1));
        assert_eq!(end, Nanos::new(u64::MAX));
        assert_eq!(Nanos::ZERO.saturating_since(end), Duration::ZERO);
    }
}
