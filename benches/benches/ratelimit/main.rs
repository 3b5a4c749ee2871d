//! `layer-ratelimit`'s keyed limiter side by side with `governor`'s keyed limiter.
//!
//! Both run on fake clocks (an atomic counter each), the same quotas and the same key streams:
//! 1, 10,000 and 1,000,000 keys; one and two threads; mostly allowed and mostly denied.
//!
//! `cargo bench -p layer-benches --bench ratelimit`

mod contenders;
mod memory;
mod workload;

use std::alloc::System;

use criterion::{Criterion, criterion_group, criterion_main};
use stats_alloc::{INSTRUMENTED_SYSTEM, StatsAlloc};

// Counts allocations so that memory per bucket is measured, not computed. Hot loops do not
// allocate, so the counting costs nothing there.
#[global_allocator]
static GLOBAL: &StatsAlloc<System> = &INSTRUMENTED_SYSTEM;

fn keyed(c: &mut Criterion) {
    memory::report();
    for keys in workload::KEY_COUNTS {
        for mode in workload::Mode::ALL {
            workload::run_group(c, keys, mode);
        }
    }
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .sample_size(20)
        .warm_up_time(std::time::Duration::from_millis(500))
        .measurement_time(std::time::Duration::from_secs(2));
    targets = keyed
}
criterion_main!(benches);
