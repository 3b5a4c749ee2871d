//! `LeakScanner` properties: it never panics, finds every key standing on its own with its
//! exact span, and never shows a secret.

use layer_byok::{LeakKind, LeakScanner, Provider, ProviderKey};
use proptest::prelude::*;

/// A key of any accepted shape, with the provider it belongs to.
fn provider_key() -> impl Strategy<Value = (Provider, String)> {
    prop_oneof![
        "sk-(proj|svcacct|admin)-[A-Za-z0-9_-]{20,80}".prop_map(|k| (Provider::OpenAi, k)),
        "sk-[A-Za-z0-9]{20,80}".prop_map(|k| (Provider::OpenAi, k)),
        "sk-ant-api03-[A-Za-z0-9_-]{20,80}".prop_map(|k| (Provider::Anthropic, k)),
        "AIza[A-Za-z0-9_-]{35}".prop_map(|k| (Provider::Google, k)),
        "[A-Za-z0-9]{32}".prop_map(|k| (Provider::Mistral, k)),
    ]
}

/// Bytes that end a token: whitespace, quotes, punctuation, non-ASCII.
fn separator() -> impl Strategy<Value = String> {
    prop_oneof![
        Just(" "),
        Just("\n"),
        Just("\""),
        Just("'"),
        Just("="),
        Just(":"),
        Just("&"),
        Just("/"),
        Just("."),
        Just(","),
        Just("é"),
    ]
    .prop_map(str::to_owned)
}

proptest! {
    #[test]
    fn never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
        let scanner = LeakScanner::new().with_mistral(true);
        let findings = scanner.scan(&bytes);
        prop_assert_eq!(scanner.contains_secret(&bytes), !findings.is_empty());
        for finding in findings {
            prop_assert!(finding.span().end <= bytes.len());
        }
    }

    #[test]
    fn finds_every_key_between_separators(
        before in "\\PC{0,40}",
        after in "\\PC{0,40}",
        (provider, key) in provider_key(),
        left in separator(),
        right in separator(),
    ) {
        let start = before.len() + left.len();
        let text = format!("{before}{left}{key}{right}{after}");
        prop_assert_eq!(ProviderKey::detect(&key), Some(provider));
        let findings = LeakScanner::new().with_mistral(true).scan(&text);
        let found = findings
            .iter()
            .find(|f| f.span() == (start..start + key.len()))
            .cloned();
        prop_assert!(found.is_some(), "{:?} in {:?}", findings, text);
        let found = found.unwrap();
        prop_assert_eq!(found.kind(), LeakKind::Provider(provider));
        prop_assert_eq!(
            found.masked(),
            ProviderKey::parse(provider, &key).unwrap().masked()
        );
        for finding in &findings {
            let shown = format!("{finding} {finding:?} {}", finding.masked());
            prop_assert!(!shown.contains(&key), "{}", shown);
        }
        // Mistral is opt-in: the default scanner skips it and reports the rest.
        let default_found = LeakScanner::new()
            .scan(&text)
            .into_iter()
            .any(|f| f.span() == (start..start + key.len()));
        prop_assert_eq!(default_found, provider != Provider::Mistral);
    }

    #[test]
    fn a_key_glued_to_a_token_is_not_reported(
        (_, key) in provider_key(),
        glue in "[A-Za-z0-9_-]",
    ) {
        let scanner = LeakScanner::new().with_mistral(true);
        let glued = format!("{glue}{key}");
        let findings = scanner.scan(&glued);
        prop_assert!(findings.iter().all(|f| f.span() != (1..1 + key.len())));
    }
}

#[test]
fn workspace_keys_are_found_beside_provider_keys() {
    let partner = layer_keys::PartnerKey::generate(layer_keys::Env::Test).unwrap();
    let legacy = layer_keys::LegacyKey::generate().unwrap();
    let google = "AIzaSyA1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q";
    let text = format!(
        "a={} b={google} c={}",
        partner.expose_secret(),
        legacy.expose_secret()
    );
    let findings = LeakScanner::new().scan(&text);
    let kinds: Vec<_> = findings.iter().map(|f| f.kind()).collect();
    assert_eq!(
        kinds,
        [
            LeakKind::Workspace(layer_keys::KeyKind::Partner),
            LeakKind::Provider(Provider::Google),
            LeakKind::Workspace(layer_keys::KeyKind::Legacy),
        ]
    );
    for finding in &findings {
        let shown = format!("{finding} {finding:?}");
        for secret in [partner.expose_secret(), legacy.expose_secret(), google] {
            assert!(!shown.contains(secret), "{shown}");
        }
    }
}
