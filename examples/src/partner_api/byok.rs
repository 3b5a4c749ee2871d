//! The organization's own provider keys (BYOK), over HTTP: what a dashboard's "bring your own
//! key" page calls. Every route acts on the calling key's organization only.
//!
//! | route | class | what it does |
//! |---|---|---|
//! | `GET /v1/byok` | read-light | the organization's keys, masked |
//! | `PUT /v1/byok/{provider}` `{"key"}` | write-light | set the key for the provider (replacing the previous one): shape checked, sealed, stored; the reply is masked |
//! | `POST /v1/byok/{provider}/test` | write-light | ask the provider; mark the key valid, or invalid when refused |
//! | `PATCH /v1/byok/{provider}` `{"enabled"}` | write-light | use the key, or keep it unused |
//! | `DELETE /v1/byok/{provider}` | write-light | soft-delete it (restorable for 90 days with `layerctl byok restore`) |
//!
//! The routes exist when the server holds the master key (`LAYER_BYOK_MASTER_KEY`, see
//! `layer-byok`); `{provider}` is `openai`, `anthropic`, `google` or `mistral`. A key of the
//! wrong shape is `422 VALIDATION` naming the field, never echoing the key; a provider without
//! a key is `404 NOT_FOUND`.

use std::sync::Arc;

use axum::{
    Extension, Json, Router,
    extract::{Path, State, rejection::JsonRejection},
    response::{IntoResponse, Response},
    routing::{get, post, put},
};
use layer_auth::{Principal, middleware::AuthLayer};
use layer_byok::{
    Byok, ByokError, HttpValidator, ListFilter, MasterKeyError, MasterKeys, Provider, ProviderKey,
    Vault,
};
use layer_errors::{ApiError, FieldError, RequestId};
use serde::Deserialize;
use serde_json::{Value, json};
use zeroize::Zeroizing;

use super::Auth;
use crate::{
    backends::ByokBackend,
    byok_view::{outcome_name, summary_json, validator_from_env},
};

/// What the BYOK routes share: the facade over the store beside the keys, and the validator.
#[derive(Debug)]
pub struct ByokState {
    /// Keys sealed under the master key, in the store beside the organizations.
    pub byok: Byok<ByokBackend>,
    /// Where `test` asks the providers.
    pub validator: HttpValidator,
}

/// The BYOK state when the environment holds the master key; `None` (the routes are off)
/// when it holds none.
///
/// # Errors
///
/// A master-key variable that is set but malformed (the error names the variable, never
/// the value), or the BYOK store failing to open beside the key store.
pub async fn state_from_env(
    auth: &Auth,
) -> Result<Option<Arc<ByokState>>, Box<dyn std::error::Error + Send + Sync>> {
    let keys = match MasterKeys::from_env() {
        Ok(keys) => keys,
        Err(MasterKeyError::NoKeys) => {
            tracing::info!("BYOK routes off: no LAYER_BYOK_MASTER_KEY in the environment");
            return Ok(None);
        }
        Err(error) => return Err(error.into()),
    };
    let records = ByokBackend::open(auth.store()).await?;
    tracing::info!(master_key_version = %keys.current_version(), "BYOK routes on");
    Ok(Some(Arc::new(ByokState {
        byok: Byok::new(records, Vault::new(&keys)),
        validator: validator_from_env(),
    })))
}

/// The routes, behind `AuthLayer` over `auth`.
pub fn router(auth: Auth, state: Arc<ByokState>) -> Router {
    Router::new()
        .route("/v1/byok", get(list))
        .route("/v1/byok/{provider}", put(set).patch(enable).delete(delete))
        .route("/v1/byok/{provider}/test", post(test))
        .route_layer(AuthLayer::new(auth))
        .with_state(state)
}

/// The body of `PUT /v1/byok/{provider}`; the key is wiped from memory when dropped.
#[derive(Deserialize)]
pub struct SetBody {
    key: Zeroizing<String>,
}

impl std::fmt::Debug for SetBody {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SetBody { key: [REDACTED] }")
    }
}

