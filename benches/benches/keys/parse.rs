//! Parsing a partner key, next to decoding its secret alone with the `base64` crate (the
//! floor: any parser must at least read the secret's 43 characters).

use std::hint::black_box;

use base64::{Engine as _, engine::general_purpose::URL_SAFE_NO_PAD};
use criterion::{BenchmarkId, Criterion, Throughput};
use layer_keys::{ApiKey, Env, PartnerKey};

pub fn bench(c: &mut Criterion) {
    let key = PartnerKey::generate(Env::Live).expect("OS randomness");
    let text = key.expose_secret().to_owned();
    let mut group = c.benchmark_group("parse_partner_key");
    group.throughput(Throughput::Elements(1));
    group.bench_function(
        BenchmarkId::new("layer-keys", "PartnerKey::from_str"),
        |b| b.iter(|| black_box(black_box(text.as_str()).parse::<PartnerKey>())),
    );
    group.bench_function(BenchmarkId::new("layer-keys", "ApiKey::from_str"), |b| {
        b.iter(|| black_box(black_box(text.as_str()).parse::<ApiKey>()))
    });
    group.bench_function(BenchmarkId::new("base64", "decode secret only"), |b| {
        let mut out = [0u8; 32];
        b.iter(|| {
            black_box(URL_SAFE_NO_PAD.decode_slice(black_box(&text.as_bytes()[25..]), &mut out))
        })
    });
    group.finish();
}
