//! [`JobSlots`]: per-organization concurrent-job slots with RAII permits (SPEC 3.2).

use core::fmt;
use core::hash::{BuildHasher, Hash};
use core::num::NonZeroU32;
use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use crate::{Decision, DefaultHashBuilder, Denial, EndpointClass, Tier};

struct Inner<O, S> {
    running: Mutex<HashMap<O, u32, S>>,
    retry_hint: Duration,
}

impl<O, S> Inner<O, S> {
    fn lock(&self) -> MutexGuard<'_, HashMap<O, u32, S>> {
        // Every update is a single map operation; a poisoned lock holds consistent counts.
        self.running.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// Counts running jobs per organization against the tier's slots.
///
/// Acquiring returns a [`JobPermit`] that frees its slot when dropped, so a job that ends in
/// any way (success, error, panic, cancellation) gives its slot back. Organizations with no
/// running job take no memory.
///
/// ```
/// use core::num::NonZeroU32;
/// use layer_ratelimit::JobSlots;
///
/// let slots = JobSlots::<u32>::new();
/// let two = NonZeroU32::new(2);
/// let a = slots.try_acquire(7, two).unwrap();
/// let _b = slots.try_acquire(7, two).unwrap();
/// assert!(slots.try_acquire(7, two).is_err());
/// drop(a);
/// assert!(slots.try_acquire(7, two).is_ok());
/// ```
pub struct JobSlots<O, S = DefaultHashBuilder> {
    inner: Arc<Inner<O, S>>,
}

impl<O: Hash + Eq + Clone> JobSlots<O> {
    /// Slots with no job running, suggesting a 5 s retry when full.
    #[must_use]
    pub fn new() -> Self {
        Self::with_retry_hint(Duration::from_secs(5))
    }

    /// Slots suggesting `retry_hint` as the retry-after when full: when a job ends is unknown.
    #[must_use]
    pub fn with_retry_hint(retry_hint: Duration) -> Self {
        Self {
            inner: Arc::new(Inner {
                running: Mutex::new(HashMap::default()),
                retry_hint,
            }),
        }
    }
}

impl<O: Hash + Eq + Clone> Default for JobSlots<O> {
    fn default() -> Self {
        Self::new()
    }
}

impl<O, S> Clone for JobSlots<O, S> {
    fn clone(&self) -> Self {
        Self {
            inner: Arc::clone(&self.inner),
        }
    }
}

impl<O: Hash + Eq + Clone, S: BuildHasher> JobSlots<O, S> {
    /// Takes one of `org`'s slots, `limit` being the tier's
    /// [`concurrent_jobs`](crate::TierLimits::concurrent_jobs) (`None` for no cap).
    ///
    /// # Errors
    ///
    /// [`JobsFull`] (a refusal, not a failure) when all slots are taken; nothing changes.
    pub fn try_acquire(
        &self,
        org: O,
        limit: Option<NonZeroU32>,
    ) -> Result<JobPermit<O, S>, JobsFull> {
        let mut running = self.inner.lock();
        let count = running.entry(org.clone()).or_insert(0);
        if let Some(limit) = limit
            && *count >= limit.get()
        {
            return Err(JobsFull {
                limit: limit.get(),
                retry_after: self.inner.retry_hint,
            });
        }
        *count = count.saturating_add(1);
        drop(running);
        Ok(JobPermit {
            inner: Arc::clone(&self.inner),
            org,
        })
    }

    /// Jobs `org` has running.
    #[must_use]
    pub fn running(&self, org: &O) -> u32 {
        self.inner.lock().get(org).copied().unwrap_or(0)
    }
}

impl<O, S> fmt::Debug for JobSlots<O, S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("JobSlots")
            .field("retry_hint", &self.inner.retry_hint)
            .finish_non_exhaustive()
    }
}

/// One running job's slot, freed on drop.
#[must_use = "the slot is freed as soon as the permit is dropped"]
pub struct JobPermit<O: Hash + Eq, S: BuildHasher = DefaultHashBuilder> {
    inner: Arc<Inner<O, S>>,
    org: O,
}

impl<O: Hash + Eq, S: BuildHasher> Drop for JobPermit<O, S> {
    fn drop(&mut self) {
        let mut running = self.inner.lock();
        if let Some(count) = running.get_mut(&self.org) {
            *count = count.saturating_sub(1);
            if *count == 0 {
                running.remove(&self.org);
            }
        }
    }
}

impl<O: Hash + Eq + fmt::Debug, S: BuildHasher> fmt::Debug for JobPermit<O, S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("JobPermit").field("org", &self.org).finish()
    }
}

/// All of an organization's job slots are taken.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct JobsFull {
    limit: u32,
    retry_after: Duration,
}

impl JobsFull {
    /// The organization's slots.
    #[must_use]
    pub const fn limit(&self) -> u32 {
        self.limit
    }

    /// The suggested wait before retrying.
    #[must_use]
    pub const fn retry_after(&self) -> Duration {
        self.retry_after
    }

    /// The 429 decision for the `long-running` request that was refused.
    #[must_use]
    pub fn into_decision(self, tier: Tier, unix_now: Duration) -> Decision {
        Decision {
            denial: Some(Denial::ConcurrentJobs),
            retry_after: crate::clock::duration_nanos(self.retry_after),
            ..Decision::unlimited(EndpointClass::LongRunning, tier, unix_now)
        }
    }
}

impl fmt::Display for JobsFull {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "all {} concurrent-job slots are taken", self.limit)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn permits_free_slots_on_drop_and_orgs_are_separate() {
        let slots = JobSlots::<&str>::new();
        let one = NonZeroU32::new(1);
        let a = slots.try_acquire("acme", one).unwrap();
        let full = slots.try_acquire("acme", one).unwrap_err();
        assert_eq!(full.limit(), 1);
        let _b = slots.try_acquire("globex", one).unwrap();
        assert_eq!(slots.running(&"acme"), 1);
        drop(a);
        assert_eq!(slots.running(&"acme"), 0);
        assert_eq!(slots.inner.lock().len(), 1, "idle orgs take no memory");
    }

    #[test]
    fn permits_outlive_the_handle_and_unlimited_never_refuses() {
        let slots = JobSlots::<u8>::new();
        let permits: Vec<_> = (0..100)
            .map(|_| slots.try_acquire(1, None).unwrap())
            .collect();
        let clone = slots.clone();
        drop(slots);
        assert_eq!(clone.running(&1), 100);
        drop(permits);
        assert_eq!(clone.running(&1), 0);
    }

    #[test]
    fn full_becomes_a_long_running_denial() {
        let slots = JobSlots::<u8>::with_retry_hint(Duration::from_millis(1_500));
        let _p = slots.try_acquire(1, NonZeroU32::new(1)).unwrap();
        let d = slots
            .try_acquire(1, NonZeroU32::new(1))
            .unwrap_err()
            .into_decision(Tier::Standard, Duration::ZERO);
        assert_eq!(d.denial(), Some(Denial::ConcurrentJobs));
        assert_eq!(d.class(), EndpointClass::LongRunning);
        assert_eq!(d.retry_after_ms(), Some(1_500));
        assert_eq!(d.retry_after_secs(), Some(2));
    }
}
