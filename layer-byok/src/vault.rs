//! The vault: provider keys sealed with AES-256-GCM under the master-key keyring.

use std::fmt;

use aes_gcm::{AeadInPlace, Aes256Gcm, KeyInit, Nonce, Tag};
use zeroize::{Zeroize, Zeroizing};

use crate::{
    MasterKeyVersion, MasterKeys, NONCE_LEN, OrgId, Provider, ProviderKey, Sealed, TAG_LEN,
    associated_data,
};

/// Plaintexts up to this length are opened in a stack buffer, longer ones on the heap; every
/// accepted key shape fits (the longest is `sk-svcacct-` and 400 characters).
const STACK_PLAINTEXT: usize = 448;

/// Why the vault could not seal or open a key. Never carries key material, and a refusal says
/// nothing about why the tag did not match.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum VaultError {
    /// The record was sealed under a master-key version this vault does not hold: it was
    /// removed before the record was re-encrypted, or the keyring is out of date.
    #[error("sealed under master key {version}, which this vault does not hold")]
    UnknownVersion {
        /// The record's version.
        version: MasterKeyVersion,
    },
    /// The authentication tag did not match: the ciphertext, nonce or tag was altered, or the
    /// record belongs to another organization, provider or master-key version.
    #[error("sealed key refused")]
    Refused,
    /// The record opened, but its plaintext is not a valid key of the provider: only possible
    /// if the shape rules changed after it was sealed.
    #[error("sealed key opened but is not a valid {provider} key")]
    Malformed {
        /// The provider the record was opened for.
        provider: Provider,
    },
    /// The operating system's random number generator failed, so no nonce could be drawn.
    #[error("the operating system's random number generator failed")]
    Random,
    /// AES-GCM refused to encrypt (only for plaintexts far beyond any key's length).
    #[error("sealing failed")]
    Seal,
}

/// Seals and opens provider keys (SPEC 7).
///
/// AES-256-GCM (RustCrypto `aes-gcm`), a fresh 96-bit nonce from the operating system's CSPRNG
/// for every seal, and associated data binding the organization, the provider and the
/// master-key version, so a ciphertext copied to another row, or relabelled with another
/// version, is refused. New seals use the newest master key; every version in the keyring
/// opens.
///
/// One cipher per master key is built when the vault is, so sealing and opening do no key
/// setup. The vault is `Send + Sync`: share one behind an `Arc`.
///
/// # Security
/// `Debug` shows the versions only; the AES round keys and GHASH key are zeroized on drop.
/// Random nonces are safe for far more than 2³² seals per master key before the birthday
/// bound matters; rotate well before that.
#[derive(Clone)]
pub struct Vault {
    /// Sorted by version, ascending; never empty (a [`MasterKeys`] never is).
    ciphers: Vec<(MasterKeyVersion, Aes256Gcm)>,
}

impl Vault {
    /// A vault over every key of `keys`.
    #[must_use]
    pub fn new(keys: &MasterKeys) -> Self {
        let ciphers = keys
            .iter()
            .map(|(version, key)| (version, Aes256Gcm::new(key.expose_secret().into())))
            .collect();
        Self { ciphers }
    }

    /// The version new seals use: the newest.
    #[must_use]
    pub fn current_version(&self) -> MasterKeyVersion {
        self.current().0
    }

