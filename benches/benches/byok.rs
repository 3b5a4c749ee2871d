//! `layer-byok` benchmarks, each next to its anchor in the same run.
//!
//! `cargo bench -p layer-benches --bench byok`

use criterion::{criterion_group, criterion_main};

mod byok {
    pub mod vault;
}

criterion_group!(benches, byok::vault::bench);
criterion_main!(benches);
