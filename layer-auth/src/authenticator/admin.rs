//! Administrative operations that keep this instance's caches and switches consistent.

use std::{
    fmt,
    time::{Duration, SystemTime},
};

use layer_keys::PartnerKey;
use layer_killswitch::{Refreshed, Target};
use layer_ratelimit::{Backend, BucketKey};

use super::Authenticator;
use crate::{
    Change, Credential, KeyRecord, KeyRecordId, KeyStore, NewKey, OrgId, Organization, Result,
    store::StoreError, switches::StoreSwitches,
};

/// A key just created: the full key, to be shown once, and its record.
///
/// `Debug` shows the record and the masked key only.
pub struct CreatedKey {
    /// The full key. Show it to its owner once; it cannot be recovered afterwards.
    pub key: PartnerKey,
    /// The stored record.
    pub record: KeyRecord,
}

impl fmt::Debug for CreatedKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CreatedKey")
            .field("key", &self.key)
            .field("record", &self.record)
            .finish()
    }
}

impl<S: KeyStore, B: Backend<BucketKey>> Authenticator<S, B> {
    /// Adds an organization to the store.
    ///
    /// # Errors
    ///
    /// The store's error.
    pub async fn create_organization(&self, organization: Organization) -> Result<Organization> {
        self.inner.store.insert_organization(&organization).await?;
        Ok(organization)
    }

    /// Mints a partner key, stores its bcrypt hash and returns the key once.
    ///
    /// # Errors
    ///
    /// [`StoreError::NotFound`] for an unknown organization; the store's or the OS random
    /// source's error.
    pub async fn create_key(&self, new: NewKey) -> Result<CreatedKey> {
        let key = PartnerKey::generate(new.env)?;
        let hasher = self.inner.bcrypt.hasher().clone();
        let hash_input = key.clone();
        let hash = tokio::task::spawn_blocking(move || hasher.hash(&hash_input))
            .await
            .map_err(|error| StoreError::Backend(Box::new(error)))??;
        let record = KeyRecord {
            id: KeyRecordId::new_random(),
            organization_id: new.organization_id,
            name: new.name,
            credential: Credential::Partner {
                key_id: key.key_id(),
                env: new.env,
                hash,
            },
            created_at: SystemTime::now(),
            last_used_at: None,
            revoked_at: None,
            kill_switch: false,
            tier: new.tier,
            scopes: new.scopes,
        };
        self.inner.store.insert_key(&record).await?;
        Ok(CreatedKey { key, record })
    }

    /// Creates a second key with the same organization, tier and scopes as `old` (the
    /// rotation pattern: overlap, then revoke the old one). The old key keeps working until
    /// revoked, but its cached verification is dropped.
    ///
    /// # Errors
    ///
    /// [`StoreError::NotFound`] for an unknown key; as [`Authenticator::create_key`].
    pub async fn rotate_key(
        &self,
        old: KeyRecordId,
        name: impl Into<String>,
    ) -> Result<CreatedKey> {
        let record = self.key_or_not_found(old).await?;
        self.forget(&record);
        let env = match record.credential {
            Credential::Partner { env, .. } => env,
            Credential::Legacy { .. } => layer_keys::Env::Live,
        };
        self.create_key(NewKey {
            organization_id: record.organization_id,
            name: name.into(),
            env,
            tier: record.tier,
            scopes: record.scopes,
        })
        .await
    }

    /// Revokes a key for good; the next request with it gets `401`, here at once.
    ///
    /// # Errors
    ///
    /// [`StoreError::NotFound`] for an unknown key; the store's error.
    pub async fn revoke_key(&self, id: KeyRecordId) -> Result<KeyRecord> {
        let record = self.inner.store.revoke_key(id, SystemTime::now()).await?;
        self.forget(&record);
        self.made(Change::KeyRevoked { key: id });
        Ok(record)
    }

    /// Sets or clears a key's kill switch; effective here at once.
    ///
    /// # Errors
    ///
    /// [`StoreError::NotFound`] for an unknown key; the store's error.
    pub async fn set_key_killed(&self, id: KeyRecordId, killed: bool) -> Result<KeyRecord> {
        let record = self.inner.store.set_key_kill_switch(id, killed).await?;
        self.forget(&record);
        self.made(Change::KeyKilled { key: id, killed });
        Ok(record)
    }

    /// Sets or clears an organization's `api_access_revoked`; effective here at once.
    ///
    /// # Errors
    ///
    /// [`StoreError::NotFound`] for an unknown organization; the store's error.
    pub async fn set_org_access_revoked(&self, id: OrgId, revoked: bool) -> Result<Organization> {
        let organization = self.inner.store.set_api_access_revoked(id, revoked).await?;
        self.made(Change::OrgAccessRevoked { org: id, revoked });
        Ok(organization)
    }

