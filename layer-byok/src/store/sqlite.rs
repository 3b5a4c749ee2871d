//! [`SqliteByokStore`]: BYOK records in the composition crate's SQLite file. Feature `sqlite`.

mod schema;

use std::time::SystemTime;

use layer_auth::{SqliteStore, store::columns::to_ms};
use rusqlite::{
    Connection, OptionalExtension, Row, TransactionBehavior, params, params_from_iter, types::Value,
};

use self::schema::backend;
use super::{
    ByokStore, ByokStoreError, ByokStoreResult,
    columns::{BYOK_COLUMNS, RecordColumns, expired, parse_id, retention_cutoff_ms},
};
use crate::{
    ByokKeyId, ByokRecord, ByokSummary, ListFilter, MasterKeyVersion, NewByokKey, OrgId, Provider,
    Sealed,
};

/// A [`ByokStore`] in the same SQLite database as a [`SqliteStore`], in table `byok_keys`
/// with a foreign key to its `organizations`.
///
/// Calls run through [`SqliteStore::with_connection`]: on Tokio's blocking pool, serialized
/// with the key store's own calls, each write one statement or one `IMMEDIATE` transaction.
/// A unique partial index (`byok_keys_one_live`) keeps one live key per (organization,
/// provider) even against other handles on the file. Clones share the connection.
#[derive(Debug, Clone)]
pub struct SqliteByokStore {
    store: SqliteStore,
}

impl SqliteByokStore {
    /// A BYOK store beside `store`, creating (or migrating) its table if needed.
    ///
    /// # Errors
    ///
    /// [`ByokStoreError::Backend`] if the migration fails; [`ByokStoreError::Corrupt`] if the
    /// file's BYOK schema is newer than this build knows.
    pub async fn new(store: &SqliteStore) -> ByokStoreResult<Self> {
        store.with_connection(schema::migrate).await?;
        Ok(Self {
            store: store.clone(),
        })
    }

    async fn run<T, F>(&self, work: F) -> ByokStoreResult<T>
    where
        T: Send + 'static,
        F: FnOnce(&mut Connection) -> ByokStoreResult<T> + Send + 'static,
    {
        self.store.with_connection(work).await
    }

    /// Runs an `UPDATE … RETURNING` of one live record: `set` may use `?1` (now) and, when
    /// `enabled` is given, `?3`.
    async fn update_live(
        &self,
        id: ByokKeyId,
        set: &'static str,
        now: SystemTime,
        enabled: Option<bool>,
    ) -> ByokStoreResult<ByokRecord> {
        let sql = format!(
            "UPDATE byok_keys SET {set}, updated_at_ms = ?1 \
             WHERE id = ?2 AND deleted_at_ms IS NULL RETURNING {BYOK_COLUMNS}"
        );
        let mut values = vec![Value::Integer(to_ms(now)), Value::Text(id.to_string())];
        values.extend(enabled.map(|on| Value::Integer(i64::from(on))));
        self.run(move |connection| {
            query_opt(connection, &sql, params_from_iter(values))?
                .ok_or(ByokStoreError::NotFound("byok key"))
        })
        .await
    }
}

/// Reads a record from a row selected with [`BYOK_COLUMNS`].
fn record(row: &Row<'_>) -> ByokStoreResult<ByokRecord> {
    fn column<T: rusqlite::types::FromSql>(row: &Row<'_>, index: usize) -> ByokStoreResult<T> {
        row.get(index).map_err(|error| ByokStoreError::Corrupt {
            what: "byok column",
            reason: error.to_string(),
        })
    }
    let id = parse_id("byok key id", &column::<String>(row, 0)?)?;
    let organization = parse_id("organization_id", &column::<String>(row, 1)?)?;
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

fn query_opt(
    connection: &Connection,
    sql: &str,
    params: impl rusqlite::Params,
) -> ByokStoreResult<Option<ByokRecord>> {
    connection
        .query_row(sql, params, |row| Ok(record(row)))
        .optional()
        .map_err(backend)?
        .transpose()
}

fn query_all(
    connection: &Connection,
    sql: &str,
    params: impl rusqlite::Params,
) -> ByokStoreResult<Vec<ByokRecord>> {
    let mut statement = connection.prepare_cached(sql).map_err(backend)?;
    let rows = statement
        .query_map(params, |row| Ok(record(row)))
        .map_err(backend)?;
    rows.map(|row| row.map_err(backend)?).collect()
}

/// A broken constraint as the store contract names it.
fn write_error(error: rusqlite::Error) -> ByokStoreError {
    if error.sqlite_error_code() == Some(rusqlite::ErrorCode::ConstraintViolation) {
        let message = error.to_string();
        if message.contains("FOREIGN KEY") {
            return ByokStoreError::NotFound("organization");
        }
        if message.contains("UNIQUE") {
            return ByokStoreError::Conflict("live key for the provider");
        }
    }
    backend(error)
}

const fn filter_sql(filter: ListFilter) -> &'static str {
    match filter {
        ListFilter::Live => "AND deleted_at_ms IS NULL",
        ListFilter::Deleted => "AND deleted_at_ms IS NOT NULL",
        ListFilter::All => "",
    }
}

