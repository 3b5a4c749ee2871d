//! The `Byok` facade end to end, against the loopback fake provider, with a fake clock, over
//! every store: memory, SQLite and PostgreSQL (skipped without a server unless `CI` is set).
//!
//! Each scenario is written once, generic over the store, and run by `every_store!` against
//! each backend.

#[path = "facade/harness.rs"]
mod harness;
#[path = "support/keys.rs"]
mod keys;
#[path = "facade/lifecycle.rs"]
mod lifecycle;
#[path = "facade/resolution.rs"]
mod resolution;
#[path = "facade/rotation.rs"]
mod rotation;

#[cfg(feature = "postgres")]
#[allow(dead_code)]
#[path = "fixture/database.rs"]
mod database;

/// One `#[tokio::test]` per scenario and store; each scenario is an
/// `async fn(store, [OrgId; 2])`.
macro_rules! every_store {
    ($($scenario:path => $name:ident),* $(,)?) => {
        mod memory {
            $(
                #[tokio::test]
                async fn $name() {
                    let store = std::sync::Arc::new(layer_byok::MemoryByokStore::new());
                    let orgs = [layer_byok::OrgId::new_random(), layer_byok::OrgId::new_random()];
                    $scenario(store, orgs).await;
                }
            )*
        }

        mod sqlite {
            $(
                #[tokio::test]
                async fn $name() {
                    let store = layer_auth::SqliteStore::open_in_memory().unwrap();
                    let orgs = crate::harness::organizations(&store).await;
                    let byok = layer_byok::SqliteByokStore::new(&store).await.unwrap();
                    $scenario(byok, orgs).await;
                }
            )*
        }

        #[cfg(feature = "postgres")]
        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    let Some(schema) = crate::database::TestSchema::new().await else {
                        return;
                    };
                    let store = schema.connect().await;
                    let orgs = crate::harness::organizations(&store).await;
                    let byok = layer_byok::PostgresByokStore::new(&store).await.unwrap();
                    $scenario(byok, orgs).await;
                    schema.drop().await;
                }
            )*
        }
    };
}

every_store! {
    crate::resolution::a_refused_key_is_marked_invalid_and_the_call_falls_back => refused_key_falls_back,
    crate::resolution::rate_limits_and_outages_are_returned_not_fallen_back => rate_limits_and_outages,
    crate::resolution::no_key_at_all_is_a_typed_error => no_key_at_all,
    crate::resolution::an_unreadable_row_falls_back_without_marking => unreadable_row_falls_back,
    crate::lifecycle::test_marks_valid_and_invalid => test_marks_validity,
    crate::lifecycle::disabled_keys_are_skipped_until_enabled => enable_and_disable,
    crate::lifecycle::soft_delete_restore_within_retention_purge_after => delete_restore_purge,
    crate::rotation::records_follow_the_master_key_through_a_rotation => rotation,
}
