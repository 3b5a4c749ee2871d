//! [`Change`]: an administrative change, as one instance tells the others.

use std::{fmt, str::FromStr};

use crate::{KeyRecordId, OrgId};

/// A change made through one [`Authenticator`](crate::Authenticator) that every other
/// instance must apply at once: what a propagation channel (Redis pub/sub, say) carries.
///
/// The store of record is written first; the change only tells other instances to update
/// their kill-switch view and drop cached records, so a lost message costs freshness (until
/// the next full refresh), never correctness of the store.
///
/// Text form (for pub/sub payloads), strict both ways: `kill-key <uuid>`, `unkill-key <uuid>`,
/// `revoke-key <uuid>`, `revoke-org <uuid>`, `restore-org <uuid>`, `global-on`, `global-off`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Change {
    /// A key's kill switch was set (`true`) or cleared.
    KeyKilled {
        /// The key record.
        key: KeyRecordId,
        /// The new state.
        killed: bool,
    },
    /// A key was revoked.
    KeyRevoked {
        /// The key record.
        key: KeyRecordId,
    },
    /// An organization's `api_access_revoked` was set or cleared.
    OrgAccessRevoked {
        /// The organization.
        org: OrgId,
        /// The new state.
        revoked: bool,
    },
    /// The global kill switch was flipped.
    Global {
        /// The new state.
        on: bool,
    },
}

impl fmt::Display for Change {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::KeyKilled { key, killed: true } => write!(f, "kill-key {key}"),
            Self::KeyKilled { key, killed: false } => write!(f, "unkill-key {key}"),
            Self::KeyRevoked { key } => write!(f, "revoke-key {key}"),
            Self::OrgAccessRevoked { org, revoked: true } => write!(f, "revoke-org {org}"),
            Self::OrgAccessRevoked {
                org,
                revoked: false,
            } => write!(f, "restore-org {org}"),
            Self::Global { on: true } => f.write_str("global-on"),
            Self::Global { on: false } => f.write_str("global-off"),
        }
    }
}

/// The text is not a [`Change`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("not a change: expected `<verb> <uuid>` or `global-on` / `global-off`")]
pub struct ChangeParseError;

impl FromStr for Change {
    type Err = ChangeParseError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "global-on" => return Ok(Self::Global { on: true }),
            "global-off" => return Ok(Self::Global { on: false }),
            _ => {}
        }
        let (verb, id) = s.split_once(' ').ok_or(ChangeParseError)?;
        let key = || id.parse::<KeyRecordId>().map_err(|_| ChangeParseError);
        let org = || id.parse::<OrgId>().map_err(|_| ChangeParseError);
        Ok(match verb {
            "kill-key" => Self::KeyKilled {
                key: key()?,
                killed: true,
            },
            "unkill-key" => Self::KeyKilled {
                key: key()?,
                killed: false,
            },
            "revoke-key" => Self::KeyRevoked { key: key()? },
            "revoke-org" => Self::OrgAccessRevoked {
                org: org()?,
                revoked: true,
            },
            "restore-org" => Self::OrgAccessRevoked {
                org: org()?,
                revoked: false,
            },
            _ => return Err(ChangeParseError),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_round_trips_and_is_strict() {
        let key = KeyRecordId::new_random();
        let org = OrgId::new_random();
        for change in [
            Change::KeyKilled { key, killed: true },
            Change::KeyKilled { key, killed: false },
            Change::KeyRevoked { key },
            Change::OrgAccessRevoked { org, revoked: true },
            Change::OrgAccessRevoked {
                org,
                revoked: false,
            },
            Change::Global { on: true },
            Change::Global { on: false },
        ] {
            assert_eq!(change.to_string().parse::<Change>(), Ok(change));
        }
        for bad in [
            "",
            "global",
            "kill-key",
            "kill-key nope",
            "KILL-KEY x",
            "global-on ",
            "revoke-key  x",
        ] {
            assert_eq!(bad.parse::<Change>(), Err(ChangeParseError), "{bad:?}");
        }
    }
}
