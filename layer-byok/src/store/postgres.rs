//! [`PostgresByokStore`]: BYOK records in the composition crate's PostgreSQL schema. Feature
//! `postgres`.

mod migrations;

use std::time::SystemTime;

use deadpool_postgres::Client;
use layer_auth::store::columns::to_ms;
use layer_auth_postgres::PostgresStore;
use tokio_postgres::{Row, error::SqlState, types::ToSql};
use uuid::Uuid;

use super::{
    ByokStore, ByokStoreError, ByokStoreResult,
    columns::{BYOK_COLUMNS, ONE_LIVE_INDEX, RecordColumns, expired, retention_cutoff_ms},
};
use crate::{
    ByokKeyId, ByokRecord, ByokSummary, ListFilter, MasterKeyVersion, NewByokKey, OrgId, Provider,
    Sealed,
};

/// A [`ByokStore`] in the same PostgreSQL schema as a [`PostgresStore`], on its pool, in table
/// `byok_keys` with a foreign key to its `organizations`.
///
/// Every write is one statement, or one transaction with the row locked (`restore`); a unique
/// partial index (`byok_keys_one_live`) keeps one live key per (organization, provider)
/// across every process on the schema. Clones share the pool.
#[derive(Debug, Clone)]
pub struct PostgresByokStore {
    store: PostgresStore,
}

/// Wraps a driver or pool error as a backend failure.
pub(crate) fn backend(error: impl std::error::Error + Send + Sync + 'static) -> ByokStoreError {
    ByokStoreError::Backend(Box::new(error))
}

/// A broken constraint as the store contract names it.
fn write_error(error: tokio_postgres::Error) -> ByokStoreError {
    let Some(db) = error.as_db_error() else {
        return backend(error);
    };
    if *db.code() == SqlState::FOREIGN_KEY_VIOLATION {
        return ByokStoreError::NotFound("organization");
    }
    if *db.code() == SqlState::UNIQUE_VIOLATION && db.constraint() == Some(ONE_LIVE_INDEX) {
        return ByokStoreError::Conflict("live key for the provider");
    }
    backend(error)
}

/// Reads a record from a row selected with [`BYOK_COLUMNS`].
fn record(row: &Row) -> ByokStoreResult<ByokRecord> {
    fn column<'a, T: tokio_postgres::types::FromSql<'a>>(
        row: &'a Row,
        index: usize,
    ) -> ByokStoreResult<T> {
        row.try_get(index).map_err(|error| ByokStoreError::Corrupt {
            what: "byok column",
            reason: error.to_string(),
        })
    }
    let id = ByokKeyId::from_uuid(column(row, 0)?);
    let organization = OrgId::from_uuid(column(row, 1)?);
    RecordColumns {
        provider: column(row, 2)?,
        key_version: column(row, 3)?,
        nonce: column(row, 4)?,
        ciphertext: column(row, 5)?,
        display_prefix: column(row, 6)?,
        enabled: column(row, 7)?,
        validity: column(row, 8)?,
        validity_at_ms: column(row, 9)?,
        created_at_ms: column(row, 10)?,
        updated_at_ms: column(row, 11)?,
        deleted_at_ms: column(row, 12)?,
    }
    .into_record(id, organization)
}

impl PostgresByokStore {
    /// A BYOK store beside `store`, on its pool and in its schema, creating (or migrating) its
    /// table if needed.
    ///
    /// # Errors
    ///
    /// [`ByokStoreError::Backend`] if no connection can be had or the migration fails;
    /// [`ByokStoreError::Corrupt`] if the schema's BYOK version is newer than this build knows.
    pub async fn new(store: &PostgresStore) -> ByokStoreResult<Self> {
        let this = Self {
            store: store.clone(),
        };
        let mut client = this.client().await?;
        migrations::MIGRATIONS
            .apply(&mut client, store.schema())
            .await?;
        Ok(this)
    }

    async fn client(&self) -> ByokStoreResult<Client> {
        self.store.pool().get().await.map_err(backend)
    }

    async fn query_opt(
        &self,
        sql: &str,
        params: &[&(dyn ToSql + Sync)],
    ) -> ByokStoreResult<Option<ByokRecord>> {
        let client = self.client().await?;
        let statement = client.prepare_cached(sql).await.map_err(backend)?;
        let row = client
            .query_opt(&statement, params)
            .await
            .map_err(write_error)?;
        row.as_ref().map(record).transpose()
    }

