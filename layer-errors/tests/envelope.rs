//! The envelope on the wire: golden strings for every code, and round trips.

use layer_errors::{
    ApiError, Code, Details, ErrorCode, ErrorEnvelope, FieldError, KillSwitchScope, RawDetails,
    RequestId,
};
use proptest::prelude::*;

const ID: &str = "req_01HXZ9G7KMV2QX8Y1S5RJW3B7T";

fn id() -> RequestId {
    ID.parse().unwrap()
}

fn server_body(error: ApiError) -> String {
    String::from_utf8(error.with_request_id(id()).to_json()).unwrap()
}

/// Every code without details, as the server sends it. Written out by hand on purpose.
#[test]
fn golden_bodies_without_details() {
    let cases = [
        (
            ErrorCode::Unauthenticated,
            r#"{"error":{"code":"UNAUTHENTICATED","message":"Missing or invalid API key.","requestId":"req_01HXZ9G7KMV2QX8Y1S5RJW3B7T"}}"#,
        ),
        (
            ErrorCode::BillingExhausted,
            r#"{"error":{"code":"BILLING_EXHAUSTED","message":"Your plan does not include API access.","requestId":"req_01HXZ9G7KMV2QX8Y1S5RJW3B7T"}}"#,
        ),
        (
            ErrorCode::ForbiddenScope,
            r#"{"error":{"code":"FORBIDDEN_SCOPE","message":"The API key lacks the scope this request needs.","requestId":"req_01HXZ9G7KMV2QX8Y1S5RJW3B7T"}}"#,
        ),
        (
            ErrorCode::NotFound,
            r#"{"error":{"code":"NOT_FOUND","message":"Resource not found.","requestId":"req_01HXZ9G7KMV2QX8Y1S5RJW3B7T"}}"#,
        ),
        (
            ErrorCode::Conflict,
            r#"{"error":{"code":"CONFLICT","message":"The request conflicts with the current state of the resource.","requestId":"req_01HXZ9G7KMV2QX8Y1S5RJW3B7T"}}"#,
        ),
        (
            ErrorCode::IdempotencyConflict,
            r#"{"error":{"code":"IDEMPOTENCY_CONFLICT","message":"The idempotency key was already used for a different request.","requestId":"req_01HXZ9G7KMV2QX8Y1S5RJW3B7T"}}"#,
        ),
        (
            ErrorCode::Validation,
            r#"{"error":{"code":"VALIDATION","message":"The request has invalid fields.","requestId":"req_01HXZ9G7KMV2QX8Y1S5RJW3B7T"}}"#,
        ),
        (
            ErrorCode::RateLimited,
            r#"{"error":{"code":"RATE_LIMITED","message":"Rate limit exceeded; retry after the delay in Retry-After.","requestId":"req_01HXZ9G7KMV2QX8Y1S5RJW3B7T"}}"#,
        ),
        (
            ErrorCode::Internal,
            r#"{"error":{"code":"INTERNAL","message":"Internal error.","requestId":"req_01HXZ9G7KMV2QX8Y1S5RJW3B7T"}}"#,
        ),
        (
            ErrorCode::PlatformError,
            r#"{"error":{"code":"PLATFORM_ERROR","message":"An upstream platform returned an error.","requestId":"req_01HXZ9G7KMV2QX8Y1S5RJW3B7T"}}"#,
        ),
        (
            ErrorCode::KillSwitch,
            r#"{"error":{"code":"KILL_SWITCH","message":"API access is disabled by a kill switch.","requestId":"req_01HXZ9G7KMV2QX8Y1S5RJW3B7T"}}"#,
        ),
    ];
    assert_eq!(cases.len(), ErrorCode::ALL.len());
    for (code, golden) in cases {
        assert_eq!(server_body(ApiError::from(code)), golden, "{code}");
        let envelope = ErrorEnvelope::from_json(golden.as_bytes()).unwrap();
        assert_eq!(envelope.code(), &Code::Known(code));
        assert_eq!(envelope.details(), None);
        assert_eq!(envelope.to_json(), golden.as_bytes(), "{code}");
        assert!(!golden.contains("details"));
    }
}

