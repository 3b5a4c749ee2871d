//! The [`KeyStore`] trait: where records live, and the stores that ship with the crate.

pub mod columns;
pub mod memory;
#[cfg(feature = "sqlite")]
pub mod sqlite;

use std::{future::Future, time::SystemTime};

use layer_keys::{KeyId, LegacyDigest};

use crate::{KeyRecord, KeyRecordId, OrgId, Organization, SwitchState};

/// Why a store operation failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StoreError {
    /// The organization or key does not exist.
    #[error("{0} not found")]
    NotFound(&'static str),
    /// A uniqueness rule was broken (a key id or legacy digest already stored, an existing
    /// organization id).
    #[error("{0} already exists")]
    Conflict(&'static str),
    /// A stored row could not be read back into a record (a corrupted or hand-edited row).
    #[error("stored {what} is invalid: {reason}")]
    Corrupt {
        /// The column or record.
        what: &'static str,
        /// Why it did not parse.
        reason: String,
    },
    /// The backend failed (I/O, locking, a lost connection).
    #[error("store backend failed: {0}")]
    Backend(#[source] Box<dyn std::error::Error + Send + Sync>),
}

/// `Result` with [`StoreError`].
pub type StoreResult<T> = Result<T, StoreError>;

/// Where organizations and key records live.
///
/// Every method is `async` (returning a `Send` future) so network stores (PostgreSQL) fit the
/// same trait as in-process ones; the embedded stores finish at once or on a blocking thread.
/// Writes are atomic: a failed call changes nothing.
///
/// Stores enforce that key ids and legacy digests are unique. They never see a key: the
/// composition layer mints keys, hashes them and stores the [`KeyRecord`].
pub trait KeyStore: Send + Sync + 'static {
    /// Adds an organization.
    ///
    /// # Errors
    ///
    /// [`StoreError::Conflict`] if its id exists.
    fn insert_organization(
        &self,
        organization: &Organization,
    ) -> impl Future<Output = StoreResult<()>> + Send;

    /// The organization with `id`, if any.
    fn organization(
        &self,
        id: OrgId,
    ) -> impl Future<Output = StoreResult<Option<Organization>>> + Send;

    /// Every organization, oldest first.
    fn organizations(&self) -> impl Future<Output = StoreResult<Vec<Organization>>> + Send;

    /// Sets or clears the organization's `api_access_revoked`; returns the updated record.
    ///
    /// # Errors
    ///
    /// [`StoreError::NotFound`] for an unknown organization.
    fn set_api_access_revoked(
        &self,
        id: OrgId,
        revoked: bool,
    ) -> impl Future<Output = StoreResult<Organization>> + Send;

    /// Adds a key record.
    ///
    /// # Errors
    ///
    /// [`StoreError::Conflict`] if the key id, legacy digest or record id exists;
    /// [`StoreError::NotFound`] if the organization does not.
    fn insert_key(&self, record: &KeyRecord) -> impl Future<Output = StoreResult<()>> + Send;

    /// The record of the partner key with `key_id`, revoked or not.
    fn key_by_key_id(
        &self,
        key_id: &KeyId,
    ) -> impl Future<Output = StoreResult<Option<KeyRecord>>> + Send;

    /// The record of the legacy key with `digest`, revoked or not.
    fn key_by_legacy_digest(
        &self,
        digest: &LegacyDigest,
    ) -> impl Future<Output = StoreResult<Option<KeyRecord>>> + Send;

    /// The record with `id`.
    fn key(&self, id: KeyRecordId) -> impl Future<Output = StoreResult<Option<KeyRecord>>> + Send;

    /// The organization's keys, oldest first, revoked ones included.
    fn keys_of(
        &self,
        organization: OrgId,
    ) -> impl Future<Output = StoreResult<Vec<KeyRecord>>> + Send;

    /// Revokes a key at `at` (a second revocation keeps the first time); returns the record.
    ///
    /// # Errors
    ///
    /// [`StoreError::NotFound`] for an unknown key.
    fn revoke_key(
        &self,
        id: KeyRecordId,
        at: SystemTime,
    ) -> impl Future<Output = StoreResult<KeyRecord>> + Send;

    /// Sets or clears the key's kill switch; returns the record.
    ///
    /// # Errors
    ///
    /// [`StoreError::NotFound`] for an unknown key.
    fn set_key_kill_switch(
        &self,
        id: KeyRecordId,
        killed: bool,
    ) -> impl Future<Output = StoreResult<KeyRecord>> + Send;

    /// Records last-use times in one write; a time older than the stored one is ignored, and
    /// unknown ids are skipped (the key may have been deleted since).
    fn record_last_used(
        &self,
        uses: &[(KeyRecordId, SystemTime)],
    ) -> impl Future<Output = StoreResult<()>> + Send;

    /// Sets or clears the global kill switch.
    fn set_global_kill_switch(&self, on: bool) -> impl Future<Output = StoreResult<()>> + Send;

    /// The global switch, the revoked organizations and the killed keys, read consistently.
    fn switch_state(&self) -> impl Future<Output = StoreResult<SwitchState>> + Send;
}