    async fn query_all(
        &self,
        sql: &str,
        params: &[&(dyn ToSql + Sync)],
    ) -> ByokStoreResult<Vec<ByokRecord>> {
        let client = self.client().await?;
        let statement = client.prepare_cached(sql).await.map_err(backend)?;
        let rows = client.query(&statement, params).await.map_err(backend)?;
        rows.iter().map(record).collect()
    }

    /// Runs an `UPDATE … RETURNING` of one live record: `set` may use `$1` (now) and `$3`.
    async fn update_live(
        &self,
        id: ByokKeyId,
        set: &str,
        now: SystemTime,
        extra: Option<&(dyn ToSql + Sync)>,
    ) -> ByokStoreResult<ByokRecord> {
        let sql = format!(
            "UPDATE byok_keys SET {set}, updated_at_ms = $1 \
             WHERE id = $2 AND deleted_at_ms IS NULL RETURNING {BYOK_COLUMNS}"
        );
        let (now, id) = (to_ms(now), id.as_uuid());
        let mut params: Vec<&(dyn ToSql + Sync)> = vec![&now, &id];
        params.extend(extra);
        self.query_opt(&sql, &params)
            .await?
            .ok_or(ByokStoreError::NotFound("byok key"))
    }
}

impl ByokStore for PostgresByokStore {
    async fn put(&self, key: NewByokKey, now: SystemTime) -> ByokStoreResult<ByokRecord> {
        let record = key.into_record(now);
        let c = RecordColumns::of(&record);
        // One statement: the live row for (organization, provider), if any, becomes the new
        // record, id included; a concurrent put waits on the index and then replaces this one.
        let sql = format!(
            "INSERT INTO byok_keys ({BYOK_COLUMNS}) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) \
             ON CONFLICT (organization_id, provider) WHERE deleted_at_ms IS NULL \
             DO UPDATE SET id = EXCLUDED.id, key_version = EXCLUDED.key_version, \
             nonce = EXCLUDED.nonce, ciphertext = EXCLUDED.ciphertext, \
             display_prefix = EXCLUDED.display_prefix, enabled = EXCLUDED.enabled, \
             validity = EXCLUDED.validity, validity_at_ms = EXCLUDED.validity_at_ms, \
             created_at_ms = EXCLUDED.created_at_ms, updated_at_ms = EXCLUDED.updated_at_ms \
             RETURNING {BYOK_COLUMNS}"
        );
        self.query_opt(
            &sql,
            &[
                &record.id.as_uuid(),
                &record.organization_id.as_uuid(),
                &c.provider,
                &c.key_version,
                &c.nonce,
                &c.ciphertext,
                &c.display_prefix,
                &c.enabled,
                &c.validity,
                &c.validity_at_ms,
                &c.created_at_ms,
                &c.updated_at_ms,
                &c.deleted_at_ms,
            ],
        )
        .await?
        .ok_or(ByokStoreError::NotFound("byok key"))
    }

    async fn get(&self, id: ByokKeyId) -> ByokStoreResult<Option<ByokRecord>> {
        let sql = format!("SELECT {BYOK_COLUMNS} FROM byok_keys WHERE id = $1");
        self.query_opt(&sql, &[&id.as_uuid()]).await
    }

    async fn live(
        &self,
        organization: OrgId,
        provider: Provider,
    ) -> ByokStoreResult<Option<ByokRecord>> {
        let sql = format!(
            "SELECT {BYOK_COLUMNS} FROM byok_keys \
             WHERE organization_id = $1 AND provider = $2 AND deleted_at_ms IS NULL"
        );
        self.query_opt(&sql, &[&organization.as_uuid(), &provider.as_str()])
            .await
    }

    async fn list(
        &self,
        organization: OrgId,
        filter: ListFilter,
    ) -> ByokStoreResult<Vec<ByokSummary>> {
        let condition = match filter {
            ListFilter::Live => "AND deleted_at_ms IS NULL",
            ListFilter::Deleted => "AND deleted_at_ms IS NOT NULL",
            ListFilter::All => "",
        };
        let sql = format!(
            "SELECT {BYOK_COLUMNS} FROM byok_keys WHERE organization_id = $1 {condition} \
             ORDER BY created_at_ms, id"
        );
        let records = self.query_all(&sql, &[&organization.as_uuid()]).await?;
        Ok(records.iter().map(ByokRecord::summary).collect())
    }

    async fn set_enabled(
        &self,
        id: ByokKeyId,
        enabled: bool,
        now: SystemTime,
    ) -> ByokStoreResult<ByokRecord> {
        self.update_live(id, "enabled = $3", now, Some(&enabled))
            .await
    }

