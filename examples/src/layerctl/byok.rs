//! `layerctl byok …`: organizations' own provider keys (BYOK), in the same store as the keys.
//!
//! Every command needs the master key from the environment (`LAYER_BYOK_MASTER_KEY`, or
//! `LAYER_BYOK_MASTER_KEY_V<n>` during a rotation: 32 bytes, hex or base64), as any program
//! holding the vault reads it: without it the command stops with exit status `2` before
//! touching the store.
//!
//! `reencrypt` and `purge` are the operator's side of a master-key rotation and of the 90-day
//! retention.
//!
//! `set` reads the key from standard input, never from a flag (flags show in `ps` and in shell
//! history); one trailing newline is dropped, anything else around the key is a shape error.
//! Nothing prints a key: listings and results show the masked form (`sk-proj-...abc123`).
//!
//! `test` asks the provider with `layer_byok::HttpValidator`; the provider's base URL can be
//! changed with `--base-url` or `LAYER_BYOK_<PROVIDER>_BASE_URL` (`LAYER_BYOK_OPENAI_BASE_URL`,
//! `..._ANTHROPIC_...`, `..._GOOGLE_...`, `..._MISTRAL_...`), for a proxy or a test double.
//! Its exit status is `0` when the key is valid and `1` otherwise, like `scan`.

use std::{io::Read, process::ExitCode};

use layer_auth::OrgId;
use layer_byok::{
    Byok, ByokKeyId, ByokStore, ByokSummary, ListFilter, MasterKeys, Provider, ProviderKey,
    ProviderOutcome, Validity, Vault,
};
use serde_json::json;
use zeroize::Zeroizing;

use super::output::{Failure, Output};
use crate::{
    backends::{BackendArgs, ByokBackend, Store},
    byok_view::{outcome_name, summary_json, validator_from_env},
    timestamp::rfc3339,
};

/// `layerctl byok …`
#[derive(Debug, clap::Subcommand)]
pub enum ByokCommand {
    /// Set the organization's key for a provider, read from standard input; replaces the key
    /// set before, if any.
    Set {
        /// The organization.
        #[arg(long)]
        org: OrgId,
        /// `openai`, `anthropic`, `google` or `mistral`.
        #[arg(long)]
        provider: Provider,
    },
    /// Ask the provider whether the key works; mark it valid or (when refused) invalid. Exit 1
    /// unless valid.
    Test {
        /// The organization.
        #[arg(long)]
        org: OrgId,
        /// The provider.
        #[arg(long)]
        provider: Provider,
        /// The provider's API base URL (default: its public API, or
        /// `LAYER_BYOK_<PROVIDER>_BASE_URL`).
        #[arg(long)]
        base_url: Option<String>,
    },
    /// Use the key again.
    Enable {
        /// The organization.
        #[arg(long)]
        org: OrgId,
        /// The provider.
        #[arg(long)]
        provider: Provider,
    },
    /// Stop using the key without deleting it (calls use the platform key).
    Disable {
        /// The organization.
        #[arg(long)]
        org: OrgId,
        /// The provider.
        #[arg(long)]
        provider: Provider,
    },
    /// Soft-delete the key: recoverable with `restore` for 90 days, then purged.
    Delete {
        /// The organization.
        #[arg(long)]
        org: OrgId,
        /// The provider.
        #[arg(long)]
        provider: Provider,
    },
    /// Restore a deleted key by its id (`list --deleted` shows it).
    Restore {
        /// The record's id.
        id: ByokKeyId,
        /// The organization it must belong to (default: the record's own).
        #[arg(long)]
        org: Option<OrgId>,
    },
    /// Move every key sealed under an older master-key version onto the newest (the last
    /// step of a rotation before the old version is dropped from the environment). Exit 1 if
    /// some record could not be opened and stays behind.
    Reencrypt {
        /// Records read per round trip to the store.
        #[arg(long, default_value_t = 100)]
        batch: usize,
    },
    /// Remove for good the keys deleted more than 90 days ago.
    Purge,
    /// The organization's keys, masked, with state, validity and deletion time.
    List {
        /// The organization.
        #[arg(long)]
        org: OrgId,
        /// Deleted keys only.
        #[arg(long, conflicts_with = "all")]
        deleted: bool,
        /// Live and deleted keys.
        #[arg(long)]
        all: bool,
    },
}

