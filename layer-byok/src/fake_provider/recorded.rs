//! What the fake provider saw of one request.

use std::fmt;

use zeroize::Zeroizing;

use crate::{Provider, ProviderKey};

/// One request as the fake provider received it.
///
/// It keeps the key the request carried so [`RecordedRequest::used`] can say exactly which key
/// a call used, but shows only its masked form: `Debug` never prints the key.
#[derive(Clone)]
pub struct RecordedRequest {
    pub(super) provider: Option<Provider>,
    pub(super) method: String,
    pub(super) path: String,
    pub(super) key: Option<Zeroizing<String>>,
    pub(super) problems: Vec<String>,
}

impl RecordedRequest {
    /// The provider whose route was called, `None` for a path outside every provider.
    #[must_use]
    pub const fn provider(&self) -> Option<Provider> {
        self.provider
    }

    /// The HTTP method, e.g. `GET`.
    #[must_use]
    pub fn method(&self) -> &str {
        &self.method
    }

    /// The path, without the query string, e.g. `/openai/v1/models`.
    #[must_use]
    pub fn path(&self) -> &str {
        &self.path
    }

    /// Whether the request carried exactly `key`, in the header its provider reads.
    #[must_use]
    pub fn used(&self, key: &ProviderKey) -> bool {
        self.provider == Some(key.provider())
            && self
                .key
                .as_deref()
                .is_some_and(|k| k.as_str() == key.expose_secret())
    }

    /// The masked form of the key the request carried (`sk-proj-...abc123`); `None` when it
    /// carried none, `"(not a key of this provider)"` when it is not the provider's shape.
    #[must_use]
    pub fn masked_key(&self) -> Option<String> {
        let key = self.key.as_deref()?;
        Some(
            self.provider
                .and_then(|p| ProviderKey::parse(p, key).ok())
                .map_or_else(|| "(not a key of this provider)".to_owned(), |k| k.masked()),
        )
    }

    /// What the fake found wrong with the request's shape: wrong method, path, header or body,
    /// or anything in the query string (a key there would end up in logs). Empty for a request
    /// made exactly as the provider expects; a non-empty list was answered 400.
    #[must_use]
    pub fn problems(&self) -> &[String] {
        &self.problems
    }
}

impl fmt::Debug for RecordedRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RecordedRequest")
            .field("provider", &self.provider)
            .field("method", &self.method)
            .field("path", &self.path)
            .field("masked_key", &self.masked_key())
            .field("problems", &self.problems)
            .finish()
    }
}
