//! Every authentication outcome over real HTTP: an axum app on 127.0.0.1:0 behind `AuthLayer`,
//! called with reqwest.

use std::{num::NonZeroU32, time::Duration};

use axum::{Router, routing::get};
use layer_auth::{
    Authenticator, CreatedKey, MemoryStore, NewKey, Organization, Principal, middleware::AuthLayer,
    whoami,
};
use layer_keys::{Env, Hasher, PartnerKey, Scope};
use layer_ratelimit::{EndpointClass, Tier, TierLimits, TierTable};
use serde_json::{Value, json};

struct Harness {
    auth: Authenticator<MemoryStore>,
    base: String,
    client: reqwest::Client,
    org: Organization,
    key: CreatedKey,
}

struct Reply {
    status: u16,
    headers: reqwest::header::HeaderMap,
    text: String,
    body: Value,
}

impl Reply {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// Checks the error envelope and that `X-Request-Id` matches its `requestId`.
    fn assert_error(&self, status: u16, code: &str) {
        assert_eq!(self.status, status, "{}", self.body);
        assert_eq!(self.body["error"]["code"], code, "{}", self.body);
        let request_id = self.body["error"]["requestId"].as_str().unwrap();
        assert!(request_id.starts_with("req_") && request_id.len() == 30);
        assert_eq!(self.header("x-request-id"), Some(request_id));
        assert_eq!(self.header("content-type"), Some("application/json"));
    }

    fn message(&self) -> &str {
        self.body["error"]["message"].as_str().unwrap()
    }
}

fn nz(n: u32) -> NonZeroU32 {
    NonZeroU32::new(n).unwrap()
}

async fn harness_with(
    builder: impl FnOnce(layer_auth::Builder<MemoryStore>) -> layer_auth::Builder<MemoryStore>,
) -> Harness {
    // A small standard tier so the limit is reached in a few requests.
    let tiers = TierTable::new().with_tier(
        Tier::Standard,
        TierLimits::per_minute(nz(5), nz(60), nz(20)),
    );
    let auth = builder(
        Authenticator::builder(MemoryStore::new())
            .hasher(Hasher::insecure_for_tests())
            .tiers(tiers),
    )
    .build()
    .await
    .unwrap();
    let org = auth
        .create_organization(Organization::new("Acme Growth"))
        .await
        .unwrap();
    let key = auth
        .create_key(NewKey::new(org.id, "Production", Env::Live))
        .await
        .unwrap();

    let app = Router::new()
        .route("/v1/whoami", get(whoami))
        .layer(AuthLayer::new(auth.clone()))
        .merge(
            Router::new()
                .route("/v1/github", get(|_: Principal| async { "ok" }))
                .layer(AuthLayer::new(auth.clone()).require_scope(Scope::GithubAdmin)),
        )
        .merge(
            Router::new()
                .route(
                    "/v1/jobs",
                    axum::routing::post(|_: Principal| async { "started" }),
                )
                .layer(AuthLayer::new(auth.clone()).class(EndpointClass::LongRunning)),
        );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });
    Harness {
        auth,
        base,
        client: reqwest::Client::new(),
        org,
        key,
    }
}

async fn harness() -> Harness {
    harness_with(|b| b).await
}

impl Harness {
    async fn get(&self, path: &str, headers: &[(&str, &str)]) -> Reply {
        let mut request = self.client.get(format!("{}{path}", self.base));
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        let response = request.send().await.unwrap();
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let bytes = response.bytes().await.unwrap();
        let body = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
        let text = String::from_utf8_lossy(&bytes).into_owned();
        Reply {
            status,
            headers,
            text,
            body,
        }
    }

    async fn whoami(&self, key: &str) -> Reply {
        self.get("/v1/whoami", &[("x-api-key", key)]).await
    }

    fn secret(&self) -> &str {
        self.key.key.expose_secret()
    }
}

