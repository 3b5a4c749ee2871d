//! [`KeyedLimiter`]: the in-process limiter over `(key, endpoint class)`.
//!
//! # Design
//!
//! The table is split into shards (a power of two, by default eight per core). A key's hash
//! picks its shard; all of a key's entries (one bucket per class and its daily counter) live in
//! that shard, so a `write-light` check takes one uncontended lock for both. Each shard is a
//! mutex around an open-addressing table of 24-byte entries (key, and one word holding the
//! entry's tag and its state). A check costs one hash, one lock, usually one cache line, and
//! no allocation.
//!
//! Memory is bounded three ways:
//!
//! * idle entries (a full bucket, a daily counter of a past day) carry no information and are
//!   dropped whenever a shard would grow, so growth only ever holds live state;
//! * [`KeyedLimiter::sweep`] drops idle entries everywhere and shrinks every shard to fit what
//!   is left (an empty shard frees its storage entirely); call it periodically, e.g. once a
//!   minute;
//! * [`KeyedLimiterBuilder::max_entries`] caps live entries. When a shard is at its share of
//!   the cap and nothing in it is idle, a request that needs a *new* entry is refused with
//!   [`Denial::Saturated`] and a retry-after of the time until the shard's first entry can go
//!   idle; keys that already have entries are unaffected. Nothing is ever evicted early, so the
//!   cap can never let a key exceed its quota.

mod builder;

pub use builder::KeyedLimiterBuilder;

use core::fmt;
use core::hash::{BuildHasher, Hash};
use parking_lot::{Mutex, MutexGuard};

use crate::bucket;
use crate::daily::{self, DailyCounter};
use crate::table::{self, DAILY_TAG, Full, Idleness, Table};
use crate::{
    BucketKey, BucketStatus, Clock, DailyStatus, Decision, Denial, Nanos, Quota, Request, StdClock,
};

/// The default hasher: foldhash, randomly seeded per process. Its fast variant suffices: the
/// table mixes the hash once more (a multiply) before placing an entry.
pub type DefaultHashBuilder = foldhash::fast::RandomState;

/// One shard on its own cache line, so neighbouring locks do not false-share.
#[repr(align(64))]
struct Shard<K>(Mutex<Table<K>>);

/// A keyed, sharded, in-process rate limiter; "The keyed table" in the [crate docs](crate)
/// explains its design and memory bounds.
///
/// ```
/// use layer_ratelimit::{BucketKey, EndpointClass, FakeClock, KeyedLimiter, Request, Tier, TierTable};
///
/// let clock = FakeClock::new();
/// let limiter = KeyedLimiter::builder().clock(clock.clone()).build();
/// let table = TierTable::new();
/// let key = BucketKey::from_slice(b"01HX9Y6K7EJ4T2AB").unwrap();
/// let request = Request::from_table(key, EndpointClass::LongRunning, Tier::Standard, &table);
///
/// for _ in 0..20 {
///     assert!(limiter.check(&request).is_allowed());
/// }
/// let refused = limiter.check(&request);
/// assert!(!refused.is_allowed());
/// assert_eq!(refused.retry_after_ms(), Some(3_000));
/// ```
pub struct KeyedLimiter<K = BucketKey, C = StdClock, S = DefaultHashBuilder> {
    shards: Box<[Shard<K>]>,
    mask: u64,
    hasher: S,
    clock: C,
}

impl KeyedLimiter {
    /// A limiter with the default clock, hasher, shards and entry cap.
    #[must_use]
    pub fn new() -> Self {
        Self::builder().build()
    }

    /// Starts configuring a limiter.
    pub fn builder() -> KeyedLimiterBuilder<StdClock, DefaultHashBuilder> {
        KeyedLimiterBuilder::new()
    }
}

impl Default for KeyedLimiter {
    fn default() -> Self {
        Self::new()
    }
}

