//! The crate's error type for administrative operations.

use layer_keys::{HashError, RandomError};

use crate::store::StoreError;

/// Why an administrative operation (creating a key, revoking, flipping a switch) or building
/// an authenticator failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The store failed or refused.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// Hashing a new key failed.
    #[error(transparent)]
    Hash(#[from] HashError),
    /// The OS random source failed.
    #[error(transparent)]
    Random(#[from] RandomError),
    /// The kill-switch view could not be refreshed.
    #[error(transparent)]
    Switches(#[from] layer_killswitch::Error),
}

/// `Result` with this crate's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;
