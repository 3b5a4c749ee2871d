//! Running `partner-api` and `layerctl` as real processes, and talking HTTP to the server.
//!
//! Everything here is deliberately plain: `std::process` for the programs and a few lines of
//! HTTP/1.1 over a `TcpStream` for requests, so a test reads like the shell session a person
//! would type.

#![allow(dead_code, unreachable_pub)]

use std::{
    fs::File,
    io::{BufRead, BufReader, Read, Write},
    net::TcpStream,
    path::{Path, PathBuf},
    process::{Child, Command, ExitStatus, Stdio},
    sync::mpsc::{Receiver, RecvTimeoutError, channel},
    time::{Duration, Instant},
};

use serde_json::Value;

/// How long anything may take before a test gives up: generous, for a loaded CI machine.
pub const DEADLINE: Duration = Duration::from_secs(20);

/// A running `partner-api`, killed when dropped so no test leaves a process behind.
pub struct Server {
    child: Child,
    lines: Receiver<String>,
    /// The server's `host:port`.
    pub address: String,
    /// What it printed before listening (the first key's banner, on a fresh store).
    pub banner: Vec<String>,
    /// Its log file (standard error).
    pub log: PathBuf,
}

impl Server {
    /// Starts the server on `db`, on a free loopback port, and waits until it listens.
    pub fn start(db: &Path, args: &[&str]) -> Self {
        Self::start_with_env(db, args, &[])
    }

    /// As [`Server::start`], with `env` set in the server's environment.
    pub fn start_with_env(db: &Path, args: &[&str], env: &[(&str, &str)]) -> Self {
        let mut all = vec!["--db", db.to_str().expect("a UTF-8 temporary path")];
        all.extend_from_slice(args);
        Self::launch(unique(db.to_path_buf()), &all, env)
    }

    /// Starts the server with `args` alone (a shared store named in them), logging to a
    /// file in `dir`, and waits until it listens.
    pub fn start_shared(dir: &Path, name: &str, args: &[&str]) -> Self {
        Self::launch(unique(dir.join(name)), args, &[])
    }

