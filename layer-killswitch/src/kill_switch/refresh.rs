//! Replacing an instance's view with a full load from its store.

use std::{sync::Arc, time::Instant};

use super::{KillSwitch, View};
use crate::{Clock, Error, Result, SwitchSet, SwitchSource};

/// A refresh in flight, from [`KillSwitch::begin_refresh`]: remembers when its load began and
/// which local flips it may not have seen.
#[derive(Debug)]
#[must_use = "finish the refresh with `KillSwitch::complete_refresh`"]
pub struct RefreshTicket {
    seq: u64,
    started_at: Instant,
}

impl RefreshTicket {
    /// When the load began: the age of the view it brings counts from here.
    #[must_use]
    pub fn started_at(&self) -> Instant {
        self.started_at
    }
}

/// What a successful load did to the view.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Refreshed {
    /// The loaded switches (with later local flips replayed) are the view now, fresh as of
    /// the load's start.
    Published,
    /// A load that began later was published first; this older one was dropped.
    Superseded,
}

impl<C: Clock> KillSwitch<C> {
    /// Loads every switch from `source` and publishes them as the view.
    ///
    /// Equivalent to [`begin_refresh`](KillSwitch::begin_refresh), `source.load().await`,
    /// [`complete_refresh`](KillSwitch::complete_refresh). Drive it on an interval of a few
    /// seconds (well inside the staleness bound, so a few failures in a row are absorbed),
    /// with a timeout from your runtime around it.
    ///
    /// # Errors
    ///
    /// [`Error::Load`] from the source, or [`Error::Expired`] if the load took longer than the
    /// bound. Either way the old view and its timestamp stay, and staleness is judged.
    pub async fn refresh<S: SwitchSource>(&self, source: &S) -> Result<Refreshed> {
        let ticket = self.begin_refresh();
        let loaded = source.load().await;
        self.complete_refresh(ticket, loaded)
    }

    /// Starts a refresh by hand, for callers that load without a [`SwitchSource`]. Start the
    /// load after this returns, then pass its result to
    /// [`complete_refresh`](KillSwitch::complete_refresh).
    ///
    /// # Flips during a load
    ///
    /// The store is the source of truth, and local flips are written through to it by the
    /// caller. A load that began before a local flip may not contain it, so publishing it
    /// as-is could undo the flip (a key killed a moment ago would come back to life). The
    /// rule: every change applied through [`apply`](KillSwitch::apply) after a refresh began
    /// is replayed, in order, onto that refresh's load before it is published. A change made
    /// before the refresh began is not replayed: the store has had the chance to see it, and
    /// its answer wins.
    pub fn begin_refresh(&self) -> RefreshTicket {
        let journal = self.lock_journal();
        RefreshTicket {
            seq: journal.seq(),
            started_at: self.clock.now(),
        }
    }

    /// Finishes a refresh begun with [`begin_refresh`](KillSwitch::begin_refresh) with the
    /// result of its load.
    ///
    /// A ticket from another kill switch gives a meaningless (but memory-safe and panic-free)
    /// result.
    ///
    /// # Errors
    ///
    /// As [`refresh`](KillSwitch::refresh): `loaded`'s error, or [`Error::Expired`].
    pub fn complete_refresh(
        &self,
        ticket: RefreshTicket,
        loaded: Result<SwitchSet>,
    ) -> Result<Refreshed> {
        let now = self.clock.now();
        let mut journal = self.lock_journal();
        journal.prune(now, self.stale_after);
        let mut set = match loaded {
            Ok(set) if now.saturating_duration_since(ticket.started_at) <= self.stale_after => set,
            Ok(_) => {
                self.republish_mode(now);
                return Err(Error::Expired);
            }
            Err(error) => {
                self.republish_mode(now);
                return Err(error);
            }
        };
        let current = self.view.load_full();
        let older = ticket.seq < journal.published()
            || current
                .refreshed_at
                .is_some_and(|at| ticket.started_at < at);
        if older {
            self.republish_mode(now);
            return Ok(Refreshed::Superseded);
        }
        journal.replay_after(ticket.seq, &mut set);
        journal.mark_published(ticket.seq);
        journal.prune(now, self.stale_after);
        let refreshed_at = Some(ticket.started_at);
        self.view.store(Arc::new(View {
            set,
            mode: self.mode_at(refreshed_at, now),
            refreshed_at,
        }));
        Ok(Refreshed::Published)
    }
}
