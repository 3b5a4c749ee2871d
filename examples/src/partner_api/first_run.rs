//! The first start: an empty store gets an organization and one test key.

use std::net::SocketAddr;

use layer_auth::{CreatedKey, KeyStore, NewKey, Organization, Whoami};
use layer_keys::Env;
use layer_ratelimit::Tier;

use super::Auth;

/// The demo organization's name.
pub const DEMO_ORGANIZATION: &str = "Demo organization";

/// If the store has no organization yet, creates one and a `test` key for it, and returns
/// the key: the only moment its full text exists outside its owner's hands. A store that
/// already has data is left alone (`None`).
///
/// # Errors
///
/// The store's error, or the OS random source's.
pub async fn ensure_demo_data(auth: &Auth) -> layer_auth::Result<Option<CreatedKey>> {
    if !auth.store().organizations().await?.is_empty() {
        return Ok(None);
    }
    let mut organization = Organization::new(DEMO_ORGANIZATION);
    organization.credit_balance = 6_000;
    let organization = auth.create_organization(organization).await?;
    let created = auth
        .create_key(NewKey::new(organization.id, "First test key", Env::Test))
        .await?;
    tracing::info!(organization_id = %organization.id, api_key_id = %created.record.id,
        "first start: created the demo organization and a test key");
    Ok(Some(created))
}

/// Prints the first key, once, with the command that tries it.
///
/// This goes to standard output only, never to the logs: logs get copied, shipped and kept,
/// and a key must never be in them.
pub fn print_first_key(created: &CreatedKey, address: &SocketAddr) {
    let key = created.key.expose_secret();
    println!("First start: created \"{DEMO_ORGANIZATION}\" and a test key.");
    println!("The key is shown this once; keep it (the store only has its bcrypt hash):");
    println!();
    println!("  {key}");
    println!();
    println!("Try it:");
    println!();
    println!("  curl -i http://{address}/v1/whoami -H \"X-Api-Key: {key}\"");
    println!();
}

/// The whoami body of the store's first active key, served as-is by `--no-auth`, so the
/// benchmark compares the same response with and without authentication.
///
/// # Errors
///
/// The store's error; [`layer_auth::StoreError::NotFound`] if no active key exists.
pub async fn sample_whoami(auth: &Auth) -> layer_auth::Result<Whoami> {
    let store = auth.store();
    for organization in store.organizations().await? {
        let keys = store.keys_of(organization.id).await?;
        if let Some(key) = keys.into_iter().find(|key| !key.is_revoked()) {
            let tier = match key.tier {
                Tier::Internal => Tier::Standard,
                tier => tier,
            };
            return Ok(Whoami {
                organization_id: organization.id,
                workspace_id: organization.workspace_id,
                organization_name: organization.name,
                scopes: key.scopes,
                rate_limit_tier: tier.to_string(),
                kill_switch: key.kill_switch,
                api_access_revoked: organization.api_access_revoked,
                api_key_id: key.id,
                credit_balance: organization.credit_balance,
            });
        }
    }
    Err(layer_auth::StoreError::NotFound("active key").into())
}
