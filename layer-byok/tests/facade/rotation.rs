//! Master-key rotation through the facade: set under v1, run with {v1, v2}, re-encrypt,
//! drop v1.

use layer_byok::{
    Byok, ByokStore, ListFilter, MasterKeyVersion, OrgId, Provider, ProviderKey, Sealed,
};

use crate::harness::{key, vault};

async fn opens<S: ByokStore>(byok: &Byok<S>, org: OrgId, expected: &ProviderKey) {
    let resolved = byok.resolve(org, expected.provider()).await.unwrap();
    assert!(resolved.source.is_byok(), "{resolved:?}");
    assert_eq!(resolved.key.expose_secret(), expected.expose_secret());
}

/// Records sealed under v1 still resolve once v2 is added; `reencrypt` moves every one of them
/// (deleted ones too) and reports one that no longer opens instead of looping on it; after
/// that a keyring without v1 still resolves them.
pub(crate) async fn records_follow_the_master_key_through_a_rotation<S: ByokStore + Clone>(
    store: S,
    [a, b]: [OrgId; 2],
) {
    let (v1, v2) = (MasterKeyVersion::new(1), MasterKeyVersion::new(2));
    let before = Byok::new(store.clone(), vault(&[(1, 0x11)]));
    let (openai, google, anthropic) = (
        key(Provider::OpenAi, '1'),
        key(Provider::Google, '1'),
        key(Provider::Anthropic, '1'),
    );
    before.set(a, &openai).await.unwrap();
    before.set(a, &google).await.unwrap();
    let deleted = before.set(b, &anthropic).await.unwrap();
    before.delete(b, Provider::Anthropic).await.unwrap();
    // One row no longer opens: a re-encrypt must report it, not spin on it.
    let broken = before.set(b, &key(Provider::Mistral, '1')).await.unwrap();
    let record = store.get(broken.id).await.unwrap().unwrap();
    let mut ciphertext = record.sealed.ciphertext().to_vec();
    ciphertext[0] ^= 0x80;
    let tampered = Sealed::from_parts(v1, *record.sealed.nonce(), ciphertext);
    store
        .reseal(broken.id, v1, tampered, crate::harness::start())
        .await
        .unwrap();

    let during = Byok::new(store.clone(), vault(&[(1, 0x11), (2, 0x22)]));
    opens(&during, a, &openai).await;
    opens(&during, a, &google).await;
    let fresh = key(Provider::Anthropic, '2');
    during.set(a, &fresh).await.unwrap();
    assert_eq!(
        store
            .live(a, Provider::Anthropic)
            .await
            .unwrap()
            .unwrap()
            .sealed
            .version(),
        v2,
        "new seals use the newest key"
    );

    let report = during.reencrypt(1).await.unwrap();
    assert_eq!(report.moved, 3, "{report:?}");
    assert_eq!(report.skipped, 0);
    assert_eq!(report.unreadable, [broken.id]);
    assert!(!report.is_complete());
    for org in [a, b] {
        for summary in during.list(org, ListFilter::All).await.unwrap() {
            let expected = if summary.id == broken.id { v1 } else { v2 };
            assert_eq!(summary.key_version, expected, "{summary:?}");
        }
    }
    // Nothing left to move but the broken row; the operator deletes it, and then it is done.
    assert_eq!(during.reencrypt(10).await.unwrap().moved, 0);
    during.delete(b, Provider::Mistral).await.unwrap();

    let after = Byok::new(store.clone(), vault(&[(2, 0x22)]));
    opens(&after, a, &openai).await;
    opens(&after, a, &google).await;
    opens(&after, a, &fresh).await;
    after.restore(b, deleted.id).await.unwrap();
    opens(&after, b, &anthropic).await;
}
