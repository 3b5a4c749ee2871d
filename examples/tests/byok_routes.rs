//! `partner-api`'s `/v1/byok` routes over loopback: an organization sets, tests, disables and
//! deletes its own OpenAI key through the API, with the fake provider (a loopback HTTP server
//! run by this test's tokio runtime) answering as OpenAI would. The key never comes back in a
//! reply, nor reaches the server's log.

#[path = "support/processes.rs"]
mod processes;

use layer_byok::{LeakScanner, Provider, ProviderKey, fake_provider::FakeProvider};
use processes::{Reply, Server, request};
use serde_json::json;

const MASTER_KEY: &str = "8f3a1c5e7b9d2f4a6c8e0b1d3f5a7c9e2b4d6f8a0c1e3b5d7f9a2c4e6b8d0f1a";
const KEY: &str = "sk-proj-Q7x9Kp2LmZ4vB8nR1tY6wE3uI5oA0sDfGhJQ7x9Kp2LmZ4vB8nR1abc123";
const MASKED: &str = "sk-proj-...abc123";

fn call(server: &Server, key: &str, method: &str, path: &str, body: Option<&str>) -> Reply {
    let reply = request(&server.address, method, path, Some(key), body);
    assert!(!reply.body.contains(KEY), "{}", reply.body);
    reply
}

#[test]
fn an_organization_manages_its_own_provider_key_over_the_api() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    let fake = runtime.block_on(FakeProvider::start()).unwrap();
    let provider_key = ProviderKey::parse(Provider::OpenAi, KEY).unwrap();
    fake.add_key(&provider_key);
    let base_url = fake.base_url(Provider::OpenAi);

    let dir = tempfile::tempdir().unwrap();
    let server = Server::start_with_env(
        &dir.path().join("keys.db"),
        &[],
        &[
            ("LAYER_BYOK_MASTER_KEY", MASTER_KEY),
            ("LAYER_BYOK_OPENAI_BASE_URL", &base_url),
        ],
    );
    let api_key = server.first_key().unwrap();
    let api =
        |method: &str, path: &str, body: Option<&str>| call(&server, &api_key, method, path, body);

    assert_eq!(api("GET", "/v1/byok", None).json(), json!({ "keys": [] }));

    // A key of the wrong shape: 422 naming the field, the key not echoed.
    let wrong = "sk-ant-api03-not-an-openai-key-but-long-enough-1234";
    let refused = api(
        "PUT",
        "/v1/byok/openai",
        Some(&json!({ "key": wrong }).to_string()),
    );
    let error = refused.assert_error(422, "VALIDATION");
    assert_eq!(
        error["details"]["fieldErrors"][0]["field"], "key",
        "{error}"
    );
    assert!(!refused.body.contains(wrong), "{}", refused.body);

    // Set: the reply is masked.
    let set = api(
        "PUT",
        "/v1/byok/openai",
        Some(&json!({ "key": KEY }).to_string()),
    );
    assert_eq!(set.status, 200, "{}", set.body);
    assert_eq!(set.json()["displayPrefix"], MASKED);
    assert_eq!(set.json()["validity"], "unknown");
    let listed = api("GET", "/v1/byok", None).json();
    assert_eq!(listed["keys"][0]["displayPrefix"], MASKED);

    // Test: valid, then refused once the provider revokes it.
    let tested = api("POST", "/v1/byok/openai/test", None).json();
    assert_eq!(tested["outcome"], "valid", "{tested}");
    assert_eq!(tested["key"]["validity"], "valid");
    assert!(fake.requests().iter().any(|r| r.used(&provider_key)));
    fake.revoke(&provider_key);
    let tested = api("POST", "/v1/byok/openai/test", None).json();
    assert_eq!(tested["outcome"], "unauthenticated", "{tested}");
    assert_eq!(tested["key"]["validity"], "invalid");

    // Disable, enable, delete: then nothing is live.
    let disabled = api("PATCH", "/v1/byok/openai", Some(r#"{"enabled": false}"#)).json();
    assert_eq!(disabled["enabled"], false);
    let enabled = api("PATCH", "/v1/byok/openai", Some(r#"{"enabled": true}"#)).json();
    assert_eq!(enabled["enabled"], true);
    let deleted = api("DELETE", "/v1/byok/openai", None).json();
    assert!(deleted["deletedAt"].is_string(), "{deleted}");
    assert_eq!(api("GET", "/v1/byok", None).json(), json!({ "keys": [] }));

    // No key for the provider, an unknown provider, no API key: the envelope.
    api("POST", "/v1/byok/openai/test", None).assert_error(404, "NOT_FOUND");
    api("POST", "/v1/byok/acme/test", None).assert_error(404, "NOT_FOUND");
    request(&server.address, "GET", "/v1/byok", None, None).assert_error(401, "UNAUTHENTICATED");

    let logs = server.logs();
    assert!(logs.contains("BYOK routes on"), "{logs}");
    assert!(!logs.contains(KEY), "{logs}");
    assert!(!LeakScanner::new().contains_secret(&logs), "{logs}");
    drop(runtime);
}

#[test]
fn without_the_master_key_there_are_no_byok_routes() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(&dir.path().join("keys.db"), &[]);
    let api_key = server.first_key().unwrap();
    call(&server, &api_key, "GET", "/v1/byok", None).assert_error(404, "NOT_FOUND");
    assert!(
        server.logs().contains("BYOK routes off"),
        "{}",
        server.logs()
    );
}
