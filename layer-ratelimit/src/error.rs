//! The crate's error type.
//!
//! Being refused by a limit is not an error: it is a [`Decision`](crate::Decision) whose
//! [`is_allowed`](crate::Decision::is_allowed) is `false`. Errors here are about malformed
//! input, such as a tier name that cannot be a header value.

/// Everything that can go wrong when building rate-limit values from untrusted input.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A tier name that is empty, too long, or uses characters outside `a-z 0-9 - _`.
    #[error("invalid tier name")]
    InvalidTierName,
    /// A custom tier name that is one of the built-in tier names.
    #[error("tier name is reserved for a built-in tier")]
    ReservedTierName,
    /// A string that is not `read-light`, `write-light` or `long-running`.
    #[error("unknown endpoint class")]
    UnknownEndpointClass,
}

/// The crate's result type.
pub type Result<T> = core::result::Result<T, Error>;