/// Runs a `byok` command.
///
/// # Errors
///
/// A [`Failure`] for a missing or malformed master key, a malformed key on standard input,
/// an organization without a key for the provider, or the store's error.
pub async fn run(
    args: &BackendArgs,
    command: ByokCommand,
    out: &Output,
) -> Result<ExitCode, Failure> {
    let keys = MasterKeys::from_env()
        .map_err(|e| Failure::new(format!("BYOK needs the master key: {e}")))?;
    let shown = args.store_description();
    let store = Store::open(args)
        .await
        .map_err(|e| Failure::new(format!("cannot open {shown}: {e}")))?;
    let records = ByokBackend::open(&store)
        .await
        .map_err(|e| Failure::new(format!("cannot open the BYOK keys in {shown}: {e}")))?;
    let byok = Byok::new(records, Vault::new(&keys));
    match command {
        ByokCommand::Set { org, provider } => {
            let key = read_key(provider)?;
            let summary = byok.set(org, &key).await?;
            print_one(out, "Set", &summary);
        }
        ByokCommand::Test {
            org,
            provider,
            base_url,
        } => {
            return test(&byok, org, provider, base_url, out).await;
        }
        ByokCommand::Enable { org, provider } => {
            print_one(out, "Enabled", &byok.enable(org, provider).await?)
        }
        ByokCommand::Disable { org, provider } => {
            print_one(out, "Disabled", &byok.disable(org, provider).await?)
        }
        ByokCommand::Delete { org, provider } => {
            let summary = byok.delete(org, provider).await?;
            print_one(
                out,
                "Deleted (restorable for 90 days with `layerctl byok restore`)",
                &summary,
            );
        }
        ByokCommand::Restore { id, org } => {
            let org = match org {
                Some(org) => org,
                None => byok
                    .store()
                    .get(id)
                    .await?
                    .map(|record| record.organization_id)
                    .ok_or_else(|| Failure::new(format!("no BYOK key with id {id}")))?,
            };
            print_one(out, "Restored", &byok.restore(org, id).await?);
        }
        ByokCommand::Reencrypt { batch } => {
            let report = byok.reencrypt(batch).await?;
            let current = byok.vault().current_version();
            let unreadable: Vec<String> =
                report.unreadable.iter().map(ToString::to_string).collect();
            out.result(
                || {
                    let mut text = format!(
                        "Moved {} key(s) onto master key {current}; {} changed meanwhile and were skipped.\n",
                        report.moved, report.skipped
                    );
                    if !unreadable.is_empty() {
                        text.push_str(&format!(
                            "{} key(s) did not open and stay under their old version (keep it): {}\n",
                            unreadable.len(),
                            unreadable.join(", ")
                        ));
                    }
                    text
                },
                || {
                    json!({
                        "currentVersion": current.get(),
                        "moved": report.moved,
                        "skipped": report.skipped,
                        "unreadable": unreadable,
                    })
                },
            );
            if !report.is_complete() {
                return Ok(ExitCode::from(1));
            }
        }
        ByokCommand::Purge => {
            let purged = byok.purge().await?;
            out.result(
                || format!("Purged {purged} key(s) deleted more than 90 days ago.\n"),
                || json!({ "purged": purged }),
            );
        }
        ByokCommand::List { org, deleted, all } => {
            let filter = match (deleted, all) {
                (_, true) => ListFilter::All,
                (true, false) => ListFilter::Deleted,
                (false, false) => ListFilter::Live,
            };
            let listed = byok.list(org, filter).await?;
            out.result(
                || {
                    if listed.is_empty() {
                        return "No BYOK keys.\n".to_owned();
                    }
                    listed.iter().map(|s| format!("{}\n", line(s))).collect()
                },
                || json!({ "keys": listed.iter().map(summary_json).collect::<Vec<_>>() }),
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// Reads the key from standard input: one trailing newline dropped, the shape checked.
fn read_key(provider: Provider) -> Result<ProviderKey, Failure> {
    let mut input = Zeroizing::new(String::new());
    std::io::stdin()
        .read_to_string(&mut input)
        .map_err(|e| Failure::new(format!("cannot read the key from standard input: {e}")))?;
    let key = input
        .strip_suffix("\r\n")
        .or_else(|| input.strip_suffix('\n'))
        .unwrap_or(&input);
    if key.is_empty() {
        return Err(Failure::new(
            "no key on standard input (pipe it in: `layerctl byok set ... < key.txt`)",
        ));
    }
    ProviderKey::parse(provider, key).map_err(Failure::from)
}

async fn test(
    byok: &Byok<ByokBackend>,
    org: OrgId,
    provider: Provider,
    base_url: Option<String>,
    out: &Output,
) -> Result<ExitCode, Failure> {
    let mut validator = validator_from_env();
    if let Some(url) = base_url {
        validator = validator.with_base_url(provider, url);
    }
    let tested = byok.test(org, provider, &validator).await?;
    let (outcome, what) = (outcome_name(&tested.outcome), describe(&tested.outcome));
    out.result(
        || {
            format!(
                "{}: {what}\n{}\n",
                tested.summary.display_prefix,
                line(&tested.summary)
            )
        },
        || json!({ "outcome": outcome, "key": summary_json(&tested.summary) }),
    );
    Ok(if tested.outcome == ProviderOutcome::Valid {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

/// The outcome as a sentence for a person.
fn describe(outcome: &ProviderOutcome) -> String {
    match outcome {
        ProviderOutcome::Valid => "valid: the provider accepted it".to_owned(),
        ProviderOutcome::Unauthenticated => "refused by the provider: marked invalid, calls use \
             the platform key until a new key is set"
            .to_owned(),
        ProviderOutcome::RateLimited {
            retry_after: Some(after),
        } => format!(
            "rate limited (retry after {} s); validity unchanged",
            after.as_secs()
        ),
        ProviderOutcome::RateLimited { retry_after: None } => {
            "rate limited; validity unchanged".to_owned()
        }
        ProviderOutcome::Unavailable => {
            "the provider did not answer (down, timeout, unreachable); validity unchanged"
                .to_owned()
        }
        ProviderOutcome::Unexpected { status } => {
            format!("unexpected answer (HTTP {status}); validity unchanged")
        }
    }
}

fn print_one(out: &Output, done: &str, summary: &ByokSummary) {
    out.result(
        || format!("{done}: {}\n", line(summary)),
        || summary_json(summary),
    );
}

/// One key on one line: id, provider, masked key, state, validity, deletion.
fn line(summary: &ByokSummary) -> String {
    let state = if summary.enabled {
        "enabled "
    } else {
        "disabled"
    };
    let validity = match summary.validity {
        Validity::Unknown => "untested".to_owned(),
        Validity::Valid { checked_at } => format!("valid (checked {})", rfc3339(checked_at)),
        Validity::Invalid { since } => format!("INVALID since {}", rfc3339(since)),
    };
    let mut line = format!(
        "{}  {:<9}  {}  {state}  {validity}",
        summary.id,
        summary.provider.as_str(),
        summary.display_prefix
    );
    if let Some(at) = summary.deleted_at {
        line.push_str(&format!("  deleted {}", rfc3339(at)));
    }
    line
}
