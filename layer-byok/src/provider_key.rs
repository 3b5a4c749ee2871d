//! A customer's provider key: shape-checked, masked, zeroized.

use std::fmt;

use zeroize::{Zeroize, Zeroizing};

use crate::Provider;

/// Characters allowed in the body of OpenAI, Anthropic and Google keys.
fn is_body_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() | (b == b'-') | (b == b'_')
}

/// Length bounds for the variable-length bodies: long enough to rule out typos and test
/// strings, short enough that a pasted document is not taken for a key.
const BODY_MIN: usize = 20;
const BODY_MAX: usize = 400;
const GOOGLE_BODY: usize = 35;
const MISTRAL_LEN: usize = 32;
/// Characters of the key shown at the end of the masked form.
const SHOWN_SUFFIX: usize = 6;

/// The prefixes of OpenAI's project, service-account and admin keys, checked before the legacy
/// `sk-` form.
const OPENAI_PREFIXES: [&str; 3] = ["sk-proj-", "sk-svcacct-", "sk-admin-"];
const ANTHROPIC_PREFIX: &str = "sk-ant-";
const GOOGLE_PREFIX: &str = "AIza";
const OPENAI_LEGACY_PREFIX: &str = "sk-";

/// Why a string is not a key of the provider it was given for. Never carries the input.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ShapeError {
    /// The key does not start the way the provider's keys do.
    #[error("not a {provider} key: expected it to start with {expected}")]
    WrongPrefix {
        /// The provider the key was given for.
        provider: Provider,
        /// The accepted prefix(es), for the message.
        expected: &'static str,
    },
    /// The length is outside what the provider issues.
    #[error("not a {provider} key: {len} characters is outside the accepted length")]
    WrongLength {
        /// The provider the key was given for.
        provider: Provider,
        /// The length seen.
        len: usize,
    },
    /// A character the provider never uses, such as whitespace from a careless paste.
    #[error("not a {provider} key: unexpected character at position {index}")]
    BadCharacter {
        /// The provider the key was given for.
        provider: Provider,
        /// Zero-based byte position of the first bad character.
        index: usize,
    },
}

/// A provider key in plaintext, in memory only as long as it is needed.
///
/// The plaintext is reachable only through [`ProviderKey::expose_secret`]; `Debug` and
/// `Display` show the provider and the [masked](ProviderKey::masked) form, and the buffer is
/// zeroized on drop.
#[derive(Clone)]
pub struct ProviderKey {
    provider: Provider,
    secret: Zeroizing<String>,
}

impl ProviderKey {
    /// Checks `key` against the shape of `provider`'s keys (see the crate docs) and keeps it.
    ///
    /// # Errors
    /// [`ShapeError`] naming what is wrong, never echoing the key.
    pub fn parse(provider: Provider, key: &str) -> Result<Self, ShapeError> {
        check_shape(provider, key)?;
        Ok(Self {
            provider,
            secret: Zeroizing::new(key.to_owned()),
        })
    }

    /// Takes an opened plaintext as the key's own buffer, checked as [`ProviderKey::parse`]
    /// checks, so the vault's decryption buffer is the only copy of the plaintext and is never
    /// copied again. `None` if it is not UTF-8 or not of the provider's shape; every buffer is
    /// zeroized on drop either way.
    pub(crate) fn from_opened(
        provider: Provider,
        mut plaintext: Zeroizing<Vec<u8>>,
    ) -> Option<Self> {
        match String::from_utf8(std::mem::take(&mut *plaintext)) {
            Ok(key) => {
                let secret = Zeroizing::new(key);
                check_shape(provider, &secret).ok()?;
                Some(Self { provider, secret })
            }
            Err(not_utf8) => {
                not_utf8.into_bytes().zeroize();
                None
            }
        }
    }

    /// Which provider a key of this shape belongs to, if any; prefixed shapes first, so a
    /// 32-character alphanumeric string is taken for Mistral only when nothing else fits.
    #[must_use]
    pub fn detect(key: &str) -> Option<Provider> {
        [
            Provider::Anthropic,
            Provider::OpenAi,
            Provider::Google,
            Provider::Mistral,
        ]
        .into_iter()
        .find(|&p| check_shape(p, key).is_ok())
    }

