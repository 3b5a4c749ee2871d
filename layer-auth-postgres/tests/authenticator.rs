//! End to end: an `Authenticator` over `PostgresStore` builds and authenticates a key it created.

#[path = "fixture/database.rs"]
mod database;

use database::TestSchema;
use http::{HeaderMap, HeaderValue};
use layer_auth::{Authenticator, KeyStore, NewKey, Organization};
use layer_keys::{Env, Hasher};
use layer_ratelimit::EndpointClass;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn authenticates_a_key_created_through_it() {
    let Some(schema) = TestSchema::new().await else {
        return;
    };
    let auth = Authenticator::builder(schema.connect().await)
        .hasher(Hasher::insecure_for_tests())
        .build()
        .await
        .unwrap();
    let org = auth
        .create_organization(Organization::new("Acme Growth"))
        .await
        .unwrap();
    let created = auth
        .create_key(NewKey::new(org.id, "Production", Env::Live))
        .await
        .unwrap();

    let mut headers = HeaderMap::new();
    headers.insert(
        "x-api-key",
        HeaderValue::from_str(created.key.expose_secret()).unwrap(),
    );
    let ok = auth
        .authenticate(&headers, EndpointClass::ReadLight, None)
        .await
        .unwrap();
    assert_eq!(ok.principal.key_record_id(), created.record.id);
    assert_eq!(ok.principal.organization_id(), org.id);

    // The record is in PostgreSQL: a second store on the schema finds it.
    let other = schema.connect().await;
    // Times are kept to the millisecond, so compare what identifies and verifies the key.
    let found = other
        .key_by_key_id(&created.key.key_id())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(found.id, created.record.id);
    assert_eq!(found.credential, created.record.credential);
    assert_eq!(found.organization_id, org.id);

    // Revoked through the authenticator, the same key is refused.
    auth.revoke_key(created.record.id).await.unwrap();
    assert!(
        auth.authenticate(&headers, EndpointClass::ReadLight, None)
            .await
            .is_err()
    );
    schema.drop().await;
}
