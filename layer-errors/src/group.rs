//! Who has to act when an error happens.

use std::fmt;

/// The group an [`ErrorCode`](crate::ErrorCode) belongs to: whose move it is.
///
/// | group | meaning |
/// |---|---|
/// | [`CallerBug`](Self::CallerBug) | the request is wrong; the same request fails again |
/// | [`PolicyGate`](Self::PolicyGate) | a plan or a switch stops the caller; a human must act |
/// | [`Transient`](Self::Transient) | the same request may succeed later |
/// | [`Upstream`](Self::Upstream) | a platform behind the API failed |
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorGroup {
    /// The caller sent something that cannot succeed as sent.
    CallerBug,
    /// A policy (billing plan, kill switch) stops the caller until a human changes it.
    PolicyGate,
    /// A passing condition (rate limit, internal fault); retrying may succeed.
    Transient,
    /// An upstream platform failed; whether a retry helps depends on the platform.
    Upstream,
}

impl ErrorGroup {
    /// The group's name in `snake_case`, for logs and metrics labels.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::CallerBug => "caller_bug",
            Self::PolicyGate => "policy_gate",
            Self::Transient => "transient",
            Self::Upstream => "upstream",
        }
    }
}

impl fmt::Display for ErrorGroup {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_matches_as_str() {
        for group in [
            ErrorGroup::CallerBug,
            ErrorGroup::PolicyGate,
            ErrorGroup::Transient,
            ErrorGroup::Upstream,
        ] {
            assert_eq!(group.to_string(), group.as_str());
        }
        assert_eq!(ErrorGroup::PolicyGate.as_str(), "policy_gate");
    }
}
