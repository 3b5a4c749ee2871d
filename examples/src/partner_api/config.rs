//! [`Config`]: every setting of `partner-api`, from a flag or an environment variable.

use std::net::SocketAddr;

use layer_ratelimit::TierTable;

use super::admin::AdminToken;
use crate::{backends::BackendArgs, tier_spec::parse_tier_table};

/// `partner-api`'s settings. Each flag has an environment variable of the same meaning, so
/// the server configures the same way from a shell, a container or a test.
#[derive(Debug, Clone, clap::Parser)]
#[command(
    name = "partner-api",
    version,
    about = "The example Partner API server: GET /v1/whoami and demo routes behind layer-auth."
)]
pub struct Config {
    /// Address to listen on. Port 0 lets the OS pick one; the bound address is printed.
    #[arg(long, env = "PARTNER_API_LISTEN", default_value = "127.0.0.1:8080")]
    pub listen: SocketAddr,

    /// Where keys, limits and changes live (SQLite by default; PostgreSQL and Redis to run
    /// several instances).
    #[command(flatten)]
    pub backends: BackendArgs,

    /// Enables the admin routes (`/admin/...`: kill, revoke, organization access, the global
    /// switch) for callers presenting `Authorization: Bearer <token>`. Without it they do
    /// not exist.
    #[arg(long, env = "PARTNER_API_ADMIN_TOKEN", hide_env_values = true)]
    pub admin_token: Option<AdminToken>,

    /// Tier limits replacing SPEC 3.1's, comma-separated `NAME=READ/WRITE/LONG[/JOBS]`
    /// per minute (`unlimited` lifts one), e.g. `standard=5/60/20/1`.
    #[arg(long, env = "PARTNER_API_TIERS", value_parser = parse_tier_table)]
    pub tiers: Option<TierTable>,

    /// How often (ms) the kill switches are re-read from the store: the bound on how long a
    /// kill made elsewhere takes to reach this server when it was not propagated over Redis.
    #[arg(long, env = "PARTNER_API_REFRESH_MS", default_value_t = 1_000,
        value_parser = clap::value_parser!(u64).range(1..))]
    pub refresh_ms: u64,

    /// How long (ms) a looked-up key record is reused: the bound on how long a revocation
    /// made elsewhere takes to reach this server when it was not propagated over Redis.
    /// 0 disables the cache.
    #[arg(long, env = "PARTNER_API_RECORD_TTL_MS", default_value_t = 5_000)]
    pub record_ttl_ms: u64,

    /// How often (ms) batched last-used times are written to the store.
    #[arg(long, env = "PARTNER_API_FLUSH_MS", default_value_t = 5_000,
        value_parser = clap::value_parser!(u64).range(1..))]
    pub flush_ms: u64,

    /// How long (ms) a demo job started with `POST /v1/jobs` holds its concurrent-job slot.
    #[arg(long, env = "PARTNER_API_JOB_MS", default_value_t = 10_000)]
    pub job_ms: u64,

    /// BENCHMARK ONLY: serve `GET /v1/whoami` (a fixed body) with authentication switched
    /// off, to measure what authentication costs. Never use it for anything else.
    #[arg(long)]
    pub no_auth: bool,
}
