//! The store's own tables: the migrations [`Migrations`](crate::Migrations) applies on
//! connect.

use crate::Migrations;

/// Every migration, oldest first. The schema version is the number applied.
const STEPS: &[&str] = &[
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

/// The store's migrations, recorded in `schema_migrations`.
pub(crate) const MIGRATIONS: Migrations = Migrations {
    owner: "layer-auth-postgres",
    table: "schema_migrations",
    version_name: "schema version",
    steps: STEPS,
};

/// The schema version this build writes: the number of migrations it knows.
pub const SCHEMA_VERSION: i32 = MIGRATIONS.version();
