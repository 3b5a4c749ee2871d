//! `partner-api`: the example server, built from the toolkit's crates.
//!
//! If you are new here, this is the module to read first. It shows the whole life of a server
//! that authenticates API keys:
//!
//! 1. open the key store (a SQLite file) and build an [`Authenticator`] over it;
//! 2. on the very first start, create an organization and print one test key, once;
//! 3. serve an axum app whose routes sit behind [`AuthLayer`](layer_auth::middleware::AuthLayer);
//! 4. keep the kill switches fresh and write last-used times in the background;
//! 5. on SIGINT or SIGTERM, let in-flight requests finish, then write the last-used times one
//!    final time.
//!
//! The pieces live in small modules: [`config`] (flags and environment), [`first_run`],
//! [`app`] (the router), [`projects`] and [`jobs`] (demo routes), [`access_log`] and
//! [`envelope`] (what every response carries) and [`shutdown`].

pub mod access_log;
pub mod app;
pub mod config;
pub mod envelope;
pub mod first_run;
pub mod jobs;
pub mod projects;
pub mod shutdown;

use std::{error::Error, net::SocketAddr, time::Duration};

use layer_auth::{Authenticator, SqliteStore};
use tokio::net::TcpListener;

pub use self::config::Config;

/// The authenticator every part of the server shares: over the SQLite store, with the
/// in-process rate limiter.
pub type Auth = Authenticator<SqliteStore>;

/// Runs the server until SIGINT or SIGTERM.
///
/// What a person needs (the address, the first key) goes to standard output; everything else
/// is a structured log line on standard error.
///
/// # Errors
///
/// Opening the store, building the authenticator, binding the address, or the final flush of
/// last-used times failed. None of these errors carries a key.
pub async fn run(config: Config) -> Result<(), Box<dyn Error + Send + Sync>> {
    // The store is one file. Opening it creates the schema on a fresh machine, and several
    // processes (this server, `layerctl`) may share it: SQLite's WAL mode lets them.
    let store = SqliteStore::open(&config.db)?;
    let auth = Authenticator::builder(store)
        .tiers(config.tiers.clone().unwrap_or_default())
        .record_ttl(Duration::from_millis(config.record_ttl_ms))
        .build()
        .await?;

    // Bind before anything is printed, so the address we print is the one really in use
    // (with `--listen 127.0.0.1:0` the OS picks the port).
    let listener = TcpListener::bind(config.listen).await?;
    let address = listener.local_addr()?;

    if let Some(created) = first_run::ensure_demo_data(&auth).await? {
        first_run::print_first_key(&created, &shown_address(address));
    }

    // The maintenance loop picks up flips made by `layerctl` (another process) and writes
    // last-used times in batches. It runs until we stop it after shutdown.
    let maintenance = tokio::spawn(auth.clone().run_maintenance(
        Duration::from_millis(config.refresh_ms),
        Duration::from_millis(config.flush_ms),
    ));

    let app = if config.no_auth {
        tracing::warn!("authentication is OFF (--no-auth): benchmark use only");
        app::unauthenticated(first_run::sample_whoami(&auth).await?)
    } else {
        app::router(auth.clone(), Duration::from_millis(config.job_ms))
    };

    println!("partner-api listening on http://{address}");
    tracing::info!(%address, db = %config.db.display(), refresh_ms = config.refresh_ms,
        record_ttl_ms = config.record_ttl_ms, "listening");

    // `with_graceful_shutdown` stops accepting connections when the signal arrives and waits
    // for requests already in flight to finish.
    axum::serve(listener, app)
        .with_graceful_shutdown(shutdown::signal())
        .await?;

    // No request can record a use any more: write what is pending, once, and stop.
    maintenance.abort();
    let flushed = auth.flush_last_used().await?;
    tracing::info!(flushed, "stopped");
    println!("partner-api stopped; wrote {flushed} last-used time(s)");
    Ok(())
}

/// The address to put in a `curl` line: a wildcard bind is reachable on loopback.
fn shown_address(address: SocketAddr) -> SocketAddr {
    if address.ip().is_unspecified() {
        let loopback = match address {
            SocketAddr::V4(_) => std::net::Ipv4Addr::LOCALHOST.into(),
            SocketAddr::V6(_) => std::net::Ipv6Addr::LOCALHOST.into(),
        };
        SocketAddr::new(loopback, address.port())
    } else {
        address
    }
}
