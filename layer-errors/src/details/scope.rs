//! What a kill switch covers.

use std::fmt;

/// How much a `KILL_SWITCH` stops, sent as `details.scope`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
#[non_exhaustive]
pub enum KillSwitchScope {
    /// `"key"`: this key's switch is on; it can be switched off again.
    Key,
    /// `"org"`: the organization's API access is revoked; every key of it stops.
    Org,
    /// `"global"`: the platform-wide switch for incident response.
    Global,
}

impl KillSwitchScope {
    /// The scope as sent on the wire.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Key => "key",
            Self::Org => "org",
            Self::Global => "global",
        }
    }
}

impl fmt::Display for KillSwitchScope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serde_matches_as_str() {
        for scope in [
            KillSwitchScope::Key,
            KillSwitchScope::Org,
            KillSwitchScope::Global,
        ] {
            let json = serde_json::to_string(&scope).unwrap();
            assert_eq!(json, format!("\"{scope}\""));
            assert_eq!(
                serde_json::from_str::<KillSwitchScope>(&json).unwrap(),
                scope
            );
        }
        assert!(serde_json::from_str::<KillSwitchScope>("\"Key\"").is_err());
    }
}
