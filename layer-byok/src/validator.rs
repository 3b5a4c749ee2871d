//! Asking a provider whether a key works.

use std::future::Future;

use crate::{ProviderKey, ProviderOutcome};

/// Checks a key against its provider (SPEC 7: list models, a minimal message, a minimal
/// content generation).
///
/// The crate's implementation is `HttpValidator` (feature `http`); callers substitute their
/// own for tests, caching or a different transport. A validator never fails: every answer, a
/// network failure included, is a [`ProviderOutcome`].
///
/// # Security
/// An implementation sends [`ProviderKey::expose_secret`] to the provider and nowhere else: not
/// in a URL, a log line, an error or its `Debug` output.
pub trait Validator {
    /// Makes the provider's cheapest authenticated call with `key` and classifies the answer.
    fn validate(&self, key: &ProviderKey) -> impl Future<Output = ProviderOutcome> + Send;
}

impl<V: Validator + ?Sized> Validator for &V {
    fn validate(&self, key: &ProviderKey) -> impl Future<Output = ProviderOutcome> + Send {
        (**self).validate(key)
    }
}

impl<V: Validator + ?Sized> Validator for std::sync::Arc<V> {
    fn validate(&self, key: &ProviderKey) -> impl Future<Output = ProviderOutcome> + Send {
        (**self).validate(key)
    }
}
