//! Resolution and fallback against the fake provider.

use std::time::Duration;

use layer_byok::{
    ByokError, ByokEvent, ByokStore, Clock, KeySource, OrgId, Provider, ProviderOutcome, Sealed,
    Validity, VaultError, fake_provider::Behaviour,
};

use crate::harness::{World, key, platform};

/// A valid key is used; once the provider revokes it, the call falls back to the platform key
/// (the retry carries it), the record is marked invalid with exactly one event, later calls
/// go straight to the platform key, and a new key is used again.
pub(crate) async fn a_refused_key_is_marked_invalid_and_the_call_falls_back<S: ByokStore>(
    store: S,
    [a, _]: [OrgId; 2],
) {
    let world = World::new(store, true).await;
    let (own, fallback) = (key(Provider::OpenAi, '1'), platform(Provider::OpenAi));
    world.fake.add_key(&own);
    let set = world.byok.set(a, &own).await.unwrap();

    let called = world.call(a, Provider::OpenAi).await.unwrap();
    assert_eq!(called.result, Ok(()));
    assert_eq!(
        called.source,
        KeySource::Byok {
            id: set.id,
            display_prefix: own.masked()
        }
    );
    assert_eq!(world.used(&[&own, &fallback]), [0]);

    world.fake.revoke(&own);
    world.fake.clear_requests();
    world.clock.advance(Duration::from_secs(60));
    let called = world.call(a, Provider::OpenAi).await.unwrap();
    assert_eq!(called.result, Ok(()));
    assert_eq!(called.source, KeySource::Platform);
    assert_eq!(
        world.used(&[&own, &fallback]),
        [0, 1],
        "refused, then the retry"
    );
    let record = world.byok.store().get(set.id).await.unwrap().unwrap();
    assert_eq!(
        record.validity,
        Validity::Invalid {
            since: world.clock.now()
        }
    );
    assert_eq!(
        world.events(),
        [ByokEvent::KeyInvalidated {
            org: a,
            provider: Provider::OpenAi,
            id: set.id,
            display_prefix: own.masked(),
        }]
    );

    // Straight to the platform key: no request with the refused key, no second event.
    world.fake.clear_requests();
    let resolved = world.byok.resolve(a, Provider::OpenAi).await.unwrap();
    assert_eq!(resolved.source, KeySource::Platform);
    assert_eq!(resolved.key.expose_secret(), fallback.expose_secret());
    let called = world.call(a, Provider::OpenAi).await.unwrap();
    assert_eq!(
        (called.result, called.source),
        (Ok(()), KeySource::Platform)
    );
    assert_eq!(world.used(&[&own, &fallback]), [1]);
    assert_eq!(world.events().len(), 1);

    // A new key of the organization's own is used again.
    let renewed = key(Provider::OpenAi, '2');
    world.fake.add_key(&renewed);
    let set = world.byok.set(a, &renewed).await.unwrap();
    world.fake.clear_requests();
    let called = world.call(a, Provider::OpenAi).await.unwrap();
    assert_eq!(called.result, Ok(()));
    assert_eq!(
        called.source,
        KeySource::Byok {
            id: set.id,
            display_prefix: renewed.masked()
        }
    );
    assert_eq!(world.used(&[&renewed, &fallback]), [0]);
}

