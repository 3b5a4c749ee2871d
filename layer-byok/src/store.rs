//! The [`ByokStore`] trait: where BYOK records live, and the stores that ship with the crate.

#[cfg(any(feature = "sqlite", feature = "postgres"))]
pub mod columns;
mod error;
pub mod memory;
#[cfg(feature = "postgres")]
pub mod postgres;
mod shared;
#[cfg(feature = "sqlite")]
pub mod sqlite;

use std::{future::Future, time::SystemTime};

pub use self::error::{ByokStoreError, ByokStoreResult};
use crate::{
    ByokKeyId, ByokRecord, ByokSummary, ListFilter, MasterKeyVersion, NewByokKey, OrgId, Provider,
    Sealed,
};

/// Where BYOK records live.
///
/// Every method is `async` (returning a `Send` future), like
/// [`layer_auth::KeyStore`], so network stores fit the same trait as in-process ones. Writes
/// are atomic: a failed call changes nothing. Stores never see a plaintext key, only
/// [`Sealed`] values, and never read a clock: every time comes in as `now`.
///
/// # Rules every store keeps
///
/// - **One live key per provider per organization.** [`put`](Self::put) replaces the live
///   record for its (organization, provider), if any, with a new record under a new id: the old
///   key is gone at once (not soft-deleted), since a key is replaced because it should no
///   longer be kept. Soft-deleted records do not count.
/// - **Enable/disable** keeps the record; only live records can be enabled, disabled or marked.
/// - **Soft delete** keeps the record recoverable for [`RETENTION`](crate::RETENTION);
///   [`restore`](Self::restore) brings it back within it, and [`purge`](Self::purge) removes
///   it after.
/// - **Re-sealing** is a compare-and-set on the master-key version, and applies to deleted
///   records too, so a record restored after a master-key rotation still opens.
pub trait ByokStore: Send + Sync + 'static {
    /// Stores `key` as the live key for its organization and provider, replacing (hard) the
    /// live record there, if any. The new record is enabled, of [`Unknown`] validity, with a
    /// fresh id and `created_at = updated_at = now`.
    ///
    /// # Errors
    ///
    /// [`ByokStoreError::NotFound`] from stores that know organizations (the SQL ones) when
    /// the organization does not exist.
    ///
    /// [`Unknown`]: crate::Validity::Unknown
    fn put(
        &self,
        key: NewByokKey,
        now: SystemTime,
    ) -> impl Future<Output = ByokStoreResult<ByokRecord>> + Send;

    /// The record with `id`, live or deleted (until purged).
    fn get(
        &self,
        id: ByokKeyId,
    ) -> impl Future<Output = ByokStoreResult<Option<ByokRecord>>> + Send;

    /// The live record for `organization` and `provider`, enabled or not, valid or not: check
    /// [`ByokRecord::is_usable`] before using it.
    fn live(
        &self,
        organization: OrgId,
        provider: Provider,
    ) -> impl Future<Output = ByokStoreResult<Option<ByokRecord>>> + Send;

    /// The organization's records passing `filter`, masked (no sealed bytes), oldest first
    /// (then by id). Deleted records carry their deletion time.
    fn list(
        &self,
        organization: OrgId,
        filter: ListFilter,
    ) -> impl Future<Output = ByokStoreResult<Vec<ByokSummary>>> + Send;

    /// Enables or disables a live record; returns it.
    ///
    /// # Errors
    ///
    /// [`ByokStoreError::NotFound`] for an unknown or deleted record.
    fn set_enabled(
        &self,
        id: ByokKeyId,
        enabled: bool,
        now: SystemTime,
    ) -> impl Future<Output = ByokStoreResult<ByokRecord>> + Send;

    /// Marks a live record [`Valid`](crate::Validity::Valid), checked at `now`; returns it.
    ///
    /// # Errors
    ///
    /// [`ByokStoreError::NotFound`] for an unknown or deleted record (a key replaced or
    /// deleted while it was being checked: the caller may ignore it).
    fn mark_valid(
        &self,
        id: ByokKeyId,
        now: SystemTime,
    ) -> impl Future<Output = ByokStoreResult<ByokRecord>> + Send;

    /// Marks a live record [`Invalid`](crate::Validity::Invalid) since `now`, or keeps the
    /// earlier time if it already is; returns it.
    ///
    /// # Errors
    ///
    /// As [`mark_valid`](Self::mark_valid).
    fn mark_invalid(
        &self,
        id: ByokKeyId,
        now: SystemTime,
    ) -> impl Future<Output = ByokStoreResult<ByokRecord>> + Send;

    /// Soft-deletes a record at `now` (deleting a deleted record keeps the first time);
    /// returns it.
    ///
    /// # Errors
    ///
    /// [`ByokStoreError::NotFound`] for an unknown (or purged) record.
    fn delete(
        &self,
        id: ByokKeyId,
        now: SystemTime,
    ) -> impl Future<Output = ByokStoreResult<ByokRecord>> + Send;

    /// Brings a soft-deleted record back as the live key for its provider, with its enabled
    /// flag and validity as they were; restoring a live record changes nothing. Returns it.
    ///
    /// # Errors
    ///
    /// [`ByokStoreError::NotFound`] for an unknown (or purged) record;
    /// [`ByokStoreError::Expired`] if it was deleted more than
    /// [`RETENTION`](crate::RETENTION) before `now`; [`ByokStoreError::Conflict`] if another
    /// key was set for the provider meanwhile (delete that one first).
    fn restore(
        &self,
        id: ByokKeyId,
        now: SystemTime,
    ) -> impl Future<Output = ByokStoreResult<ByokRecord>> + Send;

    /// Removes every record deleted more than [`RETENTION`](crate::RETENTION) before `now`;
    /// returns how many.
    fn purge(&self, now: SystemTime) -> impl Future<Output = ByokStoreResult<u64>> + Send;

    /// Up to `limit` records (deleted ones included) sealed under `version`, oldest first:
    /// the work list of a re-encrypt, which re-seals them and asks again until none is left.
    fn sealed_with(
        &self,
        version: MasterKeyVersion,
        limit: usize,
    ) -> impl Future<Output = ByokStoreResult<Vec<ByokRecord>>> + Send;

    /// Replaces the sealed key of record `id` with `sealed` if it is still sealed under
    /// `expected` (compare-and-set); returns the record.
    ///
    /// # Errors
    ///
    /// [`ByokStoreError::NotFound`] for an unknown record (replaced or purged meanwhile);
    /// [`ByokStoreError::Stale`] if it is sealed under another version now.
    fn reseal(
        &self,
        id: ByokKeyId,
        expected: MasterKeyVersion,
        sealed: Sealed,
        now: SystemTime,
    ) -> impl Future<Output = ByokStoreResult<ByokRecord>> + Send;
}
