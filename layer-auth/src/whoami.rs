//! The `GET /v1/whoami` response (SPEC 5).

use layer_keys::Scopes;
use layer_ratelimit::Tier;

use crate::{KeyRecordId, OrgId, Principal, WorkspaceId};

/// What `GET /v1/whoami` returns for a healthy key.
///
/// Serializes (feature `serde`) to exactly the documented shape, in the documented order:
/// `organizationId`, `workspaceId`, `organizationName`, `scopes`, `rateLimitTier`,
/// `killSwitch`, `apiAccessRevoked`, `apiKeyId`, `creditBalance`.
///
/// The `internal` tier is never shown to partners: it is reported as `standard`.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "camelCase"))]
pub struct Whoami {
    /// The organization's UUID.
    pub organization_id: OrgId,
    /// The workspace's UUID.
    pub workspace_id: WorkspaceId,
    /// The organization's name.
    pub organization_name: String,
    /// The key's scopes (empty today: org-level access).
    pub scopes: Scopes,
    /// The key's tier name.
    pub rate_limit_tier: String,
    /// The key's kill switch (always `false` on a 200: a killed key gets 503).
    pub kill_switch: bool,
    /// The organization's API-access switch (always `false` on a 200).
    pub api_access_revoked: bool,
    /// The key record's UUID.
    pub api_key_id: KeyRecordId,
    /// The organization's credit balance.
    pub credit_balance: i64,
}

impl Whoami {
    /// The whoami body for an authenticated principal.
    #[must_use]
    pub fn for_principal(principal: &Principal) -> Self {
        let org = principal.organization();
        let key = principal.key();
        let tier = match &key.tier {
            Tier::Internal => Tier::Standard.to_string(),
            other => other.to_string(),
        };
        Self {
            organization_id: org.id,
            workspace_id: org.workspace_id,
            organization_name: org.name.clone(),
            scopes: key.scopes.clone(),
            rate_limit_tier: tier,
            kill_switch: key.kill_switch,
            api_access_revoked: org.api_access_revoked,
            api_key_id: key.id,
            credit_balance: org.credit_balance,
        }
    }
}

#[cfg(feature = "serde")]
impl Whoami {
    /// A `200 OK` with the JSON body.
    #[must_use]
    pub fn into_http_response(self) -> http::Response<Vec<u8>> {
        let body = serde_json::to_vec(&self).unwrap_or_default();
        let mut response = http::Response::new(body);
        response.headers_mut().insert(
            http::header::CONTENT_TYPE,
            http::HeaderValue::from_static("application/json"),
        );
        response
    }
}

#[cfg(feature = "axum")]
impl axum_core::response::IntoResponse for Whoami {
    fn into_response(self) -> axum_core::response::Response {
        self.into_http_response().map(axum_core::body::Body::from)
    }
}

/// The `GET /v1/whoami` handler: mount it behind [`AuthLayer`](crate::middleware::AuthLayer).
#[cfg(feature = "axum")]
pub async fn whoami(principal: Principal) -> Whoami {
    Whoami::for_principal(&principal)
}
