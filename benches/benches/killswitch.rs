//! `layer-killswitch` benchmarks, each next to its anchor in the same run.
//!
//! `cargo bench -p layer-benches --bench killswitch`

use criterion::{criterion_group, criterion_main};

mod killswitch {
    pub mod check;
}

criterion_group!(benches, killswitch::check::bench);
criterion_main!(benches);
