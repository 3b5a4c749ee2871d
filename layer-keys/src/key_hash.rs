//! The stored bcrypt hash of a partner key, in modular crypt form.

use std::{fmt, str::FromStr};

use base64::Engine as _;

/// The bcrypt alphabet of modular crypt strings.
const BCRYPT_ALPHABET: &[u8; 64] =
    b"./ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

/// A bcrypt hash as stored beside a key record: `$2b$12$` + 22 salt + 31 hash characters.
///
/// # Constraints
///
/// Exactly 60 ASCII bytes; version `2a`, `2b` or `2y` (`2x` marks hashes made by a known-broken
/// implementation and is refused); a two-digit cost in `4..=31`; 53 characters of bcrypt's
/// base64 alphabet. Parsing does no hashing work, so a row can be checked (its cost above all)
/// before any CPU is spent on it.
///
/// Not secret in the way a key is (it cannot be reversed), but `Debug` shows only the version
/// and cost so that hashes do not end up in logs by accident. `Display` prints the whole
/// string for storage.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct KeyHash([u8; KeyHash::LEN]);

impl KeyHash {
    /// Length of a bcrypt modular crypt string.
    pub const LEN: usize = 60;

    /// The work factor: 2^cost Blowfish key expansions.
    #[must_use]
    pub fn cost(&self) -> u32 {
        u32::from(self.0[4] - b'0') * 10 + u32::from(self.0[5] - b'0')
    }

    /// The modular crypt string.
    #[must_use]
    pub fn as_str(&self) -> &str {
        std::str::from_utf8(&self.0).unwrap_or_default()
    }

    /// The 16 raw salt bytes.
    pub(crate) fn salt(&self) -> [u8; 16] {
        let mut salt = [0u8; 16];
        // Checked decodable when parsed.
        let _ = bcrypt::BASE_64.decode_slice(&self.0[7..29], &mut salt);
        salt
    }

    /// The 31 encoded characters of the hash output.
    pub(crate) fn output(&self) -> &[u8] {
        &self.0[29..]
    }

    /// The version tag: `2a`, `2b` or `2y`.
    #[must_use]
    pub fn version(&self) -> &str {
        &self.as_str()[1..3]
    }
}

/// The text is not a bcrypt modular crypt string.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum KeyHashError {
    /// Not 60 bytes.
    #[error("bcrypt hash must be 60 bytes, found {found}")]
    Length {
        /// Bytes found.
        found: usize,
    },
    /// Not `$2a$`, `$2b$` or `$2y$`.
    #[error("bcrypt hash must start with `$2a$`, `$2b$` or `$2y$`")]
    Version,
    /// The cost is not two digits in `4..=31`.
    #[error("bcrypt cost must be two digits between 04 and 31")]
    Cost,
    /// A `$` separator is missing, or a salt or hash character is outside bcrypt's base64.
    #[error("bcrypt hash is malformed at byte {position}")]
    Malformed {
        /// Byte offset of the offending character.
        position: usize,
    },
}

impl FromStr for KeyHash {
    type Err = KeyHashError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bytes: &[u8; Self::LEN] = s
            .as_bytes()
            .try_into()
            .map_err(|_| KeyHashError::Length { found: s.len() })?;
        if !matches!(&bytes[..4], b"$2a$" | b"$2b$" | b"$2y$") {
            return Err(KeyHashError::Version);
        }
        let (tens, ones) = (bytes[4], bytes[5]);
        if !tens.is_ascii_digit() || !ones.is_ascii_digit() {
            return Err(KeyHashError::Cost);
        }
        let cost = u32::from(tens - b'0') * 10 + u32::from(ones - b'0');
        if !(4..=31).contains(&cost) {
            return Err(KeyHashError::Cost);
        }
        if bytes[6] != b'$' {
            return Err(KeyHashError::Malformed { position: 6 });
        }
        if let Some(offset) = bytes[7..].iter().position(|b| !BCRYPT_ALPHABET.contains(b)) {
            return Err(KeyHashError::Malformed {
                position: 7 + offset,
            });
        }
        // Both parts must be canonical bcrypt base64 (22 characters for the 16-byte salt, 31
        // for the 23-byte hash), so that verification can never fail to decode them.
        let mut salt = [0u8; 16];
        let mut output = [0u8; 23];
        if bcrypt::BASE_64
            .decode_slice(&bytes[7..29], &mut salt)
            .is_err()
        {
            return Err(KeyHashError::Malformed { position: 28 });
        }
        if bcrypt::BASE_64
            .decode_slice(&bytes[29..], &mut output)
            .is_err()
        {
            return Err(KeyHashError::Malformed { position: 59 });
        }
        Ok(Self(*bytes))
    }
}

impl fmt::Display for KeyHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Debug for KeyHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("KeyHash")
            .field("version", &self.version())
            .field("cost", &self.cost())
            .finish_non_exhaustive()
    }
}

#[cfg(feature = "serde")]
impl serde::Serialize for KeyHash {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

#[cfg(feature = "serde")]
impl<'de> serde::Deserialize<'de> for KeyHash {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &str = "$2b$12$L6Bc/AlTQHyd9liGgGEZyOFLPHNgyxeEPfgYfBCVxJ7JIlwxyVU3u";

    #[test]
    fn parses_and_prints_back() {
        let hash: KeyHash = SAMPLE.parse().unwrap();
        assert_eq!(hash.cost(), 12);
        assert_eq!(hash.version(), "2b");
        assert_eq!(hash.to_string(), SAMPLE);
        assert_eq!(
            format!("{hash:?}"),
            r#"KeyHash { version: "2b", cost: 12, .. }"#
        );
    }

    #[test]
    fn refuses_malformed() {
        let with = |range: std::ops::Range<usize>, text: &str| {
            let mut s = SAMPLE.to_owned();
            s.replace_range(range, text);
            s.parse::<KeyHash>()
        };
        assert_eq!(with(1..3, "2x"), Err(KeyHashError::Version));
        assert_eq!(with(4..6, "32"), Err(KeyHashError::Cost));
        assert_eq!(with(4..6, "03"), Err(KeyHashError::Cost));
        assert_eq!(with(4..6, "1a"), Err(KeyHashError::Cost));
        assert_eq!(
            with(6..7, "x"),
            Err(KeyHashError::Malformed { position: 6 })
        );
        assert_eq!(
            with(20..21, "!"),
            Err(KeyHashError::Malformed { position: 20 })
        );
        assert_eq!(
            "".parse::<KeyHash>(),
            Err(KeyHashError::Length { found: 0 })
        );
    }
}
