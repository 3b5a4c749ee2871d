//! The BYOK conformance suite against SQLite, in the composition crate's database: in memory
//! and in a file.

use layer_auth::{KeyStore, Organization, SqliteStore};
use layer_byok::{
    ByokStore, ByokStoreError, OrgId, Provider, SqliteByokStore,
    conformance::{at, new_key},
};

/// Two organizations inserted through the key store, as the foreign key needs.
async fn organizations(store: &SqliteStore) -> [OrgId; 2] {
    let a = Organization::new("Acme Growth");
    let b = Organization::new("Globex");
    store.insert_organization(&a).await.unwrap();
    store.insert_organization(&b).await.unwrap();
    [a.id, b.id]
}

#[tokio::test]
async fn in_memory_sqlite_passes_the_conformance_suite() {
    let store = SqliteStore::open_in_memory().unwrap();
    let orgs = organizations(&store).await;
    let byok = SqliteByokStore::new(&store).await.unwrap();
    layer_byok::conformance::run(byok, orgs).await;
}

#[tokio::test]
async fn file_sqlite_passes_the_conformance_suite_and_records_survive_reopening() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("keys.db");
    let store = SqliteStore::open(&path).unwrap();
    let orgs = organizations(&store).await;
    let byok = SqliteByokStore::new(&store).await.unwrap();
    layer_byok::conformance::run(byok.clone(), orgs).await;
    let live = byok.live(orgs[0], Provider::OpenAi).await.unwrap().unwrap();
    drop((byok, store));

    // Reopening migrates nothing twice and finds the same records.
    let store = SqliteStore::open(&path).unwrap();
    let byok = SqliteByokStore::new(&store).await.unwrap();
    assert_eq!(byok.get(live.id).await.unwrap(), Some(live));
    let versions: i64 = store
        .with_connection(|c| {
            c.query_row("SELECT count(*) FROM byok_schema_migrations", [], |r| {
                r.get(0)
            })
            .map_err(|e| layer_auth::StoreError::Backend(Box::new(e)))
        })
        .await
        .unwrap();
    assert_eq!(versions, 1);
}

#[tokio::test]
async fn a_key_for_an_unknown_organization_is_refused() {
    let store = SqliteStore::open_in_memory().unwrap();
    let byok = SqliteByokStore::new(&store).await.unwrap();
    let result = byok
        .put(new_key(OrgId::new_random(), Provider::OpenAi, 1), at(1))
        .await;
    assert!(
        matches!(result, Err(ByokStoreError::NotFound("organization"))),
        "{result:?}"
    );
}

#[tokio::test]
async fn the_unique_index_holds_against_a_hand_written_second_live_row() {
    let store = SqliteStore::open_in_memory().unwrap();
    let [a, _] = organizations(&store).await;
    let byok = SqliteByokStore::new(&store).await.unwrap();
    let live = byok
        .put(new_key(a, Provider::Google, 1), at(1))
        .await
        .unwrap();
    let id = live.id.to_string();
    let inserted = store
        .with_connection(move |c| {
            c.execute(
                "INSERT INTO byok_keys SELECT 'x' || id, organization_id, provider, key_version, \
                 nonce, ciphertext, display_prefix, enabled, validity, validity_at_ms, \
                 created_at_ms, updated_at_ms, deleted_at_ms FROM byok_keys WHERE id = ?1",
                [id],
            )
            .map_err(|e| layer_auth::StoreError::Backend(Box::new(e)))
        })
        .await;
    let error = inserted.unwrap_err().to_string();
    assert!(error.contains("UNIQUE constraint failed"), "{error}");
}

#[tokio::test]
async fn corrupt_rows_are_typed_errors() {
    let store = SqliteStore::open_in_memory().unwrap();
    let [a, _] = organizations(&store).await;
    let byok = SqliteByokStore::new(&store).await.unwrap();
    let mut ids = Vec::new();
    for (provider, fill) in [
        (Provider::OpenAi, 1),
        (Provider::Google, 2),
        (Provider::Mistral, 3),
    ] {
        ids.push(
            byok.put(new_key(a, provider, fill), at(1))
                .await
                .unwrap()
                .id,
        );
    }
    let tamper = [
        "UPDATE byok_keys SET nonce = x'0102' WHERE id = ?1",
        "UPDATE byok_keys SET provider = 'OpenAI' WHERE id = ?1",
        "UPDATE byok_keys SET key_version = -3 WHERE id = ?1",
    ];
    for (sql, id) in tamper.into_iter().zip(&ids) {
        let id = id.to_string();
        store
            .with_connection(move |c| {
                c.execute(sql, [id])
                    .map_err(|e| layer_auth::StoreError::Backend(Box::new(e)))
            })
            .await
            .unwrap();
    }
    for id in ids {
        let result = byok.get(id).await;
        assert!(
            matches!(result, Err(ByokStoreError::Corrupt { .. })),
            "{result:?}"
        );
    }
}

#[tokio::test]
async fn a_newer_byok_schema_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("future.db");
    let store = SqliteStore::open(&path).unwrap();
    SqliteByokStore::new(&store).await.unwrap();
    store
        .with_connection(|c| {
            c.execute(
                "INSERT INTO byok_schema_migrations (version) VALUES (99)",
                [],
            )
            .map_err(|e| layer_auth::StoreError::Backend(Box::new(e)))
        })
        .await
        .unwrap();
    assert!(matches!(
        SqliteByokStore::new(&store).await,
        Err(ByokStoreError::Corrupt { .. })
    ));
}