/// Every code that carries details, with its details.
#[test]
fn golden_bodies_with_details() {
    let cases = [
        (
            ApiError::billing_exhausted("pilot"),
            r#"{"error":{"code":"BILLING_EXHAUSTED","message":"Your plan does not include API access.","requestId":"req_01HXZ9G7KMV2QX8Y1S5RJW3B7T","details":{"minTier":"pilot"}}}"#,
        ),
        (
            ApiError::forbidden_scope("content:write"),
            r#"{"error":{"code":"FORBIDDEN_SCOPE","message":"The API key lacks the scope this request needs.","requestId":"req_01HXZ9G7KMV2QX8Y1S5RJW3B7T","details":{"requiredScope":"content:write"}}}"#,
        ),
        (
            ApiError::validation([
                FieldError::new("name", "must not be empty"),
                FieldError::new("scopes[2]", "unknown scope"),
            ]),
            r#"{"error":{"code":"VALIDATION","message":"The request has invalid fields.","requestId":"req_01HXZ9G7KMV2QX8Y1S5RJW3B7T","details":{"fieldErrors":[{"field":"name","message":"must not be empty"},{"field":"scopes[2]","message":"unknown scope"}]}}}"#,
        ),
        (
            ApiError::validation([]),
            r#"{"error":{"code":"VALIDATION","message":"The request has invalid fields.","requestId":"req_01HXZ9G7KMV2QX8Y1S5RJW3B7T","details":{"fieldErrors":[]}}}"#,
        ),
        (
            ApiError::rate_limited("write-light", 1240),
            r#"{"error":{"code":"RATE_LIMITED","message":"Rate limit exceeded; retry after the delay in Retry-After.","requestId":"req_01HXZ9G7KMV2QX8Y1S5RJW3B7T","details":{"endpointClass":"write-light","retryAfterMs":1240}}}"#,
        ),
        (
            ApiError::platform_error("openai:rate_limit"),
            r#"{"error":{"code":"PLATFORM_ERROR","message":"An upstream platform returned an error.","requestId":"req_01HXZ9G7KMV2QX8Y1S5RJW3B7T","details":{"platformCode":"openai:rate_limit"}}}"#,
        ),
        (
            ApiError::kill_switch(KillSwitchScope::Key),
            r#"{"error":{"code":"KILL_SWITCH","message":"API access is disabled by a kill switch.","requestId":"req_01HXZ9G7KMV2QX8Y1S5RJW3B7T","details":{"scope":"key"}}}"#,
        ),
        (
            ApiError::kill_switch(KillSwitchScope::Org),
            r#"{"error":{"code":"KILL_SWITCH","message":"API access is disabled by a kill switch.","requestId":"req_01HXZ9G7KMV2QX8Y1S5RJW3B7T","details":{"scope":"org"}}}"#,
        ),
        (
            ApiError::kill_switch(KillSwitchScope::Global),
            r#"{"error":{"code":"KILL_SWITCH","message":"API access is disabled by a kill switch.","requestId":"req_01HXZ9G7KMV2QX8Y1S5RJW3B7T","details":{"scope":"global"}}}"#,
        ),
    ];
    for (error, golden) in cases {
        let details = error.details().cloned();
        assert_eq!(server_body(error), golden);
        let envelope = ErrorEnvelope::from_json(golden.as_bytes()).unwrap();
        assert_eq!(
            envelope.details(),
            details.as_ref(),
            "typed again: {golden}"
        );
        assert_eq!(envelope.to_json(), golden.as_bytes());
    }
}

#[test]
fn revoked_and_caller_messages() {
    assert_eq!(
        server_body(ApiError::revoked()),
        r#"{"error":{"code":"UNAUTHENTICATED","message":"API key has been revoked.","requestId":"req_01HXZ9G7KMV2QX8Y1S5RJW3B7T"}}"#
    );
    assert_eq!(
        server_body(ApiError::conflict("A key named \"Production\" exists.")),
        r#"{"error":{"code":"CONFLICT","message":"A key named \"Production\" exists.","requestId":"req_01HXZ9G7KMV2QX8Y1S5RJW3B7T"}}"#
    );
}

#[test]
fn unknown_codes_and_details_round_trip_unchanged() {
    let bodies = [
        r#"{"error":{"code":"QUOTA_FROZEN","message":"Frozen.","requestId":"req_01HXZ9G7KMV2QX8Y1S5RJW3B7T","details":{"until":"2031-01-01","tiers":["pilot",{"x":1.50}]}}}"#,
        r#"{"error":{"code":"QUOTA_FROZEN","message":"Frozen.","requestId":"not-a-ulid"}}"#,
        r#"{"error":{"code":"RATE_LIMITED","message":"m","requestId":"r","details":{"endpointClass":"read-light","retryAfterMs":10,"bucket":"b-7"}}}"#,
        r#"{"error":{"code":"KILL_SWITCH","message":"m","requestId":"r","details":{"scope":"project"}}}"#,
        r#"{"error":{"code":"INTERNAL","message":"m","requestId":"r","details":{ "spaced" : [ 1 , 2 ] }}}"#,
        r#"{"error":{"code":"lower_case","message":"m","requestId":"r","details":"a string"}}"#,
    ];
    for body in bodies {
        let envelope = ErrorEnvelope::from_json(body.as_bytes()).unwrap();
        assert!(
            matches!(envelope.details(), None | Some(Details::Raw(_))),
            "{body}"
        );
        assert_eq!(String::from_utf8(envelope.to_json()).unwrap(), body);
    }
}

#[test]
fn the_partner_docs_rate_limit_example_parses() {
    // From the partner authentication docs: no `message` member.
    let body = br#"{ "error": { "code": "RATE_LIMITED", "requestId": "req_...", "details": { "endpointClass": "write-light", "retryAfterMs": 1240 } } }"#;
    let envelope = ErrorEnvelope::from_json(body).unwrap();
    assert_eq!(
        envelope.details(),
        Some(&Details::RateLimited {
            endpoint_class: "write-light".into(),
            retry_after_ms: 1240
        })
    );
    assert_eq!(envelope.message(), "");
}

