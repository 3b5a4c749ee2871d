//! The structured context some codes carry in `details`.

mod field_error;
mod raw;
mod scope;

use serde::Serialize;
use serde::ser::SerializeStruct;
use serde_json::value::RawValue;

use crate::{Code, ErrorCode};

pub use self::field_error::FieldError;
pub use self::raw::RawDetails;
pub use self::scope::KillSwitchScope;

/// The envelope's `details` member.
///
/// | code | variant | JSON |
/// |---|---|---|
/// | `RATE_LIMITED` | [`RateLimited`](Self::RateLimited) | `{"endpointClass":"write-light","retryAfterMs":1240}` |
/// | `KILL_SWITCH` | [`KillSwitch`](Self::KillSwitch) | `{"scope":"key"}` |
/// | `BILLING_EXHAUSTED` | [`BillingExhausted`](Self::BillingExhausted) | `{"minTier":"pilot"}` |
/// | `FORBIDDEN_SCOPE` | [`ForbiddenScope`](Self::ForbiddenScope) | `{"requiredScope":"content:write"}` |
/// | `VALIDATION` | [`Validation`](Self::Validation) | `{"fieldErrors":[{"field":"name","message":"must not be empty"}]}` |
/// | `PLATFORM_ERROR` | [`PlatformError`](Self::PlatformError) | `{"platformCode":"openai:rate_limit"}` |
/// | anything else | [`Raw`](Self::Raw) | kept as received |
///
/// When parsing, a typed variant is chosen only beside its own code and only when the JSON has
/// exactly that shape (no missing, extra or mistyped members); everything else is kept as
/// [`Raw`](Self::Raw), so details a newer server sends are never lost or reshaped.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Details {
    /// `RATE_LIMITED`: which bucket ran dry and how long until one token is back.
    RateLimited {
        /// The route's endpoint class, e.g. `write-light`.
        endpoint_class: String,
        /// Milliseconds until a retry can succeed, rounded up.
        retry_after_ms: u64,
    },
    /// `KILL_SWITCH`: which switch is engaged.
    KillSwitch {
        /// The switch's scope.
        scope: KillSwitchScope,
    },
    /// `BILLING_EXHAUSTED`: the plan that would allow the request.
    BillingExhausted {
        /// The lowest tier that includes API access, e.g. `pilot`.
        min_tier: String,
    },
    /// `FORBIDDEN_SCOPE`: the scope the route needs.
    ForbiddenScope {
        /// The missing scope, e.g. `content:write`.
        required_scope: String,
    },
    /// `VALIDATION`: every invalid field, as `{"fieldErrors": [{"field", "message"}]}`.
    Validation {
        /// The invalid fields, in the order the server found them.
        field_errors: Vec<FieldError>,
    },
    /// `PLATFORM_ERROR`: the upstream platform's own code.
    PlatformError {
        /// The platform's code, e.g. `openai:rate_limit`.
        platform_code: String,
    },
    /// Details without a type here, kept as the JSON text received.
    Raw(RawDetails),
}

impl Details {
    /// The code these details belong to; `None` for [`Details::Raw`].
    #[must_use]
    pub fn code(&self) -> Option<ErrorCode> {
        match self {
            Self::RateLimited { .. } => Some(ErrorCode::RateLimited),
            Self::KillSwitch { .. } => Some(ErrorCode::KillSwitch),
            Self::BillingExhausted { .. } => Some(ErrorCode::BillingExhausted),
            Self::ForbiddenScope { .. } => Some(ErrorCode::ForbiddenScope),
            Self::Validation { .. } => Some(ErrorCode::Validation),
            Self::PlatformError { .. } => Some(ErrorCode::PlatformError),
            Self::Raw(_) => None,
        }
    }

