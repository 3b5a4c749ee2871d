//! Refusals are remembered locally: repeats within the retry-after cost no round trip and
//! count the retry-after down.

#[path = "support/redis_env.rs"]
mod redis_env;

use core::num::NonZeroU32;
use std::time::Duration;

use layer_ratelimit::{
    Backend, BucketKey, ClassLimits, Denial, EndpointClass, KeyedLimiter, Quota, Request, Tier,
};
use layer_ratelimit_redis::redis::AsyncCommands;

fn request(key: u8, per_minute: u32) -> Request<BucketKey> {
    let quota = Quota::per_minute(NonZeroU32::new(per_minute).unwrap());
    Request::new(
        BucketKey::new([key; 16]),
        EndpointClass::ReadLight,
        Tier::Standard,
        ClassLimits::quota(quota),
    )
}

#[tokio::test]
async fn repeats_within_the_retry_after_make_no_round_trip() {
    let Some(mut redis) = redis_env::connect().await else {
        return;
    };
    let clock = redis_env::clock_before_midnight(3_600);
    let limiter = redis_env::builder()
        .pinned_clock(clock.clone())
        .build()
        .unwrap();
    let local = KeyedLimiter::builder().clock(clock.clone()).build();
    let request = request(3, 2);
    for _ in 0..2 {
        local.check(&request);
        assert!(limiter.check(request.clone()).await.unwrap().is_allowed());
    }
    let refused = limiter.check(request.clone()).await.unwrap();
    assert_eq!(refused.denial(), Some(Denial::Bucket));
    assert_eq!(refused.retry_after(), Some(Duration::from_secs(30)));
    let trips = limiter.stats().round_trips;
    assert_eq!(trips, 3);

    // Emptying the bucket behind the limiter's back would admit a request that reached
    // Redis; the cached refusal does not reach it.
    let bucket = limiter.layout().bucket(&request.key, request.class);
    let _: () = redis.del(&bucket).await.unwrap();
    for step in 1..=29 {
        clock.advance(Duration::from_secs(1));
        let cached = limiter.check(request.clone()).await.unwrap();
        assert_eq!(cached.denial(), Some(Denial::Bucket));
        assert_eq!(cached.retry_after(), Some(Duration::from_secs(30 - step)));
        assert_eq!(cached, local.check(&request), "aged as the limiter would");
    }
    assert_eq!(limiter.stats().round_trips, trips);
    assert_eq!(limiter.stats().cache_hits, 29);

    // At the retry-after the entry lapses and Redis decides again.
    clock.advance(Duration::from_secs(1));
    assert!(limiter.check(request).await.unwrap().is_allowed());
    assert_eq!(limiter.stats().round_trips, trips + 1);
}

#[tokio::test]
async fn the_cache_is_bounded_and_can_be_turned_off() {
    let Some(_) = redis_env::connect().await else {
        return;
    };
    let clock = redis_env::clock_before_midnight(3_600);
    let limiter = redis_env::builder()
        .pinned_clock(clock.clone())
        .denied_cache_capacity(1)
        .build()
        .unwrap();
    for key in [1, 2] {
        let request = request(key, 1);
        assert!(limiter.check(request.clone()).await.unwrap().is_allowed());
        for _ in 0..3 {
            assert!(!limiter.check(request.clone()).await.unwrap().is_allowed());
        }
    }
    // Key 1's refusal was cached (2 repeats answered locally); key 2's found the cache full.
    assert_eq!(limiter.cached_refusals(), 1);
    assert_eq!(limiter.stats().cache_hits, 2);
    assert_eq!(limiter.stats().round_trips, 2 + 4);

    let off = redis_env::builder()
        .pinned_clock(clock)
        .denied_cache_capacity(0)
        .build()
        .unwrap();
    let request = request(3, 1);
    for _ in 0..4 {
        off.check(request.clone()).await.unwrap();
    }
    assert_eq!(off.stats().cache_hits, 0);
    assert_eq!(off.stats().round_trips, 4);
    assert_eq!(off.cached_refusals(), 0);
}
