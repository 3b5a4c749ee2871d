//! The daily cap: a counter per key per UTC day (SPEC 3.2).
//!
//! A counter is the pair (UTC day number, count). A counter from an earlier day is worth zero,
//! which is what lets idle counters be swept: a counter whose day has passed is
//! indistinguishable from no counter.

use core::num::NonZeroU32;
use std::time::Duration;

const NANOS_PER_DAY: u64 = 86_400 * 1_000_000_000;

/// Days since 1970-01-01 (UTC) at `unix` nanoseconds since the epoch.
pub(crate) const fn utc_day(unix: u64) -> u32 {
    (unix / NANOS_PER_DAY) as u32
}

/// Nanoseconds from `unix` until the next 00:00 UTC (a full day at exactly midnight).
pub(crate) const fn until_midnight(unix: u64) -> u64 {
    NANOS_PER_DAY - unix % NANOS_PER_DAY
}

/// One key's counter for one day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct DailyCounter {
    pub(crate) day: u32,
    pub(crate) count: u32,
}

impl DailyCounter {
    /// Largest day number that packs into a table value (29 bits: about 1.47 million years).
    const MAX_DAY: u32 = (1 << 29) - 1;

    /// Packs into the table's 61-bit value.
    pub(crate) fn pack(self) -> u64 {
        (u64::from(self.day.min(Self::MAX_DAY)) << 32) | u64::from(self.count)
    }

    /// Unpacks a table value.
    pub(crate) fn unpack(value: u64) -> Self {
        Self {
            day: ((value >> 32) as u32) & Self::MAX_DAY,
            count: value as u32,
        }
    }

    /// Requests already counted on `today`.
    pub(crate) fn used_on(counter: Option<Self>, today: u32) -> u32 {
        match counter {
            Some(c) if c.day == today => c.count,
            _ => 0,
        }
    }
}

/// The state of the daily cap as a response reports it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct DailyStatus {
    pub(crate) limit: NonZeroU32,
    pub(crate) remaining: u32,
    /// Nanoseconds until 00:00 UTC.
    pub(crate) reset_after: u64,
}

impl DailyStatus {
    /// A cap of `limit` with `remaining` requests left today (clamped to `limit`) and
    /// `reset_after` until 00:00 UTC, for backends that keep the counter elsewhere (a remote
    /// store) and report it back.
    #[must_use]
    pub fn new(limit: NonZeroU32, remaining: u32, reset_after: Duration) -> Self {
        Self {
            limit,
            remaining: remaining.min(limit.get()),
            reset_after: crate::clock::duration_nanos(reset_after),
        }
    }

    /// The cap: `write-light` requests per key per UTC day.
    #[must_use]
    pub const fn limit(&self) -> u32 {
        self.limit.get()
    }

    /// Requests left today, after this one if it was admitted.
    #[must_use]
    pub const fn remaining(&self) -> u32 {
        self.remaining
    }

    /// Time until the counter resets at 00:00 UTC.
    #[must_use]
    pub const fn reset_after(&self) -> Duration {
        Duration::from_nanos(self.reset_after)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_turn_at_utc_midnight() {
        let midnight = 19_000 * NANOS_PER_DAY;
        assert_eq!(utc_day(midnight - 1), 18_999);
        assert_eq!(utc_day(midnight), 19_000);
        assert_eq!(until_midnight(midnight - 1_000_000), 1_000_000);
        assert_eq!(until_midnight(midnight), NANOS_PER_DAY);
    }

    #[test]
    fn counters_pack_round_trip_and_expire() {
        let c = DailyCounter {
            day: 20_000,
            count: u32::MAX,
        };
        assert_eq!(DailyCounter::unpack(c.pack()), c);
        assert!(c.pack() < 1 << 61);
        assert_eq!(DailyCounter::used_on(Some(c), 20_000), u32::MAX);
        assert_eq!(DailyCounter::used_on(Some(c), 20_001), 0);
        assert_eq!(DailyCounter::used_on(None, 20_001), 0);
    }
}
