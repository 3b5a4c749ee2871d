//! [`Byok`]: the vault and a store together, the API an application and the CLI use.

mod error;
mod reencrypt;

use std::{fmt, sync::Arc, time::SystemTime};

pub use self::{
    error::{ByokError, ByokResult},
    reencrypt::Reencrypted,
};
use crate::{
    ByokEvent, ByokKeyId, ByokRecord, ByokStore, ByokStoreError, ByokSummary, Clock, ListFilter,
    NewByokKey, OrgId, PlatformKeys, Provider, ProviderKey, ProviderOutcome, SystemClock,
    Validator, Vault,
};

/// A hook told of every [`ByokEvent`].
type Hook = Arc<dyn Fn(ByokEvent) + Send + Sync>;

/// Organizations' provider keys: sealed by a [`Vault`], kept in a [`ByokStore`], resolved
/// with fallback to the [`PlatformKeys`].
///
/// Every operation an application or an operator needs goes through here, so the rules hold
/// in one place: keys are sealed before the store sees them and opened only to be used or
/// tested; only [`ProviderOutcome::Unauthenticated`] marks a key invalid; the time of every
/// change comes from the [`Clock`] (the system clock unless [`Byok::with_clock`] says
/// otherwise).
///
/// Keys are addressed as the owner sees them, by organization and provider (one live key
/// each); only [`Byok::restore`] takes a record id, since a deleted key is no longer the
/// provider's key.
///
/// Share one behind an `Arc`; every method takes `&self`.
pub struct Byok<S> {
    store: S,
    vault: Vault,
    platform: PlatformKeys,
    clock: Arc<dyn Clock>,
    hooks: Vec<Hook>,
}

/// What [`Byok::test`] found: the provider's answer, and the record as it is after it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tested {
    /// The record after the test: marked valid on [`ProviderOutcome::Valid`], invalid on
    /// [`ProviderOutcome::Unauthenticated`], as it was otherwise.
    pub summary: ByokSummary,
    /// What the provider said.
    pub outcome: ProviderOutcome,
}

impl<S: ByokStore> Byok<S> {
    /// A facade over `store`, sealing with `vault`, with no platform keys, the system clock
    /// and no event hook.
    #[must_use]
    pub fn new(store: S, vault: Vault) -> Self {
        Self {
            store,
            vault,
            platform: PlatformKeys::new(),
            clock: Arc::new(SystemClock),
            hooks: Vec::new(),
        }
    }

    /// The same facade with `platform` as the fallback keys.
    #[must_use]
    pub fn with_platform_keys(mut self, platform: PlatformKeys) -> Self {
        self.platform = platform;
        self
    }

    /// The same facade reading time from `clock`.
    #[must_use]
    pub fn with_clock(mut self, clock: impl Clock) -> Self {
        self.clock = Arc::new(clock);
        self
    }

    /// The same facade, also calling `hook` with every [`ByokEvent`] (hooks run in the order
    /// registered, on the task that caused the event: keep them short, or hand the event to a
    /// queue).
    #[must_use]
    pub fn on_event(mut self, hook: impl Fn(ByokEvent) + Send + Sync + 'static) -> Self {
        self.hooks.push(Arc::new(hook));
        self
    }

    /// The store.
    pub const fn store(&self) -> &S {
        &self.store
    }

    /// The vault.
    pub const fn vault(&self) -> &Vault {
        &self.vault
    }

    /// The platform keys.
    pub const fn platform_keys(&self) -> &PlatformKeys {
        &self.platform
    }

