//! The same behaviour from every store: memory and SQLite (and, later, PostgreSQL).

use layer_auth::{KeyStore, MemoryStore, Organization, SqliteStore, StoreError};
use layer_keys::{Env, PartnerKey};

#[tokio::test]
async fn memory_store_conforms() {
    layer_auth::conformance::run(MemoryStore::new()).await;
}

#[tokio::test]
async fn sqlite_store_conforms() {
    layer_auth::conformance::run(SqliteStore::open_in_memory().unwrap()).await;
}

#[tokio::test]
async fn sqlite_records_survive_reopening_and_two_handles_agree() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("keys.db");
    let org = Organization::new("Acme Growth");
    let key = PartnerKey::generate(Env::Live).unwrap();
    let record = layer_auth::conformance::partner_record(&org, &key);
    {
        let store = SqliteStore::open(&path).unwrap();
        store.insert_organization(&org).await.unwrap();
        store.insert_key(&record).await.unwrap();
    }
    let first = SqliteStore::open(&path).unwrap();
    assert_eq!(
        first.key_by_key_id(&key.key_id()).await.unwrap(),
        Some(record.clone())
    );

    let second = SqliteStore::open(&path).unwrap();
    second.set_key_kill_switch(record.id, true).await.unwrap();
    assert!(first.key(record.id).await.unwrap().unwrap().kill_switch);
    first.set_global_kill_switch(true).await.unwrap();
    assert!(second.switch_state().await.unwrap().global);
}

#[tokio::test]
async fn sqlite_refuses_a_newer_schema() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("future.db");
    drop(SqliteStore::open(&path).unwrap());
    let connection = rusqlite::Connection::open(&path).unwrap();
    connection.pragma_update(None, "user_version", 99).unwrap();
    drop(connection);
    assert!(matches!(
        SqliteStore::open(&path),
        Err(StoreError::Corrupt { .. })
    ));
}

#[tokio::test]
async fn sqlite_with_connection_runs_beside_the_store_and_passes_errors_through() {
    let store = SqliteStore::open_in_memory().unwrap();
    let org = Organization::new("Acme Growth");
    store.insert_organization(&org).await.unwrap();
    let count: i64 = store
        .with_connection(|connection| {
            connection
                .query_row("SELECT count(*) FROM organizations", [], |row| row.get(0))
                .map_err(|error| StoreError::Backend(Box::new(error)))
        })
        .await
        .unwrap();
    assert_eq!(count, 1);
    let refused: Result<(), StoreError> = store
        .with_connection(|_| Err(StoreError::NotFound("sibling row")))
        .await;
    assert!(matches!(refused, Err(StoreError::NotFound("sibling row"))));
}
