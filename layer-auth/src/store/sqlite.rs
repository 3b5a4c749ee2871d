//! [`SqliteStore`]: the embedded default, one SQLite file. Feature `sqlite`.

mod row;
mod schema;

use std::{
    path::Path,
    sync::{Arc, Mutex},
    time::SystemTime,
};

use layer_keys::{KeyId, LegacyDigest};
use rusqlite::{Connection, OptionalExtension, TransactionBehavior, params};

use self::{
    row::{key_record, organization},
    schema::backend,
};
use super::{
    KeyStore, StoreError, StoreResult,
    columns::{CredentialColumns, KEY_COLUMNS, ORG_COLUMNS, to_ms},
};
use crate::{KeyRecord, KeyRecordId, OrgId, Organization, SwitchState};

/// A [`KeyStore`] in one SQLite file.
///
/// Opening creates the file and its schema if needed and migrates an older schema in one
/// transaction. The file is in WAL mode with a 5 s busy timeout, so several handles (in one
/// process or several) can share it; every write is one transaction.
///
/// Calls run on Tokio's blocking pool, so a slow disk never stalls the async workers; the
/// store needs a Tokio runtime.
#[derive(Debug, Clone)]
pub struct SqliteStore {
    connection: Arc<Mutex<Connection>>,
}

impl SqliteStore {
    /// Opens (creating if needed) the store at `path`.
    ///
    /// # Errors
    ///
    /// [`StoreError::Backend`] if the file cannot be opened or migrated;
    /// [`StoreError::Corrupt`] if its schema is newer than this build knows.
    pub fn open(path: impl AsRef<Path>) -> StoreResult<Self> {
        Self::configure(Connection::open(path).map_err(backend)?)
    }

    /// A private in-memory database (for tests).
    ///
    /// # Errors
    ///
    /// [`StoreError::Backend`] if SQLite cannot allocate it.
    pub fn open_in_memory() -> StoreResult<Self> {
        Self::configure(Connection::open_in_memory().map_err(backend)?)
    }

    fn configure(mut connection: Connection) -> StoreResult<Self> {
        connection
            .busy_timeout(std::time::Duration::from_secs(5))
            .map_err(backend)?;
        // `journal_mode` answers with the mode in force (`memory` for in-memory databases).
        let _mode: String = connection
            .pragma_update_and_check(None, "journal_mode", "WAL", |row| row.get(0))
            .map_err(backend)?;
        connection
            .pragma_update(None, "foreign_keys", true)
            .map_err(backend)?;
        schema::migrate(&mut connection)?;
        Ok(Self {
            connection: Arc::new(Mutex::new(connection)),
        })
    }

    /// Runs `work` with the store's connection, as the store runs its own calls: on Tokio's
    /// blocking pool, holding the store's lock, so no other call of any clone of this store
    /// interleaves with it.
    ///
    /// This is the hook for sibling crates that keep their own tables in the same database
    /// (`layer-byok` keeps its `byok_keys` there, beside `organizations`). The connection has
    /// `foreign_keys` on and a 5 s busy timeout. `work` may open transactions and create its
    /// own tables; it must not change the tables or the `user_version` this crate owns, and
    /// should track its own schema in a table of its own.
    ///
    /// # Errors
    ///
    /// Whatever `work` returns; [`StoreError::Backend`] (converted into `E`) if the blocking
    /// task could not run or panicked.
    pub async fn with_connection<T, E, F>(&self, work: F) -> Result<T, E>
    where
        T: Send + 'static,
        E: From<StoreError> + Send + 'static,
        F: FnOnce(&mut Connection) -> Result<T, E> + Send + 'static,
    {
        let connection = Arc::clone(&self.connection);
        tokio::task::spawn_blocking(move || {
            let mut connection = connection.lock().unwrap_or_else(|p| p.into_inner());
            work(&mut connection)
        })
        .await
        .map_err(|error| E::from(StoreError::Backend(Box::new(error))))?
    }

    /// Runs `work` with the connection on the blocking pool.
    async fn run<T, F>(&self, work: F) -> StoreResult<T>
    where
        T: Send + 'static,
        F: FnOnce(&mut Connection) -> StoreResult<T> + Send + 'static,
    {
        self.with_connection(work).await
    }

    async fn key_where(
        &self,
        condition: &'static str,
        value: String,
    ) -> StoreResult<Option<KeyRecord>> {
        self.run(move |connection| {
            let sql = format!("SELECT {KEY_COLUMNS} FROM api_keys WHERE {condition} = ?1");
            let mut statement = connection.prepare_cached(&sql).map_err(backend)?;
            let mut rows = statement.query(params![value]).map_err(backend)?;
            match rows.next().map_err(backend)? {
                Some(row) => key_record(row).map(Some),
                None => Ok(None),
            }
        })
        .await
    }

