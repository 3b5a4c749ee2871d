//! Records live in PostgreSQL, not in the handle: they survive reconnecting, every handle on a
//! schema sees the same data, and bad rows are errors, never panics.

#[path = "fixture/database.rs"]
mod database;

use std::time::{Duration, UNIX_EPOCH};

use database::TestSchema;
use layer_auth::{KeyStore, Organization, StoreError, conformance::partner_record};
use layer_keys::{Env, PartnerKey};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn records_survive_reconnecting() {
    let Some(schema) = TestSchema::new().await else {
        return;
    };
    let org = Organization::new("Acme Growth");
    let key = PartnerKey::generate(Env::Live).unwrap();
    let record = partner_record(&org, &key);
    {
        let store = schema.connect().await;
        store.insert_organization(&org).await.unwrap();
        store.insert_key(&record).await.unwrap();
        store.set_global_kill_switch(true).await.unwrap();
    }
    let store = schema.connect().await;
    assert_eq!(store.organizations().await.unwrap(), vec![org.clone()]);
    assert_eq!(
        store.key_by_key_id(&key.key_id()).await.unwrap(),
        Some(record)
    );
    assert!(store.switch_state().await.unwrap().global);
    schema.drop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_stores_on_one_schema_agree() {
    let Some(schema) = TestSchema::new().await else {
        return;
    };
    let (a, b) = (schema.connect().await, schema.connect().await);
    let org = Organization::new("Acme Growth");
    a.insert_organization(&org).await.unwrap();
    let record = partner_record(&org, &PartnerKey::generate(Env::Test).unwrap());
    a.insert_key(&record).await.unwrap();

    // What one writes the other reads, and uniqueness holds across handles.
    assert_eq!(b.key(record.id).await.unwrap(), Some(record.clone()));
    assert!(matches!(
        b.insert_organization(&org).await,
        Err(StoreError::Conflict(_))
    ));
    let at = UNIX_EPOCH + Duration::from_secs(1_800_000_000);
    b.revoke_key(record.id, at).await.unwrap();
    b.set_key_kill_switch(record.id, true).await.unwrap();
    let seen = a.key(record.id).await.unwrap().unwrap();
    assert_eq!(seen.revoked_at, Some(at));
    assert!(seen.kill_switch);
    // A revoked key is not listed as killed, whichever handle asks.
    assert_eq!(
        a.switch_state().await.unwrap(),
        b.switch_state().await.unwrap()
    );
    assert!(a.switch_state().await.unwrap().killed_keys.is_empty());
    schema.drop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bad_row_is_a_corrupt_error() {
    let Some(schema) = TestSchema::new().await else {
        return;
    };
    let store = schema.connect().await;
    let org = Organization::new("Acme Growth");
    store.insert_organization(&org).await.unwrap();
    let record = partner_record(&org, &PartnerKey::generate(Env::Live).unwrap());
    store.insert_key(&record).await.unwrap();

    // Hand-edited rows: a tier name no build accepts, then a key id that does not parse.
    let edit = |sql: &str| format!("UPDATE {}.api_keys SET {sql}", schema.name);
    schema
        .admin
        .batch_execute(&edit("tier = 'Not A Tier!'"))
        .await
        .unwrap();
    assert!(matches!(
        store.key(record.id).await,
        Err(StoreError::Corrupt { what: "tier", .. })
    ));
    schema
        .admin
        .batch_execute(&edit("tier = 'pilot', key_id = 'not a key id'"))
        .await
        .unwrap();
    assert!(matches!(
        store.keys_of(org.id).await,
        Err(StoreError::Corrupt { what: "key_id", .. })
    ));
    schema.drop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_pool_is_in_the_store_schema() {
    let Some(schema) = TestSchema::new().await else {
        return;
    };
    let store = schema.connect().await;
    store
        .insert_organization(&Organization::new("Acme Growth"))
        .await
        .unwrap();
    let client = store.pool().get().await.unwrap();
    let count: i64 = client
        .query_one("SELECT count(*) FROM organizations", &[])
        .await
        .unwrap()
        .get(0);
    assert_eq!(count, 1);
    let search_path: String = client
        .query_one("SHOW search_path", &[])
        .await
        .unwrap()
        .get(0);
    assert_eq!(search_path, schema.name.as_str());
    drop(client);
    schema.drop().await;
}
