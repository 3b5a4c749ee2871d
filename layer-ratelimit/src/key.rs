//! [`BucketKey`]: the default key of the keyed limiter, 16 bytes.

use core::fmt;
use core::hash::{Hash, Hasher};

/// Sixteen bytes naming whose buckets these are: for partner keys, the ASCII bytes of the
/// public 16-character key id (`01HX9Y6K7EJ4T2AB`); for legacy keys, which have no id, 16 bytes
/// derived from the key's digest.
///
/// The limiter is generic over any `Copy + Eq + Hash` key; this one keeps a table entry at 24
/// bytes. Key ids are public and log-safe, so `Debug` prints them.
///
/// ```
/// use layer_ratelimit::BucketKey;
///
/// let key = BucketKey::from_slice(b"01HX9Y6K7EJ4T2AB").unwrap();
/// assert_eq!(format!("{key:?}"), "BucketKey(\"01HX9Y6K7EJ4T2AB\")");
/// assert!(BucketKey::from_slice(b"short").is_none());
/// ```
#[derive(Clone, Copy, Eq, PartialOrd, Ord, Default)]
pub struct BucketKey([u8; 16]);

impl BucketKey {
    /// The key with these bytes.
    #[must_use]
    pub const fn new(bytes: [u8; 16]) -> Self {
        Self(bytes)
    }

    /// The key with these bytes, `None` unless there are exactly 16.
    #[must_use]
    pub fn from_slice(bytes: &[u8]) -> Option<Self> {
        bytes.try_into().ok().map(Self)
    }

    /// The bytes.
    #[must_use]
    pub const fn as_bytes(&self) -> &[u8; 16] {
        &self.0
    }
}

impl From<[u8; 16]> for BucketKey {
    fn from(bytes: [u8; 16]) -> Self {
        Self(bytes)
    }
}

impl PartialEq for BucketKey {
    /// One 128-bit comparison, without a branch: the limiter compares several slots' keys at
    /// once.
    #[inline]
    fn eq(&self, other: &Self) -> bool {
        u128::from_ne_bytes(self.0) == u128::from_ne_bytes(other.0)
    }
}

impl Hash for BucketKey {
    #[inline]
    fn hash<H: Hasher>(&self, state: &mut H) {
        state.write_u128(u128::from_le_bytes(self.0));
    }
}

impl fmt::Debug for BucketKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match core::str::from_utf8(&self.0) {
            Ok(s) if s.bytes().all(|b| b.is_ascii_graphic()) => {
                f.debug_tuple("BucketKey").field(&s).finish()
            }
            _ => {
                f.write_str("BucketKey(0x")?;
                for b in self.0 {
                    write!(f, "{b:02x}")?;
                }
                f.write_str(")")
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn binary_keys_debug_as_hex() {
        let key = BucketKey::new([0xab; 16]);
        assert_eq!(
            format!("{key:?}"),
            format!("BucketKey(0x{})", "ab".repeat(16))
        );
    }
}
