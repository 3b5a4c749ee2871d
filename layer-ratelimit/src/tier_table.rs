//! [`TierTable`]: the limits of every tier, SPEC 3.1 by default, replaceable at run time.

use core::num::NonZeroU32;
use std::collections::HashMap;
use std::sync::{Arc, PoisonError, RwLock};

use crate::{CustomTier, EndpointClass, Quota, Tier};

const fn nz(n: u32) -> NonZeroU32 {
    match NonZeroU32::new(n) {
        Some(n) => n,
        None => NonZeroU32::MIN,
    }
}

/// The limits of one tier: a per-minute quota per class (`None` is unlimited), the daily cap
/// on `write-light` and the organization's concurrent-job slots.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct TierLimits {
    quotas: [Option<Quota>; 3],
    daily_write_cap: Option<NonZeroU32>,
    concurrent_jobs: Option<NonZeroU32>,
}

impl TierLimits {
    /// SPEC 3.1 `standard`: 120 / 60 / 20 per minute, 10,000 writes a day, 5 jobs.
    pub const STANDARD: Self = Self::per_minute(nz(120), nz(60), nz(20))
        .with_daily_write_cap(Some(nz(10_000)))
        .with_concurrent_jobs(Some(nz(5)));
    /// SPEC 3.1 `pilot`: 1,200 / 600 / 60 per minute, 100,000 writes a day, 25 jobs.
    pub const PILOT: Self = Self::per_minute(nz(1_200), nz(600), nz(60))
        .with_daily_write_cap(Some(nz(100_000)))
        .with_concurrent_jobs(Some(nz(25)));
    /// SPEC 3.1 `partner`: 6,000 / 3,000 / 300 per minute, 500,000 writes a day, 100 jobs.
    pub const PARTNER: Self = Self::per_minute(nz(6_000), nz(3_000), nz(300))
        .with_daily_write_cap(Some(nz(500_000)))
        .with_concurrent_jobs(Some(nz(100)));
    /// SPEC 3.1 `internal`: unlimited everywhere.
    pub const INTERNAL: Self = Self::unlimited();

    /// No limit at all.
    #[must_use]
    pub const fn unlimited() -> Self {
        Self {
            quotas: [None; 3],
            daily_write_cap: None,
            concurrent_jobs: None,
        }
    }

    /// Per-minute limits for `read-light`, `write-light` and `long-running`, with no daily cap
    /// and no job cap.
    #[must_use]
    pub const fn per_minute(read: NonZeroU32, write: NonZeroU32, long: NonZeroU32) -> Self {
        Self {
            quotas: [
                Some(Quota::per_minute(read)),
                Some(Quota::per_minute(write)),
                Some(Quota::per_minute(long)),
            ],
            daily_write_cap: None,
            concurrent_jobs: None,
        }
    }

    /// Replaces one class's quota (`None` makes it unlimited).
    #[must_use]
    pub const fn with_quota(mut self, class: EndpointClass, quota: Option<Quota>) -> Self {
        self.quotas[class.index()] = quota;
        self
    }

    /// Sets the daily cap on `write-light` (`None` for no cap).
    #[must_use]
    pub const fn with_daily_write_cap(mut self, cap: Option<NonZeroU32>) -> Self {
        self.daily_write_cap = cap;
        self
    }

    /// Sets the organization's concurrent-job slots (`None` for no cap).
    #[must_use]
    pub const fn with_concurrent_jobs(mut self, slots: Option<NonZeroU32>) -> Self {
        self.concurrent_jobs = slots;
        self
    }

    /// The quota of `class`, `None` if unlimited.
    #[must_use]
    pub const fn quota(&self, class: EndpointClass) -> Option<Quota> {
        self.quotas[class.index()]
    }

    /// The daily cap on `write-light`.
    #[must_use]
    pub const fn daily_write_cap(&self) -> Option<NonZeroU32> {
        self.daily_write_cap
    }

    /// The organization's concurrent-job slots.
    #[must_use]
    pub const fn concurrent_jobs(&self) -> Option<NonZeroU32> {
        self.concurrent_jobs
    }

    /// What a request in `class` is checked against: the class quota, plus the daily cap when
    /// the class is `write-light`.
    #[must_use]
    pub const fn for_class(&self, class: EndpointClass) -> ClassLimits {
        ClassLimits {
            quota: self.quota(class),
            daily_cap: match class {
                EndpointClass::WriteLight => self.daily_write_cap,
                _ => None,
            },
        }
    }
}

/// The limits one request is checked against: everything a backend needs, so a remote backend
/// can decide in one round trip.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ClassLimits {
    /// The bucket's quota; `None` is unlimited (the request is allowed without touching state).
    pub quota: Option<Quota>,
    /// The per-key daily cap, for `write-light` only.
    pub daily_cap: Option<NonZeroU32>,
}

impl ClassLimits {
    /// A bucket with `quota` and no daily cap.
    #[must_use]
    pub const fn quota(quota: Quota) -> Self {
        Self {
            quota: Some(quota),
            daily_cap: None,
        }
    }
}

