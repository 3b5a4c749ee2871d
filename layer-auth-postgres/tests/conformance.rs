//! The shared `KeyStore` conformance suite, run against a fresh PostgreSQL schema.

#[path = "fixture/database.rs"]
mod database;

use database::TestSchema;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_store_passes_the_conformance_suite() {
    let Some(schema) = TestSchema::new().await else {
        return;
    };
    layer_auth::conformance::run(schema.connect().await).await;
    schema.drop().await;
}
