//! The crate's error type.

/// Why a check could not be made. A refusal is never an error: it is a
/// [`Decision`](layer_ratelimit::Decision).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// Redis refused the command or the connection failed.
    #[error("redis error")]
    Redis(#[from] redis::RedisError),
    /// The check took longer than the configured timeout.
    #[error("redis check timed out")]
    Timeout,
    /// The script replied with something other than its eight integers.
    #[error("unexpected reply from the rate-limit script")]
    Reply,
    /// The limiter was built outside a Tokio runtime.
    #[error("no tokio runtime")]
    NoRuntime,
}

/// The crate's result type.
pub type Result<T> = core::result::Result<T, Error>;
