//! The legacy key, `layer_` + 64 lower-case hex characters, and its lookup digest.

use std::{fmt, str::FromStr};

use sha2::{Digest as _, Sha256};
use subtle::ConstantTimeEq;
use zeroize::{Zeroize, ZeroizeOnDrop};

use crate::{
    ParseError,
    alphabet::{HEX_LOWER, HEX_VALUE, INVALID},
    random::{RandomError, fill_random},
};

const BODY_START: usize = LegacyKey::PREFIX.len();
const MASK_LEN: usize = 10;

/// A legacy API key: `layer_` followed by 64 lower-case hex characters (32 random bytes).
///
/// It has no public key id, so it is found by its [`LegacyDigest`] (SHA-256 of the whole key)
/// and compared in constant time; bcrypt would force a scan of every stored hash.
///
/// # Security
///
/// `Display` prints the masked form `layer_9e14...`; `Debug` prints nothing of the key; the
/// whole key only through [`LegacyKey::expose_secret`]. Zeroed on drop; `==` is constant-time.
#[derive(Clone, Zeroize, ZeroizeOnDrop)]
pub struct LegacyKey {
    text: [u8; LegacyKey::LEN],
}

impl LegacyKey {
    /// Length of a legacy key in bytes.
    pub const LEN: usize = 70;
    /// The constant prefix.
    pub const PREFIX: &'static str = "layer_";

    /// Mints a legacy key from 32 bytes of the OS CSPRNG (for tests and migrations: new keys
    /// should be [`PartnerKey`](crate::PartnerKey)s).
    ///
    /// # Errors
    ///
    /// [`RandomError`] if the operating system's random source fails.
    pub fn generate() -> Result<Self, RandomError> {
        let mut random = [0u8; 32];
        fill_random(&mut random)?;
        let mut text = [0u8; Self::LEN];
        text[..BODY_START].copy_from_slice(Self::PREFIX.as_bytes());
        for (i, byte) in random.iter().enumerate() {
            text[BODY_START + 2 * i] = HEX_LOWER[usize::from(byte >> 4)];
            text[BODY_START + 2 * i + 1] = HEX_LOWER[usize::from(byte & 0x0F)];
        }
        random.zeroize();
        Ok(Self { text })
    }

    /// Parses a legacy key from bytes.
    ///
    /// # Errors
    ///
    /// [`ParseError::UnknownPrefix`], [`ParseError::LegacyCharacter`] or
    /// [`ParseError::LegacyLength`].
    pub fn parse_bytes(input: &[u8]) -> Result<Self, ParseError> {
        if input.is_empty() {
            return Err(ParseError::Empty);
        }
        let Some(body) = input.strip_prefix(Self::PREFIX.as_bytes()) else {
            return Err(ParseError::UnknownPrefix);
        };
        if let Some(offset) = body.iter().position(|&b| HEX_VALUE[b as usize] == INVALID) {
            return Err(ParseError::LegacyCharacter {
                position: BODY_START + offset,
            });
        }
        if input.len() != Self::LEN {
            return Err(ParseError::LegacyLength {
                position: BODY_START,
                found: body.len(),
            });
        }
        let mut text = [0u8; Self::LEN];
        text.copy_from_slice(input);
        Ok(Self { text })
    }

    /// The masked form's visible part: the first 10 characters, `layer_9e14`.
    #[must_use]
    pub fn public_part(&self) -> &str {
        std::str::from_utf8(&self.text[..MASK_LEN]).unwrap_or_default()
    }

    /// SHA-256 of the whole key: what a store indexes legacy keys by.
    #[must_use]
    pub fn lookup_digest(&self) -> LegacyDigest {
        LegacyDigest(Sha256::digest(self.text).into())
    }

    /// Checks this key against a stored digest, in constant time.
    ///
    /// # Errors
    ///
    /// [`VerifyError::Mismatch`](crate::VerifyError::Mismatch) if the digests differ.
    pub fn verify(&self, stored: &LegacyDigest) -> Result<(), crate::VerifyError> {
        if self.lookup_digest() == *stored {
            Ok(())
        } else {
            Err(crate::VerifyError::Mismatch)
        }
    }

