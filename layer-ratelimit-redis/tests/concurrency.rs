//! Instances sharing one Redis admit at most the limit in total.

#[path = "support/redis_env.rs"]
mod redis_env;

use core::num::NonZeroU32;
use std::collections::BTreeSet;
use std::sync::Arc;

use layer_ratelimit::{Backend, BucketKey, ClassLimits, EndpointClass, Quota, Request, Tier};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_instances_hammering_one_key_admit_the_limit_once() {
    let Some(_) = redis_env::connect().await else {
        return;
    };
    // Two limiters (two connections, as two instances would have) on one prefix and one
    // clock, with no denied cache, so every check is a round trip.
    let clock = redis_env::clock_before_midnight(3_600);
    let prefix = redis_env::prefix();
    let instance = || {
        Arc::new(
            redis_env::builder()
                .prefix(prefix.clone())
                .pinned_clock(clock.clone())
                .denied_cache_capacity(0)
                .build()
                .unwrap(),
        )
    };
    let quota = Quota::per_minute(NonZeroU32::new(20).unwrap());
    let request = Request::new(
        BucketKey::new([7; 16]),
        EndpointClass::LongRunning,
        Tier::Standard,
        ClassLimits::quota(quota),
    );
    let tasks: Vec<_> = [instance(), instance()]
        .into_iter()
        .map(|limiter| {
            let request = request.clone();
            tokio::spawn(async move {
                let mut admitted = Vec::new();
                for _ in 0..60 {
                    let decision = limiter.check(request.clone()).await.unwrap();
                    if decision.is_allowed() {
                        admitted.push(decision.remaining().unwrap());
                    }
                }
                admitted
            })
        })
        .collect();
    let mut remaining = Vec::new();
    for task in tasks {
        remaining.extend(task.await.unwrap());
    }
    assert_eq!(remaining.len(), 20, "admitted in total");
    // Each admission saw a different bucket state: the script is atomic.
    let distinct: BTreeSet<u32> = remaining.iter().copied().collect();
    assert_eq!(distinct, (0..20).collect());
}
