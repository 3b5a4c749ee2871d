//! The authentication hot path: a valid key with warm caches, headers in, decision out, next
//! to each stage measured alone.
//!
//! `cargo bench -p layer-benches --bench auth`

use std::{
    future::Future,
    hint::black_box,
    num::NonZeroU32,
    pin::pin,
    task::{Context, Poll, Waker},
    time::SystemTime,
};

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use http::{HeaderMap, HeaderValue};
use layer_auth::{Authenticator, MemoryStore, NewKey, Organization};
use layer_errors::RequestId;
use layer_keys::{Env, Hasher, X_API_KEY, extract_key};
use layer_ratelimit::{
    BucketKey, EndpointClass, KeyedLimiter, Request, Tier, TierLimits, TierTable,
};

/// Polls a future that must complete without waiting (every stage here is in memory).
fn ready<F: Future>(future: F) -> F::Output {
    match pin!(future).poll(&mut Context::from_waker(Waker::noop())) {
        Poll::Ready(output) => output,
        Poll::Pending => panic!("the hot path must not wait"),
    }
}

fn bench(c: &mut Criterion) {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    // Limits high enough that the benchmark never hits them, so every check takes the same
    // (allowed) path through the bucket.
    let big = NonZeroU32::new(1_000_000_000).expect("non-zero");
    let tiers = TierTable::new().with_tier(Tier::Standard, TierLimits::per_minute(big, big, big));
    let (auth, headers, key_uuid) = runtime.block_on(async {
        let auth = Authenticator::builder(MemoryStore::new())
            .hasher(Hasher::insecure_for_tests())
            .tiers(tiers.clone())
            .build()
            .await
            .expect("authenticator");
        let org = auth
            .create_organization(Organization::new("Bench"))
            .await
            .expect("org");
        let created = auth
            .create_key(NewKey::new(org.id, "Bench", Env::Live))
            .await
            .expect("key");
        let mut headers = HeaderMap::new();
        headers.insert(
            X_API_KEY,
            HeaderValue::from_str(created.key.expose_secret()).expect("ascii"),
        );
        // Warm the record and verification caches (this pays bcrypt once).
        auth.authenticate(&headers, EndpointClass::ReadLight, None)
            .await
            .expect("valid");
        (auth, headers, created.record.id)
    });

    let mut group = c.benchmark_group("auth_hot_path");
    group.throughput(Throughput::Elements(1));
    group.bench_function(BenchmarkId::new("layer-auth", "authenticate (warm)"), |b| {
        b.iter(|| {
            let outcome =
                ready(auth.authenticate(black_box(&headers), EndpointClass::ReadLight, None));
            black_box(outcome.is_ok())
        })
    });
    group.bench_function(
        BenchmarkId::new("layer-auth", "authenticate + response headers"),
        |b| {
            let mut response = HeaderMap::new();
            b.iter(|| {
                let outcome =
                    ready(auth.authenticate(black_box(&headers), EndpointClass::ReadLight, None));
                if let Ok(ok) = outcome {
                    layer_auth::write_success_headers(
                        &mut response,
                        RequestId::generate(),
                        &ok.rate_limit,
                    );
                }
                black_box(&response);
            })
        },
    );
    group.finish();

    // Each stage alone, on the same inputs.
    let key = extract_key(&headers).expect("valid");
    let layer_keys::ApiKey::Partner(partner) = &key else {
        unreachable!("partner key")
    };
    let cache = layer_keys::VerificationCache::new().expect("randomness");
    cache.insert(partner);
    let switches = auth.switches();
    let limiter = KeyedLimiter::new();
    let table = tiers;
    let decision = ready(auth.authenticate(&headers, EndpointClass::ReadLight, None))
        .expect("valid")
        .rate_limit;

    let mut group = c.benchmark_group("auth_stages");
    group.throughput(Throughput::Elements(1));
    group.bench_function("1 global switch", |b| {
        b.iter(|| black_box(switches.check_global()))
    });
    group.bench_function("2 extract + parse", |b| {
        b.iter(|| black_box(extract_key(black_box(&headers))))
    });
    group.bench_function("5 org + key switches", |b| {
        let (org, id) = (
            layer_killswitch::OrgId::from_uuid(uuid_of(&auth, key_uuid)),
            layer_killswitch::KeyRecordId::from_uuid(key_uuid.as_uuid()),
        );
        b.iter(|| black_box(switches.check(org, id)))
    });
    group.bench_function("6 verification cache hit", |b| {
        b.iter(|| black_box(cache.contains(black_box(partner))))
    });
    group.bench_function("9 rate limit check", |b| {
        let request = Request::from_table(
            BucketKey::new(key_uuid.as_uuid().into_bytes()),
            EndpointClass::ReadLight,
            Tier::Standard,
            &table,
        );
        b.iter(|| black_box(limiter.check(black_box(&request))))
    });
    group.bench_function("last-used record", |b| {
        b.iter(|| {
            auth.last_used()
                .record(key_uuid, black_box(SystemTime::now()))
        })
    });
    group.bench_function("request id", |b| {
        b.iter(|| black_box(RequestId::generate()))
    });
    group.bench_function("rate-limit headers", |b| {
        let mut response = HeaderMap::new();
        b.iter(|| {
            decision.write_headers(&mut response);
            black_box(&response);
        })
    });
    group.finish();
}

/// The organization UUID of a key record, for the switch check.
fn uuid_of(auth: &Authenticator<MemoryStore>, key: layer_auth::KeyRecordId) -> uuid::Uuid {
    let record = ready(layer_auth::KeyStore::key(auth.store(), key))
        .ok()
        .flatten()
        .expect("stored");
    record.organization_id.as_uuid()
}

criterion_group!(benches, bench);
criterion_main!(benches);
