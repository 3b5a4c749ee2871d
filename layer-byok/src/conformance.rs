//! A conformance suite every [`ByokStore`] must pass. Feature `conformance`.
//!
//! Store tests call [`run`] with a fresh, empty store and two organizations the store accepts
//! (the SQL stores need them inserted in the composition crate's store first), so every store
//! is held to the same behaviour: one live key per provider per organization, replacement,
//! enable/disable, validity, soft delete with 90-day restore and purge, masked listings, and
//! compare-and-set re-sealing. It panics (through `assert!`) on the first difference, like any
//! test. All times come from a fake clock.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use crate::{
    ByokKeyId, ByokRecord, ByokStore, ByokStoreError, ListFilter, MasterKeyVersion, NONCE_LEN,
    NewByokKey, OrgId, Provider, RETENTION, Sealed, TAG_LEN, Validity,
};

/// A fixed time, `secs` after the Unix epoch.
#[must_use]
pub fn at(secs: u64) -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(secs)
}

/// A fixed sealed value under `version`, distinct per `fill`: not a real ciphertext (stores
/// treat it as opaque bytes).
#[must_use]
pub fn sealed(version: u32, fill: u8) -> Sealed {
    Sealed::from_parts(
        MasterKeyVersion::new(version),
        [fill; NONCE_LEN],
        vec![fill; 24 + TAG_LEN],
    )
}

/// A key to store for `organization` and `provider` under master-key version 1, distinct per
/// `fill`, with a display prefix ending in `fill`.
#[must_use]
pub fn new_key(organization: OrgId, provider: Provider, fill: u8) -> NewByokKey {
    NewByokKey {
        organization_id: organization,
        provider,
        sealed: sealed(1, fill),
        display_prefix: format!("sk-...{fill:06}"),
    }
}

const T0: u64 = 1_700_000_000;
const HOUR: Duration = Duration::from_secs(3_600);
const SECOND: Duration = Duration::from_secs(1);

fn not_found<T: std::fmt::Debug>(result: Result<T, ByokStoreError>) {
    assert!(
        matches!(result, Err(ByokStoreError::NotFound(_))),
        "{result:?}"
    );
}

/// Runs every case against `store`, which must start empty; `organizations` are two distinct
/// organizations the store accepts.
///
/// # Panics
///
/// On the first behaviour that differs from the contract.
pub async fn run<S: ByokStore>(store: S, organizations: [OrgId; 2]) {
    let [a, b] = organizations;
    let t = at(T0);

    // Put and get: all fields round-trip; a fresh record is enabled, unknown, live.
    let first = store.put(new_key(a, Provider::OpenAi, 1), t).await.unwrap();
    assert_eq!(first.organization_id, a);
    assert_eq!(first.provider, Provider::OpenAi);
    assert_eq!(first.sealed, sealed(1, 1));
    assert!(first.enabled);
    assert_eq!(first.validity, Validity::Unknown);
    assert_eq!((first.created_at, first.updated_at), (t, t));
    assert_eq!(first.deleted_at, None);
    assert!(first.is_usable());
    assert_eq!(store.get(first.id).await.unwrap(), Some(first.clone()));
    assert_eq!(
        store.live(a, Provider::OpenAi).await.unwrap(),
        Some(first.clone())
    );

    // One live key per (organization, provider): other providers and organizations are
    // independent.
    let a_anthropic = store
        .put(new_key(a, Provider::Anthropic, 2), t + SECOND)
        .await
        .unwrap();
    let b_openai = store
        .put(new_key(b, Provider::OpenAi, 3), t + SECOND)
        .await
        .unwrap();
    assert_eq!(
        store.live(a, Provider::OpenAi).await.unwrap(),
        Some(first.clone())
    );
    assert_eq!(
        store.live(a, Provider::Anthropic).await.unwrap(),
        Some(a_anthropic.clone())
    );
    assert_eq!(
        store.live(b, Provider::OpenAi).await.unwrap(),
        Some(b_openai.clone())
    );
    assert_eq!(store.live(b, Provider::Anthropic).await.unwrap(), None);

    // Put replaces the live key: a new id, the old record gone, the others untouched.
    let replaced = store
        .put(new_key(a, Provider::OpenAi, 4), t + 2 * SECOND)
        .await
        .unwrap();
    assert_ne!(replaced.id, first.id);
    assert_eq!(store.get(first.id).await.unwrap(), None);
    assert_eq!(
        store.live(a, Provider::OpenAi).await.unwrap(),
        Some(replaced.clone())
    );
    assert_eq!(
        store.live(b, Provider::OpenAi).await.unwrap(),
        Some(b_openai.clone())
    );
    assert_eq!(store.list(a, ListFilter::All).await.unwrap().len(), 2);
    // A late update aimed at the replaced key never lands on the new one.
    not_found(store.mark_invalid(first.id, t + 3 * SECOND).await);

    validity_and_enabled(&store, &replaced, t).await;
    let deleted = delete_restore_purge(&store, a, b, t).await;
    listing(&store, a, &deleted).await;
    resealing(&store, b, &b_openai).await;

    // Unknown ids.
    let unknown = ByokKeyId::new_random();
    assert_eq!(store.get(unknown).await.unwrap(), None);
    not_found(store.set_enabled(unknown, false, t).await);
    not_found(store.mark_valid(unknown, t).await);
    not_found(store.mark_invalid(unknown, t).await);
    not_found(store.delete(unknown, t).await);
    not_found(store.restore(unknown, t).await);
    not_found(
        store
            .reseal(unknown, MasterKeyVersion::new(1), sealed(2, 9), t)
            .await,
    );
}

