//! One structured log line per request, with the key's log-safe ids and never the key.
//!
//! Two middlewares cooperate, because the one that sees the whole request (outside
//! `AuthLayer`) is not the one that knows who the caller is (inside it):
//!
//! - [`tag_caller`] runs inside `AuthLayer`, reads the [`Principal`] the layer found and
//!   pins its ids on the response;
//! - [`log_request`] runs outermost and writes the line: method, path (never the query
//!   string, where a careless client might put a key), status, request id, latency, and the
//!   caller's ids when the request authenticated. A `5xx` logs its cause, which the response
//!   body never shows.

use std::time::Instant;

use axum::{extract::Request, middleware::Next, response::Response};
use layer_auth::{KeyRecordId, OrgId, Principal};
use layer_errors::{ApiError, REQUEST_ID_HEADER};

/// Who made the request, as far as logs may know: ids only.
#[derive(Debug, Clone, Copy)]
pub struct Caller {
    /// The key record's UUID (`apiKeyId`).
    pub api_key_id: KeyRecordId,
    /// The organization's UUID.
    pub organization_id: OrgId,
}

/// Middleware inside `AuthLayer`: copies the caller's ids onto the response.
pub async fn tag_caller(request: Request, next: Next) -> Response {
    let caller = request.extensions().get::<Principal>().map(|p| Caller {
        api_key_id: p.key_record_id(),
        organization_id: p.organization_id(),
    });
    let mut response = next.run(request).await;
    if let Some(caller) = caller {
        response.extensions_mut().insert(caller);
    }
    response
}

/// Outermost middleware: writes the request's log line.
pub async fn log_request(request: Request, next: Next) -> Response {
    let started = Instant::now();
    let method = request.method().clone();
    let path = request.uri().path().to_owned();
    let response = next.run(request).await;

    let status = response.status().as_u16();
    let micros = u64::try_from(started.elapsed().as_micros()).unwrap_or(u64::MAX);
    let request_id = response
        .headers()
        .get(REQUEST_ID_HEADER)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("-");
    let caller = response.extensions().get::<Caller>();
    let api_key_id = caller.map(|c| c.api_key_id.to_string());
    let organization_id = caller.map(|c| c.organization_id.to_string());
    let error = response.extensions().get::<ApiError>();
    let code = error.map(|e| e.code().as_str());

    if status >= 500 {
        // The cause (in `Debug`) is for us; the client got the generic message.
        tracing::error!(%method, path, status, request_id, micros, api_key_id, organization_id,
            code, cause = ?error, "request failed");
    } else {
        tracing::info!(%method, path, status, request_id, micros, api_key_id, organization_id,
            code, "request");
    }
    response
}
