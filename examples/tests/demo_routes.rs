//! The demo routes over loopback: each endpoint class, rate limits, job slots, organization
//! isolation, and the envelope on every error, axum's own included.

#[path = "support/processes.rs"]
mod processes;

use processes::{Server, layerctl};

#[test]
fn every_class_limits_and_errors_over_http() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("keys.db");
    // `standard` keeps its per-minute limits but gets one job slot; `tiny` allows 2 reads.
    let server = Server::start(
        &db,
        &[
            "--tiers",
            "standard=120/60/20/1,tiny=2/60/20",
            "--job-ms",
            "60000",
        ],
    );
    let key = server.first_key().unwrap();

    // write-light and read-light: projects.
    let created = server.request(
        "POST",
        "/v1/projects",
        Some(&key),
        Some(r#"{"name":"Launch"}"#),
    );
    assert_eq!(created.status, 201, "{}", created.body);
    assert_eq!(
        created.header("x-ratelimit-endpoint-class"),
        Some("write-light")
    );
    let project = created.json()["id"].as_str().unwrap().to_owned();
    let listed = server.request("GET", "/v1/projects", Some(&key), None);
    assert_eq!(listed.json()["projects"][0]["name"], "Launch");
    assert_eq!(
        listed.header("x-ratelimit-endpoint-class"),
        Some("read-light")
    );
    let path = format!("/v1/projects/{project}");
    let renamed = server.request("PATCH", &path, Some(&key), Some(r#"{"name":"Relaunch"}"#));
    assert_eq!(renamed.json()["name"], "Relaunch");
    let invalid = server.request("POST", "/v1/projects", Some(&key), Some(r#"{"name":""}"#));
    assert_eq!(
        invalid.assert_error(422, "VALIDATION")["details"]["fieldErrors"][0]["field"],
        "name"
    );
    server
        .request("POST", "/v1/projects", Some(&key), Some("{not json"))
        .assert_error(422, "VALIDATION");

    // Another organization cannot see the project: 404, not 403.
    let org = layerctl(&db, &["--json", "org", "create", "Globex"], &[], "").json();
    let org = org["organizationId"].as_str().unwrap();
    let other = layerctl(
        &db,
        &[
            "--json", "key", "create", "--name", "tiny", "--tier", "tiny", "--org", org,
        ],
        &[],
        "",
    )
    .json();
    let other = other["key"].as_str().unwrap();
    server
        .request("DELETE", &path, Some(other), None)
        .assert_error(404, "NOT_FOUND");
    assert_eq!(
        server.request("DELETE", &path, Some(&key), None).status,
        204
    );
    server
        .request("DELETE", &path, Some(&key), None)
        .assert_error(404, "NOT_FOUND");

    // long-running: one slot, so the second job is refused while the first runs.
    let job = server.request("POST", "/v1/jobs", Some(&key), None);
    assert_eq!(job.status, 202, "{}", job.body);
    assert_eq!(
        job.header("x-ratelimit-endpoint-class"),
        Some("long-running")
    );
    let job_id = job.json()["jobId"].as_str().unwrap().to_owned();
    let full = server.request("POST", "/v1/jobs", Some(&key), None);
    let error = full.assert_error(429, "RATE_LIMITED");
    assert_eq!(error["details"]["endpointClass"], "long-running");
    assert_eq!(full.header("retry-after"), Some("60"));
    let polled = server.request("GET", &format!("/v1/jobs/{job_id}"), Some(&key), None);
    assert_eq!(polled.json()["status"], "running");
    server
        .request("GET", &format!("/v1/jobs/{job_id}"), Some(other), None)
        .assert_error(404, "NOT_FOUND");

    // read-light rate limit: `tiny` allows two reads a minute.
    assert_eq!(server.whoami(other).status, 200);
    assert_eq!(
        server.whoami(other).header("x-ratelimit-remaining"),
        Some("0")
    );
    let limited = server.whoami(other);
    let error = limited.assert_error(429, "RATE_LIMITED");
    assert_eq!(error["details"]["endpointClass"], "read-light");
    assert!(limited.header("retry-after").is_some());
    assert_eq!(limited.header("x-ratelimit-tier"), Some("tiny"));

    // axum's own errors become the envelope too.
    server
        .request("GET", "/v1/nope", None, None)
        .assert_error(404, "NOT_FOUND");
    let wrong_method = server.request("PUT", "/v1/whoami", Some(&key), None);
    wrong_method.assert_error(404, "NOT_FOUND");
    assert!(wrong_method.header("x-ratelimit-limit").is_some());
    server
        .request("GET", "/v1/whoami", Some("lp_live_nope"), None)
        .assert_error(401, "UNAUTHENTICATED");
}

#[test]
fn no_auth_serves_the_same_whoami_body_without_a_key() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("keys.db");
    let server = Server::start(&db, &[]);
    let key = server.first_key().unwrap();
    let authenticated = server.whoami(&key).json();
    drop(server);

    let bench = Server::start(&db, &["--no-auth"]);
    let reply = bench.request("GET", "/v1/whoami", None, None);
    assert_eq!(reply.status, 200);
    assert_eq!(reply.json(), authenticated);
    assert!(reply.header("x-request-id").is_some());
    assert!(bench.logs().contains("authentication is OFF"));
}
