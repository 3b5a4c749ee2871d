//! Any response body and status: the client parser never panics, and an envelope that parses
//! serializes to JSON that parses back to the same envelope.
#![no_main]

use layer_errors::{ClientError, ErrorEnvelope};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|input: (u16, Vec<(String, Vec<u8>)>, &[u8])| {
    let (status, headers, body) = input;
    if let Some(error) = ClientError::from_response(status, headers, body) {
        let _ = (error.code(), error.decision(), error.retry_after());
    }
    if let Ok(envelope) = ErrorEnvelope::from_json(body) {
        let json = envelope.to_json();
        let again = ErrorEnvelope::from_json(&json).expect("our own output parses");
        assert_eq!(again.to_json(), json);
    }
});
