//! Backoff invariants: delays stay within the cap, honour the server, stop when told to.

use std::time::Duration;

use layer_errors::{Backoff, RetryDecision};
use proptest::prelude::*;
use rand::SeedableRng;
use rand::rngs::SmallRng;

fn backoff() -> impl Strategy<Value = Backoff> {
    (0u64..=60_000, 0u64..=600_000, 1u32..=100).prop_map(|(base_ms, cap_ms, retries)| {
        Backoff::new(
            Duration::from_millis(base_ms),
            Duration::from_millis(cap_ms),
        )
        .with_max_retries(retries)
    })
}

proptest! {
    #[test]
    fn jittered_delays_stay_within_zero_and_the_cap(
        backoff in backoff(),
        attempt in 0u32..200,
        seed in any::<u64>(),
    ) {
        let mut rng = SmallRng::seed_from_u64(seed);
        let delay = backoff.delay_with(RetryDecision::RetryNow, attempt, &mut rng);
        if attempt < backoff.max_retries() {
            let delay = delay.unwrap();
            prop_assert!(delay <= backoff.cap());
            prop_assert!(delay <= backoff.ceiling(attempt));
        } else {
            prop_assert_eq!(delay, None);
        }
    }

    #[test]
    fn delays_are_at_least_the_servers(
        backoff in backoff(),
        attempt in 0u32..100,
        server_ms in 0u64..=10_000_000,
        seed in any::<u64>(),
    ) {
        prop_assume!(attempt < backoff.max_retries());
        let server = Duration::from_millis(server_ms);
        let mut rng = SmallRng::seed_from_u64(seed);
        let delay = backoff
            .delay_with(RetryDecision::RetryAfter(server), attempt, &mut rng)
            .unwrap();
        prop_assert!(delay >= server);
        prop_assert!(delay <= backoff.cap().max(server));
    }

    #[test]
    fn hard_stops_and_request_fixes_are_never_retried(
        backoff in backoff(),
        attempt in any::<u32>(),
        seed in any::<u64>(),
    ) {
        let mut rng = SmallRng::seed_from_u64(seed);
        for decision in [RetryDecision::StopForGood, RetryDecision::FixRequest] {
            prop_assert_eq!(backoff.delay_with(decision, attempt, &mut rng), None);
        }
    }
}
