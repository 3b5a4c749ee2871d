//! Testing, enabling, disabling, deleting, restoring and purging through the facade, with a
//! fake clock.

use std::time::Duration;

use layer_byok::{
    ByokError, ByokEvent, ByokStore, ByokStoreError, Clock, KeySource, ListFilter, OrgId, Provider,
    ProviderOutcome, RETENTION, Validity,
};

use crate::harness::{World, key};

/// `test` marks a key valid or invalid from the provider's answer, and a later success
/// clears the invalid mark; one event per key invalidated.
pub(crate) async fn test_marks_valid_and_invalid<S: ByokStore>(store: S, [a, _]: [OrgId; 2]) {
    let world = World::new(store, true).await;
    let own = key(Provider::OpenAi, '1');
    world.fake.add_key(&own);
    assert!(matches!(
        world.byok.test(a, Provider::OpenAi, &world.validator).await,
        Err(ByokError::NotSet { .. })
    ));
    let set = world.byok.set(a, &own).await.unwrap();
    assert_eq!(set.validity, Validity::Unknown);

    let tested = world
        .byok
        .test(a, Provider::OpenAi, &world.validator)
        .await
        .unwrap();
    assert_eq!(tested.outcome, ProviderOutcome::Valid);
    assert_eq!(
        tested.summary.validity,
        Validity::Valid {
            checked_at: world.clock.now()
        }
    );

    world.fake.revoke(&own);
    world.clock.advance(Duration::from_secs(1));
    for _ in 0..2 {
        let tested = world
            .byok
            .test(a, Provider::OpenAi, &world.validator)
            .await
            .unwrap();
        assert_eq!(tested.outcome, ProviderOutcome::Unauthenticated);
        assert!(tested.summary.validity.is_invalid());
    }
    assert!(matches!(
        world.events().as_slice(),
        [ByokEvent::KeyInvalidated { id, .. }] if *id == set.id
    ));

    // The owner sorted it out with the provider: a successful test clears the mark.
    world.fake.add_key(&own);
    let tested = world
        .byok
        .test(a, Provider::OpenAi, &world.validator)
        .await
        .unwrap();
    assert!(matches!(tested.summary.validity, Validity::Valid { .. }));
    assert!(
        world
            .byok
            .resolve(a, Provider::OpenAi)
            .await
            .unwrap()
            .source
            .is_byok()
    );
}

/// A disabled key is kept but not used; enabling it brings it back.
pub(crate) async fn disabled_keys_are_skipped_until_enabled<S: ByokStore>(
    store: S,
    [a, b]: [OrgId; 2],
) {
    let world = World::new(store, true).await;
    let own = key(Provider::Google, '1');
    world.fake.add_key(&own);
    world.byok.set(a, &own).await.unwrap();

    let disabled = world.byok.disable(a, Provider::Google).await.unwrap();
    assert!(!disabled.enabled);
    let resolved = world.byok.resolve(a, Provider::Google).await.unwrap();
    assert_eq!(resolved.source, KeySource::Platform);
    let listed = world.byok.list(a, ListFilter::Live).await.unwrap();
    assert_eq!(listed, [disabled]);

    let enabled = world.byok.enable(a, Provider::Google).await.unwrap();
    assert!(enabled.enabled);
    assert!(
        world
            .byok
            .resolve(a, Provider::Google)
            .await
            .unwrap()
            .source
            .is_byok()
    );
    // Another organization's provider is untouched, and has nothing to enable.
    assert!(matches!(
        world.byok.enable(b, Provider::Google).await,
        Err(ByokError::NotSet { .. })
    ));
}

/// Soft delete stops the key being used; it can be restored for 90 days (to the
/// millisecond), and only by its own organization; after that restore refuses and purge
/// removes it.
pub(crate) async fn soft_delete_restore_within_retention_purge_after<S: ByokStore>(
    store: S,
    [a, b]: [OrgId; 2],
) {
    let world = World::new(store, true).await;
    let own = key(Provider::Anthropic, '1');
    let set = world.byok.set(a, &own).await.unwrap();

    let deleted = world.byok.delete(a, Provider::Anthropic).await.unwrap();
    assert_eq!(deleted.deleted_at, Some(world.clock.now()));
    assert_eq!(
        world
            .byok
            .resolve(a, Provider::Anthropic)
            .await
            .unwrap()
            .source,
        KeySource::Platform
    );
    assert!(
        world
            .byok
            .list(a, ListFilter::Live)
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(
        world.byok.list(a, ListFilter::Deleted).await.unwrap(),
        [deleted]
    );
    assert!(matches!(
        world.byok.delete(a, Provider::Anthropic).await,
        Err(ByokError::NotSet { .. })
    ));

    // Not another organization's to restore.
    assert!(matches!(
        world.byok.restore(b, set.id).await,
        Err(ByokError::Store(ByokStoreError::NotFound(_)))
    ));

    // Day 90, to the millisecond: still recoverable, and purge leaves it.
    world.clock.advance(RETENTION);
    assert_eq!(world.byok.purge().await.unwrap(), 0);
    let restored = world.byok.restore(a, set.id).await.unwrap();
    assert_eq!(restored.deleted_at, None);
    let resolved = world.byok.resolve(a, Provider::Anthropic).await.unwrap();
    assert_eq!(resolved.key.expose_secret(), own.expose_secret());

    // Deleted again, and left a millisecond too long: gone.
    world.byok.delete(a, Provider::Anthropic).await.unwrap();
    world.clock.advance(RETENTION + Duration::from_millis(1));
    assert!(matches!(
        world.byok.restore(a, set.id).await,
        Err(ByokError::Store(ByokStoreError::Expired { .. }))
    ));
    assert_eq!(world.byok.purge().await.unwrap(), 1);
    assert!(
        world
            .byok
            .list(a, ListFilter::All)
            .await
            .unwrap()
            .is_empty()
    );
    assert!(matches!(
        world.byok.restore(a, set.id).await,
        Err(ByokError::Store(ByokStoreError::NotFound(_)))
    ));
}