    /// Every version this vault opens, oldest first.
    pub fn versions(&self) -> impl ExactSizeIterator<Item = MasterKeyVersion> + '_ {
        self.ciphers.iter().map(|(v, _)| *v)
    }

    /// Seals `key` for `org` under the newest master key.
    ///
    /// # Errors
    /// [`VaultError::Random`] if the OS CSPRNG fails; [`VaultError::Seal`] is unreachable for
    /// any accepted key.
    pub fn seal(&self, org: OrgId, key: &ProviderKey) -> Result<Sealed, VaultError> {
        let (version, cipher) = self.current();
        let mut nonce = [0_u8; NONCE_LEN];
        getrandom::fill(&mut nonce).map_err(|_| VaultError::Random)?;
        let aad = associated_data::build(org, key.provider(), *version);
        let plaintext = key.expose_secret().as_bytes();
        let mut buffer = Vec::with_capacity(plaintext.len() + TAG_LEN);
        buffer.extend_from_slice(plaintext);
        match cipher.encrypt_in_place_detached(Nonce::from_slice(&nonce), &aad, &mut buffer) {
            Ok(tag) => {
                buffer.extend_from_slice(&tag);
                Ok(Sealed::from_parts(*version, nonce, buffer))
            }
            Err(_) => {
                buffer.zeroize();
                Err(VaultError::Seal)
            }
        }
    }

    /// Opens a key sealed for `org` and `provider`, checking the tag, then the key's shape.
    ///
    /// The plaintext passes through one buffer, zeroized before returning, on success and on
    /// failure alike.
    ///
    /// # Errors
    /// [`VaultError::UnknownVersion`] if the record's master-key version is not held;
    /// [`VaultError::Refused`] if the tag does not match (tampering, or another organization's
    /// or provider's row); [`VaultError::Malformed`] if it opens but no longer parses.
    pub fn open(
        &self,
        org: OrgId,
        provider: Provider,
        sealed: &Sealed,
    ) -> Result<ProviderKey, VaultError> {
        let cipher = self.cipher(sealed.version())?;
        let ciphertext = sealed.ciphertext();
        let Some(len) = ciphertext.len().checked_sub(TAG_LEN) else {
            return Err(VaultError::Refused);
        };
        let (body, tag) = ciphertext.split_at(len);
        let aad = associated_data::build(org, provider, sealed.version());

        let mut stack = [0_u8; STACK_PLAINTEXT];
        let mut heap;
        let plain: &mut [u8] = if len <= STACK_PLAINTEXT {
            &mut stack[..len]
        } else {
            heap = Zeroizing::new(vec![0_u8; len]);
            &mut heap[..]
        };
        plain.copy_from_slice(body);
        let opened = cipher
            .decrypt_in_place_detached(
                Nonce::from_slice(sealed.nonce()),
                &aad,
                plain,
                Tag::from_slice(tag),
            )
            .map_err(|_| VaultError::Refused)
            .and_then(|()| {
                std::str::from_utf8(plain)
                    .ok()
                    .and_then(|key| ProviderKey::parse(provider, key).ok())
                    .ok_or(VaultError::Malformed { provider })
            });
        plain.zeroize();
        opened
    }

    /// Moves a record to the newest master key: opens it and seals it again with a fresh nonce.
    /// `None` when it already is on the newest version, in which case it is not opened (and so
    /// not authenticated; [`Vault::open`] does that on use).
    ///
    /// Rotation: add the new version to the keyring, run this over every record and store each
    /// `Some`, then drop the old version from the keyring.
    ///
    /// # Errors
    /// As [`Vault::open`] and [`Vault::seal`].
    pub fn reencrypt(
        &self,
        org: OrgId,
        provider: Provider,
        sealed: &Sealed,
    ) -> Result<Option<Sealed>, VaultError> {
        if sealed.version() == self.current_version() {
            return Ok(None);
        }
        let key = self.open(org, provider, sealed)?;
        self.seal(org, &key).map(Some)
    }

    fn current(&self) -> &(MasterKeyVersion, Aes256Gcm) {
        // A vault is built from a non-empty keyring, so there is always a last entry.
        self.ciphers
            .last()
            .expect("a vault always holds at least one master key")
    }

    fn cipher(&self, version: MasterKeyVersion) -> Result<&Aes256Gcm, VaultError> {
        self.ciphers
            .iter()
            .rev()
            .find(|(v, _)| *v == version)
            .map(|(_, cipher)| cipher)
            .ok_or(VaultError::UnknownVersion { version })
    }
}

impl fmt::Debug for Vault {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Vault")
            .field("versions", &self.versions().collect::<Vec<_>>())
            .finish_non_exhaustive()
    }
}
