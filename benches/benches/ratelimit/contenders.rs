//! The three limiters under test, behind one small trait so the loops are identical.

use core::num::NonZeroU32;
use std::time::Duration;

use governor::clock::FakeRelativeClock;
use governor::state::keyed::DashMapStateStore;
use governor::{NotUntil, RateLimiter, middleware::NoOpMiddleware};
use layer_ratelimit::{
    BucketKey, ClassLimits, EndpointClass, FakeClock, KeyedLimiter, Quota, Request, Tier,
};

/// One rate limiter under test.
pub(crate) trait Contender: Sync {
    /// Checks one request for `key`; whether it was admitted.
    fn check(&self, key: BucketKey) -> bool;
    /// Moves this contender's fake clock.
    fn advance(&self, by: Duration);
}

/// The quota both sides enforce: `per_minute` or `per_hour` requests, burst equal.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Shape {
    PerMinute(u32),
    PerHour(u32),
}

fn nz(n: u32) -> NonZeroU32 {
    NonZeroU32::new(n).unwrap_or(NonZeroU32::MIN)
}

/// `layer-ratelimit`'s keyed limiter with its default hasher.
pub(crate) struct Ours {
    limiter: KeyedLimiter<BucketKey, FakeClock>,
    limits: ClassLimits,
}

impl Ours {
    pub(crate) fn new(shape: Shape) -> Self {
        let quota = match shape {
            Shape::PerMinute(n) => Quota::per_minute(nz(n)),
            Shape::PerHour(n) => Quota::per_hour(nz(n)),
        };
        Self {
            limiter: KeyedLimiter::builder().clock(FakeClock::new()).build(),
            limits: ClassLimits::quota(quota),
        }
    }
}

impl Contender for Ours {
    #[inline]
    fn check(&self, key: BucketKey) -> bool {
        let request = Request::new(key, EndpointClass::ReadLight, Tier::Standard, self.limits);
        self.limiter.check(&request).is_allowed()
    }

    fn advance(&self, by: Duration) {
        self.limiter.clock().advance(by);
    }
}

type Gov<S> = RateLimiter<
    BucketKey,
    DashMapStateStore<BucketKey, S>,
    FakeRelativeClock,
    NoOpMiddleware<<FakeRelativeClock as governor::clock::Clock>::Instant>,
>;

/// `governor`'s keyed limiter (`DashMap`) with hasher `S`.
pub(crate) struct Governor<S: core::hash::BuildHasher + Clone> {
    limiter: Gov<S>,
    clock: FakeRelativeClock,
}

fn governor_quota(shape: Shape) -> governor::Quota {
    match shape {
        Shape::PerMinute(n) => governor::Quota::per_minute(nz(n)),
        Shape::PerHour(n) => governor::Quota::per_hour(nz(n)),
    }
}

impl Governor<std::hash::RandomState> {
    /// The default keyed limiter: `DashMap` with std's SipHash `RandomState`.
    pub(crate) fn default_hasher(shape: Shape) -> Self {
        let clock = FakeRelativeClock::default();
        Self {
            limiter: RateLimiter::dashmap_with_clock(governor_quota(shape), clock.clone()),
            clock,
        }
    }
}

impl Governor<foldhash::fast::RandomState> {
    /// The keyed limiter with a fast hasher (foldhash).
    pub(crate) fn fast_hasher(shape: Shape) -> Self {
        let clock = FakeRelativeClock::default();
        Self {
            limiter: RateLimiter::dashmap_with_clock_and_hasher(
                governor_quota(shape),
                clock.clone(),
                foldhash::fast::RandomState::default(),
            ),
            clock,
        }
    }
}

impl<S> Contender for Governor<S>
where
    S: core::hash::BuildHasher + Clone + Send + Sync,
{
    #[inline]
    fn check(&self, key: BucketKey) -> bool {
        let outcome: Result<(), NotUntil<_>> = self.limiter.check_key(&key);
        outcome.is_ok()
    }

    fn advance(&self, by: Duration) {
        self.clock.advance(by);
    }
}
