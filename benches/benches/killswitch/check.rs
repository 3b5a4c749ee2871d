//! A kill-switch check with none and with 1,000,000 killed keys (a killed key and a live
//! one), and the global-only check, next to the obvious alternative: a `HashSet<Uuid>`
//! (SipHash) behind a `std::sync::RwLock` read, holding the same keys.

use std::{collections::HashSet, hint::black_box, sync::RwLock};

use criterion::{BenchmarkId, Criterion, Throughput};
use layer_killswitch::{KeyRecordId, KillSwitch, OrgId, SwitchSet, Target};
use uuid::Uuid;

const KILLED: usize = 1_000_000;

/// Deterministic, well-spread ids (splitmix64), shaped like v4 UUIDs as stores hand them out.
fn ids(seed: u64, count: usize) -> Vec<Uuid> {
    let mut state = seed;
    let mut next = move || {
        state = state.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = state;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    };
    (0..count)
        .map(|_| {
            let bits = (u128::from(next()) << 64) | u128::from(next());
            uuid::Builder::from_random_bytes(bits.to_be_bytes()).into_uuid()
        })
        .collect()
}

/// The anchor: what a first implementation would reach for.
struct Anchor {
    global: RwLock<bool>,
    orgs: RwLock<HashSet<Uuid>>,
    keys: RwLock<HashSet<Uuid>>,
}

impl Anchor {
    fn new(keys: &[Uuid]) -> Self {
        Self {
            global: RwLock::new(false),
            orgs: RwLock::new(HashSet::new()),
            keys: RwLock::new(keys.iter().copied().collect()),
        }
    }

    /// The same decision as `KillSwitch::check`: global, then org, then key.
    fn check(&self, org: Uuid, key: Uuid) -> bool {
        *self.global.read().expect("not poisoned")
            || self.orgs.read().expect("not poisoned").contains(&org)
            || self.keys.read().expect("not poisoned").contains(&key)
    }
}

pub fn bench(c: &mut Criterion) {
    let killed_keys = ids(1, KILLED);
    let org = OrgId::from(ids(2, 1)[0]);
    let live_key = ids(3, 1)[0];
    let killed_key = killed_keys[KILLED / 3];

    let empty = KillSwitch::new(SwitchSet::new());
    let mut set = SwitchSet::with_capacity(0, KILLED);
    for &key in &killed_keys {
        set.kill(Target::Key(KeyRecordId::from(key)));
    }
    let full = KillSwitch::new(set);
    let empty_anchor = Anchor::new(&[]);
    let full_anchor = Anchor::new(&killed_keys);

    let cases = [
        ("0 killed", &empty, &empty_anchor, live_key, true),
        ("1M killed, miss", &full, &full_anchor, live_key, true),
        ("1M killed, hit", &full, &full_anchor, killed_key, false),
    ];

    let mut group = c.benchmark_group("killswitch_check");
    group.throughput(Throughput::Elements(1));
    for (case, switches, anchor, key, allowed) in cases {
        let record = KeyRecordId::from(key);
        group.bench_function(BenchmarkId::new("layer-killswitch", case), |b| {
            b.iter(|| {
                assert_eq!(
                    switches
                        .check(black_box(org), black_box(record))
                        .is_allowed(),
                    allowed
                )
            })
        });
        group.bench_function(BenchmarkId::new("RwLock<HashSet<Uuid>>", case), |b| {
            b.iter(|| {
                assert_eq!(
                    !anchor.check(black_box(*org.as_uuid()), black_box(key)),
                    allowed
                )
            })
        });
    }
    group.finish();

    let mut group = c.benchmark_group("killswitch_check_global");
    group.throughput(Throughput::Elements(1));
    group.bench_function(BenchmarkId::new("layer-killswitch", "1M killed"), |b| {
        b.iter(|| assert!(black_box(&full).check_global().is_allowed()))
    });
    group.bench_function(BenchmarkId::new("RwLock<bool>", "1M killed"), |b| {
        b.iter(|| assert!(!*black_box(&full_anchor).global.read().expect("not poisoned")))
    });
    group.finish();
}