#[tokio::test]
async fn success_returns_whoami_with_every_header() {
    let h = harness().await;
    let reply = h.whoami(h.secret()).await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    assert_eq!(
        reply.body,
        json!({
            "organizationId": h.org.id.to_string(),
            "workspaceId": h.org.workspace_id.to_string(),
            "organizationName": "Acme Growth",
            "scopes": [],
            "rateLimitTier": "standard",
            "killSwitch": false,
            "apiAccessRevoked": false,
            "apiKeyId": h.key.record.id.to_string(),
            "creditBalance": 0
        })
    );
    let positions: Vec<usize> = [
        "organizationId",
        "workspaceId",
        "organizationName",
        "scopes",
        "rateLimitTier",
        "killSwitch",
        "apiAccessRevoked",
        "apiKeyId",
        "creditBalance",
    ]
    .iter()
    .map(|field| reply.text.find(&format!("\"{field}\":")).unwrap())
    .collect();
    assert!(
        positions.is_sorted(),
        "documented field order: {}",
        reply.text
    );
    assert!(reply.header("x-request-id").unwrap().starts_with("req_"));
    assert_eq!(reply.header("x-ratelimit-limit"), Some("5"));
    assert_eq!(reply.header("x-ratelimit-remaining"), Some("4"));
    assert_eq!(
        reply.header("x-ratelimit-endpoint-class"),
        Some("read-light")
    );
    assert_eq!(reply.header("x-ratelimit-tier"), Some("standard"));
    assert!(reply.header("x-ratelimit-reset").is_some());
    assert!(reply.header("ratelimit-policy").is_some());
    assert!(reply.header("ratelimit").is_some());
    assert!(reply.header("retry-after").is_none());
}

#[tokio::test]
async fn missing_key_is_401() {
    let h = harness().await;
    let reply = h.get("/v1/whoami", &[]).await;
    reply.assert_error(401, "UNAUTHENTICATED");
    assert_eq!(
        reply.message(),
        "missing API key: send it as `X-Api-Key: <key>`"
    );
}

#[tokio::test]
async fn malformed_key_is_401_without_echoing_it() {
    let h = harness().await;
    let truncated = &h.secret()[..60];
    let reply = h.whoami(truncated).await;
    reply.assert_error(401, "UNAUTHENTICATED");
    assert!(
        reply
            .message()
            .starts_with("malformed API key in X-Api-Key header")
    );
    assert!(!reply.body.to_string().contains(&truncated[25..]));
}

#[tokio::test]
async fn wrong_secret_and_unknown_key_id_get_the_same_401() {
    let h = harness().await;
    let wrong = PartnerKey::from_random(Env::Live, h.key.key.key_id(), &[9; 28]);
    let reply = h.whoami(wrong.expose_secret()).await;
    reply.assert_error(401, "UNAUTHENTICATED");
    assert_eq!(reply.message(), "invalid API key");

    let unknown = PartnerKey::generate(Env::Live).unwrap();
    let reply = h.whoami(unknown.expose_secret()).await;
    reply.assert_error(401, "UNAUTHENTICATED");
    assert_eq!(reply.message(), "invalid API key");
}

#[tokio::test]
async fn revoked_key_is_401_with_the_documented_message() {
    let h = harness().await;
    h.auth.revoke_key(h.key.record.id).await.unwrap();
    let reply = h.whoami(h.secret()).await;
    reply.assert_error(401, "UNAUTHENTICATED");
    assert_eq!(reply.message(), "API key has been revoked.");
}

#[tokio::test]
async fn killed_key_is_503_scope_key_and_can_be_unkilled() {
    let h = harness().await;
    h.auth.set_key_killed(h.key.record.id, true).await.unwrap();
    let reply = h.whoami(h.secret()).await;
    reply.assert_error(503, "KILL_SWITCH");
    assert_eq!(reply.body["error"]["details"], json!({"scope": "key"}));
    h.auth.set_key_killed(h.key.record.id, false).await.unwrap();
    assert_eq!(h.whoami(h.secret()).await.status, 200);
}

