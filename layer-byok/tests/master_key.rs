//! Master-key parsing: the accepted encodings, the refusals, and never echoing the input.

use layer_byok::{MasterKey, MasterKeyError};
use proptest::prelude::*;

/// 32 bytes 0x00..=0x1f in each accepted form.
const HEX: &str = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";
const BASE64: &str = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";
const BASE64_UNPADDED: &str = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8";

fn bytes() -> [u8; 32] {
    std::array::from_fn(|i| u8::try_from(i).unwrap())
}

#[test]
fn hex_and_base64_padded_or_not() {
    for s in [HEX, &HEX.to_ascii_uppercase(), BASE64, BASE64_UNPADDED] {
        assert_eq!(
            MasterKey::parse(s).unwrap().expose_secret(),
            &bytes(),
            "{s}"
        );
        assert_eq!(s.parse::<MasterKey>().unwrap().expose_secret(), &bytes());
    }
}

#[test]
fn thirty_one_and_thirty_three_bytes_are_refused() {
    let cases = [
        // hex
        (HEX[..62].to_owned(), 31),
        (format!("{HEX}20"), 33),
        // base64 of 0x00..=0x1e and of 0x00..=0x20, padded and not
        (
            "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHg==".to_owned(),
            31,
        ),
        ("AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHg".to_owned(), 31),
        (
            "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8g".to_owned(),
            33,
        ),
    ];
    for (s, len) in cases {
        let err = MasterKey::parse(&s).unwrap_err();
        assert_eq!(err, MasterKeyError::WrongLength { len }, "{s}");
        assert!(!err.to_string().contains(&s[..8]));
    }
}

#[test]
fn garbage_and_empty_are_refused() {
    assert_eq!(MasterKey::parse("").unwrap_err(), MasterKeyError::Empty);
    assert_eq!(
        MasterKey::parse("\t\n ").unwrap_err(),
        MasterKeyError::Empty
    );
    for s in [
        "correct horse battery staple",
        "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8-", // URL-safe alphabet
        "0x000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f",
        "AAEC AwQF",
    ] {
        let err = MasterKey::parse(s).unwrap_err();
        assert_eq!(err, MasterKeyError::NotHexNorBase64, "{s}");
        assert!(!err.to_string().contains(s));
    }
}

#[test]
fn mistyped_hex_is_named_as_such() {
    let typo = "g00102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";
    let err = MasterKey::parse(typo).unwrap_err();
    assert_eq!(err, MasterKeyError::NotHex);
    assert!(!err.to_string().contains(typo));
}

proptest! {
    #[test]
    fn parsing_never_panics(s in any::<String>()) {
        let _ = MasterKey::parse(&s);
    }

    #[test]
    fn errors_never_echo_the_input(s in "[A-Za-z0-9+/=]{8,120}") {
        if let Err(err) = MasterKey::parse(&s) {
            prop_assert!(!err.to_string().contains(&s));
            let debug = format!("{err:?}");
            prop_assert!(!debug.contains(&s));
        }
    }

    #[test]
    fn hex_and_base64_round_trip(key in any::<[u8; 32]>()) {
        use base64::Engine as _;
        let hex: String = key.iter().map(|b| format!("{b:02x}")).collect();
        let parsed = MasterKey::parse(&hex).unwrap();
        prop_assert_eq!(parsed.expose_secret(), &key);
        for engine in [
            base64::engine::general_purpose::STANDARD,
            base64::engine::general_purpose::STANDARD_NO_PAD,
        ] {
            let b64 = engine.encode(key);
            let parsed = MasterKey::parse(&b64).unwrap();
            prop_assert_eq!(parsed.expose_secret(), &key);
        }
    }
}
