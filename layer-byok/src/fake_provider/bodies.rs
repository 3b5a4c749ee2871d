//! The JSON each provider answers with, close enough to the real thing for a client to parse.

use serde_json::{Value, json};

use crate::Provider;

/// What the answer is about.
#[derive(Clone, Copy, Debug)]
pub(super) enum Answer {
    /// The call worked.
    Ok,
    /// The request's shape is wrong.
    BadRequest,
    /// No key, or one the provider never issued.
    UnknownKey,
    /// A key the provider issued and then revoked or disabled.
    RevokedKey,
    /// Over the limit.
    RateLimited,
    /// The provider is down.
    ServerError,
}

/// The body `provider` sends for `answer`. `masked` is the masked key, which OpenAI echoes in
/// its unknown-key message as the real API does.
pub(super) fn body(provider: Provider, answer: Answer, masked: &str) -> Value {
    match provider {
        Provider::OpenAi => openai(answer, masked),
        Provider::Anthropic => anthropic(answer),
        Provider::Google => google(answer),
        Provider::Mistral => mistral(answer),
    }
}

fn openai(answer: Answer, masked: &str) -> Value {
    let error = |message: String, kind: &str, code: Option<&str>| json!({"error": {"message": message, "type": kind, "param": null, "code": code}});
    match answer {
        Answer::Ok => json!({"object": "list", "data": [
            {"id": "gpt-4o-mini", "object": "model", "created": 1_721_172_741, "owned_by": "system"},
        ]}),
        Answer::BadRequest => error(
            "fake provider: malformed request".to_owned(),
            "invalid_request_error",
            None,
        ),
        Answer::UnknownKey => error(
            format!(
                "Incorrect API key provided: {masked}. You can find your API key at https://platform.openai.com/account/api-keys."
            ),
            "invalid_request_error",
            Some("invalid_api_key"),
        ),
        Answer::RevokedKey => error(
            "Your API key has been disabled.".to_owned(),
            "invalid_request_error",
            Some("account_deactivated"),
        ),
        Answer::RateLimited => error(
            "Rate limit reached for requests. Please try again later.".to_owned(),
            "requests",
            Some("rate_limit_exceeded"),
        ),
        Answer::ServerError => error(
            "The server had an error while processing your request. Sorry about that!".to_owned(),
            "server_error",
            None,
        ),
    }
}

fn anthropic(answer: Answer) -> Value {
    let error = |kind: &str, message: &str| json!({"type": "error", "error": {"type": kind, "message": message}, "request_id": "req_fake"});
    match answer {
        Answer::Ok => json!({
            "id": "msg_fake", "type": "message", "role": "assistant",
            "model": "claude-haiku-4-5",
            "content": [{"type": "text", "text": "P"}],
            "stop_reason": "max_tokens", "stop_sequence": null,
            "usage": {"input_tokens": 8, "output_tokens": 1},
        }),
        Answer::BadRequest => error("invalid_request_error", "fake provider: malformed request"),
        Answer::UnknownKey => error("authentication_error", "invalid x-api-key"),
        Answer::RevokedKey => error(
            "permission_error",
            "Your API key does not have permission to use the specified resource.",
        ),
        Answer::RateLimited => error(
            "rate_limit_error",
            "Number of requests has exceeded your rate limit.",
        ),
        Answer::ServerError => error("overloaded_error", "Overloaded"),
    }
}

fn google(answer: Answer) -> Value {
    let error = |code: u16, status: &str, message: &str, reason: Option<&str>| {
        let details: Vec<Value> = reason
            .into_iter()
            .map(|reason| {
                json!({
                    "@type": "type.googleapis.com/google.rpc.ErrorInfo",
                    "reason": reason,
                    "domain": "googleapis.com",
                    "metadata": {"service": "generativelanguage.googleapis.com"},
                })
            })
            .collect();
        json!({"error": {"code": code, "message": message, "status": status, "details": details}})
    };
    match answer {
        Answer::Ok => json!({
            "candidates": [{"content": {"parts": [{"text": "P"}], "role": "model"}, "finishReason": "MAX_TOKENS", "index": 0}],
            "usageMetadata": {"promptTokenCount": 1, "candidatesTokenCount": 1, "totalTokenCount": 2},
            "modelVersion": "gemini-2.5-flash-lite",
        }),
        Answer::BadRequest => error(
            400,
            "INVALID_ARGUMENT",
            "fake provider: malformed request",
            None,
        ),
        Answer::UnknownKey => error(
            400,
            "INVALID_ARGUMENT",
            "API key not valid. Please pass a valid API key.",
            Some("API_KEY_INVALID"),
        ),
        Answer::RevokedKey => error(
            403,
            "PERMISSION_DENIED",
            "Permission denied: Consumer has been suspended.",
            Some("CONSUMER_SUSPENDED"),
        ),
        Answer::RateLimited => error(
            429,
            "RESOURCE_EXHAUSTED",
            "You exceeded your current quota, please check your plan and billing details.",
            None,
        ),
        Answer::ServerError => error(
            503,
            "UNAVAILABLE",
            "The model is overloaded. Please try again later.",
            None,
        ),
    }
}

fn mistral(answer: Answer) -> Value {
    let error = |message: &str| json!({"object": "error", "message": message, "type": null, "param": null, "code": null});
    match answer {
        Answer::Ok => json!({"object": "list", "data": [
            {"id": "mistral-small-latest", "object": "model", "created": 1_721_172_741, "owned_by": "mistralai"},
        ]}),
        Answer::BadRequest => error("fake provider: malformed request"),
        Answer::UnknownKey => error("Unauthorized"),
        Answer::RevokedKey => error("Forbidden"),
        Answer::RateLimited => error("Requests rate limit exceeded"),
        Answer::ServerError => error("Service unavailable."),
    }
}
