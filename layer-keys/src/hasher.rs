//! bcrypt hashing and verification of partner keys.

use std::ops::RangeInclusive;

use subtle::ConstantTimeEq;

use crate::{KeyHash, PartnerKey, random::RandomError, random::fill_random};

/// Why input cannot be hashed with bcrypt.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum InputError {
    /// Empty input.
    #[error("input is empty")]
    Empty,
    /// More than 72 bytes: bcrypt would silently ignore the rest.
    #[error("input is {len} bytes; bcrypt takes at most 72")]
    TooLong {
        /// Bytes given.
        len: usize,
    },
    /// A NUL byte: C implementations stop reading there, so hashes would not interoperate.
    #[error("input contains a NUL byte")]
    NulByte,
}

/// Why a hash could not be made.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum HashError {
    /// The input cannot be hashed.
    #[error(transparent)]
    Input(#[from] InputError),
    /// The requested cost is outside what this hasher allows.
    #[error("bcrypt cost {cost} is outside the allowed range {min}..={max}")]
    Cost {
        /// The cost asked for.
        cost: u32,
        /// Lowest allowed.
        min: u32,
        /// Highest allowed.
        max: u32,
    },
    /// The OS random source failed while drawing a salt.
    #[error(transparent)]
    Random(#[from] RandomError),
}

/// Why a key did not verify.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum VerifyError {
    /// The key is not the one the hash was made from.
    #[error("key does not match the stored hash")]
    Mismatch,
    /// The stored hash's cost is outside the accepted range; no hashing was attempted.
    #[error("stored hash has cost {cost}, outside the accepted range {min}..={max}")]
    CostOutOfRange {
        /// The stored cost.
        cost: u32,
        /// Lowest accepted.
        min: u32,
        /// Highest accepted.
        max: u32,
    },
    /// The presented input cannot be hashed at all.
    #[error(transparent)]
    Input(#[from] InputError),
}

/// Hashes partner keys with bcrypt and verifies them against stored hashes.
///
/// The hashed input is the whole 68-byte key, so env and key id are bound to the secret: a
/// hash copied to another row or env does not verify.
///
/// Verification first checks that the stored hash's cost lies in the accepted range (by
/// default exactly the hasher's cost) and refuses before doing any work otherwise: a tampered
/// row claiming cost 31 would burn a core for more than a day. The final comparison is
/// constant-time.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hasher {
    cost: u32,
    accepted: RangeInclusive<u32>,
}

impl Hasher {
    /// The default cost, 12.
    pub const DEFAULT_COST: u32 = 12;
    /// The lowest cost accepted outside tests, 10.
    pub const MIN_COST: u32 = 10;
    /// bcrypt's highest cost, 31.
    pub const MAX_COST: u32 = 31;
    /// The cost of [`Hasher::insecure_for_tests`], bcrypt's minimum, 4.
    pub const TEST_COST: u32 = 4;
    /// The longest input bcrypt hashes without truncation.
    pub const MAX_INPUT_LEN: usize = 72;

    /// A hasher at cost 12 that accepts only cost-12 hashes.
    #[must_use]
    pub const fn new() -> Self {
        Self {
            cost: Self::DEFAULT_COST,
            accepted: Self::DEFAULT_COST..=Self::DEFAULT_COST,
        }
    }

    /// A hasher at `cost`, accepting only hashes of that cost.
    ///
    /// # Errors
    ///
    /// [`HashError::Cost`] unless `cost` is in `10..=31`.
    pub fn with_cost(cost: u32) -> Result<Self, HashError> {
        check_cost(cost, Self::MIN_COST, Self::MAX_COST)?;
        Ok(Self {
            cost,
            accepted: cost..=cost,
        })
    }

    /// Accepts stored hashes with costs in `min..=max` (for a migration between costs; pair it
    /// with [`Hasher::needs_rehash`]).
    ///
    /// # Errors
    ///
    /// [`HashError::Cost`] unless `min..=max` lies within `10..=31` and contains the hasher's
    /// own cost.
    pub fn accepting(self, min: u32, max: u32) -> Result<Self, HashError> {
        check_cost(min, Self::MIN_COST, Self::MAX_COST)?;
        check_cost(max, min, Self::MAX_COST)?;
        check_cost(self.cost, min, max)?;
        Ok(Self {
            accepted: min..=max,
            ..self
        })
    }

