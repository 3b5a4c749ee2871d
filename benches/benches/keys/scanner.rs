//! The leak scanner over a 64 MiB corpus, next to the `regex` crate running the equivalent
//! pattern.

use std::{hint::black_box, time::Duration};

use criterion::{BenchmarkId, Criterion, Throughput};
use layer_benches::corpus::corpus;
use layer_keys::Scanner;
use regex::bytes::Regex;

/// The same language as the scanner: a whole key not preceded or followed by a token byte.
const PATTERN: &str = r"(?-u)(?:^|[^A-Za-z0-9_-])(lp_(?:live|test)_[0-9A-HJKMNP-TV-Z]{16}_[A-Za-z0-9_-]{42}[AEIMQUYcgkosw048]|layer_[0-9a-f]{64})(?:$|[^A-Za-z0-9_-])";

pub fn bench(c: &mut Criterion) {
    let (text, planted) = corpus(64 << 20, 8);
    let scanner = Scanner::new();
    let regex = Regex::new(PATTERN).expect("valid pattern");
    assert_eq!(scanner.scan(&text).count(), planted);
    assert_eq!(regex.captures_iter(&text).count(), planted);

    let mut group = c.benchmark_group("scan_64MiB");
    group.throughput(Throughput::Bytes(text.len() as u64));
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(8));
    group.bench_function(BenchmarkId::new("layer-keys", "Scanner::scan"), |b| {
        b.iter(|| black_box(scanner.scan(black_box(&text)).count()))
    });
    group.bench_function(BenchmarkId::new("regex", "captures_iter"), |b| {
        b.iter(|| black_box(regex.captures_iter(black_box(&text)).count()))
    });
    group.finish();
}
