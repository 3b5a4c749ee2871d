//! The partner key's public, log-safe key id.

use std::{
    fmt,
    str::FromStr,
    time::{SystemTime, UNIX_EPOCH},
};

use crate::{
    alphabet::{CROCKFORD_VALUE, INVALID},
    random::{RandomError, fill_random},
};

/// A partner key's 16-character key id: upper-case Crockford base32, 80 bits.
///
/// Public and log-safe: it is how a key is looked up and how rate limits are attributed.
///
/// # Constraints
///
/// Exactly [`KeyId::LEN`] characters of `0123456789ABCDEFGHJKMNPQRSTVWXYZ`; lower case and the
/// letters `I`, `L`, `O`, `U` are refused (no normalisation, so one id has one spelling).
///
/// Ids minted by [`KeyId::generate`] are time-ordered like a ULID: the first 10 characters
/// are the creation time in Unix milliseconds, the last 6 are 30 random bits. That keeps
/// database indexes local. Parsing accepts any 16 valid characters.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct KeyId([u8; KeyId::LEN]);

impl KeyId {
    /// Length of a key id in characters.
    pub const LEN: usize = 16;

    /// Mints a time-ordered key id for the current time with 30 bits from the OS CSPRNG.
    ///
    /// # Errors
    ///
    /// [`RandomError`] if the operating system's random source fails.
    pub fn generate() -> Result<Self, RandomError> {
        let now_ms = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX));
        let mut random = [0u8; 4];
        fill_random(&mut random)?;
        Ok(Self::from_time_and_random(
            now_ms,
            u32::from_be_bytes(random),
        ))
    }

    /// Builds the id whose first 10 characters encode `unix_ms` (its low 48 bits, as a ULID
    /// does) and whose last 6 encode the low 30 bits of `random`.
    ///
    /// Deterministic: for test vectors and migrations. Use [`KeyId::generate`] to mint ids.
    #[must_use]
    pub fn from_time_and_random(unix_ms: u64, random: u32) -> Self {
        let value =
            (u128::from(unix_ms & 0xFFFF_FFFF_FFFF) << 30) | u128::from(random & 0x3FFF_FFFF);
        // 80 bits, big-endian, in ten bytes: exactly 16 Crockford characters, no padding.
        let bytes = value.to_be_bytes();
        let text = base32::encode(base32::Alphabet::Crockford, &bytes[6..]);
        let mut id = [0u8; Self::LEN];
        id.copy_from_slice(text.as_bytes());
        Self(id)
    }

    /// The creation time in Unix milliseconds that a generated id carries in its first 10
    /// characters. Meaningless for ids not minted by [`KeyId::generate`].
    #[must_use]
    pub fn timestamp_ms(&self) -> u64 {
        self.0[..10].iter().fold(0u64, |acc, &c| {
            (acc << 5) | u64::from(CROCKFORD_VALUE[c as usize] & 0x1F)
        })
    }

    /// The id as text.
    #[must_use]
    pub fn as_str(&self) -> &str {
        // The bytes are validated ASCII, so this never fails; the fallback is unreachable.
        std::str::from_utf8(&self.0).unwrap_or_default()
    }

    /// The id's 16 ASCII bytes.
    #[must_use]
    pub const fn as_bytes(&self) -> &[u8; Self::LEN] {
        &self.0
    }

    /// Wraps bytes validated by the partner key parser.
    pub(crate) const fn from_validated(bytes: [u8; Self::LEN]) -> Self {
        Self(bytes)
    }

    /// Validates 16 bytes already known to be the key id's length.
    ///
    /// On failure, returns the index of the first byte outside the alphabet.
    pub(crate) fn from_exact(bytes: &[u8; Self::LEN]) -> Result<Self, usize> {
        match bytes
            .iter()
            .position(|&b| CROCKFORD_VALUE[b as usize] == INVALID)
        {
            Some(i) => Err(i),
            None => Ok(Self(*bytes)),
        }
    }
}

impl fmt::Display for KeyId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Debug for KeyId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("KeyId").field(&self.as_str()).finish()
    }
}

/// The text is not a key id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum KeyIdError {
    /// Not exactly 16 bytes.
    #[error("key id must be 16 characters, found {found} bytes")]
    Length {
        /// Bytes found.
        found: usize,
    },
    /// A character outside upper-case Crockford base32.
    #[error("key id character at byte {position} is not upper-case Crockford base32")]
    Character {
        /// Byte offset of the offending character.
        position: usize,
    },
}

impl FromStr for KeyId {
    type Err = KeyIdError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bytes: &[u8; Self::LEN] = s
            .as_bytes()
            .try_into()
            .map_err(|_| KeyIdError::Length { found: s.len() })?;
        Self::from_exact(bytes).map_err(|position| KeyIdError::Character { position })
    }
}

#[cfg(feature = "serde")]
impl serde::Serialize for KeyId {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

#[cfg(feature = "serde")]
impl<'de> serde::Deserialize<'de> for KeyId {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn time_layout_matches_ulid() {
        // The ULID spec's example timestamp 1469918176385 encodes as 01ARYZ6S41.
        let id = KeyId::from_time_and_random(1_469_918_176_385, 0);
        assert_eq!(&id.as_str()[..10], "01ARYZ6S41");
        assert_eq!(&id.as_str()[10..], "000000");
        assert_eq!(id.timestamp_ms(), 1_469_918_176_385);
        let id = KeyId::from_time_and_random(1_469_918_176_385, u32::MAX);
        assert_eq!(&id.as_str()[10..], "ZZZZZZ");
    }

    #[test]
    fn generated_ids_are_time_ordered_and_parse() {
        let a = KeyId::generate().unwrap();
        std::thread::sleep(std::time::Duration::from_millis(2));
        let b = KeyId::generate().unwrap();
        assert!(a.as_str()[..10] < b.as_str()[..10]);
        assert_eq!(a.as_str().parse::<KeyId>(), Ok(a));
    }

    #[test]
    fn parse_is_strict() {
        assert_eq!(
            "01HX9Y6K7EJ4T2AB"
                .parse::<KeyId>()
                .map(|k| k.to_string())
                .as_deref(),
            Ok("01HX9Y6K7EJ4T2AB")
        );
        assert_eq!(
            "01hx9y6k7ej4t2ab".parse::<KeyId>(),
            Err(KeyIdError::Character { position: 2 })
        );
        assert_eq!(
            "01HX9Y6K7EJ4T2AI".parse::<KeyId>(),
            Err(KeyIdError::Character { position: 15 })
        );
        assert_eq!(
            "01HX9Y6K7EJ4T2A".parse::<KeyId>(),
            Err(KeyIdError::Length { found: 15 })
        );
    }
}
