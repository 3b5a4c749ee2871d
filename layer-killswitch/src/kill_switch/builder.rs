//! Configuring a [`KillSwitch`]: staleness bound, stale policy, clock.

use std::time::Duration;

use crate::{Clock, KillSwitch, MonotonicClock, SwitchSet};

/// What checks answer once an instance's view is older than its staleness bound.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum StalePolicy {
    /// Refuse every request with [`Verdict::FailedClosed`](crate::Verdict::FailedClosed)
    /// (`503 KILL_SWITCH`, scope `global`): a switch flipped elsewhere is never missed. SPEC 4's
    /// default.
    #[default]
    FailClosed,
    /// Answer from the old view, marking every verdict `stale: true`: availability over
    /// a flip this instance may have missed.
    FailOpen,
}

/// Builds a [`KillSwitch`]; from [`KillSwitch::builder`].
#[derive(Debug)]
#[must_use]
pub struct Builder<C = MonotonicClock> {
    pub(super) clock: C,
    pub(super) stale_after: Duration,
    pub(super) policy: StalePolicy,
}

impl Builder {
    pub(super) fn new() -> Self {
        Self {
            clock: MonotonicClock,
            stale_after: KillSwitch::DEFAULT_STALE_AFTER,
            policy: StalePolicy::FailClosed,
        }
    }
}

impl<C: Clock> Builder<C> {
    /// How old the view may get before checks fail closed (or open). Default
    /// [`KillSwitch::DEFAULT_STALE_AFTER`], one minute.
    pub fn stale_after(mut self, bound: Duration) -> Self {
        self.stale_after = bound;
        self
    }

    /// What checks answer past the bound. Default [`StalePolicy::FailClosed`].
    pub fn on_stale(mut self, policy: StalePolicy) -> Self {
        self.policy = policy;
        self
    }

    /// The time source for refresh timestamps and staleness, e.g. a
    /// [`FakeClock`](crate::FakeClock) in tests.
    pub fn clock<D: Clock>(self, clock: D) -> Builder<D> {
        Builder {
            clock,
            stale_after: self.stale_after,
            policy: self.policy,
        }
    }

    /// A kill switch whose view is `initial`, fresh as of now: for an instance that loaded its
    /// switches before serving (its first [`refresh`](KillSwitch::refresh) is the usual way to
    /// get `initial`, or build unloaded and refresh).
    #[must_use]
    pub fn build(self, initial: SwitchSet) -> KillSwitch<C> {
        let now = self.clock.now();
        KillSwitch::with_view(self, initial, Some(now))
    }

    /// A kill switch that has never loaded: it counts as stale, so it fails closed (or open,
    /// with every switch off) until its first successful refresh.
    #[must_use]
    pub fn build_unloaded(self) -> KillSwitch<C> {
        KillSwitch::with_view(self, SwitchSet::new(), None)
    }
}
