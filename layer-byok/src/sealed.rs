//! A provider key as stored: encrypted, with what it takes to open it.

use std::fmt;

/// The version of the master key a record was sealed under. Versions only grow: the newest is
/// the one new seals use, older ones are kept until a re-encrypt has moved every record off
/// them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct MasterKeyVersion(u32);

impl MasterKeyVersion {
    /// Wraps a version number as stored.
    #[must_use]
    pub const fn new(version: u32) -> Self {
        Self(version)
    }

    /// The number, as stored.
    #[must_use]
    pub const fn get(self) -> u32 {
        self.0
    }
}

impl fmt::Display for MasterKeyVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "v{}", self.0)
    }
}

/// Length of the AES-GCM nonce: 96 bits, fresh from the OS CSPRNG for every seal.
pub const NONCE_LEN: usize = 12;
/// Length of the AES-GCM authentication tag at the end of the ciphertext.
pub const TAG_LEN: usize = 16;

/// A sealed provider key: master-key version, nonce, and ciphertext with its tag appended.
///
/// It says nothing about the key it hides, so `Debug` shows it whole; the organization and
/// provider it belongs to are not inside it but bound as associated data, so it opens only on
/// the row it was sealed for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Sealed {
    version: MasterKeyVersion,
    nonce: [u8; NONCE_LEN],
    ciphertext: Vec<u8>,
}

impl Sealed {
    /// Reassembles a sealed key from its stored columns.
    #[must_use]
    pub const fn from_parts(
        version: MasterKeyVersion,
        nonce: [u8; NONCE_LEN],
        ciphertext: Vec<u8>,
    ) -> Self {
        Self {
            version,
            nonce,
            ciphertext,
        }
    }

    /// The master-key version it was sealed under.
    #[must_use]
    pub const fn version(&self) -> MasterKeyVersion {
        self.version
    }

    /// The 96-bit nonce.
    #[must_use]
    pub const fn nonce(&self) -> &[u8; NONCE_LEN] {
        &self.nonce
    }

    /// The ciphertext, tag included (its last [`TAG_LEN`] bytes).
    #[must_use]
    pub fn ciphertext(&self) -> &[u8] {
        &self.ciphertext
    }
}
