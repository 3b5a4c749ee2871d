//! A key of either format, as a request presents it.

use std::{fmt, str::FromStr};

use crate::{LegacyKey, ParseError, PartnerKey};

/// Which format a key has.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "lowercase"))]
#[non_exhaustive]
pub enum KeyKind {
    /// `lp_<env>_<key_id>_<secret>`.
    Partner,
    /// `layer_` + 64 hex.
    Legacy,
}

/// A partner key or a legacy key, told apart by prefix.
///
/// Same security contract as the two formats: masked `Display`, redacted `Debug`, the whole key
/// only through [`ApiKey::expose_secret`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ApiKey {
    /// A partner key.
    Partner(PartnerKey),
    /// A legacy key.
    Legacy(LegacyKey),
}

impl ApiKey {
    /// Parses either format from bytes.
    ///
    /// # Errors
    ///
    /// The [`ParseError`] of the format the prefix selects, or
    /// [`ParseError::UnknownPrefix`].
    pub fn parse_bytes(input: &[u8]) -> Result<Self, ParseError> {
        if input.starts_with(PartnerKey::PREFIX.as_bytes()) {
            PartnerKey::parse_bytes(input).map(Self::Partner)
        } else if input.starts_with(LegacyKey::PREFIX.as_bytes()) {
            LegacyKey::parse_bytes(input).map(Self::Legacy)
        } else if input.is_empty() {
            Err(ParseError::Empty)
        } else {
            Err(ParseError::UnknownPrefix)
        }
    }

    /// The key's format.
    #[must_use]
    pub const fn kind(&self) -> KeyKind {
        match self {
            Self::Partner(_) => KeyKind::Partner,
            Self::Legacy(_) => KeyKind::Legacy,
        }
    }

    /// The log-safe public part: `lp_<env>_<key_id>` or `layer_9e14`.
    #[must_use]
    pub fn public_part(&self) -> &str {
        match self {
            Self::Partner(key) => key.public_part(),
            Self::Legacy(key) => key.public_part(),
        }
    }

    /// The whole key. Every read of the full key goes through here.
    #[must_use]
    pub fn expose_secret(&self) -> &str {
        match self {
            Self::Partner(key) => key.expose_secret(),
            Self::Legacy(key) => key.expose_secret(),
        }
    }
}

impl FromStr for ApiKey {
    type Err = ParseError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse_bytes(s.as_bytes())
    }
}

impl fmt::Display for ApiKey {
    /// The masked form of the underlying key.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Partner(key) => key.fmt(f),
            Self::Legacy(key) => key.fmt(f),
        }
    }
}

impl From<PartnerKey> for ApiKey {
    fn from(key: PartnerKey) -> Self {
        Self::Partner(key)
    }
}

impl From<LegacyKey> for ApiKey {
    fn from(key: LegacyKey) -> Self {
        Self::Legacy(key)
    }
}
