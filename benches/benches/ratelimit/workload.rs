//! Key streams, workloads and the measured loops.

use std::hint::black_box;
use std::thread;
use std::time::{Duration, Instant};

use criterion::{BenchmarkId, Criterion, Throughput};
use layer_ratelimit::BucketKey;

use crate::contenders::{Contender, Governor, Ours, Shape};

pub(crate) const KEY_COUNTS: [usize; 3] = [1, 10_000, 1_000_000];

/// What most requests get.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Mode {
    /// partner `read-light` (6,000/min); the clock moves one refill interval per pass over the
    /// keys, so every key earns a token for each one it spends.
    MostlyAllowed,
    /// One per hour, every bucket drained during setup, the clock frozen.
    MostlyDenied,
}

impl Mode {
    pub(crate) const ALL: [Self; 2] = [Self::MostlyAllowed, Self::MostlyDenied];

    fn name(self) -> &'static str {
        match self {
            Self::MostlyAllowed => "mostly-allowed",
            Self::MostlyDenied => "mostly-denied",
        }
    }

    fn shape(self) -> Shape {
        match self {
            Self::MostlyAllowed => Shape::PerMinute(6_000),
            Self::MostlyDenied => Shape::PerHour(1),
        }
    }

    /// How far the clock moves per request.
    fn step(self, keys: usize) -> Duration {
        match self {
            Self::MostlyAllowed => Duration::from_nanos(10_000_000 / keys as u64),
            Self::MostlyDenied => Duration::ZERO,
        }
    }
}

/// The key with index `n`: like a key id, distinct in the last bytes.
pub(crate) fn key(n: usize) -> BucketKey {
    let mut bytes = *b"01HX9Y6K00000000";
    bytes[8..].copy_from_slice(&(n as u64).to_le_bytes());
    BucketKey::new(bytes)
}

/// Every key once per pass, in a pseudo-random order, passes repeated to at least 2^16.
fn stream(keys: usize) -> Vec<BucketKey> {
    let mut order: Vec<usize> = (0..keys).collect();
    let mut state = 0x9E37_79B9_7F4A_7C15u64;
    for i in (1..order.len()).rev() {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        order.swap(i, (state % (i as u64 + 1)) as usize);
    }
    let passes = (1usize << 16).div_ceil(keys).max(1);
    (0..passes)
        .flat_map(|_| order.iter().map(|&n| key(n)))
        .collect()
}

/// Requests between clock moves: moving a shared clock on every request would measure the
/// clock's cache line bouncing between threads, not the limiters.
const CLOCK_BATCH: u32 = 64;

/// Runs `iters` requests from `stream` starting at `offset`, moving the clock `step` per
/// request (in batches of `CLOCK_BATCH`).
fn drive<C: Contender>(
    c: &C,
    stream: &[BucketKey],
    offset: usize,
    iters: u64,
    step: Duration,
) -> u64 {
    let mut admitted = 0u64;
    let mut i = offset % stream.len();
    for n in 0..iters {
        if !step.is_zero() && n % u64::from(CLOCK_BATCH) == 0 {
            c.advance(step * CLOCK_BATCH);
        }
        if c.check(black_box(stream[i])) {
            admitted += 1;
        }
        i += 1;
        if i == stream.len() {
            i = 0;
        }
    }
    admitted
}

fn timed<C: Contender>(
    c: &C,
    stream: &[BucketKey],
    threads: usize,
    iters: u64,
    step: Duration,
) -> Duration {
    let start = Instant::now();
    if threads == 1 {
        black_box(drive(c, stream, 0, iters, step));
    } else {
        thread::scope(|s| {
            for t in 0..threads {
                let offset = t * stream.len() / threads;
                s.spawn(move || black_box(drive(c, stream, offset, iters / threads as u64, step)));
            }
        });
    }
    start.elapsed()
}

/// Brings a contender to steady state: every key seen once, which also drains every bucket
/// of the one-per-hour quota.
fn prime<C: Contender>(c: &C, keys: usize) {
    for n in 0..keys {
        c.check(key(n));
    }
}

fn bench_one<C: Contender>(
    group: &mut criterion::BenchmarkGroup<'_, criterion::measurement::WallTime>,
    name: &str,
    contender: &C,
    stream: &[BucketKey],
    mode: Mode,
    keys: usize,
) {
    for threads in [1usize, 2] {
        let step = mode.step(keys);
        group.bench_with_input(
            BenchmarkId::new(name, format!("{threads}-thread")),
            &threads,
            |b, &threads| b.iter_custom(|iters| timed(contender, stream, threads, iters, step)),
        );
    }
}

pub(crate) fn run_group(c: &mut Criterion, keys: usize, mode: Mode) {
    let stream = stream(keys);
    let mut group = c.benchmark_group(format!("ratelimit/{}/{keys}-keys", mode.name()));
    group.throughput(Throughput::Elements(1));

    let ours = Ours::new(mode.shape());
    prime(&ours, keys);
    bench_one(&mut group, "layer-ratelimit", &ours, &stream, mode, keys);
    drop(ours);

    let governor = Governor::default_hasher(mode.shape());
    prime(&governor, keys);
    bench_one(&mut group, "governor", &governor, &stream, mode, keys);
    drop(governor);

    let governor = Governor::fast_hasher(mode.shape());
    prime(&governor, keys);
    bench_one(
        &mut group,
        "governor-foldhash",
        &governor,
        &stream,
        mode,
        keys,
    );
    drop(governor);

    group.finish();
}
