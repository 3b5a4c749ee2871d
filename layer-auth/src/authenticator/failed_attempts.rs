//! Counts failed verifications per key id, so a flood of wrong secrets stops reaching bcrypt.

use std::{
    collections::HashMap,
    sync::Mutex,
    time::{Duration, Instant},
};

use layer_keys::KeyId;

const SHARDS: usize = 16;

#[derive(Debug, Clone, Copy)]
struct Window {
    started: Instant,
    failures: u32,
}

/// A fixed-window counter of failed verifications per key id.
///
/// Before bcrypt runs for a key id, [`FailedAttempts::allows`] asks whether the id has failed
/// fewer than `limit` times in the current window; after a mismatch,
/// [`FailedAttempts::record_failure`] counts it. Successes are never counted, and requests
/// answered from the verification cache never get here, so a flood against one key id does not
/// slow that key's legitimate, cached traffic.
///
/// The table is bounded: windows older than their length are dropped when a shard passes
/// `max_tracked / 16` entries.
#[derive(Debug)]
pub(crate) struct FailedAttempts {
    limit: u32,
    window: Duration,
    shard_capacity: usize,
    shards: Box<[Mutex<HashMap<KeyId, Window>>]>,
}

impl FailedAttempts {
    pub(crate) fn new(limit: u32, window: Duration, max_tracked: usize) -> Self {
        Self {
            limit,
            window,
            shard_capacity: max_tracked.div_ceil(SHARDS).max(1),
            shards: (0..SHARDS).map(|_| Mutex::new(HashMap::new())).collect(),
        }
    }

    fn shard(&self, key_id: &KeyId) -> &Mutex<HashMap<KeyId, Window>> {
        let last = key_id.as_bytes()[KeyId::LEN - 1];
        &self.shards[usize::from(last) % SHARDS]
    }

    /// Whether bcrypt may run for `key_id` at `now`.
    pub(crate) fn allows(&self, key_id: &KeyId, now: Instant) -> bool {
        let shard = self.shard(key_id).lock().unwrap_or_else(|p| p.into_inner());
        shard.get(key_id).is_none_or(|window| {
            now.duration_since(window.started) >= self.window || window.failures < self.limit
        })
    }

    /// Counts a failed verification for `key_id` at `now`.
    pub(crate) fn record_failure(&self, key_id: &KeyId, now: Instant) {
        let mut shard = self.shard(key_id).lock().unwrap_or_else(|p| p.into_inner());
        if shard.len() >= self.shard_capacity && !shard.contains_key(key_id) {
            let window = self.window;
            shard.retain(|_, w| now.duration_since(w.started) < window);
            if shard.len() >= self.shard_capacity {
                // Every tracked id is mid-window: forget the oldest rather than grow.
                if let Some(oldest) = shard.iter().min_by_key(|(_, w)| w.started).map(|(k, _)| *k) {
                    shard.remove(&oldest);
                }
            }
        }
        let entry = shard.entry(*key_id).or_insert(Window {
            started: now,
            failures: 0,
        });
        if now.duration_since(entry.started) >= self.window {
            *entry = Window {
                started: now,
                failures: 0,
            };
        }
        entry.failures = entry.failures.saturating_add(1);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_after_the_limit_until_the_window_ends() {
        let attempts = FailedAttempts::new(3, Duration::from_secs(60), 100);
        let id: KeyId = "01HX9Y6K7EJ4T2AB".parse().unwrap();
        let t0 = Instant::now();
        for _ in 0..3 {
            assert!(attempts.allows(&id, t0));
            attempts.record_failure(&id, t0);
        }
        assert!(!attempts.allows(&id, t0 + Duration::from_secs(59)));
        assert!(attempts.allows(&id, t0 + Duration::from_secs(60)));
        let other: KeyId = "01HX9Y6K7EJ4T2AC".parse().unwrap();
        assert!(attempts.allows(&other, t0), "other ids are unaffected");
    }

    #[test]
    fn stays_bounded() {
        let attempts = FailedAttempts::new(3, Duration::from_secs(60), 32);
        let t0 = Instant::now();
        for i in 0..1_000u32 {
            let id = KeyId::from_time_and_random(u64::from(i), i);
            attempts.record_failure(&id, t0);
        }
        let tracked: usize = attempts
            .shards
            .iter()
            .map(|s| s.lock().unwrap().len())
            .sum();
        assert!(tracked <= 32 + SHARDS, "{tracked}");
    }
}
