//! The Redis backend decides exactly as the in-process limiter does, driven by one clock.

#[path = "support/redis_env.rs"]
mod redis_env;

use core::num::NonZeroU32;
use std::time::Duration;

use layer_ratelimit::{
    Backend, BucketKey, ClassLimits, EndpointClass, FakeClock, KeyedLimiter, Quota, Request, Tier,
    TierTable,
};
use proptest::prelude::*;

fn nz(n: u32) -> NonZeroU32 {
    NonZeroU32::new(n).unwrap()
}

/// One step of a schedule: which key, which limits, how long after the previous step.
#[derive(Debug, Clone)]
struct Step {
    key: u8,
    limits: usize,
    advance_ms: u64,
}

/// Small limits, so that a short schedule reaches every refusal; an odd quota (7 per minute)
/// whose interval is not a whole number of microseconds; and an unlimited class.
fn limits() -> [(EndpointClass, ClassLimits); 5] {
    [
        (
            EndpointClass::ReadLight,
            ClassLimits::quota(Quota::per_minute(nz(3))),
        ),
        (
            EndpointClass::WriteLight,
            ClassLimits {
                quota: Some(Quota::per_minute(nz(4))),
                daily_cap: Some(nz(6)),
            },
        ),
        (
            EndpointClass::LongRunning,
            ClassLimits::quota(Quota::per_minute(nz(7))),
        ),
        (
            EndpointClass::ReadLight,
            ClassLimits {
                quota: None,
                daily_cap: None,
            },
        ),
        (
            EndpointClass::WriteLight,
            ClassLimits {
                quota: Some(Quota::per_second(nz(2)).allow_burst(nz(5))),
                daily_cap: Some(nz(3)),
            },
        ),
    ]
}

/// Runs `steps` through both limiters and asserts every decision is identical.
async fn assert_same(steps: &[Step], clock: FakeClock) {
    let Some(_) = redis_env::connect().await else {
        return;
    };
    let redis = redis_env::builder()
        .pinned_clock(clock.clone())
        .build()
        .unwrap();
    let local = KeyedLimiter::builder().clock(clock.clone()).build();
    let table = limits();
    for (i, step) in steps.iter().enumerate() {
        clock.advance(Duration::from_millis(step.advance_ms));
        let (class, limits) = table[step.limits % table.len()];
        let key = BucketKey::new([step.key; 16]);
        let request = Request::new(key, class, Tier::Standard, limits);
        let expected = local.check(&request);
        let actual = redis.check(request).await.unwrap();
        assert_eq!(actual, expected, "step {i}: {step:?}");
    }
}

#[tokio::test]
async fn a_scripted_schedule_decides_alike() {
    // Bursts past each limit, refills part-way and in full, the daily cap, and midnight.
    let mut steps = Vec::new();
    for limits in 0..5 {
        for _ in 0..9 {
            steps.push(Step {
                key: 1,
                limits,
                advance_ms: 0,
            });
        }
        for advance_ms in [1, 8_570, 8_572, 14_999, 15_000, 250, 499, 1] {
            steps.push(Step {
                key: 1,
                limits,
                advance_ms,
            });
        }
    }
    // The daily caps are spent; crossing midnight resets them.
    for advance_ms in [0, 60_000, 0, 0, 1, 0] {
        steps.push(Step {
            key: 1,
            limits: 1,
            advance_ms,
        });
    }
    assert_same(&steps, redis_env::clock_before_midnight(90)).await;
}

#[tokio::test]
async fn the_spec_tiers_decide_alike() {
    let Some(_) = redis_env::connect().await else {
        return;
    };
    let clock = redis_env::clock_before_midnight(3_600);
    let redis = redis_env::builder()
        .pinned_clock(clock.clone())
        .build()
        .unwrap();
    let local = KeyedLimiter::builder().clock(clock.clone()).build();
    let table = TierTable::new();
    let key = BucketKey::from_slice(b"01HX9Y6K7EJ4T2AB").unwrap();
    for tier in [Tier::Standard, Tier::Internal] {
        for class in EndpointClass::ALL {
            let request = Request::from_table(key, class, tier.clone(), &table);
            for _ in 0..125 {
                let expected = local.check(&request);
                assert_eq!(redis.check(request.clone()).await.unwrap(), expected);
            }
            clock.advance(Duration::from_millis(1_250));
        }
    }
}

fn step() -> impl Strategy<Value = Step> {
    (0u8..3, 0usize..5, prop_oneof![Just(0u64), 0u64..20_000]).prop_map(
        |(key, limits, advance_ms)| Step {
            key,
            limits,
            advance_ms,
        },
    )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(12))]

    #[test]
    fn random_schedules_decide_alike(steps in prop::collection::vec(step(), 1..80)) {
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        runtime.block_on(assert_same(&steps, redis_env::clock_before_midnight(120)));
    }
}
