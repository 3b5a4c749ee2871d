//! The kill switches of one instance: lock-free checks against an immutable snapshot.

mod builder;
mod journal;
mod refresh;

use std::{
    fmt,
    sync::{Arc, Mutex, MutexGuard, PoisonError},
    time::{Duration, Instant},
};

use arc_swap::ArcSwap;

pub use self::builder::{Builder, StalePolicy};
use self::journal::Journal;
pub use self::refresh::{RefreshTicket, Refreshed};
use crate::{Change, Clock, KeyRecordId, MonotonicClock, OrgId, SwitchSet, Target, Verdict};

/// Whether the published view may be trusted, judged when it was published.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Mode {
    /// Within the staleness bound.
    Fresh,
    /// Past the bound; this instance fails open.
    StaleOpen,
    /// Past the bound (or never loaded); this instance fails closed.
    StaleClosed,
}

/// The immutable snapshot readers check against.
#[derive(Debug)]
struct View {
    set: SwitchSet,
    mode: Mode,
    /// When the load behind this view began; `None` if none has succeeded yet.
    refreshed_at: Option<Instant>,
}

impl View {
    #[inline]
    fn verdict(&self, org: OrgId, key: KeyRecordId) -> Verdict {
        let stale = match self.mode {
            Mode::Fresh => false,
            Mode::StaleOpen => true,
            Mode::StaleClosed => return Verdict::FailedClosed,
        };
        match self.set.check(org, key) {
            Some(level) => Verdict::Killed { level, stale },
            None => Verdict::Allowed { stale },
        }
    }

    #[inline]
    fn global_verdict(&self) -> Verdict {
        let stale = match self.mode {
            Mode::Fresh => false,
            Mode::StaleOpen => true,
            Mode::StaleClosed => return Verdict::FailedClosed,
        };
        if self.set.is_global_killed() {
            Verdict::Killed {
                level: crate::Level::Global,
                stale,
            }
        } else {
            Verdict::Allowed { stale }
        }
    }
}

/// The kill switches as one instance sees them (SPEC 4): global, per organization, per key.
///
/// # Reads
///
/// [`check`](KillSwitch::check) and [`check_global`](KillSwitch::check_global) load the
/// current snapshot through [`arc_swap`] (lock-free, no clock read) and probe at most two hash
/// sets, so they cost tens of nanoseconds whether none or a million keys are killed. Call
/// `check_global` before parsing a request and `check` right after the key record is looked
/// up, before any bcrypt work.
///
/// # Writes
///
/// [`apply`](KillSwitch::apply), [`kill`](KillSwitch::kill) and [`clear`](KillSwitch::clear)
/// publish a new snapshot before they return: a flip is effective at once on this instance,
/// for every thread. Writers serialize on a mutex that readers never touch; a batch of changes
/// is published as one snapshot, so no reader sees half of it. The caller (the composition
/// layer) writes the same flip through to the store, which stays the source of truth.
///
/// # Refreshes and staleness
///
/// [`refresh`](KillSwitch::refresh) replaces the view with a full load from a
/// [`SwitchSource`](crate::SwitchSource); the caller drives it on its own interval (every few
/// seconds is sensible). The view's age counts from the moment its load *began*. Staleness is
/// judged whenever the instance writes (a refresh, failed or not, a flip, a
/// [`tick`](KillSwitch::tick)) and recorded in the snapshot, so reads never read the clock:
/// once the view is older than the bound, checks fail closed ([`Verdict::FailedClosed`]) or,
/// if built with [`StalePolicy::FailOpen`], answer from the old view with `stale: true`.
/// Call `tick` on a timer that does not wait for loads, so a load that hangs still lets the
/// view go stale on time.
///
/// A refresh keeps local flips made while its load was in flight (see
/// [`begin_refresh`](KillSwitch::begin_refresh)); a failed refresh keeps the old view and its
/// old timestamp.
pub struct KillSwitch<C = MonotonicClock> {
    view: ArcSwap<View>,
    journal: Mutex<Journal>,
    clock: C,
    stale_after: Duration,
    policy: StalePolicy,
}

impl KillSwitch {
    /// The default staleness bound: SPEC 4's propagation bound, one minute. A view no older
    /// than this reflects every flip made more than a minute ago anywhere.
    pub const DEFAULT_STALE_AFTER: Duration = Duration::from_secs(60);

    /// A kill switch with the defaults (one-minute bound, fail closed, the real clock) whose
    /// view is `initial`, fresh as of now.
    #[must_use]
    pub fn new(initial: SwitchSet) -> Self {
        Self::builder().build(initial)
    }

    /// A builder, for the staleness bound, the stale policy or the clock.
    pub fn builder() -> Builder {
        Builder::new()
    }
}