    /// `retryAfterMs`, from typed `RATE_LIMITED` details or from raw details that have a
    /// non-negative integer member of that name (a newer server may add members).
    #[must_use]
    pub fn retry_after_ms(&self) -> Option<u64> {
        match self {
            Self::RateLimited { retry_after_ms, .. } => Some(*retry_after_ms),
            Self::Raw(raw) => {
                #[derive(serde::Deserialize)]
                #[serde(rename_all = "camelCase")]
                struct Probe {
                    retry_after_ms: u64,
                }
                serde_json::from_str::<Probe>(raw.as_json())
                    .ok()
                    .map(|probe| probe.retry_after_ms)
            }
            _ => None,
        }
    }

    /// Reads `raw` as the typed details of `code` when it has exactly their shape, else keeps
    /// it as [`Details::Raw`].
    pub(crate) fn parse(code: &Code, raw: Box<RawValue>) -> Self {
        let text = raw.get();
        let typed = match code.known() {
            Some(ErrorCode::RateLimited) => serde_json::from_str::<wire::RateLimited>(text)
                .ok()
                .map(|wire| Self::RateLimited {
                    endpoint_class: wire.endpoint_class,
                    retry_after_ms: wire.retry_after_ms,
                }),
            Some(ErrorCode::KillSwitch) => serde_json::from_str::<wire::KillSwitch>(text)
                .ok()
                .map(|wire| Self::KillSwitch { scope: wire.scope }),
            Some(ErrorCode::BillingExhausted) => {
                serde_json::from_str::<wire::BillingExhausted>(text)
                    .ok()
                    .map(|wire| Self::BillingExhausted {
                        min_tier: wire.min_tier,
                    })
            }
            Some(ErrorCode::ForbiddenScope) => serde_json::from_str::<wire::ForbiddenScope>(text)
                .ok()
                .map(|wire| Self::ForbiddenScope {
                    required_scope: wire.required_scope,
                }),
            Some(ErrorCode::Validation) => {
                serde_json::from_str::<wire::Validation>(text)
                    .ok()
                    .map(|wire| Self::Validation {
                        field_errors: wire.field_errors,
                    })
            }
            Some(ErrorCode::PlatformError) => serde_json::from_str::<wire::PlatformError>(text)
                .ok()
                .map(|wire| Self::PlatformError {
                    platform_code: wire.platform_code,
                }),
            _ => None,
        };
        typed.unwrap_or_else(|| Self::Raw(RawDetails::from_raw(raw)))
    }
}

impl Serialize for Details {
    /// The `details` object; [`Details::Raw`] is written out exactly as it was received.
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        fn one<S: serde::Serializer, T: Serialize + ?Sized>(
            serializer: S,
            name: &'static str,
            value: &T,
        ) -> Result<S::Ok, S::Error> {
            let mut object = serializer.serialize_struct("Details", 1)?;
            object.serialize_field(name, value)?;
            object.end()
        }
        match self {
            Self::RateLimited {
                endpoint_class,
                retry_after_ms,
            } => {
                let mut object = serializer.serialize_struct("Details", 2)?;
                object.serialize_field("endpointClass", endpoint_class)?;
                object.serialize_field("retryAfterMs", retry_after_ms)?;
                object.end()
            }
            Self::KillSwitch { scope } => one(serializer, "scope", scope),
            Self::BillingExhausted { min_tier } => one(serializer, "minTier", min_tier),
            Self::ForbiddenScope { required_scope } => {
                one(serializer, "requiredScope", required_scope)
            }
            Self::Validation { field_errors } => one(serializer, "fieldErrors", field_errors),
            Self::PlatformError { platform_code } => one(serializer, "platformCode", platform_code),
            Self::Raw(raw) => raw.raw().serialize(serializer),
        }
    }
}

/// The exact wire shapes, for strict parsing.
mod wire {
    use serde::Deserialize;

    use super::{FieldError, KillSwitchScope};

    #[derive(Deserialize)]
    #[serde(rename_all = "camelCase", deny_unknown_fields)]
    pub(super) struct RateLimited {
        pub(super) endpoint_class: String,
        pub(super) retry_after_ms: u64,
    }

    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    pub(super) struct KillSwitch {
        pub(super) scope: KillSwitchScope,
    }

