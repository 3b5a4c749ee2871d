//! Last-used times, batched in memory and written to the store every few seconds.

use std::{collections::HashMap, sync::Mutex, time::SystemTime};

use crate::{KeyRecordId, KeyStore, store::StoreResult};

const SHARDS: usize = 16;

/// Collects "key X was used at T" on the request path and hands them to the store in one
/// batch ([`LastUsed::flush`]), so a busy key costs one write per flush interval, not one per
/// request (SPEC 6).
///
/// Recording takes one of 16 mutexes for a map insert; only the latest time per key is kept.
#[derive(Debug)]
pub struct LastUsed {
    shards: Box<[Mutex<HashMap<KeyRecordId, SystemTime>>]>,
}

impl LastUsed {
    /// An empty recorder.
    #[must_use]
    pub fn new() -> Self {
        Self {
            shards: (0..SHARDS).map(|_| Mutex::new(HashMap::new())).collect(),
        }
    }

    /// Notes that `key` was used at `at`.
    pub fn record(&self, key: KeyRecordId, at: SystemTime) {
        let shard = (key.as_uuid().as_u128() % SHARDS as u128) as usize;
        let mut pending = self.shards[shard].lock().unwrap_or_else(|p| p.into_inner());
        let entry = pending.entry(key).or_insert(at);
        if *entry < at {
            *entry = at;
        }
    }

    /// Number of keys waiting to be written.
    #[must_use]
    pub fn pending(&self) -> usize {
        self.shards
            .iter()
            .map(|s| s.lock().unwrap_or_else(|p| p.into_inner()).len())
            .sum()
    }

    /// Writes everything pending to `store` in one call. On failure the batch is put back
    /// (newer times recorded meanwhile win), so nothing is lost to a transient error.
    ///
    /// # Errors
    ///
    /// The store's error.
    pub async fn flush<S: KeyStore>(&self, store: &S) -> StoreResult<usize> {
        let batch: Vec<(KeyRecordId, SystemTime)> = self
            .shards
            .iter()
            .flat_map(|s| std::mem::take(&mut *s.lock().unwrap_or_else(|p| p.into_inner())))
            .collect();
        if batch.is_empty() {
            return Ok(0);
        }
        match store.record_last_used(&batch).await {
            Ok(()) => Ok(batch.len()),
            Err(error) => {
                for (key, at) in batch {
                    self.record(key, at);
                }
                Err(error)
            }
        }
    }
}

impl Default for LastUsed {
    fn default() -> Self {
        Self::new()
    }
}