/// A rate limit or an outage is the caller's to handle: returned as it is, with no retry on
/// the platform key, and the key's validity untouched (see `Byok::call` for why).
pub(crate) async fn rate_limits_and_outages_are_returned_not_fallen_back<S: ByokStore>(
    store: S,
    [a, _]: [OrgId; 2],
) {
    let world = World::new(store, true).await;
    let (own, fallback) = (key(Provider::Anthropic, '1'), platform(Provider::Anthropic));
    world.fake.add_key(&own);
    let set = world.byok.set(a, &own).await.unwrap();

    let answers = [
        (
            Behaviour::RateLimited {
                retry_after: Some(30),
            },
            ProviderOutcome::RateLimited {
                retry_after: Some(Duration::from_secs(30)),
            },
        ),
        (
            Behaviour::Down { status: 503 },
            ProviderOutcome::Unavailable,
        ),
        (
            Behaviour::Down { status: 529 },
            ProviderOutcome::Unavailable,
        ),
    ];
    for (behaviour, outcome) in answers {
        world.fake.set_behaviour(Provider::Anthropic, behaviour);
        world.fake.clear_requests();
        let called = world.call(a, Provider::Anthropic).await.unwrap();
        assert_eq!(called.result, Err(outcome.clone()), "{behaviour:?}");
        assert!(called.source.is_byok());
        assert_eq!(world.used(&[&own, &fallback]), [0], "no retry");

        let tested = world
            .byok
            .test(a, Provider::Anthropic, &world.validator)
            .await
            .unwrap();
        assert_eq!(tested.outcome, outcome);
        assert_eq!(tested.summary.validity, Validity::Unknown);
    }
    let record = world.byok.store().get(set.id).await.unwrap().unwrap();
    assert_eq!(record.validity, Validity::Unknown);
    assert!(world.events().is_empty());

    world
        .fake
        .set_behaviour(Provider::Anthropic, Behaviour::Normal);
    let called = world.call(a, Provider::Anthropic).await.unwrap();
    assert_eq!(called.result, Ok(()));
    assert!(called.source.is_byok());
}

/// Neither a key of the organization nor a platform key: a typed error. A refused key with no
/// platform key to fall back to is returned as refused (and marked).
pub(crate) async fn no_key_at_all_is_a_typed_error<S: ByokStore>(store: S, [a, b]: [OrgId; 2]) {
    let world = World::new(store, false).await;
    for provider in [Provider::Google, Provider::Mistral] {
        let error = world.byok.resolve(a, provider).await.unwrap_err();
        assert!(
            matches!(error, ByokError::NoKey { org, provider: p } if org == a && p == provider),
            "{error:?}"
        );
        assert!(matches!(
            world.call(b, provider).await,
            Err(ByokError::NoKey { .. })
        ));
    }
    assert_eq!(world.fake.request_count(), 0);

    let own = key(Provider::Google, '1');
    world.byok.set(a, &own).await.unwrap();
    let called = world.call(a, Provider::Google).await.unwrap();
    assert_eq!(called.result, Err(ProviderOutcome::Unauthenticated));
    assert!(called.source.is_byok());
    assert_eq!(world.events().len(), 1);
    assert!(matches!(
        world.byok.resolve(a, Provider::Google).await,
        Err(ByokError::NoKey { .. })
    ));
}

/// A row whose ciphertext no longer opens falls back to the platform key with a
/// `KeyUnreadable` event, and is not marked invalid (the provider never refused it).
pub(crate) async fn an_unreadable_row_falls_back_without_marking<S: ByokStore>(
    store: S,
    [a, _]: [OrgId; 2],
) {
    let world = World::new(store, true).await;
    let (own, fallback) = (key(Provider::Mistral, '1'), platform(Provider::Mistral));
    world.fake.add_key(&own);
    let set = world.byok.set(a, &own).await.unwrap();
    let record = world.byok.store().get(set.id).await.unwrap().unwrap();
    let mut ciphertext = record.sealed.ciphertext().to_vec();
    ciphertext[3] ^= 0x01;
    let tampered = Sealed::from_parts(record.sealed.version(), *record.sealed.nonce(), ciphertext);
    world
        .byok
        .store()
        .reseal(
            set.id,
            record.sealed.version(),
            tampered,
            crate::harness::start(),
        )
        .await
        .unwrap();

    let called = world.call(a, Provider::Mistral).await.unwrap();
    assert_eq!(
        (called.result, called.source),
        (Ok(()), KeySource::Platform)
    );
    assert_eq!(world.used(&[&own, &fallback]), [1]);
    assert_eq!(
        world.events(),
        [ByokEvent::KeyUnreadable {
            org: a,
            provider: Provider::Mistral,
            id: set.id,
            display_prefix: own.masked(),
            version: record.sealed.version(),
            reason: VaultError::Refused,
        }]
    );
    let after = world.byok.store().get(set.id).await.unwrap().unwrap();
    assert_eq!(after.validity, Validity::Unknown);

    // Testing it reports the vault's refusal rather than asking the provider.
    let error = world
        .byok
        .test(a, Provider::Mistral, &world.validator)
        .await
        .unwrap_err();
    assert!(
        matches!(error, ByokError::Vault(VaultError::Refused)),
        "{error:?}"
    );
    assert_eq!(world.fake.request_count(), 1);
}
