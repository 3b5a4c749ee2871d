//! [`Builder`]: how an [`Authenticator`] is configured.

use std::{sync::Arc, time::Duration};

use layer_keys::{Hasher, VerificationCache};
use layer_killswitch::{KillSwitch, StalePolicy};
use layer_ratelimit::{Backend, BucketKey, KeyedLimiter, SharedTierTable, Tier, TierTable};

use super::{
    Authenticator, ChangeHook, Inner, bcrypt_pool::BcryptPool, failed_attempts::FailedAttempts,
    record_cache::RecordCache,
};
use crate::{KeyStore, LastUsed, Result, switches::load_switch_set};

/// Configures an [`Authenticator`]. Every setting has a default that suits production.
#[derive(Debug)]
#[must_use]
pub struct Builder<S, B = KeyedLimiter> {
    store: S,
    limiter: B,
    hasher: Hasher,
    tiers: TierTable,
    record_ttl: Duration,
    verification_ttl: Duration,
    verification_capacity: usize,
    failed_limit: u32,
    failed_window: Duration,
    bcrypt_threads: usize,
    switches_stale_after: Duration,
    stale_policy: StalePolicy,
    billing_min_tier: Tier,
    on_change: Option<ChangeHook>,
}

impl<S: KeyStore> Builder<S> {
    pub(super) fn new(store: S) -> Self {
        Self {
            store,
            limiter: KeyedLimiter::new(),
            hasher: Hasher::new(),
            tiers: TierTable::new(),
            record_ttl: Duration::from_secs(5),
            verification_ttl: VerificationCache::DEFAULT_TTL,
            verification_capacity: VerificationCache::DEFAULT_CAPACITY,
            failed_limit: 10,
            failed_window: Duration::from_secs(60),
            bcrypt_threads: std::thread::available_parallelism().map_or(2, |n| n.get()),
            switches_stale_after: Duration::from_secs(60),
            stale_policy: StalePolicy::FailClosed,
            billing_min_tier: Tier::Standard,
            on_change: None,
        }
    }
}

impl<S: KeyStore, B: Backend<BucketKey>> Builder<S, B> {
    /// Uses another rate-limit backend (a shared Redis one, say).
    pub fn limiter<B2: Backend<BucketKey>>(self, limiter: B2) -> Builder<S, B2> {
        Builder {
            store: self.store,
            limiter,
            hasher: self.hasher,
            tiers: self.tiers,
            record_ttl: self.record_ttl,
            verification_ttl: self.verification_ttl,
            verification_capacity: self.verification_capacity,
            failed_limit: self.failed_limit,
            failed_window: self.failed_window,
            bcrypt_threads: self.bcrypt_threads,
            switches_stale_after: self.switches_stale_after,
            stale_policy: self.stale_policy,
            billing_min_tier: self.billing_min_tier,
            on_change: self.on_change,
        }
    }

    /// The bcrypt hasher (default: cost 12; tests use [`Hasher::insecure_for_tests`]).
    pub fn hasher(self, hasher: Hasher) -> Self {
        Self { hasher, ..self }
    }

    /// The tier table (default: SPEC 3.1). Replace it later through
    /// [`Authenticator::tiers`].
    pub fn tiers(self, tiers: TierTable) -> Self {
        Self { tiers, ..self }
    }

    /// How long a looked-up record is reused (default 5 s): the longest a revocation or tier
    /// change made on another instance goes unseen here. Zero disables the cache.
    pub fn record_ttl(self, record_ttl: Duration) -> Self {
        Self { record_ttl, ..self }
    }

    /// How long a verified key skips bcrypt (default 30 s) and how many are remembered
    /// (default 100,000).
    pub fn verification_cache(self, ttl: Duration, capacity: usize) -> Self {
        Self {
            verification_ttl: ttl,
            verification_capacity: capacity,
            ..self
        }
    }

    /// Failed verifications allowed per key id per window before bcrypt is skipped and the
    /// request refused (default 10 per 60 s).
    pub fn failed_attempts(self, limit: u32, window: Duration) -> Self {
        Self {
            failed_limit: limit,
            failed_window: window,
            ..self
        }
    }

    /// At most this many bcrypt verifications at once (default: the number of CPUs).
    pub fn bcrypt_threads(self, bcrypt_threads: usize) -> Self {
        Self {
            bcrypt_threads,
            ..self
        }
    }

    /// How old the kill-switch view may get before checks fail closed (default 60 s), and
    /// whether they fail open instead.
    pub fn switches_stale_after(self, bound: Duration, policy: StalePolicy) -> Self {
        Self {
            switches_stale_after: bound,
            stale_policy: policy,
            ..self
        }
    }

    /// The tier named in `402 BILLING_EXHAUSTED`'s `details.minTier` (default `standard`, the
    /// lowest plan with API access).
    pub fn billing_min_tier(self, billing_min_tier: Tier) -> Self {
        Self {
            billing_min_tier,
            ..self
        }
    }

    /// Calls `hook` with every [`Change`](crate::Change) made through the authenticator
    /// (after the store is written and the change applied here), so it can be published to
    /// the other instances, which pass it to
    /// [`Authenticator::apply_change`]. The hook must not block: hand the change to a channel
    /// or task.
    pub fn on_change(self, hook: impl Fn(crate::Change) + Send + Sync + 'static) -> Self {
        Self {
            on_change: Some(ChangeHook(Arc::new(hook))),
            ..self
        }
    }

    /// Loads the kill-switch view from the store and builds the authenticator.
    ///
    /// # Errors
    ///
    /// The store's error if the first kill-switch load fails (an authenticator never starts
    /// without knowing which keys are killed), or the OS random source's.
    pub async fn build(self) -> Result<Authenticator<S, B>> {
        let initial = load_switch_set(&self.store).await?;
        let switches = KillSwitch::builder()
            .stale_after(self.switches_stale_after)
            .on_stale(self.stale_policy)
            .build(initial);
        let verified =
            VerificationCache::with_limits(self.verification_capacity, self.verification_ttl)?;
        Ok(Authenticator {
            inner: Arc::new(Inner {
                store: self.store,
                limiter: self.limiter,
                tiers: SharedTierTable::new(self.tiers),
                switches,
                verified,
                partner_records: RecordCache::new(self.record_ttl, 100_000),
                legacy_records: RecordCache::new(self.record_ttl, 100_000),
                failed: FailedAttempts::new(self.failed_limit, self.failed_window, 100_000),
                bcrypt: BcryptPool::new(self.hasher, self.bcrypt_threads),
                last_used: LastUsed::new(),
                billing_min_tier: self.billing_min_tier,
                on_change: self.on_change,
            }),
        })
    }
}
