//! The CRC-32C checksum minted partner keys carry in their secret's last four bytes.
//!
//! Like GitHub's token checksums, it lets a scanner tell a real key from a look-alike, and a
//! server reject a typo, without any lookup. It is not a security boundary: the 224 random
//! bits before it are.

/// Whether a partner key's secret carries a valid checksum.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "lowercase"))]
pub enum Checksum {
    /// The last four bytes are the CRC-32C of everything before them.
    Valid,
    /// They are not: a typo, a look-alike, or a key minted by another implementation.
    Invalid,
}

impl Checksum {
    /// `true` for [`Checksum::Valid`].
    #[must_use]
    pub const fn is_valid(self) -> bool {
        matches!(self, Self::Valid)
    }
}

/// Number of random bytes in a minted secret; the remaining four are the checksum.
pub(crate) const RANDOM_LEN: usize = 28;

/// CRC-32C of `prefix` (`lp_<env>_<key_id>_`) followed by the secret's random bytes, big-endian.
pub(crate) fn compute(prefix: &[u8], random: &[u8]) -> [u8; 4] {
    crc32c::crc32c_append(crc32c::crc32c(prefix), random).to_be_bytes()
}

/// Checks the checksum of a decoded 32-byte secret under its key's prefix.
pub(crate) fn verify(prefix: &[u8], secret: &[u8; 32]) -> Checksum {
    let (random, stored) = secret.split_at(RANDOM_LEN);
    // The checksum is public information derived from the key's text, not secret material;
    // a plain comparison is fine here.
    if compute(prefix, random) == stored {
        Checksum::Valid
    } else {
        Checksum::Invalid
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crc32c_known_answer() {
        // RFC 3720 B.4: CRC-32C of 32 bytes of zeros.
        assert_eq!(compute(&[], &[0u8; 32]), 0x8A91_36AAu32.to_be_bytes());
    }
}