fn known_code() -> impl Strategy<Value = ErrorCode> {
    proptest::sample::select(ErrorCode::ALL.to_vec())
}

fn json_value() -> impl Strategy<Value = serde_json::Value> {
    use serde_json::Value;
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<f64>()
            .prop_filter("finite", |f| f.is_finite())
            .prop_map(Value::from),
        ".{0,12}".prop_map(Value::String),
    ];
    leaf.prop_recursive(3, 24, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::btree_map(".{0,8}", inner, 0..4)
                .prop_map(|map| Value::Object(map.into_iter().collect())),
        ]
    })
}

/// Raw details as text, compact or pretty; never a bare `null` (which reads as absent).
fn raw_details() -> impl Strategy<Value = Details> {
    (json_value(), any::<bool>())
        .prop_filter("null reads as absent", |(value, _)| !value.is_null())
        .prop_map(|(value, pretty)| {
            let text = if pretty {
                serde_json::to_string_pretty(&value).unwrap()
            } else {
                serde_json::to_string(&value).unwrap()
            };
            Details::Raw(RawDetails::from_json(&text).unwrap())
        })
}

/// Details typed for `code`, when it has a typed shape.
fn typed_details(code: ErrorCode) -> BoxedStrategy<Option<Details>> {
    match code {
        ErrorCode::RateLimited => (".*", any::<u64>())
            .prop_map(|(endpoint_class, retry_after_ms)| {
                Some(Details::RateLimited {
                    endpoint_class,
                    retry_after_ms,
                })
            })
            .boxed(),
        ErrorCode::KillSwitch => prop_oneof![
            Just(KillSwitchScope::Key),
            Just(KillSwitchScope::Org),
            Just(KillSwitchScope::Global)
        ]
        .prop_map(|scope| Some(Details::KillSwitch { scope }))
        .boxed(),
        ErrorCode::BillingExhausted => ".*"
            .prop_map(|min_tier| Some(Details::BillingExhausted { min_tier }))
            .boxed(),
        ErrorCode::ForbiddenScope => ".*"
            .prop_map(|required_scope| Some(Details::ForbiddenScope { required_scope }))
            .boxed(),
        ErrorCode::Validation => prop::collection::vec((".*", ".*"), 0..4)
            .prop_map(|pairs| {
                let field_errors = pairs
                    .into_iter()
                    .map(|(field, message)| FieldError::new(field, message))
                    .collect();
                Some(Details::Validation { field_errors })
            })
            .boxed(),
        ErrorCode::PlatformError => ".*"
            .prop_map(|platform_code| Some(Details::PlatformError { platform_code }))
            .boxed(),
        _ => Just(None).boxed(),
    }
}

/// Envelopes whose details are consistent with their code, as a server would send them:
/// typed details beside their own code, raw details beside codes without a typed shape.
fn envelope() -> impl Strategy<Value = ErrorEnvelope> {
    let code = prop_oneof![
        known_code().prop_map(Code::Known),
        "[A-Z_]{1,24}".prop_map(Code::from),
        ".*".prop_map(Code::from),
    ];
    code.prop_flat_map(|code| {
        let details = match code.known() {
            Some(known) if has_typed_details(known) => {
                prop_oneof![Just(None), typed_details(known)].boxed()
            }
            _ => prop_oneof![Just(None), raw_details().prop_map(Some)].boxed(),
        };
        (Just(code), ".*", any::<u128>(), details)
    })
    .prop_map(|(code, message, id, details)| {
        let envelope = ErrorEnvelope::new(code, message, RequestId::from_u128(id));
        match details {
            Some(details) => envelope.with_details(details),
            None => envelope,
        }
    })
}

/// Whether `code` has a typed details shape.
fn has_typed_details(code: ErrorCode) -> bool {
    matches!(
        code,
        ErrorCode::RateLimited
            | ErrorCode::KillSwitch
            | ErrorCode::BillingExhausted
            | ErrorCode::ForbiddenScope
            | ErrorCode::Validation
            | ErrorCode::PlatformError
    )
}

proptest! {
    #[test]
    fn envelopes_round_trip_through_json(envelope in envelope()) {
        let json = envelope.to_json();
        let back = ErrorEnvelope::from_json(&json).unwrap();
        prop_assert_eq!(&back, &envelope);
        prop_assert_eq!(back.to_json(), json);
    }

    #[test]
    fn server_errors_read_back_as_sent(code in known_code(), message in ".*", id in any::<u128>()) {
        let error = ApiError::new(code, message).with_request_id(RequestId::from_u128(id));
        let envelope = ErrorEnvelope::from_json(&error.to_json()).unwrap();
        prop_assert_eq!(envelope.code(), &Code::Known(code));
        prop_assert_eq!(envelope.message(), error.public_message());
        let expected_id = RequestId::from_u128(id).to_string();
        prop_assert_eq!(envelope.request_id(), Some(expected_id.as_str()));
    }
}
