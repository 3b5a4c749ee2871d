//! Properties of the bucket algorithm (SPEC 3.2) over arbitrary request schedules.

use core::num::NonZeroU32;
use std::time::Duration;

use layer_ratelimit::{
    Bucket, BucketKey, ClassLimits, EndpointClass, FakeClock, KeyedLimiter, Nanos, Quota, Request,
    Tier,
};
use proptest::prelude::*;

fn quota() -> impl Strategy<Value = Quota> {
    (1u64..=2_000_000_000, 1u32..=20).prop_map(|(interval, burst)| {
        Quota::with_period(Duration::from_nanos(interval))
            .unwrap()
            .allow_burst(NonZeroU32::new(burst).unwrap())
    })
}

/// Gaps between requests, as fractions of the refill interval in 1/8ths (0 = same instant).
fn schedule() -> impl Strategy<Value = Vec<u8>> {
    prop::collection::vec(prop_oneof![Just(0u8), 0u8..=24], 1..200)
}

fn limiter() -> KeyedLimiter<BucketKey, FakeClock> {
    KeyedLimiter::builder()
        .clock(FakeClock::new())
        .shards(1)
        .build()
}

fn request(quota: Quota) -> Request<BucketKey> {
    Request::new(
        BucketKey::default(),
        EndpointClass::ReadLight,
        Tier::Standard,
        ClassLimits::quota(quota),
    )
}

fn times(quota: Quota, gaps: &[u8]) -> Vec<Nanos> {
    let step = quota.replenish_interval().as_nanos() as u64;
    let mut now = 1_000u64;
    gaps.iter()
        .map(|g| {
            now += step * u64::from(*g) / 8;
            Nanos::new(now)
        })
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// In every window [a, b] between admitted requests: admitted ≤ capacity + rate × (b - a).
    #[test]
    fn never_over_admits(quota in quota(), gaps in schedule()) {
        let limiter = limiter();
        let request = request(quota);
        let admitted: Vec<u64> = times(quota, &gaps)
            .into_iter()
            .filter(|t| limiter.check_at(&request, *t).is_allowed())
            .map(Nanos::as_u64)
            .collect();
        let interval = quota.replenish_interval().as_nanos() as u64;
        let burst = u64::from(quota.burst_size().get());
        for (i, a) in admitted.iter().enumerate() {
            for (j, b) in admitted.iter().enumerate().skip(i) {
                let count = (j - i + 1) as u64;
                prop_assert!(count <= burst + (b - a) / interval, "{count} in [{a}, {b}]");
            }
        }
    }

    /// A stream at exactly the limit, even right after the whole burst, is never refused.
    #[test]
    fn never_under_admits_a_steady_stream(quota in quota(), extra in 1usize..300) {
        let limiter = limiter();
        let request = request(quota);
        let interval = quota.replenish_interval().as_nanos() as u64;
        let t0 = 5u64;
        for _ in 0..quota.burst_size().get() {
            prop_assert!(limiter.check_at(&request, Nanos::new(t0)).is_allowed());
        }
        for k in 1..=extra as u64 {
            let d = limiter.check_at(&request, Nanos::new(t0 + k * interval));
            prop_assert!(d.is_allowed(), "request {k} of the stream refused");
            prop_assert_eq!(d.remaining(), Some(0));
        }
    }

    /// Replaying only the admitted requests gives the same answers: refusals changed nothing.
    #[test]
    fn a_denial_consumes_nothing(quota in quota(), gaps in schedule()) {
        let all = limiter();
        let request = request(quota);
        let admitted: Vec<(Nanos, Option<u32>)> = times(quota, &gaps)
            .into_iter()
            .map(|t| (t, all.check_at(&request, t)))
            .filter(|(_, d)| d.is_allowed())
            .map(|(t, d)| (t, d.remaining()))
            .collect();
        let replay = limiter();
        for (t, remaining) in admitted {
            let d = replay.check_at(&request, t);
            prop_assert!(d.is_allowed());
            prop_assert_eq!(d.remaining(), remaining);
        }
    }

    /// After any schedule, a refused request succeeds at exactly now + retry-after and not a
    /// nanosecond (or, in whole milliseconds, a millisecond) earlier.
    #[test]
    fn retry_after_is_exact(quota in quota(), gaps in schedule()) {
        let mut bucket = Bucket::default();
        let mut last = Nanos::ZERO;
        for t in times(quota, &gaps) {
            bucket.check(t, quota);
            last = t;
        }
        // Drain what is left at `last` so the next request is refused.
        let refused = loop {
            let outcome = bucket.check(last, quota);
            if !outcome.is_allowed() {
                break outcome;
            }
        };
        let wait = refused.retry_after().unwrap();
        prop_assert!(wait > Duration::ZERO);
        let at = |d: Duration| last.saturating_add(d);
        let mut probe = bucket;
        prop_assert!(!probe.check(at(wait - Duration::from_nanos(1)), quota).is_allowed());
        prop_assert_eq!(probe, bucket, "the early probe took nothing");
        prop_assert!(probe.check(at(wait), quota).is_allowed());

        let ms = Duration::from_millis(wait.as_nanos().div_ceil(1_000_000) as u64);
        let mut probe = bucket;
        prop_assert!(probe.check(at(ms), quota).is_allowed());
        if ms >= Duration::from_millis(1) {
            let mut probe = bucket;
            prop_assert!(!probe.check(at(ms - Duration::from_millis(1)), quota).is_allowed());
        }
    }

    /// The keyed limiter agrees with its reported retry-after too.
    #[test]
    fn limiter_retry_after_is_exact(quota in quota(), gaps in schedule()) {
        let limiter = limiter();
        let request = request(quota);
        let mut last = Nanos::ZERO;
        for t in times(quota, &gaps) {
            limiter.check_at(&request, t);
            last = t;
        }
        let refused = loop {
            let d = limiter.check_at(&request, last);
            if !d.is_allowed() {
                break d;
            }
        };
        let wait = refused.retry_after().unwrap();
        prop_assert!(!limiter.check_at(&request, last.saturating_add(wait - Duration::from_nanos(1))).is_allowed());
        prop_assert!(limiter.check_at(&request, last.saturating_add(wait)).is_allowed());
    }
}