    /// Runs an `UPDATE` of one key and returns the updated record.
    async fn update_key(
        &self,
        id: KeyRecordId,
        sql: &'static str,
        value: i64,
    ) -> StoreResult<KeyRecord> {
        let id = id.to_string();
        self.run(move |connection| {
            let tx = connection
                .transaction_with_behavior(TransactionBehavior::Immediate)
                .map_err(backend)?;
            if tx.execute(sql, params![value, id]).map_err(backend)? == 0 {
                return Err(StoreError::NotFound("key"));
            }
            let record = tx
                .query_row(
                    &format!("SELECT {KEY_COLUMNS} FROM api_keys WHERE id = ?1"),
                    params![id],
                    |row| Ok(key_record(row)),
                )
                .map_err(backend)??;
            tx.commit().map_err(backend)?;
            Ok(record)
        })
        .await
    }
}

fn parse_all<T: std::str::FromStr<Err = uuid::Error>>(
    what: &'static str,
    ids: Vec<String>,
) -> StoreResult<Vec<T>> {
    ids.iter()
        .map(|id| {
            id.parse()
                .map_err(|error: uuid::Error| StoreError::Corrupt {
                    what,
                    reason: error.to_string(),
                })
        })
        .collect()
}

fn conflict_or_backend(error: rusqlite::Error, what: &'static str) -> StoreError {
    match error.sqlite_error_code() {
        Some(rusqlite::ErrorCode::ConstraintViolation) => {
            let message = error.to_string();
            if message.contains("FOREIGN KEY") {
                StoreError::NotFound("organization")
            } else if message.contains("key_id") {
                StoreError::Conflict("key id")
            } else if message.contains("legacy_digest") {
                StoreError::Conflict("legacy key")
            } else {
                StoreError::Conflict(what)
            }
        }
        _ => backend(error),
    }
}

