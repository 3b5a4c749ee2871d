//! The SQLite schema and its migrations, applied in order on open.
//!
//! `PRAGMA user_version` records how many migrations a file has had. Each migration runs in
//! the same transaction as the version bump, so a crash leaves the file at a whole version.
//! Migrations are append-only: never edit one that has shipped.

use rusqlite::{Connection, TransactionBehavior};

use crate::store::{StoreError, StoreResult};

/// Every migration, oldest first. The schema version is the number applied.
const MIGRATIONS: &[&str] = &[
    // 1: organizations, keys and the global switch.
    "CREATE TABLE organizations (
        id                 TEXT PRIMARY KEY NOT NULL,
        workspace_id       TEXT NOT NULL,
        name               TEXT NOT NULL,
        api_access_revoked INTEGER NOT NULL DEFAULT 0,
        credit_balance     INTEGER NOT NULL DEFAULT 0,
        plan_includes_api  INTEGER NOT NULL DEFAULT 1
    );
    CREATE TABLE api_keys (
        id              TEXT PRIMARY KEY NOT NULL,
        organization_id TEXT NOT NULL REFERENCES organizations(id),
        name            TEXT NOT NULL,
        kind            TEXT NOT NULL CHECK (kind IN ('partner', 'legacy')),
        key_id          TEXT UNIQUE,
        env             TEXT,
        bcrypt_hash     TEXT,
        legacy_digest   TEXT UNIQUE,
        legacy_prefix   TEXT,
        created_at_ms   INTEGER NOT NULL,
        last_used_at_ms INTEGER,
        revoked_at_ms   INTEGER,
        kill_switch     INTEGER NOT NULL DEFAULT 0,
        tier            TEXT NOT NULL,
        scopes          TEXT NOT NULL DEFAULT '',
        CHECK ((kind = 'partner' AND key_id IS NOT NULL AND env IS NOT NULL AND bcrypt_hash IS NOT NULL)
            OR (kind = 'legacy' AND legacy_digest IS NOT NULL AND legacy_prefix IS NOT NULL))
    );
    CREATE INDEX api_keys_by_organization ON api_keys (organization_id, created_at_ms);
    CREATE TABLE switches (
        name  TEXT PRIMARY KEY NOT NULL,
        value INTEGER NOT NULL
    );
    INSERT INTO switches (name, value) VALUES ('global', 0);",
];

/// The schema version this build writes.
pub(crate) const VERSION: usize = MIGRATIONS.len();

/// Brings the file's schema up to [`VERSION`].
pub(crate) fn migrate(connection: &mut Connection) -> StoreResult<()> {
    let tx = connection
        .transaction_with_behavior(TransactionBehavior::Immediate)
        .map_err(backend)?;
    let current: i64 = tx
        .pragma_query_value(None, "user_version", |row| row.get(0))
        .map_err(backend)?;
    let current = usize::try_from(current).unwrap_or(usize::MAX);
    if current > VERSION {
        return Err(StoreError::Corrupt {
            what: "schema version",
            reason: format!("the file is at version {current}, newer than this build's {VERSION}"),
        });
    }
    for migration in &MIGRATIONS[current..] {
        tx.execute_batch(migration).map_err(backend)?;
    }
    tx.pragma_update(None, "user_version", VERSION as i64)
        .map_err(backend)?;
    tx.commit().map_err(backend)
}

/// Wraps a SQLite error as a backend failure.
pub(crate) fn backend(error: rusqlite::Error) -> StoreError {
    StoreError::Backend(Box::new(error))
}
