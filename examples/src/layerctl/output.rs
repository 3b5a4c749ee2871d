//! How `layerctl` answers: text for a person, or one JSON document for a script.

use serde_json::Value;

/// An error to report: a sentence for standard error (never a key).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure(String);

impl Failure {
    /// A failure saying `message`.
    pub fn new(message: impl Into<String>) -> Self {
        Self(message.into())
    }

    /// The message.
    #[must_use]
    pub fn message(&self) -> &str {
        &self.0
    }
}

impl<E: std::error::Error> From<E> for Failure {
    fn from(error: E) -> Self {
        Self(error.to_string())
    }
}

/// Where results go: standard output, as text or as JSON.
#[derive(Debug, Clone, Copy)]
pub struct Output {
    json: bool,
}

impl Output {
    /// Text unless `json`.
    #[must_use]
    pub const fn new(json: bool) -> Self {
        Self { json }
    }

    /// Whether results are JSON.
    #[must_use]
    pub const fn is_json(&self) -> bool {
        self.json
    }

    /// Prints a result: `text` for a person, `json` for a script.
    pub fn result(&self, text: impl FnOnce() -> String, json: impl FnOnce() -> Value) {
        if self.json {
            println!("{}", json());
        } else {
            print!("{}", text());
        }
    }

    /// Reports a failure on standard error (as `{"error": "..."}` with `--json`).
    pub fn failure(&self, failure: &Failure) {
        if self.json {
            eprintln!("{}", serde_json::json!({ "error": failure.message() }));
        } else {
            eprintln!("layerctl: {}", failure.message());
        }
    }
}