impl<C: Clock> KillSwitch<C> {
    fn with_view(builder: Builder<C>, set: SwitchSet, refreshed_at: Option<Instant>) -> Self {
        let Builder {
            clock,
            stale_after,
            policy,
        } = builder;
        let kill_switch = Self {
            view: ArcSwap::from_pointee(View {
                set,
                mode: Mode::StaleClosed,
                refreshed_at,
            }),
            journal: Mutex::new(Journal::default()),
            clock,
            stale_after,
            policy,
        };
        let now = kill_switch.clock.now();
        kill_switch.republish_mode(now);
        kill_switch
    }

    /// The decision for a request by `key` of `org`: the first of the global, organization and
    /// key switches that is on, or [`Verdict::FailedClosed`] if the view is past its bound and
    /// this instance fails closed.
    #[inline]
    pub fn check(&self, org: OrgId, key: KeyRecordId) -> Verdict {
        self.view.load().verdict(org, key)
    }

    /// The decision from the global switch alone, for the first check of a request, before
    /// any parsing. Staleness applies as in [`check`](KillSwitch::check).
    #[inline]
    pub fn check_global(&self) -> Verdict {
        self.view.load().global_verdict()
    }

    /// Applies the changes in order and publishes the result as one snapshot before
    /// returning; `true` if anything changed. Also judges staleness.
    ///
    /// Every change is also kept for a refresh whose load is in flight, so that load cannot
    /// undo it, even a change that was a no-op here.
    pub fn apply(&self, changes: impl IntoIterator<Item = Change>) -> bool {
        let now = self.clock.now();
        let mut journal = self.lock_journal();
        let current = self.view.load_full();
        let mut set = current.set.clone();
        let mut changed = false;
        for change in changes {
            journal.record(change, now);
            changed |= set.apply(change);
        }
        journal.prune(now, self.stale_after);
        let mode = self.mode_at(current.refreshed_at, now);
        if changed || mode != current.mode {
            self.view.store(Arc::new(View {
                set,
                mode,
                refreshed_at: current.refreshed_at,
            }));
        }
        changed
    }

    /// Turns a switch on, at once on this instance; `true` if it was off.
    pub fn kill(&self, target: impl Into<Target>) -> bool {
        self.apply([Change::Kill(target.into())])
    }

    /// Turns a switch off, at once on this instance; `true` if it was on. Killed keys and
    /// organizations can be un-killed.
    pub fn clear(&self, target: impl Into<Target>) -> bool {
        self.apply([Change::Clear(target.into())])
    }

    /// Judges staleness now and publishes the result if it changed; returns whether the view
    /// is stale. Drive it on a timer independent of loads.
    pub fn tick(&self) -> bool {
        let now = self.clock.now();
        let mut journal = self.lock_journal();
        journal.prune(now, self.stale_after);
        self.republish_mode(now) != Mode::Fresh
    }

    /// A copy of the current switches (cheap: the sets are shared), for display or audit.
    #[must_use]
    pub fn snapshot(&self) -> SwitchSet {
        self.view.load().set.clone()
    }

    /// When the load behind the current view began; `None` before the first successful
    /// refresh of a kill switch built with [`Builder::build_unloaded`].
    #[must_use]
    pub fn last_refresh(&self) -> Option<Instant> {
        self.view.load().refreshed_at
    }

    /// Whether the view was past its bound when staleness was last judged.
    #[must_use]
    pub fn is_stale(&self) -> bool {
        self.view.load().mode != Mode::Fresh
    }

    /// The staleness bound.
    #[must_use]
    pub fn stale_after(&self) -> Duration {
        self.stale_after
    }

    /// What checks do once the view is past its bound.
    #[must_use]
    pub fn stale_policy(&self) -> StalePolicy {
        self.policy
    }

    fn mode_at(&self, refreshed_at: Option<Instant>, now: Instant) -> Mode {
        let fresh =
            refreshed_at.is_some_and(|at| now.saturating_duration_since(at) <= self.stale_after);
        match (fresh, self.policy) {
            (true, _) => Mode::Fresh,
            (false, StalePolicy::FailOpen) => Mode::StaleOpen,
            (false, StalePolicy::FailClosed) => Mode::StaleClosed,
        }
    }

    /// Re-judges the current view at `now` and publishes it if its mode changed. Call with the
    /// journal locked, so no writer publishes in between.
    fn republish_mode(&self, now: Instant) -> Mode {
        let current = self.view.load_full();
        let mode = self.mode_at(current.refreshed_at, now);
        if mode != current.mode {
            self.view.store(Arc::new(View {
                set: current.set.clone(),
                mode,
                refreshed_at: current.refreshed_at,
            }));
        }
        mode
    }

    /// The writers' lock. A panic while it was held cannot leave the journal inconsistent
    /// (every update is a single push, retain or assignment), so poisoning is ignored.
    fn lock_journal(&self) -> MutexGuard<'_, Journal> {
        self.journal.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl<C> fmt::Debug for KillSwitch<C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let view = self.view.load();
        f.debug_struct("KillSwitch")
            .field("switches", &view.set)
            .field("stale", &(view.mode != Mode::Fresh))
            .field("stale_after", &self.stale_after)
            .field("policy", &self.policy)
            .finish_non_exhaustive()
    }
}
