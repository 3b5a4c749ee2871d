//! `layerctl boot-check`: SPEC 5's "refuse to start until whoami is clean".
//!
//! A client calls `GET /v1/whoami` once at startup. It may go on only if the answer is
//! `200` with neither `killSwitch` nor `apiAccessRevoked` set; anything else (an error
//! status, an unreachable server, a body that is not whoami) is a hard stop, because the
//! recovery is human. This is the `boot-check.sh` of the docs as one command:
//!
//! ```text
//! LAYERS_API_KEY=lp_test_… layerctl boot-check --url http://127.0.0.1:8080 || exit 1
//! ```
//!
//! Plain `http://` only: this example is built without TLS.

use std::{process::ExitCode, time::Duration};

use serde_json::{Value, json};

use super::output::Output;

/// What whoami said about the key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// `200`, neither switch set.
    Healthy {
        /// The whoami body.
        whoami: Value,
    },
    /// Anything else.
    Unhealthy {
        /// The HTTP status, if an answer arrived.
        status: Option<u16>,
        /// The envelope's `error.code`, if the answer was one.
        code: Option<String>,
        /// Why, for a person.
        reason: String,
    },
}

/// Judges an answer from whoami: pure, so it is tested without a server.
#[must_use]
pub fn judge(status: u16, body: &str) -> Verdict {
    let parsed: Option<Value> = serde_json::from_str(body).ok();
    if status != 200 {
        let error = parsed.as_ref().map(|v| &v["error"]);
        let code = error.and_then(|e| e["code"].as_str()).map(str::to_owned);
        let message = error.and_then(|e| e["message"].as_str()).unwrap_or("");
        let scope = error
            .and_then(|e| e["details"]["scope"].as_str())
            .map(|scope| format!(" (scope {scope})"))
            .unwrap_or_default();
        return Verdict::Unhealthy {
            status: Some(status),
            reason: format!(
                "whoami failed: HTTP {status} {}{scope} {message}",
                code.as_deref().unwrap_or("(no error envelope)")
            )
            .trim_end()
            .to_owned(),
            code,
        };
    }
    let Some(whoami) = parsed.filter(|v| v["organizationId"].is_string()) else {
        return Verdict::Unhealthy {
            status: Some(status),
            code: None,
            reason: "whoami answered 200 without a whoami body".to_owned(),
        };
    };
    // Anything but an explicit `false` counts as set: a missing field is not a clean bill.
    let kill_switch = whoami["killSwitch"] != Value::Bool(false);
    let revoked = whoami["apiAccessRevoked"] != Value::Bool(false);
    if kill_switch || revoked {
        return Verdict::Unhealthy {
            status: Some(status),
            code: None,
            reason: format!(
                "access revoked or kill switch engaged (killSwitch={}, apiAccessRevoked={}): refusing to start",
                whoami["killSwitch"], whoami["apiAccessRevoked"]
            ),
        };
    }
    Verdict::Healthy { whoami }
}

/// Calls whoami at `url` with `api_key` and reports; exit status `1` unless healthy.
pub async fn run(url: &str, api_key: &str, out: &Output) -> ExitCode {
    let verdict = call(url, api_key).await;
    out.result(
        || match &verdict {
            Verdict::Healthy { whoami } => format!(
                "key healthy: org={} name={} tier={} apiKeyId={}\n",
                text(&whoami["organizationId"]),
                text(&whoami["organizationName"]),
                text(&whoami["rateLimitTier"]),
                text(&whoami["apiKeyId"]),
            ),
            Verdict::Unhealthy { reason, .. } => format!("{reason}\n"),
        },
        || match &verdict {
            Verdict::Healthy { whoami } => json!({ "healthy": true, "whoami": whoami }),
            Verdict::Unhealthy {
                status,
                code,
                reason,
            } => json!({ "healthy": false, "status": status, "code": code, "reason": reason }),
        },
    );
    match verdict {
        Verdict::Healthy { .. } => ExitCode::SUCCESS,
        Verdict::Unhealthy { .. } => ExitCode::from(1),
    }
}

