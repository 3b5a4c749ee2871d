//! `ApiError` as an `http::Response` (feature `http`).

use http::header::{CONTENT_TYPE, RETRY_AFTER};
use http::{HeaderName, HeaderValue, Response, StatusCode};

use crate::{ApiError, JSON_CONTENT_TYPE, PROBLEM_JSON_CONTENT_TYPE, RequestId};

/// `X-Request-Id`, as a typed header name.
const X_REQUEST_ID: HeaderName = HeaderName::from_static(crate::REQUEST_ID_HEADER);

impl ApiError {
    /// The status as an `http::StatusCode`.
    #[must_use]
    pub fn status_code(&self) -> StatusCode {
        StatusCode::from_u16(self.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
    }

    /// The response: status, `content-type: application/json`, `x-request-id`, for
    /// `RATE_LIMITED` a `retry-after` in whole seconds (rounded up, at least 1), and the
    /// envelope as body.
    ///
    /// The body is a `Vec<u8>`, which every `http`-based stack turns into its own body type
    /// (`axum_core::body::Body::from`, `http_body_util::Full::from`, …) without pulling
    /// `bytes` into this crate's API. An error without a request id gets one first, so the
    /// header and the body's `requestId` always agree.
    ///
    /// The error itself (with its cause) rides along in the response's extensions, so a
    /// logging middleware can record the cause with `response.extensions().get::<ApiError>()`;
    /// extensions are never sent.
    #[must_use]
    pub fn into_http_response(mut self) -> Response<Vec<u8>> {
        let request_id = self.ensure_request_id();
        let body = self.to_json();
        self.into_response_with(body, JSON_CONTENT_TYPE, request_id)
    }

    /// As [`into_http_response`](Self::into_http_response), with an RFC 9457 problem details
    /// body and `content-type: application/problem+json`.
    #[must_use]
    pub fn into_problem_response(mut self) -> Response<Vec<u8>> {
        let request_id = self.ensure_request_id();
        let body = self.to_problem().to_json();
        self.into_response_with(body, PROBLEM_JSON_CONTENT_TYPE, request_id)
    }

    fn into_response_with(
        self,
        body: Vec<u8>,
        content_type: &'static str,
        request_id: RequestId,
    ) -> Response<Vec<u8>> {
        let mut response = Response::new(body);
        *response.status_mut() = self.status_code();
        let headers = response.headers_mut();
        headers.insert(CONTENT_TYPE, HeaderValue::from_static(content_type));
        if let Ok(value) = HeaderValue::from_str(request_id.encode().as_str()) {
            headers.insert(X_REQUEST_ID, value);
        }
        if let Some(seconds) = self.retry_after_secs() {
            headers.insert(RETRY_AFTER, HeaderValue::from(seconds));
        }
        response.extensions_mut().insert(self);
        response
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ErrorCode;

    #[test]
    fn every_code_has_a_valid_status_code() {
        for code in ErrorCode::ALL {
            assert_eq!(ApiError::from(code).status_code().as_u16(), code.status());
        }
    }

    #[test]
    fn the_error_rides_in_the_extensions_with_its_cause() {
        let response = ApiError::internal("pool timed out").into_http_response();
        let error = response.extensions().get::<ApiError>().unwrap();
        let cause = std::error::Error::source(error).map(ToString::to_string);
        assert_eq!(cause.as_deref(), Some("pool timed out"));
        assert_eq!(
            error.request_id().map(|id| id.to_string()).as_deref(),
            response.headers()[X_REQUEST_ID].to_str().ok()
        );
    }

    #[test]
    fn only_rate_limits_get_retry_after() {
        let limited = ApiError::rate_limited("write-light", 1_240).into_http_response();
        assert_eq!(limited.headers()[RETRY_AFTER], "2");
        let other = ApiError::not_found().into_http_response();
        assert!(other.headers().get(RETRY_AFTER).is_none());
    }
}
