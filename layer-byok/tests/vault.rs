//! The vault: round trips, tampering, rows, rotation, nonces, and what formatting shows.

use std::collections::HashSet;

use layer_byok::{
    MasterKey, MasterKeyVersion, MasterKeys, NONCE_LEN, OrgId, Provider, ProviderKey, Sealed,
    TAG_LEN, Vault, VaultError,
};
use proptest::prelude::*;

const KEYS: [(Provider, &str); 4] = [
    (
        Provider::OpenAi,
        "sk-proj-AbCdEfGhIjKlMnOpQrStUvWxYz0123456789_-abc123",
    ),
    (
        Provider::Anthropic,
        "sk-ant-api03-AbCdEfGhIjKlMnOpQrStUvWxYz0123456789-xyz789",
    ),
    (Provider::Google, "AIzaSyA1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q"),
    (Provider::Mistral, "AbCdEfGhIjKlMnOpQrStUvWxYz012345"),
];

fn v(n: u32) -> MasterKeyVersion {
    MasterKeyVersion::new(n)
}

fn master(byte: u8) -> MasterKey {
    MasterKey::from_bytes([byte; 32])
}

fn vault(versions: &[(u32, u8)]) -> Vault {
    Vault::new(&MasterKeys::new(versions.iter().map(|&(n, b)| (v(n), master(b)))).unwrap())
}

fn key(provider: Provider) -> ProviderKey {
    let (_, s) = KEYS.iter().find(|(p, _)| *p == provider).unwrap();
    ProviderKey::parse(provider, s).unwrap()
}

fn org(n: u8) -> OrgId {
    OrgId::from_uuid(uuid::Uuid::from_bytes([n; 16]))
}

#[test]
fn every_provider_round_trips() {
    let vault = vault(&[(1, 0x11)]);
    for (provider, plaintext) in KEYS {
        let sealed = vault.seal(org(1), &key(provider)).unwrap();
        assert_eq!(sealed.version(), v(1));
        assert_eq!(sealed.ciphertext().len(), plaintext.len() + TAG_LEN);
        assert!(
            !sealed
                .ciphertext()
                .windows(8)
                .any(|w| plaintext.as_bytes().windows(8).any(|p| p == w))
        );
        let opened = vault.open(org(1), provider, &sealed).unwrap();
        assert_eq!(opened.provider(), provider);
        assert_eq!(opened.expose_secret(), plaintext);
    }
}

#[test]
fn the_longest_accepted_key_round_trips() {
    let long = format!("sk-svcacct-{}", "a".repeat(400));
    let key = ProviderKey::parse(Provider::OpenAi, &long).unwrap();
    let vault = vault(&[(1, 0x11)]);
    let sealed = vault.seal(org(1), &key).unwrap();
    let opened = vault.open(org(1), Provider::OpenAi, &sealed).unwrap();
    assert_eq!(opened.expose_secret(), long);
}

#[test]
fn every_flipped_bit_of_ciphertext_and_tag_is_refused() {
    let vault = vault(&[(1, 0x11)]);
    for (provider, _) in KEYS {
        let sealed = vault.seal(org(1), &key(provider)).unwrap();
        for bit in 0..sealed.ciphertext().len() * 8 {
            let mut ciphertext = sealed.ciphertext().to_vec();
            ciphertext[bit / 8] ^= 1 << (bit % 8);
            let tampered = Sealed::from_parts(sealed.version(), *sealed.nonce(), ciphertext);
            assert_eq!(
                vault.open(org(1), provider, &tampered).unwrap_err(),
                VaultError::Refused,
                "{provider} bit {bit}"
            );
        }
    }
}

#[test]
fn every_flipped_bit_of_the_nonce_is_refused() {
    let vault = vault(&[(1, 0x11)]);
    let sealed = vault.seal(org(1), &key(Provider::Google)).unwrap();
    for bit in 0..NONCE_LEN * 8 {
        let mut nonce = *sealed.nonce();
        nonce[bit / 8] ^= 1 << (bit % 8);
        let tampered = Sealed::from_parts(sealed.version(), nonce, sealed.ciphertext().to_vec());
        assert_eq!(
            vault.open(org(1), Provider::Google, &tampered).unwrap_err(),
            VaultError::Refused,
            "bit {bit}"
        );
    }
}

#[test]
fn truncated_or_extended_ciphertexts_are_refused() {
    let vault = vault(&[(1, 0x11)]);
    let sealed = vault.seal(org(1), &key(Provider::Mistral)).unwrap();
    let ct = sealed.ciphertext();
    for bad in [
        Vec::new(),
        ct[..TAG_LEN - 1].to_vec(),
        ct[..TAG_LEN].to_vec(),
        ct[1..].to_vec(),
        ct[..ct.len() - 1].to_vec(),
        [ct, &[0]].concat(),
    ] {
        let tampered = Sealed::from_parts(sealed.version(), *sealed.nonce(), bad);
        assert_eq!(
            vault
                .open(org(1), Provider::Mistral, &tampered)
                .unwrap_err(),
            VaultError::Refused
        );
    }
}

