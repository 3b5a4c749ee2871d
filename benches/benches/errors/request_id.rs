//! Request ids: one is made for every request, error or not.

use std::hint::black_box;

use criterion::{BenchmarkId, Criterion, Throughput};
use layer_errors::RequestId;

/// A fresh id, ours beside `ulid::Ulid::new()` (the anchor; it reads the OS-seeded thread
/// RNG for every id and is not monotonic).
pub(crate) fn generate(c: &mut Criterion) {
    let mut group = c.benchmark_group("request_id/generate");
    group.throughput(Throughput::Elements(1));
    group.bench_function(BenchmarkId::new("generate", "layer-errors"), |b| {
        b.iter(RequestId::generate);
    });
    group.bench_function(BenchmarkId::new("generate", "ulid"), |b| {
        b.iter(ulid::Ulid::new);
    });
    group.finish();
}

/// Formatting (for the header and body) and strict parsing, beside `ulid`'s.
pub(crate) fn text(c: &mut Criterion) {
    let ours = RequestId::generate();
    let ours_text = ours.to_string();
    let anchor = ulid::Ulid::new();
    let anchor_text = anchor.to_string();

    let mut group = c.benchmark_group("request_id/text");
    group.throughput(Throughput::Elements(1));
    group.bench_function(BenchmarkId::new("to_string", "layer-errors"), |b| {
        b.iter(|| black_box(ours).to_string());
    });
    group.bench_function(BenchmarkId::new("to_string", "ulid"), |b| {
        b.iter(|| black_box(anchor).to_string());
    });
    group.bench_function(BenchmarkId::new("parse", "layer-errors"), |b| {
        b.iter(|| black_box(ours_text.as_str()).parse::<RequestId>());
    });
    group.bench_function(BenchmarkId::new("parse", "ulid"), |b| {
        b.iter(|| ulid::Ulid::from_string(black_box(anchor_text.as_str())));
    });
    group.finish();
}
