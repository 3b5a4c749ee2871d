//! `layerctl org …` and `layerctl global …`: organizations and the global switch.

use std::process::ExitCode;

use layer_auth::{KeyStore, Organization, StoreError};
use serde_json::{Value, json};

use super::{Admin, OrgCommand, output::Failure, output::Output};

/// Runs an `org` command.
///
/// # Errors
///
/// A [`Failure`] for an unknown organization, or the store's error.
pub async fn run(admin: &Admin, command: OrgCommand, out: &Output) -> Result<ExitCode, Failure> {
    match command {
        OrgCommand::Create { name } => {
            let organization = admin.create_organization(Organization::new(name)).await?;
            out.result(
                || {
                    format!(
                        "Created organization \"{}\" ({}).\nCreate its first key with:\n  layerctl key create --org {} --name NAME\n",
                        organization.name, organization.id, organization.id
                    )
                },
                || org_json(&organization),
            );
        }
        OrgCommand::List => {
            let organizations = admin.store().organizations().await?;
            out.result(
                || {
                    let mut text = String::new();
                    for o in &organizations {
                        text.push_str(&format!(
                            "{}  {}  {}\n",
                            o.id,
                            if o.api_access_revoked { "revoked" } else { "active " },
                            o.name
                        ));
                    }
                    if text.is_empty() {
                        text.push_str("No organizations yet.\n");
                    }
                    text
                },
                || json!({ "organizations": organizations.iter().map(org_json).collect::<Vec<_>>() }),
            );
        }
        OrgCommand::Revoke { id } | OrgCommand::Restore { id } => {
            let revoke = matches!(command, OrgCommand::Revoke { .. });
            let organization = admin
                .set_org_access_revoked(id, revoke)
                .await
                .map_err(|error| match error {
                    layer_auth::Error::Store(StoreError::NotFound(_)) => {
                        Failure::new(format!("no organization with id {id}"))
                    }
                    other => Failure::from(other),
                })?;
            let what = if revoke {
                "API access revoked: every key of it now gets 503 KILL_SWITCH (scope org)"
            } else {
                "API access restored"
            };
            out.result(
                || {
                    format!(
                        "{} ({}): {what}.\nA running partner-api sees this at its next switch refresh (--refresh-ms).\n",
                        organization.name, organization.id
                    )
                },
                || org_json(&organization),
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// Runs `global on|off`.
///
/// # Errors
///
/// The store's error.
pub async fn global(admin: &Admin, on: bool, out: &Output) -> Result<ExitCode, Failure> {
    admin.set_global_kill_switch(on).await?;
    out.result(
        || {
            if on {
                "Global kill switch ON: every request now gets 503 KILL_SWITCH (scope global).\n"
                    .to_owned()
            } else {
                "Global kill switch off: requests are served again.\n".to_owned()
            }
        },
        || json!({ "globalKillSwitch": on }),
    );
    Ok(ExitCode::SUCCESS)
}

fn org_json(organization: &Organization) -> Value {
    json!({
        "organizationId": organization.id,
        "workspaceId": organization.workspace_id,
        "name": organization.name,
        "apiAccessRevoked": organization.api_access_revoked,
        "creditBalance": organization.credit_balance,
        "planIncludesApi": organization.plan_includes_api,
    })
}