    /// The whole key. Every read of the full key goes through here.
    #[must_use]
    pub fn expose_secret(&self) -> &str {
        std::str::from_utf8(&self.text).unwrap_or_default()
    }
}

impl FromStr for LegacyKey {
    type Err = ParseError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse_bytes(s.as_bytes())
    }
}

impl fmt::Display for LegacyKey {
    /// The masked form: `layer_9e14...`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}...", self.public_part())
    }
}

impl fmt::Debug for LegacyKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("LegacyKey([REDACTED])")
    }
}

impl ConstantTimeEq for LegacyKey {
    fn ct_eq(&self, other: &Self) -> subtle::Choice {
        self.text.ct_eq(&other.text)
    }
}

impl PartialEq for LegacyKey {
    /// Constant-time over the whole key.
    fn eq(&self, other: &Self) -> bool {
        self.ct_eq(other).into()
    }
}

impl Eq for LegacyKey {}

/// SHA-256 of a whole legacy key: safe to store and index, compared in constant time.
///
/// `Display`/`FromStr` use 64 lower-case hex characters.
#[derive(Clone, Copy)]
pub struct LegacyDigest([u8; 32]);

impl std::hash::Hash for LegacyDigest {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        // Same bytes that `==` compares, so `Hash` agrees with `Eq`.
        self.0.hash(state);
    }
}

impl LegacyDigest {
    /// Wraps a digest read from storage.
    #[must_use]
    pub const fn from_bytes(bytes: [u8; 32]) -> Self {
        Self(bytes)
    }

    /// The digest's bytes.
    #[must_use]
    pub const fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }
}

impl ConstantTimeEq for LegacyDigest {
    fn ct_eq(&self, other: &Self) -> subtle::Choice {
        self.0.ct_eq(&other.0)
    }
}

impl PartialEq for LegacyDigest {
    /// Constant-time.
    fn eq(&self, other: &Self) -> bool {
        self.ct_eq(other).into()
    }
}

impl Eq for LegacyDigest {}

impl fmt::Display for LegacyDigest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.iter().try_for_each(|b| write!(f, "{b:02x}"))
    }
}

impl fmt::Debug for LegacyDigest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "LegacyDigest({self})")
    }
}

/// The text is not 64 lower-case hex characters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("legacy digest must be 64 lower-case hex characters")]
pub struct LegacyDigestError;

impl FromStr for LegacyDigest {
    type Err = LegacyDigestError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let hex = s.as_bytes();
        if hex.len() != 64 {
            return Err(LegacyDigestError);
        }
        let mut out = [0u8; 32];
        for (byte, pair) in out.iter_mut().zip(hex.chunks_exact(2)) {
            let (hi, lo) = (HEX_VALUE[pair[0] as usize], HEX_VALUE[pair[1] as usize]);
            if hi == INVALID || lo == INVALID {
                return Err(LegacyDigestError);
            }
            *byte = (hi << 4) | lo;
        }
        Ok(Self(out))
    }
}

#[cfg(feature = "serde")]
impl serde::Serialize for LegacyDigest {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

#[cfg(feature = "serde")]
impl<'de> serde::Deserialize<'de> for LegacyDigest {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generate_parse_mask_digest() {
        let key = LegacyKey::generate().unwrap();
        let parsed: LegacyKey = key.expose_secret().parse().unwrap();
        assert_eq!(parsed, key);
        assert_eq!(key.to_string().len(), 13);
        assert!(key.to_string().starts_with("layer_") && key.to_string().ends_with("..."));
        assert_eq!(format!("{key:?}"), "LegacyKey([REDACTED])");
        let digest = key.lookup_digest();
        assert_eq!(digest.to_string().parse::<LegacyDigest>().unwrap(), digest);
        assert!(key.verify(&digest).is_ok());
        assert!(LegacyKey::generate().unwrap().verify(&digest).is_err());
    }
}
