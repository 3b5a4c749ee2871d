//! Reading records out of PostgreSQL rows, and the column encodings.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use layer_auth::{
    Credential, KeyRecord, KeyRecordId, OrgId, Organization, StoreError, StoreResult,
};
use tokio_postgres::{Row, types::FromSql};
use uuid::Uuid;

/// The `api_keys` columns in the order [`key_record`] reads them.
pub(crate) const KEY_COLUMNS: &str = "id, organization_id, name, kind, key_id, env, bcrypt_hash, \
    legacy_digest, legacy_prefix, created_at_ms, last_used_at_ms, revoked_at_ms, kill_switch, \
    tier, scopes";

/// The `organizations` columns in the order [`organization`] reads them.
pub(crate) const ORG_COLUMNS: &str =
    "id, workspace_id, name, api_access_revoked, credit_balance, plan_includes_api";

/// Milliseconds since the Unix epoch (negative before it), saturating.
pub(crate) fn to_ms(time: SystemTime) -> i64 {
    match time.duration_since(UNIX_EPOCH) {
        Ok(after) => i64::try_from(after.as_millis()).unwrap_or(i64::MAX),
        Err(before) => i64::try_from(before.duration().as_millis()).map_or(i64::MIN, |ms| -ms),
    }
}

/// The inverse of [`to_ms`].
///
/// # Errors
///
/// [`StoreError::Corrupt`] if the platform's `SystemTime` cannot hold the time.
pub(crate) fn from_ms(what: &'static str, ms: i64) -> StoreResult<SystemTime> {
    let magnitude = Duration::from_millis(ms.unsigned_abs());
    let time = if ms >= 0 {
        UNIX_EPOCH.checked_add(magnitude)
    } else {
        UNIX_EPOCH.checked_sub(magnitude)
    };
    time.ok_or_else(|| StoreError::Corrupt {
        what,
        reason: format!("{ms} ms is out of range"),
    })
}

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

/// Reads a [`KeyRecord`] from a row selected with [`KEY_COLUMNS`].
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

/// Reads an [`Organization`] from a row selected with [`ORG_COLUMNS`].
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn millisecond_round_trip() {
        for ms in [0, 1, 1_763_900_000_123, -5_000] {
            assert_eq!(to_ms(from_ms("t", ms).unwrap()), ms);
        }
    }

    #[test]
    fn extreme_times_do_not_panic() {
        // Whatever the platform can hold round-trips; the rest is a Corrupt error.
        for ms in [i64::MAX, i64::MIN] {
            match from_ms("t", ms) {
                Ok(time) => assert_eq!(to_ms(time), ms),
                Err(error) => assert!(matches!(error, StoreError::Corrupt { .. })),
            }
        }
    }
}
