//! The server-side error: what a handler returns and what becomes the response.

#[cfg(feature = "axum")]
mod axum_response;
mod body;
#[cfg(feature = "http")]
mod http_response;

use std::borrow::Cow;
use std::error::Error as StdError;
use std::fmt;
use std::sync::Arc;

use crate::{Details, ErrorCode, FieldError, KillSwitchScope, RequestId};

/// The message of a revoked key's `UNAUTHENTICATED` (SPEC 4).
const REVOKED_MESSAGE: &str = "API key has been revoked.";

/// A cause kept for logs.
type Cause = Arc<dyn StdError + Send + Sync + 'static>;

/// An error a server answers with: a code, a message, the request id, optional details and,
/// for logs only, a cause.
///
/// It serializes (`serde`) to the envelope `{"error":{"code","message","requestId","details"}}`;
/// with the `http` feature it becomes an `http::Response`, and with `axum` it implements
/// `IntoResponse`.
///
/// # Security
///
/// - A 5xx body always carries the code's generic [`ErrorCode::default_message`]; the message
///   given to [`ApiError::new`] and any cause stay in [`Display`](fmt::Display),
///   [`Debug`](fmt::Debug) and [`source`](StdError::source), i.e. in logs.
/// - 4xx messages and details are sent as given: never put a key, a secret or another
///   organization's data in them.
///
/// ```
/// use layer_errors::{ApiError, ErrorCode, KillSwitchScope, RequestId};
///
/// let error = ApiError::kill_switch(KillSwitchScope::Org)
///     .with_request_id("req_01HXZ9G7KMV2QX8Y1S5RJW3B7T".parse()?);
/// assert_eq!(error.status(), 503);
/// assert_eq!(
///     serde_json::to_string(&error)?,
///     r#"{"error":{"code":"KILL_SWITCH","message":"API access is disabled by a kill switch.","requestId":"req_01HXZ9G7KMV2QX8Y1S5RJW3B7T","details":{"scope":"org"}}}"#,
/// );
///
/// let internal = ApiError::internal("connection to 10.0.0.7 refused");
/// assert!(!serde_json::to_string(&internal)?.contains("10.0.0.7"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug)]
pub struct ApiError {
    code: ErrorCode,
    message: Cow<'static, str>,
    request_id: Option<RequestId>,
    details: Option<Details>,
    cause: Option<Cause>,
}

impl ApiError {
    /// An error with `code` and `message`, no details, no request id yet.
    ///
    /// For a 5xx code the message is for logs only; the body gets the generic one.
    #[must_use]
    pub fn new(code: ErrorCode, message: impl Into<Cow<'static, str>>) -> Self {
        Self {
            code,
            message: message.into(),
            request_id: None,
            details: None,
            cause: None,
        }
    }

    fn detailed(code: ErrorCode, details: Details) -> Self {
        let mut error = Self::from(code);
        error.details = Some(details);
        error
    }

    /// `401 UNAUTHENTICATED` with `message` (say what is wrong with the credentials, never
    /// echo them).
    #[must_use]
    pub fn unauthenticated(message: impl Into<Cow<'static, str>>) -> Self {
        Self::new(ErrorCode::Unauthenticated, message)
    }

    /// `401 UNAUTHENTICATED` for a revoked key, message `API key has been revoked.`
    #[must_use]
    pub fn revoked() -> Self {
        Self::new(ErrorCode::Unauthenticated, REVOKED_MESSAGE)
    }

    /// `402 BILLING_EXHAUSTED` with `details.minTier`.
    #[must_use]
    pub fn billing_exhausted(min_tier: impl Into<String>) -> Self {
        Self::detailed(
            ErrorCode::BillingExhausted,
            Details::BillingExhausted {
                min_tier: min_tier.into(),
            },
        )
    }

    /// `403 FORBIDDEN_SCOPE` with `details.requiredScope`.
    #[must_use]
    pub fn forbidden_scope(required_scope: impl Into<String>) -> Self {
        Self::detailed(
            ErrorCode::ForbiddenScope,
            Details::ForbiddenScope {
                required_scope: required_scope.into(),
            },
        )
    }

    /// `404 NOT_FOUND`; also for another organization's resource, so existence never leaks.
    #[must_use]
    pub fn not_found() -> Self {
        Self::from(ErrorCode::NotFound)
    }

    /// `409 CONFLICT` with `message`.
    #[must_use]
    pub fn conflict(message: impl Into<Cow<'static, str>>) -> Self {
        Self::new(ErrorCode::Conflict, message)
    }

    /// `409 IDEMPOTENCY_CONFLICT`: the idempotency key was used for a different request.
    #[must_use]
    pub fn idempotency_conflict() -> Self {
        Self::from(ErrorCode::IdempotencyConflict)
    }

    /// `422 VALIDATION` with `details.fieldErrors`.
    #[must_use]
    pub fn validation(field_errors: impl IntoIterator<Item = FieldError>) -> Self {
        Self::detailed(
            ErrorCode::Validation,
            Details::Validation {
                field_errors: field_errors.into_iter().collect(),
            },
        )
    }

    /// `429 RATE_LIMITED` with `details.endpointClass` and `details.retryAfterMs`; the
    /// `http` response adds the matching `Retry-After` header.
    #[must_use]
    pub fn rate_limited(endpoint_class: impl Into<String>, retry_after_ms: u64) -> Self {
        Self::detailed(
            ErrorCode::RateLimited,
            Details::RateLimited {
                endpoint_class: endpoint_class.into(),
                retry_after_ms,
            },
        )
    }

