//! The example Partner API server. Start it with:
//!
//! ```text
//! cargo run --release -p layer-examples --bin partner-api
//! ```
//!
//! and read `layer_examples::partner_api` for how it is put together.

use std::process::ExitCode;

use clap::Parser;
use layer_examples::partner_api::{self, Config};
use tracing_subscriber::EnvFilter;

fn main() -> ExitCode {
    let config = Config::parse();

    // Structured logs on standard error, `info` unless `RUST_LOG` says otherwise
    // (`RUST_LOG=warn` for benchmarks: a log line per request costs throughput).
    tracing_subscriber::fmt()
        .with_env_filter(EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into()))
        .with_writer(std::io::stderr)
        .init();

    let runtime = match tokio::runtime::Runtime::new() {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("partner-api: cannot start the async runtime: {error}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(partner_api::run(config)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            tracing::error!(%error, "partner-api failed");
            eprintln!("partner-api: {error}");
            ExitCode::FAILURE
        }
    }
}