    /// **Insecure.** A hasher at bcrypt's minimum cost, 4, accepting only cost-4 hashes, so
    /// test suites run fast. Never use it for real keys: cost 4 is about 256 times cheaper to
    /// brute-force than cost 12.
    #[must_use]
    pub const fn insecure_for_tests() -> Self {
        Self {
            cost: Self::TEST_COST,
            accepted: Self::TEST_COST..=Self::TEST_COST,
        }
    }

    /// The cost new hashes are made with.
    #[must_use]
    pub const fn cost(&self) -> u32 {
        self.cost
    }

    /// The range of stored costs [`Hasher::verify`] will work on.
    #[must_use]
    pub fn accepted_costs(&self) -> RangeInclusive<u32> {
        self.accepted.clone()
    }

    /// Hashes a partner key with a fresh random salt.
    ///
    /// # Errors
    ///
    /// [`HashError::Random`] if the OS random source fails.
    pub fn hash(&self, key: &PartnerKey) -> Result<KeyHash, HashError> {
        self.hash_bytes(key.expose_secret().as_bytes())
    }

    /// Hashes arbitrary input (1 to 72 bytes, no NUL) with a fresh random salt.
    ///
    /// # Errors
    ///
    /// [`HashError::Input`] for input bcrypt cannot take whole, [`HashError::Random`] if the OS
    /// random source fails.
    pub fn hash_bytes(&self, input: &[u8]) -> Result<KeyHash, HashError> {
        check_input(input)?;
        let mut salt = [0u8; 16];
        fill_random(&mut salt)?;
        let parts =
            bcrypt::hash_with_salt(input, self.cost, salt).map_err(|_| HashError::Cost {
                cost: self.cost,
                min: Self::TEST_COST,
                max: Self::MAX_COST,
            })?;
        let text = parts.format_for_version(bcrypt::Version::TwoB);
        // Our own output always parses; the error arm maps an impossible case to a typed error.
        text.parse().map_err(|_| HashError::Cost {
            cost: self.cost,
            min: Self::TEST_COST,
            max: Self::MAX_COST,
        })
    }

    /// Verifies a partner key against its stored hash.
    ///
    /// # Errors
    ///
    /// [`VerifyError::CostOutOfRange`] before any work if the stored cost is not accepted;
    /// [`VerifyError::Mismatch`] if the key is not the one hashed.
    pub fn verify(&self, key: &PartnerKey, stored: &KeyHash) -> Result<(), VerifyError> {
        self.verify_bytes(key.expose_secret().as_bytes(), stored)
    }

    /// Verifies arbitrary input against a stored hash. See [`Hasher::verify`].
    ///
    /// # Errors
    ///
    /// As [`Hasher::verify`], plus [`VerifyError::Input`] for input bcrypt cannot take whole.
    pub fn verify_bytes(&self, input: &[u8], stored: &KeyHash) -> Result<(), VerifyError> {
        let cost = stored.cost();
        if !self.accepted.contains(&cost) {
            return Err(VerifyError::CostOutOfRange {
                cost,
                min: *self.accepted.start(),
                max: *self.accepted.end(),
            });
        }
        check_input(input)?;
        let computed = bcrypt::hash_with_salt(input, cost, stored.salt())
            .map_err(|_| VerifyError::Mismatch)?
            .format_for_version(bcrypt::Version::TwoB);
        let computed_output = &computed.as_bytes()[29..];
        if bool::from(computed_output.ct_eq(stored.output())) {
            Ok(())
        } else {
            Err(VerifyError::Mismatch)
        }
    }

    /// Whether a stored hash should be replaced by one at this hasher's cost (after the key
    /// next verifies).
    #[must_use]
    pub fn needs_rehash(&self, stored: &KeyHash) -> bool {
        stored.cost() != self.cost
    }
}

