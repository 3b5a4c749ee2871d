//! [`PostgresStore`]: a [`KeyStore`] over a PostgreSQL database.

mod constraint;
mod migrations;
mod row;

use std::time::SystemTime;

use deadpool_postgres::{Client, Manager, ManagerConfig, Pool, RecyclingMethod};
use layer_auth::{
    KeyRecord, KeyRecordId, KeyStore, OrgId, Organization, StoreError, StoreResult, SwitchState,
    store::columns::{CredentialColumns, KEY_COLUMNS, ORG_COLUMNS, to_ms},
};
use layer_keys::{KeyId, LegacyDigest};
use tokio_postgres::{NoTls, types::ToSql};
use uuid::Uuid;

pub use self::migrations::SCHEMA_VERSION;
use self::{
    constraint::insert_error,
    row::{key_record, organization},
};
use crate::SchemaName;

/// How many connections a store keeps open at most.
const POOL_SIZE: usize = 8;

/// A [`KeyStore`] in one PostgreSQL schema.
///
/// Connecting creates the schema if needed and migrates it (see the crate docs for the rule);
/// every connection of the pool then has `search_path` set to that schema, so the store never
/// touches a table outside it. Every write is one statement, so a failed call changes nothing.
/// Clones share the pool.
#[derive(Debug, Clone)]
pub struct PostgresStore {
    pool: Pool,
    schema: SchemaName,
}

impl PostgresStore {
    /// Connects to `url` (a `postgres://` URL or a `key=value` string) and keeps the tables in
    /// the `public` schema.
    ///
    /// # Errors
    ///
    /// As [`PostgresStore::connect_in_schema`].
    pub async fn connect(url: &str) -> StoreResult<Self> {
        Self::connect_in_schema(url, &SchemaName::public()).await
    }

    /// Connects to `url` and keeps every table in `schema`, creating it if needed.
    ///
    /// The connection is unencrypted (`NoTls`): use it on loopback or a private network.
    ///
    /// # Errors
    ///
    /// [`StoreError::Backend`] if the URL does not parse, the server cannot be reached or a
    /// migration fails; [`StoreError::Corrupt`] if the schema is at a version newer than
    /// [`SCHEMA_VERSION`] (a newer build migrated it; this one refuses to guess).
    pub async fn connect_in_schema(url: &str, schema: &SchemaName) -> StoreResult<Self> {
        let mut config: tokio_postgres::Config = url.parse().map_err(backend)?;
        let options = match config.get_options() {
            Some(given) => format!("{given} -c search_path={schema}"),
            None => format!("-c search_path={schema}"),
        };
        config.options(options);
        let manager = Manager::from_config(
            config,
            NoTls,
            ManagerConfig {
                recycling_method: RecyclingMethod::Fast,
            },
        );
        let pool = Pool::builder(manager)
            .max_size(POOL_SIZE)
            .build()
            .map_err(backend)?;
        let store = Self {
            pool,
            schema: schema.clone(),
        };
        let mut client = store.client().await?;
        migrations::MIGRATIONS.apply(&mut client, schema).await?;
        Ok(store)
    }

    /// The schema holding the store's tables.
    #[must_use]
    pub fn schema(&self) -> &SchemaName {
        &self.schema
    }

    /// The store's connection pool, for sibling crates that keep their own tables in the same
    /// schema (`layer-byok` keeps `byok_keys` there, beside `organizations`).
    ///
    /// Every connection has `search_path` set to [`schema`](Self::schema), so unqualified
    /// table names resolve beside the store's tables. Users must not change the store's
    /// tables or its `schema_migrations`; they should track their own migrations in a table of
    /// their own, under their own advisory lock.
    #[must_use]
    pub fn pool(&self) -> &Pool {
        &self.pool
    }

    async fn client(&self) -> StoreResult<Client> {
        self.pool.get().await.map_err(backend)
    }

    /// Runs `sql` and reads every row with `read`.
    async fn query_all<T>(
        &self,
        sql: &str,
        params: &[&(dyn ToSql + Sync)],
        read: fn(&tokio_postgres::Row) -> StoreResult<T>,
    ) -> StoreResult<Vec<T>> {
        let client = self.client().await?;
        let statement = client.prepare_cached(sql).await.map_err(backend)?;
        let rows = client.query(&statement, params).await.map_err(backend)?;
        rows.iter().map(read).collect()
    }