fn text(value: &Value) -> String {
    value
        .as_str()
        .map_or_else(|| value.to_string(), str::to_owned)
}

async fn call(url: &str, api_key: &str) -> Verdict {
    let unreachable = |reason: String| Verdict::Unhealthy {
        status: None,
        code: None,
        reason,
    };
    let url = whoami_url(url);
    let client = match reqwest::Client::builder()
        .timeout(Duration::from_secs(10))
        .build()
    {
        Ok(client) => client,
        Err(error) => return unreachable(format!("cannot build an HTTP client: {error}")),
    };
    // `HeaderValue` refuses control characters; the error never quotes the key.
    let Ok(mut header) = http::HeaderValue::from_str(api_key) else {
        return unreachable("the API key contains characters a header cannot carry".to_owned());
    };
    header.set_sensitive(true);
    let response = match client.get(&url).header("x-api-key", header).send().await {
        Ok(response) => response,
        Err(error) => return unreachable(format!("whoami failed: cannot reach {url}: {error}")),
    };
    let status = response.status().as_u16();
    match response.text().await {
        Ok(body) => judge(status, &body),
        Err(error) => unreachable(format!("whoami failed: reading the answer: {error}")),
    }
}

/// `http://host` → `http://host/v1/whoami`; a URL already ending in `/v1/whoami` is kept.
#[must_use]
pub fn whoami_url(base: &str) -> String {
    let base = base.trim_end_matches('/');
    if base.ends_with("/v1/whoami") {
        base.to_owned()
    } else {
        format!("{base}/v1/whoami")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEALTHY: &str = r#"{"organizationId":"2481fa5c-a404-44ed-a561-565392499abc","workspaceId":"2481fa5c-a404-44ed-a561-565392499abc","organizationName":"Acme Growth","scopes":[],"rateLimitTier":"standard","killSwitch":false,"apiAccessRevoked":false,"apiKeyId":"c2037bb9-354d-4662-96b7-97a28ad6b6e1","creditBalance":6000}"#;

    #[test]
    fn a_clean_200_is_healthy() {
        assert!(matches!(judge(200, HEALTHY), Verdict::Healthy { .. }));
    }

    #[test]
    fn either_switch_on_a_200_is_a_hard_stop() {
        for body in [
            HEALTHY.replace(r#""killSwitch":false"#, r#""killSwitch":true"#),
            HEALTHY.replace(r#""apiAccessRevoked":false"#, r#""apiAccessRevoked":true"#),
            HEALTHY.replace(r#""killSwitch":false,"#, ""),
        ] {
            let Verdict::Unhealthy { reason, .. } = judge(200, &body) else {
                panic!("{body} must be unhealthy");
            };
            assert!(reason.contains("refusing to start"), "{reason}");
        }
    }

    #[test]
    fn errors_name_status_code_and_scope() {
        let body = r#"{"error":{"code":"KILL_SWITCH","message":"API key disabled.","requestId":"req_01HXZ9G7KMV2QX8Y1S5RJW3B7T","details":{"scope":"key"}}}"#;
        let Verdict::Unhealthy {
            status,
            code,
            reason,
        } = judge(503, body)
        else {
            panic!("503 is unhealthy");
        };
        assert_eq!((status, code.as_deref()), (Some(503), Some("KILL_SWITCH")));
        assert!(
            reason.contains("HTTP 503 KILL_SWITCH (scope key)"),
            "{reason}"
        );
        assert!(matches!(
            judge(502, "<html>"),
            Verdict::Unhealthy { code: None, .. }
        ));
        assert!(matches!(judge(200, "not json"), Verdict::Unhealthy { .. }));
        assert!(matches!(judge(200, "{}"), Verdict::Unhealthy { .. }));
    }

    #[test]
    fn urls_get_the_whoami_path_once() {
        assert_eq!(whoami_url("http://h:1"), "http://h:1/v1/whoami");
        assert_eq!(whoami_url("http://h:1/"), "http://h:1/v1/whoami");
        assert_eq!(whoami_url("http://h:1/v1/whoami"), "http://h:1/v1/whoami");
    }
}