#[tokio::test]
async fn revoked_org_is_503_scope_org() {
    let h = harness().await;
    h.auth.set_org_access_revoked(h.org.id, true).await.unwrap();
    let reply = h.whoami(h.secret()).await;
    reply.assert_error(503, "KILL_SWITCH");
    assert_eq!(reply.body["error"]["details"], json!({"scope": "org"}));
}

#[tokio::test]
async fn global_switch_is_503_scope_global_even_without_a_key() {
    let h = harness().await;
    h.auth.set_global_kill_switch(true).await.unwrap();
    let reply = h.whoami(h.secret()).await;
    reply.assert_error(503, "KILL_SWITCH");
    assert_eq!(reply.body["error"]["details"], json!({"scope": "global"}));
    // Checked before any parsing: a request with no key gets the same answer.
    h.get("/v1/whoami", &[])
        .await
        .assert_error(503, "KILL_SWITCH");
}

#[tokio::test]
async fn over_the_limit_is_429_with_headers_and_details() {
    let h = harness().await;
    for _ in 0..5 {
        assert_eq!(h.whoami(h.secret()).await.status, 200);
    }
    let reply = h.whoami(h.secret()).await;
    reply.assert_error(429, "RATE_LIMITED");
    let details = &reply.body["error"]["details"];
    assert_eq!(details["endpointClass"], "read-light");
    let retry_after_ms = details["retryAfterMs"].as_u64().unwrap();
    assert!(
        retry_after_ms > 0 && retry_after_ms <= 12_000,
        "{retry_after_ms}"
    );
    let retry_after: u64 = reply.header("retry-after").unwrap().parse().unwrap();
    assert_eq!(retry_after, retry_after_ms.div_ceil(1000).max(1));
    assert_eq!(reply.header("x-ratelimit-remaining"), Some("0"));
    assert_eq!(reply.header("x-ratelimit-limit"), Some("5"));

    // Another class has its own bucket.
    let job = h
        .client
        .post(format!("{}/v1/jobs", h.base))
        .header("x-api-key", h.secret())
        .send()
        .await
        .unwrap();
    assert_eq!(job.status(), 200);
    assert_eq!(job.headers()["x-ratelimit-endpoint-class"], "long-running");
}

#[tokio::test]
async fn missing_scope_is_403_and_org_level_keys_pass() {
    let h = harness().await;
    // The default key has org-level access (no scopes): it passes.
    let reply = h.get("/v1/github", &[("x-api-key", h.secret())]).await;
    assert_eq!(reply.status, 200);
    let scoped = h
        .auth
        .create_key(
            NewKey::new(h.org.id, "CI", Env::Test).with_scopes("projects:read".parse().unwrap()),
        )
        .await
        .unwrap();
    let reply = h
        .get("/v1/github", &[("x-api-key", scoped.key.expose_secret())])
        .await;
    reply.assert_error(403, "FORBIDDEN_SCOPE");
    assert_eq!(
        reply.body["error"]["details"],
        json!({"requiredScope": "github:admin"})
    );
}

#[tokio::test]
async fn billing_without_api_access_is_402() {
    let h = harness().await;
    let mut broke = Organization::new("Broke Inc");
    broke.plan_includes_api = false;
    let broke = h.auth.create_organization(broke).await.unwrap();
    let key = h
        .auth
        .create_key(NewKey::new(broke.id, "Prod", Env::Live))
        .await
        .unwrap();
    let reply = h.whoami(key.key.expose_secret()).await;
    reply.assert_error(402, "BILLING_EXHAUSTED");
    assert_eq!(
        reply.body["error"]["details"],
        json!({"minTier": "standard"})
    );
}

