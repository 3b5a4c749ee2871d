//! The shared services the scale-out tests run against: the machine's PostgreSQL and Redis,
//! and Redis servers of a test's own that it may stop and restart.
//!
//! Without PostgreSQL or Redis the tests print why and pass as skipped, except under CI
//! (`CI` set), where a missing service fails them.

#![allow(dead_code, unreachable_pub)]

use std::{
    io::{Read, Write},
    net::{TcpListener, TcpStream},
    process::{Child, Command, Stdio},
    time::{Duration, Instant},
};

/// The machine's PostgreSQL: trust auth on loopback, as in CI.
pub const POSTGRES_URL: &str = "postgres://postgres@127.0.0.1:5432/test";
/// The machine's Redis.
pub const REDIS_URL: &str = "redis://127.0.0.1:6379";

/// Whether PostgreSQL and Redis answer on loopback; `false` (after saying why) outside CI.
///
/// # Panics
///
/// When one is unreachable and `CI` is set.
pub fn shared_services_up() -> bool {
    for (name, address) in [
        ("PostgreSQL", "127.0.0.1:5432"),
        ("Redis", "127.0.0.1:6379"),
    ] {
        if let Err(error) = TcpStream::connect(address) {
            if std::env::var_os("CI").is_some() {
                panic!("CI is set but {name} at {address} is unreachable: {error}");
            }
            eprintln!("skipped: {name} at {address} is unreachable ({error}); set CI to fail");
            return false;
        }
    }
    true
}

/// A name no other test run uses: for schemas, key prefixes and channels.
pub fn unique(prefix: &str) -> String {
    format!("{prefix}_{}", uuid::Uuid::new_v4().simple())
}

/// A PostgreSQL schema name only this test uses; the schema (created by the programs under
/// test) is dropped when this is, with `psql` if the machine has it.
pub struct Schema(pub String);

impl Schema {
    /// A fresh name starting with `prefix`.
    pub fn new(prefix: &str) -> Self {
        Self(unique(prefix))
    }
}

impl Drop for Schema {
    fn drop(&mut self) {
        let _ = Command::new("psql")
            .args([POSTGRES_URL, "-q", "-c"])
            .arg(format!("DROP SCHEMA IF EXISTS {} CASCADE", self.0))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status();
    }
}

/// A `redis-server` of the test's own on a free port, killed on drop.
pub struct OwnRedis {
    child: Option<Child>,
    /// Its port, kept across restarts.
    pub port: u16,
}

impl OwnRedis {
    /// Starts one and waits until it answers; `None` (after saying why) if `redis-server`
    /// cannot run outside CI.
    ///
    /// # Panics
    ///
    /// When it cannot run and `CI` is set.
    pub fn start() -> Option<Self> {
        let port = TcpListener::bind("127.0.0.1:0")
            .and_then(|listener| listener.local_addr())
            .expect("a free port")
            .port();
        let mut redis = Self { child: None, port };
        match redis.spawn() {
            Ok(()) => Some(redis),
            Err(error) if std::env::var_os("CI").is_some() => {
                panic!("CI is set but redis-server cannot be started: {error}")
            }
            Err(error) => {
                eprintln!("skipped: redis-server cannot be started ({error})");
                None
            }
        }
    }

    /// `redis://127.0.0.1:<port>`.
    pub fn url(&self) -> String {
        format!("redis://127.0.0.1:{}", self.port)
    }

    /// Kills it (as a crash would: no shutdown handshake).
    pub fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// Starts it again on the same port, empty, and waits until it answers.
    pub fn restart(&mut self) {
        self.stop();
        self.spawn().expect("redis-server restarts");
    }

    fn spawn(&mut self) -> std::io::Result<()> {
        let child = Command::new("redis-server")
            .args(["--port", &self.port.to_string(), "--bind", "127.0.0.1"])
            .args(["--save", "", "--appendonly", "no", "--daemonize", "no"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()?;
        self.child = Some(child);
        let started = Instant::now();
        while !self.answers_ping() {
            assert!(
                started.elapsed() < Duration::from_secs(10),
                "redis-server on port {} never answered",
                self.port
            );
            std::thread::sleep(Duration::from_millis(20));
        }
        Ok(())
    }

    fn answers_ping(&self) -> bool {
        let Ok(mut stream) = TcpStream::connect(("127.0.0.1", self.port)) else {
            return false;
        };
        let mut reply = [0; 7];
        stream.write_all(b"PING\r\n").is_ok()
            && stream.read_exact(&mut reply).is_ok()
            && &reply == b"+PONG\r\n"
    }
}

impl Drop for OwnRedis {
    fn drop(&mut self) {
        self.stop();
    }
}