    async fn mark_valid(&self, id: ByokKeyId, now: SystemTime) -> ByokStoreResult<ByokRecord> {
        self.update_live(id, "validity = 'valid', validity_at_ms = $1", now, None)
            .await
    }

    async fn mark_invalid(&self, id: ByokKeyId, now: SystemTime) -> ByokStoreResult<ByokRecord> {
        self.update_live(
            id,
            "validity_at_ms = CASE WHEN validity = 'invalid' THEN validity_at_ms ELSE $1 END, \
             validity = 'invalid'",
            now,
            None,
        )
        .await
    }

    async fn delete(&self, id: ByokKeyId, now: SystemTime) -> ByokStoreResult<ByokRecord> {
        let sql = format!(
            "UPDATE byok_keys SET deleted_at_ms = COALESCE(deleted_at_ms, $1), \
             updated_at_ms = CASE WHEN deleted_at_ms IS NULL THEN $1 ELSE updated_at_ms END \
             WHERE id = $2 RETURNING {BYOK_COLUMNS}"
        );
        self.query_opt(&sql, &[&to_ms(now), &id.as_uuid()])
            .await?
            .ok_or(ByokStoreError::NotFound("byok key"))
    }

    async fn restore(&self, id: ByokKeyId, now: SystemTime) -> ByokStoreResult<ByokRecord> {
        let mut client = self.client().await?;
        let tx = client.transaction().await.map_err(backend)?;
        let id = id.as_uuid();
        let select = format!("SELECT {BYOK_COLUMNS} FROM byok_keys WHERE id = $1 FOR UPDATE");
        let row = tx.query_opt(&select, &[&id]).await.map_err(backend)?;
        let current = row
            .as_ref()
            .map(record)
            .transpose()?
            .ok_or(ByokStoreError::NotFound("byok key"))?;
        let Some(deleted_at) = current.deleted_at else {
            return Ok(current);
        };
        if expired(to_ms(deleted_at), now) {
            return Err(ByokStoreError::Expired { deleted_at });
        }
        let update = format!(
            "UPDATE byok_keys SET deleted_at_ms = NULL, updated_at_ms = $1 WHERE id = $2 \
             RETURNING {BYOK_COLUMNS}"
        );
        let row = tx
            .query_one(&update, &[&to_ms(now), &id])
            .await
            .map_err(write_error)?;
        let restored = record(&row)?;
        tx.commit().await.map_err(backend)?;
        Ok(restored)
    }

    async fn purge(&self, now: SystemTime) -> ByokStoreResult<u64> {
        let client = self.client().await?;
        client
            .execute(
                "DELETE FROM byok_keys WHERE deleted_at_ms IS NOT NULL AND deleted_at_ms < $1",
                &[&retention_cutoff_ms(now)],
            )
            .await
            .map_err(backend)
    }

    async fn sealed_with(
        &self,
        version: MasterKeyVersion,
        limit: usize,
    ) -> ByokStoreResult<Vec<ByokRecord>> {
        let sql = format!(
            "SELECT {BYOK_COLUMNS} FROM byok_keys WHERE key_version = $1 \
             ORDER BY created_at_ms, id LIMIT $2"
        );
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        self.query_all(&sql, &[&i64::from(version.get()), &limit])
            .await
    }

    async fn reseal(
        &self,
        id: ByokKeyId,
        expected: MasterKeyVersion,
        sealed: Sealed,
        now: SystemTime,
    ) -> ByokStoreResult<ByokRecord> {
        let id: Uuid = id.as_uuid();
        let sql = format!(
            "UPDATE byok_keys SET key_version = $1, nonce = $2, ciphertext = $3, \
             updated_at_ms = $4 WHERE id = $5 AND key_version = $6 RETURNING {BYOK_COLUMNS}"
        );
        let updated = self
            .query_opt(
                &sql,
                &[
                    &i64::from(sealed.version().get()),
                    &sealed.nonce().as_slice(),
                    &sealed.ciphertext(),
                    &to_ms(now),
                    &id,
                    &i64::from(expected.get()),
                ],
            )
            .await?;
        if let Some(record) = updated {
            return Ok(record);
        }
        let select = format!("SELECT {BYOK_COLUMNS} FROM byok_keys WHERE id = $1");
        match self.query_opt(&select, &[&id]).await? {
            Some(record) => Err(ByokStoreError::Stale {
                expected,
                actual: record.sealed.version(),
            }),
            None => Err(ByokStoreError::NotFound("byok key")),
        }
    }
}
