//! Arbitrary bytes: the scanner never panics, findings are in order, inside the input, and
//! each one is a key that parses on its own.
#![no_main]

use layer_keys::{ApiKey, Scanner};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let mut last_end = 0;
    for finding in Scanner::new().scan(data) {
        let span = finding.span();
        assert!(span.start >= last_end && span.end <= data.len());
        let key = ApiKey::parse_bytes(&data[span.clone()]).expect("findings are whole keys");
        assert_eq!(key.public_part(), finding.public_part());
        last_end = span.end;
    }
});
