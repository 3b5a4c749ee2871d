//! A refresh replaces the view; a failed one keeps the old view and timestamp; flips made
//! while a load is in flight survive it.

use std::{
    future::Future,
    pin::pin,
    sync::Mutex,
    task::{Context, Poll, Waker},
    time::Duration,
};

use layer_killswitch::{
    Change, Error, FakeClock, KeyRecordId, KillSwitch, Level, OrgId, Refreshed, SwitchSet,
    SwitchSource, Target, Verdict,
};
use uuid::Uuid;

/// Runs a future that never waits on anything outside itself (the sources below are all
/// immediately ready), so the tests need no runtime.
fn block_on<F: Future>(future: F) -> F::Output {
    let mut future = pin!(future);
    let mut cx = Context::from_waker(Waker::noop());
    loop {
        if let Poll::Ready(output) = future.as_mut().poll(&mut cx) {
            return output;
        }
    }
}

fn org(n: u128) -> OrgId {
    OrgId::from(Uuid::from_u128(0x0e00 + n))
}

fn key(n: u128) -> KeyRecordId {
    KeyRecordId::from(Uuid::from_u128(0x0f00 + n))
}

/// A store whose answer the test sets.
struct Store(Mutex<Result<SwitchSet, &'static str>>);

impl Store {
    fn new(set: SwitchSet) -> Self {
        Self(Mutex::new(Ok(set)))
    }

    fn set(&self, answer: Result<SwitchSet, &'static str>) {
        *self.0.lock().unwrap() = answer;
    }
}

impl SwitchSource for Store {
    async fn load(&self) -> Result<SwitchSet, Error> {
        self.0.lock().unwrap().clone().map_err(Error::load)
    }
}

#[test]
fn refresh_replaces_the_view() {
    let switches = KillSwitch::new([Target::Key(key(1))].into_iter().collect());
    let store = Store::new([Target::Org(org(2))].into_iter().collect());

    assert_eq!(
        block_on(switches.refresh(&store)).unwrap(),
        Refreshed::Published
    );
    assert!(
        switches.check(org(1), key(1)).is_allowed(),
        "key 1 cleared in the store"
    );
    assert_eq!(switches.check(org(2), key(3)).scope(), Some(Level::Org));

    store.set(Ok(SwitchSet::new()));
    block_on(switches.refresh(&store)).unwrap();
    assert_eq!(switches.snapshot(), SwitchSet::new());
}

#[test]
fn a_failed_refresh_keeps_the_old_view_and_timestamp() {
    let clock = FakeClock::new();
    let switches = KillSwitch::builder()
        .clock(clock.clone())
        .build(SwitchSet::new());
    let store = Store::new([Target::Key(key(1))].into_iter().collect());
    block_on(switches.refresh(&store)).unwrap();
    let refreshed_at = switches.last_refresh();
    assert!(refreshed_at.is_some());

    clock.advance(Duration::from_secs(10));
    store.set(Err("connection refused"));
    let error = block_on(switches.refresh(&store)).unwrap_err();
    assert!(matches!(error, Error::Load(_)));
    assert_eq!(
        std::error::Error::source(&error)
            .map(ToString::to_string)
            .as_deref(),
        Some("connection refused")
    );
    assert_eq!(switches.last_refresh(), refreshed_at);
    assert_eq!(switches.check(org(1), key(1)).scope(), Some(Level::Key));
    assert!(!switches.is_stale(), "10 s is inside the bound");
}

#[test]
fn a_flip_during_a_load_survives_it() {
    let switches = KillSwitch::new(SwitchSet::new());
    let ticket = switches.begin_refresh();
    // The store answered before the operator's flip reached it.
    let loaded = SwitchSet::new();
    switches.kill(key(1));
    switches.clear(org(5)); // a no-op here, but still newer than the load
    switches.complete_refresh(ticket, Ok(loaded)).unwrap();
    assert_eq!(switches.check(org(1), key(1)).scope(), Some(Level::Key));
}

#[test]
fn a_clear_during_a_load_survives_it() {
    let switches = KillSwitch::new([Target::Key(key(1))].into_iter().collect());
    let ticket = switches.begin_refresh();
    let loaded: SwitchSet = [Target::Key(key(1))].into_iter().collect();
    switches.clear(key(1));
    switches.complete_refresh(ticket, Ok(loaded)).unwrap();
    assert!(switches.check(org(1), key(1)).is_allowed());
}

#[test]
fn the_store_wins_over_flips_made_before_the_load_began() {
    let switches = KillSwitch::new(SwitchSet::new());
    switches.kill(key(1));
    // The store has since cleared key 1 (another instance un-killed it).
    let ticket = switches.begin_refresh();
    switches
        .complete_refresh(ticket, Ok(SwitchSet::new()))
        .unwrap();
    assert!(switches.check(org(1), key(1)).is_allowed());

    // And the replayed flip does not come back on a later refresh either.
    let store = Store::new(SwitchSet::new());
    switches.kill(org(2));
    block_on(switches.refresh(&store)).unwrap();
    assert_eq!(switches.snapshot(), SwitchSet::new());
}

#[test]
fn a_flip_made_inside_load_survives_the_async_refresh() {
    struct FlipsWhileLoading<'a>(&'a KillSwitch);
    impl SwitchSource for FlipsWhileLoading<'_> {
        async fn load(&self) -> Result<SwitchSet, Error> {
            let stale_answer = SwitchSet::new();
            self.0.apply([
                Change::Kill(Target::Org(org(1))),
                Change::Kill(Target::Key(key(2))),
            ]);
            Ok(stale_answer)
        }
    }
    let switches = KillSwitch::new(SwitchSet::new());
    block_on(switches.refresh(&FlipsWhileLoading(&switches))).unwrap();
    assert_eq!(switches.check(org(1), key(1)).scope(), Some(Level::Org));
    assert_eq!(switches.check(org(3), key(2)).scope(), Some(Level::Key));
}

#[test]
fn an_older_load_finishing_last_is_dropped() {
    let clock = FakeClock::new();
    let switches = KillSwitch::builder()
        .clock(clock.clone())
        .build(SwitchSet::new());
    let older = switches.begin_refresh();
    clock.advance(Duration::from_secs(1));
    let newer = switches.begin_refresh();

    let newer_view: SwitchSet = [Target::Key(key(1))].into_iter().collect();
    assert_eq!(
        switches
            .complete_refresh(newer, Ok(newer_view.clone()))
            .unwrap(),
        Refreshed::Published
    );
    assert_eq!(
        switches
            .complete_refresh(older, Ok(SwitchSet::new()))
            .unwrap(),
        Refreshed::Superseded
    );
    assert_eq!(switches.snapshot(), newer_view);
}

#[test]
fn an_older_load_is_dropped_even_when_the_clock_stands_still() {
    let switches = KillSwitch::builder()
        .clock(FakeClock::new())
        .build(SwitchSet::new());
    let older = switches.begin_refresh();
    switches.kill(key(9));
    let newer = switches.begin_refresh();
    switches
        .complete_refresh(newer, Ok([Target::Key(key(9))].into_iter().collect()))
        .unwrap();
    assert_eq!(
        switches
            .complete_refresh(older, Ok(SwitchSet::new()))
            .unwrap(),
        Refreshed::Superseded
    );
    assert_eq!(
        switches.check(org(1), key(9)),
        Verdict::Killed {
            level: Level::Key,
            stale: false
        }
    );
}
