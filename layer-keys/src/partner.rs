//! The partner key, `lp_<env>_<key_id>_<secret>`.

use std::{fmt, str::FromStr};

use base64::{Engine as _, engine::general_purpose::URL_SAFE_NO_PAD};
use subtle::ConstantTimeEq;
use zeroize::{Zeroize, ZeroizeOnDrop};

use crate::{
    Checksum, Env, KeyId, ParseError, Secret, Segment,
    alphabet::{BASE64URL_VALUE, CROCKFORD_VALUE, INVALID},
    checksum::{self, RANDOM_LEN},
    random::{RandomError, fill_random},
};

const ENV_START: usize = 3;
const KEY_ID_START: usize = 8;
const SECRET_START: usize = KEY_ID_START + KeyId::LEN + 1;

/// A partner API key: `lp_<live|test>_<key_id>_<secret>`, 68 bytes.
///
/// # Constraints
///
/// - `lp_`, then `live` or `test`, then `_`;
/// - a [`KeyId`]: 16 upper-case Crockford base32 characters, then `_`;
/// - 43 characters of unpadded base64url, the canonical encoding of 32 bytes (the last
///   character's two padding bits are zero).
///
/// Parsing is by position, never by splitting on `_`: the secret is base64url and contains `_`
/// and `-` about half the time. It is strict: no trimming, no case folding.
///
/// # Security
///
/// `Display` prints the masked form, `lp_live_01HX9Y6K7EJ4T2AB_…`, and `Debug` prints env and
/// key id only; the whole key is readable only through [`PartnerKey::expose_secret`]. The text
/// is zeroed on drop and `==` is constant-time. There is no `Serialize`.
#[derive(Clone, Zeroize, ZeroizeOnDrop)]
pub struct PartnerKey {
    text: [u8; PartnerKey::LEN],
}

impl PartnerKey {
    /// Length of a partner key in bytes.
    pub const LEN: usize = SECRET_START + Secret::ENCODED_LEN;
    /// The constant prefix.
    pub const PREFIX: &'static str = "lp_";
    /// Length of the log-safe public part, `lp_<env>_<key_id>`.
    pub const PUBLIC_LEN: usize = SECRET_START - 1;

    /// Mints a key: a time-ordered key id, 28 random bytes from the OS CSPRNG and the CRC-32C
    /// checksum.
    ///
    /// # Errors
    ///
    /// [`RandomError`] if the operating system's random source fails.
    pub fn generate(env: Env) -> Result<Self, RandomError> {
        let key_id = KeyId::generate()?;
        let mut random = [0u8; RANDOM_LEN];
        fill_random(&mut random)?;
        let key = Self::from_random(env, key_id, &random);
        random.zeroize();
        Ok(key)
    }

    /// Assembles the key for `env` and `key_id` whose secret is `random` followed by its
    /// checksum.
    ///
    /// Deterministic, for test vectors and migrations: `random` must come from a CSPRNG for
    /// the key to be secret. Use [`PartnerKey::generate`] to mint keys.
    #[must_use]
    pub fn from_random(env: Env, key_id: KeyId, random: &[u8; RANDOM_LEN]) -> Self {
        let mut text = [0u8; Self::LEN];
        text[..ENV_START].copy_from_slice(Self::PREFIX.as_bytes());
        text[ENV_START..KEY_ID_START - 1].copy_from_slice(env.as_str().as_bytes());
        text[KEY_ID_START - 1] = b'_';
        text[KEY_ID_START..SECRET_START - 1].copy_from_slice(key_id.as_bytes());
        text[SECRET_START - 1] = b'_';

        let mut secret = [0u8; Secret::LEN];
        secret[..RANDOM_LEN].copy_from_slice(random);
        secret[RANDOM_LEN..].copy_from_slice(&checksum::compute(&text[..SECRET_START], random));
        let written = URL_SAFE_NO_PAD.encode_slice(secret, &mut text[SECRET_START..]);
        secret.zeroize();
        debug_assert_eq!(written.ok(), Some(Secret::ENCODED_LEN));
        Self { text }
    }

    /// The key's env.
    #[must_use]
    pub fn env(&self) -> Env {
        if self.text[ENV_START] == b'l' {
            Env::Live
        } else {
            Env::Test
        }
    }

    /// The key's public, log-safe id.
    #[must_use]
    pub fn key_id(&self) -> KeyId {
        let mut id = [0u8; KeyId::LEN];
        id.copy_from_slice(&self.text[KEY_ID_START..SECRET_START - 1]);
        KeyId::from_validated(id)
    }

    /// The log-safe public part, `lp_<env>_<key_id>`.
    #[must_use]
    pub fn public_part(&self) -> &str {
        std::str::from_utf8(&self.text[..Self::PUBLIC_LEN]).unwrap_or_default()
    }

    /// The 32 bytes the secret segment encodes.
    #[must_use]
    pub fn secret(&self) -> Secret {
        let mut bytes = [0u8; Secret::LEN];
        // The segment was validated as canonical base64url of exactly 32 bytes.
        let decoded = URL_SAFE_NO_PAD.decode_slice(&self.text[SECRET_START..], &mut bytes);
        debug_assert_eq!(decoded.ok(), Some(Secret::LEN));
        Secret::from_bytes(bytes)
    }

