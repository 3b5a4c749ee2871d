//! Fixed strings that must parse (and print back identically) or fail with a given error.
//!
//! The valid vectors were computed independently of this crate (Python's `base64` and a
//! bit-by-bit CRC-32C), so they pin the format, not just self-consistency.

use layer_keys::{ApiKey, Checksum, Env, LegacyDigest, LegacyKey, ParseError, PartnerKey, Segment};

/// (key, env, key id, checksum)
const VALID_PARTNER: &[(&str, Env, &str, Checksum)] = &[
    (
        // The secret starts with `_`.
        "lp_live_01HX9Y6K7EJ4T2AB__wECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaG7MCJHQ",
        Env::Live,
        "01HX9Y6K7EJ4T2AB",
        Checksum::Valid,
    ),
    (
        // The secret starts with `-`.
        "lp_test_01HX9Y6K7EJ4T2AB_-GRlZmdoaWprbG1ub3BxcnN0dXZ3eHl6e3x9fr-Y74k",
        Env::Test,
        "01HX9Y6K7EJ4T2AB",
        Checksum::Valid,
    ),
    (
        // `_` first, `-` second to last: splitting on `_` would find the wrong secret.
        "lp_live_01JC5ZQ0X8M3N4PR__fj_b8y8Q7Wr3X6y8Atyf1uABqd4KYjVTkwafQW2D-c",
        Env::Live,
        "01JC5ZQ0X8M3N4PR",
        Checksum::Valid,
    ),
    (
        // Runs of `_` and `-`; the highest timestamp a key id can carry.
        "lp_live_7ZZZZZZZZZZZZZZZ_____----____----____----____----____-47Bees",
        Env::Live,
        "7ZZZZZZZZZZZZZZZ",
        Checksum::Valid,
    ),
    (
        "lp_test_0000000000000000_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAANRGaqs",
        Env::Test,
        "0000000000000000",
        Checksum::Valid,
    ),
    (
        // Well formed, but the last four bytes are not the CRC-32C: a valid key whose checksum
        // fails (minted elsewhere, or a look-alike).
        "lp_live_01HX9Y6K7EJ4T2AB_AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaG-cbLPk",
        Env::Live,
        "01HX9Y6K7EJ4T2AB",
        Checksum::Invalid,
    ),
];

const VALID_LEGACY: &str = "layer_6f597866ab34d811cdc26041bfd3931b0b76b06934e6990834da8a8b6490a34f";
const VALID_LEGACY_DIGEST: &str =
    "ee59cd930b6a6c06ba3f34e3483fe35bb69148e55c5cc6a64876bffee26d6a8a";

const GOOD: &str = "lp_live_01HX9Y6K7EJ4T2AB__wECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaG7MCJHQ";

/// (input, expected error)
fn invalid() -> Vec<(String, ParseError)> {
    let edit = |at: usize, with: &str| {
        let mut s = GOOD.to_owned();
        s.replace_range(at..at + 1, with);
        s
    };
    vec![
        (String::new(), ParseError::Empty),
        ("sk_live_x".into(), ParseError::UnknownPrefix),
        (
            "LP_live_01HX9Y6K7EJ4T2AB_x".into(),
            ParseError::UnknownPrefix,
        ),
        ("lp".into(), ParseError::UnknownPrefix),
        ("lp_".into(), ParseError::Env { position: 3 }),
        (
            GOOD.replacen("live", "prod", 1),
            ParseError::Env { position: 3 },
        ),
        (
            GOOD.replacen("live", "LIVE", 1),
            ParseError::Env { position: 3 },
        ),
        (
            "lp_live".into(),
            ParseError::Separator {
                after: Segment::Env,
                position: 7,
            },
        ),
        (
            edit(7, "-"),
            ParseError::Separator {
                after: Segment::Env,
                position: 7,
            },
        ),
        (
            "lp_live_".into(),
            ParseError::KeyIdLength {
                position: 8,
                found: 0,
            },
        ),
        (
            GOOD.replacen("01HX9Y6K7EJ4T2AB", "01HX9Y6K7EJ4T2A", 1),
            ParseError::KeyIdLength {
                position: 8,
                found: 15,
            },
        ),
        (
            GOOD.replacen("01HX9Y6K7EJ4T2AB", "01hx9y6k7ej4t2ab", 1),
            ParseError::KeyIdCharacter { position: 10 },
        ),
        (edit(12, "I"), ParseError::KeyIdCharacter { position: 12 }),
        (edit(12, "U"), ParseError::KeyIdCharacter { position: 12 }),
        (
            GOOD.replacen("01HX9Y6K7EJ4T2AB", "01HX9Y6K7EJ4T2ABC", 1),
            ParseError::Separator {
                after: Segment::KeyId,
                position: 24,
            },
        ),
        (
            GOOD[..24].to_owned(),
            ParseError::Separator {
                after: Segment::KeyId,
                position: 24,
            },
        ),
        (
            GOOD[..25].to_owned(),
            ParseError::SecretLength {
                position: 25,
                found: 0,
            },
        ),
        (
            GOOD[..67].to_owned(),
            ParseError::SecretLength {
                position: 25,
                found: 42,
            },
        ),
        (
            format!("{GOOD}A"),
            ParseError::SecretLength {
                position: 25,
                found: 44,
            },
        ),
        (
            format!("{GOOD}\n"),
            ParseError::SecretCharacter { position: 68 },
        ),
        (format!(" {GOOD}"), ParseError::UnknownPrefix),
        (edit(40, "+"), ParseError::SecretCharacter { position: 40 }),
        (edit(40, "/"), ParseError::SecretCharacter { position: 40 }),
        (edit(40, "="), ParseError::SecretCharacter { position: 40 }),
        (edit(40, " "), ParseError::SecretCharacter { position: 40 }),
        (edit(40, "é"), ParseError::SecretCharacter { position: 40 }),
        // The last character carries two padding bits that must be zero: `Q` (16) is
        // canonical, `R` (17) and `T` (19) are not. `_` (63) and `-` (62) can therefore never
        // end a canonical secret.
        (
            edit(67, "R"),
            ParseError::SecretNotCanonical { position: 67 },
        ),
        (
            edit(67, "T"),
            ParseError::SecretNotCanonical { position: 67 },
        ),
        (
            edit(67, "_"),
            ParseError::SecretNotCanonical { position: 67 },
        ),
        (
            edit(67, "-"),
            ParseError::SecretNotCanonical { position: 67 },
        ),
        (
            "layer_".into(),
            ParseError::LegacyLength {
                position: 6,
                found: 0,
            },
        ),
        (
            VALID_LEGACY[..69].to_owned(),
            ParseError::LegacyLength {
                position: 6,
                found: 63,
            },
        ),
        (
            format!("{VALID_LEGACY}0"),
            ParseError::LegacyLength {
                position: 6,
                found: 65,
            },
        ),
        (
            VALID_LEGACY.to_uppercase().replacen("LAYER_", "layer_", 1),
            ParseError::LegacyCharacter { position: 7 },
        ),
        (
            VALID_LEGACY.replacen("6f", "6g", 1),
            ParseError::LegacyCharacter { position: 7 },
        ),
    ]
}