/// Enable/disable keeps the record; validity marks, first invalid time kept.
async fn validity_and_enabled<S: ByokStore>(store: &S, record: &ByokRecord, t: SystemTime) {
    let off = store
        .set_enabled(record.id, false, t + 10 * SECOND)
        .await
        .unwrap();
    assert!(!off.enabled && !off.is_usable() && off.is_live());
    assert_eq!(off.updated_at, t + 10 * SECOND);
    assert_eq!(store.get(record.id).await.unwrap(), Some(off.clone()));
    assert_eq!(
        store
            .live(record.organization_id, record.provider)
            .await
            .unwrap(),
        Some(off)
    );
    let on = store
        .set_enabled(record.id, true, t + 11 * SECOND)
        .await
        .unwrap();
    assert!(on.enabled && on.is_usable());

    let invalid = store
        .mark_invalid(record.id, t + 20 * SECOND)
        .await
        .unwrap();
    assert_eq!(
        invalid.validity,
        Validity::Invalid {
            since: t + 20 * SECOND
        }
    );
    assert!(!invalid.is_usable());
    let still = store
        .mark_invalid(record.id, t + 30 * SECOND)
        .await
        .unwrap();
    assert_eq!(
        still.validity,
        Validity::Invalid {
            since: t + 20 * SECOND
        }
    );
    let valid = store.mark_valid(record.id, t + 40 * SECOND).await.unwrap();
    assert_eq!(
        valid.validity,
        Validity::Valid {
            checked_at: t + 40 * SECOND
        }
    );
    assert!(valid.is_usable());
    assert_eq!(store.get(record.id).await.unwrap(), Some(valid));
}

