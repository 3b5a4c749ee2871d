//! The BYOK conformance suite and invariants against the in-memory store.

use std::{collections::HashMap, time::Duration};

use layer_byok::{
    ByokKeyId, ByokStore, ByokStoreError, ListFilter, MemoryByokStore, OrgId, Provider, RETENTION,
    conformance::{at, new_key},
    within_retention,
};
use proptest::prelude::*;

#[tokio::test]
async fn memory_store_passes_the_conformance_suite() {
    layer_byok::conformance::run(
        MemoryByokStore::new(),
        [OrgId::new_random(), OrgId::new_random()],
    )
    .await;
}

/// One step of a random history.
#[derive(Debug, Clone)]
enum Op {
    Put { org: usize, provider: usize },
    Delete { pick: usize },
    Restore { pick: usize },
    Purge,
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        (0..2usize, 0..2usize).prop_map(|(org, provider)| Op::Put { org, provider }),
        any::<usize>().prop_map(|pick| Op::Delete { pick }),
        any::<usize>().prop_map(|pick| Op::Restore { pick }),
        Just(Op::Purge),
    ]
}

fn block_on<F: std::future::Future>(future: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap()
        .block_on(future)
}

proptest! {
    /// Random puts, deletes, restores and purges, each after a random step of the fake clock
    /// (up to 40 days), never leave two live records for one (organization, provider), and
    /// never lose a deleted record that is still inside retention.
    #[test]
    fn one_live_per_provider_and_nothing_lost_inside_retention(
        steps in prop::collection::vec((op(), 0..40 * 24u64), 1..60),
    ) {
        block_on(async {
            let store = MemoryByokStore::new();
            let orgs = [OrgId::new_random(), OrgId::new_random()];
            let providers = [Provider::OpenAi, Provider::Mistral];
            let mut now = at(1_700_000_000);
            // Every id ever created, and the deletion time last seen for it.
            let mut seen: Vec<ByokKeyId> = Vec::new();
            let mut fill = 0u8;
            for (op, hours) in steps {
                now += Duration::from_secs(hours * 3_600);
                match op {
                    Op::Put { org, provider } => {
                        fill = fill.wrapping_add(1);
                        let record = store
                            .put(new_key(orgs[org], providers[provider], fill), now)
                            .await
                            .unwrap();
                        seen.push(record.id);
                    }
                    Op::Delete { pick } if !seen.is_empty() => {
                        let id = seen[pick % seen.len()];
                        match store.delete(id, now).await {
                            Ok(_) | Err(ByokStoreError::NotFound(_)) => {}
                            Err(other) => panic!("{other}"),
                        }
                    }
                    Op::Restore { pick } if !seen.is_empty() => {
                        let id = seen[pick % seen.len()];
                        let before = store.get(id).await.unwrap();
                        match store.restore(id, now).await {
                            Ok(record) => assert!(record.is_live()),
                            Err(ByokStoreError::Expired { deleted_at }) => {
                                assert!(!within_retention(deleted_at, now));
                            }
                            Err(ByokStoreError::Conflict(_)) => {
                                let record = before.unwrap();
                                assert!(store
                                    .live(record.organization_id, record.provider)
                                    .await
                                    .unwrap()
                                    .is_some());
                            }
                            Err(ByokStoreError::NotFound(_)) => assert!(before.is_none()),
                            Err(other) => panic!("{other}"),
                        }
                    }
                    Op::Purge => {
                        let before: HashMap<ByokKeyId, _> = all(&store, orgs).await;
                        let purged = store.purge(now).await.unwrap();
                        let after = all(&store, orgs).await;
                        let expired = before
                            .values()
                            .filter(|d| d.is_some_and(|at| !within_retention(at, now)))
                            .count();
                        assert_eq!(purged, expired as u64);
                        for (id, deleted_at) in &before {
                            let inside = deleted_at.is_none_or(|at| now.duration_since(at)
                                .map_or(true, |elapsed| elapsed <= RETENTION));
                            assert_eq!(after.contains_key(id), inside);
                        }
                    }
                    _ => {}
                }
                for org in orgs {
                    let live = store.list(org, ListFilter::Live).await.unwrap();
                    for provider in providers {
                        let n = live.iter().filter(|s| s.provider == provider).count();
                        assert!(n <= 1, "{n} live records for {provider}");
                    }
                }
            }
        });
    }
}

/// Every record of both organizations: id and deletion time.
async fn all(
    store: &MemoryByokStore,
    orgs: [OrgId; 2],
) -> HashMap<ByokKeyId, Option<std::time::SystemTime>> {
    let mut found = HashMap::new();
    for org in orgs {
        for summary in store.list(org, ListFilter::All).await.unwrap() {
            found.insert(summary.id, summary.deleted_at);
        }
    }
    found
}
