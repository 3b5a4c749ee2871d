//! A verification-cache hit (digest, lookup, constant-time check), next to the HMAC-SHA-256
//! it must compute anyway.

use std::hint::black_box;

use criterion::{BenchmarkId, Criterion, Throughput};
use hmac::{Hmac, Mac};
use layer_keys::{Env, KeyId, PartnerKey, VerificationCache};
use sha2::Sha256;

pub fn bench(c: &mut Criterion) {
    let cache = VerificationCache::new().expect("OS randomness");
    // A warm cache of 10,000 keys.
    let keys: Vec<PartnerKey> = (0..10_000u32)
        .map(|i| {
            let id = KeyId::from_time_and_random(1_700_000_000_000 + u64::from(i), i);
            PartnerKey::from_random(Env::Live, id, &[i as u8; 28])
        })
        .collect();
    for key in &keys {
        cache.insert(key);
    }
    let key = &keys[4_321];
    let mac = Hmac::<Sha256>::new_from_slice(&[7; 32]).expect("any key length");

    let mut group = c.benchmark_group("verification_cache_hit");
    group.throughput(Throughput::Elements(1));
    group.bench_function(BenchmarkId::new("layer-keys", "contains (hit)"), |b| {
        b.iter(|| assert!(cache.contains(black_box(key))))
    });
    group.bench_function(
        BenchmarkId::new("hmac", "HMAC-SHA-256 of the key alone"),
        |b| {
            b.iter(|| {
                let mut m = mac.clone();
                m.update(black_box(key.expose_secret().as_bytes()));
                black_box(m.finalize().into_bytes())
            })
        },
    );
    group.finish();
}
