//! A safe wrapper over libxcrypt's `crypt_rn`, the C implementation bcrypt is measured against.
#![allow(unsafe_code)]

use std::ffi::{CStr, CString, c_char, c_int, c_void};

/// `sizeof(struct crypt_data)` in libxcrypt.
const CRYPT_DATA_SIZE: usize = 32_768;

unsafe extern "C" {
    fn crypt_rn(
        phrase: *const c_char,
        setting: *const c_char,
        data: *mut c_void,
        size: c_int,
    ) -> *mut c_char;
}

/// Reusable scratch space for [`Crypt::crypt`], so the benchmark measures hashing, not
/// allocation.
#[derive(Debug)]
pub struct Crypt {
    data: Vec<u8>,
}

impl Crypt {
    /// Allocates the scratch space.
    #[must_use]
    pub fn new() -> Self {
        Self {
            data: vec![0; CRYPT_DATA_SIZE],
        }
    }

    /// Hashes `phrase` with `setting` (for bcrypt, a stored `$2b$12$…` hash or its first 29
    /// characters) and returns the modular crypt string, or `None` if libxcrypt refuses.
    pub fn crypt(&mut self, phrase: &str, setting: &str) -> Option<String> {
        let phrase = CString::new(phrase).ok()?;
        let setting = CString::new(setting).ok()?;
        let size = c_int::try_from(self.data.len()).ok()?;
        // SAFETY: `phrase` and `setting` are NUL-terminated strings that outlive the call;
        // `data` points to `size` writable bytes, at least `sizeof(struct crypt_data)`, owned
        // by `self` and not aliased during the call. `crypt_rn` returns NULL or a pointer into
        // `data`, which stays valid until `self.data` is next used mutably; we copy it out
        // before returning.
        let out = unsafe {
            crypt_rn(
                phrase.as_ptr(),
                setting.as_ptr(),
                self.data.as_mut_ptr().cast(),
                size,
            )
        };
        if out.is_null() {
            return None;
        }
        // SAFETY: non-null results of `crypt_rn` are NUL-terminated strings inside `data`.
        let text = unsafe { CStr::from_ptr(out) };
        text.to_str().ok().map(str::to_owned)
    }
}

impl Default for Crypt {
    fn default() -> Self {
        Self::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use layer_keys::{Env, Hasher, PartnerKey};

    #[test]
    fn agrees_with_our_bcrypt() {
        let key = PartnerKey::generate(Env::Test).unwrap();
        let hash = Hasher::insecure_for_tests().hash(&key).unwrap();
        let c = Crypt::new().crypt(key.expose_secret(), hash.as_str());
        assert_eq!(c.as_deref(), Some(hash.as_str()));
    }
}
