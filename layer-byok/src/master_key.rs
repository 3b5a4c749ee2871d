//! One master key: the 32 bytes the vault's AES-256-GCM is keyed with.

use std::{fmt, str::FromStr};

use base64::{Engine as _, engine::general_purpose::STANDARD_PAD_INDIFFERENT};
use zeroize::{Zeroize, Zeroizing};

use crate::MasterKeyVersion;

/// Why a master key, or a keyring of them, could not be loaded. Never carries the key.
///
/// Variable names are not secret and are named; values never are, not even in part.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum MasterKeyError {
    /// The value is empty (or only whitespace).
    #[error("master key is empty")]
    Empty,
    /// The value is neither hexadecimal nor standard base64.
    #[error("master key is neither hex (64 characters) nor standard base64")]
    NotHexNorBase64,
    /// The value has the length of a hex key (64 characters) but a character that is not a hex
    /// digit: a typo, not a base64 key (base64 of 32 bytes is 43 or 44 characters).
    #[error("master key is 64 characters, as hex, but not all of them are hex digits")]
    NotHex,
    /// The value decodes, but not to exactly [`MasterKey::LEN`] bytes.
    #[error("master key decodes to {len} bytes; exactly 32 are required")]
    WrongLength {
        /// The decoded length.
        len: usize,
    },
    /// A master-key environment variable is not set.
    #[error("environment variable {name} is not set")]
    Missing {
        /// The variable.
        name: String,
    },
    /// A master-key environment variable is not valid Unicode.
    #[error("environment variable {name} is not valid unicode")]
    NotUnicode {
        /// The variable, lossily converted if its name is not Unicode either.
        name: String,
    },
    /// A variable under the master-key prefix whose name does not say which version it holds.
    #[error(
        "environment variable {name} is not a master-key variable: expected \
         LAYER_BYOK_MASTER_KEY or LAYER_BYOK_MASTER_KEY_V<n>, n a positive integer without \
         leading zeros"
    )]
    BadVariableName {
        /// The variable.
        name: String,
    },
    /// A master-key environment variable holds a value that is not a master key.
    #[error("environment variable {name}: {reason}")]
    InVariable {
        /// The variable.
        name: String,
        /// What is wrong with its value.
        #[source]
        reason: Box<MasterKeyError>,
    },
    /// The same version is given twice (for instance `LAYER_BYOK_MASTER_KEY` and `..._V1`).
    #[error("master key {version} is given twice")]
    DuplicateVersion {
        /// The version.
        version: MasterKeyVersion,
    },
    /// A keyring needs at least one key.
    #[error(
        "no master key: set LAYER_BYOK_MASTER_KEY or LAYER_BYOK_MASTER_KEY_V<n> \
         (32 bytes, hex or base64)"
    )]
    NoKeys,
}

/// A 256-bit master key.
///
/// # Constraints
/// Exactly [`MasterKey::LEN`] bytes, given as 64 hexadecimal characters (either case) or as
/// standard base64 (`+` and `/`, padded or not). Surrounding whitespace, such as the newline a
/// file or a secret manager leaves, is ignored.
///
/// # Security
/// The bytes are readable only through [`MasterKey::expose_secret`], `Debug` prints
/// `[REDACTED]`, there is no `Display`, no equality and no serialization, and the bytes are
/// zeroized on drop. Parse errors say what is wrong, never what was given. Keep the key apart
/// from the data it protects: in the process environment or a secret manager, never in the
/// database that holds the sealed keys nor in its backups.
#[derive(Clone)]
pub struct MasterKey(Zeroizing<[u8; MasterKey::LEN]>);

impl MasterKey {
    /// The key length: 32 bytes, for AES-256.
    pub const LEN: usize = 32;

    /// Wraps raw key bytes, for keys that come from a secret manager as bytes.
    #[must_use]
    pub fn from_bytes(bytes: [u8; Self::LEN]) -> Self {
        Self(Zeroizing::new(bytes))
    }

    /// Parses a key from hex or base64 (see the constraints above).
    ///
    /// A string of an even number of hex digits is read as hex, anything else as base64: the
    /// two never collide for 32-byte keys (base64 of 32 bytes is 43 characters, or 44 ending in
    /// `=`). A 64-character string that is not all hex is taken for mistyped hex, not for
    /// base64 of 48 bytes.
    ///
    /// # Errors
    /// [`MasterKeyError::Empty`], [`MasterKeyError::NotHex`],
    /// [`MasterKeyError::NotHexNorBase64`] or [`MasterKeyError::WrongLength`]; none of them carries any part of `s`.
    pub fn parse(s: &str) -> Result<Self, MasterKeyError> {
        let s = s.trim_ascii().as_bytes();
        if s.is_empty() {
            return Err(MasterKeyError::Empty);
        }
        if s.len().is_multiple_of(2) && s.iter().all(u8::is_ascii_hexdigit) {
            return parse_hex(s);
        }
        if s.len() == 2 * Self::LEN {
            return Err(MasterKeyError::NotHex);
        }
        // Decoding into a fixed buffer one byte larger than a key both bounds the work on long
        // input and tells "too long" apart; longer input is measured without keeping it.
        let mut buf = Zeroizing::new([0_u8; Self::LEN + 1]);
        match STANDARD_PAD_INDIFFERENT.decode_slice(s, &mut buf[..]) {
            Ok(Self::LEN) => {
                let mut key = [0_u8; Self::LEN];
                key.copy_from_slice(&buf[..Self::LEN]);
                let parsed = Self::from_bytes(key);
                key.zeroize();
                Ok(parsed)
            }
            Ok(len) => Err(MasterKeyError::WrongLength { len }),
            Err(base64::DecodeSliceError::OutputSliceTooSmall) => {
                let long = Zeroizing::new(
                    STANDARD_PAD_INDIFFERENT
                        .decode(s)
                        .map_err(|_| MasterKeyError::NotHexNorBase64)?,
                );
                Err(MasterKeyError::WrongLength { len: long.len() })
            }
            Err(base64::DecodeSliceError::DecodeError(_)) => Err(MasterKeyError::NotHexNorBase64),
        }
    }

