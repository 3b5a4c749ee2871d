//! Two instances sharing one store and one Redis: a change made through one is refused by the
//! other within a second (measured and asserted against the bound).

use std::time::{Duration, Instant};

use http::{HeaderMap, HeaderValue};
use layer_auth::{Authenticator, NewKey, Organization, SqliteStore};
use layer_auth_redis::RedisPropagation;
use layer_errors::ErrorCode;
use layer_keys::{Env, Hasher, X_API_KEY};
use layer_ratelimit::EndpointClass;

const REDIS: &str = "redis://127.0.0.1:6379";

/// Whether Redis answers; in CI its absence is a failure, elsewhere a skip.
async fn redis_available() -> bool {
    let reachable = match redis::Client::open(REDIS) {
        Ok(client) => client.get_multiplexed_async_connection().await.is_ok(),
        Err(_) => false,
    };
    if !reachable {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI: Redis must be running at {REDIS}"
        );
        eprintln!("skipping: no Redis at {REDIS}");
    }
    reachable
}

async fn instance(
    store: SqliteStore,
    propagation: &RedisPropagation,
) -> (Authenticator<SqliteStore>, layer_auth_redis::Subscription) {
    let publisher = propagation.publisher();
    // A long record TTL and no maintenance loop: only propagation can make B see A's change
    // within the second.
    let auth = Authenticator::builder(store)
        .hasher(Hasher::insecure_for_tests())
        .record_ttl(Duration::from_secs(60))
        .on_change(publisher.hook())
        .build()
        .await
        .unwrap();
    tokio::spawn(publisher.run());
    let subscription = propagation
        .subscribe(auth.clone(), Duration::from_secs(5))
        .await
        .unwrap();
    (auth, subscription)
}

/// How long until `auth` answers `headers` with `code` (polling every millisecond), or
/// `None` after two seconds.
async fn until(
    auth: &Authenticator<SqliteStore>,
    headers: &HeaderMap,
    code: ErrorCode,
) -> Option<Duration> {
    let started = Instant::now();
    while started.elapsed() < Duration::from_secs(2) {
        let answer = auth
            .authenticate(headers, EndpointClass::ReadLight, None)
            .await;
        if answer.err().map(|r| r.error.code()) == Some(code) {
            return Some(started.elapsed());
        }
        tokio::time::sleep(Duration::from_millis(1)).await;
    }
    None
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kills_and_revocations_reach_the_other_instance_within_a_second() {
    if !redis_available().await {
        return;
    }
    let channel = format!("layer-auth-test:{}", layer_auth::OrgId::new_random());
    let propagation = RedisPropagation::new(REDIS, channel).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("keys.db");
    let (a, _sub_a) = instance(SqliteStore::open(&path).unwrap(), &propagation).await;
    let (b, _sub_b) = instance(SqliteStore::open(&path).unwrap(), &propagation).await;

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
    assert!(
        b.authenticate(&headers, EndpointClass::ReadLight, None)
            .await
            .is_ok()
    );

    let bound = Duration::from_secs(1);
    let mut seen = Vec::new();

    a.set_key_killed(created.record.id, true).await.unwrap();
    seen.push(
        until(&b, &headers, ErrorCode::KillSwitch)
            .await
            .expect("kill reached B"),
    );
    a.set_key_killed(created.record.id, false).await.unwrap();

    a.set_org_access_revoked(org.id, true).await.unwrap();
    seen.push(
        until(&b, &headers, ErrorCode::KillSwitch)
            .await
            .expect("org revoke reached B"),
    );
    a.set_org_access_revoked(org.id, false).await.unwrap();

    // Let B serve (and cache) the key again before revoking it.
    let started = Instant::now();
    while b
        .authenticate(&headers, EndpointClass::ReadLight, None)
        .await
        .is_err()
    {
        assert!(
            started.elapsed() < bound,
            "un-kill and org restore reached B"
        );
        tokio::time::sleep(Duration::from_millis(1)).await;
    }
    a.revoke_key(created.record.id).await.unwrap();
    seen.push(
        until(&b, &headers, ErrorCode::Unauthenticated)
            .await
            .expect("revoke reached B"),
    );

    eprintln!("propagation to B: {seen:?}");
    for latency in seen {
        assert!(
            latency < bound,
            "{latency:?} exceeds the 1 s propagation bound"
        );
    }
}

#[tokio::test]
async fn subscribing_to_a_closed_port_times_out_cleanly() {
    let propagation = RedisPropagation::new("redis://127.0.0.1:1", "nowhere").unwrap();
    let auth = Authenticator::builder(layer_auth::MemoryStore::new())
        .hasher(Hasher::insecure_for_tests())
        .build()
        .await
        .unwrap();
    let outcome = propagation
        .subscribe(auth, Duration::from_millis(200))
        .await;
    assert!(matches!(
        outcome,
        Err(layer_auth_redis::Error::SubscribeTimeout)
    ));
}
