//! The axum extractor for [`Principal`]. Feature `axum`.

use axum_core::extract::FromRequestParts;
use http::request::Parts;
use layer_errors::ApiError;

use crate::Principal;

impl<St: Send + Sync> FromRequestParts<St> for Principal {
    type Rejection = ApiError;

    /// The principal [`AuthLayer`](crate::middleware::AuthLayer) put in the request's
    /// extensions. Without the layer on the route this is a server bug: `500 INTERNAL`, with
    /// the cause in logs only.
    async fn from_request_parts(parts: &mut Parts, _state: &St) -> Result<Self, Self::Rejection> {
        parts.extensions.get::<Self>().cloned().ok_or_else(|| {
            let error = ApiError::internal("Principal extracted on a route without AuthLayer");
            match parts.extensions.get::<layer_errors::RequestId>() {
                Some(id) => error.with_request_id(*id),
                None => error,
            }
        })
    }
}
