//! [`Principal`]: who a request authenticated as.

use std::sync::Arc;

use layer_keys::{Env, KeyId, KeyKind, Scopes};
use layer_ratelimit::Tier;

use crate::{KeyRecord, KeyRecordId, OrgId, Organization};

/// The authenticated caller: the key's record and organization, with log-safe accessors.
///
/// Cheap to clone (two `Arc`s); handlers get it from request extensions or the axum extractor.
/// Holds no secret: the presented key is dropped once verified.
#[derive(Debug, Clone)]
pub struct Principal {
    key: Arc<KeyRecord>,
    organization: Arc<Organization>,
}

impl Principal {
    pub(crate) fn new(key: Arc<KeyRecord>, organization: Arc<Organization>) -> Self {
        Self { key, organization }
    }

    /// The organization's id.
    #[must_use]
    pub fn organization_id(&self) -> OrgId {
        self.organization.id
    }

    /// The organization.
    #[must_use]
    pub fn organization(&self) -> &Organization {
        &self.organization
    }

    /// The key record's UUID (`apiKeyId`).
    #[must_use]
    pub fn key_record_id(&self) -> KeyRecordId {
        self.key.id
    }

    /// The key record.
    #[must_use]
    pub fn key(&self) -> &KeyRecord {
        &self.key
    }

    /// The public key id, for partner keys.
    #[must_use]
    pub fn key_id(&self) -> Option<KeyId> {
        self.key.key_id()
    }

    /// The key's format.
    #[must_use]
    pub fn kind(&self) -> KeyKind {
        match self.key.credential {
            crate::Credential::Partner { .. } => KeyKind::Partner,
            crate::Credential::Legacy { .. } => KeyKind::Legacy,
        }
    }

    /// The key's env; legacy keys count as `live`.
    #[must_use]
    pub fn env(&self) -> Env {
        match self.key.credential {
            crate::Credential::Partner { env, .. } => env,
            crate::Credential::Legacy { .. } => Env::Live,
        }
    }

    /// The rate-limit tier.
    #[must_use]
    pub fn tier(&self) -> &Tier {
        &self.key.tier
    }

    /// The key's scopes (empty: org-level access).
    #[must_use]
    pub fn scopes(&self) -> &Scopes {
        &self.key.scopes
    }
}
