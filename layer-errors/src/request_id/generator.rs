//! The per-thread generator behind [`RequestId::generate`](super::RequestId::generate).

use std::cell::RefCell;
use std::time::{SystemTime, UNIX_EPOCH};

use rand::rngs::SmallRng;
use rand::{Rng, SeedableRng};

use super::RequestId;

/// The low 80 bits of a ULID: its random part.
const RANDOM_MASK: u128 = (1 << 80) - 1;

/// The largest 48-bit millisecond timestamp (year 10889).
const TIMESTAMP_MAX: u64 = (1 << 48) - 1;

thread_local! {
    static GENERATOR: RefCell<Generator> = RefCell::new(Generator::new(SmallRng::from_rng(&mut rand::rng())));
}

/// Makes a fresh id on this thread: see [`RequestId::generate`](super::RequestId::generate).
pub(super) fn generate() -> RequestId {
    let now = now_ms();
    GENERATOR
        .try_with(|generator| {
            generator
                .try_borrow_mut()
                .ok()
                .map(|mut generator| generator.next(now))
        })
        .ok()
        .flatten()
        // Only reachable while this thread's locals are being torn down: fall back to an
        // unordered id from a one-off generator rather than panicking.
        .unwrap_or_else(|| {
            let rng = SmallRng::try_from_os_rng()
                .unwrap_or_else(|_| SmallRng::seed_from_u64(now ^ u64::from(std::process::id())));
            Generator::new(rng).next(now)
        })
}

/// Milliseconds since the Unix epoch; 0 for a clock set before it. `SystemTime::now` is a
/// vDSO call on Linux, not a system call.
fn now_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |since| {
            u64::try_from(since.as_millis()).unwrap_or(u64::MAX)
        })
}

/// Monotonic ULID state: a small RNG seeded once, and the last id handed out.
#[derive(Debug)]
pub(super) struct Generator {
    rng: SmallRng,
    last: Option<(u64, u128)>,
}

impl Generator {
    pub(super) fn new(rng: SmallRng) -> Self {
        Self { rng, last: None }
    }

    /// The next id for a clock reading of `now_ms`.
    ///
    /// A later millisecond draws 80 fresh random bits. Within the same millisecond, or when
    /// the clock stepped back, the previous id's random part is incremented, so ids from one
    /// thread strictly increase. If that increment would overflow 80 bits, the timestamp
    /// moves one millisecond ahead instead.
    pub(super) fn next(&mut self, now_ms: u64) -> RequestId {
        let now = now_ms.min(TIMESTAMP_MAX);
        let (timestamp, random) = match self.last {
            Some((last_ms, last_random)) if now <= last_ms => {
                if last_random < RANDOM_MASK {
                    (last_ms, last_random + 1)
                } else {
                    ((last_ms + 1).min(TIMESTAMP_MAX), self.random_part())
                }
            }
            _ => (now, self.random_part()),
        };
        self.last = Some((timestamp, random));
        RequestId::from_parts(timestamp, random)
    }

    fn random_part(&mut self) -> u128 {
        self.rng.random::<u128>() & RANDOM_MASK
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn seeded() -> Generator {
        Generator::new(SmallRng::seed_from_u64(7))
    }

    #[test]
    fn same_millisecond_increments() {
        let mut generator = seeded();
        let first = generator.next(1_000);
        let second = generator.next(1_000);
        assert_eq!(first.timestamp_ms(), 1_000);
        assert_eq!(second.timestamp_ms(), 1_000);
        assert_eq!(second.random_part(), first.random_part() + 1);
    }

    #[test]
    fn a_later_millisecond_draws_fresh_randomness() {
        let mut generator = seeded();
        let first = generator.next(1_000);
        let second = generator.next(1_001);
        assert_eq!(second.timestamp_ms(), 1_001);
        assert_ne!(second.random_part(), first.random_part() + 1);
        assert!(second > first);
    }

    #[test]
    fn clock_stepping_back_stays_monotonic() {
        let mut generator = seeded();
        let first = generator.next(5_000);
        let second = generator.next(4_000);
        assert_eq!(second.timestamp_ms(), 5_000);
        assert!(second > first);
    }

    #[test]
    fn random_overflow_moves_to_the_next_millisecond() {
        let mut generator = seeded();
        generator.last = Some((9_000, RANDOM_MASK));
        let next = generator.next(9_000);
        assert_eq!(next.timestamp_ms(), 9_001);
    }

    #[test]
    fn timestamps_saturate_at_48_bits() {
        let mut generator = seeded();
        assert_eq!(generator.next(u64::MAX).timestamp_ms(), TIMESTAMP_MAX);
    }

    #[test]
    fn thread_ids_strictly_increase() {
        let ids: Vec<RequestId> = (0..10_000).map(|_| generate()).collect();
        assert!(ids.windows(2).all(|pair| pair[0] < pair[1]));
    }

    #[test]
    fn threads_do_not_collide() {
        let other = std::thread::spawn(|| (0..1_000).map(|_| generate()).collect::<Vec<_>>())
            .join()
            .unwrap();
        let mine: Vec<RequestId> = (0..1_000).map(|_| generate()).collect();
        let all: std::collections::HashSet<RequestId> = other.into_iter().chain(mine).collect();
        assert_eq!(all.len(), 2_000);
    }
}