    /// The provider this key is for.
    #[must_use]
    pub const fn provider(&self) -> Provider {
        self.provider
    }

    /// The plaintext key, for the one place that sends it to the provider or seals it.
    #[must_use]
    pub fn expose_secret(&self) -> &str {
        &self.secret
    }

    /// The display prefix kept in plaintext: the provider's fixed prefix, `...`, and the last
    /// six characters, e.g. `sk-proj-...abc123`.
    #[must_use]
    pub fn masked(&self) -> String {
        let key = self.secret.as_str();
        let prefix = fixed_prefix(self.provider, key);
        // Every accepted key is ASCII and longer than prefix + suffix, so these are in bounds.
        let suffix = key
            .get(key.len().saturating_sub(SHOWN_SUFFIX)..)
            .unwrap_or_default();
        format!("{prefix}...{suffix}")
    }
}

impl fmt::Debug for ProviderKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ProviderKey")
            .field("provider", &self.provider)
            .field("masked", &self.masked())
            .finish()
    }
}

impl fmt::Display for ProviderKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.masked())
    }
}

/// The constant part of a key of `provider` that the masked form shows.
fn fixed_prefix(provider: Provider, key: &str) -> &'static str {
    match provider {
        Provider::OpenAi => OPENAI_PREFIXES
            .into_iter()
            .find(|p| key.starts_with(p))
            .unwrap_or(OPENAI_LEGACY_PREFIX),
        Provider::Anthropic => ANTHROPIC_PREFIX,
        Provider::Google => GOOGLE_PREFIX,
        Provider::Mistral => "",
    }
}

