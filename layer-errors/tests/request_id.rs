//! Request ids: fixed vectors, round trips and a parser that never panics.

use layer_errors::{Error, RequestId};
use proptest::prelude::*;

#[test]
fn test_vectors_parse_and_print_back() {
    let vectors = [
        ("req_00000000000000000000000000", 0u128),
        ("req_7ZZZZZZZZZZZZZZZZZZZZZZZZZ", u128::MAX),
        (
            "req_01ARYZ6S410000000000000000",
            1_469_918_176_385u128 << 80,
        ),
        ("req_0000000000000000000000000Z", 31),
    ];
    for (text, value) in vectors {
        let id: RequestId = text.parse().unwrap();
        assert_eq!(id.to_u128(), value, "{text}");
        assert_eq!(id.to_string(), text);
    }
}

#[test]
fn generated_ids_parse() {
    for _ in 0..1_000 {
        let id = RequestId::generate();
        assert_eq!(id.to_string().parse::<RequestId>(), Ok(id));
    }
}

proptest! {
    #[test]
    fn display_and_from_str_round_trip(value in any::<u128>()) {
        let id = RequestId::from_u128(value);
        let text = id.to_string();
        prop_assert_eq!(text.len(), RequestId::LEN);
        prop_assert_eq!(text.parse::<RequestId>(), Ok(id));
    }

    #[test]
    fn arbitrary_strings_never_panic(text in ".*") {
        let _ = text.parse::<RequestId>();
    }

    #[test]
    fn near_misses_are_rejected_or_canonical(text in "req_[0-9A-Za-z]{24,28}") {
        match text.parse::<RequestId>() {
            Ok(id) => prop_assert_eq!(id.to_string(), text),
            Err(error) => prop_assert!(matches!(
                error,
                Error::RequestIdLength(_) | Error::RequestIdCharacter(_) | Error::RequestIdOverflow
            )),
        }
    }
}
