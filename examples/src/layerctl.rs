//! `layerctl`: the operator's command line, against the same store as `partner-api`.
//!
//! Every administrative change (create, revoke, kill, un-kill, an organization's access, the
//! global switch) is written to the store: the SQLite file, or PostgreSQL with
//! `--database-url`. A running `partner-api` is another process, so it learns of the change
//! the way a second server instance would: with `--redis-url`, at once, from the change
//! `layerctl` publishes; otherwise kill switches at its next refresh (`--refresh-ms`, 1 s by
//! default) and revocations when its cached copy of the key record expires
//! (`--record-ttl-ms`, 5 s by default).
//!
//! Two commands need no store: `scan` (leaked keys in files or standard input) and
//! `boot-check` (SPEC 5's startup check against a running server).
//!
//! Exit status: `0` success; `1` a negative answer (`scan` found a key, `boot-check` found the
//! key unhealthy); `2` an error (bad arguments, unknown id, store or I/O failure).
//! Results go to standard output, readable by a person, or as one JSON document with
//! `--json`; errors go to standard error.

pub mod boot_check;
pub mod byok;
pub mod keys;
pub mod orgs;
pub mod output;
pub mod scan;

use std::{path::PathBuf, process::ExitCode, time::Duration};

use layer_auth::{Authenticator, KeyRecordId, OrgId};
use layer_auth_redis::RedisPropagation;
use layer_keys::Env;
use layer_ratelimit::Tier;

use self::output::{Failure, Output};
use crate::backends::{BackendArgs, Store};

/// The command line.
#[derive(Debug, clap::Parser)]
#[command(
    name = "layerctl",
    version,
    about = "Operate a layer-auth key store: keys, organizations, kill switches, leak scanning, boot checks."
)]
pub struct Cli {
    /// The store (the same one `partner-api` serves from) and, with `--redis-url`, the
    /// channel changes are published on so running servers apply them at once.
    #[command(flatten)]
    pub backends: BackendArgs,

