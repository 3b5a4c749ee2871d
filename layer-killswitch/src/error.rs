//! The crate's error type: what can go wrong while refreshing a view. (A killed request is not
//! an error: it is a [`Verdict`](crate::Verdict).)

use std::error::Error as StdError;

/// A failed refresh. The instance keeps its previous view and that view's timestamp.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The source could not load the switches (store unreachable, query failed, …).
    #[error("kill-switch source failed to load")]
    Load(#[source] Box<dyn StdError + Send + Sync + 'static>),
    /// The load finished more than the staleness bound after it began, so its view was already
    /// stale on arrival and is dropped (flips made meanwhile may no longer be replayable on it).
    #[error("kill-switch load took longer than the staleness bound")]
    Expired,
}

impl Error {
    /// A [`Error::Load`] with this cause, for [`SwitchSource`](crate::SwitchSource)
    /// implementations.
    pub fn load(cause: impl Into<Box<dyn StdError + Send + Sync + 'static>>) -> Self {
        Self::Load(cause.into())
    }
}

/// `Result` with this crate's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn load_keeps_its_cause() {
        let error = Error::load("connection refused");
        assert_eq!(error.to_string(), "kill-switch source failed to load");
        assert_eq!(
            error.source().map(ToString::to_string).as_deref(),
            Some("connection refused")
        );
    }
}
