//! End to end over loopback: `partner-api` and `layerctl` as real processes sharing one
//! SQLite file, the way an operator would use them.
//!
//! The server refreshes its kill switches every 200 ms and keeps key records for 200 ms, so
//! a change made by the CLI shows within a fraction of a second; the tests poll for it with
//! a generous deadline rather than sleeping a fixed time.

#[path = "support/processes.rs"]
mod processes;

use processes::{Server, layerctl};

const FAST: &[&str] = &["--refresh-ms", "200", "--record-ttl-ms", "200"];

#[test]
fn kill_revoke_and_switches_made_by_the_cli_reach_the_server() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("keys.db");
    let server = Server::start(&db, FAST);
    let first_key = server
        .first_key()
        .expect("a fresh store prints its first key");
    assert!(first_key.starts_with("lp_test_"), "{first_key}");
    let curl = format!(
        "curl -i http://{}/v1/whoami -H \"X-Api-Key: {first_key}\"",
        server.address
    );
    assert!(
        server.banner.iter().any(|l| l.trim() == curl),
        "{:?}",
        server.banner
    );

    // Create a key with the CLI: printed once, in full.
    let created = layerctl(
        &db,
        &[
            "--json", "key", "create", "--name", "CI", "--env", "live", "--tier", "pilot",
        ],
        &[],
        "",
    );
    assert_eq!(created.code, 0, "{}", created.stderr);
    let created = created.json();
    let key = created["key"].as_str().unwrap().to_owned();
    let id = created["apiKeyId"].as_str().unwrap().to_owned();
    let org = created["organizationId"].as_str().unwrap().to_owned();
    assert!(key.starts_with("lp_live_") && key.len() == 68, "{key}");

    // whoami with it: SPEC 5's body, the request id and the rate-limit headers.
    let reply = server.whoami(&key);
    assert_eq!(reply.status, 200, "{}", reply.body);
    let body = reply.json();
    assert_eq!(body["apiKeyId"], id.as_str());
    assert_eq!(body["organizationId"], org.as_str());
    assert_eq!(body["organizationName"], "Demo organization");
    assert_eq!(body["rateLimitTier"], "pilot");
    assert_eq!(body["killSwitch"], false);
    assert_eq!(body["apiAccessRevoked"], false);
    assert!(reply.header("x-request-id").unwrap().starts_with("req_"));
    assert_eq!(reply.header("x-ratelimit-limit"), Some("1200"));
    assert_eq!(
        reply.header("x-ratelimit-endpoint-class"),
        Some("read-light")
    );
    assert_eq!(reply.header("x-ratelimit-tier"), Some("pilot"));

    let url = format!("http://{}", server.address);
    let boot_check = |key: &str| {
        layerctl(
            &db,
            &["boot-check", "--url", &url],
            &[("LAYERS_API_KEY", key)],
            "",
        )
    };
    let healthy = boot_check(&key);
    assert_eq!(healthy.code, 0, "{} {}", healthy.stdout, healthy.stderr);
    assert!(
        healthy.stdout.starts_with("key healthy: org="),
        "{}",
        healthy.stdout
    );

    // Kill: 503 KILL_SWITCH (scope key) once the server refreshes; the other key still works.
    assert_eq!(layerctl(&db, &["key", "kill", &id], &[], "").code, 0);
    let reply = server.whoami_until(&key, "the kill", |r| r.status == 503);
    let error = reply.assert_error(503, "KILL_SWITCH");
    assert_eq!(error["details"]["scope"], "key");
    let stopped = boot_check(&key);
    assert_eq!(stopped.code, 1, "{}", stopped.stdout);
    assert!(
        stopped.stdout.contains("HTTP 503 KILL_SWITCH (scope key)"),
        "{}",
        stopped.stdout
    );
    assert_eq!(server.whoami(&first_key).status, 200);

    // Un-kill: back to 200.
    assert_eq!(layerctl(&db, &["key", "unkill", &id], &[], "").code, 0);
    server.whoami_until(&key, "the un-kill", |r| r.status == 200);

    // The organization's access: 503 scope org for every key of it, then restored.
    assert_eq!(layerctl(&db, &["org", "revoke", &org], &[], "").code, 0);
    let reply = server.whoami_until(&first_key, "the org revocation", |r| r.status == 503);
    assert_eq!(
        reply.assert_error(503, "KILL_SWITCH")["details"]["scope"],
        "org"
    );
    assert_eq!(boot_check(&first_key).code, 1);
    assert_eq!(layerctl(&db, &["org", "restore", &org], &[], "").code, 0);
    server.whoami_until(&first_key, "the org restore", |r| r.status == 200);

    // The global switch stops everything, keyless requests included.
    let on = layerctl(&db, &["global", "on"], &[], "");
    assert_eq!(on.code, 0, "{}", on.stderr);
    let reply = server.whoami_until(&key, "the global switch", |r| r.status == 503);
    assert_eq!(
        reply.assert_error(503, "KILL_SWITCH")["details"]["scope"],
        "global"
    );
    server
        .request("GET", "/v1/whoami", None, None)
        .assert_error(503, "KILL_SWITCH");
    assert_eq!(layerctl(&db, &["global", "off"], &[], "").code, 0);
    server.whoami_until(&key, "the global switch off", |r| r.status == 200);

    // Revoke: 401 for good, with the documented message.
    assert_eq!(layerctl(&db, &["key", "revoke", &id], &[], "").code, 0);
    let reply = server.whoami_until(&key, "the revocation", |r| r.status == 401);
    let error = reply.assert_error(401, "UNAUTHENTICATED");
    assert_eq!(error["message"], "API key has been revoked.");
    let revoked = layerctl(
        &db,
        &["--json", "boot-check", "--url", &url],
        &[("LAYERS_API_KEY", &key)],
        "",
    );
    assert_eq!(revoked.code, 1);
    assert_eq!(revoked.json()["code"], "UNAUTHENTICATED");
    assert_eq!(
        server.whoami(&first_key).status,
        200,
        "other keys are unaffected"
    );

    // The listing shows it revoked, masked; the key itself is never printed again.
    let list = layerctl(&db, &["key", "list"], &[], "");
    assert_eq!(list.code, 0);
    let row = list
        .stdout
        .lines()
        .find(|l| l.contains(&id))
        .expect("listed");
    assert!(row.contains("revoked") && row.contains(&key[..24]), "{row}");
    assert!(!list.stdout.contains(&key[25..]));

    // Logs carry key ids, never keys.
    let logs = server.logs();
    assert!(logs.contains(&id), "the key record id is logged");
    assert!(logs.contains(&key[8..24]), "the public key id is logged");
    for secret in [&key, &first_key] {
        assert!(!logs.contains(&secret[25..]), "a secret reached the logs");
    }
}

