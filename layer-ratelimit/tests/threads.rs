//! Many threads hammering one key admit within the bound.

use core::num::NonZeroU32;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::thread;
use std::time::Duration;

use layer_ratelimit::{
    BucketKey, ClassLimits, Clock, EndpointClass, FakeClock, KeyedLimiter, Quota, Request, Tier,
};

fn request(quota: Quota) -> Request<BucketKey> {
    Request::new(
        BucketKey::new(*b"01HX9Y6K7EJ4T2AB"),
        EndpointClass::WriteLight,
        Tier::Standard,
        ClassLimits::quota(quota),
    )
}

#[test]
fn frozen_clock_admits_exactly_the_burst_across_threads() {
    let quota = Quota::per_minute(NonZeroU32::new(1_000).unwrap());
    let limiter = KeyedLimiter::builder().clock(FakeClock::new()).build();
    let request = request(quota);
    let admitted = AtomicU64::new(0);
    thread::scope(|s| {
        for _ in 0..4 {
            s.spawn(|| {
                for _ in 0..2_000 {
                    if limiter.check(&request).is_allowed() {
                        admitted.fetch_add(1, Ordering::Relaxed);
                    }
                }
            });
        }
    });
    assert_eq!(admitted.into_inner(), 1_000);
}

#[test]
fn moving_clock_admits_within_capacity_plus_refill() {
    let quota = Quota::per_second(NonZeroU32::new(50).unwrap());
    let clock = FakeClock::new();
    let limiter = KeyedLimiter::builder().clock(clock.clone()).build();
    let request = request(quota);
    let admitted = AtomicU64::new(0);
    let attempts = AtomicU64::new(0);
    let done = AtomicBool::new(false);
    thread::scope(|s| {
        // Moves time 5 ms at a time, each step only after the workers made ten more attempts,
        // so the schedule interleaves whatever the thread scheduler does.
        s.spawn(|| {
            for step in 1..=200u64 {
                while attempts.load(Ordering::Acquire) < step * 10 {
                    thread::yield_now();
                }
                clock.advance(Duration::from_millis(5));
            }
            done.store(true, Ordering::Release);
        });
        for _ in 0..3 {
            s.spawn(|| {
                while !done.load(Ordering::Acquire) {
                    if limiter.check(&request).is_allowed() {
                        admitted.fetch_add(1, Ordering::Relaxed);
                    }
                    attempts.fetch_add(1, Ordering::AcqRel);
                }
            });
        }
    });
    let elapsed = clock.now().as_u64();
    assert_eq!(elapsed, 1_000_000_000);
    let bound = 50 + elapsed / quota.replenish_interval().as_nanos() as u64;
    let admitted = admitted.into_inner();
    assert!(admitted <= bound, "{admitted} > {bound}");
    assert!(attempts.into_inner() >= 2_000);
    assert!(
        admitted >= 50,
        "a full bucket admits at least its burst: {admitted}"
    );
}

#[test]
fn threads_on_different_keys_do_not_interfere() {
    let quota = Quota::per_minute(NonZeroU32::new(10).unwrap());
    let limiter = KeyedLimiter::builder().clock(FakeClock::new()).build();
    thread::scope(|s| {
        for t in 0u8..4 {
            let limiter = &limiter;
            s.spawn(move || {
                for k in 0u8..50 {
                    let mut bytes = [0u8; 16];
                    bytes[0] = t;
                    bytes[1] = k;
                    let request = Request::new(
                        BucketKey::new(bytes),
                        EndpointClass::ReadLight,
                        Tier::Standard,
                        ClassLimits::quota(quota),
                    );
                    let admitted = (0..15)
                        .filter(|_| limiter.check(&request).is_allowed())
                        .count();
                    assert_eq!(admitted, 10);
                }
            });
        }
    });
    assert_eq!(limiter.len(), 200);
}