impl Default for Hasher {
    fn default() -> Self {
        Self::new()
    }
}

fn check_cost(cost: u32, min: u32, max: u32) -> Result<(), HashError> {
    if (min..=max).contains(&cost) {
        Ok(())
    } else {
        Err(HashError::Cost { cost, min, max })
    }
}

fn check_input(input: &[u8]) -> Result<(), InputError> {
    if input.is_empty() {
        Err(InputError::Empty)
    } else if input.len() > Hasher::MAX_INPUT_LEN {
        Err(InputError::TooLong { len: input.len() })
    } else if memchr::memchr(0, input).is_some() {
        Err(InputError::NulByte)
    } else {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Env;

    #[test]
    fn default_is_cost_12_and_verifies() {
        let hasher = Hasher::new();
        let key = PartnerKey::generate(Env::Test).unwrap();
        let hash = hasher.hash(&key).unwrap();
        assert!(hash.as_str().starts_with("$2b$12$"), "{hash}");
        assert_eq!(hasher.verify(&key, &hash), Ok(()));
    }

    #[test]
    fn refuses_out_of_range_cost_before_work() {
        // A cost-31 hash would take days to check; this returns at once.
        let stored: KeyHash = "$2b$31$L6Bc/AlTQHyd9liGgGEZyOFLPHNgyxeEPfgYfBCVxJ7JIlwxyVU3u"
            .parse()
            .unwrap();
        let key = PartnerKey::generate(Env::Test).unwrap();
        assert_eq!(
            Hasher::new().verify(&key, &stored),
            Err(VerifyError::CostOutOfRange {
                cost: 31,
                min: 12,
                max: 12
            })
        );
        assert!(matches!(
            Hasher::insecure_for_tests().verify(&key, &stored),
            Err(VerifyError::CostOutOfRange { cost: 31, .. })
        ));
    }

    #[test]
    fn wrong_key_and_moved_hash_do_not_verify() {
        let hasher = Hasher::insecure_for_tests();
        let key = PartnerKey::generate(Env::Live).unwrap();
        let other = PartnerKey::generate(Env::Live).unwrap();
        let hash = hasher.hash(&key).unwrap();
        assert_eq!(hasher.verify(&other, &hash), Err(VerifyError::Mismatch));
        // Same secret and key id under the other env: the env is bound into the hash.
        let test_twin: PartnerKey = key
            .expose_secret()
            .replacen("live", "test", 1)
            .parse()
            .unwrap();
        assert_eq!(hasher.verify(&test_twin, &hash), Err(VerifyError::Mismatch));
    }

    #[test]
    fn input_limits() {
        let hasher = Hasher::insecure_for_tests();
        assert_eq!(
            hasher.hash_bytes(&[b'a'; 73]),
            Err(HashError::Input(InputError::TooLong { len: 73 }))
        );
        assert_eq!(
            hasher.hash_bytes(b""),
            Err(HashError::Input(InputError::Empty))
        );
        assert_eq!(
            hasher.hash_bytes(b"a\0b"),
            Err(HashError::Input(InputError::NulByte))
        );
        let hash = hasher.hash_bytes(&[b'a'; 72]).unwrap();
        assert_eq!(hasher.verify_bytes(&[b'a'; 72], &hash), Ok(()));
        assert_eq!(
            hasher.verify_bytes(&[b'a'; 73], &hash),
            Err(VerifyError::Input(InputError::TooLong { len: 73 }))
        );
    }

    #[test]
    fn cost_configuration() {
        assert!(Hasher::with_cost(9).is_err());
        assert!(Hasher::with_cost(32).is_err());
        let hasher = Hasher::with_cost(12).unwrap().accepting(10, 12).unwrap();
        assert_eq!(hasher.accepted_costs(), 10..=12);
        assert!(Hasher::new().accepting(13, 14).is_err());
        let stored: KeyHash = "$2b$10$L6Bc/AlTQHyd9liGgGEZyOFLPHNgyxeEPfgYfBCVxJ7JIlwxyVU3u"
            .parse()
            .unwrap();
        assert!(hasher.needs_rehash(&stored));
    }
}
