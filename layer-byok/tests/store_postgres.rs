//! The BYOK conformance suite against PostgreSQL, in the composition crate's schema, one fresh
//! schema per test.

#[path = "fixture/database.rs"]
mod database;

use database::TestSchema;
use layer_auth::{KeyStore, Organization};
use layer_auth_postgres::PostgresStore;
use layer_byok::{
    ByokStore, ByokStoreError, OrgId, PostgresByokStore, Provider,
    conformance::{at, new_key},
};

/// Two organizations inserted through the key store, as the foreign key needs.
async fn organizations(store: &PostgresStore) -> [OrgId; 2] {
    let a = Organization::new("Acme Growth");
    let b = Organization::new("Globex");
    store.insert_organization(&a).await.unwrap();
    store.insert_organization(&b).await.unwrap();
    [a.id, b.id]
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_passes_the_conformance_suite() {
    let Some(schema) = TestSchema::new().await else {
        return;
    };
    let store = schema.connect().await;
    let orgs = organizations(&store).await;
    let byok = PostgresByokStore::new(&store).await.unwrap();
    layer_byok::conformance::run(byok, orgs).await;
    schema.drop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_starts_migrate_once_and_records_survive_reconnecting() {
    let Some(schema) = TestSchema::new().await else {
        return;
    };
    let store = schema.connect().await;
    let [a, _] = organizations(&store).await;
    let (first, second) = tokio::join!(
        PostgresByokStore::new(&store),
        PostgresByokStore::new(&store)
    );
    let (first, _second) = (first.unwrap(), second.unwrap());
    let live = first
        .put(new_key(a, Provider::OpenAi, 1), at(1))
        .await
        .unwrap();
    drop((first, store));

    let store = schema.connect().await;
    let byok = PostgresByokStore::new(&store).await.unwrap();
    assert_eq!(byok.get(live.id).await.unwrap(), Some(live));
    let versions: i64 = schema
        .admin
        .query_one(
            &format!(
                "SELECT count(*) FROM {}.byok_schema_migrations",
                schema.name
            ),
            &[],
        )
        .await
        .unwrap()
        .get(0);
    assert_eq!(versions, 1);
    schema.drop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_puts_leave_exactly_one_live_key() {
    let Some(schema) = TestSchema::new().await else {
        return;
    };
    let store = schema.connect().await;
    let [a, _] = organizations(&store).await;
    let byok = PostgresByokStore::new(&store).await.unwrap();
    let puts = (0..8u8).map(|fill| {
        let byok = byok.clone();
        tokio::spawn(async move { byok.put(new_key(a, Provider::Google, fill), at(1)).await })
    });
    for put in puts.collect::<Vec<_>>() {
        put.await.unwrap().unwrap();
    }
    let all = byok.list(a, layer_byok::ListFilter::All).await.unwrap();
    assert_eq!(all.len(), 1, "{all:?}");
    schema.drop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unknown_organizations_and_corrupt_rows_are_typed_errors() {
    let Some(schema) = TestSchema::new().await else {
        return;
    };
    let store = schema.connect().await;
    let [a, _] = organizations(&store).await;
    let byok = PostgresByokStore::new(&store).await.unwrap();
    let result = byok
        .put(new_key(OrgId::new_random(), Provider::OpenAi, 1), at(1))
        .await;
    assert!(
        matches!(result, Err(ByokStoreError::NotFound("organization"))),
        "{result:?}"
    );

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
        "UPDATE byok_keys SET nonce = '\\x0102' WHERE id = '{id}'",
        "UPDATE byok_keys SET provider = 'OpenAI' WHERE id = '{id}'",
        "UPDATE byok_keys SET key_version = 4294967296 WHERE id = '{id}'",
    ];
    for (sql, id) in tamper.into_iter().zip(&ids) {
        schema.execute(&sql.replace("{id}", &id.to_string())).await;
    }
    for id in ids {
        let result = byok.get(id).await;
        assert!(
            matches!(result, Err(ByokStoreError::Corrupt { .. })),
            "{result:?}"
        );
    }
    schema.drop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_newer_byok_schema_is_refused() {
    let Some(schema) = TestSchema::new().await else {
        return;
    };
    let store = schema.connect().await;
    PostgresByokStore::new(&store).await.unwrap();
    schema
        .execute("INSERT INTO byok_schema_migrations (version) VALUES (99)")
        .await;
    assert!(matches!(
        PostgresByokStore::new(&store).await,
        Err(ByokStoreError::Corrupt { .. })
    ));
    schema.drop().await;
}