/// Soft delete hides from `live`; restore inside 90 days, refused after; a conflicting new key
/// blocks restore; purge removes exactly the expired rows. Returns a record left deleted.
async fn delete_restore_purge<S: ByokStore>(
    store: &S,
    a: OrgId,
    b: OrgId,
    t: SystemTime,
) -> ByokRecord {
    let google = store
        .put(new_key(a, Provider::Google, 5), t + 100 * SECOND)
        .await
        .unwrap();
    let marked = store.mark_valid(google.id, t + 101 * SECOND).await.unwrap();
    let deleted_at = t + 200 * SECOND;
    let deleted = store.delete(google.id, deleted_at).await.unwrap();
    assert_eq!(deleted.deleted_at, Some(deleted_at));
    assert!(!deleted.is_live() && !deleted.is_usable());
    assert_eq!(store.live(a, Provider::Google).await.unwrap(), None);
    assert_eq!(store.get(google.id).await.unwrap(), Some(deleted.clone()));
    // Deleting again keeps the first time; a deleted record cannot be enabled or marked.
    let again = store.delete(google.id, deleted_at + HOUR).await.unwrap();
    assert_eq!(again.deleted_at, Some(deleted_at));
    not_found(store.set_enabled(google.id, true, deleted_at).await);
    not_found(store.mark_valid(google.id, deleted_at).await);

    // 89 days 23 hours later: restored, as it was (validity, enabled).
    let restore_at = deleted_at + RETENTION - HOUR;
    let restored = store.restore(google.id, restore_at).await.unwrap();
    assert_eq!(restored.deleted_at, None);
    assert_eq!(restored.validity, marked.validity);
    assert!(restored.enabled);
    assert_eq!(restored.updated_at, restore_at);
    assert_eq!(
        store.live(a, Provider::Google).await.unwrap(),
        Some(restored.clone())
    );
    // Restoring a live record changes nothing.
    assert_eq!(
        store.restore(google.id, restore_at + HOUR).await.unwrap(),
        restored
    );

    // A new key set meanwhile blocks the restore of the old one.
    store.delete(google.id, deleted_at).await.unwrap();
    let newer = store
        .put(new_key(a, Provider::Google, 6), deleted_at + SECOND)
        .await
        .unwrap();
    assert!(matches!(
        store.restore(google.id, deleted_at + 2 * SECOND).await,
        Err(ByokStoreError::Conflict(_))
    ));
    store.delete(newer.id, deleted_at + 3 * HOUR).await.unwrap();
    store
        .restore(google.id, deleted_at + 4 * HOUR)
        .await
        .unwrap();

    // After 90 days: refused with the deletion time.
    let mistral = store
        .put(new_key(b, Provider::Mistral, 7), t + 300 * SECOND)
        .await
        .unwrap();
    let mistral_deleted_at = t + 400 * SECOND;
    store.delete(mistral.id, mistral_deleted_at).await.unwrap();
    match store
        .restore(mistral.id, mistral_deleted_at + RETENTION + SECOND)
        .await
    {
        Err(ByokStoreError::Expired { deleted_at }) => assert_eq!(deleted_at, mistral_deleted_at),
        other => panic!("expected Expired, got {other:?}"),
    }

    // Purge at exactly 90 days removes nothing; one second later exactly the expired rows,
    // oldest deletion first, and never a live record or a younger deletion.
    let young = store
        .put(new_key(b, Provider::Anthropic, 8), t + 500 * SECOND)
        .await
        .unwrap();
    let young_deleted_at = deleted_at + 10 * HOUR;
    store.delete(young.id, young_deleted_at).await.unwrap();
    let newer_deleted_at = deleted_at + 3 * HOUR;
    assert_eq!(
        store.purge(mistral_deleted_at + RETENTION).await.unwrap(),
        0
    );
    assert!(store.get(mistral.id).await.unwrap().is_some());
    let purge_at = mistral_deleted_at + RETENTION + SECOND;
    assert_eq!(store.purge(purge_at).await.unwrap(), 1);
    assert_eq!(store.get(mistral.id).await.unwrap(), None);
    not_found(store.restore(mistral.id, purge_at).await);
    assert!(store.get(newer.id).await.unwrap().is_some());
    let purge_at = newer_deleted_at + RETENTION + SECOND;
    assert_eq!(store.purge(purge_at).await.unwrap(), 1);
    assert_eq!(store.get(newer.id).await.unwrap(), None);
    assert_eq!(store.purge(purge_at).await.unwrap(), 0);
    assert!(store.get(google.id).await.unwrap().unwrap().is_live());
    let young_now = store.get(young.id).await.unwrap().unwrap();
    assert_eq!(young_now.deleted_at, Some(young_deleted_at));
    young_now
}

