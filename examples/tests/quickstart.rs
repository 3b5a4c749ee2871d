//! Runs the quickstart as a real process and checks what it shows, and what it never shows.

use std::process::Command;

#[test]
fn quickstart_mints_verifies_and_prints_the_envelope() {
    let output = Command::new(env!("CARGO_BIN_EXE_quickstart"))
        .output()
        .expect("quickstart runs");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let stdout = String::from_utf8(output.stdout).unwrap();

    let key_line = stdout.lines().nth(1).unwrap().trim();
    assert!(
        key_line.starts_with("lp_test_") && key_line.len() == 68,
        "{key_line}"
    );
    assert_eq!(
        stdout.matches(key_line).count(),
        1,
        "the whole key is printed exactly once"
    );
    let secret = &key_line[25..];
    assert!(!stdout.replacen(key_line, "", 1).contains(&secret[..12]));

    assert!(stdout.contains(&format!("Masked form:   {}_…", &key_line[..24])));
    assert!(stdout.contains("Checksum:      Valid"));
    assert!(stdout.contains("bcrypt hash:   $2b$12$"));
    assert!(stdout.contains("Verified:      yes"));
    assert!(stdout.contains("HTTP 401 Unauthorized"));
    assert!(stdout.contains(r#"{"error":{"code":"UNAUTHENTICATED","message":"malformed API key in X-Api-Key header: secret character at byte 30 is not base64url","requestId":"req_"#));
}