impl<K, C, S> KeyedLimiter<K, C, S>
where
    K: Copy + Eq + Hash,
    C: Clock,
    S: BuildHasher,
{
    fn from_parts(clock: C, hasher: S, shards: usize, max_entries: usize) -> Self {
        let per_shard = max_entries.div_ceil(shards);
        let shards: Box<[Shard<K>]> = (0..shards)
            .map(|_| Shard(Mutex::new(Table::new(per_shard))))
            .collect();
        Self {
            mask: shards.len() as u64 - 1,
            shards,
            hasher,
            clock,
        }
    }

    /// The clock this limiter reads.
    pub fn clock(&self) -> &C {
        &self.clock
    }

    /// Checks one request now. Allowed requests take a token (and count against the daily cap);
    /// denied requests change nothing.
    #[inline(always)]
    pub fn check(&self, request: &Request<K>) -> Decision {
        self.check_at(request, self.clock.now())
    }

    /// Checks one request at `now` (a reading of this limiter's clock), for callers that read
    /// the clock once per request. `now` earlier than state already recorded is treated as no
    /// time having passed, never as a refill.
    #[inline(always)]
    pub fn check_at(&self, request: &Request<K>, now: Nanos) -> Decision {
        let unix_now = self.clock.unix_nanos(now);
        let (Some(quota), None) = (request.limits.quota, request.limits.daily_cap) else {
            return self.check_general(request, now, unix_now);
        };
        // The fast path: a bucket that already exists and no daily cap.
        let hash = self.hasher.hash_one(request.key);
        let tag = table::bucket_tag(request.class.index());
        let mut table = self.shard(hash);
        let Some(i) = table.find(&request.key, tag, hash) else {
            drop(table);
            return self.check_general(request, now, unix_now);
        };
        let tat = Nanos::new(table.value(i));
        match bucket::admit(tat, now, quota) {
            Some(new_tat) => {
                table.set(i, new_tat.as_u64());
                drop(table);
                Decision {
                    denial: None,
                    class: request.class,
                    tier: request.tier.clone(),
                    bucket: Some(bucket_status(quota, new_tat, now)),
                    daily: None,
                    retry_after: 0,
                    unix_now,
                    fallback: false,
                }
            }
            None => {
                drop(table);
                let bucket = bucket_status(quota, tat, now);
                let wait = bucket::wait(tat, now, quota);
                denied(request, Denial::Bucket, bucket, None, wait, unix_now)
            }
        }
    }

    /// Every case: unlimited, daily cap, new entries, the entry cap.
    #[inline(never)]
    fn check_general(&self, request: &Request<K>, now: Nanos, unix_now: u64) -> Decision {
        let Some(quota) = request.limits.quota else {
            return Decision::allowed_unlimited(request.class, request.tier.clone(), unix_now);
        };
        let key = &request.key;
        let hash = self.hasher.hash_one(key);
        let tag = table::bucket_tag(request.class.index());
        let mut table = self.shard(hash);

        let found = table.find(key, tag, hash);
        let tat = found.map_or(Nanos::ZERO, |i| Nanos::new(table.value(i)));
        let new_tat = bucket::admit(tat, now, quota);

        let mut daily = None;
        if let Some(cap) = request.limits.daily_cap {
            let today = daily::utc_day(unix_now);
            let at = table.find(key, DAILY_TAG, hash);
            let counter = at.map(|i| DailyCounter::unpack(table.value(i)));
            let used = DailyCounter::used_on(counter, today);
            let status = DailyStatus {
                limit: cap,
                remaining: cap.get().saturating_sub(used),
                reset_after: daily::until_midnight(unix_now),
            };
            if used >= cap.get() {
                drop(table);
                let wait = status.reset_after.max(bucket::wait(tat, now, quota));
                let bucket = bucket_status(quota, tat, now);
                return denied(
                    request,
                    Denial::DailyCap,
                    bucket,
                    Some(status),
                    wait,
                    unix_now,
                );
            }
            daily = Some((at, today, used, status));
        }

        let Some(new_tat) = new_tat else {
            drop(table);
            let bucket = bucket_status(quota, tat, now);
            let wait = bucket::wait(tat, now, quota);
            let daily = daily.map(|(.., status)| status);
            return denied(request, Denial::Bucket, bucket, daily, wait, unix_now);
        };

        let mut bucket_at = found;
        let mut daily_at = daily.and_then(|(at, ..)| at);
        let needs_daily = daily.is_some();
        if bucket_at.is_none() || (needs_daily && daily_at.is_none()) {
            let idle = self.idleness(now, unix_now);
            let additional = 1 + usize::from(needs_daily);
            match table.reserve(additional, &idle, *key, |k| self.hasher.hash_one(k)) {
                Err(Full { until }) => {
                    drop(table);
                    let wait = until.saturating_sub(now.as_u64());
                    return Decision {
                        denial: Some(Denial::Saturated),
                        retry_after: wait,
                        ..Decision::allowed_unlimited(request.class, request.tier.clone(), unix_now)
                    };
                }
                Ok(true) => {
                    bucket_at = table.find(key, tag, hash);
                    daily_at = table.find(key, DAILY_TAG, hash);
                }
                Ok(false) => {}
            }
        }
        match bucket_at {
            Some(i) => table.set(i, new_tat.as_u64()),
            None => {
                table.insert(*key, tag, hash, new_tat.as_u64());
            }
        }
        let mut daily_status = None;
        if let Some((_, today, used, status)) = daily {
            let counter = DailyCounter {
                day: today,
                count: used.saturating_add(1),
            };
            match daily_at {
                Some(i) => table.set(i, counter.pack()),
                None => {
                    table.insert(*key, DAILY_TAG, hash, counter.pack());
                }
            }
            daily_status = Some(DailyStatus {
                remaining: status.remaining.saturating_sub(1),
                ..status
            });
        }
        drop(table);
        Decision {
            denial: None,
            class: request.class,
            tier: request.tier.clone(),
            bucket: Some(bucket_status(quota, new_tat, now)),
            daily: daily_status,
            retry_after: 0,
            unix_now,
            fallback: false,
        }
    }

    /// Drops every idle entry (full buckets, daily counters of past days) and shrinks each
    /// shard to fit what is left. Returns how many entries were dropped.
    ///
    /// Idle entries are indistinguishable from absent ones, so sweeping never changes a
    /// decision. It locks one shard at a time.
    pub fn sweep(&self) -> usize {
        let now = self.clock.now();
        let idle = self.idleness(now, self.clock.unix_nanos(now));
        self.shards
            .iter()
            .map(|s| lock(s).sweep(&idle, |k| self.hasher.hash_one(k)))
            .sum()
    }

    /// Entries held (buckets and daily counters), including idle ones not yet swept.
    pub fn len(&self) -> usize {
        self.shards.iter().map(|s| lock(s).len()).sum()
    }

    /// Whether no entry is held.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Bytes of entry storage the shards have allocated, by their own count (the tests measure
    /// the real footprint with a counting allocator).
    pub fn allocated_bytes(&self) -> usize {
        let own = core::mem::size_of_val::<[Shard<K>]>(&self.shards);
        own + self
            .shards
            .iter()
            .map(|s| lock(s).heap_bytes())
            .sum::<usize>()
    }

    fn shard(&self, hash: u64) -> MutexGuard<'_, Table<K>> {
        // The mask keeps the index in bounds; `get` keeps it panic-free regardless.
        let index = (hash & self.mask) as usize;
        match self.shards.get(index) {
            Some(shard) => lock(shard),
            None => lock(&self.shards[0]),
        }
    }

    fn idleness(&self, now: Nanos, unix_now: u64) -> Idleness {
        Idleness {
            now: now.as_u64(),
            today: daily::utc_day(unix_now),
            midnight: now.as_u64().saturating_add(daily::until_midnight(unix_now)),
        }
    }
}

