//! `layerctl scan`: find leaked keys before they are committed.
//!
//! As a git pre-commit hook (`.git/hooks/pre-commit`):
//!
//! ```text
//! #!/bin/sh
//! git diff --cached -U0 | layerctl scan
//! ```
//!
//! The exit status is `1` when a key is found, which makes git refuse the commit. Findings
//! show where the key is and its public part (`lp_live_01HX…_…`), never its secret, so the
//! report itself is safe to paste into a ticket.

use std::{
    fs,
    io::Read,
    path::{Path, PathBuf},
    process::ExitCode,
};

use layer_keys::{Checksum, Finding, KeyKind, Scanner};
use serde_json::{Value, json};

use super::output::{Failure, Output};

/// One finding, located.
#[derive(Debug, Clone)]
pub struct Located {
    /// The file, or `-` for standard input.
    pub source: String,
    /// 1-based line.
    pub line: usize,
    /// 1-based column, in bytes.
    pub column: usize,
    /// What was found.
    pub finding: Finding,
}

/// Scans `paths` (standard input when empty or `-`); exit status `1` if any key is found.
///
/// # Errors
///
/// A [`Failure`] naming the path that could not be read.
pub fn run(paths: &[PathBuf], out: &Output) -> Result<ExitCode, Failure> {
    let scanner = Scanner::new();
    let mut found = Vec::new();
    let mut inputs = 0usize;
    if paths.is_empty() {
        scan_stdin(&scanner, &mut found)?;
        inputs += 1;
    }
    for path in paths {
        if path.as_os_str() == "-" {
            scan_stdin(&scanner, &mut found)?;
            inputs += 1;
        } else {
            inputs += scan_path(&scanner, path, &mut found)?;
        }
    }
    out.result(|| text(&found, inputs), || json(&found, inputs));
    Ok(if found.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

fn scan_stdin(scanner: &Scanner, found: &mut Vec<Located>) -> Result<(), Failure> {
    let mut bytes = Vec::new();
    std::io::stdin()
        .read_to_end(&mut bytes)
        .map_err(|e| Failure::new(format!("cannot read standard input: {e}")))?;
    locate(scanner, "-", &bytes, found);
    Ok(())
}

/// Scans a file, or every file under a directory (symbolic links and `.git` are skipped);
/// returns how many files were read.
fn scan_path(scanner: &Scanner, path: &Path, found: &mut Vec<Located>) -> Result<usize, Failure> {
    let cannot = |e: std::io::Error| Failure::new(format!("cannot read {}: {e}", path.display()));
    let metadata = fs::symlink_metadata(path).map_err(cannot)?;
    if metadata.is_dir() {
        let mut entries: Vec<PathBuf> = fs::read_dir(path)
            .map_err(cannot)?
            .map(|entry| entry.map(|e| e.path()))
            .collect::<Result<_, _>>()
            .map_err(cannot)?;
        entries.sort();
        let mut files = 0;
        for entry in entries {
            if entry.file_name().is_some_and(|name| name == ".git") {
                continue;
            }
            let is_link = fs::symlink_metadata(&entry).is_ok_and(|m| m.is_symlink());
            if !is_link {
                files += scan_path(scanner, &entry, found)?;
            }
        }
        Ok(files)
    } else {
        let bytes = fs::read(path).map_err(cannot)?;
        locate(scanner, &path.display().to_string(), &bytes, found);
        Ok(1)
    }
}

fn locate(scanner: &Scanner, source: &str, bytes: &[u8], found: &mut Vec<Located>) {
    for finding in scanner.scan(bytes) {
        let before = &bytes[..finding.span().start];
        let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
        let column = before
            .iter()
            .rposition(|&b| b == b'\n')
            .map_or(before.len(), |newline| before.len() - newline - 1)
            + 1;
        found.push(Located {
            source: source.to_owned(),
            line,
            column,
            finding,
        });
    }
}

fn describe(finding: &Finding) -> (String, &'static str) {
    match (finding.kind(), finding.checksum()) {
        (KeyKind::Partner, Some(Checksum::Valid)) => (
            format!("{}_…", finding.public_part()),
            "partner key, checksum valid: a real key, revoke it",
        ),
        (KeyKind::Partner, _) => (
            format!("{}_…", finding.public_part()),
            "partner key shape, checksum invalid: likely a look-alike",
        ),
        _ => (
            format!("{}...", finding.public_part()),
            "legacy key: revoke it",
        ),
    }
}

fn text(found: &[Located], inputs: usize) -> String {
    let mut text = String::new();
    for located in found {
        let (masked, what) = describe(&located.finding);
        text.push_str(&format!(
            "{}:{}:{}: {masked} ({what})\n",
            located.source, located.line, located.column
        ));
    }
    if found.is_empty() {
        text.push_str(&format!("No keys found ({inputs} input(s) scanned).\n"));
    } else {
        text.push_str(&format!(
            "Found {} key(s) in {inputs} input(s) scanned.\n",
            found.len()
        ));
    }
    text
}

fn json(found: &[Located], inputs: usize) -> Value {
    let findings: Vec<Value> = found
        .iter()
        .map(|located| {
            let finding = &located.finding;
            json!({
                "source": located.source,
                "line": located.line,
                "column": located.column,
                "kind": match finding.kind() { KeyKind::Partner => "partner", _ => "legacy" },
                "env": finding.env().map(|e| e.as_str()),
                "publicPart": finding.public_part(),
                "checksumValid": finding.checksum().map(|c| c == Checksum::Valid),
            })
        })
        .collect();
    json!({ "inputs": inputs, "findings": findings })
}
