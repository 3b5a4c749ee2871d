//! The crate's error type, gathering every failure it can report.

use crate::{
    EnvError, HashError, KeyHashError, KeyIdError, LegacyDigestError, ParseError, RandomError,
    ScopeError, VerifyError,
};

/// Any error from this crate.
///
/// Each operation returns its own precise error type; this enum exists so callers that mix
/// several can use `?` into one type.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A key did not parse.
    #[error(transparent)]
    Parse(#[from] ParseError),
    /// An env did not parse.
    #[error(transparent)]
    Env(#[from] EnvError),
    /// A key id did not parse.
    #[error(transparent)]
    KeyId(#[from] KeyIdError),
    /// A stored hash did not parse.
    #[error(transparent)]
    KeyHash(#[from] KeyHashError),
    /// A legacy digest did not parse.
    #[error(transparent)]
    LegacyDigest(#[from] LegacyDigestError),
    /// A scope did not parse.
    #[error(transparent)]
    Scope(#[from] ScopeError),
    /// Hashing failed.
    #[error(transparent)]
    Hash(#[from] HashError),
    /// Verification failed.
    #[error(transparent)]
    Verify(#[from] VerifyError),
    /// The OS random source failed.
    #[error(transparent)]
    Random(#[from] RandomError),
    /// No key could be read from request headers.
    #[cfg(feature = "http")]
    #[error(transparent)]
    Extract(#[from] crate::ExtractError),
}

/// `Result` with this crate's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;
