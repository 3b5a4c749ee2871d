//! [`Migrations`]: an append-only list of schema changes, applied in order, exactly once, by
//! however many processes start at the same moment.

use deadpool_postgres::Client;
use layer_auth::{StoreError, StoreResult};

use crate::{SchemaName, store::backend};

/// The migrations of one owner's tables in a schema: the store's own, or a sibling crate's
/// (`layer-byok` keeps `byok_keys` beside `organizations` this way).
///
/// [`Migrations::apply`] records each applied step as a row of `table`. Each step runs in
/// the same transaction as the insert of its row, and every such transaction first takes
/// `pg_advisory_xact_lock` on a key derived from the owner and the schema, so concurrent
/// starts apply each step exactly once and never see a half-made schema. Steps are
/// append-only: never edit one that has shipped.
#[derive(Debug, Clone, Copy)]
pub struct Migrations {
    /// Who owns the tables, named in the lock key and in the upgrade advice of an error:
    /// `layer-auth-postgres`, `layer-byok`.
    pub owner: &'static str,
    /// The table recording applied versions, one per owner: `schema_migrations`. A plain
    /// identifier (it is spliced into SQL), fixed by the owner's code.
    pub table: &'static str,
    /// What [`StoreError::Corrupt`] names when the schema is newer than this build.
    pub version_name: &'static str,
    /// The SQL of each step, oldest first. The version is the number applied.
    pub steps: &'static [&'static str],
}

impl Migrations {
    /// The version this build writes: the number of steps it knows.
    #[must_use]
    #[allow(clippy::cast_possible_truncation, clippy::cast_possible_wrap)]
    pub const fn version(&self) -> i32 {
        self.steps.len() as i32
    }

    /// Brings `schema` (creating it if needed) up to [`Migrations::version`], one step per
    /// transaction. `client`'s `search_path` need not be set: every transaction sets it.
    ///
    /// # Errors
    ///
    /// [`StoreError::Corrupt`] (named [`Migrations::version_name`]) if the schema is at a
    /// newer version than this build knows; [`StoreError::Backend`] if a statement fails.
    pub async fn apply(&self, client: &mut Client, schema: &SchemaName) -> StoreResult<()> {
        let Self {
            owner,
            table,
            version_name,
            steps,
        } = *self;
        let lock_key = format!("{owner} migrate {schema}");
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
                 CREATE TABLE IF NOT EXISTS {table} (
                     version    integer PRIMARY KEY,
                     applied_at timestamptz NOT NULL DEFAULT now()
                 );"
            ))
            .await
            .map_err(backend)?;
            let current: i32 = tx
                .query_one(
                    &format!("SELECT COALESCE(max(version), 0) FROM {table}"),
                    &[],
                )
                .await
                .map_err(backend)?
                .try_get(0)
                .map_err(backend)?;
            let Some(next) = usize::try_from(current)
                .ok()
                .filter(|&applied| applied <= steps.len())
            else {
                return Err(StoreError::Corrupt {
                    what: version_name,
                    reason: format!(
                        "schema {schema} is at version {current} of {owner}'s tables, newer \
                         than this build's {}; upgrade {owner}",
                        self.version()
                    ),
                });
            };
            let Some(step) = steps.get(next) else {
                return tx.commit().await.map_err(backend);
            };
            tx.batch_execute(step).await.map_err(backend)?;
            tx.execute(
                &format!("INSERT INTO {table} (version) VALUES ($1)"),
                &[&(current + 1)],
            )
            .await
            .map_err(backend)?;
            tx.commit().await.map_err(backend)?;
        }
    }
}
