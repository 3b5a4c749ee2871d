//! Changes made through one instance reach another through `on_change` → `apply_change`,
//! taking effect on its very next request, long before any refresh or cache expiry.
#![cfg(feature = "sqlite")]

use std::{sync::mpsc, time::Duration};

use http::{HeaderMap, HeaderValue};
use layer_auth::{Authenticator, Change, NewKey, Organization, SqliteStore};
use layer_errors::ErrorCode;
use layer_keys::{Env, Hasher, X_API_KEY};
use layer_ratelimit::EndpointClass;

async fn instance(
    store: SqliteStore,
    hook: Option<mpsc::Sender<String>>,
) -> Authenticator<SqliteStore> {
    // Long record TTL and staleness bound: without propagation, this instance would not see
    // another's change for a minute.
    let builder = Authenticator::builder(store)
        .hasher(Hasher::insecure_for_tests())
        .record_ttl(Duration::from_secs(60));
    let builder = match hook {
        // Through the text form, as a pub/sub payload would travel.
        Some(sender) => builder.on_change(move |change| {
            let _ = sender.send(change.to_string());
        }),
        None => builder,
    };
    builder.build().await.unwrap()
}

/// The code `auth` answers `headers` with, or `None` for success.
async fn outcome(auth: &Authenticator<SqliteStore>, headers: &HeaderMap) -> Option<ErrorCode> {
    auth.authenticate(headers, EndpointClass::ReadLight, None)
        .await
        .err()
        .map(|rejection| rejection.error.code())
}

/// Applies every published change to `to`.
fn deliver(from: &mpsc::Receiver<String>, to: &Authenticator<SqliteStore>) -> usize {
    from.try_iter()
        .map(|text| to.apply_change(text.parse::<Change>().unwrap()))
        .count()
}

#[tokio::test]
async fn changes_reach_the_other_instance_on_its_next_request() {
    let store = SqliteStore::open_in_memory().unwrap();
    let (sender, published) = mpsc::channel();
    let a = instance(store.clone(), Some(sender)).await;
    let b = instance(store, None).await;

    let org = a
        .create_organization(Organization::new("Acme"))
        .await
        .unwrap();
    let created = a
        .create_key(NewKey::new(org.id, "Prod", Env::Live))
        .await
        .unwrap();
    let mut headers = HeaderMap::new();
    headers.insert(
        X_API_KEY,
        HeaderValue::from_str(created.key.expose_secret()).unwrap(),
    );
    assert_eq!(
        outcome(&b, &headers).await,
        None,
        "B verified and cached the key"
    );

    // Kill through A. Until the change is delivered, B still serves the key: this is what
    // propagation exists to fix (and shows the test can fail).
    a.set_key_killed(created.record.id, true).await.unwrap();
    assert_eq!(outcome(&a, &headers).await, Some(ErrorCode::KillSwitch));
    assert_eq!(outcome(&b, &headers).await, None);
    assert_eq!(deliver(&published, &b), 1);
    assert_eq!(outcome(&b, &headers).await, Some(ErrorCode::KillSwitch));

    a.set_key_killed(created.record.id, false).await.unwrap();
    deliver(&published, &b);
    assert_eq!(outcome(&b, &headers).await, None, "un-killed on B too");

    a.set_org_access_revoked(org.id, true).await.unwrap();
    deliver(&published, &b);
    assert_eq!(outcome(&b, &headers).await, Some(ErrorCode::KillSwitch));
    a.set_org_access_revoked(org.id, false).await.unwrap();
    deliver(&published, &b);
    assert_eq!(outcome(&b, &headers).await, None);

    a.set_global_kill_switch(true).await.unwrap();
    deliver(&published, &b);
    assert_eq!(
        outcome(&b, &HeaderMap::new()).await,
        Some(ErrorCode::KillSwitch)
    );
    a.set_global_kill_switch(false).await.unwrap();
    deliver(&published, &b);

    // Revocation: B's cached record is dropped, so the fresh one says revoked.
    assert_eq!(outcome(&b, &headers).await, None);
    a.revoke_key(created.record.id).await.unwrap();
    assert_eq!(
        outcome(&b, &headers).await,
        None,
        "B's record cache still has it"
    );
    deliver(&published, &b);
    let rejection = b
        .authenticate(&headers, EndpointClass::ReadLight, None)
        .await
        .unwrap_err();
    assert_eq!(rejection.error.code(), ErrorCode::Unauthenticated);
    assert_eq!(rejection.error.message(), "API key has been revoked.");
}
