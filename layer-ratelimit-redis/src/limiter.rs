//! [`RedisLimiter`]: the [`Backend`] that keeps buckets in Redis.

mod builder;

pub use builder::RedisLimiterBuilder;

use core::fmt;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use layer_ratelimit::{Backend, BucketKey, Clock, Decision, FakeClock, Quota, Request};
use parking_lot::Mutex;
use redis::Script;

use crate::connection::Connection;
use crate::denied_cache::DeniedCache;
use crate::script::{self, pair, unix_pair};
use crate::{Error, FailurePolicy, KeyLayout, Result};

/// A rate limiter whose buckets live in Redis, shared by every instance that points at it.
///
/// Each check is one `EVALSHA` of one Lua script (loaded on first use and again after a
/// `NOSCRIPT`), which reads Redis `TIME`, checks the daily cap, then the bucket, and takes
/// from both or neither: the decision is the one [`KeyedLimiter`](layer_ratelimit::KeyedLimiter)
/// would make, with Redis's clock. Unlimited classes never reach Redis, nor do keys already
/// known to be refused (see the crate docs on the denied cache).
///
/// Cloning is not offered: share it behind an `Arc`. Build it with [`RedisLimiter::builder`]
/// inside a Tokio runtime.
pub struct RedisLimiter {
    connection: Connection,
    script: Script,
    layout: KeyLayout,
    timeout: Duration,
    policy: FailurePolicy,
    cache: DeniedCache,
    clock: TimeSource,
    origin: Instant,
    stats: Counters,
    last_error: Mutex<Option<String>>,
}

/// Where the time of a check comes from.
#[derive(Debug)]
enum TimeSource {
    /// Redis `TIME`; local time only ages cached refusals.
    Redis,
    /// A pinned clock for deterministic tests, used for both.
    Pinned(FakeClock),
}

#[derive(Debug, Default)]
struct Counters {
    round_trips: AtomicU64,
    cache_hits: AtomicU64,
    fallbacks: AtomicU64,
}

/// What a [`RedisLimiter`] has done so far.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct Stats {
    /// Script invocations sent to Redis (whether or not they succeeded).
    pub round_trips: u64,
    /// Checks answered by the denied cache without Redis.
    pub cache_hits: u64,
    /// Checks answered by the failure policy because Redis could not.
    pub fallbacks: u64,
}

impl RedisLimiter {
    /// Starts configuring a limiter that talks to `client`'s server.
    pub fn builder(client: redis::Client) -> RedisLimiterBuilder {
        RedisLimiterBuilder::new(builder::Target::Single(client))
    }

    /// Starts configuring a limiter on a Redis Cluster: every check goes to the primary that
    /// owns its bucket's slot (the key layout's hash tag keeps a bucket and its daily counter
    /// in one slot), following redirects as slots move.
    #[cfg(feature = "cluster")]
    pub fn cluster_builder(client: redis::cluster::ClusterClient) -> RedisLimiterBuilder {
        RedisLimiterBuilder::new(builder::Target::Cluster(Box::new(client)))
    }

    /// The key layout in use.
    pub fn layout(&self) -> &KeyLayout {
        &self.layout
    }

    /// Counts of round trips, cache hits and fallbacks.
    pub fn stats(&self) -> Stats {
        Stats {
            round_trips: self.stats.round_trips.load(Ordering::Relaxed),
            cache_hits: self.stats.cache_hits.load(Ordering::Relaxed),
            fallbacks: self.stats.fallbacks.load(Ordering::Relaxed),
        }
    }

    /// The message of the most recent failed check, if any failed.
    pub fn last_error(&self) -> Option<String> {
        self.last_error.lock().clone()
    }

    /// Refusals held by the denied cache, including lapsed ones not yet dropped.
    pub fn cached_refusals(&self) -> usize {
        self.cache.len()
    }