    /// Runs `sql` and reads the row it returns, if any, with `read`.
    async fn query_opt<T>(
        &self,
        sql: &str,
        params: &[&(dyn ToSql + Sync)],
        read: fn(&tokio_postgres::Row) -> StoreResult<T>,
    ) -> StoreResult<Option<T>> {
        let client = self.client().await?;
        let statement = client.prepare_cached(sql).await.map_err(backend)?;
        let row = client
            .query_opt(&statement, params)
            .await
            .map_err(backend)?;
        row.as_ref().map(read).transpose()
    }

    async fn key_where(
        &self,
        column: &'static str,
        value: &(dyn ToSql + Sync),
    ) -> StoreResult<Option<KeyRecord>> {
        let sql = format!("SELECT {KEY_COLUMNS} FROM api_keys WHERE {column} = $1");
        self.query_opt(&sql, &[value], key_record).await
    }
}

/// Wraps a driver or pool error as a backend failure.
pub(crate) fn backend(error: impl std::error::Error + Send + Sync + 'static) -> StoreError {
    StoreError::Backend(Box::new(error))
}

impl KeyStore for PostgresStore {
    async fn insert_organization(&self, organization: &Organization) -> StoreResult<()> {
        let client = self.client().await?;
        client
            .execute(
                "INSERT INTO organizations (id, workspace_id, name, api_access_revoked, \
                 credit_balance, plan_includes_api) VALUES ($1, $2, $3, $4, $5, $6)",
                &[
                    &organization.id.as_uuid(),
                    &organization.workspace_id.as_uuid(),
                    &organization.name,
                    &organization.api_access_revoked,
                    &organization.credit_balance,
                    &organization.plan_includes_api,
                ],
            )
            .await
            .map_err(|error| insert_error(error, "organization"))?;
        Ok(())
    }

    async fn organization(&self, id: OrgId) -> StoreResult<Option<Organization>> {
        let sql = format!("SELECT {ORG_COLUMNS} FROM organizations WHERE id = $1");
        self.query_opt(&sql, &[&id.as_uuid()], organization).await
    }

    async fn organizations(&self) -> StoreResult<Vec<Organization>> {
        let sql = format!("SELECT {ORG_COLUMNS} FROM organizations ORDER BY seq");
        self.query_all(&sql, &[], organization).await
    }

    async fn set_api_access_revoked(&self, id: OrgId, revoked: bool) -> StoreResult<Organization> {
        let sql = format!(
            "UPDATE organizations SET api_access_revoked = $1 WHERE id = $2 \
             RETURNING {ORG_COLUMNS}"
        );
        self.query_opt(&sql, &[&revoked, &id.as_uuid()], organization)
            .await?
            .ok_or(StoreError::NotFound("organization"))
    }

    async fn insert_key(&self, r: &KeyRecord) -> StoreResult<()> {
        let c = CredentialColumns::of(&r.credential);
        let client = self.client().await?;
        let sql = format!(
            "INSERT INTO api_keys ({KEY_COLUMNS}) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)"
        );
        client
            .execute(
                &sql,
                &[
                    &r.id.as_uuid(),
                    &r.organization_id.as_uuid(),
                    &r.name,
                    &c.kind,
                    &c.key_id,
                    &c.env,
                    &c.bcrypt_hash,
                    &c.legacy_digest,
                    &c.legacy_prefix,
                    &to_ms(r.created_at),
                    &r.last_used_at.map(to_ms),
                    &r.revoked_at.map(to_ms),
                    &r.kill_switch,
                    &r.tier.to_string(),
                    &r.scopes.to_string(),
                ],
            )
            .await
            .map_err(|error| insert_error(error, "key record"))?;
        Ok(())
    }

    async fn key_by_key_id(&self, key_id: &KeyId) -> StoreResult<Option<KeyRecord>> {
        self.key_where("key_id", &key_id.to_string()).await
    }

    async fn key_by_legacy_digest(&self, digest: &LegacyDigest) -> StoreResult<Option<KeyRecord>> {
        self.key_where("legacy_digest", &digest.to_string()).await
    }

