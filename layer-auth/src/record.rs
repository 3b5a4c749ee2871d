//! Key and organization records (SPEC 6): what a store holds.

use std::time::SystemTime;

use layer_keys::{Env, KeyHash, KeyId, LegacyDigest, Scopes};
use layer_ratelimit::Tier;

use crate::{KeyRecordId, OrgId, WorkspaceId};

/// An organization: the owner of keys, with its API-access switch and billing state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Organization {
    /// The organization's UUID.
    pub id: OrgId,
    /// Its workspace's UUID (equal to `id` today for partner keys).
    pub workspace_id: WorkspaceId,
    /// Human-readable name, safe to show.
    pub name: String,
    /// `true` stops every key of the organization with `503 KILL_SWITCH` (`scope = org`).
    pub api_access_revoked: bool,
    /// Remaining credits, as whoami reports them.
    pub credit_balance: i64,
    /// Whether the plan includes API access; without it every request is
    /// `402 BILLING_EXHAUSTED`.
    pub plan_includes_api: bool,
}

impl Organization {
    /// A new organization with API access, no credits, and its workspace equal to itself.
    #[must_use]
    pub fn new(name: impl Into<String>) -> Self {
        let id = OrgId::new_random();
        Self {
            id,
            workspace_id: WorkspaceId::from_uuid(id.as_uuid()),
            name: name.into(),
            api_access_revoked: false,
            credit_balance: 0,
            plan_includes_api: true,
        }
    }
}

/// How a key record is matched against a presented key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Credential {
    /// A partner key: found by key id, verified with bcrypt over the whole key.
    Partner {
        /// The public key id.
        key_id: KeyId,
        /// The key's env.
        env: Env,
        /// bcrypt of the whole key.
        hash: KeyHash,
    },
    /// A legacy key: found by the SHA-256 of the whole key.
    Legacy {
        /// SHA-256 of the whole key.
        digest: LegacyDigest,
        /// The masked prefix shown in listings, `layer_9e14`.
        prefix: String,
    },
}

/// One API key as stored: never the key itself, only what verifies it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyRecord {
    /// The record's UUID (`apiKeyId`).
    pub id: KeyRecordId,
    /// The organization that owns the key.
    pub organization_id: OrgId,
    /// A name such as "Production".
    pub name: String,
    /// What the presented key is matched against.
    pub credential: Credential,
    /// When the key was created.
    pub created_at: SystemTime,
    /// When the key last authenticated a request (batched; see `LastUsed`).
    pub last_used_at: Option<SystemTime>,
    /// When the key was revoked: revoked keys are gone for good.
    pub revoked_at: Option<SystemTime>,
    /// `true` stops the key with `503 KILL_SWITCH` (`scope = key`) until cleared.
    pub kill_switch: bool,
    /// The rate-limit tier.
    pub tier: Tier,
    /// The key's scopes; empty means org-level access.
    pub scopes: Scopes,
}

impl KeyRecord {
    /// The masked form for listings: `lp_live_01HX9Y6K7EJ4T2AB_…` or `layer_9e14...`.
    #[must_use]
    pub fn masked(&self) -> String {
        match &self.credential {
            Credential::Partner { key_id, env, .. } => format!("lp_{env}_{key_id}_…"),
            Credential::Legacy { prefix, .. } => format!("{prefix}..."),
        }
    }

    /// The partner key id, if this is a partner key.
    #[must_use]
    pub fn key_id(&self) -> Option<KeyId> {
        match &self.credential {
            Credential::Partner { key_id, .. } => Some(*key_id),
            Credential::Legacy { .. } => None,
        }
    }

    /// Whether the key has been revoked.
    #[must_use]
    pub const fn is_revoked(&self) -> bool {
        self.revoked_at.is_some()
    }
}

/// What an operator asks for when creating a key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewKey {
    /// The owning organization.
    pub organization_id: OrgId,
    /// A name such as "Production".
    pub name: String,
    /// `live` or `test`.
    pub env: Env,
    /// The rate-limit tier.
    pub tier: Tier,
    /// Scopes; empty for org-level access.
    pub scopes: Scopes,
}

impl NewKey {
    /// A `standard`-tier key with org-level access.
    #[must_use]
    pub fn new(organization_id: OrgId, name: impl Into<String>, env: Env) -> Self {
        Self {
            organization_id,
            name: name.into(),
            env,
            tier: Tier::Standard,
            scopes: Scopes::org_level(),
        }
    }

    /// With a rate-limit tier.
    #[must_use]
    pub fn with_tier(self, tier: Tier) -> Self {
        Self { tier, ..self }
    }

    /// With scopes.
    #[must_use]
    pub fn with_scopes(self, scopes: Scopes) -> Self {
        Self { scopes, ..self }
    }
}

/// The global kill switch and every killed key and revoked organization: what an instance
/// refreshes its kill-switch view from.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SwitchState {
    /// The global switch.
    pub global: bool,
    /// Organizations with `api_access_revoked`.
    pub revoked_orgs: Vec<OrgId>,
    /// Keys with `kill_switch` set (revoked keys excluded: they fail earlier, with 401).
    pub killed_keys: Vec<KeyRecordId>,
}