#[test]
fn boot_check_fails_when_the_server_is_unreachable_or_the_key_unknown() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("keys.db");
    // A port nothing listens on: bind one, note it, free it.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let down = layerctl(
        &db,
        &["boot-check", "--url", &format!("http://127.0.0.1:{port}")],
        &[("LAYERS_API_KEY", "lp_live_x")],
        "",
    );
    assert_eq!(down.code, 1, "{}", down.stdout);
    assert!(down.stdout.contains("cannot reach"), "{}", down.stdout);

    let server = Server::start(&db, FAST);
    let unknown = layerctl(
        &db,
        &["boot-check", "--url", &format!("http://{}", server.address)],
        &[("LAYERS_API_KEY", "not a key")],
        "",
    );
    assert_eq!(unknown.code, 1);
    assert!(
        unknown.stdout.contains("HTTP 401 UNAUTHENTICATED"),
        "{}",
        unknown.stdout
    );

    let missing = layerctl(&db, &["boot-check"], &[], "");
    assert_eq!(missing.code, 2, "no key given is a usage error");
}

#[test]
fn operator_errors_exit_2_and_name_the_problem() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("keys.db");
    let no_org = layerctl(&db, &["key", "create", "--name", "x"], &[], "");
    assert_eq!(no_org.code, 2);
    assert!(
        no_org.stderr.contains("no organization"),
        "{}",
        no_org.stderr
    );

    let org = layerctl(&db, &["--json", "org", "create", "Globex"], &[], "");
    assert_eq!(org.code, 0, "{}", org.stderr);
    layerctl(&db, &["org", "create", "Initech"], &[], "");
    let ambiguous = layerctl(&db, &["key", "create", "--name", "x"], &[], "");
    assert_eq!(ambiguous.code, 2);
    assert!(ambiguous.stderr.contains("--org"), "{}", ambiguous.stderr);
    let org_id = org.json()["organizationId"].as_str().unwrap().to_owned();
    let created = layerctl(
        &db,
        &["key", "create", "--name", "x", "--org", &org_id],
        &[],
        "",
    );
    assert_eq!(created.code, 0, "{}", created.stderr);
    assert!(created.stdout.contains("shown this once"));

    let unknown = "3f2b8c1e-0000-4000-8000-000000000000";
    for args in [
        ["key", "kill", unknown],
        ["key", "revoke", unknown],
        ["org", "revoke", unknown],
    ] {
        let run = layerctl(&db, &args, &[], "");
        assert_eq!(run.code, 2, "{args:?}");
        assert!(run.stderr.contains(unknown), "{}", run.stderr);
    }
    assert_eq!(
        layerctl(&db, &["key", "kill", "not-a-uuid"], &[], "").code,
        2
    );
}
