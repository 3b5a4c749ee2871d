//! [`Authenticator`]: one call runs every check of SPEC 4, in order.

mod admin;
mod bcrypt_pool;
mod builder;
mod failed_attempts;
mod outcome;
mod record_cache;

use std::{
    sync::Arc,
    time::{Instant, SystemTime},
};

use http::HeaderMap;
use layer_errors::ApiError;
use layer_keys::{ApiKey, KeyId, LegacyDigest, PartnerKey, Scope, VerificationCache, VerifyError};
use layer_killswitch::KillSwitch;
use layer_ratelimit::{
    Backend, BucketKey, EndpointClass, KeyedLimiter, Request, SharedTierTable, Tier,
};

pub use self::{
    admin::CreatedKey,
    builder::Builder,
    outcome::{Authenticated, Rejection, write_success_headers},
};
use self::{
    bcrypt_pool::{BcryptPool, PoolError},
    failed_attempts::FailedAttempts,
    record_cache::{Found, RecordCache},
};
use crate::{Credential, KeyStore, LastUsed, Principal, store::StoreError};

/// Authenticates requests: one [`authenticate`](Authenticator::authenticate) call runs
/// SPEC 4's order of checks and returns a [`Principal`] with the rate-limit decision, or the
/// error to answer with.
///
/// 1. the global kill switch, before any parsing;
/// 2. key extraction (`X-Api-Key`, then `Authorization: Bearer`) and strict parsing;
/// 3. lookup by key id (partner) or SHA-256 digest (legacy), through a short-lived record
///    cache;
/// 4. revoked (`401`, `API key has been revoked.`);
/// 5. organization and key kill switches (`503 KILL_SWITCH`), all before any bcrypt work;
/// 6. secret verification: the verification cache, else bcrypt on a bounded blocking pool
///    behind a per-key-id limiter of failed attempts;
/// 7. the plan (`402 BILLING_EXHAUSTED` when it lacks API access), shown only to callers who
///    proved they hold the key;
/// 8. scopes, when the route requires one (`403 FORBIDDEN_SCOPE`);
/// 9. the rate limit for the route's endpoint class (`429 RATE_LIMITED`).
///
/// Unknown key ids and wrong secrets get the same `401` message, so the response does not
/// reveal which key ids exist.
///
/// Cheap to clone: clones share one state. Administrative changes made through it
/// ([`revoke_key`](Authenticator::revoke_key), [`set_key_killed`](Authenticator::set_key_killed),
/// …) take effect in this instance at once, caches included; other instances see them
/// through [`refresh_switches`](Authenticator::refresh_switches) and the record cache's TTL.
#[derive(Debug)]
pub struct Authenticator<S, B = KeyedLimiter> {
    inner: Arc<Inner<S, B>>,
}

impl<S, B> Clone for Authenticator<S, B> {
    fn clone(&self) -> Self {
        Self {
            inner: Arc::clone(&self.inner),
        }
    }
}

#[derive(Debug)]
struct Inner<S, B> {
    store: S,
    limiter: B,
    tiers: SharedTierTable,
    switches: KillSwitch,
    verified: VerificationCache,
    partner_records: RecordCache<KeyId>,
    legacy_records: RecordCache<LegacyDigest>,
    failed: FailedAttempts,
    bcrypt: BcryptPool,
    last_used: LastUsed,
    billing_min_tier: Tier,
    on_change: Option<ChangeHook>,
}

/// Called with every change made through an authenticator, to propagate it.
#[derive(Clone)]
pub(crate) struct ChangeHook(Arc<dyn Fn(crate::Change) + Send + Sync>);

impl ChangeHook {
    pub(crate) fn call(&self, change: crate::Change) {
        (self.0)(change);
    }
}

impl std::fmt::Debug for ChangeHook {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ChangeHook")
    }
}

/// The `401` message for unknown key ids and wrong secrets alike.
const INVALID_KEY: &str = "invalid API key";

impl<S: KeyStore> Authenticator<S> {
    /// Starts building an authenticator over `store` with the in-process rate limiter
    /// ([`Builder::limiter`] swaps in another backend).
    pub fn builder(store: S) -> Builder<S> {
        Builder::new(store)
    }
}

impl<S: KeyStore, B: Backend<BucketKey>> Authenticator<S, B> {
    /// The store.
    pub fn store(&self) -> &S {
        &self.inner.store
    }

    /// The kill-switch view.
    pub fn switches(&self) -> &KillSwitch {
        &self.inner.switches
    }

    /// The tier table, replaceable at run time.
    pub fn tiers(&self) -> &SharedTierTable {
        &self.inner.tiers
    }

    /// The batched last-used times.
    pub fn last_used(&self) -> &LastUsed {
        &self.inner.last_used
    }

