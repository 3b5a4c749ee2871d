//! The client side: an error response read into a typed error with retry advice.

mod response_headers;

use std::fmt;
use std::time::{Duration, SystemTime};

use crate::{Code, ErrorCode, ErrorEnvelope, RetryDecision};

use self::response_headers::ResponseHeaders;

/// An error response as a client sees it: status, the envelope if the body was one, the
/// request id, the server's requested delay and a [`RetryDecision`].
///
/// Built from any response, not only well-formed ones: a body that is not an envelope (a
/// proxy's HTML page, an empty body, bytes cut short) leaves [`envelope`](Self::envelope) empty
/// and the decision comes from the status alone. A code this crate does not know is kept
/// verbatim and also decided by status.
///
/// The decision:
/// - a known code decides ([`ErrorCode::retry_decision`]): `KILL_SWITCH` and
///   `BILLING_EXHAUSTED` stop for good whatever `Retry-After` says; caller bugs (401, 403,
///   404, 409, 422) need a fixed request;
/// - otherwise the status decides ([`RetryDecision::for_status`]);
/// - the server's delay is the longer of `Retry-After` (seconds or HTTP-date) and
///   `details.retryAfterMs`.
///
/// ```
/// use std::time::Duration;
/// use layer_errors::{ClientError, RetryDecision};
///
/// let body = br#"{"error":{"code":"RATE_LIMITED","message":"Slow down.","requestId":"req_01HXZ9G7KMV2QX8Y1S5RJW3B7T","details":{"endpointClass":"write-light","retryAfterMs":1240}}}"#;
/// let headers = [("retry-after", "2"), ("x-request-id", "req_01HXZ9G7KMV2QX8Y1S5RJW3B7T")];
/// let error = ClientError::from_response(429, headers, body).expect("429 is an error");
/// assert_eq!(error.decision(), RetryDecision::RetryAfter(Duration::from_secs(2)));
/// assert_eq!(error.request_id(), Some("req_01HXZ9G7KMV2QX8Y1S5RJW3B7T"));
///
/// let proxy = ClientError::from_response(502, [("content-type", "text/html")], b"<html>bad gateway</html>").unwrap();
/// assert!(proxy.envelope().is_none());
/// assert_eq!(proxy.decision(), RetryDecision::RetryNow);
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClientError {
    status: u16,
    envelope: Option<ErrorEnvelope>,
    request_id: Option<String>,
    retry_after: Option<Duration>,
    decision: RetryDecision,
}

impl ClientError {
    /// Reads a response, using the current time for an HTTP-date `Retry-After`.
    ///
    /// `headers` is any sequence of `(name, value)` pairs: `[("retry-after", "2")]`, a
    /// `Vec<(String, Vec<u8>)>`, or `&http::HeaderMap` as it is. Returns `None` for a status
    /// in 100–399, which is not an error; every other status (including invalid ones)
    /// gives an error. Never panics, whatever the bytes.
    #[must_use]
    pub fn from_response<I, K, V>(status: u16, headers: I, body: &[u8]) -> Option<Self>
    where
        I: IntoIterator<Item = (K, V)>,
        K: AsRef<str>,
        V: AsRef<[u8]>,
    {
        Self::from_response_at(status, headers, body, SystemTime::now())
    }

    /// As [`from_response`](Self::from_response), with `now` for an HTTP-date `Retry-After`.
    #[must_use]
    pub fn from_response_at<I, K, V>(
        status: u16,
        headers: I,
        body: &[u8],
        now: SystemTime,
    ) -> Option<Self>
    where
        I: IntoIterator<Item = (K, V)>,
        K: AsRef<str>,
        V: AsRef<[u8]>,
    {
        if (100..400).contains(&status) {
            return None;
        }
        let headers = ResponseHeaders::read(headers, now);
        let envelope = ErrorEnvelope::from_json(body).ok();
        let details_delay = envelope
            .as_ref()
            .and_then(ErrorEnvelope::details)
            .and_then(|details| details.retry_after_ms())
            .map(Duration::from_millis);
        let retry_after = headers.retry_after.max(details_delay);
        let known = envelope
            .as_ref()
            .and_then(|envelope| envelope.code().known());
        let decision = match known {
            Some(code) => code.retry_decision(retry_after),
            None => RetryDecision::for_status(status, retry_after),
        };
        let request_id = envelope
            .as_ref()
            .and_then(ErrorEnvelope::request_id)
            .map(str::to_owned)
            .or(headers.request_id);
        Some(Self {
            status,
            envelope,
            request_id,
            retry_after,
            decision,
        })
    }

    /// Reads an `http::Response` (feature `http`).
    #[cfg(feature = "http")]
    #[must_use]
    pub fn from_http_response<B: AsRef<[u8]>>(response: &http::Response<B>) -> Option<Self> {
        Self::from_response(
            response.status().as_u16(),
            response.headers(),
            response.body().as_ref(),
        )
    }

    /// The HTTP status.
    #[must_use]
    pub fn status(&self) -> u16 {
        self.status
    }

    /// The code from the envelope, known or verbatim; `None` when the body was no envelope.
    #[must_use]
    pub fn code(&self) -> Option<&Code> {
        self.envelope.as_ref().map(ErrorEnvelope::code)
    }

