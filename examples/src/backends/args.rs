//! [`BackendArgs`]: the flags that choose the backends, shared by `partner-api` and
//! `layerctl` so both point at the same state the same way.

use std::{fmt, path::PathBuf, time::Duration};

use layer_auth_redis::RedisPropagation;
use layer_ratelimit_redis::FailurePolicy;

/// Where keys, limits and changes live. Without `--database-url` keys are in the SQLite file
/// `--db`; without `--redis-url` limits are per process and changes reach other processes
/// only through the periodic refresh.
#[derive(Clone, clap::Args)]
pub struct BackendArgs {
    /// The SQLite key store, created on first start. Ignored with `--database-url`.
    #[arg(
        long,
        global = true,
        env = "PARTNER_API_DB",
        default_value = "partner-api.db"
    )]
    pub db: PathBuf,

    /// A PostgreSQL URL (`postgres://user@host:5432/db`): keep keys there instead of in the
    /// SQLite file. Migrations run on start.
    #[arg(long, global = true, env = "PARTNER_API_DATABASE_URL")]
    pub database_url: Option<String>,

    /// The PostgreSQL schema to use, created if absent, so several deployments (or test
    /// runs) can share one database.
    #[arg(
        long,
        global = true,
        env = "PARTNER_API_DATABASE_SCHEMA",
        default_value = "public"
    )]
    pub database_schema: layer_auth_postgres::SchemaName,

    /// A Redis URL (`redis://127.0.0.1:6379`): share rate limits across instances and
    /// publish kills and revocations to them at once.
    #[arg(long, global = true, env = "PARTNER_API_REDIS_URL")]
    pub redis_url: Option<String>,

    /// Prefix of every rate-limit key in Redis (keys are `<prefix>{<bucket>}:<class>`).
    #[arg(
        long,
        global = true,
        env = "PARTNER_API_REDIS_PREFIX",
        default_value = layer_ratelimit_redis::KeyLayout::DEFAULT_PREFIX
    )]
    pub redis_prefix: String,

    /// The Redis pub/sub channel kills and revocations travel on.
    #[arg(
        long,
        global = true,
        env = "PARTNER_API_REDIS_CHANNEL",
        default_value = "layer:changes"
    )]
    pub redis_channel: String,

    /// What a rate-limit check answers while Redis is unreachable: `open` admits the
    /// request unchecked, `closed` refuses it with `429` and `Retry-After: 1`.
    #[arg(
        long,
        global = true,
        env = "PARTNER_API_RATE_LIMIT_FAILURE",
        value_enum,
        default_value_t = FailureMode::Open
    )]
    pub rate_limit_failure: FailureMode,
}

/// `--rate-limit-failure`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum FailureMode {
    /// Admit unchecked: a Redis outage must not become an API outage.
    Open,
    /// Refuse with `429`, for APIs where an unmetered request costs more than a refused one.
    Closed,
}

impl FailureMode {
    /// The Redis limiter's policy for this mode.
    #[must_use]
    pub const fn policy(self) -> FailurePolicy {
        match self {
            Self::Open => FailurePolicy::FailOpen,
            Self::Closed => FailurePolicy::FailClosed {
                retry_after: Duration::from_secs(1),
            },
        }
    }
}

impl BackendArgs {
    /// Where the keys are, for messages: the SQLite path, or the PostgreSQL schema (never
    /// the URL, which may hold a password).
    #[must_use]
    pub fn store_description(&self) -> String {
        match &self.database_url {
            None => self.db.display().to_string(),
            Some(_) => format!("postgresql (schema {})", self.database_schema),
        }
    }

    /// The channel kills and revocations travel on, when `--redis-url` is set. Nothing
    /// connects yet.
    ///
    /// # Errors
    ///
    /// An invalid Redis URL.
    pub fn propagation(&self) -> Result<Option<RedisPropagation>, layer_auth_redis::Error> {
        self.redis_url
            .as_deref()
            .map(|url| RedisPropagation::new(url, self.redis_channel.clone()))
            .transpose()
    }
}

impl fmt::Debug for BackendArgs {
    /// URLs can carry passwords: only whether they are set is shown.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let set = |url: &Option<String>| if url.is_some() { "[set]" } else { "[unset]" };
        f.debug_struct("BackendArgs")
            .field("db", &self.db)
            .field("database_url", &set(&self.database_url))
            .field("database_schema", &self.database_schema)
            .field("redis_url", &set(&self.redis_url))
            .field("redis_prefix", &self.redis_prefix)
            .field("redis_channel", &self.redis_channel)
            .field("rate_limit_failure", &self.rate_limit_failure)
            .finish()
    }
}
