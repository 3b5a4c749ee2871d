//! The keyed limiter: separate buckets, sweeping, the entry cap.

use core::num::NonZeroU32;
use std::time::Duration;

use layer_ratelimit::{
    BucketKey, ClassLimits, Denial, EndpointClass, FakeClock, KeyedLimiter, Quota, Request, Tier,
    TierTable,
};

fn key(n: u32) -> BucketKey {
    let mut bytes = [b'0'; 16];
    bytes[..4].copy_from_slice(&n.to_be_bytes());
    BucketKey::new(bytes)
}

fn request(n: u32, class: EndpointClass) -> Request<BucketKey> {
    Request::from_table(key(n), class, Tier::Standard, &TierTable::new())
}

#[test]
fn classes_and_keys_have_separate_buckets() {
    let limiter = KeyedLimiter::builder().clock(FakeClock::new()).build();
    for _ in 0..20 {
        assert!(
            limiter
                .check(&request(1, EndpointClass::LongRunning))
                .is_allowed()
        );
    }
    assert!(
        !limiter
            .check(&request(1, EndpointClass::LongRunning))
            .is_allowed()
    );
    let read = limiter.check(&request(1, EndpointClass::ReadLight));
    assert!(read.is_allowed());
    assert_eq!(
        read.remaining(),
        Some(119),
        "a burst on one class never starves another"
    );
    assert!(
        limiter
            .check(&request(2, EndpointClass::LongRunning))
            .is_allowed()
    );
}

#[test]
fn sweeping_drops_only_idle_entries_and_changes_no_decision() {
    let clock = FakeClock::new();
    let limiter = KeyedLimiter::builder().clock(clock.clone()).build();
    for n in 0..100 {
        limiter.check(&request(n, EndpointClass::ReadLight));
    }
    for _ in 0..30 {
        limiter.check(&request(7, EndpointClass::ReadLight));
    }
    assert_eq!(limiter.len(), 100);
    // 0.5 s later, every bucket that took one token is full again; key 7's is not.
    clock.advance(Duration::from_millis(500));
    assert_eq!(limiter.sweep(), 99);
    assert_eq!(limiter.len(), 1);
    let d = limiter.check(&request(7, EndpointClass::ReadLight));
    assert_eq!(d.remaining(), Some(120 - 31 + 1 - 1));
    let fresh = limiter.check(&request(8, EndpointClass::ReadLight));
    assert_eq!(fresh.remaining(), Some(119));
    clock.advance(Duration::from_secs(60));
    assert_eq!(limiter.sweep(), 2);
    assert!(limiter.is_empty());
    assert_eq!(limiter.sweep(), 0);
}

#[test]
fn daily_counters_are_swept_after_midnight_only() {
    let clock = FakeClock::starting_at_unix(Duration::from_secs(1_699_920_000 - 10));
    let limiter = KeyedLimiter::builder().clock(clock.clone()).build();
    limiter.check(&request(1, EndpointClass::WriteLight));
    assert_eq!(limiter.len(), 2, "a bucket and a daily counter");
    clock.advance(Duration::from_secs(5));
    assert_eq!(
        limiter.sweep(),
        1,
        "the bucket is full, today's counter is not idle"
    );
    clock.advance(Duration::from_secs(5));
    assert_eq!(
        limiter.sweep(),
        1,
        "a counter of a past day is worth nothing"
    );
    assert!(limiter.is_empty());
}

#[test]
fn at_the_entry_cap_new_keys_wait_and_existing_keys_carry_on() {
    let quota = Quota::per_second(NonZeroU32::new(1).unwrap());
    let clock = FakeClock::new();
    let limiter = KeyedLimiter::builder()
        .clock(clock.clone())
        .shards(1)
        .max_entries(3)
        .build();
    let limits = ClassLimits::quota(quota);
    let req = |n| Request::new(key(n), EndpointClass::ReadLight, Tier::Standard, limits);
    for n in 0..3 {
        assert!(limiter.check(&req(n)).is_allowed());
        clock.advance(Duration::from_millis(100));
    }
    let refused = limiter.check(&req(9));
    assert_eq!(refused.denial(), Some(Denial::Saturated));
    // Key 0's bucket is full again 1 s after its request, 0.7 s from now.
    assert_eq!(refused.retry_after(), Some(Duration::from_millis(700)));
    assert_eq!(limiter.check(&req(1)).denial(), Some(Denial::Bucket));
    clock.advance(Duration::from_millis(700));
    assert!(limiter.check(&req(9)).is_allowed());
    assert_eq!(limiter.len(), 3);
}

#[test]
fn unlimited_classes_touch_no_state() {
    let limiter = KeyedLimiter::builder().clock(FakeClock::new()).build();
    for _ in 0..10_000 {
        let d =
            limiter.check(&request(1, EndpointClass::ReadLight).clone_with_tier(Tier::Internal));
        assert!(d.is_allowed());
        assert_eq!(d.limit(), None);
    }
    assert!(limiter.is_empty());
}

trait WithTier {
    fn clone_with_tier(&self, tier: Tier) -> Self;
}

impl WithTier for Request<BucketKey> {
    fn clone_with_tier(&self, tier: Tier) -> Self {
        Request::from_table(self.key, self.class, tier, &TierTable::new())
    }
}

#[test]
fn a_clock_reading_from_the_past_never_refills() {
    let clock = FakeClock::new();
    clock.advance(Duration::from_secs(10));
    let limiter = KeyedLimiter::builder().clock(clock.clone()).build();
    let req = request(1, EndpointClass::LongRunning);
    for _ in 0..20 {
        assert!(limiter.check(&req).is_allowed());
    }
    let earlier = layer_ratelimit::Nanos::new(1);
    assert!(!limiter.check_at(&req, earlier).is_allowed());
}
