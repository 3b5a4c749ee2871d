//! Graceful shutdown: last-used times batched in memory survive a SIGTERM.

#[path = "support/processes.rs"]
mod processes;

use processes::{Server, layerctl};

fn last_used(db: &std::path::Path, id: &str) -> serde_json::Value {
    let list = layerctl(db, &["--json", "key", "list"], &[], "").json();
    list["keys"]
        .as_array()
        .unwrap()
        .iter()
        .find(|k| k["apiKeyId"] == id)
        .expect("the key is listed")["lastUsedAt"]
        .clone()
}

#[test]
fn sigterm_flushes_last_used_times_and_a_restart_reads_them_back() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("keys.db");
    // An hour between flushes: only the shutdown flush can write the time.
    let server = Server::start(&db, &["--flush-ms", "3600000"]);
    let key = server.first_key().unwrap();
    let reply = server.whoami(&key);
    assert_eq!(reply.status, 200, "{}", reply.body);
    let id = reply.json()["apiKeyId"].as_str().unwrap().to_owned();
    assert!(last_used(&db, &id).is_null(), "not written before shutdown");

    let (status, printed) = server.terminate();
    assert!(status.success(), "{status:?}");
    assert!(
        printed
            .iter()
            .any(|l| l == "partner-api stopped; wrote 1 last-used time(s)"),
        "{printed:?}"
    );
    let at = last_used(&db, &id);
    assert!(at.as_str().is_some_and(|t| t.ends_with('Z')), "{at}");

    // A restart serves the same store: no new first key, the old one works, the time stays.
    let again = Server::start(&db, &[]);
    assert!(again.first_key().is_none(), "{:?}", again.banner);
    assert_eq!(again.whoami(&key).status, 200);
    assert_eq!(last_used(&db, &id), at);
}