impl ByokStore for SqliteByokStore {
    async fn put(&self, key: NewByokKey, now: SystemTime) -> ByokStoreResult<ByokRecord> {
        let record = key.into_record(now);
        self.run(move |connection| {
            let c = RecordColumns::of(&record);
            // One statement: the live row for (organization, provider), if any, becomes the
            // new record, id included, so no other handle can see two live rows or none.
            let sql = format!(
                "INSERT INTO byok_keys ({BYOK_COLUMNS}) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13) \
                 ON CONFLICT (organization_id, provider) WHERE deleted_at_ms IS NULL \
                 DO UPDATE SET id = excluded.id, key_version = excluded.key_version, \
                 nonce = excluded.nonce, ciphertext = excluded.ciphertext, \
                 display_prefix = excluded.display_prefix, enabled = excluded.enabled, \
                 validity = excluded.validity, validity_at_ms = excluded.validity_at_ms, \
                 created_at_ms = excluded.created_at_ms, updated_at_ms = excluded.updated_at_ms \
                 RETURNING {BYOK_COLUMNS}"
            );
            connection
                .query_row(
                    &sql,
                    params![
                        record.id.to_string(),
                        record.organization_id.to_string(),
                        c.provider,
                        c.key_version,
                        c.nonce,
                        c.ciphertext,
                        c.display_prefix,
                        c.enabled,
                        c.validity,
                        c.validity_at_ms,
                        c.created_at_ms,
                        c.updated_at_ms,
                        c.deleted_at_ms,
                    ],
                    |row| Ok(self::record(row)),
                )
                .map_err(write_error)?
        })
        .await
    }

    async fn get(&self, id: ByokKeyId) -> ByokStoreResult<Option<ByokRecord>> {
        self.run(move |connection| {
            let sql = format!("SELECT {BYOK_COLUMNS} FROM byok_keys WHERE id = ?1");
            query_opt(connection, &sql, params![id.to_string()])
        })
        .await
    }

    async fn live(
        &self,
        organization: OrgId,
        provider: Provider,
    ) -> ByokStoreResult<Option<ByokRecord>> {
        self.run(move |connection| {
            let sql = format!(
                "SELECT {BYOK_COLUMNS} FROM byok_keys \
                 WHERE organization_id = ?1 AND provider = ?2 AND deleted_at_ms IS NULL"
            );
            query_opt(
                connection,
                &sql,
                params![organization.to_string(), provider.as_str()],
            )
        })
        .await
    }

    async fn list(
        &self,
        organization: OrgId,
        filter: ListFilter,
    ) -> ByokStoreResult<Vec<ByokSummary>> {
        self.run(move |connection| {
            let sql = format!(
                "SELECT {BYOK_COLUMNS} FROM byok_keys WHERE organization_id = ?1 {} \
                 ORDER BY created_at_ms, id",
                filter_sql(filter)
            );
            let records = query_all(connection, &sql, params![organization.to_string()])?;
            Ok(records.iter().map(ByokRecord::summary).collect())
        })
        .await
    }

    async fn set_enabled(
        &self,
        id: ByokKeyId,
        enabled: bool,
        now: SystemTime,
    ) -> ByokStoreResult<ByokRecord> {
        self.update_live(id, "enabled = ?3", now, Some(enabled))
            .await
    }

    async fn mark_valid(&self, id: ByokKeyId, now: SystemTime) -> ByokStoreResult<ByokRecord> {
        self.update_live(id, "validity = 'valid', validity_at_ms = ?1", now, None)
            .await
    }

