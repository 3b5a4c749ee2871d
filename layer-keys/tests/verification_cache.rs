//! The verification cache under concurrent readers and writers.

use std::{sync::Arc, thread, time::Duration};

use layer_keys::{Env, PartnerKey, VerificationCache};

#[test]
fn concurrent_readers_see_inserts_and_invalidations() {
    let cache = Arc::new(VerificationCache::with_limits(10_000, Duration::from_secs(30)).unwrap());
    let keys: Arc<Vec<PartnerKey>> = Arc::new(
        (0..64)
            .map(|_| PartnerKey::generate(Env::Live).unwrap())
            .collect(),
    );
    for key in keys.iter() {
        cache.insert(key);
    }
    let readers: Vec<_> = (0..4)
        .map(|t| {
            let (cache, keys) = (Arc::clone(&cache), Arc::clone(&keys));
            thread::spawn(move || {
                let mut hits = 0;
                for round in 0..2_000 {
                    let key = &keys[(round * 7 + t) % keys.len()];
                    hits += usize::from(cache.contains(key));
                }
                hits
            })
        })
        .collect();
    for key in keys.iter().take(8) {
        cache.invalidate(&key.key_id());
    }
    let hits: usize = readers.into_iter().map(|r| r.join().unwrap()).sum();
    assert!(hits > 0);
    for key in keys.iter().take(8) {
        assert!(!cache.contains(key), "invalidated keys miss afterwards");
    }
    for key in keys.iter().skip(8) {
        assert!(cache.contains(key));
    }
}
