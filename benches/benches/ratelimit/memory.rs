//! Bytes per live bucket, measured with the counting allocator, for each contender.

use crate::GLOBAL;
use crate::contenders::{Contender, Governor, Ours, Shape};
use crate::workload::key;

const KEYS: usize = 1_000_000;

fn live_bytes() -> isize {
    let s = GLOBAL.stats();
    s.bytes_allocated as isize - s.bytes_deallocated as isize + s.bytes_reallocated
}

fn per_bucket<C: Contender>(build: impl FnOnce() -> C) -> f64 {
    let before = live_bytes();
    let contender = build();
    for n in 0..KEYS {
        contender.check(key(n));
    }
    let bytes = live_bytes() - before;
    drop(contender);
    bytes as f64 / KEYS as f64
}

/// Prints the measured footprint of 1,000,000 live buckets for each contender.
pub(crate) fn report() {
    let shape = Shape::PerMinute(6_000);
    let ours = per_bucket(|| Ours::new(shape));
    let governor = per_bucket(|| Governor::default_hasher(shape));
    let fast = per_bucket(|| Governor::fast_hasher(shape));
    println!(
        "memory, {KEYS} live buckets (measured): layer-ratelimit {ours:.1} B/bucket, \
         governor {governor:.1} B/bucket, governor-foldhash {fast:.1} B/bucket"
    );
}
