//! When Redis is unreachable the failure policy answers, marked as a fallback; when it comes
//! back, checks are decided by Redis again.

#[path = "support/redis_env.rs"]
mod redis_env;

use core::num::NonZeroU32;
use std::net::TcpListener;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use layer_ratelimit::{
    Backend, BucketKey, ClassLimits, Denial, EndpointClass, Quota, Request, Tier,
};
use layer_ratelimit_redis::{Error, FailurePolicy, RedisLimiter, redis};

fn request() -> Request<BucketKey> {
    let quota = Quota::per_minute(NonZeroU32::new(2).unwrap());
    Request::new(
        BucketKey::new([9; 16]),
        EndpointClass::WriteLight,
        Tier::Standard,
        ClassLimits::quota(quota),
    )
}

fn limiter(url: &str, prefix: &str, policy: FailurePolicy) -> RedisLimiter {
    RedisLimiter::builder(redis::Client::open(url).unwrap())
        .prefix(prefix)
        .timeout(Duration::from_millis(200))
        .failure_policy(policy)
        .build()
        .unwrap()
}

const CLOSED: FailurePolicy = FailurePolicy::FailClosed {
    retry_after: Duration::from_millis(1_500),
};

#[tokio::test]
async fn a_closed_port_falls_back_by_policy() {
    let url = "redis://127.0.0.1:1";
    let prefix = redis_env::prefix();
    let open = limiter(url, &prefix, FailurePolicy::FailOpen);
    let d = open.check(request()).await.unwrap();
    assert!(d.is_allowed() && d.is_fallback());
    assert_eq!(d.remaining(), None, "a fallback carries no bucket state");
    assert_eq!(open.stats().fallbacks, 1);
    assert!(open.last_error().is_some());

    let closed = limiter(url, &prefix, CLOSED);
    for _ in 0..3 {
        let d = closed.check(request()).await.unwrap();
        assert_eq!(d.denial(), Some(Denial::Unavailable));
        assert!(d.is_fallback());
        assert_eq!(d.retry_after_secs(), Some(2));
    }
    assert_eq!(closed.stats().fallbacks, 3);
    assert_eq!(closed.cached_refusals(), 0, "fallbacks are never cached");

    let propagate = limiter(url, &prefix, FailurePolicy::Propagate);
    assert!(propagate.check(request()).await.is_err());
}

#[test]
fn building_outside_a_runtime_is_an_error() {
    let client = redis::Client::open("redis://127.0.0.1:1").unwrap();
    assert!(matches!(
        RedisLimiter::builder(client).build(),
        Err(Error::NoRuntime)
    ));
}

/// A `redis-server` of our own, killed on drop.
struct Server {
    child: Child,
    port: u16,
}

impl Server {
    /// Starts one on `port`; `None` (after saying why) if `redis-server` cannot run outside
    /// CI.
    fn start(port: u16) -> Option<Self> {
        let spawned = Command::new("redis-server")
            .args([
                "--port",
                &port.to_string(),
                "--save",
                "",
                "--appendonly",
                "no",
            ])
            .args(["--daemonize", "no", "--bind", "127.0.0.1"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn();
        match spawned {
            Ok(child) => Some(Self { child, port }),
            Err(e) if std::env::var_os("CI").is_some() => {
                panic!("CI is set but redis-server cannot be started: {e}")
            }
            Err(e) => {
                eprintln!("skipping: redis-server cannot be started ({e})");
                None
            }
        }
    }

    fn url(&self) -> String {
        format!("redis://127.0.0.1:{}", self.port)
    }

    /// Waits until it answers PING.
    async fn ready(&self) {
        let client = redis::Client::open(self.url()).unwrap();
        for _ in 0..200 {
            if let Ok(mut c) = client.get_multiplexed_async_connection().await {
                let pong: redis::RedisResult<String> = redis::cmd("PING").query_async(&mut c).await;
                if pong.is_ok() {
                    return;
                }
            }
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
        panic!("redis-server on port {} never answered", self.port);
    }

    fn kill(mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    listener.local_addr().unwrap().port()
}

/// Checks until one is decided by Redis rather than by the policy; the connection manager
/// reconnects in the background with a short backoff.
async fn until_decided(limiter: &RedisLimiter) -> layer_ratelimit::Decision {
    for _ in 0..100 {
        let d = limiter.check(request()).await.unwrap();
        if !d.is_fallback() {
            return d;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    panic!("no check was decided by Redis after it came back");
}

#[tokio::test]
async fn a_killed_redis_falls_back_and_recovers_when_restarted() {
    let port = free_port();
    let Some(server) = Server::start(port) else {
        return;
    };
    server.ready().await;
    let url = server.url();
    let prefix = redis_env::prefix();
    let open = limiter(&url, &prefix, FailurePolicy::FailOpen);
    let closed = limiter(&url, &prefix, CLOSED);

    let d = open.check(request()).await.unwrap();
    assert!(d.is_allowed() && !d.is_fallback());
    assert_eq!(d.remaining(), Some(1));
    assert!(!closed.check(request()).await.unwrap().is_fallback());

    server.kill();
    let d = open.check(request()).await.unwrap();
    assert!(d.is_allowed() && d.is_fallback());
    let d = closed.check(request()).await.unwrap();
    assert_eq!(d.denial(), Some(Denial::Unavailable));
    assert!(d.is_fallback());

    // A fresh server holds no buckets: the first real decision finds a full one.
    let Some(server) = Server::start(port) else {
        return;
    };
    server.ready().await;
    let d = until_decided(&open).await;
    assert!(d.is_allowed());
    assert_eq!(d.remaining(), Some(1));
    let d = until_decided(&closed).await;
    assert!(d.is_allowed());
    assert_eq!(
        d.remaining(),
        Some(0),
        "both limiters share the new server's bucket"
    );
    drop(server);
}
