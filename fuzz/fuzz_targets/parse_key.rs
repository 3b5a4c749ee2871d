//! Any bytes: parsing never panics, and whatever parses prints back to the same text and never
//! shows its secret in `Display`, `Debug` or an error.
#![no_main]

use layer_keys::{ApiKey, KeyHash, KeyId, Scopes};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    match ApiKey::parse_bytes(data) {
        Ok(key) => {
            assert_eq!(key.expose_secret().as_bytes(), data);
            let shown = format!("{key} {key:?}");
            assert!(shown.len() < 200);
            assert!(!shown.contains(&key.expose_secret()[20..]));
            if let ApiKey::Partner(partner) = &key {
                let _ = partner.checksum();
                assert_eq!(partner.key_id().as_str().parse::<KeyId>().ok(), Some(partner.key_id()));
            }
        }
        Err(error) => {
            let _ = (error.segment(), error.position(), error.to_string());
        }
    }
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = text.parse::<KeyHash>();
        if let Ok(scopes) = text.parse::<Scopes>() {
            assert_eq!(scopes.to_string().parse::<Scopes>().ok(), Some(scopes));
        }
    }
});