    /// Seals `key` for `org` and stores it as the organization's live key for its provider,
    /// enabled and of unknown validity, replacing (for good) the key set before, if any.
    ///
    /// # Errors
    /// [`ByokError::Vault`] if sealing fails; [`ByokError::Store`] (SQL stores: `NotFound`
    /// for an unknown organization).
    pub async fn set(&self, org: OrgId, key: &ProviderKey) -> ByokResult<ByokSummary> {
        let sealed = self.vault.seal(org, key)?;
        let record = self
            .store
            .put(NewByokKey::new(org, key, sealed), self.now())
            .await?;
        tracing::info!(
            %org, provider = %record.provider, id = %record.id,
            display_prefix = %record.display_prefix, "byok key set"
        );
        Ok(record.summary())
    }

    /// Opens the organization's live key for `provider` and asks `validator` whether it works:
    /// [`ProviderOutcome::Valid`] marks it valid (clearing an earlier invalid mark),
    /// [`ProviderOutcome::Unauthenticated`] marks it invalid (with a
    /// [`ByokEvent::KeyInvalidated`] if it was not already), any other outcome leaves its
    /// validity alone: a rate limit or an outage says nothing about the key.
    ///
    /// A disabled key is tested too: the owner may want to know before enabling it.
    ///
    /// # Errors
    /// [`ByokError::NotSet`] without a live key; [`ByokError::Vault`] if it does not open
    /// (with a [`ByokEvent::KeyUnreadable`]); [`ByokError::Store`].
    pub async fn test(
        &self,
        org: OrgId,
        provider: Provider,
        validator: &impl Validator,
    ) -> ByokResult<Tested> {
        let record = self.live(org, provider).await?;
        let key = match self.vault.open(org, provider, &record.sealed) {
            Ok(key) => key,
            Err(reason) => {
                self.unreadable(&record, reason.clone());
                return Err(reason.into());
            }
        };
        let outcome = validator.validate(&key).await;
        drop(key);
        let marked = match &outcome {
            ProviderOutcome::Valid => Some(self.store.mark_valid(record.id, self.now()).await),
            ProviderOutcome::Unauthenticated => Some(self.invalidate(&record).await),
            _ => None,
        };
        let summary = match marked {
            Some(Ok(updated)) => updated.summary(),
            // Replaced or deleted while the provider was being asked: report it as it was.
            Some(Err(ByokStoreError::NotFound(_))) | None => record.summary(),
            Some(Err(error)) => return Err(error.into()),
        };
        tracing::info!(
            %org, %provider, id = %record.id, display_prefix = %record.display_prefix,
            outcome = ?outcome, "byok key tested"
        );
        Ok(Tested { summary, outcome })
    }

    /// Enables the organization's live key for `provider`: resolution uses it again (unless
    /// it is marked invalid).
    ///
    /// # Errors
    /// [`ByokError::NotSet`] without a live key; [`ByokError::Store`].
    pub async fn enable(&self, org: OrgId, provider: Provider) -> ByokResult<ByokSummary> {
        self.set_enabled(org, provider, true).await
    }

    /// Disables the organization's live key for `provider` without deleting it: resolution
    /// goes to the platform key until it is enabled again.
    ///
    /// # Errors
    /// As [`Byok::enable`].
    pub async fn disable(&self, org: OrgId, provider: Provider) -> ByokResult<ByokSummary> {
        self.set_enabled(org, provider, false).await
    }

    /// Soft-deletes the organization's live key for `provider`: no longer used, recoverable
    /// with [`Byok::restore`] for [`RETENTION`](crate::RETENTION), then purged.
    ///
    /// # Errors
    /// [`ByokError::NotSet`] without a live key; [`ByokError::Store`].
    pub async fn delete(&self, org: OrgId, provider: Provider) -> ByokResult<ByokSummary> {
        let record = self.live(org, provider).await?;
        let deleted = self.store.delete(record.id, self.now()).await?;
        tracing::info!(%org, %provider, id = %deleted.id, "byok key deleted");
        Ok(deleted.summary())
    }

