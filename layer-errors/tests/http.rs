//! `ApiError` as an `http::Response`, and `ClientError` reading it back (feature `http`).
#![cfg(feature = "http")]

use http::header::{CONTENT_TYPE, RETRY_AFTER};
use http::{Response, StatusCode};
use layer_errors::{
    ApiError, ClientError, ErrorCode, ErrorEnvelope, FieldError, KillSwitchScope, RequestId,
    RetryDecision,
};

fn every_kind_of_error() -> Vec<ApiError> {
    let mut errors: Vec<ApiError> = ErrorCode::ALL.into_iter().map(ApiError::from).collect();
    errors.extend([
        ApiError::revoked(),
        ApiError::unauthenticated("Missing X-Api-Key header."),
        ApiError::billing_exhausted("pilot"),
        ApiError::forbidden_scope("content:write"),
        ApiError::validation([FieldError::new("name", "must not be empty")]),
        ApiError::rate_limited("long-running", 61_001),
        ApiError::internal("boom"),
        ApiError::platform_error("mistral:timeout"),
        ApiError::kill_switch(KillSwitchScope::Global),
    ]);
    errors
}

fn header<'a>(response: &'a Response<Vec<u8>>, name: &str) -> &'a str {
    response.headers()[name].to_str().unwrap()
}

#[test]
fn status_content_type_and_request_id_header_match_the_body() {
    for error in every_kind_of_error() {
        let code = error.code();
        let response = error.into_http_response();
        assert_eq!(response.status().as_u16(), code.status(), "{code}");
        assert_eq!(header(&response, "content-type"), "application/json");
        let envelope = ErrorEnvelope::from_json(response.body()).unwrap();
        assert_eq!(envelope.code().known(), Some(code));
        let header_id = header(&response, "X-Request-Id");
        assert_eq!(envelope.request_id(), Some(header_id), "{code}");
        assert!(header_id.parse::<RequestId>().is_ok());
    }
}

#[test]
fn a_set_request_id_is_kept() {
    let id: RequestId = "req_01HXZ9G7KMV2QX8Y1S5RJW3B7T".parse().unwrap();
    let response = ApiError::not_found()
        .with_request_id(id)
        .into_http_response();
    assert_eq!(header(&response, "x-request-id"), id.to_string());
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
}

#[test]
fn five_hundred_bodies_never_contain_the_cause() {
    let secret = "postgres://admin:s3cr3t@10.1.2.3/keys";
    let errors = [
        ApiError::internal(secret),
        ApiError::new(ErrorCode::Internal, secret),
        ApiError::new(ErrorCode::PlatformError, secret),
        ApiError::platform_error("openai:unavailable").with_source(secret),
        ApiError::new(ErrorCode::KillSwitch, secret),
    ];
    for error in errors {
        assert!(error.status() >= 500);
        let response = error.clone().into_http_response();
        let body = String::from_utf8(response.body().clone()).unwrap();
        assert!(!body.contains("s3cr3t"), "{body}");
        for (_, value) in response.headers() {
            assert!(!value.to_str().unwrap().contains("s3cr3t"));
        }
        let problem = error.into_problem_response();
        let body = String::from_utf8(problem.body().clone()).unwrap();
        assert!(!body.contains("s3cr3t"), "{body}");
    }
}

#[test]
fn rate_limits_send_retry_after_consistent_with_the_body() {
    let response = ApiError::rate_limited("write-light", 1_240).into_http_response();
    assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(response.headers()[RETRY_AFTER], "2");
    let error = ClientError::from_http_response(&response).unwrap();
    assert!(error.is(ErrorCode::RateLimited));
    assert_eq!(
        error.decision(),
        RetryDecision::RetryAfter(std::time::Duration::from_secs(2))
    );
}

#[test]
fn the_client_reads_what_the_server_sends() {
    for error in every_kind_of_error() {
        let code = error.code();
        let response = error.into_http_response();
        let client = ClientError::from_http_response(&response).unwrap();
        assert!(client.is(code));
        assert_eq!(client.status(), code.status());
        assert_eq!(
            client.request_id(),
            response.headers()["x-request-id"].to_str().ok()
        );
        if code == ErrorCode::KillSwitch {
            assert_eq!(client.decision(), RetryDecision::StopForGood);
        }
    }
}

#[test]
fn problem_responses_use_problem_json() {
    let response = ApiError::forbidden_scope("publish:write").into_problem_response();
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    assert_eq!(response.headers()[CONTENT_TYPE], "application/problem+json");
    let value: serde_json::Value = serde_json::from_slice(response.body()).unwrap();
    assert_eq!(value["type"], "about:blank");
    assert_eq!(value["title"], "Forbidden");
    assert_eq!(value["status"], 403);
    assert_eq!(value["code"], "FORBIDDEN_SCOPE");
    assert_eq!(value["details"]["requiredScope"], "publish:write");
    assert_eq!(
        value["requestId"],
        response.headers()["x-request-id"].to_str().unwrap()
    );
}
