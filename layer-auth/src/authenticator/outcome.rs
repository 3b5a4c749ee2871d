//! What [`Authenticator::authenticate`](crate::Authenticator::authenticate) returns.

use http::{HeaderMap, HeaderName, HeaderValue};
use layer_errors::{ApiError, REQUEST_ID_HEADER, RequestId};
use layer_ratelimit::Decision;

use crate::Principal;

/// A request that passed every check.
#[derive(Debug, Clone)]
pub struct Authenticated {
    /// Who the caller is.
    pub principal: Principal,
    /// The rate-limit decision (allowed), for the response headers.
    pub rate_limit: Decision,
}

/// A request that failed a check: the error to answer with and, when the rate limiter was
/// reached, its decision, whose headers go on the error response too.
#[derive(Debug, Clone)]
pub struct Rejection {
    /// The error, with its request id once [`Rejection::into_response`] ran.
    pub error: ApiError,
    /// The rate-limit decision, if the check got that far.
    pub rate_limit: Option<Decision>,
}

impl Rejection {
    pub(crate) fn new(error: ApiError) -> Self {
        Self {
            error,
            rate_limit: None,
        }
    }

    /// The HTTP response: status, envelope body, `X-Request-Id` and any rate-limit headers.
    #[must_use]
    pub fn into_response(self, request_id: RequestId) -> http::Response<Vec<u8>> {
        let mut response = self.error.with_request_id(request_id).into_http_response();
        if let Some(decision) = &self.rate_limit {
            decision.write_headers(response.headers_mut());
        }
        response
    }
}

impl From<ApiError> for Rejection {
    fn from(error: ApiError) -> Self {
        Self::new(error)
    }
}

/// Writes `X-Request-Id` and the rate-limit headers of a successful request.
pub fn write_success_headers(headers: &mut HeaderMap, request_id: RequestId, decision: &Decision) {
    if let Ok(value) = HeaderValue::try_from(request_id.to_string()) {
        headers.insert(HeaderName::from_static(REQUEST_ID_HEADER), value);
    }
    decision.write_headers(headers);
}