/// A refusal by the bucket or the daily cap: nothing was taken. `retry_after` and `unix_now`
/// are in nanoseconds.
fn denied<K>(
    request: &Request<K>,
    denial: Denial,
    bucket: BucketStatus,
    daily: Option<DailyStatus>,
    retry_after: u64,
    unix_now: u64,
) -> Decision {
    Decision {
        denial: Some(denial),
        class: request.class,
        tier: request.tier.clone(),
        bucket: Some(bucket),
        daily,
        retry_after,
        unix_now,
        fallback: false,
    }
}

fn lock<K>(shard: &Shard<K>) -> MutexGuard<'_, Table<K>> {
    // parking_lot's mutex does not poison: no code path panics while holding a shard, and
    // every table state is consistent between calls.
    shard.0.lock()
}

/// The bucket as the response reports it: `tat` is the TAT after this request (unchanged if
/// refused).
#[inline]
const fn bucket_status(quota: Quota, tat: Nanos, now: Nanos) -> BucketStatus {
    BucketStatus {
        quota,
        debt: tat.as_u64().saturating_sub(now.as_u64()),
    }
}

impl<K, C: fmt::Debug, S> fmt::Debug for KeyedLimiter<K, C, S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("KeyedLimiter")
            .field("shards", &self.shards.len())
            .field("clock", &self.clock)
            .finish_non_exhaustive()
    }
}