    /// Runs every check for a request with `headers` to a route of `class`, requiring
    /// `scope` if given.
    ///
    /// # Errors
    ///
    /// A [`Rejection`] carrying the `layer-errors` error to answer with (and the rate-limit
    /// decision when the limiter was reached).
    pub async fn authenticate(
        &self,
        headers: &HeaderMap,
        class: EndpointClass,
        scope: Option<&Scope>,
    ) -> Result<Authenticated, Rejection> {
        let inner = &*self.inner;
        inner.switches.check_global().into_result()?;

        let key = layer_keys::extract_key(headers).map_err(ApiError::from)?;
        let now = Instant::now();
        let found = self.lookup(&key, now).await?;
        let (record, org) = (&found.key, &found.organization);

        if record.is_revoked() {
            return Err(ApiError::revoked().into());
        }
        let (org_id, key_record_id) = (org.id.into(), record.id.into());
        inner.switches.check(org_id, key_record_id).into_result()?;
        if org.api_access_revoked {
            return Err(ApiError::kill_switch(layer_errors::KillSwitchScope::Org).into());
        }
        if record.kill_switch {
            return Err(ApiError::kill_switch(layer_errors::KillSwitchScope::Key).into());
        }

        match (&key, &record.credential) {
            (ApiKey::Partner(key), Credential::Partner { hash, .. }) => {
                self.verify_partner(key, hash, now).await?;
            }
            (ApiKey::Legacy(key), Credential::Legacy { digest, .. }) => {
                key.verify(digest)
                    .map_err(|_| ApiError::unauthenticated(INVALID_KEY))?;
            }
            _ => return Err(ApiError::unauthenticated(INVALID_KEY).into()),
        }

        if !org.plan_includes_api {
            return Err(ApiError::billing_exhausted(inner.billing_min_tier.to_string()).into());
        }
        if let Some(scope) = scope.filter(|scope| !record.scopes.allows(scope)) {
            return Err(ApiError::forbidden_scope(scope.to_string()).into());
        }

        let table = inner.tiers.load();
        let request = Request::from_table(
            BucketKey::new(record.id.as_uuid().into_bytes()),
            class,
            record.tier.clone(),
            &table,
        );
        let decision = inner
            .limiter
            .check(request)
            .await
            .map_err(ApiError::internal)?;
        if let Some(details) = decision.rate_limited_details() {
            return Err(Rejection {
                error: ApiError::rate_limited(
                    details.endpoint_class().as_str(),
                    details.retry_after_ms(),
                ),
                rate_limit: Some(decision),
            });
        }
        inner.last_used.record(record.id, SystemTime::now());
        Ok(Authenticated {
            principal: Principal::new(Arc::clone(&found.key), Arc::clone(&found.organization)),
            rate_limit: decision,
        })
    }

    /// Finds the key's record and organization, through the record cache.
    async fn lookup(&self, key: &ApiKey, now: Instant) -> Result<Found, Rejection> {
        let inner = &*self.inner;
        let record = match key {
            ApiKey::Partner(key) => {
                let key_id = key.key_id();
                if let Some(found) = inner.partner_records.get(&key_id, now) {
                    return Ok(found);
                }
                inner.store.key_by_key_id(&key_id).await
            }
            ApiKey::Legacy(key) => {
                let digest = key.lookup_digest();
                if let Some(found) = inner.legacy_records.get(&digest, now) {
                    return Ok(found);
                }
                inner.store.key_by_legacy_digest(&digest).await
            }
        };
        let record = record
            .map_err(internal)?
            .ok_or_else(|| ApiError::unauthenticated(INVALID_KEY))?;
        let organization = inner
            .store
            .organization(record.organization_id)
            .await
            .map_err(internal)?
            .ok_or_else(|| ApiError::internal("key record points at a missing organization"))?;
        let found = Found {
            key: Arc::new(record),
            organization: Arc::new(organization),
        };
        match (key, &found.key.credential) {
            (ApiKey::Partner(_), Credential::Partner { key_id, .. }) => {
                inner.partner_records.insert(*key_id, found.clone(), now);
            }
            (ApiKey::Legacy(_), Credential::Legacy { digest, .. }) => {
                inner.legacy_records.insert(*digest, found.clone(), now);
            }
            _ => {}
        }
        Ok(found)
    }

    /// The verification cache, else bcrypt behind the failed-attempt limiter.
    async fn verify_partner(
        &self,
        key: &PartnerKey,
        hash: &layer_keys::KeyHash,
        now: Instant,
    ) -> Result<(), Rejection> {
        let inner = &*self.inner;
        if inner.verified.contains_at(key, now) {
            return Ok(());
        }
        let key_id = key.key_id();
        if !inner.failed.allows(&key_id, now) {
            return Err(ApiError::unauthenticated(
                "too many failed attempts for this key id; try again later",
            )
            .into());
        }
        match inner.bcrypt.verify(key.clone(), *hash).await {
            Ok(()) => {
                inner.verified.insert_at(key, Instant::now());
                Ok(())
            }
            Err(PoolError::Verify(VerifyError::Mismatch | VerifyError::Input(_))) => {
                inner.failed.record_failure(&key_id, Instant::now());
                Err(ApiError::unauthenticated(INVALID_KEY).into())
            }
            Err(PoolError::Verify(error)) => Err(ApiError::internal(error).into()),
            Err(PoolError::Closed) => Err(ApiError::internal("bcrypt pool closed").into()),
        }
    }
}

fn internal(error: StoreError) -> ApiError {
    ApiError::internal(error)
}
