//! Exponential backoff with full jitter that honours the server's delay.

use std::time::Duration;

use rand::Rng;

use crate::RetryDecision;

/// A retry policy: exponential backoff with full jitter, capped, with a retry budget.
///
/// For retry number `attempt` (0 for the first retry) the delay is drawn uniformly from
/// `[0, min(cap, base * 2^attempt)]` ("full jitter"). When the server named a delay
/// ([`RetryDecision::RetryAfter`]) the delay is at least that long, even past `cap`: the
/// server knows when capacity returns. [`RetryDecision::FixRequest`] and
/// [`RetryDecision::StopForGood`] (which covers `KILL_SWITCH`) are never retried, and neither
/// is anything once `max_retries` retries have been made.
///
/// ```
/// use std::time::Duration;
/// use layer_errors::{Backoff, RetryDecision};
///
/// let backoff = Backoff::new(Duration::from_millis(100), Duration::from_secs(10));
/// let delay = backoff.delay(RetryDecision::RetryNow, 3).unwrap();
/// assert!(delay <= Duration::from_millis(800));
/// assert_eq!(backoff.delay(RetryDecision::StopForGood, 0), None);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Backoff {
    base: Duration,
    cap: Duration,
    max_retries: u32,
}

impl Backoff {
    /// The default budget of retries for [`Backoff::new`].
    pub const DEFAULT_MAX_RETRIES: u32 = 5;

    /// 100 ms base, 20 s cap, [`Backoff::DEFAULT_MAX_RETRIES`] retries.
    pub const DEFAULT: Self = Self::new(Duration::from_millis(100), Duration::from_secs(20));

    /// A policy growing from `base` and never jittering above `cap` (a `base` above `cap` is
    /// clamped to it), with [`Backoff::DEFAULT_MAX_RETRIES`] retries.
    #[must_use]
    pub const fn new(base: Duration, cap: Duration) -> Self {
        Self {
            base,
            cap,
            max_retries: Self::DEFAULT_MAX_RETRIES,
        }
    }

    /// The policy allowing at most `max_retries` retries (0 disables retrying).
    #[must_use]
    pub const fn with_max_retries(mut self, max_retries: u32) -> Self {
        self.max_retries = max_retries;
        self
    }

    /// The first retry's ceiling.
    #[must_use]
    pub const fn base(&self) -> Duration {
        self.base
    }

    /// The largest jittered delay.
    #[must_use]
    pub const fn cap(&self) -> Duration {
        self.cap
    }

    /// The retry budget.
    #[must_use]
    pub const fn max_retries(&self) -> u32 {
        self.max_retries
    }

    /// The upper bound of the jitter for retry number `attempt`: `min(cap, base * 2^attempt)`,
    /// computed without overflow.
    #[must_use]
    pub fn ceiling(&self, attempt: u32) -> Duration {
        1u32.checked_shl(attempt)
            .and_then(|factor| self.base.checked_mul(factor))
            .map_or(self.cap, |grown| grown.min(self.cap))
    }

    /// The delay before retry number `attempt` (0 for the first), or `None` when the decision
    /// or the budget forbids a retry. Jitter comes from the thread's RNG.
    #[must_use]
    pub fn delay(&self, decision: RetryDecision, attempt: u32) -> Option<Duration> {
        self.delay_with(decision, attempt, &mut rand::rng())
    }

    /// As [`Backoff::delay`], with jitter drawn from `rng` (seed one for deterministic tests).
    #[must_use]
    pub fn delay_with<R: Rng + ?Sized>(
        &self,
        decision: RetryDecision,
        attempt: u32,
        rng: &mut R,
    ) -> Option<Duration> {
        if attempt >= self.max_retries {
            return None;
        }
        let server_delay = match decision {
            RetryDecision::RetryNow => Duration::ZERO,
            RetryDecision::RetryAfter(delay) => delay,
            RetryDecision::FixRequest | RetryDecision::StopForGood => return None,
        };
        let ceiling = u64::try_from(self.ceiling(attempt).as_nanos()).unwrap_or(u64::MAX);
        let jitter = Duration::from_nanos(rng.random_range(0..=ceiling));
        Some(jitter.max(server_delay))
    }
}

impl Default for Backoff {
    fn default() -> Self {
        Self::DEFAULT
    }
}

#[cfg(test)]
mod tests {
    use rand::SeedableRng;
    use rand::rngs::SmallRng;

    use super::*;

    const MS: Duration = Duration::from_millis(1);

    #[test]
    fn ceilings_double_then_cap() {
        let backoff = Backoff::new(100 * MS, 1_000 * MS);
        let ceilings: Vec<Duration> = (0..6).map(|attempt| backoff.ceiling(attempt)).collect();
        assert_eq!(
            ceilings,
            [
                100 * MS,
                200 * MS,
                400 * MS,
                800 * MS,
                1_000 * MS,
                1_000 * MS
            ]
        );
        assert_eq!(backoff.ceiling(31), 1_000 * MS);
        assert_eq!(backoff.ceiling(u32::MAX), 1_000 * MS);
        assert_eq!(Backoff::new(5 * MS, MS).ceiling(0), MS);
    }

    #[test]
    fn jitter_is_deterministic_with_a_seeded_rng_and_spread_out() {
        let backoff = Backoff::new(100 * MS, 1_000 * MS).with_max_retries(10);
        let draw = |seed| {
            let mut rng = SmallRng::seed_from_u64(seed);
            backoff.delay_with(RetryDecision::RetryNow, 3, &mut rng)
        };
        assert_eq!(draw(1), draw(1));
        let delays: std::collections::HashSet<_> = (0..50).map(draw).collect();
        assert!(delays.len() > 40, "full jitter should rarely repeat");
        assert!(delays.iter().all(|delay| delay.unwrap() <= 800 * MS));
    }

    #[test]
    fn server_delay_is_a_floor_even_past_the_cap() {
        let backoff = Backoff::new(100 * MS, 1_000 * MS);
        let mut rng = SmallRng::seed_from_u64(3);
        let long = RetryDecision::RetryAfter(5_000 * MS);
        assert_eq!(backoff.delay_with(long, 0, &mut rng), Some(5_000 * MS));
        let short = RetryDecision::RetryAfter(50 * MS);
        for _ in 0..100 {
            let delay = backoff.delay_with(short, 2, &mut rng).unwrap();
            assert!(delay >= 50 * MS && delay <= 400 * MS);
        }
    }

    #[test]
    fn never_retries_hard_stops_or_past_the_budget() {
        let backoff = Backoff::DEFAULT.with_max_retries(2);
        assert_eq!(backoff.delay(RetryDecision::StopForGood, 0), None);
        assert_eq!(backoff.delay(RetryDecision::FixRequest, 0), None);
        assert!(backoff.delay(RetryDecision::RetryNow, 1).is_some());
        assert_eq!(backoff.delay(RetryDecision::RetryNow, 2), None);
        assert_eq!(
            Backoff::default()
                .with_max_retries(0)
                .delay(RetryDecision::RetryNow, 0),
            None
        );
    }
}
