//! `IntoResponse` for `ApiError` (feature `axum`, through `axum-core`).

use axum_core::body::Body;
use axum_core::response::{IntoResponse, Response};

use crate::ApiError;

impl IntoResponse for ApiError {
    /// [`ApiError::into_http_response`] with the body in axum's `Body`: same status, headers,
    /// envelope and extensions.
    fn into_response(self) -> Response {
        self.into_http_response().map(Body::from)
    }
}
