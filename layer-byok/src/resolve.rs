//! Resolution: which key a call to a provider uses, and the fallback to the platform key.

use crate::{
    Byok, ByokError, ByokKeyId, ByokRecord, ByokResult, ByokStore, ByokStoreError, OrgId, Provider,
    ProviderKey, ProviderOutcome,
};

/// Where the key a call used came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeySource {
    /// The organization's own key.
    Byok {
        /// Its record.
        id: ByokKeyId,
        /// Its masked form, such as `sk-proj-...abc123`.
        display_prefix: String,
    },
    /// The platform's key for the provider.
    Platform,
}

impl KeySource {
    /// Whether it is the organization's own key.
    #[must_use]
    pub const fn is_byok(&self) -> bool {
        matches!(self, Self::Byok { .. })
    }
}

/// A key to call a provider with, and where it came from.
///
/// `Debug` shows the key masked, as [`ProviderKey`]'s does.
#[derive(Debug, Clone)]
pub struct Resolved {
    /// The key: the plaintext only through [`ProviderKey::expose_secret`].
    pub key: ProviderKey,
    /// Whose key it is.
    pub source: KeySource,
}

/// What [`Byok::call`] got: the provider call's result and the key that produced it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Called<T> {
    /// The result of the last attempt: the caller's value, or the provider's refusal.
    pub result: Result<T, ProviderOutcome>,
    /// The key the last attempt used.
    pub source: KeySource,
}

impl<S: ByokStore> Byok<S> {
    /// The key a call to `provider` on behalf of `org` uses (SPEC 7): the organization's live,
    /// enabled, not-invalid key, opened with the vault; else the platform key.
    ///
    /// A record that does not open (altered, or under a master-key version the vault no
    /// longer holds) falls back to the platform key too, with a [`ByokEvent::KeyUnreadable`]
    /// (the record is not marked: the provider never refused the key).
    ///
    /// # Errors
    /// [`ByokError::NoKey`] when neither key exists; [`ByokError::Store`] when the store
    /// fails (no fallback then: without the store there is no telling whether the
    /// organization's key should have paid for the call).
    ///
    /// [`ByokEvent::KeyUnreadable`]: crate::ByokEvent::KeyUnreadable
    pub async fn resolve(&self, org: OrgId, provider: Provider) -> ByokResult<Resolved> {
        if let Some((record, key)) = self.own_key(org, provider).await? {
            return Ok(Resolved {
                key,
                source: byok_source(&record),
            });
        }
        self.platform_key(org, provider)
    }

    /// Runs `call`, a request to `provider` on behalf of `org`, with the key
    /// [`Byok::resolve`] gives, falling back once to the platform key when the organization's
    /// key is refused.
    ///
    /// `call` returns the caller's value, or the provider's answer classified as a
    /// [`ProviderOutcome`] (see [`classify`](crate::classify())). What happens next:
    ///
    /// | attempt with | `call` returned | then |
    /// |---|---|---|
    /// | the organization's key | `Err(Unauthenticated)` | the record is marked invalid, a [`ByokEvent::KeyInvalidated`] is emitted, and `call` runs once more with the platform key (if there is none, the refusal is returned) |
    /// | the organization's key | `Err(RateLimited)`, `Err(Unavailable)`, `Err(Unexpected)` | returned as they are: no fallback, validity untouched |
    /// | any | `Ok(_)` | returned |
    /// | the platform key | anything | returned: the platform key is never marked |
    ///
    /// Why no fallback on a rate limit or an outage (decided): a rate limit is the
    /// organization's own quota, which BYOK exists to use, and spilling over onto the
    /// platform key would bill the platform for it and bypass the platform's limits; an
    /// outage of the provider is the same outage for the platform key. Neither says the key
    /// is bad, so neither marks it. The caller sees the outcome and retries as it sees fit.
    ///
    /// The event is emitted by the call that marks the key; two calls refused at the same
    /// moment may each emit one, so a hook that notifies people should de-duplicate by `id`.
    ///
    /// # Errors
    /// As [`Byok::resolve`]. A failure to mark the key invalid is logged and does not stop the
    /// fallback.
    ///
    /// [`ByokEvent::KeyInvalidated`]: crate::ByokEvent::KeyInvalidated
    pub async fn call<T>(
        &self,
        org: OrgId,
        provider: Provider,
        call: impl AsyncFn(&ProviderKey) -> Result<T, ProviderOutcome>,
    ) -> ByokResult<Called<T>> {
        let Some((record, key)) = self.own_key(org, provider).await? else {
            let key = self
                .platform_keys()
                .get(provider)
                .ok_or(ByokError::NoKey { org, provider })?;
            let result = call(key).await;
            return Ok(Called {
                result,
                source: KeySource::Platform,
            });
        };
        let result = call(&key).await;
        drop(key);
        if !matches!(result, Err(ProviderOutcome::Unauthenticated)) {
            return Ok(Called {
                result,
                source: byok_source(&record),
            });
        }
        match self.invalidate(&record).await {
            // Replaced or deleted meanwhile: the new key, if any, is left alone.
            Ok(_) | Err(ByokStoreError::NotFound(_)) => {}
            Err(error) => {
                tracing::warn!(
                    %org, %provider, id = %record.id, %error,
                    "could not mark the byok key invalid"
                );
            }
        }
        let Some(platform) = self.platform_keys().get(provider) else {
            tracing::warn!(%org, %provider, "byok key refused and no platform key to fall back to");
            return Ok(Called {
                result,
                source: byok_source(&record),
            });
        };
        tracing::info!(%org, %provider, "retrying with the platform key");
        let result = call(platform).await;
        Ok(Called {
            result,
            source: KeySource::Platform,
        })
    }

    /// The organization's usable record and its key, opened; `None` (after telling the hooks,
    /// if it did not open) when there is none to use.
    async fn own_key(
        &self,
        org: OrgId,
        provider: Provider,
    ) -> ByokResult<Option<(ByokRecord, ProviderKey)>> {
        let Some(record) = self.store().live(org, provider).await? else {
            return Ok(None);
        };
        if !record.is_usable() {
            tracing::debug!(
                %org, %provider, id = %record.id, enabled = record.enabled,
                invalid = record.validity.is_invalid(), "byok key not usable"
            );
            return Ok(None);
        }
        Ok(self.open(&record).map(|key| (record, key)))
    }

    fn open(&self, record: &ByokRecord) -> Option<ProviderKey> {
        match self
            .vault()
            .open(record.organization_id, record.provider, &record.sealed)
        {
            Ok(key) => Some(key),
            Err(reason) => {
                self.unreadable(record, reason);
                None
            }
        }
    }

    fn platform_key(&self, org: OrgId, provider: Provider) -> ByokResult<Resolved> {
        let key = self
            .platform_keys()
            .get(provider)
            .ok_or(ByokError::NoKey { org, provider })?;
        Ok(Resolved {
            key: key.clone(),
            source: KeySource::Platform,
        })
    }
}

fn byok_source(record: &ByokRecord) -> KeySource {
    KeySource::Byok {
        id: record.id,
        display_prefix: record.display_prefix.clone(),
    }
}