    /// Whether the secret's last four bytes are the CRC-32C of the rest (SPEC 1.1).
    ///
    /// Keys this crate mints always pass; keys minted elsewhere may not, and are still valid
    /// keys.
    #[must_use]
    pub fn checksum(&self) -> Checksum {
        checksum::verify(&self.text[..SECRET_START], self.secret().expose_secret())
    }

    /// The whole key. Every read of the full key goes through here.
    #[must_use]
    pub fn expose_secret(&self) -> &str {
        std::str::from_utf8(&self.text).unwrap_or_default()
    }

    /// The env segment's four bytes, for digests inside the crate.
    pub(crate) fn env_text(&self) -> &[u8] {
        &self.text[ENV_START..KEY_ID_START - 1]
    }

    /// The secret segment's 43 characters, for digests inside the crate.
    pub(crate) fn secret_text(&self) -> &[u8] {
        &self.text[SECRET_START..]
    }

    /// Parses a partner key from bytes. See the type's constraints.
    ///
    /// # Errors
    ///
    /// The first [`ParseError`] found, scanning left to right.
    pub fn parse_bytes(input: &[u8]) -> Result<Self, ParseError> {
        if input.is_empty() {
            return Err(ParseError::Empty);
        }
        if !input.starts_with(Self::PREFIX.as_bytes()) {
            return Err(ParseError::UnknownPrefix);
        }
        if input
            .get(ENV_START..KEY_ID_START - 1)
            .and_then(Env::from_segment)
            .is_none()
        {
            return Err(ParseError::Env {
                position: ENV_START,
            });
        }
        expect_separator(input, KEY_ID_START - 1, Segment::Env)?;
        check_key_id(input)?;
        expect_separator(input, SECRET_START - 1, Segment::KeyId)?;
        check_secret(&input[SECRET_START..])?;

        let mut text = [0u8; Self::LEN];
        text.copy_from_slice(input);
        Ok(Self { text })
    }
}

fn expect_separator(input: &[u8], position: usize, after: Segment) -> Result<(), ParseError> {
    if input.get(position) == Some(&b'_') {
        Ok(())
    } else {
        Err(ParseError::Separator { after, position })
    }
}

fn check_key_id(input: &[u8]) -> Result<(), ParseError> {
    for offset in 0..KeyId::LEN {
        let position = KEY_ID_START + offset;
        match input.get(position) {
            Some(&b) if CROCKFORD_VALUE[b as usize] != INVALID => {}
            None | Some(b'_') => {
                return Err(ParseError::KeyIdLength {
                    position: KEY_ID_START,
                    found: offset,
                });
            }
            Some(_) => return Err(ParseError::KeyIdCharacter { position }),
        }
    }
    Ok(())
}

fn check_secret(secret: &[u8]) -> Result<(), ParseError> {
    if let Some(offset) = secret
        .iter()
        .position(|&b| BASE64URL_VALUE[b as usize] == INVALID)
    {
        return Err(ParseError::SecretCharacter {
            position: SECRET_START + offset,
        });
    }
    if secret.len() != Secret::ENCODED_LEN {
        return Err(ParseError::SecretLength {
            position: SECRET_START,
            found: secret.len(),
        });
    }
    // 43 characters carry 258 bits for 256: the last character's low two bits are padding.
    let last = Secret::ENCODED_LEN - 1;
    if BASE64URL_VALUE[secret[last] as usize] & 0b11 != 0 {
        return Err(ParseError::SecretNotCanonical {
            position: SECRET_START + last,
        });
    }
    Ok(())
}

impl FromStr for PartnerKey {
    type Err = ParseError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse_bytes(s.as_bytes())
    }
}

impl fmt::Display for PartnerKey {
    /// The masked form: `lp_live_01HX9Y6K7EJ4T2AB_…`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}_…", self.public_part())
    }
}

impl fmt::Debug for PartnerKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PartnerKey")
            .field("env", &self.env())
            .field("key_id", &self.key_id())
            .field("secret", &format_args!("[REDACTED]"))
            .finish()
    }
}

impl ConstantTimeEq for PartnerKey {
    fn ct_eq(&self, other: &Self) -> subtle::Choice {
        self.text.ct_eq(&other.text)
    }
}

impl PartialEq for PartnerKey {
    /// Constant-time over the whole key.
    fn eq(&self, other: &Self) -> bool {
        self.ct_eq(other).into()
    }
}

impl Eq for PartnerKey {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_keys_parse_back_with_a_valid_checksum() {
        for env in [Env::Live, Env::Test] {
            let key = PartnerKey::generate(env).unwrap();
            assert_eq!(key.expose_secret().len(), PartnerKey::LEN);
            let parsed: PartnerKey = key.expose_secret().parse().unwrap();
            assert_eq!(parsed, key);
            assert_eq!(parsed.env(), env);
            assert_eq!(parsed.checksum(), Checksum::Valid);
        }
    }

    #[test]
    fn display_and_debug_are_masked() {
        let key = PartnerKey::from_random(Env::Live, "01HX9Y6K7EJ4T2AB".parse().unwrap(), &[7; 28]);
        assert_eq!(key.to_string(), "lp_live_01HX9Y6K7EJ4T2AB_…");
        let debug = format!("{key:?}");
        assert!(
            !debug.contains(&key.expose_secret()[SECRET_START..]),
            "{debug}"
        );
        assert_eq!(
            debug,
            r#"PartnerKey { env: Live, key_id: KeyId("01HX9Y6K7EJ4T2AB"), secret: [REDACTED] }"#
        );
    }
}
