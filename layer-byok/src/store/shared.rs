//! A shared store: [`ByokStore`] for `Arc<S>`.

use std::{sync::Arc, time::SystemTime};

use super::{ByokStore, ByokStoreResult};
use crate::{
    ByokKeyId, ByokRecord, ByokSummary, ListFilter, MasterKeyVersion, NewByokKey, OrgId, Provider,
    Sealed,
};

/// One store behind several owners (a [`Byok`](crate::Byok) facade, a purge task, a test that
/// inspects the records): every call goes to the shared store.
impl<S: ByokStore> ByokStore for Arc<S> {
    fn put(
        &self,
        key: NewByokKey,
        now: SystemTime,
    ) -> impl Future<Output = ByokStoreResult<ByokRecord>> + Send {
        (**self).put(key, now)
    }

    fn get(
        &self,
        id: ByokKeyId,
    ) -> impl Future<Output = ByokStoreResult<Option<ByokRecord>>> + Send {
        (**self).get(id)
    }

    fn live(
        &self,
        organization: OrgId,
        provider: Provider,
    ) -> impl Future<Output = ByokStoreResult<Option<ByokRecord>>> + Send {
        (**self).live(organization, provider)
    }

    fn list(
        &self,
        organization: OrgId,
        filter: ListFilter,
    ) -> impl Future<Output = ByokStoreResult<Vec<ByokSummary>>> + Send {
        (**self).list(organization, filter)
    }

    fn set_enabled(
        &self,
        id: ByokKeyId,
        enabled: bool,
        now: SystemTime,
    ) -> impl Future<Output = ByokStoreResult<ByokRecord>> + Send {
        (**self).set_enabled(id, enabled, now)
    }

    fn mark_valid(
        &self,
        id: ByokKeyId,
        now: SystemTime,
    ) -> impl Future<Output = ByokStoreResult<ByokRecord>> + Send {
        (**self).mark_valid(id, now)
    }

    fn mark_invalid(
        &self,
        id: ByokKeyId,
        now: SystemTime,
    ) -> impl Future<Output = ByokStoreResult<ByokRecord>> + Send {
        (**self).mark_invalid(id, now)
    }

    fn delete(
        &self,
        id: ByokKeyId,
        now: SystemTime,
    ) -> impl Future<Output = ByokStoreResult<ByokRecord>> + Send {
        (**self).delete(id, now)
    }

    fn restore(
        &self,
        id: ByokKeyId,
        now: SystemTime,
    ) -> impl Future<Output = ByokStoreResult<ByokRecord>> + Send {
        (**self).restore(id, now)
    }

    fn purge(&self, now: SystemTime) -> impl Future<Output = ByokStoreResult<u64>> + Send {
        (**self).purge(now)
    }

    fn sealed_with(
        &self,
        version: MasterKeyVersion,
        limit: usize,
    ) -> impl Future<Output = ByokStoreResult<Vec<ByokRecord>>> + Send {
        (**self).sealed_with(version, limit)
    }

    fn reseal(
        &self,
        id: ByokKeyId,
        expected: MasterKeyVersion,
        sealed: Sealed,
        now: SystemTime,
    ) -> impl Future<Output = ByokStoreResult<ByokRecord>> + Send {
        (**self).reseal(id, expected, sealed, now)
    }
}
