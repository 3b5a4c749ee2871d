//! The client parser: any response in, a typed error and a retry decision out.

use std::time::{Duration, SystemTime};

use layer_errors::{Backoff, ClientError, ErrorCode, RetryDecision};
use proptest::prelude::*;
use rand::SeedableRng;
use rand::rngs::SmallRng;

const KILL_SWITCH: &str = r#"{"error":{"code":"KILL_SWITCH","message":"Stopped.","requestId":"req_01HXZ9G7KMV2QX8Y1S5RJW3B7T","details":{"scope":"key"}}}"#;
const RATE_LIMITED: &str = r#"{"error":{"code":"RATE_LIMITED","message":"Slow down.","requestId":"req_01HXZ9G7KMV2QX8Y1S5RJW3B7T","details":{"endpointClass":"write-light","retryAfterMs":1240}}}"#;

#[test]
fn every_known_code_decides_as_the_table_says() {
    for code in ErrorCode::ALL {
        let body = format!(
            r#"{{"error":{{"code":"{code}","message":"m","requestId":"req_01HXZ9G7KMV2QX8Y1S5RJW3B7T"}}}}"#
        );
        let error =
            ClientError::from_response(code.status(), [("x", "y")], body.as_bytes()).unwrap();
        assert!(error.is(code));
        assert_eq!(error.decision(), code.retry_decision(None), "{code}");
    }
}

#[test]
fn an_http_date_retry_after_counts_from_now() {
    let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_445_412_480);
    let headers = [("Retry-After", "Wed, 21 Oct 2015 07:28:10 GMT")];
    let error = ClientError::from_response_at(429, headers, b"", now).unwrap();
    assert_eq!(
        error.decision(),
        RetryDecision::RetryAfter(Duration::from_secs(10))
    );
}

#[test]
fn html_from_a_proxy_maps_by_status() {
    let html = b"<html><body><h1>429 Too Many Requests</h1></body></html>";
    let error = ClientError::from_response(429, [("content-type", "text/html")], html).unwrap();
    assert_eq!(error.code(), None);
    assert_eq!(error.decision(), RetryDecision::RetryNow);
    let error = ClientError::from_response(401, [("content-type", "text/html")], html).unwrap();
    assert_eq!(error.decision(), RetryDecision::FixRequest);
}

#[test]
fn rate_limit_delay_comes_from_details_without_a_header() {
    let no_headers: [(&str, &str); 0] = [];
    let error = ClientError::from_response(429, no_headers, RATE_LIMITED.as_bytes()).unwrap();
    assert_eq!(
        error.decision(),
        RetryDecision::RetryAfter(Duration::from_millis(1240))
    );
    assert_eq!(error.request_id(), Some("req_01HXZ9G7KMV2QX8Y1S5RJW3B7T"));
}

fn header_name() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("Retry-After".to_owned()),
        Just("retry-after".to_owned()),
        Just("X-Request-Id".to_owned()),
        ".{0,16}",
    ]
}

fn header_value() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        prop::collection::vec(any::<u8>(), 0..40),
        "[0-9]{0,25}".prop_map(String::into_bytes),
        Just(b"Wed, 21 Oct 2015 07:28:00 GMT".to_vec()),
        Just(b"Sun, 06 Nov 1994 08:49:37 GMT".to_vec()),
        Just(b"Fri, 31 Dec 9999 23:59:59 GMT".to_vec()),
    ]
}

fn headers() -> impl Strategy<Value = Vec<(String, Vec<u8>)>> {
    prop::collection::vec((header_name(), header_value()), 0..6)
}

/// Bodies near the envelope: valid ones cut short or with one byte changed, plus noise.
fn body() -> impl Strategy<Value = Vec<u8>> {
    let near = (
        prop_oneof![Just(KILL_SWITCH), Just(RATE_LIMITED)],
        any::<prop::sample::Index>(),
        any::<u8>(),
        any::<bool>(),
    )
        .prop_map(|(valid, index, byte, truncate)| {
            let mut bytes = valid.as_bytes().to_vec();
            let at = index.index(bytes.len());
            if truncate {
                bytes.truncate(at);
            } else {
                bytes[at] = byte;
            }
            bytes
        });
    prop_oneof![prop::collection::vec(any::<u8>(), 0..300), near]
}

proptest! {
    #[test]
    fn arbitrary_responses_never_panic(
        status in any::<u16>(),
        headers in headers(),
        body in body(),
        now in any::<u64>(),
    ) {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(now % (1 << 40));
        let error = ClientError::from_response_at(status, headers, &body, now);
        prop_assert_eq!(error.is_none(), (100..400).contains(&status));
        if let Some(error) = error {
            let _ = error.to_string();
            if let RetryDecision::RetryAfter(delay) = error.decision() {
                prop_assert_eq!(Some(delay), error.retry_after());
            }
        }
    }

    #[test]
    fn kill_switch_is_never_retried(
        status in 400u16..600,
        headers in headers(),
        scope in prop_oneof![Just("key"), Just("org"), Just("global"), Just("planet")],
        attempt in 0u32..64,
        seed in any::<u64>(),
    ) {
        let body = KILL_SWITCH.replace("\"key\"", &format!("\"{scope}\""));
        let error = ClientError::from_response(status, headers, body.as_bytes()).unwrap();
        prop_assert!(error.is(ErrorCode::KillSwitch));
        prop_assert_eq!(error.decision(), RetryDecision::StopForGood);
        let backoff = Backoff::DEFAULT.with_max_retries(u32::MAX);
        let mut rng = SmallRng::seed_from_u64(seed);
        prop_assert_eq!(backoff.delay_with(error.decision(), attempt, &mut rng), None);
    }
}