    fn launch(log: PathBuf, args: &[&str], env: &[(&str, &str)]) -> Self {
        let mut child = Command::new(env!("CARGO_BIN_EXE_partner-api"))
            .args(["--listen", "127.0.0.1:0"])
            .args(args)
            .env("RUST_LOG", "info")
            .env_remove("PARTNER_API_DB")
            .env_remove("PARTNER_API_DATABASE_URL")
            .env_remove("PARTNER_API_REDIS_URL")
            .env_remove("LAYER_BYOK_MASTER_KEY")
            .envs(env.iter().copied())
            .stdout(Stdio::piped())
            .stderr(File::create(&log).expect("log file"))
            .spawn()
            .expect("partner-api starts");
        let stdout = child.stdout.take().expect("piped stdout");
        let (send, lines) = channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if send.send(line).is_err() {
                    break;
                }
            }
        });
        let mut server = Self {
            child,
            lines,
            address: String::new(),
            banner: Vec::new(),
            log,
        };
        let started = Instant::now();
        loop {
            let line = match server.lines.recv_timeout(Duration::from_millis(200)) {
                Ok(line) => line,
                Err(RecvTimeoutError::Timeout) if started.elapsed() < DEADLINE => continue,
                Err(error) => panic!("partner-api did not start ({error}): {}", server.logs()),
            };
            if let Some(address) = line.strip_prefix("partner-api listening on http://") {
                server.address = address.to_owned();
                return server;
            }
            server.banner.push(line);
        }
    }

    /// The key printed on first start, if this start printed one.
    pub fn first_key(&self) -> Option<String> {
        self.banner
            .iter()
            .map(|line| line.trim())
            .find(|line| line.starts_with("lp_"))
            .map(str::to_owned)
    }

    /// Sends SIGTERM and waits for the exit; returns the status and what it printed since.
    pub fn terminate(self) -> (ExitStatus, Vec<String>) {
        self.send_sigterm();
        self.wait_exit()
    }

    /// Sends SIGTERM (with the `kill` command: no unsafe code, no extra crate).
    pub fn send_sigterm(&self) {
        let signalled = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status()
            .expect("kill runs");
        assert!(signalled.success());
    }

    /// Waits for the process to exit; returns the status and what it printed since.
    pub fn wait_exit(mut self) -> (ExitStatus, Vec<String>) {
        let started = Instant::now();
        let status = loop {
            if let Some(status) = self.child.try_wait().expect("wait") {
                break status;
            }
            assert!(started.elapsed() < DEADLINE, "partner-api did not exit");
            std::thread::sleep(Duration::from_millis(50));
        };
        let rest = self.lines.try_iter().collect();
        (status, rest)
    }

    /// Whether the process is still running (it has not exited, let alone panicked).
    pub fn is_running(&mut self) -> bool {
        self.child.try_wait().expect("wait").is_none()
    }

    /// The server's log so far.
    pub fn logs(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    /// One request; `key` goes in `X-Api-Key`.
    pub fn request(
        &self,
        method: &str,
        path: &str,
        key: Option<&str>,
        body: Option<&str>,
    ) -> Reply {
        request(&self.address, method, path, key, body)
    }

    /// `GET /v1/whoami` with `key`.
    pub fn whoami(&self, key: &str) -> Reply {
        self.request("GET", "/v1/whoami", Some(key), None)
    }

    /// Repeats `GET /v1/whoami` until `done` holds (a change made by `layerctl` reaches the
    /// server at its next refresh); panics after [`DEADLINE`].
    pub fn whoami_until(&self, key: &str, what: &str, done: impl Fn(&Reply) -> bool) -> Reply {
        let started = Instant::now();
        loop {
            let reply = self.whoami(key);
            if done(&reply) {
                return reply;
            }
            assert!(
                started.elapsed() < DEADLINE,
                "never saw {what}; last reply {} {}",
                reply.status,
                reply.body
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn unique(path: PathBuf) -> PathBuf {
    let mut n = 0;
    loop {
        let candidate = path.with_extension(format!("{n}.log"));
        if !candidate.exists() {
            return candidate;
        }
        n += 1;
    }
}

/// An HTTP response.
#[derive(Debug)]
pub struct Reply {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl Reply {
    /// A header's value (names compared case-insensitively).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The body as JSON.
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("{e}: {}", self.body))
    }

    /// Asserts the SPEC 2.1 envelope with `status` and `code`, its `requestId` equal to the
    /// `X-Request-Id` header; returns the envelope's `error` object.
    pub fn assert_error(&self, status: u16, code: &str) -> Value {
        assert_eq!(self.status, status, "{}", self.body);
        let error = self.json()["error"].clone();
        assert_eq!(error["code"], code, "{}", self.body);
        let id = error["requestId"].as_str().expect("requestId");
        assert!(id.starts_with("req_") && id.len() == 30, "{id}");
        assert_eq!(self.header("x-request-id"), Some(id));
        error
    }
}

/// One HTTP/1.1 request with `Connection: close`, read to the end.
pub fn request(
    address: &str,
    method: &str,
    path: &str,
    key: Option<&str>,
    body: Option<&str>,
) -> Reply {
    let headers: Vec<(&str, &str)> = key.map(|key| ("X-Api-Key", key)).into_iter().collect();
    send(address, method, path, &headers, body)
}

/// One HTTP/1.1 request with `headers` and `Connection: close`, read to the end.
pub fn send(
    address: &str,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: Option<&str>,
) -> Reply {
    let mut stream = TcpStream::connect(address).expect("connect");
    stream.set_read_timeout(Some(DEADLINE)).expect("timeout");
    let mut head = format!("{method} {path} HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\n");
    for (name, value) in headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    let body = body.unwrap_or("");
    if !body.is_empty() {
        head.push_str("Content-Type: application/json\r\n");
    }
    head.push_str(&format!("Content-Length: {}\r\n\r\n{body}", body.len()));
    stream.write_all(head.as_bytes()).expect("send");
    let mut raw = String::new();
    stream.read_to_string(&mut raw).expect("read");
    let (head, body) = raw.split_once("\r\n\r\n").expect("a complete response");
    let mut lines = head.lines();
    let status = lines
        .next()
        .and_then(|line| line.split(' ').nth(1))
        .and_then(|code| code.parse().ok())
        .expect("status line");
    let headers = lines
        .filter_map(|line| line.split_once(':'))
        .map(|(n, v)| (n.trim().to_owned(), v.trim().to_owned()))
        .collect();
    Reply {
        status,
        headers,
        body: body.to_owned(),
    }
}

/// What a `layerctl` run printed, and its exit code.
#[derive(Debug)]
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    /// Standard output as JSON (for `--json` runs).
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("{e}: {} / {}", self.stdout, self.stderr))
    }
}

/// Runs `layerctl --db <db> <args>` with `env` set and `stdin` fed in.
pub fn layerctl(db: &Path, args: &[&str], env: &[(&str, &str)], stdin: &str) -> Run {
    let mut child = Command::new(env!("CARGO_BIN_EXE_layerctl"))
        .arg("--db")
        .arg(db)
        .args(args)
        .env_remove("LAYERS_API_KEY")
        .env_remove("LAYER_BYOK_MASTER_KEY")
        .env_remove("PARTNER_API_DB")
        .env_remove("PARTNER_API_DATABASE_URL")
        .env_remove("PARTNER_API_REDIS_URL")
        .envs(env.iter().copied())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("layerctl starts");
    child
        .stdin
        .take()
        .expect("piped stdin")
        .write_all(stdin.as_bytes())
        .expect("stdin written");
    let output = child.wait_with_output().expect("layerctl runs");
    Run {
        code: output.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}