    /// Whether the envelope carried this known code.
    #[must_use]
    pub fn is(&self, code: ErrorCode) -> bool {
        self.code().is_some_and(|received| received.is(code))
    }

    /// The envelope, when the body was one.
    #[must_use]
    pub fn envelope(&self) -> Option<&ErrorEnvelope> {
        self.envelope.as_ref()
    }

    /// The request id from the envelope, else from `X-Request-Id`, as received.
    #[must_use]
    pub fn request_id(&self) -> Option<&str> {
        self.request_id.as_deref()
    }

    /// The delay the server asked for, if any: the longer of `Retry-After` and
    /// `details.retryAfterMs`.
    #[must_use]
    pub fn retry_after(&self) -> Option<Duration> {
        self.retry_after
    }

    /// What to do about it.
    #[must_use]
    pub fn decision(&self) -> RetryDecision {
        self.decision
    }
}

impl fmt::Display for ClientError {
    /// `HTTP 429 RATE_LIMITED: message (request req_…)`; parts the response lacked are left
    /// out.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "HTTP {}", self.status)?;
        if let Some(envelope) = &self.envelope {
            write!(f, " {}", envelope.code())?;
            if !envelope.message().is_empty() {
                write!(f, ": {}", envelope.message())?;
            }
        }
        if let Some(request_id) = &self.request_id {
            write!(f, " (request {request_id})")?;
        }
        Ok(())
    }
}

impl std::error::Error for ClientError {}

#[cfg(test)]
mod tests {
    use super::*;

    const NO_HEADERS: [(&str, &str); 0] = [];

    #[test]
    fn successes_are_not_errors() {
        for status in [100, 200, 204, 301, 399] {
            assert_eq!(ClientError::from_response(status, NO_HEADERS, b""), None);
        }
        for status in [0, 99, 400, 599, 600, u16::MAX] {
            assert!(ClientError::from_response(status, NO_HEADERS, b"").is_some());
        }
    }

    #[test]
    fn kill_switch_stops_even_with_retry_after() {
        let body = br#"{"error":{"code":"KILL_SWITCH","message":"m","requestId":"r","details":{"scope":"global"}}}"#;
        let error = ClientError::from_response(503, [("Retry-After", "1")], body).unwrap();
        assert!(error.is(ErrorCode::KillSwitch));
        assert_eq!(error.decision(), RetryDecision::StopForGood);
        assert_eq!(error.retry_after(), Some(Duration::from_secs(1)));
    }

    #[test]
    fn a_bare_503_from_a_proxy_is_retried() {
        let error = ClientError::from_response(503, [("retry-after", "4")], b"Service Unavailable")
            .unwrap();
        assert_eq!(error.code(), None);
        assert_eq!(
            error.decision(),
            RetryDecision::RetryAfter(Duration::from_secs(4))
        );
    }

    #[test]
    fn the_longer_of_header_and_details_wins() {
        let body = br#"{"error":{"code":"RATE_LIMITED","message":"m","requestId":"r","details":{"endpointClass":"read-light","retryAfterMs":2500}}}"#;
        let short = ClientError::from_response(429, [("retry-after", "1")], body).unwrap();
        assert_eq!(short.retry_after(), Some(Duration::from_millis(2_500)));
        let long = ClientError::from_response(429, [("retry-after", "3")], body).unwrap();
        assert_eq!(
            long.decision(),
            RetryDecision::RetryAfter(Duration::from_secs(3))
        );
    }

    #[test]
    fn unknown_codes_are_kept_and_decided_by_status() {
        let body = br#"{"error":{"code":"QUOTA_FROZEN","message":"Frozen.","requestId":"req_1"}}"#;
        let error = ClientError::from_response(423, NO_HEADERS, body).unwrap();
        assert_eq!(error.code().map(Code::as_str), Some("QUOTA_FROZEN"));
        assert_eq!(error.decision(), RetryDecision::FixRequest);
        assert_eq!(
            error.to_string(),
            "HTTP 423 QUOTA_FROZEN: Frozen. (request req_1)"
        );
    }

    #[test]
    fn request_id_falls_back_to_the_header() {
        let error = ClientError::from_response(500, [("X-Request-Id", "req_from_header")], b"oops")
            .unwrap();
        assert_eq!(error.request_id(), Some("req_from_header"));
        assert_eq!(error.decision(), RetryDecision::RetryNow);
        assert_eq!(error.to_string(), "HTTP 500 (request req_from_header)");
    }

    #[test]
    fn caller_bugs_need_a_fixed_request() {
        for (status, code) in [
            (401, "UNAUTHENTICATED"),
            (403, "FORBIDDEN_SCOPE"),
            (404, "NOT_FOUND"),
            (409, "CONFLICT"),
            (409, "IDEMPOTENCY_CONFLICT"),
            (422, "VALIDATION"),
        ] {
            let body = format!(r#"{{"error":{{"code":"{code}","message":"m","requestId":"r"}}}}"#);
            let error = ClientError::from_response(status, [("retry-after", "1")], body.as_bytes())
                .unwrap();
            assert_eq!(error.decision(), RetryDecision::FixRequest, "{code}");
        }
    }
}
