//! The PostgreSQL schema and its migrations, applied in order on connect.
//!
//! `schema_migrations` holds one row per applied migration. Each migration runs in the same
//! transaction as the insert of its version row, and every such transaction first takes
//! `pg_advisory_xact_lock` on a key derived from the schema name, so concurrent starts
//! against one schema apply each migration exactly once and never see a half-made schema.
//! Migrations are append-only: never edit one that has shipped.

use deadpool_postgres::Client;
use layer_auth::{StoreError, StoreResult};

use super::backend;
use crate::SchemaName;

/// Every migration, oldest first. The schema version is the number applied.
const MIGRATIONS: &[&str] = &[
    // 1: organizations, keys and the global switch. Times are milliseconds since the Unix
    // epoch (`bigint`), as in the SQLite store; `seq` keeps insertion order for listings.
    "CREATE TABLE organizations (
        id                 uuid PRIMARY KEY,
        seq                bigint GENERATED ALWAYS AS IDENTITY,
        workspace_id       uuid NOT NULL,
        name               text NOT NULL,
        api_access_revoked boolean NOT NULL DEFAULT false,
        credit_balance     bigint NOT NULL DEFAULT 0,
        plan_includes_api  boolean NOT NULL DEFAULT true
    );
    CREATE TABLE api_keys (
        id              uuid PRIMARY KEY,
        seq             bigint GENERATED ALWAYS AS IDENTITY,
        organization_id uuid NOT NULL
                        CONSTRAINT api_keys_organization_fkey REFERENCES organizations (id),
        name            text NOT NULL,
        kind            text NOT NULL CHECK (kind IN ('partner', 'legacy')),
        key_id          text CONSTRAINT api_keys_key_id_key UNIQUE,
        env             text,
        bcrypt_hash     text,
        legacy_digest   text CONSTRAINT api_keys_legacy_digest_key UNIQUE,
        legacy_prefix   text,
        created_at_ms   bigint NOT NULL,
        last_used_at_ms bigint,
        revoked_at_ms   bigint,
        kill_switch     boolean NOT NULL DEFAULT false,
        tier            text NOT NULL,
        scopes          text NOT NULL DEFAULT '',
        CHECK ((kind = 'partner' AND key_id IS NOT NULL AND env IS NOT NULL
                AND bcrypt_hash IS NOT NULL)
            OR (kind = 'legacy' AND legacy_digest IS NOT NULL AND legacy_prefix IS NOT NULL))
    );
    CREATE INDEX api_keys_by_organization ON api_keys (organization_id, created_at_ms, seq);
    CREATE TABLE switches (
        name  text PRIMARY KEY,
        value boolean NOT NULL
    );
    INSERT INTO switches (name, value) VALUES ('global', false);",
];

/// The schema version this build writes: the number of migrations it knows.
pub const SCHEMA_VERSION: i32 = MIGRATIONS.len() as i32;

/// Brings `schema` (creating it if needed) up to [`SCHEMA_VERSION`], one migration per
/// transaction.
pub(crate) async fn migrate(client: &mut Client, schema: &SchemaName) -> StoreResult<()> {
    let lock_key = format!("layer-auth-postgres migrate {schema}");
    loop {
        let tx = client.transaction().await.map_err(backend)?;
        tx.execute(
            "SELECT pg_advisory_xact_lock(hashtextextended($1, 0))",
            &[&lock_key],
        )
        .await
        .map_err(backend)?;
        let exists = tx
            .query_opt(
                "SELECT 1 FROM pg_namespace WHERE nspname = $1",
                &[&schema.as_str()],
            )
            .await
            .map_err(backend)?
            .is_some();
        if !exists {
            // `SchemaName` only admits names that need no quoting.
            tx.batch_execute(&format!("CREATE SCHEMA {schema}"))
                .await
                .map_err(backend)?;
        }
        tx.batch_execute(&format!(
            "SET LOCAL search_path TO {schema};
             CREATE TABLE IF NOT EXISTS schema_migrations (
                 version    integer PRIMARY KEY,
                 applied_at timestamptz NOT NULL DEFAULT now()
             );"
        ))
        .await
        .map_err(backend)?;
        let current: i32 = tx
            .query_one(
                "SELECT COALESCE(max(version), 0) FROM schema_migrations",
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
            return Err(StoreError::Corrupt {
                what: "schema version",
                reason: format!(
                    "schema {schema} is at version {current}, newer than this build's \
                     {SCHEMA_VERSION}; upgrade layer-auth-postgres"
                ),
            });
        };
        let Some(migration) = MIGRATIONS.get(next) else {
            return tx.commit().await.map_err(backend);
        };
        tx.batch_execute(migration).await.map_err(backend)?;
        tx.execute(
            "INSERT INTO schema_migrations (version) VALUES ($1)",
            &[&(current + 1)],
        )
        .await
        .map_err(backend)?;
        tx.commit().await.map_err(backend)?;
    }
}