fn check_shape(provider: Provider, key: &str) -> Result<(), ShapeError> {
    let bad_char = |offset: usize, body: &str, allowed: fn(u8) -> bool| {
        // A branch-free pass first, which the compiler vectorizes: every key the vault opens is
        // re-parsed, and a byte-by-byte early-exit loop was a third of `Vault::open`. The
        // position is looked for only once a bad byte is known to exist.
        if body.bytes().fold(true, |ok, b| ok & allowed(b)) {
            return Ok(());
        }
        body.bytes().position(|b| !allowed(b)).map_or(Ok(()), |i| {
            Err(ShapeError::BadCharacter {
                provider,
                index: offset + i,
            })
        })
    };
    let length = |len: usize, range: std::ops::RangeInclusive<usize>| {
        if range.contains(&len) {
            Ok(())
        } else {
            Err(ShapeError::WrongLength {
                provider,
                len: key.len(),
            })
        }
    };
    match provider {
        Provider::OpenAi => {
            if key.starts_with(ANTHROPIC_PREFIX) {
                return Err(ShapeError::WrongPrefix {
                    provider,
                    expected: "sk-proj-, sk-svcacct-, sk-admin- or sk-",
                });
            }
            if let Some(prefix) = OPENAI_PREFIXES.into_iter().find(|p| key.starts_with(p)) {
                let body = &key[prefix.len()..];
                length(body.len(), BODY_MIN..=BODY_MAX)?;
                bad_char(prefix.len(), body, is_body_byte)
            } else if let Some(body) = key.strip_prefix(OPENAI_LEGACY_PREFIX) {
                length(body.len(), BODY_MIN..=BODY_MAX)?;
                bad_char(OPENAI_LEGACY_PREFIX.len(), body, |b| {
                    b.is_ascii_alphanumeric()
                })
            } else {
                Err(ShapeError::WrongPrefix {
                    provider,
                    expected: "sk-proj-, sk-svcacct-, sk-admin- or sk-",
                })
            }
        }
        Provider::Anthropic => {
            let body = key
                .strip_prefix(ANTHROPIC_PREFIX)
                .ok_or(ShapeError::WrongPrefix {
                    provider,
                    expected: ANTHROPIC_PREFIX,
                })?;
            length(body.len(), BODY_MIN..=BODY_MAX)?;
            bad_char(ANTHROPIC_PREFIX.len(), body, is_body_byte)
        }
        Provider::Google => {
            let body = key
                .strip_prefix(GOOGLE_PREFIX)
                .ok_or(ShapeError::WrongPrefix {
                    provider,
                    expected: GOOGLE_PREFIX,
                })?;
            length(body.len(), GOOGLE_BODY..=GOOGLE_BODY)?;
            bad_char(GOOGLE_PREFIX.len(), body, is_body_byte)
        }
        Provider::Mistral => {
            length(key.len(), MISTRAL_LEN..=MISTRAL_LEN)?;
            bad_char(0, key, |b| b.is_ascii_alphanumeric())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const OPENAI: &str = "sk-proj-AbCdEfGhIjKlMnOpQrStUvWxYz0123456789_-abc123";
    const ANTHROPIC: &str = "sk-ant-api03-AbCdEfGhIjKlMnOpQrStUvWxYz0123456789-xyz789";
    const GOOGLE: &str = "AIzaSyA1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q";
    const MISTRAL: &str = "AbCdEfGhIjKlMnOpQrStUvWxYz012345";

    #[test]
    fn fixed_vectors_parse_and_mask() {
        let cases = [
            (Provider::OpenAi, OPENAI, "sk-proj-...abc123"),
            (Provider::Anthropic, ANTHROPIC, "sk-ant-...xyz789"),
            (Provider::Google, GOOGLE, "AIza...4O5p6Q"),
            (Provider::Mistral, MISTRAL, "...012345"),
        ];
        for (provider, key, masked) in cases {
            let parsed = ProviderKey::parse(provider, key).unwrap();
            assert_eq!(parsed.expose_secret(), key);
            assert_eq!(parsed.masked(), masked);
            assert_eq!(ProviderKey::detect(key), Some(provider));
        }
    }

    #[test]
    fn debug_and_display_hide_the_secret() {
        let key = ProviderKey::parse(Provider::OpenAi, OPENAI).unwrap();
        for shown in [format!("{key:?}"), key.to_string()] {
            assert!(!shown.contains(OPENAI), "{shown}");
            assert!(shown.contains("sk-proj-...abc123"), "{shown}");
        }
    }

    #[test]
    fn wrong_shapes_are_refused_without_echo() {
        let cases = [
            (Provider::OpenAi, ANTHROPIC),
            (Provider::OpenAi, "sk-proj-short"),
            (Provider::Anthropic, OPENAI),
            (Provider::Google, "AIzaSyA1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6"),
            (Provider::Mistral, "AbCdEfGhIjKlMnOpQrStUvWxYz01234 "),
            (
                Provider::OpenAi,
                " sk-proj-AbCdEfGhIjKlMnOpQrStUvWxYz0123456789",
            ),
        ];
        for (provider, key) in cases {
            let err = ProviderKey::parse(provider, key).unwrap_err();
            assert!(!err.to_string().contains(key), "{err}");
        }
    }

    #[test]
    fn the_first_bad_character_is_located() {
        let mut key = OPENAI.to_owned();
        key.replace_range(20..21, " ");
        key.replace_range(30..31, "!");
        assert_eq!(
            ProviderKey::parse(Provider::OpenAi, &key).unwrap_err(),
            ShapeError::BadCharacter {
                provider: Provider::OpenAi,
                index: 20
            }
        );
    }

    #[test]
    fn opened_buffers_are_checked_like_parsed_strings() {
        let opened = |bytes: &[u8]| {
            ProviderKey::from_opened(Provider::Mistral, Zeroizing::new(bytes.to_vec()))
        };
        assert_eq!(opened(MISTRAL.as_bytes()).unwrap().expose_secret(), MISTRAL);
        assert!(opened(b"AbCdEfGhIjKlMnOpQrStUvWxYz01234!").is_none());
        assert!(opened(b"\xffbCdEfGhIjKlMnOpQrStUvWxYz012345").is_none());
    }
}