/// Listings are masked, filtered, oldest first, with deletion times.
async fn listing<S: ByokStore>(store: &S, a: OrgId, deleted: &ByokRecord) {
    let b = deleted.organization_id;
    let all = store.list(b, ListFilter::All).await.unwrap();
    let live = store.list(b, ListFilter::Live).await.unwrap();
    let gone = store.list(b, ListFilter::Deleted).await.unwrap();
    assert_eq!(gone, vec![deleted.summary()]);
    assert!(live.iter().all(|s| s.deleted_at.is_none()));
    assert_eq!(all.len(), live.len() + gone.len());
    assert!(
        all.windows(2)
            .all(|w| (w[0].created_at, w[0].id) <= (w[1].created_at, w[1].id))
    );
    for summary in store.list(a, ListFilter::All).await.unwrap() {
        let record = store.get(summary.id).await.unwrap().unwrap();
        assert_eq!(summary, record.summary());
        assert!(summary.display_prefix.starts_with("sk-..."));
        assert_eq!(summary.key_version, record.sealed.version());
    }
    let a_live: Vec<Provider> = store
        .list(a, ListFilter::Live)
        .await
        .unwrap()
        .iter()
        .map(|s| s.provider)
        .collect();
    assert_eq!(a_live.len(), 3, "{a_live:?}");
    for provider in [Provider::OpenAi, Provider::Anthropic, Provider::Google] {
        assert!(a_live.contains(&provider), "{a_live:?}");
    }
}

/// Listing by master-key version and compare-and-set re-sealing.
async fn resealing<S: ByokStore>(store: &S, b: OrgId, b_openai: &ByokRecord) {
    let v1 = MasterKeyVersion::new(1);
    let v2 = MasterKeyVersion::new(2);
    let t = at(T0 + 1_000_000);
    let old = store.sealed_with(v1, usize::MAX).await.unwrap();
    // Deleted records are listed too: they must still open once restored.
    assert!(old.iter().any(|r| !r.is_live()), "{old:?}");
    assert!(old.iter().all(|r| r.sealed.version() == v1));
    assert!(
        old.windows(2)
            .all(|w| (w[0].created_at, w[0].id) <= (w[1].created_at, w[1].id))
    );
    assert_eq!(store.sealed_with(v1, 1).await.unwrap(), old[..1].to_vec());
    assert_eq!(store.sealed_with(v2, usize::MAX).await.unwrap(), vec![]);

    let resealed = store
        .reseal(b_openai.id, v1, sealed(2, 30), t)
        .await
        .unwrap();
    assert_eq!(resealed.sealed, sealed(2, 30));
    assert_eq!(resealed.updated_at, t);
    assert_eq!(
        (
            resealed.display_prefix.as_str(),
            resealed.validity,
            resealed.created_at
        ),
        (
            b_openai.display_prefix.as_str(),
            b_openai.validity,
            b_openai.created_at
        )
    );
    assert_eq!(
        store.live(b, Provider::OpenAi).await.unwrap(),
        Some(resealed.clone())
    );
    // A second re-encrypt that read the record before the first one is refused.
    match store.reseal(b_openai.id, v1, sealed(2, 31), t).await {
        Err(ByokStoreError::Stale { expected, actual }) => {
            assert_eq!((expected, actual), (v1, v2));
        }
        other => panic!("expected Stale, got {other:?}"),
    }
    assert_eq!(store.get(b_openai.id).await.unwrap(), Some(resealed));
    assert_eq!(
        store.sealed_with(v1, usize::MAX).await.unwrap().len(),
        old.len() - 1
    );
    for record in store.sealed_with(v1, usize::MAX).await.unwrap() {
        store
            .reseal(record.id, v1, sealed(2, 40), t + SECOND)
            .await
            .unwrap();
    }
    assert_eq!(store.sealed_with(v1, usize::MAX).await.unwrap(), vec![]);
    assert_eq!(
        store.sealed_with(v2, usize::MAX).await.unwrap().len(),
        old.len()
    );
}
