//! Remembers recently verified partner keys so bcrypt runs once per key per TTL, not per request.

use std::{
    collections::HashMap,
    fmt,
    hash::BuildHasher,
    sync::RwLock,
    time::{Duration, Instant},
};

use foldhash::fast::RandomState;
use hmac::{Hmac, Mac};
use sha2::Sha256;
use subtle::ConstantTimeEq;
use zeroize::Zeroize;

use crate::{KeyId, PartnerKey, random::RandomError, random::fill_random};

type HmacSha256 = Hmac<Sha256>;

/// Key ids are hashed with foldhash, seeded per process: several times faster than SipHash on
/// 16 bytes. Flooding resistance is not needed here because only ids of keys that passed
/// bcrypt are ever inserted, and those are minted by the server, not chosen by callers.
type Shard = HashMap<KeyId, Entry, RandomState>;

const SHARDS: usize = 16;

/// A keyed digest of a presented key: HMAC-SHA-256 under the cache's per-process key.
#[derive(Clone, Copy)]
struct Digest([u8; 32]);

impl Digest {
    /// Constant-time equality: the words' differences are OR-ed together without branching,
    /// and only the final all-or-nothing result goes through `subtle`, so neither the time
    /// taken nor the branch taken depends on where the digests differ. (Comparing byte by
    /// byte through `subtle` costs one optimisation barrier per byte on this hot path.)
    fn ct_eq(&self, other: &Self) -> bool {
        let mut diff = 0u64;
        for (a, b) in self.0.chunks_exact(8).zip(other.0.chunks_exact(8)) {
            let word = |bytes: &[u8]| u64::from_ne_bytes(bytes.try_into().unwrap_or([0; 8]));
            diff |= word(a) ^ word(b);
        }
        diff.ct_eq(&0).into()
    }
}

#[derive(Clone, Copy)]
struct Entry {
    digest: Digest,
    expires_at: Instant,
}

/// A bounded, time-limited cache of verified partner keys (SPEC 1.3).
///
/// bcrypt at cost 12 costs a few hundred milliseconds of CPU; a server must not pay that on
/// every request. After a key verifies, [`VerificationCache::insert`] remembers it by key id;
/// later requests call [`VerificationCache::contains`], which costs one HMAC and one lookup.
///
/// # Security
///
/// - The cache stores, under the key id, an HMAC-SHA-256 of the rest of the presented key (env
///   and secret) under a random key drawn from the OS when the cache is built, never the key
///   itself: a memory dump of the cache does not yield keys, and digests cannot be
///   precomputed. A hit needs the exact key id (the map key) and the digest, so it means the
///   whole key matched.
/// - The hit check compares digests in constant time.
/// - Entries live at most the configured TTL (default 30 s, the revocation propagation
///   bound), and [`VerificationCache::invalidate`] drops a key at once on revoke, kill or
///   rotate.
///
/// # Bounds
///
/// At most `capacity` entries (spread over 16 shards, each holding `capacity / 16` rounded
/// up). Inserting into a full shard first drops its expired entries; if none expired, the
/// entry closest to expiry is evicted. Readers take a shard's read lock only, so concurrent
/// hits on different keys do not contend.
pub struct VerificationCache {
    mac: HmacSha256,
    shards: Box<[RwLock<Shard>]>,
    hasher: RandomState,
    ttl: Duration,
    shard_capacity: usize,
}

impl VerificationCache {
    /// The default time-to-live: the revocation propagation bound of SPEC 1.3.
    pub const DEFAULT_TTL: Duration = Duration::from_secs(30);
    /// The default capacity.
    pub const DEFAULT_CAPACITY: usize = 100_000;

    /// A cache with the default TTL and capacity.
    ///
    /// # Errors
    ///
    /// [`RandomError`] if the OS random source fails while drawing the HMAC key.
    pub fn new() -> Result<Self, RandomError> {
        Self::with_limits(Self::DEFAULT_CAPACITY, Self::DEFAULT_TTL)
    }

    /// A cache holding at most `capacity` entries (at least one per shard), each for at most
    /// `ttl`.
    ///
    /// # Errors
    ///
    /// [`RandomError`] if the OS random source fails while drawing the HMAC key.
    pub fn with_limits(capacity: usize, ttl: Duration) -> Result<Self, RandomError> {
        let mut key = [0u8; 32];
        fill_random(&mut key)?;
        let mac = HmacSha256::new_from_slice(&key).map_err(|_| RandomError)?;
        key.zeroize();
        let shard_capacity = capacity.div_ceil(SHARDS).max(1);
        let hasher = RandomState::default();
        Ok(Self {
            mac,
            shards: (0..SHARDS)
                .map(|_| RwLock::new(HashMap::with_hasher(hasher.clone())))
                .collect(),
            hasher,
            ttl,
            shard_capacity,
        })
    }

    /// The configured time-to-live.
    #[must_use]
    pub const fn ttl(&self) -> Duration {
        self.ttl
    }

    /// Whether `key` was verified within the TTL.
    #[must_use]
    pub fn contains(&self, key: &PartnerKey) -> bool {
        self.contains_at(key, Instant::now())
    }

