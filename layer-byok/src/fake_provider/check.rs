//! Is a request made exactly as the provider expects it?

use axum::http::{HeaderMap, Method, Uri, header};
use serde_json::Value;
use zeroize::Zeroizing;

use crate::Provider;

/// A request taken apart: whose route, the key it carried, and what is wrong with it.
pub(super) struct Checked {
    pub(super) provider: Option<Provider>,
    pub(super) key: Option<Zeroizing<String>>,
    pub(super) problems: Vec<String>,
}

/// The path prefix of `provider`'s routes on the fake, which [`super::FakeProvider::base_url`]
/// ends with.
pub(super) const fn base_path(provider: Provider) -> &'static str {
    match provider {
        Provider::OpenAi => "/openai/v1",
        Provider::Anthropic => "/anthropic/v1",
        Provider::Google => "/google/v1beta",
        Provider::Mistral => "/mistral/v1",
    }
}

pub(super) fn check(method: &Method, uri: &Uri, headers: &HeaderMap, body: &[u8]) -> Checked {
    let path = uri.path();
    let Some((provider, rest)) = Provider::ALL
        .into_iter()
        .find_map(|p| path.strip_prefix(base_path(p)).map(|rest| (p, rest)))
    else {
        return Checked {
            provider: None,
            key: None,
            problems: vec![format!("no provider route at {path}")],
        };
    };
    let mut problems = Vec::new();
    if uri.query().is_some() {
        problems.push("query string present (a key there ends up in logs)".to_owned());
    }
    let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    let key = match provider {
        Provider::OpenAi | Provider::Mistral => {
            if *method != Method::GET {
                problems.push(format!("method should be GET, was {method}"));
            }
            if rest != "/models" {
                problems.push(format!("path should end /models, was {path}"));
            }
            header(header::AUTHORIZATION.as_str()).and_then(|v| v.strip_prefix("Bearer "))
        }
        Provider::Anthropic => {
            if *method != Method::POST {
                problems.push(format!("method should be POST, was {method}"));
            }
            if rest != "/messages" {
                problems.push(format!("path should end /messages, was {path}"));
            }
            expect_header(&mut problems, headers, "anthropic-version", "2023-06-01");
            expect_header(&mut problems, headers, "content-type", "application/json");
            problems.extend(anthropic_body(body));
            header("x-api-key")
        }
        Provider::Google => {
            if *method != Method::POST {
                problems.push(format!("method should be POST, was {method}"));
            }
            let model = rest
                .strip_prefix("/models/")
                .and_then(|r| r.strip_suffix(":generateContent"));
            if model.is_none_or(|m| m.is_empty() || m.contains('/')) {
                problems.push(format!(
                    "path should end /models/{{model}}:generateContent, was {path}"
                ));
            }
            expect_header(&mut problems, headers, "content-type", "application/json");
            problems.extend(google_body(body));
            header("x-goog-api-key")
        }
    };
    if key.is_none() {
        problems.push(format!("no key in the header {provider} reads"));
    }
    Checked {
        provider: Some(provider),
        key: key.map(|k| Zeroizing::new(k.to_owned())),
        problems,
    }
}

fn expect_header(problems: &mut Vec<String>, headers: &HeaderMap, name: &str, value: &str) {
    if headers.get(name).and_then(|v| v.to_str().ok()) != Some(value) {
        problems.push(format!("header {name} should be {value}"));
    }
}

/// `{"model": "…", "max_tokens": 1, "messages": [{"role": "user", "content": "ping"}]}`.
fn anthropic_body(body: &[u8]) -> Option<String> {
    let Ok(json) = serde_json::from_slice::<Value>(body) else {
        return Some("body is not JSON".to_owned());
    };
    let ok = json.get("model").is_some_and(Value::is_string)
        && json.get("max_tokens") == Some(&Value::from(1))
        && json.pointer("/messages/0/role") == Some(&Value::from("user"))
        && json.pointer("/messages/0/content") == Some(&Value::from("ping"));
    (!ok).then(|| "body should be a model, max_tokens 1 and one user message ping".to_owned())
}

/// `{"contents": [{"parts": [{"text": …}]}], "generationConfig": {"maxOutputTokens": 1}}`.
fn google_body(body: &[u8]) -> Option<String> {
    let Ok(json) = serde_json::from_slice::<Value>(body) else {
        return Some("body is not JSON".to_owned());
    };
    let ok = json
        .pointer("/contents/0/parts/0/text")
        .is_some_and(Value::is_string)
        && json.pointer("/generationConfig/maxOutputTokens") == Some(&Value::from(1));
    (!ok).then(|| "body should be one text part and maxOutputTokens 1".to_owned())
}
