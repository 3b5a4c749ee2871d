//! [`DeniedCache`]: keys known to be refused until an instant, answered without Redis.
//!
//! A refusal takes nothing, and other instances can only take more, so a key refused with a
//! retry-after of `r` at `t` stays refused until `t + r` whatever happens elsewhere. The cache
//! remembers that instant and the refusal, and until then answers the same request locally with
//! the refusal aged by the time elapsed: the same decision Redis would give, without the round
//! trip. The instant is measured from *before* the round trip, so an entry expires slightly
//! early, never late.

use std::collections::HashMap;
use std::time::Duration;

use layer_ratelimit::{
    BucketKey, BucketStatus, ClassLimits, DailyStatus, Decision, EndpointClass, Request,
};
use parking_lot::Mutex;

/// One cached refusal.
#[derive(Debug)]
struct Entry {
    /// The limits it was decided under: a request with other limits goes to Redis.
    limits: ClassLimits,
    /// Local nanoseconds at which it was decided, and until which it holds.
    at: u64,
    until: u64,
    decision: Decision,
}

/// A bounded map from `(key, class)` to a refusal and the instant it lapses.
#[derive(Debug)]
pub(crate) struct DeniedCache {
    entries: Mutex<HashMap<(BucketKey, EndpointClass), Entry>>,
    capacity: usize,
}

impl DeniedCache {
    /// A cache of at most `capacity` refusals (`0` disables it).
    pub(crate) fn new(capacity: usize) -> Self {
        Self {
            entries: Mutex::new(HashMap::new()),
            capacity,
        }
    }

    /// The cached refusal of `request` at local time `now`, aged to `now`; `None` if there is
    /// none or it has lapsed.
    pub(crate) fn get(&self, request: &Request<BucketKey>, now: u64) -> Option<Decision> {
        if self.capacity == 0 {
            return None;
        }
        let mut entries = self.entries.lock();
        let slot = (request.key, request.class);
        let entry = entries.get(&slot)?;
        if now >= entry.until || entry.limits != request.limits {
            entries.remove(&slot);
            return None;
        }
        Some(age(request, entry, now.saturating_sub(entry.at)))
    }

    /// Remembers `decision`, a refusal of `request` decided at local time `now`.
    pub(crate) fn insert(&self, request: &Request<BucketKey>, now: u64, decision: &Decision) {
        let Some(wait) = decision.retry_after() else {
            return;
        };
        if self.capacity == 0 || decision.is_fallback() {
            return;
        }
        let until = now.saturating_add(u64::try_from(wait.as_nanos()).unwrap_or(u64::MAX));
        let mut entries = self.entries.lock();
        if entries.len() >= self.capacity {
            entries.retain(|_, e| e.until > now);
            if entries.len() >= self.capacity {
                return;
            }
        }
        let entry = Entry {
            limits: request.limits,
            at: now,
            until,
            decision: decision.clone(),
        };
        entries.insert((request.key, request.class), entry);
    }

    /// Refusals held, lapsed or not.
    pub(crate) fn len(&self) -> usize {
        self.entries.lock().len()
    }
}

/// The cached refusal as it stands `elapsed` nanoseconds later.
fn age(request: &Request<BucketKey>, entry: &Entry, elapsed: u64) -> Decision {
    let elapsed = Duration::from_nanos(elapsed);
    let d = &entry.decision;
    let bucket = match (d.bucket(), request.limits.quota) {
        (Some(b), Some(quota)) => Some(BucketStatus::new(
            quota,
            b.reset_after().saturating_sub(elapsed),
        )),
        _ => None,
    };
    let daily = match (d.daily(), request.limits.daily_cap) {
        (Some(s), Some(cap)) => Some(DailyStatus::new(
            cap,
            s.remaining(),
            s.reset_after().saturating_sub(elapsed),
        )),
        _ => None,
    };
    let wait = d.retry_after().unwrap_or_default().saturating_sub(elapsed);
    match d.denial() {
        Some(denial) => Decision::denied(
            denial,
            request.class,
            request.tier.clone(),
            bucket,
            daily,
            wait,
            d.decided_at_unix().saturating_add(elapsed),
        ),
        None => d.clone(),
    }
}
