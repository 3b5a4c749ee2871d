//! The outermost guarantee: every response carries `X-Request-Id`, and every error response
//! is the envelope.
//!
//! Responses from our handlers and from `AuthLayer` already do both. What is left are the
//! responses axum makes on its own: `404` for a path no route matches, `405` for a method a
//! route does not have, and the rejections of its extractors. Their bodies are plain text or
//! empty; this middleware replaces them with the envelope, so a client never has to parse a
//! second error shape. A `405` becomes `404 NOT_FOUND`: the code vocabulary has no
//! method-not-allowed, and "no such route" is what it means to a client.

use axum::{extract::Request, middleware::Next, response::IntoResponse, response::Response};
use http::{HeaderValue, StatusCode, header::CONTENT_TYPE};
use layer_errors::{ApiError, ErrorCode, REQUEST_ID_HEADER, RequestId};

/// Middleware: see the [module](self) docs.
pub async fn ensure_envelope(request: Request, next: Next) -> Response {
    let method = request.method().clone();
    let uri = request.uri().clone();
    let mut response = next.run(request).await;
    let status = response.status();
    let is_error = status.is_client_error() || status.is_server_error();
    let is_json = response
        .headers()
        .get(CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(b"application/json"));

    if is_error && !is_json {
        let error = match status {
            StatusCode::NOT_FOUND | StatusCode::METHOD_NOT_ALLOWED => ApiError::new(
                ErrorCode::NotFound,
                format!("no route for {method} {}", uri.path()),
            ),
            _ if status.is_server_error() => ApiError::internal(format!(
                "{method} {} answered {status} without an envelope",
                uri.path()
            )),
            _ => ApiError::new(
                ErrorCode::Validation,
                format!("the request was refused ({status})"),
            ),
        };
        // Keep the request id `AuthLayer` already gave this request, and its rate-limit
        // headers: the request did count against the key's bucket.
        let request_id = response
            .headers()
            .get(REQUEST_ID_HEADER)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse::<RequestId>().ok())
            .unwrap_or_else(RequestId::generate);
        let mut envelope = error.with_request_id(request_id).into_response();
        for (name, value) in response.headers() {
            let name_text = name.as_str();
            if name_text.starts_with("x-ratelimit-") || name_text.starts_with("ratelimit") {
                envelope.headers_mut().insert(name.clone(), value.clone());
            }
        }
        return envelope;
    }
    if !response.headers().contains_key(REQUEST_ID_HEADER)
        && let Ok(value) = HeaderValue::try_from(RequestId::generate().to_string())
    {
        response.headers_mut().insert(REQUEST_ID_HEADER, value);
    }
    response
}
