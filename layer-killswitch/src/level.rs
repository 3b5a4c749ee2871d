//! The three levels a switch can sit at.

use std::fmt;

/// Where a kill switch sits, and so how much it stops (SPEC 4). Sent as `details.scope` of a
/// `503 KILL_SWITCH`.
///
/// Levels are checked in the order of the variants: global, then organization, then key.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[non_exhaustive]
pub enum Level {
    /// `"global"`: the platform-wide switch for incident response; stops every request.
    Global,
    /// `"org"`: the organization's API access is revoked; stops every key of it.
    Org,
    /// `"key"`: this key's switch is on; it can be switched off again.
    Key,
}

impl Level {
    /// The level as sent in `details.scope`.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Global => "global",
            Self::Org => "org",
            Self::Key => "key",
        }
    }
}

impl fmt::Display for Level {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wire_names_and_order() {
        assert_eq!(Level::Global.to_string(), "global");
        assert_eq!(Level::Org.to_string(), "org");
        assert_eq!(Level::Key.to_string(), "key");
        assert!(Level::Global < Level::Org && Level::Org < Level::Key);
    }
}