    async fn key(&self, id: KeyRecordId) -> StoreResult<Option<KeyRecord>> {
        self.key_where("id", &id.as_uuid()).await
    }

    async fn keys_of(&self, organization: OrgId) -> StoreResult<Vec<KeyRecord>> {
        let sql = format!(
            "SELECT {KEY_COLUMNS} FROM api_keys WHERE organization_id = $1 \
             ORDER BY created_at_ms, seq"
        );
        self.query_all(&sql, &[&organization.as_uuid()], key_record)
            .await
    }

    async fn revoke_key(&self, id: KeyRecordId, at: SystemTime) -> StoreResult<KeyRecord> {
        let sql = format!(
            "UPDATE api_keys SET revoked_at_ms = COALESCE(revoked_at_ms, $1) WHERE id = $2 \
             RETURNING {KEY_COLUMNS}"
        );
        self.query_opt(&sql, &[&to_ms(at), &id.as_uuid()], key_record)
            .await?
            .ok_or(StoreError::NotFound("key"))
    }

    async fn set_key_kill_switch(&self, id: KeyRecordId, killed: bool) -> StoreResult<KeyRecord> {
        let sql =
            format!("UPDATE api_keys SET kill_switch = $1 WHERE id = $2 RETURNING {KEY_COLUMNS}");
        self.query_opt(&sql, &[&killed, &id.as_uuid()], key_record)
            .await?
            .ok_or(StoreError::NotFound("key"))
    }

    async fn record_last_used(&self, uses: &[(KeyRecordId, SystemTime)]) -> StoreResult<()> {
        if uses.is_empty() {
            return Ok(());
        }
        let ids: Vec<Uuid> = uses.iter().map(|(id, _)| id.as_uuid()).collect();
        let times: Vec<i64> = uses.iter().map(|(_, at)| to_ms(*at)).collect();
        // One statement; the latest time per id wins, and ids with no row match nothing.
        let client = self.client().await?;
        client
            .execute(
                "UPDATE api_keys AS k SET last_used_at_ms = u.at \
                 FROM (SELECT id, max(at) AS at FROM unnest($1::uuid[], $2::bigint[]) AS t(id, at) \
                       GROUP BY id) AS u \
                 WHERE k.id = u.id AND (k.last_used_at_ms IS NULL OR k.last_used_at_ms < u.at)",
                &[&ids, &times],
            )
            .await
            .map_err(backend)?;
        Ok(())
    }

    async fn set_global_kill_switch(&self, on: bool) -> StoreResult<()> {
        let client = self.client().await?;
        let changed = client
            .execute(
                "UPDATE switches SET value = $1 WHERE name = 'global'",
                &[&on],
            )
            .await
            .map_err(backend)?;
        if changed == 0 {
            return Err(StoreError::Corrupt {
                what: "switches",
                reason: "the global switch row is missing".to_owned(),
            });
        }
        Ok(())
    }

    async fn switch_state(&self) -> StoreResult<SwitchState> {
        // One statement, so the three reads see the same snapshot.
        let client = self.client().await?;
        let row = client
            .query_one(
                "SELECT (SELECT value FROM switches WHERE name = 'global'), \
                 ARRAY(SELECT id FROM organizations WHERE api_access_revoked ORDER BY seq), \
                 ARRAY(SELECT id FROM api_keys WHERE kill_switch AND revoked_at_ms IS NULL \
                       ORDER BY seq)",
                &[],
            )
            .await
            .map_err(backend)?;
        let corrupt = |what| {
            move |error: tokio_postgres::Error| StoreError::Corrupt {
                what,
                reason: error.to_string(),
            }
        };
        let global: Option<bool> = row.try_get(0).map_err(corrupt("switches"))?;
        let revoked_orgs: Vec<Uuid> = row.try_get(1).map_err(corrupt("organization id"))?;
        let killed_keys: Vec<Uuid> = row.try_get(2).map_err(corrupt("key id"))?;
        Ok(SwitchState {
            global: global.ok_or(StoreError::Corrupt {
                what: "switches",
                reason: "the global switch row is missing".to_owned(),
            })?,
            revoked_orgs: revoked_orgs.into_iter().map(OrgId::from_uuid).collect(),
            killed_keys: killed_keys
                .into_iter()
                .map(KeyRecordId::from_uuid)
                .collect(),
        })
    }
}
