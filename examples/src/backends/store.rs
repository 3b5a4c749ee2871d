//! [`Store`]: the key store chosen at start-up.

use std::time::SystemTime;

use layer_auth::{
    KeyRecord, KeyRecordId, KeyStore, OrgId, Organization, SqliteStore, StoreResult, SwitchState,
};
use layer_auth_postgres::PostgresStore;
use layer_keys::{KeyId, LegacyDigest};

use super::BackendArgs;

/// The SQLite file or PostgreSQL: whichever [`Store::open`] picked.
#[derive(Debug, Clone)]
pub enum Store {
    /// The embedded default: one file, shared by processes on one machine.
    Sqlite(SqliteStore),
    /// The shared store for several instances.
    Postgres(PostgresStore),
}

impl Store {
    /// PostgreSQL if `--database-url` is set (running migrations), else the SQLite file
    /// (creating it).
    ///
    /// # Errors
    ///
    /// The store's error: an unreachable server, a failed migration, an unwritable file.
    pub async fn open(args: &BackendArgs) -> StoreResult<Self> {
        Ok(match &args.database_url {
            Some(url) => {
                Self::Postgres(PostgresStore::connect_in_schema(url, &args.database_schema).await?)
            }
            None => Self::Sqlite(SqliteStore::open(&args.db)?),
        })
    }
}

/// Passes a call to the store chosen.
macro_rules! delegate {
    ($self:ident . $method:ident ( $($arg:expr),* )) => {
        match $self {
            Store::Sqlite(store) => store.$method($($arg),*).await,
            Store::Postgres(store) => store.$method($($arg),*).await,
        }
    };
}

impl KeyStore for Store {
    async fn insert_organization(&self, organization: &Organization) -> StoreResult<()> {
        delegate!(self.insert_organization(organization))
    }

    async fn organization(&self, id: OrgId) -> StoreResult<Option<Organization>> {
        delegate!(self.organization(id))
    }

    async fn organizations(&self) -> StoreResult<Vec<Organization>> {
        delegate!(self.organizations())
    }

    async fn set_api_access_revoked(&self, id: OrgId, revoked: bool) -> StoreResult<Organization> {
        delegate!(self.set_api_access_revoked(id, revoked))
    }

    async fn insert_key(&self, record: &KeyRecord) -> StoreResult<()> {
        delegate!(self.insert_key(record))
    }

    async fn key_by_key_id(&self, key_id: &KeyId) -> StoreResult<Option<KeyRecord>> {
        delegate!(self.key_by_key_id(key_id))
    }

    async fn key_by_legacy_digest(&self, digest: &LegacyDigest) -> StoreResult<Option<KeyRecord>> {
        delegate!(self.key_by_legacy_digest(digest))
    }

    async fn key(&self, id: KeyRecordId) -> StoreResult<Option<KeyRecord>> {
        delegate!(self.key(id))
    }

    async fn keys_of(&self, organization: OrgId) -> StoreResult<Vec<KeyRecord>> {
        delegate!(self.keys_of(organization))
    }

    async fn revoke_key(&self, id: KeyRecordId, at: SystemTime) -> StoreResult<KeyRecord> {
        delegate!(self.revoke_key(id, at))
    }

    async fn set_key_kill_switch(&self, id: KeyRecordId, killed: bool) -> StoreResult<KeyRecord> {
        delegate!(self.set_key_kill_switch(id, killed))
    }

    async fn record_last_used(&self, uses: &[(KeyRecordId, SystemTime)]) -> StoreResult<()> {
        delegate!(self.record_last_used(uses))
    }

    async fn set_global_kill_switch(&self, on: bool) -> StoreResult<()> {
        delegate!(self.set_global_kill_switch(on))
    }

    async fn switch_state(&self) -> StoreResult<SwitchState> {
        delegate!(self.switch_state())
    }
}
