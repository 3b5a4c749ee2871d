//! The crate's own error type: what can go wrong when parsing the values it defines.

/// A value this crate parses was malformed.
///
/// Returned by [`RequestId`](crate::RequestId)'s and [`ErrorCode`](crate::ErrorCode)'s
/// `FromStr`. The messages never repeat the rejected input, so they are safe to log even when
/// the input came from an untrusted peer.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A request id was not exactly [`RequestId::LEN`](crate::RequestId::LEN) bytes long.
    #[error("request id must be 30 characters, got {0} bytes")]
    RequestIdLength(usize),
    /// A request id did not start with `req_`.
    #[error("request id must start with `req_`")]
    RequestIdPrefix,
    /// A request id held a byte outside upper-case Crockford base32; the index is into the
    /// whole string, prefix included.
    #[error("request id has a character outside upper-case crockford base32 at index {0}")]
    RequestIdCharacter(usize),
    /// A request id's first ULID character was above `7`, so its value overflows 128 bits.
    #[error("request id overflows 128 bits")]
    RequestIdOverflow,
    /// A string was not one of the codes in [`ErrorCode`](crate::ErrorCode).
    #[error("unknown error code")]
    UnknownCode,
}

/// `Result` with this crate's [`Error`] as the default error type.
pub type Result<T, E = Error> = std::result::Result<T, E>;
