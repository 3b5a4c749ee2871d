//! Provider keys for tests: one per provider and tag, valid in shape, distinct down to their
//! masked forms.

#![allow(dead_code, unreachable_pub)]

use layer_byok::{Provider, ProviderKey};

/// A key of `provider`'s shape, distinct per `tag` down to its masked form.
pub fn key(provider: Provider, tag: char) -> ProviderKey {
    let body = |len: usize| -> String {
        "Q7x9Kp2LmZ4vB8nR1tY6wE3uI5oA0sDfGhJ"
            .chars()
            .cycle()
            .take(len - 1)
            .chain([tag])
            .collect()
    };
    let key = match provider {
        Provider::OpenAi => format!("sk-proj-{}", body(48)),
        Provider::Anthropic => format!("sk-ant-api03-{}", body(48)),
        Provider::Google => format!("AIza{}", body(35)),
        Provider::Mistral => body(32),
    };
    ProviderKey::parse(provider, &key).unwrap()
}
