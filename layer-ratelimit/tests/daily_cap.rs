//! The daily cap on `write-light` (SPEC 3.2): per key per UTC day, checked before the bucket.

use core::num::NonZeroU32;
use std::time::Duration;

use layer_ratelimit::{
    BucketKey, Denial, EndpointClass, FakeClock, KeyedLimiter, Request, Tier, TierLimits, TierTable,
};

/// 2023-11-14T00:00:00Z.
const MIDNIGHT: u64 = 1_699_920_000;

fn write(table: &TierTable, tier: Tier) -> Request<BucketKey> {
    Request::from_table(
        BucketKey::new(*b"01HX9Y6K7EJ4T2AB"),
        EndpointClass::WriteLight,
        tier,
        table,
    )
}

#[test]
fn spec_standard_cap_holds_for_a_day_and_resets_at_utc_midnight() {
    let clock = FakeClock::starting_at_unix(Duration::from_secs(MIDNIGHT));
    let limiter = KeyedLimiter::builder().clock(clock.clone()).build();
    let request = write(&TierTable::new(), Tier::Standard);
    // One write a second stays inside the 60/min bucket: only the daily cap can refuse.
    for i in 0..10_000u32 {
        let d = limiter.check(&request);
        assert!(d.is_allowed(), "write {i}");
        assert_eq!(d.daily().unwrap().remaining(), 9_999 - i);
        clock.advance(Duration::from_secs(1));
    }
    let refused = limiter.check(&request);
    assert_eq!(refused.denial(), Some(Denial::DailyCap));
    // 10,000 s into the day: the cap resets at the next midnight.
    assert_eq!(
        refused.retry_after(),
        Some(Duration::from_secs(86_400 - 10_000))
    );
    assert_eq!(refused.daily().unwrap().remaining(), 0);

    clock.advance(Duration::from_secs(86_400 - 10_000 - 1));
    assert_eq!(limiter.check(&request).denial(), Some(Denial::DailyCap));
    clock.advance(Duration::from_secs(1));
    let next_day = limiter.check(&request);
    assert!(next_day.is_allowed());
    assert_eq!(next_day.daily().unwrap().remaining(), 9_999);
}

#[test]
fn a_key_refused_by_the_daily_cap_keeps_its_per_minute_tokens() {
    let tiny = TierLimits::STANDARD.with_daily_write_cap(NonZeroU32::new(3));
    let table = TierTable::new().with_tier(Tier::Standard, tiny);
    let clock = FakeClock::starting_at_unix(Duration::from_secs(MIDNIGHT - 60));
    let limiter = KeyedLimiter::builder().clock(clock.clone()).build();
    let request = write(&table, Tier::Standard);
    for _ in 0..3 {
        assert!(limiter.check(&request).is_allowed());
    }
    for _ in 0..5 {
        let refused = limiter.check(&request);
        assert_eq!(refused.denial(), Some(Denial::DailyCap));
        assert_eq!(
            refused.remaining(),
            Some(57),
            "no per-minute token was taken"
        );
        assert_eq!(refused.retry_after(), Some(Duration::from_secs(60)));
    }
    // 00:00 UTC: the same bucket, untouched by the five refusals.
    clock.advance(Duration::from_secs(60));
    let after = limiter.check(&request);
    assert!(after.is_allowed());
    assert_eq!(
        after.remaining(),
        Some(59),
        "the bucket refilled while capped"
    );
    assert_eq!(after.daily().unwrap().remaining(), 2);
}

#[test]
fn a_request_refused_by_the_bucket_does_not_count_against_the_day() {
    let clock = FakeClock::starting_at_unix(Duration::from_secs(MIDNIGHT));
    let limiter = KeyedLimiter::builder().clock(clock.clone()).build();
    let request = write(&TierTable::new(), Tier::Standard);
    for _ in 0..60 {
        assert!(limiter.check(&request).is_allowed());
    }
    for _ in 0..10 {
        let refused = limiter.check(&request);
        assert_eq!(refused.denial(), Some(Denial::Bucket));
        assert_eq!(refused.daily().unwrap().remaining(), 10_000 - 60);
    }
}

#[test]
fn when_both_limits_refuse_retry_after_waits_for_both() {
    let tiny = TierLimits::STANDARD.with_daily_write_cap(NonZeroU32::new(60));
    let table = TierTable::new().with_tier(Tier::Standard, tiny);
    // 0.5 s before midnight, the bucket needs 1 s for a token: the later of the two wins.
    let clock = FakeClock::starting_at_unix(Duration::from_millis(MIDNIGHT * 1_000 - 500));
    let limiter = KeyedLimiter::builder().clock(clock.clone()).build();
    let request = write(&table, Tier::Standard);
    for _ in 0..60 {
        assert!(limiter.check(&request).is_allowed());
    }
    let refused = limiter.check(&request);
    assert_eq!(refused.denial(), Some(Denial::DailyCap));
    assert_eq!(refused.retry_after(), Some(Duration::from_secs(1)));
    clock.advance(Duration::from_secs(1));
    assert!(limiter.check(&request).is_allowed());
}

#[test]
fn other_classes_have_no_daily_cap() {
    let tiny = TierLimits::STANDARD.with_daily_write_cap(NonZeroU32::new(1));
    let table = TierTable::new().with_tier(Tier::Standard, tiny);
    let limiter = KeyedLimiter::builder().clock(FakeClock::new()).build();
    let key = BucketKey::new(*b"01HX9Y6K7EJ4T2AB");
    let read = Request::from_table(key, EndpointClass::ReadLight, Tier::Standard, &table);
    for _ in 0..120 {
        let d = limiter.check(&read);
        assert!(d.is_allowed());
        assert!(d.daily().is_none());
    }
}
