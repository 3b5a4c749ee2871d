//! The partner key's secret: 32 bytes that never print.

use std::fmt;

use subtle::ConstantTimeEq;
use zeroize::{Zeroize, ZeroizeOnDrop};

/// The 32 bytes a partner key's 43-character secret encodes.
///
/// # Security
///
/// No `Display`, no `Serialize`; `Debug` prints `Secret([REDACTED])`; the bytes are zeroed on
/// drop and readable only through [`Secret::expose_secret`], so every use is easy to grep for.
/// `==` is constant-time.
#[derive(Clone, Zeroize, ZeroizeOnDrop)]
pub struct Secret([u8; Secret::LEN]);

impl Secret {
    /// Length of the decoded secret in bytes.
    pub const LEN: usize = 32;
    /// Length of the encoded secret in characters (unpadded base64url).
    pub const ENCODED_LEN: usize = 43;

    /// Wraps raw secret bytes.
    #[must_use]
    pub const fn from_bytes(bytes: [u8; Self::LEN]) -> Self {
        Self(bytes)
    }

    /// The raw bytes. Every read of secret material goes through here.
    #[must_use]
    pub const fn expose_secret(&self) -> &[u8; Self::LEN] {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret([REDACTED])")
    }
}

impl ConstantTimeEq for Secret {
    fn ct_eq(&self, other: &Self) -> subtle::Choice {
        self.0.ct_eq(&other.0)
    }
}

impl PartialEq for Secret {
    /// Constant-time: the time taken does not depend on where the bytes differ.
    fn eq(&self, other: &Self) -> bool {
        self.ct_eq(other).into()
    }
}

impl Eq for Secret {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_is_redacted() {
        let secret = Secret::from_bytes([0x41; 32]);
        assert_eq!(format!("{secret:?}"), "Secret([REDACTED])");
        assert_eq!(secret, Secret::from_bytes([0x41; 32]));
        assert_ne!(secret, Secret::from_bytes([0x42; 32]));
    }
}
