//! [`KeyedLimiterBuilder`]: configuration of a [`KeyedLimiter`].

use core::hash::{BuildHasher, Hash};

use crate::{Clock, KeyedLimiter, StdClock};

use super::DefaultHashBuilder;

/// Configures a [`KeyedLimiter`]: clock, hasher, shard count and entry cap.
#[derive(Debug, Clone)]
#[must_use]
pub struct KeyedLimiterBuilder<C = StdClock, S = DefaultHashBuilder> {
    clock: C,
    hasher: S,
    shards: Option<usize>,
    max_entries: usize,
}

impl KeyedLimiterBuilder {
    /// The default cap on live entries: 4,194,304 (over a million keys using all three classes
    /// and the daily cap; about 160 MiB at the measured footprint).
    pub const DEFAULT_MAX_ENTRIES: usize = 1 << 22;

    /// Defaults: the std clock, a randomly seeded foldhash, eight shards per core.
    pub fn new() -> Self {
        Self {
            clock: StdClock::new(),
            hasher: DefaultHashBuilder::default(),
            shards: None,
            max_entries: Self::DEFAULT_MAX_ENTRIES,
        }
    }
}

impl Default for KeyedLimiterBuilder {
    fn default() -> Self {
        Self::new()
    }
}

impl<C, S> KeyedLimiterBuilder<C, S> {
    /// Uses `clock` (e.g. a [`FakeClock`](crate::FakeClock) in tests).
    pub fn clock<C2: Clock>(self, clock: C2) -> KeyedLimiterBuilder<C2, S> {
        KeyedLimiterBuilder {
            clock,
            hasher: self.hasher,
            shards: self.shards,
            max_entries: self.max_entries,
        }
    }

    /// Uses `hasher` to place keys.
    ///
    /// # Security
    ///
    /// Keys that reach the limiter have been looked up, so an attacker cannot pick them freely;
    /// a randomly seeded hasher still keeps collisions unpredictable.
    pub fn hasher<S2: BuildHasher>(self, hasher: S2) -> KeyedLimiterBuilder<C, S2> {
        KeyedLimiterBuilder {
            clock: self.clock,
            hasher,
            shards: self.shards,
            max_entries: self.max_entries,
        }
    }

    /// Uses `n` shards, rounded up to a power of two between 1 and 4,096.
    pub fn shards(mut self, n: usize) -> Self {
        self.shards = Some(n);
        self
    }

    /// Caps live entries (one per bucket, one per daily counter) at `n`, enforced per shard as
    /// `n / shards` rounded up. See [`Denial::Saturated`](crate::Denial::Saturated) for what
    /// happens at the cap.
    pub fn max_entries(mut self, n: usize) -> Self {
        self.max_entries = n;
        self
    }

    /// Builds the limiter.
    pub fn build<K>(self) -> KeyedLimiter<K, C, S>
    where
        K: Copy + Eq + Hash,
        C: Clock,
        S: BuildHasher,
    {
        let shards = self
            .shards
            .unwrap_or_else(|| std::thread::available_parallelism().map_or(4, |n| n.get()) * 8)
            .clamp(1, 4_096)
            .next_power_of_two();
        KeyedLimiter::from_parts(self.clock, self.hasher, shards, self.max_entries)
    }
}
