//! `layerctl key …`: create, list, revoke, kill and un-kill keys.

use std::process::ExitCode;

use layer_auth::{Credential, KeyRecord, KeyStore, NewKey, OrgId, Organization, StoreError};
use serde_json::{Value, json};

use super::{Admin, KeyCommand, output::Failure, output::Output};
use crate::timestamp::rfc3339;

/// Runs a `key` command.
///
/// # Errors
///
/// A [`Failure`] for an unknown id or organization, or the store's error.
pub async fn run(admin: &Admin, command: KeyCommand, out: &Output) -> Result<ExitCode, Failure> {
    match command {
        KeyCommand::Create {
            name,
            env,
            tier,
            org,
        } => {
            let organization = pick_organization(admin, org).await?;
            let created = admin
                .create_key(NewKey::new(organization.id, name, env).with_tier(tier))
                .await?;
            let key = created.key.expose_secret();
            let record = &created.record;
            out.result(
                || {
                    format!(
                        "Created key \"{}\" for {} ({}).\n  apiKeyId: {}\n  masked:   {}\n  tier:     {}\n\n\
                         The full key is shown this once; store it in your secret manager now:\n\n  {key}\n",
                        record.name,
                        organization.name,
                        organization.id,
                        record.id,
                        record.masked(),
                        record.tier,
                    )
                },
                || {
                    let mut value = key_json(record);
                    value["key"] = Value::from(key);
                    value
                },
            );
        }
        KeyCommand::List { org } => {
            let organizations = match org {
                Some(id) => vec![organization(admin, id).await?],
                None => admin.store().organizations().await?,
            };
            let mut listed = Vec::new();
            for organization in organizations {
                let keys = admin.store().keys_of(organization.id).await?;
                listed.push((organization, keys));
            }
            out.result(|| list_text(&listed), || list_json(&listed));
        }
        KeyCommand::Revoke { id } => {
            let record = admin.revoke_key(id).await.map_err(|e| not_found(e, id))?;
            changed(
                out,
                &record,
                "revoked: every request with it now gets 401",
                "once its cached record expires (--record-ttl-ms)",
            );
        }
        KeyCommand::Kill { id } => {
            let record = admin
                .set_key_killed(id, true)
                .await
                .map_err(|e| not_found(e, id))?;
            changed(
                out,
                &record,
                "killed: every request with it now gets 503 KILL_SWITCH",
                "at its next switch refresh (--refresh-ms)",
            );
        }
        KeyCommand::Unkill { id } => {
            let record = admin
                .set_key_killed(id, false)
                .await
                .map_err(|e| not_found(e, id))?;
            changed(
                out,
                &record,
                "un-killed: it works again",
                "at its next switch refresh and once its cached record expires",
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// The organization to create a key in: the one named, or the only one there is.
async fn pick_organization(admin: &Admin, org: Option<OrgId>) -> Result<Organization, Failure> {
    if let Some(id) = org {
        return organization(admin, id).await;
    }
    let mut organizations = admin.store().organizations().await?;
    match organizations.len() {
        1 => Ok(organizations.remove(0)),
        0 => Err(Failure::new(
            "the store has no organization yet: start partner-api once, or run `layerctl org create NAME`",
        )),
        _ => Err(Failure::new(
            "the store has several organizations: choose one with --org (see `layerctl org list`)",
        )),
    }
}

async fn organization(admin: &Admin, id: OrgId) -> Result<Organization, Failure> {
    admin
        .store()
        .organization(id)
        .await?
        .ok_or_else(|| Failure::new(format!("no organization with id {id}")))
}

fn not_found(error: layer_auth::Error, id: impl std::fmt::Display) -> Failure {
    match error {
        layer_auth::Error::Store(StoreError::NotFound(_)) => {
            Failure::new(format!("no key with apiKeyId {id}"))
        }
        other => Failure::from(other),
    }
}

fn changed(out: &Output, record: &KeyRecord, what: &str, when: &str) {
    out.result(
        || {
            format!(
                "Key {} ({}) {what}.\nA running partner-api sees this {when}.\n",
                record.id,
                record.masked()
            )
        },
        || key_json(record),
    );
}

/// A key's state in one word.
fn status(record: &KeyRecord) -> &'static str {
    if record.is_revoked() {
        "revoked"
    } else if record.kill_switch {
        "killed"
    } else {
        "active"
    }
}

/// A key record as JSON: masked, never the key.
#[must_use]
pub fn key_json(record: &KeyRecord) -> Value {
    let (key_id, env) = match &record.credential {
        Credential::Partner { key_id, env, .. } => {
            (Some(key_id.to_string()), env.as_str().to_owned())
        }
        Credential::Legacy { .. } => (None, "live".to_owned()),
    };
    json!({
        "apiKeyId": record.id,
        "organizationId": record.organization_id,
        "name": record.name,
        "masked": record.masked(),
        "keyId": key_id,
        "env": env,
        "tier": record.tier.as_str(),
        "status": status(record),
        "killSwitch": record.kill_switch,
        "createdAt": rfc3339(record.created_at),
        "lastUsedAt": record.last_used_at.map(rfc3339),
        "revokedAt": record.revoked_at.map(rfc3339),
    })
}

fn list_json(listed: &[(Organization, Vec<KeyRecord>)]) -> Value {
    let keys: Vec<Value> = listed
        .iter()
        .flat_map(|(_, keys)| keys.iter().map(key_json))
        .collect();
    json!({ "keys": keys })
}

fn list_text(listed: &[(Organization, Vec<KeyRecord>)]) -> String {
    let mut text = String::new();
    for (organization, keys) in listed {
        text.push_str(&format!(
            "{} ({}){}\n",
            organization.name,
            organization.id,
            if organization.api_access_revoked {
                " [API access revoked]"
            } else {
                ""
            }
        ));
        if keys.is_empty() {
            text.push_str("  (no keys)\n");
        }
        for key in keys {
            text.push_str(&format!(
                "  {}  {:<34}  {:<8} {:<9} {:<20} last used {}\n",
                key.id,
                key.masked(),
                key.tier,
                status(key),
                key.name,
                key.last_used_at.map_or_else(|| "never".to_owned(), rfc3339),
            ));
        }
    }
    if text.is_empty() {
        text.push_str("No organizations yet.\n");
    }
    text
}
