//! The master-key keyring: every version still in use, the newest sealing.

use std::{ffi::OsStr, fmt};

use crate::{MasterKey, MasterKeyError, MasterKeyVersion};

/// Several master keys at once, by version, so the master key can be rotated without a flag day:
/// records sealed under an older version keep opening while a re-encrypt moves them to the
/// newest, which every new seal uses.
///
/// # Constraints
/// At least one key; each version at most once.
///
/// # Environment
/// [`MasterKeys::from_env`] reads the scheme the crate docs describe:
/// [`MasterKeys::UNVERSIONED_VAR`] (`LAYER_BYOK_MASTER_KEY`) holds version 1, and
/// `LAYER_BYOK_MASTER_KEY_V<n>` holds version `n`; both forms may be mixed as long as no version
/// is given twice.
///
/// # Security
/// `Debug` lists the versions only. Keep the keys apart from the sealed data: a database dump that
/// holds both holds the plaintext.
#[derive(Clone)]
pub struct MasterKeys {
    /// Sorted by version, ascending, without duplicates; never empty.
    keys: Vec<(MasterKeyVersion, MasterKey)>,
}

impl MasterKeys {
    /// The variable read as version 1 when it is the only one, or beside `_V<n>` variables.
    pub const UNVERSIONED_VAR: &'static str = "LAYER_BYOK_MASTER_KEY";
    /// The prefix of versioned variables: `LAYER_BYOK_MASTER_KEY_V2` holds version 2.
    pub const VERSIONED_PREFIX: &'static str = "LAYER_BYOK_MASTER_KEY_V";

    /// A keyring of the given keys.
    ///
    /// # Errors
    /// [`MasterKeyError::NoKeys`] for none, [`MasterKeyError::DuplicateVersion`] for a version
    /// given twice.
    pub fn new(
        keys: impl IntoIterator<Item = (MasterKeyVersion, MasterKey)>,
    ) -> Result<Self, MasterKeyError> {
        let mut keys: Vec<_> = keys.into_iter().collect();
        keys.sort_by_key(|(version, _)| *version);
        if let Some(pair) = keys.windows(2).find(|pair| pair[0].0 == pair[1].0) {
            return Err(MasterKeyError::DuplicateVersion { version: pair[0].0 });
        }
        if keys.is_empty() {
            return Err(MasterKeyError::NoKeys);
        }
        Ok(Self { keys })
    }

    /// A keyring of one key, as version 1: the state before any rotation.
    #[must_use]
    pub fn single(key: MasterKey) -> Self {
        Self {
            keys: vec![(MasterKeyVersion::new(1), key)],
        }
    }

    /// Reads the keyring from the process environment (see [`MasterKeys::from_vars`]).
    ///
    /// # Errors
    /// As [`MasterKeys::from_vars`].
    pub fn from_env() -> Result<Self, MasterKeyError> {
        Self::from_vars(std::env::vars_os())
    }

    /// Reads the keyring from `(name, value)` pairs such as [`std::env::vars_os`]: variables
    /// outside the `LAYER_BYOK_MASTER_KEY` prefix are ignored, so the whole environment can be
    /// passed, and tests can pass a list without touching the process environment.
    ///
    /// # Errors
    /// [`MasterKeyError::NoKeys`] when no variable is set;
    /// [`MasterKeyError::BadVariableName`] for a name under the prefix that is neither form
    /// (a typo such as `LAYER_BYOK_MASTER_KEY_v2` is caught, not skipped);
    /// [`MasterKeyError::NotUnicode`]; [`MasterKeyError::InVariable`] wrapping the parse error of
    /// a value; [`MasterKeyError::DuplicateVersion`].
    pub fn from_vars<K, V>(vars: impl IntoIterator<Item = (K, V)>) -> Result<Self, MasterKeyError>
    where
        K: AsRef<OsStr>,
        V: AsRef<OsStr>,
    {
        let mut keys = Vec::new();
        for (name, value) in vars {
            let (name, value) = (name.as_ref(), value.as_ref());
            let Some(version) = version_of(name)? else {
                continue;
            };
            let name = name.to_string_lossy();
            let value = value.to_str().ok_or_else(|| MasterKeyError::NotUnicode {
                name: name.clone().into_owned(),
            })?;
            let key = MasterKey::parse(value).map_err(|reason| MasterKeyError::InVariable {
                name: name.into_owned(),
                reason: Box::new(reason),
            })?;
            keys.push((version, key));
        }
        Self::new(keys)
    }

    /// The keyring without `version`, once every record has been moved off it. Removing a
    /// version the keyring does not hold changes nothing.
    ///
    /// # Errors
    /// [`MasterKeyError::NoKeys`] if `version` is the only key.
    pub fn without(mut self, version: MasterKeyVersion) -> Result<Self, MasterKeyError> {
        self.keys.retain(|(v, _)| *v != version);
        if self.keys.is_empty() {
            return Err(MasterKeyError::NoKeys);
        }
        Ok(self)
    }

    /// The newest version, the one new seals use.
    #[must_use]
    pub fn current_version(&self) -> MasterKeyVersion {
        self.keys
            .last()
            .map_or(MasterKeyVersion::new(0), |(v, _)| *v)
    }

