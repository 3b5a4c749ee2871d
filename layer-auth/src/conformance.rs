//! A conformance suite every [`KeyStore`] must pass. Feature `conformance`.
//!
//! Store crates (SQLite here, PostgreSQL and others outside) call [`run`] from a test with a
//! fresh, empty store, so every store is held to the same behaviour: uniqueness rules, lookups,
//! revocation keeping its first time, switches, and last-used times that never move backwards.
//! It panics (through `assert!`) on the first difference, like any test.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use layer_keys::{Env, Hasher, KeyId, LegacyKey, PartnerKey, Scopes};
use layer_ratelimit::Tier;

use crate::{Credential, KeyRecord, KeyRecordId, KeyStore, Organization, StoreError};

/// A fixed time, `secs` after the Unix epoch.
fn at(secs: u64) -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(secs)
}

/// A partner-key record for `key` in `org`, hashed at the test cost.
pub fn partner_record(org: &Organization, key: &PartnerKey) -> KeyRecord {
    KeyRecord {
        id: KeyRecordId::new_random(),
        organization_id: org.id,
        name: "Production".into(),
        credential: Credential::Partner {
            key_id: key.key_id(),
            env: key.env(),
            hash: Hasher::insecure_for_tests().hash(key).unwrap(),
        },
        created_at: at(1_700_000_000),
        last_used_at: None,
        revoked_at: None,
        kill_switch: false,
        tier: Tier::Pilot,
        scopes: "projects:read events:read+pii custom:thing"
            .parse()
            .unwrap(),
    }
}

/// Runs every case against `store`, which must start empty.
///
/// # Panics
///
/// On the first behaviour that differs from the contract.
pub async fn run<S: KeyStore>(store: S) {
    let org = Organization::new("Acme Growth");
    store.insert_organization(&org).await.unwrap();
    assert!(matches!(
        store.insert_organization(&org).await,
        Err(StoreError::Conflict(_))
    ));
    assert_eq!(store.organization(org.id).await.unwrap(), Some(org.clone()));
    assert_eq!(store.organizations().await.unwrap(), vec![org.clone()]);

    // Partner keys: found by key id, all fields round-trip.
    let key = PartnerKey::generate(Env::Live).unwrap();
    let record = partner_record(&org, &key);
    store.insert_key(&record).await.unwrap();
    assert_eq!(
        store.key_by_key_id(&key.key_id()).await.unwrap(),
        Some(record.clone())
    );
    assert_eq!(store.key(record.id).await.unwrap(), Some(record.clone()));
    let unknown: KeyId = "0000000000000000".parse().unwrap();
    assert_eq!(store.key_by_key_id(&unknown).await.unwrap(), None);

    // Key ids are unique; keys need an existing organization.
    let mut twin = partner_record(&org, &key);
    twin.id = KeyRecordId::new_random();
    assert!(matches!(
        store.insert_key(&twin).await,
        Err(StoreError::Conflict("key id"))
    ));
    let stranger = Organization::new("Nobody");
    let orphan = partner_record(&stranger, &PartnerKey::generate(Env::Test).unwrap());
    assert!(matches!(
        store.insert_key(&orphan).await,
        Err(StoreError::NotFound(_))
    ));

    // Legacy keys: found by digest.
    let legacy = LegacyKey::generate().unwrap();
    let legacy_record = KeyRecord {
        id: KeyRecordId::new_random(),
        credential: Credential::Legacy {
            digest: legacy.lookup_digest(),
            prefix: legacy.public_part().to_owned(),
        },
        tier: Tier::Standard,
        scopes: Scopes::org_level(),
        ..record.clone()
    };
    store.insert_key(&legacy_record).await.unwrap();
    assert_eq!(
        store
            .key_by_legacy_digest(&legacy.lookup_digest())
            .await
            .unwrap(),
        Some(legacy_record.clone())
    );
    assert_eq!(
        legacy_record.masked(),
        format!("{}...", legacy.public_part())
    );
    assert_eq!(store.keys_of(org.id).await.unwrap().len(), 2);

    // Kill, un-kill, revoke (the first revocation time wins).
    assert!(
        store
            .set_key_kill_switch(record.id, true)
            .await
            .unwrap()
            .kill_switch
    );
    let state = store.switch_state().await.unwrap();
    assert_eq!(state.killed_keys, vec![record.id]);
    assert!(
        !store
            .set_key_kill_switch(record.id, false)
            .await
            .unwrap()
            .kill_switch
    );
    assert_eq!(
        store
            .revoke_key(record.id, at(10))
            .await
            .unwrap()
            .revoked_at,
        Some(at(10))
    );
    assert_eq!(
        store
            .revoke_key(record.id, at(20))
            .await
            .unwrap()
            .revoked_at,
        Some(at(10))
    );
    assert!(matches!(
        store.revoke_key(KeyRecordId::new_random(), at(1)).await,
        Err(StoreError::NotFound(_))
    ));

    // Organization switch and the global switch.
    assert!(
        store
            .set_api_access_revoked(org.id, true)
            .await
            .unwrap()
            .api_access_revoked
    );
    store.set_global_kill_switch(true).await.unwrap();
    let state = store.switch_state().await.unwrap();
    assert!(state.global);
    assert_eq!(state.revoked_orgs, vec![org.id]);
    store.set_global_kill_switch(false).await.unwrap();
    store.set_api_access_revoked(org.id, false).await.unwrap();
    assert_eq!(store.switch_state().await.unwrap(), Default::default());

    // Last-used: batched, never moves backwards, unknown ids skipped.
    store
        .record_last_used(&[
            (legacy_record.id, at(500)),
            (KeyRecordId::new_random(), at(600)),
        ])
        .await
        .unwrap();
    store
        .record_last_used(&[(legacy_record.id, at(400))])
        .await
        .unwrap();
    assert_eq!(
        store
            .key(legacy_record.id)
            .await
            .unwrap()
            .unwrap()
            .last_used_at,
        Some(at(500))
    );
}