impl KeyStore for SqliteStore {
    async fn insert_organization(&self, organization: &Organization) -> StoreResult<()> {
        let org = organization.clone();
        self.run(move |connection| {
            connection
                .execute(
                    "INSERT INTO organizations (id, workspace_id, name, api_access_revoked, \
                     credit_balance, plan_includes_api) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                    params![
                        org.id.to_string(),
                        org.workspace_id.to_string(),
                        org.name,
                        org.api_access_revoked,
                        org.credit_balance,
                        org.plan_includes_api
                    ],
                )
                .map_err(|error| conflict_or_backend(error, "organization"))?;
            Ok(())
        })
        .await
    }

    async fn organization(&self, id: OrgId) -> StoreResult<Option<Organization>> {
        let id = id.to_string();
        self.run(move |connection| {
            connection
                .query_row(
                    &format!("SELECT {ORG_COLUMNS} FROM organizations WHERE id = ?1"),
                    params![id],
                    |row| Ok(organization(row)),
                )
                .optional()
                .map_err(backend)?
                .transpose()
        })
        .await
    }

    async fn organizations(&self) -> StoreResult<Vec<Organization>> {
        self.run(|connection| {
            let sql = format!("SELECT {ORG_COLUMNS} FROM organizations ORDER BY rowid");
            let mut statement = connection.prepare_cached(&sql).map_err(backend)?;
            let rows = statement
                .query_map([], |row| Ok(organization(row)))
                .map_err(backend)?;
            rows.map(|row| row.map_err(backend)?).collect()
        })
        .await
    }

    async fn set_api_access_revoked(&self, id: OrgId, revoked: bool) -> StoreResult<Organization> {
        let id = id.to_string();
        self.run(move |connection| {
            let tx = connection
                .transaction_with_behavior(TransactionBehavior::Immediate)
                .map_err(backend)?;
            let changed = tx
                .execute(
                    "UPDATE organizations SET api_access_revoked = ?1 WHERE id = ?2",
                    params![revoked, id],
                )
                .map_err(backend)?;
            if changed == 0 {
                return Err(StoreError::NotFound("organization"));
            }
            let org = tx
                .query_row(
                    &format!("SELECT {ORG_COLUMNS} FROM organizations WHERE id = ?1"),
                    params![id],
                    |row| Ok(organization(row)),
                )
                .map_err(backend)??;
            tx.commit().map_err(backend)?;
            Ok(org)
        })
        .await
    }

    async fn insert_key(&self, record: &KeyRecord) -> StoreResult<()> {
        let r = record.clone();
        self.run(move |connection| {
            let c = CredentialColumns::of(&r.credential);
            connection
                .execute(
                    &format!(
                        "INSERT INTO api_keys ({KEY_COLUMNS}) \
                         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)"
                    ),
                    params![
                        r.id.to_string(),
                        r.organization_id.to_string(),
                        r.name,
                        c.kind,
                        c.key_id,
                        c.env,
                        c.bcrypt_hash,
                        c.legacy_digest,
                        c.legacy_prefix,
                        to_ms(r.created_at),
                        r.last_used_at.map(to_ms),
                        r.revoked_at.map(to_ms),
                        r.kill_switch,
                        r.tier.to_string(),
                        r.scopes.to_string(),
                    ],
                )
                .map_err(|error| conflict_or_backend(error, "key record"))?;
            Ok(())
        })
        .await
    }

    async fn key_by_key_id(&self, key_id: &KeyId) -> StoreResult<Option<KeyRecord>> {
        self.key_where("key_id", key_id.to_string()).await
    }

    async fn key_by_legacy_digest(&self, digest: &LegacyDigest) -> StoreResult<Option<KeyRecord>> {
        self.key_where("legacy_digest", digest.to_string()).await
    }

    async fn key(&self, id: KeyRecordId) -> StoreResult<Option<KeyRecord>> {
        self.key_where("id", id.to_string()).await
    }

    async fn keys_of(&self, organization: OrgId) -> StoreResult<Vec<KeyRecord>> {
        let organization = organization.to_string();
        self.run(move |connection| {
            let sql = format!(
                "SELECT {KEY_COLUMNS} FROM api_keys WHERE organization_id = ?1 \
                 ORDER BY created_at_ms, rowid"
            );
            let mut statement = connection.prepare_cached(&sql).map_err(backend)?;
            let rows = statement
                .query_map(params![organization], |row| Ok(key_record(row)))
                .map_err(backend)?;
            rows.map(|row| row.map_err(backend)?).collect()
        })
        .await
    }

    async fn revoke_key(&self, id: KeyRecordId, at: SystemTime) -> StoreResult<KeyRecord> {
        self.update_key(
            id,
            "UPDATE api_keys SET revoked_at_ms = COALESCE(revoked_at_ms, ?1) WHERE id = ?2",
            to_ms(at),
        )
        .await
    }

    async fn set_key_kill_switch(&self, id: KeyRecordId, killed: bool) -> StoreResult<KeyRecord> {
        self.update_key(
            id,
            "UPDATE api_keys SET kill_switch = ?1 WHERE id = ?2",
            i64::from(killed),
        )
        .await
    }

    async fn record_last_used(&self, uses: &[(KeyRecordId, SystemTime)]) -> StoreResult<()> {
        let uses: Vec<(String, i64)> = uses
            .iter()
            .map(|(id, at)| (id.to_string(), to_ms(*at)))
            .collect();
        self.run(move |connection| {
            let tx = connection
                .transaction_with_behavior(TransactionBehavior::Immediate)
                .map_err(backend)?;
            {
                let mut statement = tx
                    .prepare_cached(
                        "UPDATE api_keys SET last_used_at_ms = ?1 WHERE id = ?2 \
                         AND (last_used_at_ms IS NULL OR last_used_at_ms < ?1)",
                    )
                    .map_err(backend)?;
                for (id, at) in &uses {
                    statement.execute(params![at, id]).map_err(backend)?;
                }
            }
            tx.commit().map_err(backend)
        })
        .await
    }

    async fn set_global_kill_switch(&self, on: bool) -> StoreResult<()> {
        self.run(move |connection| {
            connection
                .execute(
                    "UPDATE switches SET value = ?1 WHERE name = 'global'",
                    params![on],
                )
                .map_err(backend)?;
            Ok(())
        })
        .await
    }

    async fn switch_state(&self) -> StoreResult<SwitchState> {
        self.run(|connection| {
            // One read transaction, so the three reads see the same snapshot.
            let tx = connection.transaction().map_err(backend)?;
            let global: bool = tx
                .query_row(
                    "SELECT value FROM switches WHERE name = 'global'",
                    [],
                    |row| row.get(0),
                )
                .map_err(backend)?;
            let ids = |sql: &str| -> StoreResult<Vec<String>> {
                let mut statement = tx.prepare_cached(sql).map_err(backend)?;
                let rows = statement.query_map([], |row| row.get(0)).map_err(backend)?;
                rows.map(|row| row.map_err(backend)).collect()
            };
            let revoked_orgs = ids("SELECT id FROM organizations WHERE api_access_revoked = 1")?;
            let killed_keys =
                ids("SELECT id FROM api_keys WHERE kill_switch = 1 AND revoked_at_ms IS NULL")?;
            Ok(SwitchState {
                global,
                revoked_orgs: parse_all("organization id", revoked_orgs)?,
                killed_keys: parse_all("key id", killed_keys)?,
            })
        })
        .await
    }
}
