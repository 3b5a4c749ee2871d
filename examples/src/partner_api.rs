//! `partner-api`: the example server, built from the toolkit's crates.
//!
//! If you are new here, this is the module to read first. It shows the whole life of a server
//! that authenticates API keys:
//!
//! 1. open the key store (a SQLite file, or PostgreSQL) and build an [`Authenticator`] over
//!    it, with the in-process rate limiter or the shared one in Redis;
//! 2. on the very first start, create an organization and print one test key, once;
//! 3. serve an axum app whose routes sit behind [`AuthLayer`](layer_auth::middleware::AuthLayer);
//! 4. keep the kill switches fresh and write last-used times in the background; with Redis,
//!    also publish the changes made here and apply those made by other instances;
//! 5. on SIGINT or SIGTERM, let in-flight requests finish, then write the last-used times one
//!    final time.
//!
//! The pieces live in small modules: [`config`] (flags and environment), [`first_run`],
//! [`app`] (the router), [`projects`] and [`jobs`] (demo routes), [`admin`] (kill and revoke
//! over HTTP), [`byok`] (organizations' own provider keys), [`access_log`] and [`envelope`]
//! (what every response carries) and [`shutdown`]; the backends are chosen in
//! [`crate::backends`].

pub mod access_log;
pub mod admin;
pub mod app;
pub mod byok;
pub mod config;
pub mod envelope;
pub mod first_run;
pub mod jobs;
pub mod projects;
pub mod shutdown;

use std::{error::Error, net::SocketAddr, time::Duration};

use layer_auth::Authenticator;
use layer_auth_redis::Subscription;
use tokio::net::TcpListener;

pub use self::config::Config;
use crate::backends::{Limiter, Store};

/// The authenticator every part of the server shares: over the store and the rate limiter
/// chosen at start-up.
pub type Auth = Authenticator<Store, Limiter>;

/// How long start-up waits for the first Redis subscription before giving up.
const SUBSCRIBE_TIMEOUT: Duration = Duration::from_secs(5);

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
    let (auth, _subscription) = build_auth(&config).await?;

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
        let mut extra = axum::Router::new();
        if let Some(token) = config.admin_token.clone() {
            extra = extra.merge(admin::router(auth.clone(), token));
        }
        if let Some(state) = byok::state_from_env(&auth).await? {
            extra = extra.merge(byok::router(auth.clone(), state));
        }
        app::router(auth.clone(), Duration::from_millis(config.job_ms), extra)
    };

    println!("partner-api listening on http://{address}");
    tracing::info!(%address, store = %config.backends.store_description(),
        redis = config.backends.redis_url.is_some(), refresh_ms = config.refresh_ms,
        record_ttl_ms = config.record_ttl_ms, admin = config.admin_token.is_some(), "listening");

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

/// Opens the store, builds the authenticator over it and, with Redis, wires propagation:
/// changes made here are published, changes published by others are applied. The
/// subscription lives as long as the returned handle.
async fn build_auth(
    config: &Config,
) -> Result<(Auth, Option<Subscription>), Box<dyn Error + Send + Sync>> {
    // Opening the store creates the schema on a fresh machine. Several processes (this
    // server, `layerctl`, other instances) may share it: SQLite's WAL mode lets them on one
    // machine, PostgreSQL across machines.
    let store = Store::open(&config.backends).await?;
    let builder = Authenticator::builder(store)
        .tiers(config.tiers.clone().unwrap_or_default())
        .record_ttl(Duration::from_millis(config.record_ttl_ms))
        .limiter(Limiter::from_args(&config.backends)?);
    let Some(propagation) = config.backends.propagation()? else {
        return Ok((builder.build().await?, None));
    };
    let publisher = propagation.publisher();
    let auth = builder.on_change(publisher.hook()).build().await?;
    tokio::spawn(publisher.run());
    // Wait for the first subscription: from then on no change published is missed. Redis
    // must be reachable at start-up (a misconfiguration shows at once); later outages are
    // survived, with the periodic refresh as the fallback.
    let subscription = propagation
        .subscribe(auth.clone(), SUBSCRIBE_TIMEOUT)
        .await?;
    Ok((auth, Some(subscription)))
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
