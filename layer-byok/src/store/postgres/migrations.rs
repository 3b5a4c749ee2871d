//! The `byok_keys` table in the composition crate's PostgreSQL schema, and its migrations.
//!
//! `byok_schema_migrations` holds one row per applied migration (the store's own
//! `schema_migrations` is left to `layer-auth-postgres`). Each migration runs in one
//! transaction with the insert of its row, after `pg_advisory_xact_lock` on a key derived from
//! the schema name, so BYOK stores starting at once apply each migration exactly once.
//! Migrations are append-only.

use deadpool_postgres::Client;
use layer_auth_postgres::SchemaName;

use super::backend;
use crate::store::{ByokStoreError, ByokStoreResult};

/// Every migration, oldest first.
const MIGRATIONS: &[&str] = &[
    // 1: the records, one live key per (organization, provider), lookups by organization,
    // master-key version (re-encrypt) and deletion time (purge). Times are bigint
    // milliseconds since the Unix epoch, as in the SQLite store.
    "CREATE TABLE byok_keys (
        id              uuid PRIMARY KEY,
        organization_id uuid NOT NULL
                        CONSTRAINT byok_keys_organization_fkey REFERENCES organizations (id),
        provider        text NOT NULL,
        key_version     bigint NOT NULL,
        nonce           bytea NOT NULL,
        ciphertext      bytea NOT NULL,
        display_prefix  text NOT NULL,
        enabled         boolean NOT NULL,
        validity        text NOT NULL CHECK (validity IN ('unknown', 'valid', 'invalid')),
        validity_at_ms  bigint,
        created_at_ms   bigint NOT NULL,
        updated_at_ms   bigint NOT NULL,
        deleted_at_ms   bigint
    );
    CREATE UNIQUE INDEX byok_keys_one_live ON byok_keys (organization_id, provider)
        WHERE deleted_at_ms IS NULL;
    CREATE INDEX byok_keys_by_organization ON byok_keys (organization_id, created_at_ms, id);
    CREATE INDEX byok_keys_by_version ON byok_keys (key_version, created_at_ms, id);
    CREATE INDEX byok_keys_deleted ON byok_keys (deleted_at_ms)
        WHERE deleted_at_ms IS NOT NULL;",
];

/// The BYOK schema version this build writes.
pub(crate) const VERSION: i32 = MIGRATIONS.len() as i32;

/// Brings the BYOK tables in `schema` up to [`VERSION`], one migration per transaction.
pub(crate) async fn migrate(client: &mut Client, schema: &SchemaName) -> ByokStoreResult<()> {
    let lock_key = format!("layer-byok migrate {schema}");
    loop {
        let tx = client.transaction().await.map_err(backend)?;
        tx.execute(
            "SELECT pg_advisory_xact_lock(hashtextextended($1, 0))",
            &[&lock_key],
        )
        .await
        .map_err(backend)?;
        // `SchemaName` only admits names that need no quoting.
        tx.batch_execute(&format!(
            "SET LOCAL search_path TO {schema};
             CREATE TABLE IF NOT EXISTS byok_schema_migrations (
                 version integer PRIMARY KEY
             );"
        ))
        .await
        .map_err(backend)?;
        let current: i32 = tx
            .query_one(
                "SELECT COALESCE(max(version), 0) FROM byok_schema_migrations",
                &[],
            )
            .await
            .map_err(backend)?
            .try_get(0)
            .map_err(backend)?;
        let Some(next) = usize::try_from(current)
            .ok()
            .filter(|&applied| applied <= MIGRATIONS.len())
        else {
            return Err(ByokStoreError::Corrupt {
                what: "byok schema version",
                reason: format!(
                    "schema {schema} is at BYOK version {current}, newer than this build's \
                     {VERSION}; upgrade layer-byok"
                ),
            });
        };
        let Some(migration) = MIGRATIONS.get(next) else {
            return tx.commit().await.map_err(backend);
        };
        tx.batch_execute(migration).await.map_err(backend)?;
        tx.execute(
            "INSERT INTO byok_schema_migrations (version) VALUES ($1)",
            &[&(current + 1)],
        )
        .await
        .map_err(backend)?;
        tx.commit().await.map_err(backend)?;
    }
}
