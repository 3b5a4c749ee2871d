//! A short-lived cache of key records with their organizations, in front of the store.

use std::{
    collections::HashMap,
    hash::Hash,
    sync::{Arc, RwLock},
    time::{Duration, Instant},
};

use crate::{KeyRecord, KeyRecordId, OrgId, Organization};

/// A key record and its organization, as one lookup returns them.
#[derive(Debug, Clone)]
pub(crate) struct Found {
    pub(crate) key: Arc<KeyRecord>,
    pub(crate) organization: Arc<Organization>,
}

#[derive(Debug)]
struct Entry {
    found: Found,
    expires_at: Instant,
}

/// Records by lookup key (key id or legacy digest) for at most `ttl`.
///
/// The TTL bounds how long a change made by another instance (revoke, tier change) can go
/// unseen here; changes made through this instance's [`Authenticator`](crate::Authenticator)
/// invalidate at once. Bounded: when full, expired entries go first, then an arbitrary one.
#[derive(Debug)]
pub(crate) struct RecordCache<K> {
    ttl: Duration,
    capacity: usize,
    entries: RwLock<HashMap<K, Entry, foldhash::fast::RandomState>>,
}

impl<K: Hash + Eq + Copy> RecordCache<K> {
    pub(crate) fn new(ttl: Duration, capacity: usize) -> Self {
        Self {
            ttl,
            capacity: capacity.max(1),
            entries: RwLock::new(HashMap::default()),
        }
    }

    pub(crate) fn get(&self, key: &K, now: Instant) -> Option<Found> {
        let entries = self.entries.read().unwrap_or_else(|p| p.into_inner());
        entries
            .get(key)
            .filter(|entry| now < entry.expires_at)
            .map(|entry| entry.found.clone())
    }

    pub(crate) fn insert(&self, key: K, found: Found, now: Instant) {
        if self.ttl.is_zero() {
            return;
        }
        let mut entries = self.entries.write().unwrap_or_else(|p| p.into_inner());
        if entries.len() >= self.capacity && !entries.contains_key(&key) {
            entries.retain(|_, entry| now < entry.expires_at);
            let victim = entries.keys().next().copied();
            if let Some(victim) = victim.filter(|_| entries.len() >= self.capacity) {
                entries.remove(&victim);
            }
        }
        entries.insert(
            key,
            Entry {
                found,
                expires_at: now + self.ttl,
            },
        );
    }

    /// Drops the entries for one key record.
    pub(crate) fn remove_key(&self, id: KeyRecordId) {
        let mut entries = self.entries.write().unwrap_or_else(|p| p.into_inner());
        entries.retain(|_, entry| entry.found.key.id != id);
    }

    /// Drops every entry of one organization.
    pub(crate) fn remove_organization(&self, id: OrgId) {
        let mut entries = self.entries.write().unwrap_or_else(|p| p.into_inner());
        entries.retain(|_, entry| entry.found.organization.id != id);
    }
}
