//! `layer-keys` benchmarks, each next to its anchor in the same run.
//!
//! `cargo bench -p layer-benches --bench keys`

use criterion::{criterion_group, criterion_main};

mod keys {
    pub mod bcrypt;
    pub mod parse;
    pub mod scanner;
    pub mod verification_cache;
}

criterion_group!(
    benches,
    keys::parse::bench,
    keys::verification_cache::bench,
    keys::scanner::bench,
    keys::bcrypt::bench,
);
criterion_main!(benches);
