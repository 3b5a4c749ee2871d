//! The daily cap is checked before the bucket, and a refusal by either takes from neither;
//! keys follow the documented layout and expire.

#[path = "support/redis_env.rs"]
mod redis_env;

use core::num::NonZeroU32;
use std::time::Duration;

use layer_ratelimit::{
    Backend, BucketKey, ClassLimits, DailyStatus, Denial, EndpointClass, Quota, Request, Tier,
};
use layer_ratelimit_redis::redis::AsyncCommands;

fn nz(n: u32) -> NonZeroU32 {
    NonZeroU32::new(n).unwrap()
}

fn write(key: BucketKey, per_minute: u32, cap: u32) -> Request<BucketKey> {
    let limits = ClassLimits {
        quota: Some(Quota::per_minute(nz(per_minute))),
        daily_cap: Some(nz(cap)),
    };
    Request::new(key, EndpointClass::WriteLight, Tier::Standard, limits)
}

#[tokio::test]
async fn a_key_refused_by_the_daily_cap_keeps_its_tokens() {
    let Some(_) = redis_env::connect().await else {
        return;
    };
    let clock = redis_env::clock_before_midnight(30);
    let limiter = redis_env::builder()
        .pinned_clock(clock.clone())
        .denied_cache_capacity(0)
        .build()
        .unwrap();
    let request = write(BucketKey::new([1; 16]), 5, 3);
    for remaining in [4, 3, 2] {
        let d = limiter.check(request.clone()).await.unwrap();
        assert!(d.is_allowed());
        assert_eq!(d.remaining(), Some(remaining));
    }
    for _ in 0..3 {
        let refused = limiter.check(request.clone()).await.unwrap();
        assert_eq!(refused.denial(), Some(Denial::DailyCap));
        assert_eq!(refused.remaining(), Some(2), "the bucket keeps its tokens");
        assert_eq!(refused.daily().map(DailyStatus::remaining), Some(0));
        assert_eq!(refused.retry_after(), Some(Duration::from_secs(30)));
    }
    // Past midnight the cap resets and the untouched tokens are still there.
    clock.advance(Duration::from_secs(30));
    let d = limiter.check(request.clone()).await.unwrap();
    assert!(d.is_allowed());
    assert_eq!(d.daily().map(DailyStatus::remaining), Some(2));
}

#[tokio::test]
async fn a_bucket_refusal_does_not_count_against_the_day() {
    let Some(_) = redis_env::connect().await else {
        return;
    };
    let clock = redis_env::clock_before_midnight(3_600);
    let limiter = redis_env::builder()
        .pinned_clock(clock.clone())
        .denied_cache_capacity(0)
        .build()
        .unwrap();
    let request = write(BucketKey::new([2; 16]), 2, 10);
    for _ in 0..2 {
        assert!(limiter.check(request.clone()).await.unwrap().is_allowed());
    }
    for _ in 0..5 {
        let refused = limiter.check(request.clone()).await.unwrap();
        assert_eq!(refused.denial(), Some(Denial::Bucket));
        assert_eq!(refused.daily().map(DailyStatus::remaining), Some(8));
    }
    clock.advance(Duration::from_secs(30));
    let d = limiter.check(request).await.unwrap();
    assert!(d.is_allowed());
    assert_eq!(d.daily().map(DailyStatus::remaining), Some(7));
}

#[tokio::test]
async fn keys_follow_the_layout_expire_and_unlimited_classes_stay_out() {
    let Some(mut redis) = redis_env::connect().await else {
        return;
    };
    let limiter = redis_env::builder().build().unwrap();
    let key = BucketKey::new([0xab; 16]);
    let prefix = limiter.layout().prefix().to_owned();

    let unlimited = Request::new(
        key,
        EndpointClass::ReadLight,
        Tier::Internal,
        ClassLimits {
            quota: None,
            daily_cap: None,
        },
    );
    for _ in 0..3 {
        assert!(limiter.check(unlimited.clone()).await.unwrap().is_allowed());
    }
    assert_eq!(limiter.stats().round_trips, 0);
    let keys: Vec<String> = redis.keys(format!("{prefix}*")).await.unwrap();
    assert!(keys.is_empty(), "{keys:?}");

    assert!(
        limiter
            .check(write(key, 60, 100))
            .await
            .unwrap()
            .is_allowed()
    );
    let hex = "ab".repeat(16);
    let bucket = format!("{prefix}{{{hex}}}:write-light");
    let daily = format!("{prefix}{{{hex}}}:daily");
    let mut keys: Vec<String> = redis.keys(format!("{prefix}*")).await.unwrap();
    keys.sort();
    assert_eq!(keys, [daily.clone(), bucket.clone()]);
    // The bucket is full again one interval (1 s) after one request; the counter at midnight.
    let bucket_ttl: i64 = redis.pttl(&bucket).await.unwrap();
    assert!((1..=1_000).contains(&bucket_ttl), "{bucket_ttl}");
    let daily_ttl: i64 = redis.pttl(&daily).await.unwrap();
    assert!((1..=86_400_000).contains(&daily_ttl), "{daily_ttl}");
    let count: String = redis.get(&daily).await.unwrap();
    assert!(count.ends_with(":1"), "{count}");
}
