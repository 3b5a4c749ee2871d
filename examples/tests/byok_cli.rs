//! `layerctl byok …` end to end: the CLI as a real process on a temporary SQLite file (and
//! again on a PostgreSQL schema of its own), the master key in its environment, and the fake
//! provider (a loopback HTTP server run by this test's own tokio runtime) standing in for
//! OpenAI.

#[path = "support/processes.rs"]
mod processes;
#[path = "support/services.rs"]
mod services;

use layer_byok::{LeakScanner, Provider, ProviderKey, fake_provider::FakeProvider};
use processes::{Run, layerctl};

const MASTER_KEY: &str = "8f3a1c5e7b9d2f4a6c8e0b1d3f5a7c9e2b4d6f8a0c1e3b5d7f9a2c4e6b8d0f1a";
const MASTER_KEY_V2: &str = "M2Jx9f1Qk7Zp4Lw8Rt6Yv3Nc5Hb0Ds2Ga1Ue7Io9Pq4=";
const KEY: &str = "sk-proj-Q7x9Kp2LmZ4vB8nR1tY6wE3uI5oA0sDfGhJQ7x9Kp2LmZ4vB8nR1abc123";
const MASKED: &str = "sk-proj-...abc123";

/// `layerctl` on one store with the master key set, keeping every run's output to scan for
/// the key at the end.
struct Cli {
    db: std::path::PathBuf,
    /// Flags choosing the store (none: the SQLite file `db`).
    store: Vec<String>,
    /// The master-key variables every run gets.
    master: Vec<(&'static str, &'static str)>,
    transcript: String,
}

impl Cli {
    fn run(&mut self, args: &[&str], env: &[(&str, &str)], stdin: &str) -> Run {
        let mut all = self.master.clone();
        all.extend_from_slice(env);
        let mut with_store: Vec<&str> = self.store.iter().map(String::as_str).collect();
        with_store.extend_from_slice(args);
        let run = layerctl(&self.db, &with_store, &all, stdin);
        self.transcript.push_str(&run.stdout);
        self.transcript.push_str(&run.stderr);
        run
    }

    /// `byok COMMAND --org ORG --provider openai`, then `extra`.
    fn on_openai(&mut self, command: &str, org: &str, extra: &[&str], env: &[(&str, &str)]) -> Run {
        let mut args = vec!["byok", command, "--org", org, "--provider", "openai"];
        args.extend_from_slice(extra);
        self.run(&args, env, "")
    }

    /// `--json byok list --org ORG`, then `extra`: the keys listed.
    fn list(&mut self, org: &str, extra: &[&str]) -> Vec<serde_json::Value> {
        let mut args = vec!["--json", "byok", "list", "--org", org];
        args.extend_from_slice(extra);
        let listed = self.run(&args, &[], "");
        assert_eq!(listed.code, 0, "{}", listed.stderr);
        listed.json()["keys"].as_array().unwrap().clone()
    }
}

#[test]
fn byok_keys_are_set_tested_disabled_deleted_and_restored_through_the_cli() {
    lifecycle(&[]);
}

#[test]
fn the_same_on_postgresql() {
    if !services::shared_services_up() {
        return;
    }
    let schema = services::Schema::new("byok_cli");
    lifecycle(&[
        "--database-url",
        services::POSTGRES_URL,
        "--database-schema",
        &schema.0,
    ]);
}