    /// Print results as JSON, for scripts.
    #[arg(long, global = true)]
    pub json: bool,

    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The commands.
#[derive(Debug, clap::Subcommand)]
pub enum Command {
    /// Create, list, revoke, kill and un-kill keys.
    #[command(subcommand)]
    Key(KeyCommand),
    /// Create and list organizations; revoke and restore their API access.
    #[command(subcommand)]
    Org(OrgCommand),
    /// Flip the global kill switch: `on` stops every request with 503, `off` resumes.
    Global {
        /// `on` or `off`.
        #[arg(value_parser = ["on", "off"])]
        state: String,
    },
    /// Organizations' own provider keys (BYOK): set (from standard input), test, enable,
    /// disable, delete, restore, list. Needs `LAYER_BYOK_MASTER_KEY`.
    #[command(subcommand)]
    Byok(byok::ByokCommand),
    /// Scan files, directories or standard input (`-`, or no path) for leaked keys; exit 1
    /// if any is found (for a pre-commit hook).
    Scan {
        /// Files or directories (walked, `.git` skipped); none or `-` reads standard input.
        paths: Vec<PathBuf>,
    },
    /// SPEC 5's boot check: call whoami and exit 1 unless it is 200 with neither `killSwitch`
    /// nor `apiAccessRevoked` set.
    BootCheck {
        /// The server's base URL (`/v1/whoami` is appended unless already there).
        #[arg(long, env = "LAYERS_API_URL", default_value = "http://127.0.0.1:8080")]
        url: String,
        /// The key to check. Prefer the environment variable: a flag shows in `ps`.
        #[arg(long = "api-key", env = "LAYERS_API_KEY", hide_env_values = true)]
        api_key: String,
    },
}

/// `layerctl key …`
#[derive(Debug, clap::Subcommand)]
pub enum KeyCommand {
    /// Create a key and print it, once.
    Create {
        /// A name such as "Production" or "CI".
        #[arg(long)]
        name: String,
        /// `live` or `test`.
        #[arg(long, default_value = "test")]
        env: Env,
        /// The rate-limit tier: standard, pilot, partner, internal or a custom name.
        #[arg(long, default_value = "standard")]
        tier: Tier,
        /// The organization (needed only when the store holds more than one).
        #[arg(long)]
        org: Option<OrgId>,
    },
    /// List keys, masked, with their state and last use.
    List {
        /// Only this organization's keys.
        #[arg(long)]
        org: Option<OrgId>,
    },
    /// Revoke a key for good (401 from then on).
    Revoke {
        /// The key's `apiKeyId`.
        id: KeyRecordId,
    },
    /// Set a key's kill switch (503 until un-killed).
    Kill {
        /// The key's `apiKeyId`.
        id: KeyRecordId,
    },
    /// Clear a key's kill switch.
    Unkill {
        /// The key's `apiKeyId`.
        id: KeyRecordId,
    },
}

/// `layerctl org …`
#[derive(Debug, clap::Subcommand)]
pub enum OrgCommand {
    /// Create an organization.
    Create {
        /// Its display name.
        name: String,
    },
    /// List organizations.
    List,
    /// Revoke an organization's API access (every key: 503, scope org).
    Revoke {
        /// The organization's id.
        id: OrgId,
    },
    /// Restore an organization's API access.
    Restore {
        /// The organization's id.
        id: OrgId,
    },
}

/// The authenticator `layerctl` administers the store through.
pub type Admin = Authenticator<Store>;

/// How long `layerctl` waits, after a change, for it to be published.
const PUBLISH_TIMEOUT: Duration = Duration::from_secs(2);

/// Runs one command and returns the process's exit status.
pub async fn run(cli: Cli) -> ExitCode {
    let out = Output::new(cli.json);
    let backends = &cli.backends;
    let result = match cli.command {
        Command::Scan { paths } => scan::run(&paths, &out),
        Command::BootCheck { url, api_key } => Ok(boot_check::run(&url, &api_key, &out).await),
        Command::Byok(command) => byok::run(backends, command, &out).await,
        Command::Key(command) => {
            with_admin(backends, async |admin| {
                keys::run(admin, command, &out).await
            })
            .await
        }
        Command::Org(command) => {
            with_admin(backends, async |admin| {
                orgs::run(admin, command, &out).await
            })
            .await
        }
        Command::Global { state } => {
            with_admin(backends, async |admin| {
                orgs::global(admin, state == "on", &out).await
            })
            .await
        }
    };
    match result {
        Ok(code) => code,
        Err(failure) => {
            out.failure(&failure);
            ExitCode::from(2)
        }
    }
}

/// Opens the store, runs `work` with an authenticator over it and, with Redis, waits (at
/// most [`PUBLISH_TIMEOUT`]) until the changes it made are published.
async fn with_admin(
    args: &BackendArgs,
    work: impl AsyncFnOnce(&Admin) -> Result<ExitCode, Failure>,
) -> Result<ExitCode, Failure> {
    let shown = args.store_description();
    let propagation = args
        .propagation()
        .map_err(|e| Failure::new(e.to_string()))?;
    let publisher = propagation.as_ref().map(RedisPropagation::publisher);
    let store = Store::open(args)
        .await
        .map_err(|e| Failure::new(format!("cannot open {shown}: {e}")))?;
    let mut builder = Authenticator::builder(store);
    if let Some(publisher) = &publisher {
        builder = builder.on_change(publisher.hook());
    }
    let admin = builder
        .build()
        .await
        .map_err(|e| Failure::new(format!("cannot read {shown}: {e}")))?;
    let publishing = publisher.map(|publisher| tokio::spawn(publisher.run()));
    let result = work(&admin).await;
    // Dropping the authenticator drops the publisher's last hook: its task then sends what
    // is queued and ends.
    drop(admin);
    if let Some(publishing) = publishing
        && tokio::time::timeout(PUBLISH_TIMEOUT, publishing)
            .await
            .is_err()
    {
        eprintln!(
            "warning: could not publish the change to Redis in time; running servers will \
             apply it at their next refresh"
        );
    }
    result
}
