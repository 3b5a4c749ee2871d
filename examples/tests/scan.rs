//! `layerctl scan` as a pre-commit hook would run it: exit 1 on a leaked key, 0 when clean,
//! 2 when it cannot read its input; the report never repeats a secret.

#[path = "support/processes.rs"]
mod processes;

use layer_keys::{Env, PartnerKey};
use processes::layerctl;

#[test]
fn scan_exit_codes_and_reports() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("unused.db");
    let key = PartnerKey::generate(Env::Live).unwrap();
    let key = key.expose_secret();
    let secret = &key[25..];

    let clean = dir.path().join("clean.txt");
    std::fs::write(&clean, "nothing to see\nlp_live_not_a_key\n").unwrap();
    let run = layerctl(&db, &["scan", clean.to_str().unwrap()], &[], "");
    assert_eq!(run.code, 0, "{}", run.stdout);
    assert!(run.stdout.contains("No keys found"));

    let tree = dir.path().join("src");
    std::fs::create_dir_all(tree.join("config")).unwrap();
    std::fs::write(
        tree.join("config/app.env"),
        format!("# prod\nAPI_KEY={key}\n"),
    )
    .unwrap();
    let run = layerctl(&db, &["scan", tree.to_str().unwrap()], &[], "");
    assert_eq!(run.code, 1, "{}", run.stdout);
    let expected = format!("app.env:2:9: {}_… (partner key, checksum valid", &key[..24]);
    assert!(run.stdout.contains(&expected), "{}", run.stdout);
    assert!(
        !run.stdout.contains(secret),
        "the report repeats the secret"
    );

    let run = layerctl(
        &db,
        &["--json", "scan"],
        &[],
        &format!("+ let k = \"{key}\";\n"),
    );
    assert_eq!(run.code, 1);
    let report = run.json();
    assert_eq!(report["findings"][0]["source"], "-");
    assert_eq!(report["findings"][0]["publicPart"], &key[..24]);
    assert_eq!(report["findings"][0]["checksumValid"], true);
    assert!(!run.stdout.contains(secret));

    let run = layerctl(&db, &["scan", "-"], &[], "clean input");
    assert_eq!(run.code, 0);

    let missing = dir.path().join("missing.txt");
    let run = layerctl(&db, &["scan", missing.to_str().unwrap()], &[], "");
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("missing.txt"), "{}", run.stderr);
}
