//! The operating system's CSPRNG, the only source of key material.

/// The operating system's random source failed.
///
/// Rare (an early-boot kernel without entropy, a sandbox that forbids `getrandom`), but a key
/// minted without real randomness is worse than no key, so this is an error and never a panic
/// or a silent fallback.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("the operating system's random source failed")]
pub struct RandomError;

/// Fills `buf` from the OS CSPRNG.
pub(crate) fn fill_random(buf: &mut [u8]) -> Result<(), RandomError> {
    getrandom::fill(buf).map_err(|_| RandomError)
}