    /// Decides `request`, applying no failure policy.
    ///
    /// # Errors
    ///
    /// [`Error`] when Redis cannot be reached within the timeout, refuses the script, or
    /// replies with something the script never returns.
    pub async fn try_check(&self, request: &Request<BucketKey>) -> Result<Decision> {
        let Some(quota) = request.limits.quota else {
            return Ok(Decision::unlimited(
                request.class,
                request.tier.clone(),
                self.unix_now(),
            ));
        };
        let local = self.local_now();
        if let Some(decision) = self.cache.get(request, local) {
            self.stats.cache_hits.fetch_add(1, Ordering::Relaxed);
            return Ok(decision);
        }
        self.stats.round_trips.fetch_add(1, Ordering::Relaxed);
        let reply = tokio::time::timeout(self.timeout, self.invoke(request, quota))
            .await
            .map_err(|_| Error::Timeout)??;
        let decision = script::decision(request, quota, &reply)?;
        if !decision.is_allowed() {
            self.cache.insert(request, local, &decision);
        }
        Ok(decision)
    }

    async fn invoke(&self, request: &Request<BucketKey>, quota: Quota) -> Result<Vec<i64>> {
        let mut call = self.script.prepare_invoke();
        call.key(self.layout.bucket(&request.key, request.class));
        let daily_cap = request.limits.daily_cap.map_or(0, |c| c.get());
        if daily_cap > 0 {
            call.key(self.layout.daily(&request.key));
        }
        let (interval_s, interval_ns) = pair(quota.replenish_interval());
        let (capacity_s, capacity_ns) = pair(quota.window());
        call.arg(interval_s)
            .arg(interval_ns)
            .arg(capacity_s)
            .arg(capacity_ns)
            .arg(daily_cap);
        match &self.clock {
            TimeSource::Redis => {
                call.arg("").arg("").arg(0);
            }
            TimeSource::Pinned(clock) => {
                let (s, ns) = unix_pair(clock.unix_nanos(clock.now()));
                // Keys expire on Redis's real clock, which runs ahead of a pinned one.
                call.arg(s).arg(ns).arg(PINNED_EXPIRY_SLACK_MS);
            }
        }
        Ok(self.connection.invoke(&call).await?)
    }

    fn local_now(&self) -> u64 {
        match &self.clock {
            TimeSource::Redis => {
                u64::try_from(self.origin.elapsed().as_nanos()).unwrap_or(u64::MAX)
            }
            TimeSource::Pinned(clock) => clock.unix_nanos(clock.now()),
        }
    }

    fn unix_now(&self) -> Duration {
        match &self.clock {
            TimeSource::Redis => SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .unwrap_or_default(),
            TimeSource::Pinned(clock) => Duration::from_nanos(clock.unix_nanos(clock.now())),
        }
    }

    fn fallback(&self, request: &Request<BucketKey>, error: Error) -> Result<Decision> {
        self.stats.fallbacks.fetch_add(1, Ordering::Relaxed);
        *self.last_error.lock() = Some(describe(&error));
        let retry_after = match self.policy {
            FailurePolicy::FailOpen => None,
            FailurePolicy::FailClosed { retry_after } => Some(retry_after),
            FailurePolicy::Propagate => return Err(error),
        };
        let (class, tier) = (request.class, request.tier.clone());
        Ok(Decision::fallback(
            class,
            tier,
            retry_after,
            self.unix_now(),
        ))
    }
}

/// Milliseconds added to every expiry under a pinned clock, so that keys outlive a test.
const PINNED_EXPIRY_SLACK_MS: u64 = 600_000;

/// The error and its source chain, on one line.
fn describe(error: &Error) -> String {
    let mut out = error.to_string();
    let mut source = core::error::Error::source(error);
    while let Some(cause) = source {
        out.push_str(": ");
        out.push_str(&cause.to_string());
        source = cause.source();
    }
    out
}

impl Backend<BucketKey> for RedisLimiter {
    type Error = Error;

    /// Decides `request` in one round trip (none for unlimited classes and cached refusals);
    /// when that fails, answers by the [`FailurePolicy`].
    async fn check(&self, request: Request<BucketKey>) -> Result<Decision> {
        match self.try_check(&request).await {
            Ok(decision) => Ok(decision),
            Err(error) => self.fallback(&request, error),
        }
    }
}

impl fmt::Debug for RedisLimiter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RedisLimiter")
            .field("layout", &self.layout)
            .field("timeout", &self.timeout)
            .field("policy", &self.policy)
            .field("clock", &self.clock)
            .field("stats", &self.stats())
            .finish_non_exhaustive()
    }
}
