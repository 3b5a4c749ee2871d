//! The `byok_keys` table in the composition crate's SQLite file, and its migrations.
//!
//! `layer-auth` owns the file's `user_version`, so BYOK tracks its own schema in
//! `byok_schema_migrations`, one row per applied migration, written in the same `IMMEDIATE`
//! transaction as the migration: a crash leaves the table at a whole version, and two
//! handles opening at once apply each migration once. Migrations are append-only.

use rusqlite::{Connection, OptionalExtension, TransactionBehavior, params};

use crate::store::{ByokStoreError, ByokStoreResult};

/// Every migration, oldest first.
const MIGRATIONS: &[&str] = &[
    // 1: the records, one live key per (organization, provider), lookups by master-key
    // version (re-encrypt) and deletion time (purge).
    "CREATE TABLE byok_keys (
        id              TEXT PRIMARY KEY NOT NULL,
        organization_id TEXT NOT NULL REFERENCES organizations(id),
        provider        TEXT NOT NULL,
        key_version     INTEGER NOT NULL,
        nonce           BLOB NOT NULL,
        ciphertext      BLOB NOT NULL,
        display_prefix  TEXT NOT NULL,
        enabled         INTEGER NOT NULL,
        validity        TEXT NOT NULL CHECK (validity IN ('unknown', 'valid', 'invalid')),
        validity_at_ms  INTEGER,
        created_at_ms   INTEGER NOT NULL,
        updated_at_ms   INTEGER NOT NULL,
        deleted_at_ms   INTEGER
    );
    CREATE UNIQUE INDEX byok_keys_one_live ON byok_keys (organization_id, provider)
        WHERE deleted_at_ms IS NULL;
    CREATE INDEX byok_keys_by_organization ON byok_keys (organization_id, created_at_ms, id);
    CREATE INDEX byok_keys_by_version ON byok_keys (key_version, created_at_ms, id);
    CREATE INDEX byok_keys_deleted ON byok_keys (deleted_at_ms)
        WHERE deleted_at_ms IS NOT NULL;",
];

/// The BYOK schema version this build writes.
pub(crate) const VERSION: i64 = MIGRATIONS.len() as i64;

/// Brings the BYOK tables up to [`VERSION`].
pub(crate) fn migrate(connection: &mut Connection) -> ByokStoreResult<()> {
    let tx = connection
        .transaction_with_behavior(TransactionBehavior::Immediate)
        .map_err(backend)?;
    tx.execute_batch(
        "CREATE TABLE IF NOT EXISTS byok_schema_migrations (
            version INTEGER PRIMARY KEY NOT NULL
        );",
    )
    .map_err(backend)?;
    let current: i64 = tx
        .query_row(
            "SELECT max(version) FROM byok_schema_migrations",
            [],
            |row| row.get::<_, Option<i64>>(0),
        )
        .optional()
        .map_err(backend)?
        .flatten()
        .unwrap_or(0);
    if !(0..=VERSION).contains(&current) {
        return Err(ByokStoreError::Corrupt {
            what: "byok schema version",
            reason: format!("the file is at version {current}, newer than this build's {VERSION}"),
        });
    }
    for (index, migration) in MIGRATIONS.iter().enumerate().skip(current as usize) {
        tx.execute_batch(migration).map_err(backend)?;
        tx.execute(
            "INSERT INTO byok_schema_migrations (version) VALUES (?1)",
            params![index as i64 + 1],
        )
        .map_err(backend)?;
    }
    tx.commit().map_err(backend)
}

/// Wraps a SQLite error as a backend failure.
pub(crate) fn backend(error: rusqlite::Error) -> ByokStoreError {
    ByokStoreError::Backend(Box::new(error))
}
