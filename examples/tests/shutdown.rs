//! Graceful shutdown: a request in flight is answered, and last-used times batched in memory
//! survive a SIGTERM.

#[path = "support/processes.rs"]
mod processes;

use std::{
    io::{Read, Write},
    net::TcpStream,
    time::Duration,
};

use processes::{DEADLINE, Server, layerctl};

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

#[test]
fn sigterm_lets_a_request_in_flight_finish() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("keys.db");
    let server = Server::start(&db, &[]);
    let key = server.first_key().unwrap();
    assert_eq!(
        server.whoami(&key).status,
        200,
        "warm: the key is verified once"
    );

    // A POST whose body is still on its way when the signal arrives.
    let body = r#"{"name":"in flight"}"#;
    let (first, rest) = body.split_at(8);
    let mut stream = TcpStream::connect(&server.address).unwrap();
    stream.set_read_timeout(Some(DEADLINE)).unwrap();
    write!(
        stream,
        "POST /v1/projects HTTP/1.1\r\nHost: x\r\nX-Api-Key: {key}\r\n\
         Content-Type: application/json\r\nContent-Length: {}\r\n\r\n{first}",
        body.len()
    )
    .unwrap();
    stream.flush().unwrap();
    // Give the server time to read the head and wait in the handler for the body; the
    // outcome does not depend on how long this is, only the order.
    std::thread::sleep(Duration::from_millis(300));
    server.send_sigterm();
    std::thread::sleep(Duration::from_millis(300));
    stream.write_all(rest.as_bytes()).unwrap();

    let mut reply = String::new();
    stream.read_to_string(&mut reply).unwrap();
    assert!(reply.starts_with("HTTP/1.1 201 Created"), "{reply}");
    assert!(reply.contains(r#""name":"in flight""#), "{reply}");
    let (status, printed) = server.wait_exit();
    assert!(status.success(), "{status:?}");
    assert!(
        printed.iter().any(|l| l.starts_with("partner-api stopped")),
        "{printed:?}"
    );
}
