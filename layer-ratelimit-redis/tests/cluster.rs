//! The limiter on a real Redis Cluster: three primaries this test starts itself, the slots
//! spread over them by `redis-cli --cluster create`.
//!
//! Each bucket's keys share a hash tag, so the script's keys are always in one slot; many API
//! keys spread over every primary; and each key is admitted exactly its limit, including the
//! daily cap on `write-light`, whichever primary owns it. Skipped (saying why) when
//! `redis-server` or `redis-cli` cannot run, unless `CI` is set.

use core::num::NonZeroU32;
use std::{
    net::TcpListener,
    path::Path,
    process::{Child, Command, Stdio},
    time::{Duration, Instant},
};

use layer_ratelimit::{Backend, BucketKey, ClassLimits, EndpointClass, Quota, Request, Tier};
use layer_ratelimit_redis::{RedisLimiter, redis};

/// Three `redis-server --cluster-enabled yes`, killed on drop.
struct Cluster {
    nodes: Vec<Child>,
    ports: Vec<u16>,
    /// The nodes' working directory (their `nodes-<port>.conf`).
    dir: tempfile::TempDir,
}

impl Drop for Cluster {
    fn drop(&mut self) {
        for node in &mut self.nodes {
            let _ = node.kill();
            let _ = node.wait();
        }
    }
}

impl Cluster {
    fn start() -> Option<Self> {
        match Self::try_start() {
            Ok(cluster) => Some(cluster),
            Err(why) if std::env::var_os("CI").is_some() => {
                panic!("CI is set but a Redis Cluster cannot be started: {why}")
            }
            Err(why) => {
                eprintln!("skipping: a Redis Cluster cannot be started ({why})");
                None
            }
        }
    }

    fn try_start() -> Result<Self, String> {
        let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
        let ports: Vec<u16> = (0..3).map(|_| free_port()).collect();
        let mut cluster = Self {
            nodes: Vec::new(),
            ports: ports.clone(),
            dir,
        };
        for &port in &ports {
            let node = spawn_node(cluster.dir.path(), port)?;
            cluster.nodes.push(node);
        }
        for &port in &ports {
            wait_for(port, "PING", "PONG")?;
        }
        let addresses: Vec<String> = ports.iter().map(|p| format!("127.0.0.1:{p}")).collect();
        let created = Command::new("redis-cli")
            .args(["--cluster", "create"])
            .args(&addresses)
            .args(["--cluster-replicas", "0", "--cluster-yes"])
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .output()
            .map_err(|e| format!("redis-cli: {e}"))?;
        if !created.status.success() {
            return Err(String::from_utf8_lossy(&created.stderr).into_owned());
        }
        for &port in &ports {
            wait_for(port, "CLUSTER INFO", "cluster_state:ok")?;
        }
        Ok(cluster)
    }

    fn client(&self) -> redis::cluster::ClusterClient {
        redis::cluster::ClusterClient::new(
            self.ports
                .iter()
                .map(|p| format!("redis://127.0.0.1:{p}"))
                .collect::<Vec<_>>(),
        )
        .expect("a cluster client")
    }
}

fn spawn_node(dir: &Path, port: u16) -> Result<Child, String> {
    Command::new("redis-server")
        .current_dir(dir)
        .args(["--port", &port.to_string(), "--bind", "127.0.0.1"])
        .args(["--cluster-enabled", "yes"])
        .args(["--cluster-config-file", &format!("nodes-{port}.conf")])
        .args(["--save", "", "--appendonly", "no", "--daemonize", "no"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| format!("redis-server: {e}"))
}

/// Polls `redis-cli -p port <command>` until its output contains `expected`.
fn wait_for(port: u16, command: &str, expected: &str) -> Result<(), String> {
    let started = Instant::now();
    loop {
        let output = Command::new("redis-cli")
            .args(["-p", &port.to_string()])
            .args(command.split(' '))
            .output()
            .map_err(|e| format!("redis-cli: {e}"))?;
        if String::from_utf8_lossy(&output.stdout).contains(expected) {
            return Ok(());
        }
        if started.elapsed() > Duration::from_secs(20) {
            return Err(format!(
                "port {port} never answered {command} with {expected}"
            ));
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port()
}

/// Keys stored on the node at `port`.
fn keys_on(port: u16) -> usize {
    let output = Command::new("redis-cli")
        .args(["-p", &port.to_string(), "DBSIZE"])
        .output()
        .expect("redis-cli runs");
    String::from_utf8_lossy(&output.stdout)
        .trim()
        .parse()
        .expect("DBSIZE is a number")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_key_is_admitted_its_limit_on_whichever_primary_owns_it() {
    let Some(cluster) = Cluster::start() else {
        return;
    };
    let limiter = RedisLimiter::cluster_builder(cluster.client())
        .timeout(Duration::from_secs(2))
        .denied_cache_capacity(0)
        .build()
        .unwrap();
    const LIMIT: u32 = 5;
    const DAILY: u32 = 3;
    const KEYS: u8 = 60;
    let quota = Quota::per_minute(NonZeroU32::new(LIMIT).unwrap());
    for key in 0..KEYS {
        let request =
            |class, limits| Request::new(BucketKey::new([key; 16]), class, Tier::Standard, limits);
        let read = request(EndpointClass::ReadLight, ClassLimits::quota(quota));
        let write = request(
            EndpointClass::WriteLight,
            ClassLimits {
                quota: Some(quota),
                daily_cap: NonZeroU32::new(DAILY),
            },
        );
        let mut admitted = (0, 0);
        for _ in 0..LIMIT + 2 {
            let decision = limiter.check(read.clone()).await.unwrap();
            assert!(!decision.is_fallback(), "{:?}", limiter.last_error());
            admitted.0 += u32::from(decision.is_allowed());
            let decision = limiter.check(write.clone()).await.unwrap();
            assert!(!decision.is_fallback(), "{:?}", limiter.last_error());
            admitted.1 += u32::from(decision.is_allowed());
        }
        assert_eq!(admitted, (LIMIT, DAILY), "key {key}");
    }
    // Three keys per API key (two buckets, one daily counter), spread over every primary.
    let per_node: Vec<usize> = cluster.ports.iter().map(|&p| keys_on(p)).collect();
    assert_eq!(
        per_node.iter().sum::<usize>(),
        3 * usize::from(KEYS),
        "{per_node:?}"
    );
    assert!(per_node.iter().all(|&n| n > 0), "{per_node:?}");
    assert_eq!(limiter.stats().fallbacks, 0);
}