    /// Every version held, oldest first.
    pub fn versions(&self) -> impl ExactSizeIterator<Item = MasterKeyVersion> + '_ {
        self.keys.iter().map(|(v, _)| *v)
    }

    /// The key of `version`, if held.
    #[must_use]
    pub fn get(&self, version: MasterKeyVersion) -> Option<&MasterKey> {
        self.keys
            .binary_search_by_key(&version, |(v, _)| *v)
            .ok()
            .map(|i| &self.keys[i].1)
    }

    /// Every `(version, key)`, oldest first.
    pub fn iter(&self) -> impl ExactSizeIterator<Item = (MasterKeyVersion, &MasterKey)> + '_ {
        self.keys.iter().map(|(v, k)| (*v, k))
    }
}

/// Which version a variable holds: `None` outside the prefix, an error for a malformed name
/// under it.
fn version_of(name: &OsStr) -> Result<Option<MasterKeyVersion>, MasterKeyError> {
    let bytes = name.as_encoded_bytes();
    if !bytes.starts_with(MasterKeys::UNVERSIONED_VAR.as_bytes()) {
        return Ok(None);
    }
    if bytes == MasterKeys::UNVERSIONED_VAR.as_bytes() {
        return Ok(Some(MasterKeyVersion::new(1)));
    }
    let bad = || MasterKeyError::BadVariableName {
        name: name.to_string_lossy().into_owned(),
    };
    let digits = bytes
        .strip_prefix(MasterKeys::VERSIONED_PREFIX.as_bytes())
        .ok_or_else(bad)?;
    // Canonical decimal only, so `_V1` and `_V01` cannot both name version 1 unnoticed.
    if digits.first() == Some(&b'0') || !digits.iter().all(u8::is_ascii_digit) {
        return Err(bad());
    }
    std::str::from_utf8(digits)
        .ok()
        .and_then(|d| d.parse::<u32>().ok())
        .map(|n| Some(MasterKeyVersion::new(n)))
        .ok_or_else(bad)
}

impl fmt::Debug for MasterKeys {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MasterKeys")
            .field("versions", &self.versions().collect::<Vec<_>>())
            .field("keys", &"[REDACTED]")
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const K1: &str = "1111111111111111111111111111111111111111111111111111111111111111";
    const K2: &str = "2222222222222222222222222222222222222222222222222222222222222222";

    fn v(n: u32) -> MasterKeyVersion {
        MasterKeyVersion::new(n)
    }

    #[test]
    fn unversioned_is_version_one() {
        let keys =
            MasterKeys::from_vars([("PATH", "/bin"), ("LAYER_BYOK_MASTER_KEY", K1)]).unwrap();
        assert_eq!(keys.versions().collect::<Vec<_>>(), [v(1)]);
        assert_eq!(keys.current_version(), v(1));
    }

    #[test]
    fn versioned_and_mixed() {
        let keys = MasterKeys::from_vars([
            ("LAYER_BYOK_MASTER_KEY_V2", K2),
            ("LAYER_BYOK_MASTER_KEY", K1),
        ])
        .unwrap();
        assert_eq!(keys.versions().collect::<Vec<_>>(), [v(1), v(2)]);
        assert_eq!(keys.current_version(), v(2));
        assert_eq!(keys.get(v(2)).unwrap().expose_secret(), &[0x22; 32]);
        let keys = keys.without(v(1)).unwrap();
        assert_eq!(keys.versions().collect::<Vec<_>>(), [v(2)]);
        assert_eq!(keys.without(v(2)).unwrap_err(), MasterKeyError::NoKeys);
    }

    #[test]
    fn refusals() {
        let none: [(&str, &str); 0] = [];
        assert_eq!(
            MasterKeys::from_vars(none).unwrap_err(),
            MasterKeyError::NoKeys
        );
        assert_eq!(
            MasterKeys::from_vars([
                ("LAYER_BYOK_MASTER_KEY", K1),
                ("LAYER_BYOK_MASTER_KEY_V1", K2)
            ])
            .unwrap_err(),
            MasterKeyError::DuplicateVersion { version: v(1) }
        );
        for name in [
            "LAYER_BYOK_MASTER_KEY_v2",
            "LAYER_BYOK_MASTER_KEY_V",
            "LAYER_BYOK_MASTER_KEY_V02",
            "LAYER_BYOK_MASTER_KEY_V-1",
            "LAYER_BYOK_MASTER_KEY_V99999999999",
            "LAYER_BYOK_MASTER_KEY_FILE",
        ] {
            assert_eq!(
                MasterKeys::from_vars([(name, K1)]).unwrap_err(),
                MasterKeyError::BadVariableName { name: name.into() }
            );
        }
        let err = MasterKeys::from_vars([("LAYER_BYOK_MASTER_KEY_V3", "short")]).unwrap_err();
        assert_eq!(
            err.to_string(),
            "environment variable LAYER_BYOK_MASTER_KEY_V3: master key is neither hex (64 characters) nor standard base64"
        );
    }
}
