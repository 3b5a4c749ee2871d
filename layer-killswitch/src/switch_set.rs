//! Which switches are on: the whole state a store holds and an instance checks against.

use std::{collections::HashSet, fmt, sync::Arc};

use foldhash::fast::RandomState;

use crate::{Change, KeyRecordId, Level, OrgId, Target};

/// Killed ids are hashed with foldhash: several times faster than SipHash on 16 bytes.
/// Flooding resistance is not needed: ids are record UUIDs that operators choose to kill, not
/// values a caller controls, and a probe for an absent id costs the same as for a present one.
type IdSet<T> = HashSet<T, RandomState>;

/// The state of every switch: the global one, and the organizations and keys that are killed.
///
/// This is what a [`SwitchSource`](crate::SwitchSource) loads and what a
/// [`KillSwitch`](crate::KillSwitch) publishes as its immutable snapshot.
///
/// # Costs
///
/// Cloning is cheap (two reference counts): the organization and key sets are shared until
/// one is changed, and a change copies only the set it touches. So flipping a key when a
/// million keys are killed copies the million-entry key set once (a few tens of MB of
/// `memcpy`, milliseconds); flipping an organization or the global switch does not touch it.
/// A million killed keys take about 34 MB.
#[derive(Clone, Default)]
pub struct SwitchSet {
    global: bool,
    orgs: Arc<IdSet<OrgId>>,
    keys: Arc<IdSet<KeyRecordId>>,
}

impl SwitchSet {
    /// Every switch off.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// Every switch off, with room for this many killed organizations and keys without
    /// reallocating: for a store that knows its row counts.
    #[must_use]
    pub fn with_capacity(orgs: usize, keys: usize) -> Self {
        Self {
            global: false,
            orgs: Arc::new(IdSet::with_capacity_and_hasher(
                orgs,
                RandomState::default(),
            )),
            keys: Arc::new(IdSet::with_capacity_and_hasher(
                keys,
                RandomState::default(),
            )),
        }
    }

    /// The first level, in the order global, org, key, whose switch covers a request by `key`
    /// of `org`; `None` when none does.
    #[inline]
    #[must_use]
    pub fn check(&self, org: OrgId, key: KeyRecordId) -> Option<Level> {
        if self.global {
            Some(Level::Global)
        } else if self.orgs.contains(&org) {
            Some(Level::Org)
        } else if self.keys.contains(&key) {
            Some(Level::Key)
        } else {
            None
        }
    }

    /// Whether this switch is on.
    #[must_use]
    pub fn is_killed(&self, target: Target) -> bool {
        match target {
            Target::Global => self.global,
            Target::Org(org) => self.orgs.contains(&org),
            Target::Key(key) => self.keys.contains(&key),
        }
    }

    /// Whether the global switch is on.
    #[inline]
    #[must_use]
    pub fn is_global_killed(&self) -> bool {
        self.global
    }

    /// Turns a switch on; `true` if it was off.
    pub fn kill(&mut self, target: Target) -> bool {
        self.apply(Change::Kill(target))
    }

    /// Turns a switch off; `true` if it was on.
    pub fn clear(&mut self, target: Target) -> bool {
        self.apply(Change::Clear(target))
    }

    /// Applies one change; `true` if it changed anything. Only the set it touches is copied,
    /// and only if it is shared and the change is not a no-op.
    pub fn apply(&mut self, change: Change) -> bool {
        if self.is_killed(change.target()) == change.is_kill() {
            return false;
        }
        match change {
            Change::Kill(Target::Global) => self.global = true,
            Change::Clear(Target::Global) => self.global = false,
            Change::Kill(Target::Org(org)) => _ = Arc::make_mut(&mut self.orgs).insert(org),
            Change::Clear(Target::Org(org)) => _ = Arc::make_mut(&mut self.orgs).remove(&org),
            Change::Kill(Target::Key(key)) => _ = Arc::make_mut(&mut self.keys).insert(key),
            Change::Clear(Target::Key(key)) => _ = Arc::make_mut(&mut self.keys).remove(&key),
        }
        true
    }