/// Set, list, test (valid, then refused), disable, enable, delete, restore, on the store
/// `store` chooses.
fn lifecycle(store: &[&str]) {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    let fake = runtime.block_on(FakeProvider::start()).unwrap();
    let key = ProviderKey::parse(Provider::OpenAi, KEY).unwrap();
    assert_eq!(key.masked(), MASKED);
    fake.add_key(&key);
    let base_url = fake.base_url(Provider::OpenAi);

    let dir = tempfile::tempdir().unwrap();
    let mut cli = Cli {
        db: dir.path().join("keys.db"),
        store: store.iter().map(|s| (*s).to_owned()).collect(),
        master: vec![("LAYER_BYOK_MASTER_KEY", MASTER_KEY)],
        transcript: String::new(),
    };
    let created = cli.run(&["--json", "org", "create", "Acme Growth"], &[], "");
    assert_eq!(created.code, 0, "{}", created.stderr);
    let org = created.json()["organizationId"]
        .as_str()
        .unwrap()
        .to_owned();

    // Set, from standard input (with the trailing newline `echo` leaves): the masked form back.
    let set = cli.run(
        &["byok", "set", "--org", &org, "--provider", "openai"],
        &[],
        &format!("{KEY}\n"),
    );
    assert_eq!(set.code, 0, "{}", set.stderr);
    assert!(set.stdout.contains(MASKED), "{}", set.stdout);

    let keys = cli.list(&org, &[]);
    assert_eq!(keys.len(), 1);
    assert_eq!(keys[0]["displayPrefix"], MASKED);
    assert_eq!(keys[0]["provider"], "openai");
    assert_eq!(keys[0]["validity"], "unknown");
    assert_eq!(keys[0]["enabled"], true);
    let id = keys[0]["id"].as_str().unwrap().to_owned();
    let text = cli.run(&["byok", "list", "--org", &org], &[], "");
    assert!(
        text.stdout.contains(MASKED) && text.stdout.contains("untested"),
        "{}",
        text.stdout
    );

    // Test against the fake: valid, exit 0, and the fake saw the key.
    let valid = cli.on_openai(
        "test",
        &org,
        &[],
        &[("LAYER_BYOK_OPENAI_BASE_URL", &base_url)],
    );
    assert_eq!(valid.code, 0, "{} {}", valid.stdout, valid.stderr);
    assert!(valid.stdout.contains("valid"), "{}", valid.stdout);
    assert!(fake.requests().iter().any(|r| r.used(&key)));
    assert_eq!(cli.list(&org, &[])[0]["validity"], "valid");

    // Revoked at the provider: exit 1, marked invalid. `--base-url` works as the variable does.
    fake.revoke(&key);
    let refused = cli.on_openai("test", &org, &["--base-url", &base_url], &[]);
    assert_eq!(refused.code, 1, "{} {}", refused.stdout, refused.stderr);
    assert!(refused.stdout.contains("refused"), "{}", refused.stdout);
    assert_eq!(cli.list(&org, &[])[0]["validity"], "invalid");
    let text = cli.run(&["byok", "list", "--org", &org], &[], "");
    assert!(text.stdout.contains("INVALID since"), "{}", text.stdout);

    // Disable and enable.
    assert_eq!(cli.on_openai("disable", &org, &[], &[]).code, 0);
    assert_eq!(cli.list(&org, &[])[0]["enabled"], false);
    assert_eq!(cli.on_openai("enable", &org, &[], &[]).code, 0);
    assert_eq!(cli.list(&org, &[])[0]["enabled"], true);

    // Delete: gone from the live list, shown deleted with --all and --deleted, restored by id.
    assert_eq!(cli.on_openai("delete", &org, &[], &[]).code, 0);
    assert!(cli.list(&org, &[]).is_empty());
    let all = cli.list(&org, &["--all"]);
    assert_eq!(all.len(), 1);
    assert_eq!(all[0]["id"], id.as_str());
    assert!(all[0]["deletedAt"].is_string(), "{all:?}");
    assert_eq!(cli.list(&org, &["--deleted"]).len(), 1);
    let again = cli.on_openai("delete", &org, &[], &[]);
    assert_eq!(again.code, 2);
    assert!(
        again.stderr.contains("has no openai key"),
        "{}",
        again.stderr
    );
    let restored = cli.run(&["byok", "restore", &id], &[], "");
    assert_eq!(restored.code, 0, "{}", restored.stderr);
    let keys = cli.list(&org, &[]);
    assert_eq!(keys.len(), 1);
    assert!(keys[0]["deletedAt"].is_null());

    // Rotation: add version 2, re-encrypt onto it, drop version 1; the key still opens (the
    // provider still refuses it: exit 1, not a failure to open).
    cli.master.push(("LAYER_BYOK_MASTER_KEY_V2", MASTER_KEY_V2));
    let moved = cli.run(&["--json", "byok", "reencrypt"], &[], "");
    assert_eq!(moved.code, 0, "{}", moved.stderr);
    assert_eq!(moved.json()["moved"], 1);
    assert_eq!(moved.json()["currentVersion"], 2);
    cli.master = vec![("LAYER_BYOK_MASTER_KEY_V2", MASTER_KEY_V2)];
    assert_eq!(cli.list(&org, &[])[0]["masterKeyVersion"], 2);
    let reopened = cli.on_openai("test", &org, &["--base-url", &base_url], &[]);
    assert_eq!(reopened.code, 1, "{} {}", reopened.stdout, reopened.stderr);
    assert!(reopened.stdout.contains("refused"), "{}", reopened.stdout);
    // Nothing was deleted 90 days ago.
    let purged = cli.run(&["--json", "byok", "purge"], &[], "");
    assert_eq!(purged.code, 0, "{}", purged.stderr);
    assert_eq!(purged.json()["purged"], 0);

    // A key of the wrong shape is refused without being echoed.
    let wrong = cli.run(
        &["byok", "set", "--org", &org, "--provider", "anthropic"],
        &[],
        KEY,
    );
    assert_eq!(wrong.code, 2);
    assert!(wrong.stderr.contains("anthropic key"), "{}", wrong.stderr);

    // Nothing printed the key.
    let scanner = LeakScanner::new().with_mistral(true);
    assert!(!cli.transcript.contains(KEY), "{}", cli.transcript);
    assert!(
        !scanner.contains_secret(&cli.transcript),
        "{:?}",
        scanner.scan(&cli.transcript)
    );
    drop(runtime);
}

#[test]
fn without_the_master_key_byok_commands_stop_with_a_clear_message() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("keys.db");
    let org = "0190f3c2-7d5e-7a1b-9c3d-2e4f6a8b0c1d";
    let missing = layerctl(
        &db,
        &["byok", "set", "--org", org, "--provider", "openai"],
        &[],
        KEY,
    );
    assert_eq!(missing.code, 2, "{}", missing.stderr);
    assert!(
        missing.stderr.contains("LAYER_BYOK_MASTER_KEY"),
        "{}",
        missing.stderr
    );
    assert!(!db.exists(), "the store is not touched");

    let short = "0123456789abcdef";
    let malformed = layerctl(
        &db,
        &["--json", "byok", "list", "--org", org],
        &[("LAYER_BYOK_MASTER_KEY", short)],
        "",
    );
    assert_eq!(malformed.code, 2);
    assert!(
        malformed.stderr.contains("LAYER_BYOK_MASTER_KEY"),
        "{}",
        malformed.stderr
    );
    assert!(!malformed.stderr.contains(short), "{}", malformed.stderr);
    assert!(!format!("{}{}", missing.stdout, missing.stderr).contains(KEY));
}
