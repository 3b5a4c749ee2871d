//! Migrations: applied once on connect, safe to race, and a newer schema is refused.

#[path = "fixture/database.rs"]
mod database;

use database::{TestSchema, URL};
use layer_auth::{KeyStore, Organization, StoreError};
use layer_auth_postgres::{PostgresStore, SCHEMA_VERSION};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn connecting_twice_migrates_once() {
    let Some(schema) = TestSchema::new().await else {
        return;
    };
    let org = Organization::new("Acme Growth");
    schema
        .connect()
        .await
        .insert_organization(&org)
        .await
        .unwrap();
    let again = schema.connect().await;
    assert_eq!(schema.migration_rows().await, i64::from(SCHEMA_VERSION));
    assert_eq!(again.organizations().await.unwrap(), vec![org]);
    schema.drop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_connects_to_a_fresh_schema_both_succeed() {
    let Some(schema) = TestSchema::new().await else {
        return;
    };
    let connects: Vec<_> = (0..4)
        .map(|_| {
            let name = schema.name.clone();
            tokio::spawn(async move { PostgresStore::connect_in_schema(URL, &name).await })
        })
        .collect();
    for connect in connects {
        let store = connect.await.unwrap().unwrap();
        assert_eq!(store.switch_state().await.unwrap(), Default::default());
    }
    assert_eq!(schema.migration_rows().await, i64::from(SCHEMA_VERSION));
    schema.drop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_schema_newer_than_the_build_is_refused() {
    let Some(schema) = TestSchema::new().await else {
        return;
    };
    drop(schema.connect().await);
    schema
        .admin
        .execute(
            &format!(
                "INSERT INTO {}.schema_migrations (version) VALUES ($1)",
                schema.name
            ),
            &[&(SCHEMA_VERSION + 1)],
        )
        .await
        .unwrap();
    let error = PostgresStore::connect_in_schema(URL, &schema.name)
        .await
        .unwrap_err();
    assert!(
        matches!(
            error,
            StoreError::Corrupt {
                what: "schema version",
                ..
            }
        ),
        "{error:?}"
    );
    let message = error.to_string();
    assert!(message.contains("newer than this build"), "{message}");
    schema.drop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tables_stay_inside_the_chosen_schema() {
    let Some(schema) = TestSchema::new().await else {
        return;
    };
    drop(schema.connect().await);
    let tables: Vec<String> = schema
        .admin
        .query(
            "SELECT table_name::text FROM information_schema.tables \
             WHERE table_schema = $1 ORDER BY table_name",
            &[&schema.name.as_str()],
        )
        .await
        .unwrap()
        .iter()
        .map(|row| row.get(0))
        .collect();
    assert_eq!(
        tables,
        ["api_keys", "organizations", "schema_migrations", "switches"]
    );
    schema.drop().await;
}
