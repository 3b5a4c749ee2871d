//! [`ByokStoreError`]: why a BYOK store operation failed.

use std::time::SystemTime;

use crate::MasterKeyVersion;

/// Why a [`ByokStore`](crate::ByokStore) operation failed. Never carries key material: sealed
/// bytes and display prefixes stay out of every message.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ByokStoreError {
    /// The record (or, for SQL stores, the organization) does not exist, or is not in the state
    /// the operation needs (enabling or marking a soft-deleted record).
    #[error("{0} not found")]
    NotFound(&'static str),
    /// A uniqueness rule would break: restoring a record while another key is live for the
    /// same organization and provider.
    #[error("{0} already exists")]
    Conflict(&'static str),
    /// The record was deleted more than [`RETENTION`](crate::RETENTION) ago and can no longer
    /// be restored; the next purge removes it.
    #[error("deleted more than 90 days ago, no longer recoverable")]
    Expired {
        /// When it was deleted.
        deleted_at: SystemTime,
    },
    /// A compare-and-set re-seal found the record under another master-key version than
    /// expected: someone re-sealed it first.
    #[error("sealed under {actual}, not the expected {expected}")]
    Stale {
        /// The version the caller read.
        expected: MasterKeyVersion,
        /// The version stored now.
        actual: MasterKeyVersion,
    },
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

/// `Result` with [`ByokStoreError`].
pub type ByokStoreResult<T> = Result<T, ByokStoreError>;

/// The composition crate's store errors (from its column helpers and its SQLite hook) keep
/// their meaning.
impl From<layer_auth::StoreError> for ByokStoreError {
    fn from(error: layer_auth::StoreError) -> Self {
        use layer_auth::StoreError as E;
        match error {
            E::NotFound(what) => Self::NotFound(what),
            E::Conflict(what) => Self::Conflict(what),
            E::Corrupt { what, reason } => Self::Corrupt { what, reason },
            E::Backend(source) => Self::Backend(source),
            other => Self::Backend(Box::new(other)),
        }
    }
}
