//! [`MemoryByokStore`]: every record in process memory, for tests and single-process demos.

use std::{
    collections::HashMap,
    sync::{RwLock, RwLockReadGuard, RwLockWriteGuard},
    time::SystemTime,
};

use super::{ByokStore, ByokStoreError, ByokStoreResult};
use crate::{
    ByokKeyId, ByokRecord, ByokSummary, ListFilter, MasterKeyVersion, NewByokKey, OrgId, Provider,
    Sealed, Validity, record::within_retention,
};

/// A [`ByokStore`] in memory. Nothing survives the process, and organizations are not checked
/// (it knows none); the SQL stores keep records beside the composition crate's organizations.
#[derive(Debug, Default)]
pub struct MemoryByokStore {
    records: RwLock<HashMap<ByokKeyId, ByokRecord>>,
}

impl MemoryByokStore {
    /// An empty store.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    fn read(&self) -> RwLockReadGuard<'_, HashMap<ByokKeyId, ByokRecord>> {
        self.records
            .read()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn write(&self) -> RwLockWriteGuard<'_, HashMap<ByokKeyId, ByokRecord>> {
        self.records
            .write()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Applies `change` to the live record `id` and stamps `updated_at`.
    fn update_live(
        &self,
        id: ByokKeyId,
        now: SystemTime,
        change: impl FnOnce(&mut ByokRecord),
    ) -> ByokStoreResult<ByokRecord> {
        let mut records = self.write();
        let record = records
            .get_mut(&id)
            .filter(|record| record.is_live())
            .ok_or(ByokStoreError::NotFound("byok key"))?;
        change(record);
        record.updated_at = now;
        Ok(record.clone())
    }
}

/// Oldest first, then by id: the order every store lists in.
fn oldest_first(a: &ByokRecord, b: &ByokRecord) -> std::cmp::Ordering {
    (a.created_at, a.id).cmp(&(b.created_at, b.id))
}

impl ByokStore for MemoryByokStore {
    async fn put(&self, key: NewByokKey, now: SystemTime) -> ByokStoreResult<ByokRecord> {
        let record = key.into_record(now);
        let mut records = self.write();
        records.retain(|_, old| {
            !(old.is_live()
                && old.organization_id == record.organization_id
                && old.provider == record.provider)
        });
        records.insert(record.id, record.clone());
        Ok(record)
    }

    async fn get(&self, id: ByokKeyId) -> ByokStoreResult<Option<ByokRecord>> {
        Ok(self.read().get(&id).cloned())
    }

    async fn live(
        &self,
        organization: OrgId,
        provider: Provider,
    ) -> ByokStoreResult<Option<ByokRecord>> {
        Ok(self
            .read()
            .values()
            .find(|r| r.is_live() && r.organization_id == organization && r.provider == provider)
            .cloned())
    }

    async fn list(
        &self,
        organization: OrgId,
        filter: ListFilter,
    ) -> ByokStoreResult<Vec<ByokSummary>> {
        let records = self.read();
        let mut found: Vec<&ByokRecord> = records
            .values()
            .filter(|r| r.organization_id == organization && filter.admits(r.deleted_at))
            .collect();
        found.sort_by(|a, b| oldest_first(a, b));
        Ok(found.into_iter().map(ByokRecord::summary).collect())
    }

    async fn set_enabled(
        &self,
        id: ByokKeyId,
        enabled: bool,
        now: SystemTime,
    ) -> ByokStoreResult<ByokRecord> {
        self.update_live(id, now, |record| record.enabled = enabled)
    }

    async fn mark_valid(&self, id: ByokKeyId, now: SystemTime) -> ByokStoreResult<ByokRecord> {
        self.update_live(id, now, |record| {
            record.validity = Validity::Valid { checked_at: now };
        })
    }

    async fn mark_invalid(&self, id: ByokKeyId, now: SystemTime) -> ByokStoreResult<ByokRecord> {
        self.update_live(id, now, |record| {
            if !record.validity.is_invalid() {
                record.validity = Validity::Invalid { since: now };
            }
        })
    }

    async fn delete(&self, id: ByokKeyId, now: SystemTime) -> ByokStoreResult<ByokRecord> {
        let mut records = self.write();
        let record = records
            .get_mut(&id)
            .ok_or(ByokStoreError::NotFound("byok key"))?;
        if record.deleted_at.is_none() {
            record.deleted_at = Some(now);
            record.updated_at = now;
        }
        Ok(record.clone())
    }

    async fn restore(&self, id: ByokKeyId, now: SystemTime) -> ByokStoreResult<ByokRecord> {
        let mut records = self.write();
        let record = records
            .get(&id)
            .ok_or(ByokStoreError::NotFound("byok key"))?;
        let Some(deleted_at) = record.deleted_at else {
            return Ok(record.clone());
        };
        if !within_retention(deleted_at, now) {
            return Err(ByokStoreError::Expired { deleted_at });
        }
        let (organization, provider) = (record.organization_id, record.provider);
        if records
            .values()
            .any(|r| r.is_live() && r.organization_id == organization && r.provider == provider)
        {
            return Err(ByokStoreError::Conflict("live key for the provider"));
        }
        let record = records
            .get_mut(&id)
            .ok_or(ByokStoreError::NotFound("byok key"))?;
        record.deleted_at = None;
        record.updated_at = now;
        Ok(record.clone())
    }

    async fn purge(&self, now: SystemTime) -> ByokStoreResult<u64> {
        let mut records = self.write();
        let before = records.len();
        records.retain(|_, r| r.deleted_at.is_none_or(|at| within_retention(at, now)));
        Ok(u64::try_from(before - records.len()).unwrap_or(u64::MAX))
    }

    async fn sealed_with(
        &self,
        version: MasterKeyVersion,
        limit: usize,
    ) -> ByokStoreResult<Vec<ByokRecord>> {
        let records = self.read();
        let mut found: Vec<&ByokRecord> = records
            .values()
            .filter(|r| r.sealed.version() == version)
            .collect();
        found.sort_by(|a, b| oldest_first(a, b));
        Ok(found.into_iter().take(limit).cloned().collect())
    }

    async fn reseal(
        &self,
        id: ByokKeyId,
        expected: MasterKeyVersion,
        sealed: Sealed,
        now: SystemTime,
    ) -> ByokStoreResult<ByokRecord> {
        let mut records = self.write();
        let record = records
            .get_mut(&id)
            .ok_or(ByokStoreError::NotFound("byok key"))?;
        let actual = record.sealed.version();
        if actual != expected {
            return Err(ByokStoreError::Stale { expected, actual });
        }
        record.sealed = sealed;
        record.updated_at = now;
        Ok(record.clone())
    }
}