#[tokio::test]
async fn x_api_key_wins_over_bearer_with_a_different_key() {
    let h = harness().await;
    let second = h
        .auth
        .create_key(NewKey::new(h.org.id, "Second", Env::Test))
        .await
        .unwrap();
    let reply = h
        .get(
            "/v1/whoami",
            &[
                (
                    "authorization",
                    &format!("Bearer {}", second.key.expose_secret()),
                ),
                ("x-api-key", h.secret()),
            ],
        )
        .await;
    assert_eq!(reply.status, 200);
    assert_eq!(reply.body["apiKeyId"], h.key.record.id.to_string());

    // Bearer alone works, with a case-insensitive scheme.
    let reply = h
        .get(
            "/v1/whoami",
            &[(
                "authorization",
                &format!("bearer {}", second.key.expose_secret()),
            )],
        )
        .await;
    assert_eq!(reply.body["apiKeyId"], second.record.id.to_string());

    // A malformed X-Api-Key is not rescued by a valid Bearer.
    let reply = h
        .get(
            "/v1/whoami",
            &[
                ("x-api-key", "lp_live_nope"),
                ("authorization", &format!("Bearer {}", h.secret())),
            ],
        )
        .await;
    reply.assert_error(401, "UNAUTHENTICATED");
}

#[tokio::test]
async fn killed_or_revoked_while_cached_is_refused_on_the_very_next_request() {
    let h = harness().await;
    assert_eq!(h.whoami(h.secret()).await.status, 200); // verified and cached
    h.auth.set_key_killed(h.key.record.id, true).await.unwrap();
    h.whoami(h.secret()).await.assert_error(503, "KILL_SWITCH");
    h.auth.set_key_killed(h.key.record.id, false).await.unwrap();
    assert_eq!(h.whoami(h.secret()).await.status, 200);
    h.auth.revoke_key(h.key.record.id).await.unwrap();
    let reply = h.whoami(h.secret()).await;
    reply.assert_error(401, "UNAUTHENTICATED");
    assert_eq!(reply.message(), "API key has been revoked.");
}

#[tokio::test]
async fn legacy_keys_authenticate_by_digest() {
    let h = harness().await;
    let legacy = layer_keys::LegacyKey::generate().unwrap();
    let record = layer_auth::KeyRecord {
        id: layer_auth::KeyRecordId::new_random(),
        credential: layer_auth::Credential::Legacy {
            digest: legacy.lookup_digest(),
            prefix: legacy.public_part().to_owned(),
        },
        ..h.key.record.clone()
    };
    layer_auth::KeyStore::insert_key(h.auth.store(), &record)
        .await
        .unwrap();
    let reply = h
        .get(
            "/v1/whoami",
            &[(
                "authorization",
                &format!("Bearer {}", legacy.expose_secret()),
            )],
        )
        .await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    assert_eq!(reply.body["apiKeyId"], record.id.to_string());
}

#[tokio::test]
async fn last_used_is_batched_then_flushed() {
    let h = harness().await;
    assert_eq!(h.whoami(h.secret()).await.status, 200);
    assert_eq!(h.whoami(h.secret()).await.status, 200);
    assert_eq!(
        h.auth.last_used().pending(),
        1,
        "one pending entry per key, not per request"
    );
    let stored = layer_auth::KeyStore::key(h.auth.store(), h.key.record.id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored.last_used_at, None, "nothing written per request");
    assert_eq!(h.auth.flush_last_used().await.unwrap(), 1);
    let stored = layer_auth::KeyStore::key(h.auth.store(), h.key.record.id)
        .await
        .unwrap()
        .unwrap();
    assert!(stored.last_used_at.is_some());
}

