//! bcrypt cost-12 verification: ours (the `bcrypt` crate behind `Hasher`) next to libxcrypt's
//! `crypt_rn`, the C implementation Debian's `libcrypt` ships.

use std::{hint::black_box, time::Duration};

use criterion::{BenchmarkId, Criterion, Throughput};
use layer_benches::libxcrypt::Crypt;
use layer_keys::{Env, Hasher, PartnerKey};

pub fn bench(c: &mut Criterion) {
    let key = PartnerKey::generate(Env::Live).expect("OS randomness");
    let hasher = Hasher::new();
    let hash = hasher.hash(&key).expect("hashing");
    let mut crypt = Crypt::new();
    assert_eq!(
        crypt.crypt(key.expose_secret(), hash.as_str()).as_deref(),
        Some(hash.as_str())
    );

    let mut group = c.benchmark_group("bcrypt_cost12_verify");
    group.throughput(Throughput::Elements(1));
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(10));
    group.bench_function(BenchmarkId::new("layer-keys", "Hasher::verify"), |b| {
        b.iter(|| black_box(hasher.verify(black_box(&key), &hash)))
    });
    group.bench_function(BenchmarkId::new("libxcrypt", "crypt_rn"), |b| {
        b.iter(|| black_box(crypt.crypt(black_box(key.expose_secret()), hash.as_str())))
    });
    group.finish();
}
