//! Property tests: round trips, strictness, and that secrets never leak into text.

use layer_keys::{
    ApiKey, Checksum, Env, KeyHash, KeyId, LegacyDigest, PartnerKey, Scanner, Scope, Scopes,
};
use proptest::prelude::*;

fn env() -> impl Strategy<Value = Env> {
    prop_oneof![Just(Env::Live), Just(Env::Test)]
}

fn partner_key() -> impl Strategy<Value = PartnerKey> {
    (env(), any::<u64>(), any::<u32>(), any::<[u8; 28]>()).prop_map(|(env, ms, r, random)| {
        PartnerKey::from_random(env, KeyId::from_time_and_random(ms, r), &random)
    })
}

/// Every 12-byte window of the secret segment: if any appears in some output, part of the
/// secret leaked.
fn assert_no_secret(key: &PartnerKey, shown: &str) {
    let secret = &key.expose_secret()[25..];
    for window in secret.as_bytes().windows(12) {
        let window = std::str::from_utf8(window).unwrap();
        assert!(
            !shown.contains(window),
            "secret fragment {window:?} in {shown:?}"
        );
    }
}

proptest! {
    #[test]
    fn generate_format_parse_round_trips(key in partner_key()) {
        let text = key.expose_secret();
        prop_assert_eq!(text.len(), PartnerKey::LEN);
        let parsed: PartnerKey = text.parse().unwrap();
        prop_assert_eq!(&parsed, &key);
        prop_assert_eq!(parsed.checksum(), Checksum::Valid);
        prop_assert_eq!(parsed.key_id().to_string().parse::<KeyId>().unwrap(), key.key_id());
        prop_assert_eq!(parsed.env().to_string().parse::<Env>().unwrap(), key.env());
    }

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..200)) {
        let _ = ApiKey::parse_bytes(&bytes);
        let _ = Scanner::new().scan(&bytes).count();
    }

    #[test]
    fn arbitrary_strings_never_panic(s in ".{0,100}") {
        let _ = s.parse::<ApiKey>();
        let _ = s.parse::<KeyId>();
        let _ = s.parse::<KeyHash>();
        let _ = s.parse::<LegacyDigest>();
        let _ = s.parse::<Scopes>();
    }

    #[test]
    fn near_keys_never_panic(key in partner_key(), cut in 0usize..80, junk in "[ -~]{0,12}") {
        // Inputs that share a long prefix with a valid key reach the deeper parse stages.
        let text = key.expose_secret();
        let mut mutated = text[..cut.min(text.len())].to_owned();
        mutated.push_str(&junk);
        if let Err(error) = mutated.parse::<ApiKey>() {
            assert_no_secret(&key, &error.to_string());
            assert_no_secret(&key, &format!("{error:?}"));
        }
    }

    #[test]
    fn any_single_character_change_is_rejected_or_another_key(
        key in partner_key(),
        at in 0usize..PartnerKey::LEN,
        with in any::<char>(),
    ) {
        let text = key.expose_secret();
        prop_assume!(!text[at..].starts_with(with));
        let mut changed = String::with_capacity(text.len() + 4);
        changed.push_str(&text[..at]);
        changed.push(with);
        changed.push_str(&text[at + 1..]);
        match changed.parse::<PartnerKey>() {
            Ok(other) => prop_assert_ne!(other, key),
            Err(error) => {
                assert_no_secret(&key, &error.to_string());
                assert_no_secret(&key, &format!("{error:?}"));
            }
        }
    }

    #[test]
    fn checksum_catches_every_single_secret_change(key in partner_key(), at in 25usize..67, delta in 1u8..64) {
        // Changing one secret character (keeping it canonical) always breaks the checksum:
        // CRC-32C detects every error confined to 32 consecutive bits.
        const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        let mut bytes = key.expose_secret().as_bytes().to_vec();
        let index = ALPHABET.iter().position(|&c| c == bytes[at]).unwrap();
        bytes[at] = ALPHABET[(index + usize::from(delta)) % 64];
        let changed = PartnerKey::parse_bytes(&bytes).unwrap();
        prop_assert_eq!(changed.checksum(), Checksum::Invalid);
    }

    #[test]
    fn display_and_debug_never_show_the_secret(key in partner_key()) {
        assert_no_secret(&key, &key.to_string());
        assert_no_secret(&key, &format!("{key:?}"));
        assert_no_secret(&key, &format!("{:?}", key.secret()));
        let either = ApiKey::Partner(key.clone());
        assert_no_secret(&key, &either.to_string());
        assert_no_secret(&key, &format!("{either:?}"));
    }

    #[test]
    fn scanner_finds_exactly_the_planted_keys(
        keys in proptest::collection::vec(partner_key(), 0..4),
        filler in proptest::collection::vec("[a-z ,.;:=\"'\n]{0,40}", 5),
    ) {
        let mut text = String::new();
        let mut expected = Vec::new();
        for (i, piece) in filler.iter().enumerate() {
            text.push_str(piece);
            text.push(' ');
            if let Some(key) = keys.get(i) {
                let start = text.len();
                text.push_str(key.expose_secret());
                expected.push((start..start + PartnerKey::LEN, key.public_part().to_owned()));
                text.push(' ');
            }
        }
        let found: Vec<_> = Scanner::new()
            .scan(text.as_bytes())
            .map(|f| (f.span(), f.public_part().to_owned()))
            .collect();
        prop_assert_eq!(found, expected);
    }

    #[test]
    fn scope_round_trips(s in "[!-+--~]{1,40}") {
        let scope: Scope = s.parse().unwrap();
        prop_assert_eq!(scope.to_string(), s);
    }
}
