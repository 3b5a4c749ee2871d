//! The Redis the tests run against, and what every test needs around it.

#![allow(dead_code, unreachable_pub)]

use std::time::Duration;

use layer_ratelimit::FakeClock;
use layer_ratelimit_redis::{FailurePolicy, RedisLimiter, RedisLimiterBuilder, redis};

/// `REDIS_URL`, or the loopback default.
pub fn url() -> String {
    std::env::var("REDIS_URL").unwrap_or_else(|_| "redis://127.0.0.1:6379".to_owned())
}

/// A connection to the test Redis; `None` (after saying why) when it cannot be reached outside
/// CI. In CI (`CI` set) an unreachable Redis fails the test.
pub async fn connect() -> Option<redis::aio::MultiplexedConnection> {
    let url = url();
    let attempt = async {
        let client = redis::Client::open(url.as_str())?;
        client.get_multiplexed_async_connection().await
    };
    let outcome = tokio::time::timeout(Duration::from_secs(5), attempt).await;
    let error = match outcome {
        Ok(Ok(connection)) => return Some(connection),
        Ok(Err(e)) => e.to_string(),
        Err(_) => "timed out".to_owned(),
    };
    if std::env::var_os("CI").is_some() {
        panic!("CI is set but Redis at {url} is unreachable: {error}");
    }
    eprintln!("skipping: Redis at {url} is unreachable ({error})");
    None
}

/// A key prefix no other run uses.
pub fn prefix() -> String {
    format!("layer-ratelimit-test:{:016x}:", rand::random::<u64>())
}

/// A builder for the test Redis under a fresh prefix, with a generous timeout and errors
/// propagated, so that a slow machine fails loudly instead of falling back.
pub fn builder() -> RedisLimiterBuilder {
    let client = redis::Client::open(url().as_str()).expect("valid REDIS_URL");
    RedisLimiter::builder(client)
        .prefix(prefix())
        .timeout(Duration::from_secs(5))
        .failure_policy(FailurePolicy::Propagate)
}

/// A fake clock some seconds before a UTC midnight, so that schedules cross a day.
pub fn clock_before_midnight(seconds: u64) -> FakeClock {
    let midnight = 19_676 * 86_400;
    FakeClock::starting_at_unix(Duration::from_secs(midnight - seconds))
}
