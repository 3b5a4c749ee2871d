//! One structured log line per request, with the key's log-safe ids and never the key.
//!
//! [`log_request`] runs outermost and writes the line: method, path (never the query
//! string, where a careless client might put a key), status, request id, latency, and, when
//! the request authenticated, the key record id (`apiKeyId`), the public key id segment and
//! the organization id. It learns the caller from the response: `AuthLayer` leaves the
//! [`Principal`] in the response's extensions, as it leaves the [`ApiError`] of a rejection.
//! A `5xx` logs its cause, which the response body never shows.

use std::time::Instant;

use axum::{extract::Request, middleware::Next, response::Response};
use layer_auth::Principal;
use layer_errors::{ApiError, REQUEST_ID_HEADER};
use tracing::field::display;

/// Outermost middleware: writes the request's log line.
pub async fn log_request(request: Request, next: Next) -> Response {
    let started = Instant::now();
    // Cheap clones (the URI shares its bytes): nothing is formatted unless a line is written.
    let method = request.method().clone();
    let uri = request.uri().clone();
    let response = next.run(request).await;
    let path = uri.path();

    let status = response.status().as_u16();
    let micros = u64::try_from(started.elapsed().as_micros()).unwrap_or(u64::MAX);
    let request_id = response
        .headers()
        .get(REQUEST_ID_HEADER)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("-");
    let caller = response.extensions().get::<Principal>();
    let api_key_id = caller.map(|p| display(p.key_record_id()));
    let organization_id = caller.map(|p| display(p.organization_id()));
    let key_id = caller.and_then(Principal::key_id).map(display);
    let error = response.extensions().get::<ApiError>();
    let code = error.map(|e| e.code().as_str());

    if status >= 500 {
        // The cause (in `Debug`) is for us; the client got the generic message.
        tracing::error!(%method, path, status, request_id, micros, api_key_id, key_id,
            organization_id, code, cause = ?error, "request failed");
    } else {
        tracing::info!(%method, path, status, request_id, micros, api_key_id, key_id,
            organization_id, code, "request");
    }
    response
}
