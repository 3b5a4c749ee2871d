//! Memory: 1,000,000 distinct keys, measured with a counting allocator, then swept away.
//!
//! The only test in this binary, so no other test's allocations are counted.

use std::alloc::System;
use std::time::Duration;

use layer_ratelimit::{
    BucketKey, EndpointClass, FakeClock, KeyedLimiter, Request, Tier, TierTable,
};
use stats_alloc::{INSTRUMENTED_SYSTEM, StatsAlloc};

#[global_allocator]
static GLOBAL: &StatsAlloc<System> = &INSTRUMENTED_SYSTEM;

const KEYS: u32 = 1_000_000;
/// The stated bound: at most 40 bytes per live bucket.
const MAX_BYTES_PER_BUCKET: f64 = 40.0;
/// After everything goes idle and a sweep runs, at most this much above the empty limiter
/// (the limiter itself returns to exactly zero; the margin absorbs allocations the test
/// harness's own threads make meanwhile, which the global counter also sees).
const MAX_BYTES_AFTER_SWEEP: isize = 64 * 1_024;

fn live_bytes() -> isize {
    let s = GLOBAL.stats();
    s.bytes_allocated as isize - s.bytes_deallocated as isize + s.bytes_reallocated
}

fn key(n: u32) -> BucketKey {
    let mut bytes = *b"01HX000000000000";
    bytes[12..].copy_from_slice(&n.to_le_bytes());
    BucketKey::new(bytes)
}

#[test]
fn a_million_idle_keys_are_swept_back_under_the_bound() {
    let table = TierTable::new();
    let clock = FakeClock::new();
    let limiter = KeyedLimiter::builder().clock(clock.clone()).build();
    let empty = live_bytes();

    for n in 0..KEYS {
        let request = Request::from_table(key(n), EndpointClass::ReadLight, Tier::Standard, &table);
        assert!(limiter.check(&request).is_allowed());
    }
    assert_eq!(limiter.len(), KEYS as usize);
    let full = live_bytes() - empty;
    let per_bucket = full as f64 / f64::from(KEYS);
    println!("{KEYS} live buckets: {full} bytes measured, {per_bucket:.1} bytes per bucket");
    assert!(
        per_bucket <= MAX_BYTES_PER_BUCKET,
        "{per_bucket} bytes per bucket"
    );
    assert!(
        per_bucket >= 24.0,
        "an entry is 24 bytes; less means the count is wrong"
    );

    // One request took half a second of a 120/min bucket; a minute later all are idle.
    clock.advance(Duration::from_secs(60));
    assert_eq!(limiter.sweep(), KEYS as usize);
    assert!(limiter.is_empty());
    let after = live_bytes() - empty;
    println!("after sweep: {after} bytes above the empty limiter");
    assert!(
        after <= MAX_BYTES_AFTER_SWEEP,
        "{after} bytes left after the sweep"
    );

    // And the limiter still works from there.
    let request = Request::from_table(key(1), EndpointClass::ReadLight, Tier::Standard, &table);
    assert_eq!(limiter.check(&request).remaining(), Some(119));
}
