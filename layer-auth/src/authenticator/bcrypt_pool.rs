//! bcrypt on a bounded set of blocking threads.

use std::sync::Arc;

use layer_keys::{Hasher, KeyHash, PartnerKey, VerifyError};
use tokio::sync::Semaphore;

/// Runs bcrypt verifications on Tokio's blocking pool, at most `limit` at a time.
///
/// bcrypt at cost 12 holds a core for a few hundred milliseconds. Run on an async worker it
/// would stall every request on that worker; run unbounded on the blocking pool, a flood of
/// wrong secrets would queue hundreds of them. The semaphore caps the CPU bcrypt may take,
/// and requests answered from the verification cache never touch it.
#[derive(Debug)]
pub(crate) struct BcryptPool {
    hasher: Hasher,
    permits: Arc<Semaphore>,
}

impl BcryptPool {
    pub(crate) fn new(hasher: Hasher, limit: usize) -> Self {
        Self {
            hasher,
            permits: Arc::new(Semaphore::new(limit.max(1))),
        }
    }

    pub(crate) fn hasher(&self) -> &Hasher {
        &self.hasher
    }

    /// Verifies `key` against `hash` once a permit is free.
    pub(crate) async fn verify(&self, key: PartnerKey, hash: KeyHash) -> Result<(), PoolError> {
        let permit = Arc::clone(&self.permits)
            .acquire_owned()
            .await
            .map_err(|_| PoolError::Closed)?;
        let hasher = self.hasher.clone();
        tokio::task::spawn_blocking(move || {
            let outcome = hasher.verify(&key, &hash);
            drop(permit);
            outcome
        })
        .await
        .map_err(|_| PoolError::Closed)?
        .map_err(PoolError::Verify)
    }
}

/// Why a pooled verification did not succeed.
#[derive(Debug)]
pub(crate) enum PoolError {
    /// The key did not verify, or the stored hash was refused.
    Verify(VerifyError),
    /// The runtime is shutting down.
    Closed,
}
