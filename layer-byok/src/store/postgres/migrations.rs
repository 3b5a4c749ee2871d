//! The `byok_keys` table in the composition crate's PostgreSQL schema, and its migrations.
//!
//! Applied by `layer_auth_postgres::Migrations`, the same runner as the store's own tables:
//! one step per transaction, under an advisory lock, exactly once however many stores start
//! at once. Append-only.

use layer_auth_postgres::Migrations;

/// Every migration, oldest first.
const STEPS: &[&str] = &[
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

/// The BYOK tables' migrations, recorded in `byok_schema_migrations` (the store's own
/// `schema_migrations` is left to `layer-auth-postgres`), under an advisory lock of their own.
pub(crate) const MIGRATIONS: Migrations = Migrations {
    owner: "layer-byok",
    table: "byok_schema_migrations",
    version_name: "byok schema version",
    steps: STEPS,
};