#[test]
fn valid_partner_keys_parse_and_print_back() {
    for &(text, env, key_id, checksum) in VALID_PARTNER {
        let key: PartnerKey = text.parse().unwrap_or_else(|e| panic!("{text}: {e}"));
        assert_eq!(key.expose_secret(), text);
        assert_eq!(key.env(), env);
        assert_eq!(key.key_id().as_str(), key_id);
        assert_eq!(key.checksum(), checksum, "{text}");
        assert_eq!(key.to_string(), format!("lp_{env}_{key_id}_…"));
        assert_eq!(key.public_part(), format!("lp_{env}_{key_id}"));
        let either: ApiKey = text.parse().unwrap();
        assert_eq!(either, ApiKey::Partner(key.clone()));
        // Re-assembling from the decoded random bytes gives the same text when the checksum
        // is valid: our minting and the independent vector agree.
        if checksum.is_valid() {
            let random: [u8; 28] = key.secret().expose_secret()[..28].try_into().unwrap();
            assert_eq!(PartnerKey::from_random(env, key.key_id(), &random), key);
        }
    }
}

#[test]
fn valid_legacy_key_parses_masks_and_digests() {
    let key: LegacyKey = VALID_LEGACY.parse().unwrap();
    assert_eq!(key.expose_secret(), VALID_LEGACY);
    assert_eq!(key.to_string(), "layer_6f59...");
    assert_eq!(key.lookup_digest().to_string(), VALID_LEGACY_DIGEST);
    let stored: LegacyDigest = VALID_LEGACY_DIGEST.parse().unwrap();
    assert!(key.verify(&stored).is_ok());
    assert_eq!(VALID_LEGACY.parse::<ApiKey>().unwrap(), ApiKey::Legacy(key));
}

#[test]
fn invalid_keys_fail_with_the_expected_error() {
    for (input, expected) in invalid() {
        assert_eq!(
            ApiKey::parse_bytes(input.as_bytes()).err(),
            Some(expected),
            "{input:?}"
        );
        if input.starts_with("lp_") {
            assert_eq!(
                input.parse::<PartnerKey>().err(),
                Some(expected),
                "{input:?}"
            );
        }
    }
}

#[test]
fn error_messages_name_segment_and_position() {
    let error = GOOD
        .replacen("J4T2AB", "J4t2AB", 1)
        .parse::<PartnerKey>()
        .unwrap_err();
    assert_eq!(error.segment(), Segment::KeyId);
    assert_eq!(error.position(), 20);
    assert_eq!(
        error.to_string(),
        "key id character at byte 20 is not upper-case Crockford base32"
    );
    let error = format!("{GOOD}!").parse::<PartnerKey>().unwrap_err();
    assert_eq!(
        error.to_string(),
        "secret character at byte 68 is not base64url"
    );
}
