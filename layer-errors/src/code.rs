//! The error-code vocabulary: each code with its HTTP status, group and retry advice.

use std::fmt;
use std::str::FromStr;
use std::time::Duration;

use crate::{Error, ErrorGroup, RetryDecision};

/// A stable, machine-readable error code, as sent in the envelope's `code` member.
///
/// Clients branch on the code, never on the message. New codes are added over time, so this
/// enum is `#[non_exhaustive]` and a client keeps a code it does not know with
/// [`Code`](crate::Code) instead of failing.
///
/// | code | HTTP | group | retry |
/// |---|---|---|---|
/// | `UNAUTHENTICATED` | 401 | caller bug | no: fix the credentials |
/// | `BILLING_EXHAUSTED` | 402 | policy gate | no: after the plan changes |
/// | `FORBIDDEN_SCOPE` | 403 | caller bug | no: the key must be re-issued |
/// | `NOT_FOUND` | 404 | caller bug | no |
/// | `CONFLICT` | 409 | caller bug | no |
/// | `IDEMPOTENCY_CONFLICT` | 409 | caller bug | no: use a new idempotency key |
/// | `VALIDATION` | 422 | caller bug | no |
/// | `RATE_LIMITED` | 429 | transient | yes, after `Retry-After` |
/// | `INTERNAL` | 500 | transient | yes, with backoff |
/// | `PLATFORM_ERROR` | 502 | upstream | yes, with backoff (bounded by the caller's budget) |
/// | `KILL_SWITCH` | 503 | policy gate | **never**: recovery is human |
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum ErrorCode {
    /// `UNAUTHENTICATED` (401): the key is missing, malformed, wrong or revoked.
    Unauthenticated,
    /// `BILLING_EXHAUSTED` (402): the plan does not include API access.
    BillingExhausted,
    /// `FORBIDDEN_SCOPE` (403): the key lacks the scope the route needs.
    ForbiddenScope,
    /// `NOT_FOUND` (404): no such resource, or one of another organization.
    NotFound,
    /// `CONFLICT` (409): the request conflicts with the resource's state.
    Conflict,
    /// `IDEMPOTENCY_CONFLICT` (409): the idempotency key was used for a different request.
    IdempotencyConflict,
    /// `VALIDATION` (422): the request is well-formed but its values are invalid.
    Validation,
    /// `RATE_LIMITED` (429): a rate-limit bucket is empty.
    RateLimited,
    /// `INTERNAL` (500): a fault on the server's side.
    Internal,
    /// `PLATFORM_ERROR` (502): an upstream platform failed.
    PlatformError,
    /// `KILL_SWITCH` (503): a key, organization or global kill switch is engaged.
    KillSwitch,
}

impl ErrorCode {
    /// Every code, in the order of the table above.
    pub const ALL: [Self; 11] = [
        Self::Unauthenticated,
        Self::BillingExhausted,
        Self::ForbiddenScope,
        Self::NotFound,
        Self::Conflict,
        Self::IdempotencyConflict,
        Self::Validation,
        Self::RateLimited,
        Self::Internal,
        Self::PlatformError,
        Self::KillSwitch,
    ];

    /// The code as it appears on the wire, e.g. `"RATE_LIMITED"`.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Unauthenticated => "UNAUTHENTICATED",
            Self::BillingExhausted => "BILLING_EXHAUSTED",
            Self::ForbiddenScope => "FORBIDDEN_SCOPE",
            Self::NotFound => "NOT_FOUND",
            Self::Conflict => "CONFLICT",
            Self::IdempotencyConflict => "IDEMPOTENCY_CONFLICT",
            Self::Validation => "VALIDATION",
            Self::RateLimited => "RATE_LIMITED",
            Self::Internal => "INTERNAL",
            Self::PlatformError => "PLATFORM_ERROR",
            Self::KillSwitch => "KILL_SWITCH",
        }
    }

    /// The HTTP status the server answers with.
    #[must_use]
    pub const fn status(self) -> u16 {
        match self {
            Self::Unauthenticated => 401,
            Self::BillingExhausted => 402,
            Self::ForbiddenScope => 403,
            Self::NotFound => 404,
            Self::Conflict | Self::IdempotencyConflict => 409,
            Self::Validation => 422,
            Self::RateLimited => 429,
            Self::Internal => 500,
            Self::PlatformError => 502,
            Self::KillSwitch => 503,
        }
    }

    /// Whose move it is.
    #[must_use]
    pub const fn group(self) -> ErrorGroup {
        match self {
            Self::Unauthenticated
            | Self::ForbiddenScope
            | Self::NotFound
            | Self::Conflict
            | Self::IdempotencyConflict
            | Self::Validation => ErrorGroup::CallerBug,
            Self::BillingExhausted | Self::KillSwitch => ErrorGroup::PolicyGate,
            Self::RateLimited | Self::Internal => ErrorGroup::Transient,
            Self::PlatformError => ErrorGroup::Upstream,
        }
    }

    /// Whether an automatic retry of the same request may ever succeed.
    ///
    /// `false` for every caller bug and policy gate; in particular `KILL_SWITCH` is never
    /// retried.
    #[must_use]
    pub const fn is_retryable(self) -> bool {
        matches!(
            self,
            Self::RateLimited | Self::Internal | Self::PlatformError
        )
    }

    /// The retry advice for a response with this code, given the delay the server asked for
    /// (from `Retry-After` or `details.retryAfterMs`), if any.
    ///
    /// A retryable code becomes [`RetryDecision::RetryAfter`] when the server named a delay
    /// and [`RetryDecision::RetryNow`] otherwise; caller bugs become
    /// [`RetryDecision::FixRequest`]; policy gates (`BILLING_EXHAUSTED`, `KILL_SWITCH`) become
    /// [`RetryDecision::StopForGood`] whatever delay the server sent.
    #[must_use]
    pub const fn retry_decision(self, server_delay: Option<Duration>) -> RetryDecision {
        match self.group() {
            ErrorGroup::CallerBug => RetryDecision::FixRequest,
            ErrorGroup::PolicyGate => RetryDecision::StopForGood,
            ErrorGroup::Transient | ErrorGroup::Upstream => match server_delay {
                Some(delay) => RetryDecision::RetryAfter(delay),
                None => RetryDecision::RetryNow,
            },
        }
    }

    /// The message the server sends when it has nothing more specific to say, and always for
    /// 5xx codes (their bodies never carry causes).
    #[must_use]
    pub const fn default_message(self) -> &'static str {
        match self {
            Self::Unauthenticated => "Missing or invalid API key.",
            Self::BillingExhausted => "Your plan does not include API access.",
            Self::ForbiddenScope => "The API key lacks the scope this request needs.",
            Self::NotFound => "Resource not found.",
            Self::Conflict => "The request conflicts with the current state of the resource.",
            Self::IdempotencyConflict => {
                "The idempotency key was already used for a different request."
            }
            Self::Validation => "The request has invalid fields.",
            Self::RateLimited => "Rate limit exceeded; retry after the delay in Retry-After.",
            Self::Internal => "Internal error.",
            Self::PlatformError => "An upstream platform returned an error.",
            Self::KillSwitch => "API access is disabled by a kill switch.",
        }
    }

    /// The code for a wire string, or `None` when it is not one of [`ErrorCode::ALL`].
    /// Matching is exact: codes are upper case on the wire.
    #[must_use]
    pub fn from_wire(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|known| known.as_str() == code)
    }
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for ErrorCode {
    type Err = Error;

    /// Parses a wire code exactly.
    ///
    /// # Errors
    ///
    /// [`Error::UnknownCode`] when the string is not a known code.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::from_wire(s).ok_or(Error::UnknownCode)
    }
}

