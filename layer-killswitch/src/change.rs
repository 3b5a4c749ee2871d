//! One switch, and one flip of it.

use crate::{KeyRecordId, Level, OrgId};

/// One switch: the global one, an organization's or a key's.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Target {
    /// The global switch.
    Global,
    /// An organization's switch (`api_access_revoked`).
    Org(OrgId),
    /// A key's switch (`kill_switch`).
    Key(KeyRecordId),
}

impl Target {
    /// The level this switch sits at.
    #[must_use]
    pub const fn level(self) -> Level {
        match self {
            Self::Global => Level::Global,
            Self::Org(_) => Level::Org,
            Self::Key(_) => Level::Key,
        }
    }
}

impl From<OrgId> for Target {
    fn from(org: OrgId) -> Self {
        Self::Org(org)
    }
}

impl From<KeyRecordId> for Target {
    fn from(key: KeyRecordId) -> Self {
        Self::Key(key)
    }
}

/// Turning one switch on or off.
///
/// Local flips, and later incremental updates pushed by a store (for example over Redis
/// pub/sub), are applied as `Change`s; a full view from a store is a
/// [`SwitchSet`](crate::SwitchSet).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Change {
    /// Turn the switch on: requests it covers get `503 KILL_SWITCH`.
    Kill(Target),
    /// Turn the switch off again.
    Clear(Target),
}

impl Change {
    /// The switch this change flips.
    #[must_use]
    pub const fn target(self) -> Target {
        match self {
            Self::Kill(target) | Self::Clear(target) => target,
        }
    }

    /// Whether the change turns the switch on.
    #[must_use]
    pub const fn is_kill(self) -> bool {
        matches!(self, Self::Kill(_))
    }
}

#[cfg(test)]
mod tests {
    use uuid::Uuid;

    use super::*;

    #[test]
    fn targets_know_their_level() {
        let org = OrgId::from(Uuid::from_u128(1));
        let key = KeyRecordId::from(Uuid::from_u128(2));
        assert_eq!(Target::Global.level(), Level::Global);
        assert_eq!(Target::from(org).level(), Level::Org);
        assert_eq!(Target::from(key).level(), Level::Key);
        assert_eq!(Change::Clear(key.into()).target(), Target::Key(key));
        assert!(Change::Kill(Target::Global).is_kill());
        assert!(!Change::Clear(Target::Global).is_kill());
    }
}
