//! Reading records out of SQLite rows.

use rusqlite::Row;

use crate::{
    Credential, KeyRecord, Organization,
    store::{StoreError, StoreResult, columns::from_ms},
};

fn parse<T: std::str::FromStr>(what: &'static str, text: &str) -> StoreResult<T>
where
    T::Err: std::fmt::Display,
{
    text.parse().map_err(|error: T::Err| StoreError::Corrupt {
        what,
        reason: error.to_string(),
    })
}

fn column<T: rusqlite::types::FromSql>(row: &Row<'_>, index: usize) -> StoreResult<T> {
    row.get(index).map_err(|error| StoreError::Corrupt {
        what: "column",
        reason: error.to_string(),
    })
}

fn required(what: &'static str, value: Option<String>) -> StoreResult<String> {
    value.ok_or(StoreError::Corrupt {
        what,
        reason: "missing".to_owned(),
    })
}

/// Reads a [`KeyRecord`] from a row selected with `KEY_COLUMNS`.
pub(crate) fn key_record(row: &Row<'_>) -> StoreResult<KeyRecord> {
    let kind: String = column(row, 3)?;
    let credential = match kind.as_str() {
        "partner" => Credential::Partner {
            key_id: parse("key_id", &required("key_id", column(row, 4)?)?)?,
            env: parse("env", &required("env", column(row, 5)?)?)?,
            hash: parse("bcrypt_hash", &required("bcrypt_hash", column(row, 6)?)?)?,
        },
        "legacy" => Credential::Legacy {
            digest: parse(
                "legacy_digest",
                &required("legacy_digest", column(row, 7)?)?,
            )?,
            prefix: required("legacy_prefix", column(row, 8)?)?,
        },
        other => {
            return Err(StoreError::Corrupt {
                what: "kind",
                reason: format!("unknown key kind {other:?}"),
            });
        }
    };
    let scopes: String = column(row, 14)?;
    Ok(KeyRecord {
        id: parse("id", &column::<String>(row, 0)?)?,
        organization_id: parse("organization_id", &column::<String>(row, 1)?)?,
        name: column(row, 2)?,
        credential,
        created_at: from_ms("created_at_ms", column(row, 9)?)?,
        last_used_at: column::<Option<i64>>(row, 10)?
            .map(|ms| from_ms("last_used_at_ms", ms))
            .transpose()?,
        revoked_at: column::<Option<i64>>(row, 11)?
            .map(|ms| from_ms("revoked_at_ms", ms))
            .transpose()?,
        kill_switch: column(row, 12)?,
        tier: parse("tier", &column::<String>(row, 13)?)?,
        scopes: parse("scopes", &scopes)?,
    })
}

/// Reads an [`Organization`] from a row selected with `ORG_COLUMNS`.
pub(crate) fn organization(row: &Row<'_>) -> StoreResult<Organization> {
    Ok(Organization {
        id: parse("organization id", &column::<String>(row, 0)?)?,
        workspace_id: parse("workspace_id", &column::<String>(row, 1)?)?,
        name: column(row, 2)?,
        api_access_revoked: column(row, 3)?,
        credit_balance: column(row, 4)?,
        plan_includes_api: column(row, 5)?,
    })
}
