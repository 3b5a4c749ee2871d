//! The admin routes: kill, revoke and restore through this instance, so that every other
//! instance hears of it at once over Redis.
//!
//! They exist only when the server is started with `--admin-token`, and answer only callers
//! presenting it as `Authorization: Bearer <token>`:
//!
//! | route | change |
//! |---|---|
//! | `POST /admin/keys/{id}/kill`, `/unkill` | the key's kill switch |
//! | `POST /admin/keys/{id}/revoke` | revokes the key for good |
//! | `POST /admin/orgs/{id}/revoke`, `/restore` | the organization's API access |
//! | `POST /admin/global/on`, `/off` | the global kill switch |
//!
//! Each writes the store first, applies the change here, then publishes it; the reply is
//! `200 {"change": "kill-key <id>"}`. An unknown id is `404 NOT_FOUND`, an unknown action
//! `404` too (no such route), a wrong or missing token `401 UNAUTHENTICATED`.

use std::{fmt, str::FromStr, sync::Arc};

use axum::{
    Json, Router,
    extract::{Path, Request, State},
    http::header::AUTHORIZATION,
    middleware::{Next, from_fn_with_state},
    response::{IntoResponse, Response},
    routing::post,
};
use layer_auth::{Change, KeyRecordId, OrgId, StoreError};
use layer_errors::ApiError;
use serde_json::json;
use subtle::ConstantTimeEq;
use uuid::Uuid;

use super::Auth;

/// The shared secret guarding the admin routes. Never printed: `Debug` is redacted.
#[derive(Clone)]
pub struct AdminToken(Arc<str>);

impl AdminToken {
    /// The shortest token accepted, so a guessable one is refused at start-up.
    pub const MIN_LEN: usize = 16;

    /// Whether `presented` is this token, in time independent of where they differ.
    fn matches(&self, presented: &[u8]) -> bool {
        self.0.as_bytes().ct_eq(presented).into()
    }
}

impl FromStr for AdminToken {
    type Err = String;

    fn from_str(token: &str) -> Result<Self, String> {
        if token.len() < Self::MIN_LEN || token.bytes().any(|b| !b.is_ascii_graphic()) {
            return Err(format!(
                "the admin token must be at least {} printable ASCII characters",
                Self::MIN_LEN
            ));
        }
        Ok(Self(token.into()))
    }
}

impl fmt::Debug for AdminToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("AdminToken([REDACTED])")
    }
}

/// The admin routes over `auth`, behind `token`.
pub fn router(auth: Auth, token: AdminToken) -> Router {
    Router::new()
        .route("/admin/keys/{id}/{action}", post(key_change))
        .route("/admin/orgs/{id}/{action}", post(org_change))
        .route("/admin/global/{state}", post(global_change))
        .route_layer(from_fn_with_state(token, require_token))
        .with_state(auth)
}

async fn require_token(State(token): State<AdminToken>, request: Request, next: Next) -> Response {
    let presented = request
        .headers()
        .get(AUTHORIZATION)
        .and_then(|value| value.as_bytes().strip_prefix(b"Bearer "));
    match presented {
        Some(presented) if token.matches(presented) => next.run(request).await,
        _ => ApiError::unauthenticated("A valid admin token is required.").into_response(),
    }
}

async fn key_change(
    State(auth): State<Auth>,
    Path((id, action)): Path<(Uuid, String)>,
) -> Response {
    let key = KeyRecordId::from(id);
    let change = match action.as_str() {
        "kill" => Change::KeyKilled { key, killed: true },
        "unkill" => Change::KeyKilled { key, killed: false },
        "revoke" => Change::KeyRevoked { key },
        _ => return ApiError::not_found().into_response(),
    };
    make(&auth, change).await
}

async fn org_change(
    State(auth): State<Auth>,
    Path((id, action)): Path<(Uuid, String)>,
) -> Response {
    let org = OrgId::from(id);
    let change = match action.as_str() {
        "revoke" => Change::OrgAccessRevoked { org, revoked: true },
        "restore" => Change::OrgAccessRevoked {
            org,
            revoked: false,
        },
        _ => return ApiError::not_found().into_response(),
    };
    make(&auth, change).await
}

async fn global_change(State(auth): State<Auth>, Path(state): Path<String>) -> Response {
    let change = match state.as_str() {
        "on" => Change::Global { on: true },
        "off" => Change::Global { on: false },
        _ => return ApiError::not_found().into_response(),
    };
    make(&auth, change).await
}

async fn make(auth: &Auth, change: Change) -> Response {
    match auth.make_change(change).await {
        Ok(()) => {
            tracing::info!(%change, "admin change made");
            Json(json!({ "change": change.to_string() })).into_response()
        }
        Err(layer_auth::Error::Store(StoreError::NotFound(_))) => {
            ApiError::not_found().into_response()
        }
        Err(error) => ApiError::internal(error).into_response(),
    }
}
