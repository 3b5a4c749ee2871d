//! The column encoding the SQL stores share: which columns a BYOK record has, how validity,
//! provider, master-key version and nonce are written, and how they are read back.
//!
//! Times use the composition crate's encoding
//! ([`to_ms`] / [`from_ms`] of [`layer_auth::store::columns`]):
//! milliseconds since the Unix epoch. The SQLite and PostgreSQL stores both use this module,
//! so the two schemas cannot drift apart in what they mean.

use std::time::SystemTime;

use layer_auth::store::columns::{from_ms, to_ms};

use super::{ByokStoreError, ByokStoreResult};
use crate::{
    ByokKeyId, ByokRecord, MasterKeyVersion, NONCE_LEN, OrgId, Provider, RETENTION, Sealed,
    Validity,
};

/// The `byok_keys` columns, in the order stores read and write them.
pub const BYOK_COLUMNS: &str = "id, organization_id, provider, key_version, nonce, ciphertext, \
    display_prefix, enabled, validity, validity_at_ms, created_at_ms, updated_at_ms, \
    deleted_at_ms";

/// The name of the unique partial index that keeps one live key per (organization, provider).
pub const ONE_LIVE_INDEX: &str = "byok_keys_one_live";

/// Every column of a record but the two ids, whose SQL types differ between stores (`TEXT` in
/// SQLite, `uuid` in PostgreSQL).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordColumns {
    /// [`Provider::as_str`].
    pub provider: String,
    /// [`MasterKeyVersion::get`], widened.
    pub key_version: i64,
    /// The 96-bit nonce.
    pub nonce: Vec<u8>,
    /// The ciphertext with its tag.
    pub ciphertext: Vec<u8>,
    /// The masked display prefix.
    pub display_prefix: String,
    /// The enabled flag.
    pub enabled: bool,
    /// `unknown`, `valid` or `invalid`.
    pub validity: String,
    /// `checked_at` for `valid`, `since` for `invalid`, `NULL` for `unknown`.
    pub validity_at_ms: Option<i64>,
    /// When the key was set.
    pub created_at_ms: i64,
    /// When the record last changed.
    pub updated_at_ms: i64,
    /// When it was soft-deleted.
    pub deleted_at_ms: Option<i64>,
}

impl RecordColumns {
    /// The columns of `record`.
    #[must_use]
    pub fn of(record: &ByokRecord) -> Self {
        let (validity, validity_at_ms) = validity_columns(record.validity);
        Self {
            provider: record.provider.as_str().to_owned(),
            key_version: i64::from(record.sealed.version().get()),
            nonce: record.sealed.nonce().to_vec(),
            ciphertext: record.sealed.ciphertext().to_vec(),
            display_prefix: record.display_prefix.clone(),
            enabled: record.enabled,
            validity: validity.to_owned(),
            validity_at_ms,
            created_at_ms: to_ms(record.created_at),
            updated_at_ms: to_ms(record.updated_at),
            deleted_at_ms: record.deleted_at.map(to_ms),
        }
    }

    /// The record these columns describe, with its ids.
    ///
    /// # Errors
    ///
    /// [`ByokStoreError::Corrupt`] naming the first column that does not parse.
    pub fn into_record(self, id: ByokKeyId, organization_id: OrgId) -> ByokStoreResult<ByokRecord> {
        let version = u32::try_from(self.key_version).map_err(|_| ByokStoreError::Corrupt {
            what: "key_version",
            reason: format!("{} is not a master-key version", self.key_version),
        })?;
        let nonce: [u8; NONCE_LEN] =
            self.nonce
                .as_slice()
                .try_into()
                .map_err(|_| ByokStoreError::Corrupt {
                    what: "nonce",
                    reason: format!("{} bytes, expected {NONCE_LEN}", self.nonce.len()),
                })?;
        Ok(ByokRecord {
            id,
            organization_id,
            provider: self.provider.parse::<Provider>().map_err(|error| {
                ByokStoreError::Corrupt {
                    what: "provider",
                    reason: error.to_string(),
                }
            })?,
            sealed: Sealed::from_parts(MasterKeyVersion::new(version), nonce, self.ciphertext),
            display_prefix: self.display_prefix,
            enabled: self.enabled,
            validity: validity_from(&self.validity, self.validity_at_ms)?,
            created_at: time("created_at_ms", self.created_at_ms)?,
            updated_at: time("updated_at_ms", self.updated_at_ms)?,
            deleted_at: self
                .deleted_at_ms
                .map(|ms| time("deleted_at_ms", ms))
                .transpose()?,
        })
    }
}

/// A [`Validity`] as the `validity` and `validity_at_ms` columns.
#[must_use]
pub fn validity_columns(validity: Validity) -> (&'static str, Option<i64>) {
    match validity {
        Validity::Unknown => ("unknown", None),
        Validity::Valid { checked_at } => ("valid", Some(to_ms(checked_at))),
        Validity::Invalid { since } => ("invalid", Some(to_ms(since))),
    }
}