    /// Reads one key from the environment variable `name`, for deployments that keep a single
    /// key under a name of their own; [`MasterKeys::from_env`](crate::MasterKeys::from_env)
    /// reads the versioned scheme.
    ///
    /// # Errors
    /// [`MasterKeyError::Missing`], [`MasterKeyError::NotUnicode`], or
    /// [`MasterKeyError::InVariable`] wrapping the parse error.
    pub fn from_env_var(name: &str) -> Result<Self, MasterKeyError> {
        match std::env::var(name) {
            Ok(value) => {
                let value = Zeroizing::new(value);
                Self::parse(&value).map_err(|reason| MasterKeyError::InVariable {
                    name: name.to_owned(),
                    reason: Box::new(reason),
                })
            }
            Err(std::env::VarError::NotPresent) => Err(MasterKeyError::Missing {
                name: name.to_owned(),
            }),
            Err(std::env::VarError::NotUnicode(raw)) => {
                raw.into_encoded_bytes().zeroize();
                Err(MasterKeyError::NotUnicode {
                    name: name.to_owned(),
                })
            }
        }
    }

    /// The key bytes, for the one place that keys the cipher.
    #[must_use]
    pub fn expose_secret(&self) -> &[u8; Self::LEN] {
        &self.0
    }
}

/// Hex of the right alphabet and even length: decode, then check the length.
fn parse_hex(s: &[u8]) -> Result<MasterKey, MasterKeyError> {
    let len = s.len() / 2;
    if len != MasterKey::LEN {
        return Err(MasterKeyError::WrongLength { len });
    }
    let mut key = [0_u8; MasterKey::LEN];
    for (out, pair) in key.iter_mut().zip(s.chunks_exact(2)) {
        *out = (hex_value(pair[0]) << 4) | hex_value(pair[1]);
    }
    let parsed = MasterKey::from_bytes(key);
    key.zeroize();
    Ok(parsed)
}

/// The value of one hex digit, already checked by `is_ascii_hexdigit`.
const fn hex_value(c: u8) -> u8 {
    match c {
        b'0'..=b'9' => c - b'0',
        b'a'..=b'f' => c - b'a' + 10,
        _ => c - b'A' + 10,
    }
}

impl FromStr for MasterKey {
    type Err = MasterKeyError;

    /// Same as [`MasterKey::parse`].
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl fmt::Debug for MasterKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("MasterKey([REDACTED])")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEX: &str = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";
    const B64: &str = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";

    fn expected() -> [u8; 32] {
        std::array::from_fn(|i| u8::try_from(i).unwrap())
    }

    #[test]
    fn hex_and_base64_agree() {
        for s in [
            HEX,
            &HEX.to_uppercase(),
            B64,
            B64.trim_end_matches('='),
            &format!("  {HEX}\n"),
        ] {
            assert_eq!(MasterKey::parse(s).unwrap().expose_secret(), &expected());
        }
    }

    #[test]
    fn wrong_lengths_are_measured() {
        let cases = [
            (&HEX[..62], 31),
            (&format!("{HEX}aa")[..], 33),
            ("AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHg==", 31),
            ("AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8g", 33),
        ];
        for (s, len) in cases {
            assert_eq!(
                MasterKey::parse(s).unwrap_err(),
                MasterKeyError::WrongLength { len },
                "{len}"
            );
        }
        let long = "QUFB".repeat(100);
        assert_eq!(
            MasterKey::parse(&long).unwrap_err(),
            MasterKeyError::WrongLength { len: 300 }
        );
    }

    #[test]
    fn empty_and_garbage() {
        assert_eq!(MasterKey::parse(" \n").unwrap_err(), MasterKeyError::Empty);
        for s in ["not a key!", "zz", "AAECAwQF#", "-_-_"] {
            assert_eq!(
                MasterKey::parse(s).unwrap_err(),
                MasterKeyError::NotHexNorBase64
            );
        }
    }

    #[test]
    fn debug_is_redacted() {
        let key = MasterKey::parse(HEX).unwrap();
        assert_eq!(format!("{key:?}"), "MasterKey([REDACTED])");
    }
}
