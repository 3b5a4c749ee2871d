//! The crate's error: what this crate rejects before it reaches PostgreSQL.
//!
//! Store operations themselves fail with [`layer_auth::StoreError`], like every other store.

/// Why a value given to this crate was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A schema name broke the rules of [`SchemaName`](crate::SchemaName).
    #[error("invalid schema name: {0}")]
    SchemaName(&'static str),
}

/// `Result` with [`Error`].
pub type Result<T> = std::result::Result<T, Error>;