    /// Brings back the organization's soft-deleted record `id` as its live key for the
    /// provider, as it was (enabled or not, valid or not).
    ///
    /// # Errors
    /// [`ByokError::Store`]: `NotFound` for an unknown or purged record or one of another
    /// organization; `Expired` past retention; `Conflict` if another key was set for the
    /// provider meanwhile (delete it first).
    pub async fn restore(&self, org: OrgId, id: ByokKeyId) -> ByokResult<ByokSummary> {
        match self.store.get(id).await? {
            Some(record) if record.organization_id == org => {}
            _ => return Err(ByokStoreError::NotFound("byok key").into()),
        }
        let restored = self.store.restore(id, self.now()).await?;
        tracing::info!(%org, provider = %restored.provider, %id, "byok key restored");
        Ok(restored.summary())
    }

    /// The organization's keys passing `filter`, masked, oldest first.
    ///
    /// # Errors
    /// [`ByokError::Store`].
    pub async fn list(&self, org: OrgId, filter: ListFilter) -> ByokResult<Vec<ByokSummary>> {
        Ok(self.store.list(org, filter).await?)
    }

    /// Removes every record deleted more than [`RETENTION`](crate::RETENTION) ago; returns
    /// how many. Run it periodically.
    ///
    /// # Errors
    /// [`ByokError::Store`].
    pub async fn purge(&self) -> ByokResult<u64> {
        let purged = self.store.purge(self.now()).await?;
        tracing::info!(purged, "byok keys purged");
        Ok(purged)
    }

    /// The current time, from the clock.
    fn now(&self) -> SystemTime {
        self.clock.now()
    }

    /// The live record, or [`ByokError::NotSet`].
    async fn live(&self, org: OrgId, provider: Provider) -> ByokResult<ByokRecord> {
        self.store
            .live(org, provider)
            .await?
            .ok_or(ByokError::NotSet { org, provider })
    }

    async fn set_enabled(
        &self,
        org: OrgId,
        provider: Provider,
        enabled: bool,
    ) -> ByokResult<ByokSummary> {
        let record = self.live(org, provider).await?;
        let updated = self
            .store
            .set_enabled(record.id, enabled, self.now())
            .await?;
        tracing::info!(%org, %provider, id = %record.id, enabled, "byok key enabled or disabled");
        Ok(updated.summary())
    }

    /// Marks `record` invalid and, if it was not already, tells the hooks.
    pub(crate) async fn invalidate(
        &self,
        record: &ByokRecord,
    ) -> Result<ByokRecord, ByokStoreError> {
        let updated = self.store.mark_invalid(record.id, self.now()).await?;
        if !record.validity.is_invalid() {
            tracing::warn!(
                org = %record.organization_id, provider = %record.provider, id = %record.id,
                display_prefix = %record.display_prefix,
                "byok key refused by the provider as unauthenticated: marked invalid"
            );
            self.emit(ByokEvent::KeyInvalidated {
                org: record.organization_id,
                provider: record.provider,
                id: record.id,
                display_prefix: record.display_prefix.clone(),
            });
        }
        Ok(updated)
    }

    /// Logs that `record` did not open and tells the hooks.
    pub(crate) fn unreadable(&self, record: &ByokRecord, reason: crate::VaultError) {
        tracing::error!(
            org = %record.organization_id, provider = %record.provider, id = %record.id,
            display_prefix = %record.display_prefix, version = %record.sealed.version(),
            %reason, "byok key does not open"
        );
        self.emit(ByokEvent::KeyUnreadable {
            org: record.organization_id,
            provider: record.provider,
            id: record.id,
            display_prefix: record.display_prefix.clone(),
            version: record.sealed.version(),
            reason,
        });
    }

    fn emit(&self, event: ByokEvent) {
        for hook in &self.hooks {
            hook(event.clone());
        }
    }
}

impl<S> fmt::Debug for Byok<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Byok")
            .field("vault", &self.vault)
            .field("platform", &self.platform)
            .field("hooks", &self.hooks.len())
            .finish_non_exhaustive()
    }
}
