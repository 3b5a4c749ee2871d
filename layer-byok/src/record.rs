//! BYOK records: one sealed provider key of one organization, and what is kept in plaintext
//! beside it.

use std::{fmt, str::FromStr, time::Duration, time::SystemTime};

use uuid::Uuid;

use crate::{MasterKeyVersion, OrgId, Provider, ProviderKey, Sealed};

/// How long a soft-deleted record stays recoverable: 90 days (SPEC 7).
///
/// A record deleted at `d` can be restored at any `now` with `now - d <= RETENTION`, and
/// [`ByokStore::purge`](crate::ByokStore::purge) removes it at any `now` with
/// `now - d > RETENTION`; the two rules share the boundary, so a record is always either
/// recoverable or purgeable, never both and never neither.
pub const RETENTION: Duration = Duration::from_secs(90 * 24 * 60 * 60);

/// A BYOK record's UUID: log-safe, and fresh for every key set (replacing a key gives the new
/// key a new id, so a late update aimed at the old key never lands on the new one).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ByokKeyId(Uuid);

impl ByokKeyId {
    /// A fresh random (v4) id.
    #[must_use]
    pub fn new_random() -> Self {
        Self(Uuid::new_v4())
    }

    /// Wraps an existing UUID.
    #[must_use]
    pub const fn from_uuid(uuid: Uuid) -> Self {
        Self(uuid)
    }

    /// The UUID.
    #[must_use]
    pub const fn as_uuid(&self) -> Uuid {
        self.0
    }
}

impl fmt::Display for ByokKeyId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.hyphenated().fmt(f)
    }
}

impl FromStr for ByokKeyId {
    type Err = uuid::Error;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Uuid::try_parse(s).map(Self)
    }
}

/// What the provider last said about a key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Validity {
    /// Never checked: the state of a key just set.
    Unknown,
    /// The provider accepted the key at `checked_at` (the latest successful check).
    Valid {
        /// When the provider last accepted it.
        checked_at: SystemTime,
    },
    /// The provider refused the key as unauthenticated; `since` is the first refusal, kept
    /// through later ones, until a successful check or a new key.
    Invalid {
        /// When the provider first refused it.
        since: SystemTime,
    },
}

impl Validity {
    /// Whether the provider refused the key, the one state in which it is never used.
    #[must_use]
    pub const fn is_invalid(&self) -> bool {
        matches!(self, Self::Invalid { .. })
    }
}

/// A key to store: what [`ByokStore::put`](crate::ByokStore::put) takes. The store gives it an
/// id and its timestamps.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewByokKey {
    /// The organization the key belongs to.
    pub organization_id: OrgId,
    /// The provider it is for.
    pub provider: Provider,
    /// The key, sealed for this organization and provider.
    pub sealed: Sealed,
    /// The masked form kept in plaintext, such as `sk-proj-...abc123`.
    pub display_prefix: String,
}

impl NewByokKey {
    /// A key to store for `organization`: provider and display prefix from `key` (its
    /// [masked](ProviderKey::masked) form), and `sealed`, which must be `key` sealed by the
    /// vault for this organization and provider.
    #[must_use]
    pub fn new(organization: OrgId, key: &ProviderKey, sealed: Sealed) -> Self {
        Self {
            organization_id: organization,
            provider: key.provider(),
            sealed,
            display_prefix: key.masked(),
        }
    }

    /// The record a store writes for this key at `now`: a new id, enabled, of unknown
    /// validity, live.
    #[must_use]
    pub fn into_record(self, now: SystemTime) -> ByokRecord {
        ByokRecord {
            id: ByokKeyId::new_random(),
            organization_id: self.organization_id,
            provider: self.provider,
            sealed: self.sealed,
            display_prefix: self.display_prefix,
            enabled: true,
            validity: Validity::Unknown,
            created_at: now,
            updated_at: now,
            deleted_at: None,
        }
    }
}