    /// [`VerificationCache::contains`] at an explicit time (for tests and simulations).
    #[must_use]
    pub fn contains_at(&self, key: &PartnerKey, now: Instant) -> bool {
        let key_id = key.key_id();
        let entry = match self.shard(&key_id).read() {
            Ok(shard) => shard.get(&key_id).copied(),
            Err(poisoned) => poisoned.into_inner().get(&key_id).copied(),
        };
        let Some(entry) = entry else {
            return false;
        };
        self.digest(key).ct_eq(&entry.digest) && now < entry.expires_at
    }

    /// Remembers `key` as verified, from now for the TTL. Call only after a successful bcrypt
    /// verification.
    pub fn insert(&self, key: &PartnerKey) {
        self.insert_at(key, Instant::now());
    }

    /// [`VerificationCache::insert`] at an explicit time.
    pub fn insert_at(&self, key: &PartnerKey, now: Instant) {
        let key_id = key.key_id();
        let entry = Entry {
            digest: self.digest(key),
            expires_at: now + self.ttl,
        };
        let mut shard = match self.shard(&key_id).write() {
            Ok(shard) => shard,
            Err(poisoned) => poisoned.into_inner(),
        };
        if shard.len() >= self.shard_capacity && !shard.contains_key(&key_id) {
            shard.retain(|_, e| now < e.expires_at);
            if shard.len() >= self.shard_capacity {
                let oldest = shard
                    .iter()
                    .min_by_key(|(_, e)| e.expires_at)
                    .map(|(id, _)| *id);
                if let Some(oldest) = oldest {
                    shard.remove(&oldest);
                }
            }
        }
        shard.insert(key_id, entry);
    }

    /// Drops whatever is cached for `key_id`; the next request with that key pays bcrypt again
    /// (and sees the revocation or kill that prompted this).
    pub fn invalidate(&self, key_id: &KeyId) {
        match self.shard(key_id).write() {
            Ok(mut shard) => shard.remove(key_id),
            Err(poisoned) => poisoned.into_inner().remove(key_id),
        };
    }

    /// Drops every entry.
    pub fn clear(&self) {
        for shard in &self.shards {
            match shard.write() {
                Ok(mut shard) => shard.clear(),
                Err(poisoned) => poisoned.into_inner().clear(),
            }
        }
    }

    /// Number of entries held, expired ones included until they are swept.
    #[must_use]
    pub fn len(&self) -> usize {
        self.shards
            .iter()
            .map(|s| s.read().map_or_else(|p| p.into_inner().len(), |s| s.len()))
            .sum()
    }

    /// Whether the cache holds no entries.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn shard(&self, key_id: &KeyId) -> &RwLock<Shard> {
        // The top bits pick the shard; the map inside uses the low bits, so they stay
        // independent.
        let index = (self.hasher.hash_one(key_id) >> 60) as usize % SHARDS;
        &self.shards[index]
    }

    fn digest(&self, key: &PartnerKey) -> Digest {
        let mut mac = self.mac.clone();
        // The key id is the map key and is compared exactly; the digest covers the rest of the
        // key (the prefix is constant). 47 bytes fit one SHA-256 block where the whole 68-byte
        // key would need two, saving a compression on every request.
        mac.update(key.env_text());
        mac.update(key.secret_text());
        Digest(mac.finalize().into_bytes().into())
    }
}

impl fmt::Debug for VerificationCache {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("VerificationCache")
            .field("len", &self.len())
            .field("capacity", &(self.shard_capacity * SHARDS))
            .field("ttl", &self.ttl)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Env;

    #[test]
    fn hit_miss_expiry_invalidate() {
        let cache = VerificationCache::with_limits(64, Duration::from_secs(30)).unwrap();
        let key = PartnerKey::generate(Env::Live).unwrap();
        let t0 = Instant::now();
        assert!(!cache.contains_at(&key, t0));
        cache.insert_at(&key, t0);
        assert!(cache.contains_at(&key, t0 + Duration::from_secs(29)));
        assert!(
            !cache.contains_at(&key, t0 + Duration::from_secs(30)),
            "expires at the TTL"
        );
        cache.invalidate(&key.key_id());
        assert!(!cache.contains_at(&key, t0));
        assert!(cache.is_empty());
    }

    #[test]
    fn same_key_id_with_other_secret_misses() {
        let cache = VerificationCache::new().unwrap();
        let key = PartnerKey::generate(Env::Live).unwrap();
        let forged = PartnerKey::from_random(Env::Live, key.key_id(), &[0; 28]);
        cache.insert(&key);
        assert!(cache.contains(&key));
        assert!(!cache.contains(&forged));
        let other_env: PartnerKey = key
            .expose_secret()
            .replacen("live", "test", 1)
            .parse()
            .unwrap();
        assert!(!cache.contains(&other_env), "env is covered by the digest");
    }

    #[test]
    fn stays_within_capacity() {
        let cache = VerificationCache::with_limits(32, Duration::from_secs(30)).unwrap();
        let t0 = Instant::now();
        for i in 0..1_000u32 {
            let id = KeyId::from_time_and_random(u64::from(i), i);
            let key = PartnerKey::from_random(Env::Test, id, &[1; 28]);
            cache.insert_at(&key, t0 + Duration::from_millis(u64::from(i)));
        }
        assert!(cache.len() <= 32, "len {}", cache.len());
    }

    #[test]
    fn debug_shows_no_digests() {
        let cache = VerificationCache::new().unwrap();
        cache.insert(&PartnerKey::generate(Env::Live).unwrap());
        assert!(format!("{cache:?}").starts_with("VerificationCache { len: 1,"));
    }
}