    /// `500 INTERNAL`. The cause is kept for logs ([`source`](StdError::source), `Debug`) and
    /// never sent.
    #[must_use]
    pub fn internal(cause: impl Into<Box<dyn StdError + Send + Sync + 'static>>) -> Self {
        Self::from(ErrorCode::Internal).with_source(cause)
    }

    /// `502 PLATFORM_ERROR` with `details.platformCode`, a code the upstream platform returned
    /// (sent to the caller: it must not hold secrets).
    #[must_use]
    pub fn platform_error(platform_code: impl Into<String>) -> Self {
        Self::detailed(
            ErrorCode::PlatformError,
            Details::PlatformError {
                platform_code: platform_code.into(),
            },
        )
    }

    /// `503 KILL_SWITCH` with `details.scope`.
    #[must_use]
    pub fn kill_switch(scope: KillSwitchScope) -> Self {
        Self::detailed(ErrorCode::KillSwitch, Details::KillSwitch { scope })
    }

    /// The error carrying `request_id`, replacing any earlier one.
    #[must_use]
    pub fn with_request_id(mut self, request_id: RequestId) -> Self {
        self.request_id = Some(request_id);
        self
    }

    /// The error keeping `cause` for logs; it never reaches a response body.
    #[must_use]
    pub fn with_source(
        mut self,
        cause: impl Into<Box<dyn StdError + Send + Sync + 'static>>,
    ) -> Self {
        self.cause = Some(Arc::from(cause.into()));
        self
    }

    /// The request id, generating and storing one first if the error has none.
    pub fn ensure_request_id(&mut self) -> RequestId {
        *self.request_id.get_or_insert_with(RequestId::generate)
    }

    /// The code.
    #[must_use]
    pub fn code(&self) -> ErrorCode {
        self.code
    }

    /// The HTTP status, from the code.
    #[must_use]
    pub fn status(&self) -> u16 {
        self.code.status()
    }

    /// The request id, if one was set.
    #[must_use]
    pub fn request_id(&self) -> Option<RequestId> {
        self.request_id
    }

    /// The details, if the code carries any.
    #[must_use]
    pub fn details(&self) -> Option<&Details> {
        self.details.as_ref()
    }

    /// The message as given, for logs. May differ from the body's: see
    /// [`public_message`](Self::public_message).
    #[must_use]
    pub fn message(&self) -> &str {
        &self.message
    }

    /// The `Retry-After` value in whole seconds for `RATE_LIMITED`: `retryAfterMs` rounded up,
    /// at least 1 (SPEC 3.3). `None` for other errors.
    #[must_use]
    pub fn retry_after_secs(&self) -> Option<u64> {
        match &self.details {
            Some(Details::RateLimited { retry_after_ms, .. }) => {
                Some(retry_after_ms.div_ceil(1_000).max(1))
            }
            _ => None,
        }
    }
}

impl From<ErrorCode> for ApiError {
    /// The code with its [`default_message`](ErrorCode::default_message).
    fn from(code: ErrorCode) -> Self {
        Self::new(code, code.default_message())
    }
}

impl fmt::Display for ApiError {
    /// `CODE: message`, with the message as given (for logs).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.code, self.message)
    }
}

impl StdError for ApiError {
    fn source(&self) -> Option<&(dyn StdError + 'static)> {
        self.cause
            .as_deref()
            .map(|cause| cause as &(dyn StdError + 'static))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn revoked_uses_the_documented_message() {
        let error = ApiError::revoked();
        assert_eq!(error.code(), ErrorCode::Unauthenticated);
        assert_eq!(error.status(), 401);
        assert_eq!(error.public_message(), "API key has been revoked.");
    }

    #[test]
    fn constructors_set_code_and_details() {
        let cases = [
            (
                ApiError::billing_exhausted("pilot"),
                ErrorCode::BillingExhausted,
            ),
            (
                ApiError::forbidden_scope("content:write"),
                ErrorCode::ForbiddenScope,
            ),
            (
                ApiError::validation([FieldError::new("name", "empty")]),
                ErrorCode::Validation,
            ),
            (
                ApiError::rate_limited("read-light", 10),
                ErrorCode::RateLimited,
            ),
            (
                ApiError::platform_error("openai:quota"),
                ErrorCode::PlatformError,
            ),
            (
                ApiError::kill_switch(KillSwitchScope::Key),
                ErrorCode::KillSwitch,
            ),
        ];
        for (error, code) in cases {
            assert_eq!(error.code(), code);
            assert_eq!(error.details().and_then(Details::code), Some(code));
        }
        for (error, code) in [
            (ApiError::not_found(), ErrorCode::NotFound),
            (ApiError::conflict("taken"), ErrorCode::Conflict),
            (
                ApiError::idempotency_conflict(),
                ErrorCode::IdempotencyConflict,
            ),
            (
                ApiError::unauthenticated("missing key"),
                ErrorCode::Unauthenticated,
            ),
        ] {
            assert_eq!(error.code(), code);
            assert_eq!(error.details(), None);
        }
    }

    #[test]
    fn retry_after_seconds_round_up_and_are_at_least_one() {
        let secs = |ms| ApiError::rate_limited("write-light", ms).retry_after_secs();
        assert_eq!(secs(0), Some(1));
        assert_eq!(secs(1), Some(1));
        assert_eq!(secs(1_000), Some(1));
        assert_eq!(secs(1_001), Some(2));
        assert_eq!(secs(u64::MAX), Some(u64::MAX.div_ceil(1_000)));
        assert_eq!(ApiError::not_found().retry_after_secs(), None);
    }

    #[test]
    fn display_is_code_and_message() {
        assert_eq!(
            ApiError::conflict("name taken").to_string(),
            "CONFLICT: name taken"
        );
    }
}
