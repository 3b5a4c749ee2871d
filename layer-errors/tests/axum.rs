//! `IntoResponse` for `ApiError` through `axum-core` (feature `axum`).
#![cfg(feature = "axum")]

use std::future::Future;
use std::pin::pin;
use std::task::{Context, Poll, Waker};

use axum_core::response::{IntoResponse, Response};
use http_body_util::BodyExt;
use layer_errors::{ApiError, ErrorCode, ErrorEnvelope, KillSwitchScope};

/// Polls a future that needs no I/O to completion; a `Vec`-backed body is ready at once.
fn block_on<F: Future>(future: F) -> F::Output {
    let mut future = pin!(future);
    let mut context = Context::from_waker(Waker::noop());
    loop {
        if let Poll::Ready(output) = future.as_mut().poll(&mut context) {
            return output;
        }
    }
}

fn body_bytes(response: Response) -> Vec<u8> {
    block_on(response.into_body().collect())
        .unwrap()
        .to_bytes()
        .to_vec()
}

#[test]
fn into_response_sets_status_content_type_and_request_id() {
    for error in [
        ApiError::kill_switch(KillSwitchScope::Org),
        ApiError::revoked(),
        ApiError::rate_limited("read-light", 500),
    ] {
        let code = error.code();
        let response = error.into_response();
        assert_eq!(response.status().as_u16(), code.status());
        assert_eq!(response.headers()["content-type"], "application/json");
        let header_id = response.headers()["x-request-id"]
            .to_str()
            .unwrap()
            .to_owned();
        let envelope = ErrorEnvelope::from_json(&body_bytes(response)).unwrap();
        assert!(envelope.code().is(code));
        assert_eq!(envelope.request_id(), Some(header_id.as_str()));
    }
}

#[test]
fn internal_causes_stay_out_of_the_body_but_reach_extensions() {
    let response = ApiError::internal("redis at 10.0.0.9:6379 timed out").into_response();
    assert_eq!(response.status().as_u16(), ErrorCode::Internal.status());
    let logged = response.extensions().get::<ApiError>().unwrap();
    let cause = std::error::Error::source(logged).unwrap().to_string();
    assert!(cause.contains("10.0.0.9"));
    let body = String::from_utf8(body_bytes(response)).unwrap();
    assert!(!body.contains("10.0.0.9"), "{body}");
    assert!(body.contains("\"message\":\"Internal error.\""));
}
