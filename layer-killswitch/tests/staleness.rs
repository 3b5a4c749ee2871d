//! Past the staleness bound a view fails closed by default and open when configured; time
//! comes from a fake clock.

use std::time::Duration;

use layer_killswitch::{
    Error, FakeClock, KeyRecordId, KillSwitch, Level, OrgId, StalePolicy, SwitchSet, Target,
    Verdict,
};
use uuid::Uuid;

const BOUND: Duration = Duration::from_secs(60);

fn ids() -> (OrgId, KeyRecordId) {
    (
        OrgId::from(Uuid::from_u128(1)),
        KeyRecordId::from(Uuid::from_u128(2)),
    )
}

fn killed_key() -> SwitchSet {
    [Target::Key(ids().1)].into_iter().collect()
}

#[test]
fn default_bound_is_one_minute_failing_closed() {
    let switches = KillSwitch::new(SwitchSet::new());
    assert_eq!(switches.stale_after(), Duration::from_secs(60));
    assert_eq!(switches.stale_policy(), StalePolicy::FailClosed);
    assert!(!switches.is_stale());
}

#[test]
fn fails_closed_past_the_bound_by_default() {
    let clock = FakeClock::new();
    let switches = KillSwitch::builder()
        .clock(clock.clone())
        .build(SwitchSet::new());
    let (org, key) = ids();

    clock.advance(BOUND);
    assert!(!switches.tick(), "exactly at the bound is still fresh");
    assert_eq!(switches.check(org, key), Verdict::Allowed { stale: false });

    clock.advance(Duration::from_millis(1));
    assert!(switches.tick());
    assert!(switches.is_stale());
    assert_eq!(switches.check(org, key), Verdict::FailedClosed);
    assert_eq!(switches.check_global(), Verdict::FailedClosed);
    assert_eq!(switches.check(org, key).scope(), Some(Level::Global));
    assert!(switches.check(org, key).is_stale());
}

#[test]
fn fails_open_past_the_bound_when_configured() {
    let clock = FakeClock::new();
    let switches = KillSwitch::builder()
        .clock(clock.clone())
        .on_stale(StalePolicy::FailOpen)
        .build(killed_key());
    let (org, key) = ids();
    let other_key = KeyRecordId::from(Uuid::from_u128(3));

    clock.advance(BOUND + Duration::from_secs(1));
    assert!(switches.tick());
    assert_eq!(
        switches.check(org, other_key),
        Verdict::Allowed { stale: true }
    );
    assert_eq!(
        switches.check(org, key),
        Verdict::Killed {
            level: Level::Key,
            stale: true
        },
        "failing open still honours what the old view knows"
    );
    assert_eq!(switches.check_global(), Verdict::Allowed { stale: true });
}

#[test]
fn a_successful_refresh_makes_the_view_fresh_again() {
    let clock = FakeClock::new();
    let switches = KillSwitch::builder()
        .clock(clock.clone())
        .stale_after(Duration::from_secs(5))
        .build(SwitchSet::new());
    let (org, key) = ids();

    clock.advance(Duration::from_secs(6));
    switches.tick();
    assert_eq!(switches.check(org, key), Verdict::FailedClosed);

    let ticket = switches.begin_refresh();
    switches.complete_refresh(ticket, Ok(killed_key())).unwrap();
    assert!(!switches.is_stale());
    assert_eq!(
        switches.check(org, key),
        Verdict::Killed {
            level: Level::Key,
            stale: false
        }
    );
}

#[test]
fn a_failed_refresh_judges_staleness() {
    let clock = FakeClock::new();
    let switches = KillSwitch::builder()
        .clock(clock.clone())
        .build(SwitchSet::new());
    let (org, key) = ids();

    clock.advance(BOUND * 2);
    assert_eq!(switches.check(org, key), Verdict::Allowed { stale: false });
    let ticket = switches.begin_refresh();
    let result = switches.complete_refresh(ticket, Err(Error::load("timeout")));
    assert!(matches!(result, Err(Error::Load(_))));
    assert_eq!(switches.check(org, key), Verdict::FailedClosed);
}

#[test]
fn a_flip_judges_staleness() {
    let clock = FakeClock::new();
    let switches = KillSwitch::builder()
        .clock(clock.clone())
        .build(SwitchSet::new());
    let (org, key) = ids();

    clock.advance(BOUND * 2);
    switches.kill(Target::Org(OrgId::from(Uuid::from_u128(99))));
    assert_eq!(switches.check(org, key), Verdict::FailedClosed);
}

#[test]
fn age_counts_from_when_the_load_began() {
    let clock = FakeClock::new();
    let switches = KillSwitch::builder()
        .clock(clock.clone())
        .build(SwitchSet::new());
    let (org, key) = ids();

    let ticket = switches.begin_refresh();
    let started = ticket.started_at();
    clock.advance(Duration::from_secs(50));
    switches
        .complete_refresh(ticket, Ok(SwitchSet::new()))
        .unwrap();
    assert_eq!(switches.last_refresh(), Some(started));

    clock.advance(Duration::from_secs(11));
    switches.tick();
    assert_eq!(switches.check(org, key), Verdict::FailedClosed);
}

#[test]
fn a_load_slower_than_the_bound_is_refused() {
    let clock = FakeClock::new();
    let switches = KillSwitch::builder()
        .clock(clock.clone())
        .build(SwitchSet::new());
    let before = switches.last_refresh();

    let ticket = switches.begin_refresh();
    clock.advance(BOUND + Duration::from_secs(1));
    let result = switches.complete_refresh(ticket, Ok(killed_key()));
    assert!(matches!(result, Err(Error::Expired)));
    assert_eq!(switches.last_refresh(), before);
    assert!(!switches.snapshot().is_killed(Target::Key(ids().1)));
    assert_eq!(switches.check_global(), Verdict::FailedClosed);
}

#[test]
fn unloaded_fails_closed_until_the_first_refresh() {
    let clock = FakeClock::new();
    let switches = KillSwitch::builder().clock(clock.clone()).build_unloaded();
    let (org, key) = ids();
    assert_eq!(switches.last_refresh(), None);
    assert_eq!(switches.check_global(), Verdict::FailedClosed);
    assert_eq!(switches.check(org, key), Verdict::FailedClosed);

    let ticket = switches.begin_refresh();
    switches
        .complete_refresh(ticket, Ok(SwitchSet::new()))
        .unwrap();
    assert_eq!(switches.check(org, key), Verdict::Allowed { stale: false });
}

#[test]
fn unloaded_failing_open_allows_with_every_switch_off() {
    let switches = KillSwitch::builder()
        .clock(FakeClock::new())
        .on_stale(StalePolicy::FailOpen)
        .build_unloaded();
    let (org, key) = ids();
    assert_eq!(switches.check(org, key), Verdict::Allowed { stale: true });
}
