//! `layer-ratelimit-redis`: checks per second through one `RedisLimiter` (one multiplexed
//! connection) with 1, 10 and 50 concurrent tasks, against the Redis at `REDIS_URL` (default
//! `redis://127.0.0.1:6379`); skipped with a message when none answers.
//!
//! `cargo bench -p layer-benches --bench ratelimit_redis`
//!
//! Two workloads: `admitted` (every check a round trip that takes a token, each task its own
//! key) and `refused-cached` (one key past its limit, answered by the denied cache without a
//! round trip).
//!
//! The anchor is `redis-benchmark` driving a plain `EVALSHA` of the same script, with the same
//! clients, so that the client's own overhead shows:
//!
//! ```sh
//! SHA=$(redis-cli SCRIPT LOAD "$(cat layer-ratelimit-redis/src/check.lua)")
//! for c in 1 10 50; do
//!   redis-benchmark -q -n 200000 -c $c -r 1000000 \
//!     EVALSHA $SHA 1 'bench:{__rand_int__}:read-light' 0 1000 1 0 0 '' '' 0
//! done
//! ```
//!
//! (`0 1000 1 0 0 '' '' 0`: a one-microsecond interval and a one-second capacity, so every
//! check is admitted; no daily cap; Redis `TIME`; no extra expiry.)

use core::num::NonZeroU32;
use std::sync::Arc;
use std::time::{Duration, Instant};

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use layer_ratelimit::{Backend, BucketKey, ClassLimits, EndpointClass, Quota, Request, Tier};
use layer_ratelimit_redis::{FailurePolicy, RedisLimiter, redis};
use tokio::runtime::Runtime;

const TASKS: [u64; 3] = [1, 10, 50];

fn request(key: u64, quota: Quota) -> Request<BucketKey> {
    let mut bytes = [0; 16];
    bytes[..8].copy_from_slice(&key.to_le_bytes());
    Request::new(
        BucketKey::new(bytes),
        EndpointClass::ReadLight,
        Tier::Standard,
        ClassLimits::quota(quota),
    )
}

/// Runs `iters` checks split over `tasks` tasks and returns the time taken.
async fn run(
    limiter: &Arc<RedisLimiter>,
    tasks: u64,
    iters: u64,
    quota: Quota,
    shared: bool,
) -> Duration {
    let per_task = iters.div_ceil(tasks);
    let start = Instant::now();
    let handles: Vec<_> = (0..tasks)
        .map(|task| {
            let limiter = Arc::clone(limiter);
            let request = request(if shared { 0 } else { task + 1 }, quota);
            tokio::spawn(async move {
                for _ in 0..per_task {
                    let decision = limiter.check(request.clone()).await;
                    assert!(
                        matches!(decision, Ok(d) if !d.is_fallback()),
                        "redis failed"
                    );
                }
            })
        })
        .collect();
    for handle in handles {
        handle.await.expect("bench task");
    }
    start.elapsed()
}

fn connect(runtime: &Runtime) -> Option<Arc<RedisLimiter>> {
    let url = std::env::var("REDIS_URL").unwrap_or_else(|_| "redis://127.0.0.1:6379".to_owned());
    let limiter = runtime.block_on(async {
        let client = redis::Client::open(url.as_str()).ok()?;
        let limiter = RedisLimiter::builder(client)
            .prefix(format!("layer-bench:{:x}:", std::process::id()))
            .timeout(Duration::from_secs(1))
            .failure_policy(FailurePolicy::Propagate)
            .build()
            .ok()?;
        let probe = request(u64::MAX, Quota::per_second(NonZeroU32::MIN));
        limiter.check(probe).await.ok()?;
        Some(limiter)
    });
    if limiter.is_none() {
        eprintln!("skipping ratelimit_redis: no Redis answers at {url}");
    }
    limiter.map(Arc::new)
}

fn bench(c: &mut Criterion) {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("tokio runtime");
    let Some(limiter) = connect(&runtime) else {
        return;
    };
    let admitted = Quota::per_second(NonZeroU32::new(1_000_000).expect("non-zero"));
    let refused = Quota::per_hour(NonZeroU32::MIN);
    let mut group = c.benchmark_group("ratelimit_redis");
    group.throughput(Throughput::Elements(1));
    for tasks in TASKS {
        group.bench_with_input(BenchmarkId::new("admitted", tasks), &tasks, |b, &tasks| {
            b.iter_custom(|iters| runtime.block_on(run(&limiter, tasks, iters, admitted, false)));
        });
        group.bench_with_input(
            BenchmarkId::new("refused-cached", tasks),
            &tasks,
            |b, &tasks| {
                b.iter_custom(|iters| runtime.block_on(run(&limiter, tasks, iters, refused, true)));
            },
        );
    }
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .sample_size(10)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(3));
    targets = bench
}
criterion_main!(benches);
