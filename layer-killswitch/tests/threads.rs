//! Flips are visible to other threads at once, and a batch is never seen half-applied.

use std::{
    sync::{
        Arc, Barrier,
        atomic::{AtomicBool, Ordering},
        mpsc,
    },
    thread,
};

use layer_killswitch::{Change, KeyRecordId, KillSwitch, Level, OrgId, SwitchSet, Target};
use uuid::Uuid;

const ORG: OrgId = OrgId::from_uuid(Uuid::from_u128(0xaa));
const KEY: KeyRecordId = KeyRecordId::from_uuid(Uuid::from_u128(0xbb));
const READERS: usize = 3;
const FLIPS: usize = 5_000;

#[test]
fn a_flip_is_visible_to_another_thread_as_soon_as_it_returns() {
    let switches = Arc::new(KillSwitch::new(SwitchSet::new()));
    let (flipped, observe) = mpsc::channel::<bool>();
    let (observed, wait) = mpsc::channel::<()>();
    let reader = {
        let switches = Arc::clone(&switches);
        thread::spawn(move || {
            for killed in observe {
                let verdict = switches.check(ORG, KEY);
                assert_eq!(verdict.scope().is_some(), killed, "{verdict:?}");
                observed.send(()).unwrap();
            }
        })
    };
    for round in 0..1_000 {
        let kill = round % 2 == 0;
        if kill {
            switches.kill(KEY);
        } else {
            switches.clear(KEY);
        }
        flipped.send(kill).unwrap();
        wait.recv().unwrap();
    }
    drop(flipped);
    reader.join().unwrap();
}

/// The writer alternates between "org killed" and "key killed", each published as one batch
/// that clears the other; in every snapshot exactly one of them is on, so a reader that
/// ever sees both or neither has seen a torn state.
#[test]
fn readers_never_see_half_a_batch() {
    let initial: SwitchSet = [Target::Org(ORG)].into_iter().collect();
    let switches = Arc::new(KillSwitch::new(initial));
    let done = Arc::new(AtomicBool::new(false));
    let start = Arc::new(Barrier::new(READERS + 1));

    let readers: Vec<_> = (0..READERS)
        .map(|_| {
            let (switches, done, start) = (switches.clone(), done.clone(), start.clone());
            thread::spawn(move || {
                start.wait();
                let mut seen = [0usize; 2];
                while !done.load(Ordering::Acquire) {
                    match switches.check(ORG, KEY).scope() {
                        Some(Level::Org) => seen[0] += 1,
                        Some(Level::Key) => seen[1] += 1,
                        other => panic!("torn state: {other:?}"),
                    }
                    let snapshot = switches.snapshot();
                    assert_ne!(
                        snapshot.is_killed(Target::Org(ORG)),
                        snapshot.is_killed(Target::Key(KEY)),
                        "torn snapshot"
                    );
                }
                seen
            })
        })
        .collect();

    start.wait();
    for round in 0..FLIPS {
        let (on, off) = if round % 2 == 0 {
            (Target::Key(KEY), Target::Org(ORG))
        } else {
            (Target::Org(ORG), Target::Key(KEY))
        };
        assert!(switches.apply([Change::Clear(off), Change::Kill(on)]));
    }
    done.store(true, Ordering::Release);
    for reader in readers {
        let seen = reader.join().unwrap();
        assert!(seen[0] + seen[1] > 0, "the reader ran");
    }
}

#[test]
fn concurrent_writers_lose_no_flip() {
    let switches = Arc::new(KillSwitch::new(SwitchSet::new()));
    let writers: Vec<_> = (0..4u128)
        .map(|writer| {
            let switches = switches.clone();
            thread::spawn(move || {
                for n in 0..250u128 {
                    let key = KeyRecordId::from(Uuid::from_u128(writer << 64 | n));
                    assert!(switches.kill(key));
                }
            })
        })
        .collect();
    for writer in writers {
        writer.join().unwrap();
    }
    assert_eq!(switches.snapshot().killed_keys().len(), 1_000);
}