/// The body of `PATCH /v1/byok/{provider}`.
#[derive(Debug, Deserialize)]
pub struct EnableBody {
    enabled: bool,
}

async fn list(
    State(state): State<Arc<ByokState>>,
    principal: Principal,
    Extension(request_id): Extension<RequestId>,
) -> Response {
    let listed = state
        .byok
        .list(principal.organization_id(), ListFilter::Live)
        .await
        .map(|keys| json!({ "keys": keys.iter().map(summary_json).collect::<Vec<_>>() }))
        .map_err(failure);
    answer(listed, request_id)
}

async fn set(
    State(state): State<Arc<ByokState>>,
    principal: Principal,
    Extension(request_id): Extension<RequestId>,
    Path(provider): Path<String>,
    body: Result<Json<SetBody>, JsonRejection>,
) -> Response {
    let set = async {
        let provider = known(&provider)?;
        // The rejection's text can quote the body back, and the body holds a key: not echoed.
        let Ok(Json(body)) = body else {
            return Err(invalid("body", "expected a JSON object {\"key\": \"...\"}"));
        };
        let key = ProviderKey::parse(provider, &body.key)
            .map_err(|shape| invalid("key", shape.to_string()))?;
        let summary = state
            .byok
            .set(principal.organization_id(), &key)
            .await
            .map_err(failure)?;
        Ok(summary_json(&summary))
    };
    answer(set.await, request_id)
}

async fn test(
    State(state): State<Arc<ByokState>>,
    principal: Principal,
    Extension(request_id): Extension<RequestId>,
    Path(provider): Path<String>,
) -> Response {
    let tested = async {
        let provider = known(&provider)?;
        let tested = state
            .byok
            .test(principal.organization_id(), provider, &state.validator)
            .await
            .map_err(failure)?;
        Ok(json!({
            "outcome": outcome_name(&tested.outcome),
            "key": summary_json(&tested.summary),
        }))
    };
    answer(tested.await, request_id)
}

async fn enable(
    State(state): State<Arc<ByokState>>,
    principal: Principal,
    Extension(request_id): Extension<RequestId>,
    Path(provider): Path<String>,
    body: Result<Json<EnableBody>, JsonRejection>,
) -> Response {
    let changed = async {
        let provider = known(&provider)?;
        let Ok(Json(EnableBody { enabled })) = body else {
            return Err(invalid(
                "body",
                "expected a JSON object {\"enabled\": true|false}",
            ));
        };
        let org = principal.organization_id();
        let summary = if enabled {
            state.byok.enable(org, provider).await
        } else {
            state.byok.disable(org, provider).await
        };
        Ok(summary_json(&summary.map_err(failure)?))
    };
    answer(changed.await, request_id)
}

async fn delete(
    State(state): State<Arc<ByokState>>,
    principal: Principal,
    Extension(request_id): Extension<RequestId>,
    Path(provider): Path<String>,
) -> Response {
    let deleted = async {
        let provider = known(&provider)?;
        let summary = state
            .byok
            .delete(principal.organization_id(), provider)
            .await
            .map_err(failure)?;
        Ok(summary_json(&summary))
    };
    answer(deleted.await, request_id)
}

/// `200` with the JSON, or the error's envelope under this request's id.
fn answer(result: Result<Value, ApiError>, request_id: RequestId) -> Response {
    match result {
        Ok(value) => Json(value).into_response(),
        Err(error) => error.with_request_id(request_id).into_response(),
    }
}

/// The provider named in the path; anything else is `404` (no such route).
fn known(provider: &str) -> Result<Provider, ApiError> {
    provider.parse().map_err(|_| ApiError::not_found())
}

fn invalid(field: &str, message: impl Into<String>) -> ApiError {
    ApiError::validation([FieldError::new(field, message)])
}

/// A facade error as the envelope: no key for the provider is `404`; anything else is a
/// generic `500` whose cause goes to the log (and names no key: the facade's errors never do).
fn failure(error: ByokError) -> ApiError {
    match error {
        ByokError::NotSet { .. } => ApiError::not_found(),
        other => ApiError::internal(other),
    }
}
