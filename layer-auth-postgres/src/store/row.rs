//! Reading records out of PostgreSQL rows.

use std::time::SystemTime;

use layer_auth::{
    Credential, KeyRecord, KeyRecordId, OrgId, Organization, StoreError, StoreResult,
    store::columns::from_ms,
};
use tokio_postgres::{Row, types::FromSql};
use uuid::Uuid;

fn parse<T: std::str::FromStr>(what: &'static str, text: &str) -> StoreResult<T>
where
    T::Err: std::fmt::Display,
{
    text.parse().map_err(|error: T::Err| StoreError::Corrupt {
        what,
        reason: error.to_string(),
    })
}

fn column<'a, T: FromSql<'a>>(row: &'a Row, what: &'static str, index: usize) -> StoreResult<T> {
    row.try_get(index).map_err(|error| StoreError::Corrupt {
        what,
        reason: error.to_string(),
    })
}

fn required(what: &'static str, value: Option<String>) -> StoreResult<String> {
    value.ok_or(StoreError::Corrupt {
        what,
        reason: "missing".to_owned(),
    })
}

fn optional_time(row: &Row, what: &'static str, index: usize) -> StoreResult<Option<SystemTime>> {
    column::<Option<i64>>(row, what, index)?
        .map(|ms| from_ms(what, ms))
        .transpose()
}

/// Reads a [`KeyRecord`] from a row selected with `KEY_COLUMNS`.
pub(crate) fn key_record(row: &Row) -> StoreResult<KeyRecord> {
    let kind: String = column(row, "kind", 3)?;
    let credential = match kind.as_str() {
        "partner" => Credential::Partner {
            key_id: parse("key_id", &required("key_id", column(row, "key_id", 4)?)?)?,
            env: parse("env", &required("env", column(row, "env", 5)?)?)?,
            hash: parse(
                "bcrypt_hash",
                &required("bcrypt_hash", column(row, "bcrypt_hash", 6)?)?,
            )?,
        },
        "legacy" => Credential::Legacy {
            digest: parse(
                "legacy_digest",
                &required("legacy_digest", column(row, "legacy_digest", 7)?)?,
            )?,
            prefix: required("legacy_prefix", column(row, "legacy_prefix", 8)?)?,
        },
        other => {
            return Err(StoreError::Corrupt {
                what: "kind",
                reason: format!("unknown key kind {other:?}"),
            });
        }
    };
    Ok(KeyRecord {
        id: KeyRecordId::from_uuid(column::<Uuid>(row, "id", 0)?),
        organization_id: OrgId::from_uuid(column::<Uuid>(row, "organization_id", 1)?),
        name: column(row, "name", 2)?,
        credential,
        created_at: from_ms("created_at_ms", column(row, "created_at_ms", 9)?)?,
        last_used_at: optional_time(row, "last_used_at_ms", 10)?,
        revoked_at: optional_time(row, "revoked_at_ms", 11)?,
        kill_switch: column(row, "kill_switch", 12)?,
        tier: parse("tier", column::<&str>(row, "tier", 13)?)?,
        scopes: parse("scopes", column::<&str>(row, "scopes", 14)?)?,
    })
}

/// Reads an [`Organization`] from a row selected with `ORG_COLUMNS`.
pub(crate) fn organization(row: &Row) -> StoreResult<Organization> {
    Ok(Organization {
        id: OrgId::from_uuid(column::<Uuid>(row, "organization id", 0)?),
        workspace_id: column::<Uuid>(row, "workspace_id", 1)?.into(),
        name: column(row, "name", 2)?,
        api_access_revoked: column(row, "api_access_revoked", 3)?,
        credit_balance: column(row, "credit_balance", 4)?,
        plan_includes_api: column(row, "plan_includes_api", 5)?,
    })
}
