//! Kill propagation between two `partner-api` processes sharing PostgreSQL and Redis:
//! 100 flips (kill, un-kill, alternating) made through instance A's admin route, each timed
//! from the moment the request leaves for A until instance B first answers with the new
//! state. Prints the median, the 90th percentile and the worst.
//!
//! ```text
//! cargo bench -p layer-examples --bench kill_propagation
//! ```
//!
//! Not a criterion benchmark: the quantity is a latency distribution across processes, and
//! each sample is one real flip. Needs the machine's PostgreSQL and Redis; without them it
//! says so and exits.

#[path = "../tests/support/processes.rs"]
mod processes;
#[path = "../tests/support/services.rs"]
mod services;

use std::time::{Duration, Instant};

use processes::{DEADLINE, Server, layerctl, send};
use services::{POSTGRES_URL, REDIS_URL, Schema, shared_services_up, unique};

const FLIPS: usize = 100;
const ADMIN_TOKEN: &str = "kill-propagation-bench-token";

fn main() {
    // `cargo bench` passes `--bench`; `cargo test --benches` would too. Either way, one run.
    if !shared_services_up() {
        return;
    }
    let dir = tempfile::tempdir().expect("temporary directory");
    let schema = Schema::new("bench");
    let prefix = format!("{}:", unique("bench"));
    let channel = unique("bench");
    let shared = [
        "--database-url",
        POSTGRES_URL,
        "--database-schema",
        &schema.0,
        "--redis-url",
        REDIS_URL,
        "--redis-prefix",
        &prefix,
        "--redis-channel",
        &channel,
    ];
    let mut args = shared.to_vec();
    args.extend([
        "--admin-token",
        ADMIN_TOKEN,
        "--refresh-ms",
        "30000",
        "--record-ttl-ms",
        "30000",
        "--tiers",
        "standard=unlimited/unlimited/unlimited",
    ]);
    let a = Server::start_shared(dir.path(), "a", &args);
    let b = Server::start_shared(dir.path(), "b", &args);
    let key = a.first_key().expect("a fresh schema prints its first key");
    let mut ctl = shared.to_vec();
    ctl.extend(["--json", "key", "list"]);
    let listed = layerctl(&dir.path().join("unused.db"), &ctl, &[], "").json();
    let id = listed["keys"][0]["apiKeyId"]
        .as_str()
        .expect("the first key's id")
        .to_owned();
    assert_eq!(b.whoami(&key).status, 200);

    let bearer = format!("Bearer {ADMIN_TOKEN}");
    let mut samples = Vec::with_capacity(FLIPS);
    for flip in 0..FLIPS {
        let (action, expected) = if flip % 2 == 0 {
            ("kill", 503)
        } else {
            ("unkill", 200)
        };
        let started = Instant::now();
        let made = send(
            &a.address,
            "POST",
            &format!("/admin/keys/{id}/{action}"),
            &[("Authorization", &bearer)],
            None,
        );
        assert_eq!(made.status, 200, "{}", made.body);
        while b.whoami(&key).status != expected {
            assert!(started.elapsed() < DEADLINE, "flip {flip} never reached B");
        }
        samples.push(started.elapsed());
    }
    samples.sort();
    let at = |q: f64| samples[((samples.len() - 1) as f64 * q).round() as usize];
    println!(
        "kill propagation A -> B over {FLIPS} flips: median {:.2} ms, p90 {:.2} ms, worst {:.2} ms",
        ms(at(0.5)),
        ms(at(0.9)),
        ms(at(1.0)),
    );
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}
