//! [`Tier`]: the rate-limit tier a key is provisioned with.

use core::fmt;
use core::str::FromStr;
use std::sync::Arc;

use crate::{Error, Result};

/// A key's rate-limit tier (SPEC 3.1): the three documented tiers, `internal`, or a custom one.
///
/// Names round-trip through [`Display`](fmt::Display) and [`FromStr`]; a built-in name always
/// parses to the built-in variant, never to [`Tier::Custom`].
///
/// ```
/// use layer_ratelimit::Tier;
///
/// assert_eq!("pilot".parse::<Tier>().unwrap(), Tier::Pilot);
/// let custom: Tier = "burst-partner".parse().unwrap();
/// assert_eq!(custom.to_string(), "burst-partner");
/// assert!("Not A Tier".parse::<Tier>().is_err());
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Tier {
    /// The default for every partner key.
    #[default]
    Standard,
    /// Early-integration partners with planned higher throughput.
    Pilot,
    /// Enterprise tier for GA partners with SLAs.
    Partner,
    /// Our own traffic: unlimited by default.
    Internal,
    /// A tier defined at run time in the [`TierTable`](crate::TierTable).
    Custom(CustomTier),
}

impl Tier {
    /// The built-in tiers, in table order.
    pub const BUILT_IN: [Self; 4] = [Self::Standard, Self::Pilot, Self::Partner, Self::Internal];

    /// The wire name, as in `X-RateLimit-Tier`.
    #[must_use]
    pub fn as_str(&self) -> &str {
        match self {
            Self::Standard => "standard",
            Self::Pilot => "pilot",
            Self::Partner => "partner",
            Self::Internal => "internal",
            Self::Custom(c) => c.as_str(),
        }
    }

    /// Dense index of a built-in tier, `None` for custom tiers.
    pub(crate) fn built_in_index(&self) -> Option<usize> {
        match self {
            Self::Standard => Some(0),
            Self::Pilot => Some(1),
            Self::Partner => Some(2),
            Self::Internal => Some(3),
            Self::Custom(_) => None,
        }
    }
}

impl fmt::Display for Tier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Tier {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self> {
        match Self::BUILT_IN.into_iter().find(|t| t.as_str() == s) {
            Some(t) => Ok(t),
            None => CustomTier::new(s).map(Self::Custom),
        }
    }
}

/// The name of a custom tier.
///
/// # Constraints
///
/// 1 to [`CustomTier::MAX_LEN`] characters from `a-z 0-9 - _`, not a built-in tier name. The
/// name is therefore always a valid header value and a valid structured-field string.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CustomTier(Arc<str>);

impl CustomTier {
    /// The longest accepted name.
    pub const MAX_LEN: usize = 32;

    /// Validates `name`.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidTierName`] if it breaks the constraints, [`Error::ReservedTierName`] if
    /// it names a built-in tier.
    pub fn new(name: &str) -> Result<Self> {
        let valid_char =
            |b: u8| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_';
        if name.is_empty() || name.len() > Self::MAX_LEN || !name.bytes().all(valid_char) {
            return Err(Error::InvalidTierName);
        }
        if Tier::BUILT_IN.iter().any(|t| t.as_str() == name) {
            return Err(Error::ReservedTierName);
        }
        Ok(Self(Arc::from(name)))
    }

    /// The name.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for CustomTier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn built_in_names_round_trip() {
        for tier in Tier::BUILT_IN {
            assert_eq!(tier.to_string().parse::<Tier>(), Ok(tier));
        }
    }

    #[test]
    fn custom_names_are_validated() {
        assert_eq!(CustomTier::new(""), Err(Error::InvalidTierName));
        assert_eq!(CustomTier::new("Gold"), Err(Error::InvalidTierName));
        assert_eq!(CustomTier::new("a\"b"), Err(Error::InvalidTierName));
        assert_eq!(
            CustomTier::new(&"a".repeat(33)),
            Err(Error::InvalidTierName)
        );
        assert_eq!(CustomTier::new("partner"), Err(Error::ReservedTierName));
        assert_eq!(CustomTier::new("gold_2").unwrap().as_str(), "gold_2");
    }

    #[test]
    fn parsing_built_in_never_yields_custom() {
        assert_eq!("internal".parse::<Tier>(), Ok(Tier::Internal));
        assert!(matches!("gold".parse::<Tier>(), Ok(Tier::Custom(_))));
    }
}
