//! The flips an instance made recently, kept to replay them onto views loaded before them.

use std::{
    collections::VecDeque,
    time::{Duration, Instant},
};

use crate::{Change, SwitchSet};

/// A change applied through [`KillSwitch::apply`](crate::KillSwitch::apply), with its
/// sequence number and time.
#[derive(Clone, Copy, Debug)]
struct Entry {
    seq: u64,
    at: Instant,
    change: Change,
}

/// The changes applied on this instance that a refresh in flight may not have seen.
///
/// Every change gets the next sequence number; a refresh remembers the number current when
/// its load began, and on completion replays the changes numbered after it. An entry is
/// dropped once a refresh that began after it has been published (the store has had its say),
/// or once it is older than the staleness bound (a load that began before it would be
/// refused as expired anyway). So the journal holds at most the flips of one staleness bound.
#[derive(Debug, Default)]
pub(crate) struct Journal {
    entries: VecDeque<Entry>,
    /// The sequence number of the last change recorded.
    seq: u64,
    /// The sequence number at which the published view's load began.
    published: u64,
}

impl Journal {
    /// The sequence number of the last change recorded.
    pub(crate) fn seq(&self) -> u64 {
        self.seq
    }

    /// The sequence number at which the published view's load began.
    pub(crate) fn published(&self) -> u64 {
        self.published
    }

    /// Records a change made at `at`.
    pub(crate) fn record(&mut self, change: Change, at: Instant) {
        self.seq += 1;
        self.entries.push_back(Entry {
            seq: self.seq,
            at,
            change,
        });
    }

    /// Applies to `set` every change recorded after `seq`, in order.
    pub(crate) fn replay_after(&self, seq: u64, set: &mut SwitchSet) {
        for entry in self.entries.iter().filter(|entry| entry.seq > seq) {
            set.apply(entry.change);
        }
    }

    /// Notes that the view published now was loaded from `seq` on.
    pub(crate) fn mark_published(&mut self, seq: u64) {
        self.published = self.published.max(seq);
    }

    /// Drops the entries no refresh can need any more (see the type's docs).
    pub(crate) fn prune(&mut self, now: Instant, bound: Duration) {
        let published = self.published;
        self.entries.retain(|entry| {
            entry.seq > published && now.saturating_duration_since(entry.at) <= bound
        });
    }

    /// How many entries are kept.
    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        self.entries.len()
    }
}

#[cfg(test)]
mod tests {
    use uuid::Uuid;

    use super::*;
    use crate::{KeyRecordId, Target};

    fn key(n: u128) -> Target {
        Target::Key(KeyRecordId::from(Uuid::from_u128(n)))
    }

    #[test]
    fn replays_only_later_changes_in_order() {
        let now = Instant::now();
        let mut journal = Journal::default();
        journal.record(Change::Kill(key(1)), now);
        let seq = journal.seq();
        journal.record(Change::Kill(key(2)), now);
        journal.record(Change::Clear(key(2)), now);
        journal.record(Change::Kill(key(3)), now);

        let mut set = SwitchSet::new();
        journal.replay_after(seq, &mut set);
        assert_eq!(set, SwitchSet::from_iter([key(3)]));
    }

    #[test]
    fn prunes_published_and_old_entries() {
        let start = Instant::now();
        let bound = Duration::from_secs(60);
        let mut journal = Journal::default();
        journal.record(Change::Kill(key(1)), start);
        journal.record(Change::Kill(key(2)), start + Duration::from_secs(30));
        journal.record(Change::Kill(key(3)), start + Duration::from_secs(40));

        journal.prune(start + Duration::from_secs(60), bound);
        assert_eq!(journal.len(), 3);
        journal.prune(start + Duration::from_secs(61), bound);
        assert_eq!(journal.len(), 2);
        journal.mark_published(2);
        journal.mark_published(1);
        assert_eq!(journal.published(), 2);
        journal.prune(start + Duration::from_secs(61), bound);
        assert_eq!(journal.len(), 1);
    }
}