#[test]
fn a_ciphertext_copied_to_another_row_is_refused() {
    let vault = vault(&[(1, 0x11)]);
    for (provider, _) in KEYS {
        let sealed = vault.seal(org(1), &key(provider)).unwrap();
        // Another organization's row, same provider.
        assert_eq!(
            vault.open(org(2), provider, &sealed).unwrap_err(),
            VaultError::Refused
        );
        // One bit of the organization id is enough.
        let mut bytes = [1_u8; 16];
        bytes[15] ^= 0x80;
        let near = OrgId::from_uuid(uuid::Uuid::from_bytes(bytes));
        assert_eq!(
            vault.open(near, provider, &sealed).unwrap_err(),
            VaultError::Refused
        );
        // The same organization's row for every other provider: refused by the tag, before
        // any shape check.
        for other in Provider::ALL.into_iter().filter(|p| *p != provider) {
            assert_eq!(
                vault.open(org(1), other, &sealed).unwrap_err(),
                VaultError::Refused,
                "{provider} as {other}"
            );
        }
    }
}

#[test]
fn the_version_is_bound_even_under_the_same_key_bytes() {
    // v1 and v2 are the same bytes: relabelling is caught by the associated data alone.
    let vault = vault(&[(1, 0x11), (2, 0x11), (0x0100_0001, 0x11)]);
    let sealed = vault.seal(org(1), &key(Provider::OpenAi)).unwrap();
    assert_eq!(sealed.version(), v(0x0100_0001));
    for other in [v(1), v(2)] {
        let relabelled = Sealed::from_parts(other, *sealed.nonce(), sealed.ciphertext().to_vec());
        assert_eq!(
            vault
                .open(org(1), Provider::OpenAi, &relabelled)
                .unwrap_err(),
            VaultError::Refused
        );
    }
    let unknown = Sealed::from_parts(v(3), *sealed.nonce(), sealed.ciphertext().to_vec());
    assert_eq!(
        vault.open(org(1), Provider::OpenAi, &unknown).unwrap_err(),
        VaultError::UnknownVersion { version: v(3) }
    );
}

#[test]
fn rotation_moves_records_and_drops_the_old_version() {
    let v1_only = MasterKeys::new([(v(1), master(0x11))]).unwrap();
    let before = Vault::new(&v1_only);
    let records: Vec<(OrgId, Provider, Sealed)> = KEYS
        .iter()
        .enumerate()
        .map(|(i, (provider, _))| {
            let org = org(u8::try_from(i).unwrap());
            (org, *provider, before.seal(org, &key(*provider)).unwrap())
        })
        .collect();

    // v2 is added: old records still open, new seals use v2.
    let both = MasterKeys::new([(v(1), master(0x11)), (v(2), master(0x22))]).unwrap();
    let during = Vault::new(&both);
    assert_eq!(during.current_version(), v(2));
    for (org, provider, sealed) in &records {
        assert_eq!(
            during.open(*org, *provider, sealed).unwrap().provider(),
            *provider
        );
    }
    assert_eq!(
        during
            .seal(org(9), &key(Provider::Google))
            .unwrap()
            .version(),
        v(2)
    );

    // Re-encrypt all but the last record.
    let (unmoved, to_move) = records.split_last().unwrap();
    let moved: Vec<(OrgId, Provider, Sealed)> = to_move
        .iter()
        .map(|(org, provider, sealed)| {
            let new = during.reencrypt(*org, *provider, sealed).unwrap().unwrap();
            assert_eq!(new.version(), v(2));
            assert_ne!(new.nonce(), sealed.nonce());
            // Already on the newest version: nothing to do.
            assert_eq!(during.reencrypt(*org, *provider, &new).unwrap(), None);
            (*org, *provider, new)
        })
        .collect();

    // v1 is dropped: moved records open, the unmoved one is refused as unknown-version.
    let after = Vault::new(&both.without(v(1)).unwrap());
    assert_eq!(after.versions().collect::<Vec<_>>(), [v(2)]);
    for (org, provider, sealed) in &moved {
        assert_eq!(
            after.open(*org, *provider, sealed).unwrap().expose_secret(),
            key(*provider).expose_secret()
        );
    }
    let (org, provider, sealed) = unmoved;
    assert_eq!(
        after.open(*org, *provider, sealed).unwrap_err(),
        VaultError::UnknownVersion { version: v(1) }
    );
    assert_eq!(
        after.reencrypt(*org, *provider, sealed).unwrap_err(),
        VaultError::UnknownVersion { version: v(1) }
    );
}

