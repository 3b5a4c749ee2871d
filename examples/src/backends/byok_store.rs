//! [`ByokBackend`]: the BYOK store beside the key store chosen at start-up.

use std::time::SystemTime;

use layer_byok::{
    ByokKeyId, ByokRecord, ByokStore, ByokStoreResult, ByokSummary, ListFilter, MasterKeyVersion,
    NewByokKey, OrgId, PostgresByokStore, Provider, Sealed, SqliteByokStore,
};

use super::Store;

/// Provider keys in the same SQLite file or PostgreSQL schema as the [`Store`]'s keys, so a
/// BYOK record sits beside the organization it belongs to.
#[derive(Debug, Clone)]
pub enum ByokBackend {
    /// Table `byok_keys` in the SQLite file.
    Sqlite(SqliteByokStore),
    /// Table `byok_keys` in the PostgreSQL schema.
    Postgres(PostgresByokStore),
}

impl ByokBackend {
    /// The BYOK store beside `store` (running its migrations).
    ///
    /// # Errors
    ///
    /// The store's error: a failed migration, a lost connection.
    pub async fn open(store: &Store) -> ByokStoreResult<Self> {
        Ok(match store {
            Store::Sqlite(store) => Self::Sqlite(SqliteByokStore::new(store).await?),
            Store::Postgres(store) => Self::Postgres(PostgresByokStore::new(store).await?),
        })
    }
}

/// Passes a call to the store chosen.
macro_rules! delegate {
    ($self:ident . $method:ident ( $($arg:expr),* )) => {
        match $self {
            ByokBackend::Sqlite(store) => store.$method($($arg),*).await,
            ByokBackend::Postgres(store) => store.$method($($arg),*).await,
        }
    };
}

impl ByokStore for ByokBackend {
    async fn put(&self, key: NewByokKey, now: SystemTime) -> ByokStoreResult<ByokRecord> {
        delegate!(self.put(key, now))
    }

    async fn get(&self, id: ByokKeyId) -> ByokStoreResult<Option<ByokRecord>> {
        delegate!(self.get(id))
    }

    async fn live(
        &self,
        organization: OrgId,
        provider: Provider,
    ) -> ByokStoreResult<Option<ByokRecord>> {
        delegate!(self.live(organization, provider))
    }

    async fn list(
        &self,
        organization: OrgId,
        filter: ListFilter,
    ) -> ByokStoreResult<Vec<ByokSummary>> {
        delegate!(self.list(organization, filter))
    }

    async fn set_enabled(
        &self,
        id: ByokKeyId,
        enabled: bool,
        now: SystemTime,
    ) -> ByokStoreResult<ByokRecord> {
        delegate!(self.set_enabled(id, enabled, now))
    }

    async fn mark_valid(&self, id: ByokKeyId, now: SystemTime) -> ByokStoreResult<ByokRecord> {
        delegate!(self.mark_valid(id, now))
    }

    async fn mark_invalid(&self, id: ByokKeyId, now: SystemTime) -> ByokStoreResult<ByokRecord> {
        delegate!(self.mark_invalid(id, now))
    }

    async fn delete(&self, id: ByokKeyId, now: SystemTime) -> ByokStoreResult<ByokRecord> {
        delegate!(self.delete(id, now))
    }

    async fn restore(&self, id: ByokKeyId, now: SystemTime) -> ByokStoreResult<ByokRecord> {
        delegate!(self.restore(id, now))
    }

    async fn purge(&self, now: SystemTime) -> ByokStoreResult<u64> {
        delegate!(self.purge(now))
    }

    async fn sealed_with(
        &self,
        version: MasterKeyVersion,
        limit: usize,
    ) -> ByokStoreResult<Vec<ByokRecord>> {
        delegate!(self.sealed_with(version, limit))
    }

    async fn reseal(
        &self,
        id: ByokKeyId,
        expected: MasterKeyVersion,
        sealed: Sealed,
        now: SystemTime,
    ) -> ByokStoreResult<ByokRecord> {
        delegate!(self.reseal(id, expected, sealed, now))
    }
}