    /// Flips the global kill switch; effective here at once.
    ///
    /// # Errors
    ///
    /// The store's error.
    pub async fn set_global_kill_switch(&self, on: bool) -> Result<()> {
        self.inner.store.set_global_kill_switch(on).await?;
        self.made(Change::Global { on });
        Ok(())
    }

    /// Makes `change` through this instance, exactly as the matching method would
    /// ([`revoke_key`](Self::revoke_key), [`set_key_killed`](Self::set_key_killed),
    /// [`set_org_access_revoked`](Self::set_org_access_revoked),
    /// [`set_global_kill_switch`](Self::set_global_kill_switch)): written to the store,
    /// applied here, and handed to the `on_change` hook. The one entry point for a change
    /// that arrives as data: an admin route, a CLI argument, a queue message.
    ///
    /// # Errors
    ///
    /// [`StoreError::NotFound`] for an unknown key or organization; the store's error.
    pub async fn make_change(&self, change: Change) -> Result<()> {
        match change {
            Change::KeyKilled { key, killed } => {
                self.set_key_killed(key, killed).await?;
            }
            Change::KeyRevoked { key } => {
                self.revoke_key(key).await?;
            }
            Change::OrgAccessRevoked { org, revoked } => {
                self.set_org_access_revoked(org, revoked).await?;
            }
            Change::Global { on } => self.set_global_kill_switch(on).await?,
        }
        Ok(())
    }

    /// Applies a change made through another instance (received from a propagation channel):
    /// updates the kill-switch view and drops the cached records it affects, without writing
    /// the store (the other instance already did). Takes effect for the very next request.
    ///
    /// A revoked key's cached verification may outlive this; it is harmless, because the
    /// record (fetched fresh once dropped here) is checked for revocation before the
    /// verification cache is consulted.
    pub fn apply_change(&self, change: Change) {
        match change {
            Change::KeyKilled { key, killed } => {
                self.flip(Target::Key(key.into()), killed);
                self.forget_record(key);
            }
            Change::KeyRevoked { key } => self.forget_record(key),
            Change::OrgAccessRevoked { org, revoked } => {
                self.flip(Target::Org(org.into()), revoked);
                self.inner.partner_records.remove_organization(org);
                self.inner.legacy_records.remove_organization(org);
            }
            Change::Global { on } => self.flip(Target::Global, on),
        }
    }

    /// A change made through this instance: apply it here, then tell the others.
    fn made(&self, change: Change) {
        self.apply_change(change);
        if let Some(hook) = &self.inner.on_change {
            hook.call(change);
        }
    }

    /// Reloads every switch from the store, picking up flips made by other instances.
    ///
    /// # Errors
    ///
    /// The load's error; the old view stays and ages toward the staleness bound.
    pub async fn refresh_switches(&self) -> Result<Refreshed> {
        Ok(self
            .inner
            .switches
            .refresh(&StoreSwitches(&self.inner.store))
            .await?)
    }

    /// Writes pending last-used times to the store.
    ///
    /// # Errors
    ///
    /// The store's error; the times stay pending for the next flush.
    pub async fn flush_last_used(&self) -> Result<usize> {
        Ok(self.inner.last_used.flush(&self.inner.store).await?)
    }

    /// Runs forever: refreshes the switches every `refresh_every` (each load bounded by the
    /// same interval, so a hung store cannot stall the loop), re-judges their staleness on
    /// every tick, and flushes last-used times every `flush_every`. Spawn it on your runtime;
    /// failures are retried on the next tick, and the switches fail closed once the view is
    /// older than its bound.
    pub async fn run_maintenance(self, refresh_every: Duration, flush_every: Duration) {
        let mut refresh = tokio::time::interval(refresh_every);
        let mut flush = tokio::time::interval(flush_every);
        loop {
            tokio::select! {
                _ = refresh.tick() => {
                    let _ = tokio::time::timeout(refresh_every, self.refresh_switches()).await;
                    self.inner.switches.tick();
                }
                _ = flush.tick() => {
                    let _ = self.flush_last_used().await;
                }
            }
        }
    }

    async fn key_or_not_found(&self, id: KeyRecordId) -> Result<KeyRecord> {
        Ok(self
            .inner
            .store
            .key(id)
            .await?
            .ok_or(StoreError::NotFound("key"))?)
    }

    fn flip(&self, target: Target, on: bool) {
        if on {
            self.inner.switches.kill(target);
        } else {
            self.inner.switches.clear(target);
        }
    }

    /// Drops everything this instance remembers about a key.
    fn forget(&self, record: &KeyRecord) {
        if let Some(key_id) = record.key_id() {
            self.inner.verified.invalidate(&key_id);
        }
        self.forget_record(record.id);
    }

    fn forget_record(&self, id: KeyRecordId) {
        self.inner.partner_records.remove_key(id);
        self.inner.legacy_records.remove_key(id);
    }
}