#[test]
fn nonces_never_repeat_across_a_million_seals() {
    const SEALS: usize = 1_000_000;
    let vault = vault(&[(1, 0x11)]);
    let key = key(Provider::Mistral);
    let mut nonces = HashSet::with_capacity(SEALS);
    for _ in 0..SEALS {
        let sealed = vault.seal(org(1), &key).unwrap();
        assert!(nonces.insert(*sealed.nonce()), "nonce repeated");
    }
    assert_eq!(nonces.len(), SEALS);
}

#[test]
fn formatting_never_shows_key_material() {
    let master_bytes: [u8; 32] = std::array::from_fn(|i| u8::try_from(i * 7 + 3).unwrap());
    let master_hex: String = master_bytes.iter().map(|b| format!("{b:02x}")).collect();
    let master = MasterKey::from_bytes(master_bytes);
    let keys = MasterKeys::new([(v(1), master.clone())]).unwrap();
    let vault = Vault::new(&keys);

    let mut shown = vec![
        format!("{master:?}"),
        format!("{keys:?}"),
        format!("{vault:?}"),
    ];
    let mut secrets = vec![
        master_hex.clone(),
        master_hex.to_uppercase(),
        format!("{master_bytes:?}"),
        format!("{:?}", &master_bytes[..4])
            .trim_end_matches(']')
            .to_owned(),
    ];
    for (provider, plaintext) in KEYS {
        let key = key(provider);
        let sealed = vault.seal(org(1), &key).unwrap();
        shown.extend([format!("{key:?}"), format!("{key}"), format!("{sealed:?}")]);
        secrets.push(plaintext.to_owned());
        // Every error the vault can return for this record.
        let tampered = Sealed::from_parts(v(1), [0; NONCE_LEN], sealed.ciphertext().to_vec());
        let unknown = Sealed::from_parts(v(7), *sealed.nonce(), sealed.ciphertext().to_vec());
        for err in [
            vault.open(org(1), provider, &tampered).unwrap_err(),
            vault.open(org(1), provider, &unknown).unwrap_err(),
            VaultError::Malformed { provider },
            VaultError::Random,
            VaultError::Seal,
        ] {
            shown.extend([format!("{err:?}"), format!("{err}")]);
        }
    }
    // Every master-key error, from inputs that are nearly keys.
    let near_misses = [
        master_hex[..62].to_owned(),
        format!("{master_hex}00"),
        format!("{}!", &master_hex[..63]),
        String::new(),
    ];
    for input in &near_misses {
        let err = MasterKey::parse(input).unwrap_err();
        shown.extend([format!("{err:?}"), format!("{err}")]);
        let err = MasterKeys::from_vars([("LAYER_BYOK_MASTER_KEY_V4", input)]).unwrap_err();
        shown.extend([format!("{err:?}"), format!("{err}")]);
        secrets.push(input.chars().take(16).collect());
    }
    secrets.retain(|s| !s.is_empty());

    for text in &shown {
        for secret in &secrets {
            assert!(!text.contains(secret.as_str()), "{text:?} shows {secret:?}");
        }
    }
}

fn valid_key() -> impl Strategy<Value = (Provider, String)> {
    prop_oneof![
        "sk-(proj|svcacct|admin)-[A-Za-z0-9_-]{20,400}".prop_map(|k| (Provider::OpenAi, k)),
        "sk-[A-Za-z0-9]{20,400}".prop_map(|k| (Provider::OpenAi, k)),
        "sk-ant-[A-Za-z0-9_-]{20,400}".prop_map(|k| (Provider::Anthropic, k)),
        "AIza[A-Za-z0-9_-]{35}".prop_map(|k| (Provider::Google, k)),
        "[A-Za-z0-9]{32}".prop_map(|k| (Provider::Mistral, k)),
    ]
}

proptest! {
    #[test]
    fn seal_then_open_round_trips(
        (provider, plaintext) in valid_key(),
        master_bytes in any::<[u8; 32]>(),
        org_bytes in any::<[u8; 16]>(),
    ) {
        let key = ProviderKey::parse(provider, &plaintext).unwrap();
        let vault = Vault::new(&MasterKeys::single(MasterKey::from_bytes(master_bytes)));
        let org = OrgId::from_uuid(uuid::Uuid::from_bytes(org_bytes));
        let sealed = vault.seal(org, &key).unwrap();
        let opened = vault.open(org, provider, &sealed).unwrap();
        prop_assert_eq!(opened.expose_secret(), plaintext.as_str());
    }
}
