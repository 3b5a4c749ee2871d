//! The decision a check returns.

use crate::Level;

/// What the kill switches say about a request: a normal value, never an error.
///
/// `stale` says the instance's view is older than its staleness bound and the instance is
/// configured to fail open, so the answer comes from a view that may miss recent flips. A view
/// past its bound on an instance that fails closed (the default) gives
/// [`Verdict::FailedClosed`] instead.
///
/// Every refusal maps to `503 KILL_SWITCH` with `details.scope` = [`Verdict::scope`]; with the
/// `errors` feature, [`Verdict::into_result`] builds that error.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[must_use]
#[non_exhaustive]
pub enum Verdict {
    /// No switch covers the request: go on with the next check.
    Allowed {
        /// The view is past its bound and this instance fails open.
        stale: bool,
    },
    /// A switch at `level` covers the request.
    Killed {
        /// The first level, in the order global, org, key, whose switch is on.
        level: Level,
        /// The view is past its bound and this instance fails open.
        stale: bool,
    },
    /// The view is older than its bound (or was never loaded) and this instance fails closed:
    /// the request is refused with scope `global`, whatever the view says.
    FailedClosed,
}

impl Verdict {
    /// Whether the request may go on.
    #[must_use]
    pub const fn is_allowed(self) -> bool {
        matches!(self, Self::Allowed { .. })
    }

    /// The scope of the refusal, `None` when allowed. [`Verdict::FailedClosed`] is
    /// [`Level::Global`]: the whole instance refuses.
    #[must_use]
    pub const fn scope(self) -> Option<Level> {
        match self {
            Self::Allowed { .. } => None,
            Self::Killed { level, .. } => Some(level),
            Self::FailedClosed => Some(Level::Global),
        }
    }

    /// Whether the view behind this decision is past its staleness bound (failing open or
    /// closed). Worth a log line or a metric: the instance cannot reach its store.
    #[must_use]
    pub const fn is_stale(self) -> bool {
        match self {
            Self::Allowed { stale } | Self::Killed { stale, .. } => stale,
            Self::FailedClosed => true,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accessors() {
        let allowed = Verdict::Allowed { stale: false };
        assert!(allowed.is_allowed() && allowed.scope().is_none() && !allowed.is_stale());

        let killed = Verdict::Killed {
            level: Level::Org,
            stale: true,
        };
        assert!(!killed.is_allowed() && killed.is_stale());
        assert_eq!(killed.scope(), Some(Level::Org));

        let closed = Verdict::FailedClosed;
        assert!(!closed.is_allowed() && closed.is_stale());
        assert_eq!(closed.scope(), Some(Level::Global));
    }
}
