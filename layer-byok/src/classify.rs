//! From a provider's HTTP answer to a [`ProviderOutcome`].

use std::time::Duration;

use crate::{Provider, ProviderOutcome};

/// The `reason` Google puts in `error.details[]` when the key itself is bad.
const GOOGLE_KEY_INVALID: &str = "API_KEY_INVALID";

/// Classifies a provider's answer to a call made with a key.
///
/// `status` is the HTTP status, `retry_after` the raw `Retry-After` header if there was one,
/// and `body` the response body (only read for Google's 400, so an empty slice is fine for
/// every other answer). The same rules serve the validation call and a real proxied call, so a
/// caller forwarding traffic can use this to notice a key the provider has started refusing.
///
/// | answer | outcome |
/// |---|---|
/// | 2xx | [`Valid`](ProviderOutcome::Valid) |
/// | 401 | [`Unauthenticated`](ProviderOutcome::Unauthenticated) |
/// | 403 | [`Unauthenticated`](ProviderOutcome::Unauthenticated): a revoked or disabled key, or one not allowed to call the API, is one the owner must replace or fix |
/// | Google 400 with reason `API_KEY_INVALID` | [`Unauthenticated`](ProviderOutcome::Unauthenticated) |
/// | 429 | [`RateLimited`](ProviderOutcome::RateLimited), with `Retry-After` when it is a number of seconds |
/// | 5xx (Anthropic's 529 "overloaded" included) | [`Unavailable`](ProviderOutcome::Unavailable) |
/// | anything else | [`Unexpected`](ProviderOutcome::Unexpected) with the status |
///
/// Timeouts and connection errors never reach this function; the caller maps them to
/// [`Unavailable`](ProviderOutcome::Unavailable).
#[must_use]
pub fn classify(
    provider: Provider,
    status: u16,
    retry_after: Option<&str>,
    body: &[u8],
) -> ProviderOutcome {
    match status {
        200..=299 => ProviderOutcome::Valid,
        401 | 403 => ProviderOutcome::Unauthenticated,
        400 if provider == Provider::Google && google_key_invalid(body) => {
            ProviderOutcome::Unauthenticated
        }
        429 => ProviderOutcome::RateLimited {
            retry_after: retry_after.and_then(parse_retry_after),
        },
        500..=599 => ProviderOutcome::Unavailable,
        _ => ProviderOutcome::Unexpected { status },
    }
}

/// `Retry-After` as delay-seconds. The HTTP-date form is not read (no provider we call sends
/// it), so it gives `None`, as does anything malformed.
#[must_use]
pub fn parse_retry_after(value: &str) -> Option<Duration> {
    value.trim().parse::<u64>().ok().map(Duration::from_secs)
}

/// Whether a Google error body says the key is invalid:
/// `{"error": {"details": [{"reason": "API_KEY_INVALID", …}], …}}`.
fn google_key_invalid(body: &[u8]) -> bool {
    let Ok(json) = serde_json::from_slice::<serde_json::Value>(body) else {
        return false;
    };
    json.pointer("/error/details")
        .and_then(serde_json::Value::as_array)
        .is_some_and(|details| {
            details.iter().any(|detail| {
                detail.get("reason").and_then(serde_json::Value::as_str) == Some(GOOGLE_KEY_INVALID)
            })
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOGLE_BAD_KEY: &str = r#"{"error":{"code":400,"message":"API key not valid. Please pass a valid API key.","status":"INVALID_ARGUMENT","details":[{"@type":"type.googleapis.com/google.rpc.ErrorInfo","reason":"API_KEY_INVALID","domain":"googleapis.com"}]}}"#;
    const GOOGLE_BAD_MODEL: &str =
        r#"{"error":{"code":400,"message":"Invalid value","status":"INVALID_ARGUMENT"}}"#;

    #[test]
    fn the_table() {
        let cases = [
            (Provider::OpenAi, 200, None, "", ProviderOutcome::Valid),
            (Provider::Mistral, 204, None, "", ProviderOutcome::Valid),
            (
                Provider::OpenAi,
                401,
                None,
                "",
                ProviderOutcome::Unauthenticated,
            ),
            (
                Provider::Anthropic,
                403,
                None,
                "",
                ProviderOutcome::Unauthenticated,
            ),
            (
                Provider::Google,
                400,
                None,
                GOOGLE_BAD_KEY,
                ProviderOutcome::Unauthenticated,
            ),
            (
                Provider::Google,
                400,
                None,
                GOOGLE_BAD_MODEL,
                ProviderOutcome::Unexpected { status: 400 },
            ),
            (
                Provider::Google,
                400,
                None,
                "not json",
                ProviderOutcome::Unexpected { status: 400 },
            ),
            (
                Provider::OpenAi,
                400,
                None,
                GOOGLE_BAD_KEY,
                ProviderOutcome::Unexpected { status: 400 },
            ),
            (
                Provider::Mistral,
                429,
                Some(" 7 "),
                "",
                ProviderOutcome::RateLimited {
                    retry_after: Some(Duration::from_secs(7)),
                },
            ),
            (
                Provider::Mistral,
                429,
                Some("Wed, 21 Oct 2015 07:28:00 GMT"),
                "",
                ProviderOutcome::RateLimited { retry_after: None },
            ),
            (
                Provider::OpenAi,
                429,
                None,
                "",
                ProviderOutcome::RateLimited { retry_after: None },
            ),
            (
                Provider::OpenAi,
                500,
                None,
                "",
                ProviderOutcome::Unavailable,
            ),
            (
                Provider::Google,
                503,
                None,
                "",
                ProviderOutcome::Unavailable,
            ),
            (
                Provider::Anthropic,
                529,
                None,
                "",
                ProviderOutcome::Unavailable,
            ),
            (
                Provider::OpenAi,
                404,
                None,
                "",
                ProviderOutcome::Unexpected { status: 404 },
            ),
            (
                Provider::OpenAi,
                302,
                None,
                "",
                ProviderOutcome::Unexpected { status: 302 },
            ),
        ];
        for (provider, status, retry_after, body, expected) in cases {
            assert_eq!(
                classify(provider, status, retry_after, body.as_bytes()),
                expected,
                "{provider} {status}"
            );
        }
    }
}