/// The limits of every tier.
///
/// The default is SPEC 3.1. A key whose custom tier is missing from the table gets the
/// `standard` limits, the documented default tier; [`TierTable::get`] tells the two apart.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TierTable {
    built_in: [TierLimits; 4],
    custom: HashMap<CustomTier, TierLimits>,
}

impl Default for TierTable {
    fn default() -> Self {
        Self {
            built_in: [
                TierLimits::STANDARD,
                TierLimits::PILOT,
                TierLimits::PARTNER,
                TierLimits::INTERNAL,
            ],
            custom: HashMap::new(),
        }
    }
}

impl TierTable {
    /// The SPEC 3.1 table.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// This table with `tier`'s limits replaced (or a custom tier added).
    #[must_use]
    pub fn with_tier(mut self, tier: Tier, limits: TierLimits) -> Self {
        self.set(tier, limits);
        self
    }

    /// Replaces `tier`'s limits (or adds a custom tier).
    pub fn set(&mut self, tier: Tier, limits: TierLimits) {
        match (tier.built_in_index(), tier) {
            (Some(i), _) => self.built_in[i] = limits,
            (None, Tier::Custom(name)) => {
                self.custom.insert(name, limits);
            }
            (None, _) => {}
        }
    }

    /// `tier`'s limits, `None` for a custom tier not in the table.
    #[must_use]
    pub fn get(&self, tier: &Tier) -> Option<&TierLimits> {
        match (tier.built_in_index(), tier) {
            (Some(i), _) => self.built_in.get(i),
            (None, Tier::Custom(name)) => self.custom.get(name),
            (None, _) => None,
        }
    }

    /// `tier`'s limits, falling back to `standard` for an unknown custom tier.
    #[must_use]
    pub fn limits(&self, tier: &Tier) -> TierLimits {
        self.get(tier).copied().unwrap_or(self.built_in[0])
    }
}

/// A [`TierTable`] that can be replaced while requests are being served.
///
/// Readers take a cheap snapshot (an `Arc` clone) and keep using it for the request; a
/// replacement is seen by every snapshot taken after it.
#[derive(Debug, Default)]
pub struct SharedTierTable {
    current: RwLock<Arc<TierTable>>,
}

impl SharedTierTable {
    /// Starts from `table`.
    #[must_use]
    pub fn new(table: TierTable) -> Self {
        Self {
            current: RwLock::new(Arc::new(table)),
        }
    }

    /// The table in force now.
    #[must_use]
    pub fn load(&self) -> Arc<TierTable> {
        Arc::clone(&self.current.read().unwrap_or_else(PoisonError::into_inner))
    }

    /// Puts `table` in force and returns the one it replaced.
    pub fn replace(&self, table: TierTable) -> Arc<TierTable> {
        let mut current = self.current.write().unwrap_or_else(PoisonError::into_inner);
        core::mem::replace(&mut *current, Arc::new(table))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_table_is_spec_3_1() {
        let t = TierTable::new();
        let rows = [
            (Tier::Standard, [120, 60, 20], 10_000, 5),
            (Tier::Pilot, [1_200, 600, 60], 100_000, 25),
            (Tier::Partner, [6_000, 3_000, 300], 500_000, 100),
        ];
        for (tier, per_minute, cap, jobs) in rows {
            let limits = t.limits(&tier);
            for (class, n) in EndpointClass::ALL.into_iter().zip(per_minute) {
                let q = limits.quota(class).unwrap();
                assert_eq!(q.burst_size().get(), n, "{tier} {class}");
                assert_eq!(q.window().as_secs(), 60);
            }
            assert_eq!(limits.daily_write_cap().unwrap().get(), cap);
            assert_eq!(limits.concurrent_jobs().unwrap().get(), jobs);
        }
        assert_eq!(t.limits(&Tier::Internal), TierLimits::unlimited());
    }

    #[test]
    fn daily_cap_applies_to_write_light_only() {
        let limits = TierLimits::STANDARD;
        assert!(
            limits
                .for_class(EndpointClass::WriteLight)
                .daily_cap
                .is_some()
        );
        assert!(
            limits
                .for_class(EndpointClass::ReadLight)
                .daily_cap
                .is_none()
        );
        assert!(
            limits
                .for_class(EndpointClass::LongRunning)
                .daily_cap
                .is_none()
        );
    }

    #[test]
    fn custom_tiers_and_fallback() {
        let gold: Tier = "gold".parse().unwrap();
        let table = TierTable::new().with_tier(gold.clone(), TierLimits::PARTNER);
        assert_eq!(table.get(&gold), Some(&TierLimits::PARTNER));
        let unknown: Tier = "silver".parse().unwrap();
        assert_eq!(table.get(&unknown), None);
        assert_eq!(table.limits(&unknown), TierLimits::STANDARD);
    }

    #[test]
    fn shared_table_is_replaced_for_later_snapshots() {
        let shared = SharedTierTable::new(TierTable::new());
        let before = shared.load();
        let faster = TierTable::new().with_tier(Tier::Standard, TierLimits::PILOT);
        let old = shared.replace(faster);
        assert_eq!(*old, *before);
        assert_eq!(shared.load().limits(&Tier::Standard), TierLimits::PILOT);
        assert_eq!(before.limits(&Tier::Standard), TierLimits::STANDARD);
    }
}