    /// The killed organizations, in no particular order.
    pub fn killed_orgs(&self) -> impl ExactSizeIterator<Item = OrgId> + '_ {
        self.orgs.iter().copied()
    }

    /// The killed keys, in no particular order.
    pub fn killed_keys(&self) -> impl ExactSizeIterator<Item = KeyRecordId> + '_ {
        self.keys.iter().copied()
    }
}

/// The set where exactly these switches are on: what a store builds from its rows.
impl FromIterator<Target> for SwitchSet {
    fn from_iter<I: IntoIterator<Item = Target>>(targets: I) -> Self {
        let mut set = Self::new();
        set.extend(targets.into_iter().map(Change::Kill));
        set
    }
}

/// Applies the changes in order.
impl Extend<Change> for SwitchSet {
    fn extend<I: IntoIterator<Item = Change>>(&mut self, changes: I) {
        for change in changes {
            self.apply(change);
        }
    }
}

impl PartialEq for SwitchSet {
    fn eq(&self, other: &Self) -> bool {
        self.global == other.global && self.orgs == other.orgs && self.keys == other.keys
    }
}

impl Eq for SwitchSet {}

/// Counts only: a set can hold a million ids.
impl fmt::Debug for SwitchSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SwitchSet")
            .field("global", &self.global)
            .field("killed_orgs", &self.orgs.len())
            .field("killed_keys", &self.keys.len())
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use uuid::Uuid;

    use super::*;

    fn org(n: u128) -> OrgId {
        OrgId::from(Uuid::from_u128(n))
    }

    fn key(n: u128) -> KeyRecordId {
        KeyRecordId::from(Uuid::from_u128(n))
    }

    #[test]
    fn kill_and_clear_report_changes() {
        let mut set = SwitchSet::new();
        assert!(set.kill(Target::Key(key(1))));
        assert!(!set.kill(Target::Key(key(1))));
        assert!(set.clear(Target::Key(key(1))));
        assert!(!set.clear(Target::Key(key(1))));
        assert!(set.kill(Target::Global));
        assert!(!set.kill(Target::Global));
        assert!(set.clear(Target::Global));
        assert_eq!(set, SwitchSet::new());
    }

    #[test]
    fn check_follows_level_order() {
        let mut set = [Target::Key(key(1)), Target::Org(org(1))]
            .into_iter()
            .collect::<SwitchSet>();
        assert_eq!(set.check(org(1), key(1)), Some(Level::Org));
        assert_eq!(set.check(org(2), key(1)), Some(Level::Key));
        assert_eq!(set.check(org(2), key(2)), None);
        set.kill(Target::Global);
        assert_eq!(set.check(org(2), key(2)), Some(Level::Global));
        assert_eq!(set.check(org(1), key(1)), Some(Level::Global));
    }

    #[test]
    fn clones_are_independent() {
        let mut original = SwitchSet::from_iter([Target::Key(key(1))]);
        let snapshot = original.clone();
        original.kill(Target::Key(key(2)));
        original.clear(Target::Key(key(1)));
        assert!(snapshot.is_killed(Target::Key(key(1))));
        assert!(!snapshot.is_killed(Target::Key(key(2))));
        assert_eq!(snapshot.killed_keys().collect::<Vec<_>>(), [key(1)]);
        assert_eq!(original.killed_keys().collect::<Vec<_>>(), [key(2)]);
    }

    #[test]
    fn debug_prints_counts_not_ids() {
        let set = SwitchSet::from_iter([Target::Key(key(0xabcdef)), Target::Org(org(3))]);
        let debug = format!("{set:?}");
        assert_eq!(
            debug,
            "SwitchSet { global: false, killed_orgs: 1, killed_keys: 1 }"
        );
    }
}
