//! [`MemoryStore`]: everything in process memory, for tests and single-process demos.

use std::{
    collections::HashMap,
    sync::{RwLock, RwLockReadGuard, RwLockWriteGuard},
    time::SystemTime,
};

use layer_keys::{KeyId, LegacyDigest};

use super::{KeyStore, StoreError, StoreResult};
use crate::{Credential, KeyRecord, KeyRecordId, OrgId, Organization, SwitchState};

#[derive(Debug, Default)]
struct State {
    organizations: Vec<Organization>,
    keys: Vec<KeyRecord>,
    by_key_id: HashMap<KeyId, usize>,
    by_digest: HashMap<LegacyDigest, usize>,
    by_id: HashMap<KeyRecordId, usize>,
    global: bool,
}

impl State {
    fn organization_mut(&mut self, id: OrgId) -> StoreResult<&mut Organization> {
        self.organizations
            .iter_mut()
            .find(|org| org.id == id)
            .ok_or(StoreError::NotFound("organization"))
    }

    fn key_mut(&mut self, id: KeyRecordId) -> StoreResult<&mut KeyRecord> {
        let index = *self.by_id.get(&id).ok_or(StoreError::NotFound("key"))?;
        Ok(&mut self.keys[index])
    }
}

/// A [`KeyStore`] in memory. Nothing survives the process; use
/// [`SqliteStore`](super::sqlite::SqliteStore) for that.
#[derive(Debug, Default)]
pub struct MemoryStore {
    state: RwLock<State>,
}

impl MemoryStore {
    /// An empty store.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    fn read(&self) -> RwLockReadGuard<'_, State> {
        self.state
            .read()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn write(&self) -> RwLockWriteGuard<'_, State> {
        self.state
            .write()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

impl KeyStore for MemoryStore {
    async fn insert_organization(&self, organization: &Organization) -> StoreResult<()> {
        let mut state = self.write();
        if state
            .organizations
            .iter()
            .any(|org| org.id == organization.id)
        {
            return Err(StoreError::Conflict("organization"));
        }
        state.organizations.push(organization.clone());
        Ok(())
    }

    async fn organization(&self, id: OrgId) -> StoreResult<Option<Organization>> {
        Ok(self
            .read()
            .organizations
            .iter()
            .find(|org| org.id == id)
            .cloned())
    }

    async fn organizations(&self) -> StoreResult<Vec<Organization>> {
        Ok(self.read().organizations.clone())
    }

    async fn set_api_access_revoked(&self, id: OrgId, revoked: bool) -> StoreResult<Organization> {
        let mut state = self.write();
        let org = state.organization_mut(id)?;
        org.api_access_revoked = revoked;
        Ok(org.clone())
    }

    async fn insert_key(&self, record: &KeyRecord) -> StoreResult<()> {
        let mut state = self.write();
        state.organization_mut(record.organization_id)?;
        if state.by_id.contains_key(&record.id) {
            return Err(StoreError::Conflict("key record"));
        }
        let index = state.keys.len();
        match &record.credential {
            Credential::Partner { key_id, .. } => {
                if state.by_key_id.contains_key(key_id) {
                    return Err(StoreError::Conflict("key id"));
                }
                state.by_key_id.insert(*key_id, index);
            }
            Credential::Legacy { digest, .. } => {
                if state.by_digest.contains_key(digest) {
                    return Err(StoreError::Conflict("legacy key"));
                }
                state.by_digest.insert(*digest, index);
            }
        }
        state.by_id.insert(record.id, index);
        state.keys.push(record.clone());
        Ok(())
    }

    async fn key_by_key_id(&self, key_id: &KeyId) -> StoreResult<Option<KeyRecord>> {
        let state = self.read();
        Ok(state.by_key_id.get(key_id).map(|&i| state.keys[i].clone()))
    }

    async fn key_by_legacy_digest(&self, digest: &LegacyDigest) -> StoreResult<Option<KeyRecord>> {
        let state = self.read();
        Ok(state.by_digest.get(digest).map(|&i| state.keys[i].clone()))
    }

    async fn key(&self, id: KeyRecordId) -> StoreResult<Option<KeyRecord>> {
        let state = self.read();
        Ok(state.by_id.get(&id).map(|&i| state.keys[i].clone()))
    }

    async fn keys_of(&self, organization: OrgId) -> StoreResult<Vec<KeyRecord>> {
        Ok(self
            .read()
            .keys
            .iter()
            .filter(|key| key.organization_id == organization)
            .cloned()
            .collect())
    }

    async fn revoke_key(&self, id: KeyRecordId, at: SystemTime) -> StoreResult<KeyRecord> {
        let mut state = self.write();
        let key = state.key_mut(id)?;
        key.revoked_at.get_or_insert(at);
        Ok(key.clone())
    }

    async fn set_key_kill_switch(&self, id: KeyRecordId, killed: bool) -> StoreResult<KeyRecord> {
        let mut state = self.write();
        let key = state.key_mut(id)?;
        key.kill_switch = killed;
        Ok(key.clone())
    }

    async fn record_last_used(&self, uses: &[(KeyRecordId, SystemTime)]) -> StoreResult<()> {
        let mut state = self.write();
        for &(id, at) in uses {
            if let Ok(key) = state.key_mut(id)
                && key.last_used_at.is_none_or(|last| last < at)
            {
                key.last_used_at = Some(at);
            }
        }
        Ok(())
    }

    async fn set_global_kill_switch(&self, on: bool) -> StoreResult<()> {
        self.write().global = on;
        Ok(())
    }

    async fn switch_state(&self) -> StoreResult<SwitchState> {
        let state = self.read();
        Ok(SwitchState {
            global: state.global,
            revoked_orgs: state
                .organizations
                .iter()
                .filter(|org| org.api_access_revoked)
                .map(|org| org.id)
                .collect(),
            killed_keys: state
                .keys
                .iter()
                .filter(|key| key.kill_switch && !key.is_revoked())
                .map(|key| key.id)
                .collect(),
        })
    }
}
