//! [`RedisLimiterBuilder`]: configuration of a [`RedisLimiter`].

use std::time::{Duration, Instant};

use layer_ratelimit::FakeClock;
use parking_lot::Mutex;
use redis::aio::{ConnectionManager, ConnectionManagerConfig};

use super::{Counters, RedisLimiter, TimeSource};
use crate::connection::Connection;
#[cfg(feature = "cluster")]
use crate::connection::cluster::LazyCluster;
use crate::denied_cache::DeniedCache;
use crate::script::SOURCE;
use crate::{Error, FailurePolicy, KeyLayout, Result};

/// Which Redis a limiter talks to.
pub(super) enum Target {
    Single(redis::Client),
    #[cfg(feature = "cluster")]
    Cluster(Box<redis::cluster::ClusterClient>),
}

/// Configures a [`RedisLimiter`]; start with [`RedisLimiter::builder`] (or
/// `RedisLimiter::cluster_builder` with the `cluster` feature).
pub struct RedisLimiterBuilder {
    target: Target,
    layout: KeyLayout,
    timeout: Duration,
    policy: FailurePolicy,
    cache_capacity: usize,
    clock: Option<FakeClock>,
}

impl std::fmt::Debug for RedisLimiterBuilder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let target = match self.target {
            Target::Single(_) => "single",
            #[cfg(feature = "cluster")]
            Target::Cluster(_) => "cluster",
        };
        f.debug_struct("RedisLimiterBuilder")
            .field("target", &target)
            .field("layout", &self.layout)
            .field("timeout", &self.timeout)
            .field("policy", &self.policy)
            .field("cache_capacity", &self.cache_capacity)
            .finish_non_exhaustive()
    }
}

impl RedisLimiterBuilder {
    /// The default timeout around one check.
    pub const DEFAULT_TIMEOUT: Duration = Duration::from_millis(50);
    /// The default bound on cached refusals.
    pub const DEFAULT_CACHE_CAPACITY: usize = 10_000;

    pub(super) fn new(target: Target) -> Self {
        Self {
            target,
            layout: KeyLayout::default(),
            timeout: Self::DEFAULT_TIMEOUT,
            policy: FailurePolicy::default(),
            cache_capacity: Self::DEFAULT_CACHE_CAPACITY,
            clock: None,
        }
    }

    /// Key names start with `prefix` (default [`KeyLayout::DEFAULT_PREFIX`]).
    #[must_use]
    pub fn prefix(mut self, prefix: impl Into<String>) -> Self {
        self.layout = KeyLayout::new(prefix);
        self
    }

    /// The longest one check may take, connecting included (default 50 ms); past it the
    /// [`FailurePolicy`] answers.
    #[must_use]
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// What to answer when Redis cannot (default [`FailurePolicy::FailOpen`]).
    #[must_use]
    pub fn failure_policy(mut self, policy: FailurePolicy) -> Self {
        self.policy = policy;
        self
    }

    /// At most `capacity` refusals are cached (default 10,000; `0` turns the cache off). When
    /// full, lapsed refusals are dropped, and a new refusal is not cached if none had lapsed.
    #[must_use]
    pub fn denied_cache_capacity(mut self, capacity: usize) -> Self {
        self.cache_capacity = capacity;
        self
    }

    /// **Testing only.** Uses `clock`'s Unix time instead of Redis `TIME`, passing it to the
    /// script with each check, so that a test can drive this limiter and a
    /// [`KeyedLimiter`](layer_ratelimit::KeyedLimiter) with one fake clock and compare their
    /// decisions. Every expiry is lengthened by ten minutes, since Redis expires keys on its
    /// own clock. Never use it in production: instances would disagree on time.
    #[doc(hidden)]
    #[must_use]
    pub fn pinned_clock(mut self, clock: FakeClock) -> Self {
        self.clock = Some(clock);
        self
    }

    /// Builds the limiter. It connects lazily, on the first check, and reconnects by itself
    /// after the connection is lost.
    ///
    /// # Errors
    ///
    /// [`Error::NoRuntime`] outside a Tokio runtime; [`Error::Redis`] if the connection
    /// manager cannot be set up.
    pub fn build(self) -> Result<RedisLimiter> {
        if tokio::runtime::Handle::try_current().is_err() {
            return Err(Error::NoRuntime);
        }
        let connection = match self.target {
            Target::Single(client) => {
                let config = ConnectionManagerConfig::new()
                    .set_connection_timeout(Some(self.timeout))
                    .set_response_timeout(Some(self.timeout))
                    .set_number_of_retries(1)
                    .set_min_delay(Duration::from_millis(10))
                    .set_max_delay(Duration::from_millis(100));
                Connection::Single(ConnectionManager::new_lazy_with_config(client, config)?)
            }
            #[cfg(feature = "cluster")]
            Target::Cluster(client) => Connection::Cluster(LazyCluster::new(*client)),
        };
        Ok(RedisLimiter {
            connection,
            script: redis::Script::new(SOURCE),
            layout: self.layout,
            timeout: self.timeout,
            policy: self.policy,
            cache: DeniedCache::new(self.cache_capacity),
            clock: self.clock.map_or(TimeSource::Redis, TimeSource::Pinned),
            origin: Instant::now(),
            stats: Counters::default(),
            last_error: Mutex::new(None),
        })
    }
}