    async fn mark_invalid(&self, id: ByokKeyId, now: SystemTime) -> ByokStoreResult<ByokRecord> {
        self.update_live(
            id,
            "validity_at_ms = CASE WHEN validity = 'invalid' THEN validity_at_ms ELSE ?1 END, \
             validity = 'invalid'",
            now,
            None,
        )
        .await
    }

    async fn delete(&self, id: ByokKeyId, now: SystemTime) -> ByokStoreResult<ByokRecord> {
        self.run(move |connection| {
            let sql = format!(
                "UPDATE byok_keys SET deleted_at_ms = COALESCE(deleted_at_ms, ?1), \
                 updated_at_ms = CASE WHEN deleted_at_ms IS NULL THEN ?1 ELSE updated_at_ms END \
                 WHERE id = ?2 RETURNING {BYOK_COLUMNS}"
            );
            query_opt(connection, &sql, params![to_ms(now), id.to_string()])?
                .ok_or(ByokStoreError::NotFound("byok key"))
        })
        .await
    }

    async fn restore(&self, id: ByokKeyId, now: SystemTime) -> ByokStoreResult<ByokRecord> {
        self.run(move |connection| {
            let tx = connection
                .transaction_with_behavior(TransactionBehavior::Immediate)
                .map_err(backend)?;
            let id = id.to_string();
            let select = format!("SELECT {BYOK_COLUMNS} FROM byok_keys WHERE id = ?1");
            let record = query_opt(&tx, &select, params![id])?
                .ok_or(ByokStoreError::NotFound("byok key"))?;
            let Some(deleted_at) = record.deleted_at else {
                return Ok(record);
            };
            if expired(to_ms(deleted_at), now) {
                return Err(ByokStoreError::Expired { deleted_at });
            }
            let update = format!(
                "UPDATE byok_keys SET deleted_at_ms = NULL, updated_at_ms = ?1 WHERE id = ?2 \
                 RETURNING {BYOK_COLUMNS}"
            );
            let restored = tx
                .query_row(&update, params![to_ms(now), id], |row| {
                    Ok(self::record(row))
                })
                .map_err(write_error)??;
            tx.commit().map_err(backend)?;
            Ok(restored)
        })
        .await
    }

    async fn purge(&self, now: SystemTime) -> ByokStoreResult<u64> {
        self.run(move |connection| {
            let removed = connection
                .execute(
                    "DELETE FROM byok_keys WHERE deleted_at_ms IS NOT NULL AND deleted_at_ms < ?1",
                    params![retention_cutoff_ms(now)],
                )
                .map_err(backend)?;
            Ok(u64::try_from(removed).unwrap_or(u64::MAX))
        })
        .await
    }

    async fn sealed_with(
        &self,
        version: MasterKeyVersion,
        limit: usize,
    ) -> ByokStoreResult<Vec<ByokRecord>> {
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        self.run(move |connection| {
            let sql = format!(
                "SELECT {BYOK_COLUMNS} FROM byok_keys WHERE key_version = ?1 \
                 ORDER BY created_at_ms, id LIMIT ?2"
            );
            query_all(connection, &sql, params![i64::from(version.get()), limit])
        })
        .await
    }

    async fn reseal(
        &self,
        id: ByokKeyId,
        expected: MasterKeyVersion,
        sealed: Sealed,
        now: SystemTime,
    ) -> ByokStoreResult<ByokRecord> {
        self.run(move |connection| {
            let id = id.to_string();
            let sql = format!(
                "UPDATE byok_keys SET key_version = ?1, nonce = ?2, ciphertext = ?3, \
                 updated_at_ms = ?4 WHERE id = ?5 AND key_version = ?6 RETURNING {BYOK_COLUMNS}"
            );
            let params = params![
                i64::from(sealed.version().get()),
                sealed.nonce().as_slice(),
                sealed.ciphertext(),
                to_ms(now),
                id,
                i64::from(expected.get()),
            ];
            if let Some(record) = query_opt(connection, &sql, params)? {
                return Ok(record);
            }
            let select = format!("SELECT {BYOK_COLUMNS} FROM byok_keys WHERE id = ?1");
            match query_opt(connection, &select, params![id])? {
                Some(record) => Err(ByokStoreError::Stale {
                    expected,
                    actual: record.sealed.version(),
                }),
                None => Err(ByokStoreError::NotFound("byok key")),
            }
        })
        .await
    }
}
