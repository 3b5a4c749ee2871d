//! A random sequence of flips, clears, refreshes (with flips during the load) and clock
//! advances, checked after every step against a model built from `HashSet`s.

use std::{collections::HashSet, time::Duration};

use layer_killswitch::{
    Change, FakeClock, KeyRecordId, KillSwitch, Level, OrgId, StalePolicy, SwitchSet, Target,
    Verdict,
};
use proptest::prelude::*;
use uuid::Uuid;

const ORGS: u8 = 3;
const KEYS: u8 = 4;
const BOUND: Duration = Duration::from_secs(60);

fn org(n: u8) -> OrgId {
    OrgId::from(Uuid::from_u128(0x100 + u128::from(n)))
}

fn key(n: u8) -> KeyRecordId {
    KeyRecordId::from(Uuid::from_u128(0x200 + u128::from(n)))
}

#[derive(Clone, Copy, Debug)]
enum ModelTarget {
    Global,
    Org(u8),
    Key(u8),
}

impl ModelTarget {
    fn real(self) -> Target {
        match self {
            Self::Global => Target::Global,
            Self::Org(n) => Target::Org(org(n)),
            Self::Key(n) => Target::Key(key(n)),
        }
    }
}

#[derive(Clone, Copy, Debug)]
struct ModelChange {
    kill: bool,
    target: ModelTarget,
}

impl ModelChange {
    fn real(self) -> Change {
        if self.kill {
            Change::Kill(self.target.real())
        } else {
            Change::Clear(self.target.real())
        }
    }
}

#[derive(Clone, Debug)]
enum Op {
    Apply(Vec<ModelChange>),
    /// A refresh whose load returns these kills, with these flips made while it was loading.
    Refresh(Vec<ModelTarget>, Vec<ModelChange>),
    FailedRefresh,
    Advance(u64),
    Tick,
}

#[derive(Clone, Debug, Default)]
struct Model {
    global: bool,
    orgs: HashSet<u8>,
    keys: HashSet<u8>,
    /// Seconds since start when the view's load began.
    refreshed_at: u64,
    now: u64,
    /// Staleness as last judged (on every write).
    stale: bool,
}

impl Model {
    fn apply(&mut self, change: ModelChange) {
        match change.target {
            ModelTarget::Global => self.global = change.kill,
            ModelTarget::Org(n) if change.kill => _ = self.orgs.insert(n),
            ModelTarget::Org(n) => _ = self.orgs.remove(&n),
            ModelTarget::Key(n) if change.kill => _ = self.keys.insert(n),
            ModelTarget::Key(n) => _ = self.keys.remove(&n),
        }
    }

    fn judge(&mut self) {
        self.stale = Duration::from_secs(self.now - self.refreshed_at) > BOUND;
    }

    fn verdict(&self, policy: StalePolicy, o: u8, k: u8) -> Verdict {
        if self.stale && policy == StalePolicy::FailClosed {
            return Verdict::FailedClosed;
        }
        let level = if self.global {
            Some(Level::Global)
        } else if self.orgs.contains(&o) {
            Some(Level::Org)
        } else if self.keys.contains(&k) {
            Some(Level::Key)
        } else {
            None
        };
        match level {
            Some(level) => Verdict::Killed {
                level,
                stale: self.stale,
            },
            None => Verdict::Allowed { stale: self.stale },
        }
    }
}

fn target() -> impl Strategy<Value = ModelTarget> {
    prop_oneof![
        1 => Just(ModelTarget::Global),
        3 => (0..ORGS).prop_map(ModelTarget::Org),
        4 => (0..KEYS).prop_map(ModelTarget::Key),
    ]
}

fn change() -> impl Strategy<Value = ModelChange> {
    (any::<bool>(), target()).prop_map(|(kill, target)| ModelChange { kill, target })
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        6 => prop::collection::vec(change(), 1..4).prop_map(Op::Apply),
        2 => (prop::collection::vec(target(), 0..5), prop::collection::vec(change(), 0..3))
            .prop_map(|(loaded, during)| Op::Refresh(loaded, during)),
        1 => Just(Op::FailedRefresh),
        2 => (0u64..45).prop_map(Op::Advance),
        1 => Just(Op::Tick),
    ]
}

proptest! {
    #[test]
    fn decisions_match_the_model(
        fail_open in any::<bool>(),
        ops in prop::collection::vec(op(), 1..40),
    ) {
        let policy = if fail_open { StalePolicy::FailOpen } else { StalePolicy::FailClosed };
        let clock = FakeClock::new();
        let switches = KillSwitch::builder()
            .clock(clock.clone())
            .stale_after(BOUND)
            .on_stale(policy)
            .build(SwitchSet::new());
        let mut model = Model::default();

        for op in ops {
            match op {
                Op::Apply(changes) => {
                    switches.apply(changes.iter().map(|change| change.real()));
                    changes.into_iter().for_each(|change| model.apply(change));
                    model.judge();
                }
                Op::Refresh(loaded, during) => {
                    let ticket = switches.begin_refresh();
                    for change in &during {
                        switches.apply([change.real()]);
                    }
                    let set: SwitchSet = loaded.iter().map(|target| target.real()).collect();
                    switches.complete_refresh(ticket, Ok(set)).unwrap();
                    model.global = false;
                    model.orgs.clear();
                    model.keys.clear();
                    for target in loaded {
                        model.apply(ModelChange { kill: true, target });
                    }
                    during.into_iter().for_each(|change| model.apply(change));
                    model.refreshed_at = model.now;
                    model.judge();
                }
                Op::FailedRefresh => {
                    let ticket = switches.begin_refresh();
                    let failed = Err(layer_killswitch::Error::load("down"));
                    prop_assert!(switches.complete_refresh(ticket, failed).is_err());
                    model.judge();
                }
                Op::Advance(secs) => {
                    clock.advance(Duration::from_secs(secs));
                    model.now += secs;
                }
                Op::Tick => {
                    prop_assert_eq!(switches.tick(), model.now - model.refreshed_at > 60);
                    model.judge();
                }
            }
            for o in 0..=ORGS {
                for k in 0..=KEYS {
                    prop_assert_eq!(switches.check(org(o), key(k)), model.verdict(policy, o, k));
                }
            }
            let global = model.verdict(policy, ORGS, KEYS);
            let global = match global {
                Verdict::Killed { level: Level::Global, .. } | Verdict::FailedClosed => global,
                _ => Verdict::Allowed { stale: model.stale },
            };
            prop_assert_eq!(switches.check_global(), global);
        }
    }
}
