//! [`Request`]: one check, with the limits already resolved from the tier table.

use crate::{ClassLimits, EndpointClass, Tier, TierTable};

/// One rate-limit check: whose, which class, which tier, and the limits that apply.
///
/// The limits travel with the request so that any backend, in-process or remote, decides in
/// one step without its own copy of the tier table.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct Request<K> {
    /// Whose buckets.
    pub key: K,
    /// Which bucket of the key.
    pub class: EndpointClass,
    /// The key's tier, reported back in the decision.
    pub tier: Tier,
    /// The limits of `tier` for `class`.
    pub limits: ClassLimits,
}

impl<K> Request<K> {
    /// A request checked against explicit limits.
    #[must_use]
    pub const fn new(key: K, class: EndpointClass, tier: Tier, limits: ClassLimits) -> Self {
        Self {
            key,
            class,
            tier,
            limits,
        }
    }

    /// A request checked against `tier`'s limits in `table`.
    #[must_use]
    pub fn from_table(key: K, class: EndpointClass, tier: Tier, table: &TierTable) -> Self {
        let limits = table.limits(&tier).for_class(class);
        Self::new(key, class, tier, limits)
    }
}