/// The median of `samples`.
fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples[samples.len() / 2]
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_flood_of_wrong_secrets_does_not_make_cached_requests_wait_for_bcrypt() {
    // Cost 10: each wrong secret costs tens of milliseconds of bcrypt. The failed-attempt
    // limiter is opened wide so every one of the 200 really reaches bcrypt, and bcrypt gets
    // one thread, so the flood queues behind it.
    let h = harness_with(|b| {
        b.hasher(Hasher::with_cost(10).unwrap())
            .failed_attempts(10_000, Duration::from_secs(60))
            .bcrypt_threads(1)
            .tiers(TierTable::new().with_tier(Tier::Standard, TierLimits::unlimited()))
    })
    .await;
    let one_bcrypt = {
        let started = std::time::Instant::now();
        Hasher::with_cost(10).unwrap().hash(&h.key.key).unwrap();
        started.elapsed()
    };
    assert_eq!(h.whoami(h.secret()).await.status, 200); // warm the verification cache

    let mut quiet = Vec::new();
    for _ in 0..20 {
        let started = std::time::Instant::now();
        assert_eq!(h.whoami(h.secret()).await.status, 200);
        quiet.push(started.elapsed());
    }

    let wrong = PartnerKey::from_random(Env::Live, h.key.key.key_id(), &[3; 28]);
    let flood: Vec<_> = (0..200)
        .map(|_| {
            let (client, url, key) = (
                h.client.clone(),
                format!("{}/v1/whoami", h.base),
                wrong.expose_secret().to_owned(),
            );
            tokio::spawn(async move {
                client
                    .get(url)
                    .header("x-api-key", key)
                    .send()
                    .await
                    .map(|r| r.status().as_u16())
            })
        })
        .collect();
    tokio::time::sleep(Duration::from_millis(50)).await; // let the flood reach bcrypt
    let mut during = Vec::new();
    for _ in 0..20 {
        let started = std::time::Instant::now();
        assert_eq!(h.whoami(h.secret()).await.status, 200);
        during.push(started.elapsed());
    }
    let flood_still_running = flood.iter().filter(|task| !task.is_finished()).count();
    for task in flood {
        if task.is_finished() {
            assert_eq!(task.await.unwrap().unwrap(), 401);
        } else {
            // Dropping the connection cancels the queued verification on the server.
            task.abort();
        }
    }

    let (quiet, during) = (median(quiet), median(during));
    eprintln!(
        "quiet median {quiet:?}, during flood {during:?}, one bcrypt {one_bcrypt:?}, flood requests still running after: {flood_still_running}"
    );
    assert!(
        flood_still_running > 0,
        "the flood must still be queued while we measure"
    );
    assert!(
        during < one_bcrypt / 2,
        "cached requests waited for bcrypt: {during:?} vs one bcrypt {one_bcrypt:?}"
    );
    assert!(
        during.as_secs_f64() / quiet.as_secs_f64() < 50.0,
        "cached requests slowed {:.1}x under the flood",
        during.as_secs_f64() / quiet.as_secs_f64()
    );
}

#[tokio::test]
async fn middleware_outside_the_layer_sees_the_principal_on_the_response() {
    let h = harness().await;
    let auth = h.auth.clone();
    // An access-log-like middleware outside `AuthLayer`: it can only learn the caller from
    // the response.
    let app = Router::new()
        .route("/v1/whoami", get(whoami))
        .layer(AuthLayer::new(auth))
        .layer(axum::middleware::from_fn(
            |request: axum::extract::Request, next: axum::middleware::Next| async move {
                let mut response = next.run(request).await;
                let caller = response
                    .extensions()
                    .get::<Principal>()
                    .map(|p| p.key_record_id().to_string());
                if let Some(caller) = caller {
                    response
                        .headers_mut()
                        .insert("x-test-caller", caller.parse().unwrap());
                }
                response
            },
        ));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });

    let client = reqwest::Client::new();
    let ok = client
        .get(format!("{base}/v1/whoami"))
        .header("x-api-key", h.secret())
        .send()
        .await
        .unwrap();
    assert_eq!(ok.status(), 200);
    let expected = h.key.record.id.to_string();
    assert_eq!(
        ok.headers()
            .get("x-test-caller")
            .and_then(|v| v.to_str().ok()),
        Some(expected.as_str())
    );
    let refused = client
        .get(format!("{base}/v1/whoami"))
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), 401);
    assert!(refused.headers().get("x-test-caller").is_none());
}