    #[derive(Deserialize)]
    #[serde(rename_all = "camelCase", deny_unknown_fields)]
    pub(super) struct BillingExhausted {
        pub(super) min_tier: String,
    }

    #[derive(Deserialize)]
    #[serde(rename_all = "camelCase", deny_unknown_fields)]
    pub(super) struct ForbiddenScope {
        pub(super) required_scope: String,
    }

    #[derive(Deserialize)]
    #[serde(rename_all = "camelCase", deny_unknown_fields)]
    pub(super) struct Validation {
        pub(super) field_errors: Vec<FieldError>,
    }

    #[derive(Deserialize)]
    #[serde(rename_all = "camelCase", deny_unknown_fields)]
    pub(super) struct PlatformError {
        pub(super) platform_code: String,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(code: &str, json: &str) -> Details {
        let raw = RawValue::from_string(json.to_owned()).unwrap();
        Details::parse(&Code::from(code), raw)
    }

    #[test]
    fn typed_details_parse_beside_their_code_and_print_back() {
        let cases = [
            (
                "RATE_LIMITED",
                r#"{"endpointClass":"write-light","retryAfterMs":1240}"#,
            ),
            ("KILL_SWITCH", r#"{"scope":"org"}"#),
            ("BILLING_EXHAUSTED", r#"{"minTier":"pilot"}"#),
            ("FORBIDDEN_SCOPE", r#"{"requiredScope":"content:write"}"#),
            (
                "VALIDATION",
                r#"{"fieldErrors":[{"field":"name","message":"must not be empty"}]}"#,
            ),
            ("PLATFORM_ERROR", r#"{"platformCode":"openai:rate_limit"}"#),
        ];
        for (code, json) in cases {
            let details = parse(code, json);
            assert_eq!(details.code().map(ErrorCode::as_str), Some(code));
            assert_eq!(serde_json::to_string(&details).unwrap(), json);
        }
    }

    #[test]
    fn other_shapes_stay_raw_and_unchanged() {
        let cases = [
            (
                "RATE_LIMITED",
                r#"{"endpointClass":"x","retryAfterMs":5,"new":1}"#,
            ),
            ("RATE_LIMITED", r#"{"endpointClass":"x"}"#),
            ("RATE_LIMITED", r#"{"endpointClass":"x","retryAfterMs":-1}"#),
            ("KILL_SWITCH", r#"{"scope":"project"}"#),
            ("KILL_SWITCH", r#"{"minTier":"pilot"}"#),
            ("INTERNAL", r#"{"scope":"key"}"#),
            ("NEW_CODE", r#"{ "b" : [1, 2.50], "a": null }"#),
            ("VALIDATION", r#"[1,2]"#),
            ("NOT_FOUND", r#""text""#),
        ];
        for (code, json) in cases {
            let details = parse(code, json);
            assert!(matches!(details, Details::Raw(_)), "{code} {json}");
            assert_eq!(details.code(), None);
            assert_eq!(serde_json::to_string(&details).unwrap(), json);
        }
    }

    #[test]
    fn retry_after_ms_reads_typed_and_raw_details() {
        let typed = parse("RATE_LIMITED", r#"{"endpointClass":"x","retryAfterMs":5}"#);
        assert_eq!(typed.retry_after_ms(), Some(5));
        let extended = parse(
            "RATE_LIMITED",
            r#"{"endpointClass":"x","retryAfterMs":7,"bucket":"b"}"#,
        );
        assert_eq!(extended.retry_after_ms(), Some(7));
        assert_eq!(
            parse("NEW", r#"{"retryAfterMs":"7"}"#).retry_after_ms(),
            None
        );
        assert_eq!(
            parse("KILL_SWITCH", r#"{"scope":"key"}"#).retry_after_ms(),
            None
        );
    }
}