/// The inverse of [`validity_columns`].
///
/// # Errors
///
/// [`ByokStoreError::Corrupt`] for an unknown state, or a time missing where one is needed
/// (or present where none is).
pub fn validity_from(kind: &str, at_ms: Option<i64>) -> ByokStoreResult<Validity> {
    let corrupt = |reason: String| ByokStoreError::Corrupt {
        what: "validity",
        reason,
    };
    match (kind, at_ms) {
        ("unknown", None) => Ok(Validity::Unknown),
        ("valid", Some(ms)) => Ok(Validity::Valid {
            checked_at: time("validity_at_ms", ms)?,
        }),
        ("invalid", Some(ms)) => Ok(Validity::Invalid {
            since: time("validity_at_ms", ms)?,
        }),
        ("unknown" | "valid" | "invalid", _) => {
            Err(corrupt(format!("{kind} with a mismatched time")))
        }
        _ => Err(corrupt(format!("unknown validity {kind:?}"))),
    }
}

/// [`RETENTION`] in milliseconds.
const RETENTION_MS: i64 = RETENTION.as_secs() as i64 * 1_000;

/// The purge cutoff at `now`: records with `deleted_at_ms` below it are past retention.
#[must_use]
pub fn retention_cutoff_ms(now: SystemTime) -> i64 {
    to_ms(now).saturating_sub(RETENTION_MS)
}

/// Whether a record deleted at `deleted_at_ms` is past retention at `now`: the same test as
/// the purge's `deleted_at_ms < cutoff`, so restore and purge agree to the millisecond.
#[must_use]
pub fn expired(deleted_at_ms: i64, now: SystemTime) -> bool {
    deleted_at_ms < retention_cutoff_ms(now)
}

/// A time column read back, as a BYOK store error.
///
/// # Errors
///
/// [`ByokStoreError::Corrupt`] if the platform cannot hold the time.
pub fn time(what: &'static str, ms: i64) -> ByokStoreResult<SystemTime> {
    from_ms(what, ms).map_err(ByokStoreError::from)
}

/// The uuid column `what` read back as text (SQLite).
///
/// # Errors
///
/// [`ByokStoreError::Corrupt`] if it is not a UUID.
pub fn parse_id<T: std::str::FromStr<Err = uuid::Error>>(
    what: &'static str,
    text: &str,
) -> ByokStoreResult<T> {
    text.parse()
        .map_err(|error: uuid::Error| ByokStoreError::Corrupt {
            what,
            reason: error.to_string(),
        })
}

#[cfg(test)]
mod tests {
    use std::time::{Duration, UNIX_EPOCH};

    use super::*;

    fn record() -> ByokRecord {
        let t = UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        ByokRecord {
            id: ByokKeyId::new_random(),
            organization_id: OrgId::new_random(),
            provider: Provider::Anthropic,
            sealed: Sealed::from_parts(MasterKeyVersion::new(7), [3; NONCE_LEN], vec![9; 40]),
            display_prefix: "sk-ant-...xyz789".to_owned(),
            enabled: false,
            validity: Validity::Invalid { since: t },
            created_at: t,
            updated_at: t + Duration::from_millis(5),
            deleted_at: Some(t + Duration::from_secs(9)),
        }
    }

    #[test]
    fn columns_round_trip() {
        let r = record();
        assert_eq!(
            RecordColumns::of(&r)
                .into_record(r.id, r.organization_id)
                .unwrap(),
            r
        );
    }

    #[test]
    fn corrupt_columns_are_errors_not_panics() {
        let r = record();
        let good = RecordColumns::of(&r);
        type Spoil = fn(&mut RecordColumns);
        let cases: [(&str, Spoil); 6] = [
            ("provider", |c| c.provider = "openAI".into()),
            ("key_version", |c| c.key_version = -1),
            ("nonce", |c| c.nonce = vec![1, 2, 3]),
            ("validity", |c| c.validity = "maybe".into()),
            ("validity", |c| c.validity_at_ms = None),
            ("created_at_ms", |c| c.created_at_ms = i64::MAX),
        ];
        for (what, spoil) in cases {
            let mut columns = good.clone();
            spoil(&mut columns);
            match columns.into_record(r.id, r.organization_id) {
                Err(ByokStoreError::Corrupt { what: seen, .. }) => assert_eq!(seen, what),
                // A platform whose SystemTime holds i64::MAX ms reads it back.
                Ok(_) if what == "created_at_ms" => {}
                other => panic!("{what}: {other:?}"),
            }
        }
    }

    #[test]
    fn restore_and_purge_share_the_boundary() {
        let deleted = 1_700_000_000_000;
        let at = |ms: i64| UNIX_EPOCH + Duration::from_millis(ms.unsigned_abs());
        assert!(!expired(deleted, at(deleted + RETENTION_MS)));
        assert!(expired(deleted, at(deleted + RETENTION_MS + 1)));
    }
}