impl serde::Serialize for ErrorCode {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> serde::Deserialize<'de> for ErrorCode {
    /// Strict: an unknown code is an error. Use [`Code`](crate::Code) to keep unknown codes.
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
        Self::from_wire(&text)
            .ok_or_else(|| serde::de::Error::custom(format_args!("unknown error code `{text}`")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_follow_the_spec_table() {
        let table: Vec<(&str, u16)> = ErrorCode::ALL
            .iter()
            .map(|code| (code.as_str(), code.status()))
            .collect();
        assert_eq!(
            table,
            [
                ("UNAUTHENTICATED", 401),
                ("BILLING_EXHAUSTED", 402),
                ("FORBIDDEN_SCOPE", 403),
                ("NOT_FOUND", 404),
                ("CONFLICT", 409),
                ("IDEMPOTENCY_CONFLICT", 409),
                ("VALIDATION", 422),
                ("RATE_LIMITED", 429),
                ("INTERNAL", 500),
                ("PLATFORM_ERROR", 502),
                ("KILL_SWITCH", 503),
            ]
        );
    }

    #[test]
    fn display_and_from_str_round_trip() {
        for code in ErrorCode::ALL {
            assert_eq!(code.to_string().parse::<ErrorCode>(), Ok(code));
        }
        assert_eq!("rate_limited".parse::<ErrorCode>(), Err(Error::UnknownCode));
        assert_eq!("".parse::<ErrorCode>(), Err(Error::UnknownCode));
    }

    #[test]
    fn kill_switch_is_never_retried_even_with_a_delay() {
        let delay = Some(Duration::from_secs(1));
        assert!(!ErrorCode::KillSwitch.is_retryable());
        assert_eq!(
            ErrorCode::KillSwitch.retry_decision(delay),
            RetryDecision::StopForGood
        );
        assert_eq!(
            ErrorCode::BillingExhausted.retry_decision(delay),
            RetryDecision::StopForGood
        );
    }

    #[test]
    fn retry_decisions_by_group() {
        let delay = Duration::from_millis(1240);
        assert_eq!(
            ErrorCode::RateLimited.retry_decision(Some(delay)),
            RetryDecision::RetryAfter(delay)
        );
        assert_eq!(
            ErrorCode::Internal.retry_decision(None),
            RetryDecision::RetryNow
        );
        for code in ErrorCode::ALL {
            let fixes = code.retry_decision(None) == RetryDecision::FixRequest;
            assert_eq!(fixes, code.group() == ErrorGroup::CallerBug, "{code}");
            let retries = matches!(code.retry_decision(None), RetryDecision::RetryNow);
            assert_eq!(retries, code.is_retryable(), "{code}");
        }
    }

    #[test]
    fn five_hundreds_are_transient_or_worse_and_messages_are_sentences() {
        for code in ErrorCode::ALL {
            assert!(code.default_message().ends_with('.'), "{code}");
            if code.status() >= 500 {
                assert_ne!(code.group(), ErrorGroup::CallerBug, "{code}");
            }
        }
    }

    #[test]
    fn serde_is_the_wire_string_and_strict() {
        let json = serde_json::to_string(&ErrorCode::KillSwitch).unwrap();
        assert_eq!(json, "\"KILL_SWITCH\"");
        let back: ErrorCode = serde_json::from_str(&json).unwrap();
        assert_eq!(back, ErrorCode::KillSwitch);
        assert!(serde_json::from_str::<ErrorCode>("\"NEW_CODE\"").is_err());
    }
}
