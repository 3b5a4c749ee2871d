//! Error bodies: what a server writes for each error and a client reads back.

use std::hint::black_box;

use criterion::{BenchmarkId, Criterion, Throughput};
use layer_errors::{ApiError, ErrorEnvelope, FieldError, KillSwitchScope, RequestId};

/// The errors the auth path answers with most, plus a larger validation body.
fn cases() -> Vec<(&'static str, ApiError)> {
    let id: RequestId = "req_01HXZ9G7KMV2QX8Y1S5RJW3B7T"
        .parse()
        .unwrap_or_else(|_| RequestId::generate());
    vec![
        ("not_found", ApiError::not_found()),
        ("revoked", ApiError::revoked()),
        ("rate_limited", ApiError::rate_limited("write-light", 1_240)),
        ("kill_switch", ApiError::kill_switch(KillSwitchScope::Key)),
        (
            "validation_3_fields",
            ApiError::validation([
                FieldError::new("name", "must not be empty"),
                FieldError::new("scopes[2]", "unknown scope"),
                FieldError::new("limits.daily", "must be at most 500000"),
            ]),
        ),
    ]
    .into_iter()
    .map(|(name, error)| (name, error.with_request_id(id)))
    .collect()
}

/// `serde_json::to_vec` of the envelope, and the whole `http::Response`.
pub(crate) fn serialize(c: &mut Criterion) {
    let mut group = c.benchmark_group("envelope/serialize");
    for (name, error) in cases() {
        let bytes = serde_json::to_vec(&error).unwrap_or_default();
        group.throughput(Throughput::Bytes(bytes.len() as u64));
        group.bench_with_input(
            BenchmarkId::new("serde_json::to_vec", name),
            &error,
            |b, error| {
                b.iter(|| serde_json::to_vec(black_box(error)));
            },
        );
        group.bench_with_input(
            BenchmarkId::new("into_http_response", name),
            &error,
            |b, error| {
                b.iter(|| black_box(error.clone()).into_http_response());
            },
        );
    }
    group.finish();
}

/// `ErrorEnvelope::from_json` on the bodies above, as a client does.
pub(crate) fn parse(c: &mut Criterion) {
    let mut group = c.benchmark_group("envelope/parse");
    for (name, error) in cases() {
        let bytes = error.to_json();
        group.throughput(Throughput::Bytes(bytes.len() as u64));
        group.bench_with_input(BenchmarkId::new("from_json", name), &bytes, |b, bytes| {
            b.iter(|| ErrorEnvelope::from_json(black_box(bytes)));
        });
    }
    group.finish();
}
