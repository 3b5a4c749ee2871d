//! The partner key's environment segment.

use std::{fmt, str::FromStr};

/// Whether a partner key is for production (`live`) or development (`test`).
///
/// The env is parsed, stored and surfaced on verification; it does not select a different
/// rate-limit bucket (a test key and a live key are different keys, so they already have
/// different buckets).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "lowercase"))]
pub enum Env {
    /// `live`: production traffic.
    Live,
    /// `test`: CI and local development.
    Test,
}

impl Env {
    /// The segment's text: `live` or `test`.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Live => "live",
            Self::Test => "test",
        }
    }

    /// Reads the four bytes of an env segment.
    pub(crate) fn from_segment(bytes: &[u8]) -> Option<Self> {
        match bytes {
            b"live" => Some(Self::Live),
            b"test" => Some(Self::Test),
            _ => None,
        }
    }
}

impl fmt::Display for Env {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The text is not `live` or `test`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("env must be `live` or `test`")]
pub struct EnvError;

impl FromStr for Env {
    type Err = EnvError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::from_segment(s.as_bytes()).ok_or(EnvError)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_is_strict() {
        for env in [Env::Live, Env::Test] {
            assert_eq!(env.to_string().parse::<Env>(), Ok(env));
        }
        for bad in ["", "LIVE", "Live", "prod", "live ", "tes"] {
            assert_eq!(bad.parse::<Env>(), Err(EnvError), "{bad:?}");
        }
    }
}