/// A stored BYOK key: the sealed key, and in plaintext only the provider, the enabled flag, the
/// validity, the display prefix, ids and times.
///
/// It never holds the plaintext key, so `Debug` shows it whole.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ByokRecord {
    /// The record's id.
    pub id: ByokKeyId,
    /// The organization the key belongs to.
    pub organization_id: OrgId,
    /// The provider it is for.
    pub provider: Provider,
    /// The key, sealed; the master-key version is [`Sealed::version`].
    pub sealed: Sealed,
    /// The masked form, such as `sk-proj-...abc123`.
    pub display_prefix: String,
    /// Whether the owner wants the key used; disabling keeps the record.
    pub enabled: bool,
    /// What the provider last said about the key.
    pub validity: Validity,
    /// When the key was set.
    pub created_at: SystemTime,
    /// When the record last changed (enabled, validity, deletion, restore, re-seal).
    pub updated_at: SystemTime,
    /// When it was soft-deleted; `None` for a live record.
    pub deleted_at: Option<SystemTime>,
}

impl ByokRecord {
    /// Whether the record is live (not soft-deleted).
    #[must_use]
    pub const fn is_live(&self) -> bool {
        self.deleted_at.is_none()
    }

    /// Whether resolution may use the key: live, enabled, and not marked invalid.
    #[must_use]
    pub const fn is_usable(&self) -> bool {
        self.is_live() && self.enabled && !self.validity.is_invalid()
    }

    /// The listing view: everything but the sealed bytes.
    #[must_use]
    pub fn summary(&self) -> ByokSummary {
        ByokSummary {
            id: self.id,
            organization_id: self.organization_id,
            provider: self.provider,
            display_prefix: self.display_prefix.clone(),
            key_version: self.sealed.version(),
            enabled: self.enabled,
            validity: self.validity,
            created_at: self.created_at,
            updated_at: self.updated_at,
            deleted_at: self.deleted_at,
        }
    }
}

/// A record as listings show it: the masked display prefix and the plaintext state, without the
/// sealed key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ByokSummary {
    /// The record's id.
    pub id: ByokKeyId,
    /// The organization the key belongs to.
    pub organization_id: OrgId,
    /// The provider it is for.
    pub provider: Provider,
    /// The masked form, such as `sk-proj-...abc123`.
    pub display_prefix: String,
    /// The master-key version the key is sealed under.
    pub key_version: MasterKeyVersion,
    /// Whether the owner wants the key used.
    pub enabled: bool,
    /// What the provider last said about the key.
    pub validity: Validity,
    /// When the key was set.
    pub created_at: SystemTime,
    /// When the record last changed.
    pub updated_at: SystemTime,
    /// When it was soft-deleted; `None` for a live record.
    pub deleted_at: Option<SystemTime>,
}

/// Which of an organization's records a listing returns.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ListFilter {
    /// Live records only (at most one per provider).
    #[default]
    Live,
    /// Soft-deleted records only, purged or not yet.
    Deleted,
    /// Both.
    All,
}

impl ListFilter {
    /// Whether a record with `deleted_at` passes the filter.
    #[must_use]
    pub const fn admits(self, deleted_at: Option<SystemTime>) -> bool {
        match self {
            Self::Live => deleted_at.is_none(),
            Self::Deleted => deleted_at.is_some(),
            Self::All => true,
        }
    }
}

/// Whether a record deleted at `deleted_at` is still recoverable at `now` (see [`RETENTION`]).
#[must_use]
pub fn within_retention(deleted_at: SystemTime, now: SystemTime) -> bool {
    now.duration_since(deleted_at)
        .map_or(true, |elapsed| elapsed <= RETENTION)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retention_boundary_is_shared_by_restore_and_purge() {
        let deleted = SystemTime::UNIX_EPOCH + Duration::from_secs(1_000);
        assert!(within_retention(deleted, deleted));
        assert!(within_retention(deleted, deleted + RETENTION));
        assert!(!within_retention(
            deleted,
            deleted + RETENTION + Duration::from_millis(1)
        ));
        // A clock that went backwards is inside retention, never a panic.
        assert!(within_retention(deleted, SystemTime::UNIX_EPOCH));
    }

    #[test]
    fn ids_round_trip() {
        let id = ByokKeyId::new_random();
        assert_eq!(id.to_string().parse::<ByokKeyId>().unwrap(), id);
    }
}
