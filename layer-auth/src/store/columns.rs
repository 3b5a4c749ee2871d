//! The column encoding every SQL store shares: which columns a record has, how times and
//! credentials are written, and how times are read back.
//!
//! The SQLite store here and the PostgreSQL store in `layer-auth-postgres` both use it, so the
//! two schemas cannot drift apart in what they mean.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use crate::{Credential, store::StoreError, store::StoreResult};

/// The `api_keys` columns, in the order stores read and write them.
pub const KEY_COLUMNS: &str = "id, organization_id, name, kind, key_id, env, bcrypt_hash, \
    legacy_digest, legacy_prefix, created_at_ms, last_used_at_ms, revoked_at_ms, kill_switch, \
    tier, scopes";

/// The `organizations` columns, in the order stores read and write them.
pub const ORG_COLUMNS: &str =
    "id, workspace_id, name, api_access_revoked, credit_balance, plan_includes_api";

/// Milliseconds since the Unix epoch (negative before it), saturating.
#[must_use]
pub fn to_ms(time: SystemTime) -> i64 {
    match time.duration_since(UNIX_EPOCH) {
        Ok(after) => i64::try_from(after.as_millis()).unwrap_or(i64::MAX),
        Err(before) => i64::try_from(before.duration().as_millis()).map_or(i64::MIN, |ms| -ms),
    }
}

/// The inverse of [`to_ms`], for the column `what`.
///
/// # Errors
///
/// [`StoreError::Corrupt`] if the platform's `SystemTime` cannot hold the time (a corrupted
/// or hand-edited row), rather than a panic.
pub fn from_ms(what: &'static str, ms: i64) -> StoreResult<SystemTime> {
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

/// A [`Credential`] as the `kind`, `key_id`, `env`, `bcrypt_hash`, `legacy_digest` and
/// `legacy_prefix` columns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CredentialColumns {
    /// `partner` or `legacy`.
    pub kind: &'static str,
    /// The key id, for partner keys.
    pub key_id: Option<String>,
    /// The env, for partner keys.
    pub env: Option<String>,
    /// The bcrypt hash, for partner keys.
    pub bcrypt_hash: Option<String>,
    /// The SHA-256 digest in hex, for legacy keys.
    pub legacy_digest: Option<String>,
    /// The masked prefix, for legacy keys.
    pub legacy_prefix: Option<String>,
}

impl CredentialColumns {
    /// The columns of `credential`.
    #[must_use]
    pub fn of(credential: &Credential) -> Self {
        match credential {
            Credential::Partner { key_id, env, hash } => Self {
                kind: "partner",
                key_id: Some(key_id.to_string()),
                env: Some(env.to_string()),
                bcrypt_hash: Some(hash.to_string()),
                legacy_digest: None,
                legacy_prefix: None,
            },
            Credential::Legacy { digest, prefix } => Self {
                kind: "legacy",
                key_id: None,
                env: None,
                bcrypt_hash: None,
                legacy_digest: Some(digest.to_string()),
                legacy_prefix: Some(prefix.clone()),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn millisecond_round_trip_and_no_panic_out_of_range() {
        for ms in [0, 1, 1_763_900_000_123, -5_000] {
            assert_eq!(to_ms(from_ms("t", ms).unwrap()), ms);
        }
        for ms in [i64::MAX, i64::MIN] {
            match from_ms("t", ms) {
                Ok(time) => assert_eq!(to_ms(time), ms),
                Err(StoreError::Corrupt { what: "t", .. }) => {}
                Err(other) => panic!("{other}"),
            }
        }
    }
}
