//! Each level kills, clearing un-kills, and the decision names the first level in the order
//! global, org, key.

use layer_killswitch::{Change, KeyRecordId, KillSwitch, Level, OrgId, SwitchSet, Target, Verdict};
use uuid::Uuid;

fn org(n: u128) -> OrgId {
    OrgId::from(Uuid::from_u128(0x0e00 + n))
}

fn key(n: u128) -> KeyRecordId {
    KeyRecordId::from(Uuid::from_u128(0x0f00 + n))
}

const ALLOWED: Verdict = Verdict::Allowed { stale: false };

fn killed(level: Level) -> Verdict {
    Verdict::Killed {
        level,
        stale: false,
    }
}

#[test]
fn key_switch_stops_only_that_key() {
    let switches = KillSwitch::new(SwitchSet::new());
    assert!(switches.kill(key(1)));
    assert_eq!(switches.check(org(1), key(1)), killed(Level::Key));
    assert_eq!(switches.check(org(2), key(1)), killed(Level::Key));
    assert_eq!(switches.check(org(1), key(2)), ALLOWED);
    assert_eq!(switches.check_global(), ALLOWED);

    assert!(switches.clear(key(1)));
    assert_eq!(switches.check(org(1), key(1)), ALLOWED);
    assert!(!switches.clear(key(1)), "clearing twice changes nothing");
}

#[test]
fn org_switch_stops_every_key_of_the_org() {
    let switches = KillSwitch::new(SwitchSet::new());
    assert!(switches.kill(org(1)));
    for n in 0..5 {
        assert_eq!(switches.check(org(1), key(n)), killed(Level::Org));
        assert_eq!(switches.check(org(2), key(n)), ALLOWED);
    }
    assert_eq!(switches.check_global(), ALLOWED);
    assert!(switches.clear(org(1)));
    assert_eq!(switches.check(org(1), key(0)), ALLOWED);
}

#[test]
fn global_switch_stops_everything() {
    let switches = KillSwitch::new(SwitchSet::new());
    assert!(switches.kill(Target::Global));
    assert_eq!(switches.check_global(), killed(Level::Global));
    assert_eq!(switches.check(org(1), key(1)), killed(Level::Global));
    assert!(switches.clear(Target::Global));
    assert_eq!(switches.check_global(), ALLOWED);
    assert_eq!(switches.check(org(1), key(1)), ALLOWED);
}

#[test]
fn global_precedes_org_precedes_key() {
    let switches = KillSwitch::new(SwitchSet::new());
    switches.kill(key(1));
    assert_eq!(switches.check(org(1), key(1)).scope(), Some(Level::Key));
    switches.kill(org(1));
    assert_eq!(switches.check(org(1), key(1)).scope(), Some(Level::Org));
    switches.kill(Target::Global);
    assert_eq!(switches.check(org(1), key(1)).scope(), Some(Level::Global));

    // Peeling them off again uncovers the next level down.
    switches.clear(Target::Global);
    assert_eq!(switches.check(org(1), key(1)).scope(), Some(Level::Org));
    switches.clear(org(1));
    assert_eq!(switches.check(org(1), key(1)).scope(), Some(Level::Key));
}

#[test]
fn a_batch_applies_in_order() {
    let switches = KillSwitch::new(SwitchSet::new());
    let changed = switches.apply([
        Change::Kill(Target::Key(key(1))),
        Change::Kill(Target::Org(org(1))),
        Change::Clear(Target::Key(key(1))),
    ]);
    assert!(changed);
    assert_eq!(switches.check(org(2), key(1)), ALLOWED);
    assert_eq!(switches.check(org(1), key(2)), killed(Level::Org));
    assert!(!switches.apply([Change::Kill(Target::Org(org(1)))]));
}

#[test]
fn initial_view_is_checked_and_snapshot_reflects_flips() {
    let initial: SwitchSet = [Target::Org(org(7)), Target::Key(key(7))]
        .into_iter()
        .collect();
    let switches = KillSwitch::new(initial.clone());
    assert_eq!(switches.snapshot(), initial);
    assert_eq!(switches.check(org(7), key(1)), killed(Level::Org));
    assert_eq!(switches.check(org(1), key(7)), killed(Level::Key));

    switches.clear(key(7));
    let snapshot = switches.snapshot();
    assert!(snapshot.is_killed(Target::Org(org(7))));
    assert!(!snapshot.is_killed(Target::Key(key(7))));
    assert_eq!(snapshot.killed_orgs().collect::<Vec<_>>(), [org(7)]);
    assert_eq!(snapshot.killed_keys().len(), 0);
}
