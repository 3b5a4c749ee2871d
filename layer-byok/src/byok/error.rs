//! [`ByokError`]: why a facade operation failed.

use crate::{ByokStoreError, OrgId, Provider, VaultError};

/// Why a [`Byok`](crate::Byok) operation failed. Never carries key material.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ByokError {
    /// The organization has no live key for the provider (none set, or deleted): nothing to
    /// test, enable, disable or delete.
    #[error("organization {org} has no {provider} key")]
    NotSet {
        /// The organization.
        org: OrgId,
        /// The provider.
        provider: Provider,
    },
    /// Resolution found neither a usable key of the organization nor a platform key.
    #[error(
        "no {provider} key for organization {org}: no usable key of its own and no platform key"
    )]
    NoKey {
        /// The organization.
        org: OrgId,
        /// The provider.
        provider: Provider,
    },
    /// The store failed, or refused the operation (an unknown record, a restore past
    /// retention or over a newer key).
    #[error(transparent)]
    Store(#[from] ByokStoreError),
    /// The vault could not seal the key, or (for [`Byok::test`](crate::Byok::test) and
    /// re-encryption) open it.
    #[error(transparent)]
    Vault(#[from] VaultError),
}

/// `Result` with [`ByokError`].
pub type ByokResult<T> = Result<T, ByokError>;
