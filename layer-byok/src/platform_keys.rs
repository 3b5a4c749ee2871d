//! The platform's own provider keys: what a call uses when an organization has no usable key
//! of its own.

use std::ffi::OsStr;

use crate::{Provider, ProviderKey, ShapeError};

/// At most one platform key per provider: the fallback of resolution (SPEC 7).
///
/// Built from the environment with [`PlatformKeys::from_env`] (the variables in
/// [`PlatformKeys::var`]), or in code with [`PlatformKeys::new`] and
/// [`PlatformKeys::with`]. A provider without a platform key has no fallback: an organization
/// without a usable key of its own gets [`ByokError::NoKey`](crate::ByokError::NoKey).
///
/// # Security
/// `Debug` shows the masked keys only, like [`ProviderKey`]'s.
#[derive(Debug, Clone, Default)]
pub struct PlatformKeys {
    /// Indexed by the provider's position in [`Provider::ALL`].
    keys: [Option<ProviderKey>; 4],
}

/// Why the platform keys could not be read from the environment. Names the variable, never
/// its value.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PlatformKeyError {
    /// The variable holds something that is not a key of its provider.
    #[error("environment variable {name}: {reason}")]
    Shape {
        /// The variable.
        name: &'static str,
        /// What is wrong with its value (never the value).
        #[source]
        reason: ShapeError,
    },
    /// The variable is not valid Unicode.
    #[error("environment variable {name} is not valid unicode")]
    NotUnicode {
        /// The variable.
        name: &'static str,
    },
}

const fn index(provider: Provider) -> usize {
    match provider {
        Provider::OpenAi => 0,
        Provider::Anthropic => 1,
        Provider::Google => 2,
        Provider::Mistral => 3,
    }
}

impl PlatformKeys {
    /// No platform key at all: resolution then uses organizations' keys only.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// These keys with `key` as the platform key of its provider (replacing any).
    #[must_use]
    pub fn with(mut self, key: ProviderKey) -> Self {
        let slot = index(key.provider());
        self.keys[slot] = Some(key);
        self
    }

    /// The environment variable holding `provider`'s platform key:
    /// `LAYER_PLATFORM_OPENAI_KEY`, `LAYER_PLATFORM_ANTHROPIC_KEY`,
    /// `LAYER_PLATFORM_GOOGLE_KEY` or `LAYER_PLATFORM_MISTRAL_KEY`.
    #[must_use]
    pub const fn var(provider: Provider) -> &'static str {
        match provider {
            Provider::OpenAi => "LAYER_PLATFORM_OPENAI_KEY",
            Provider::Anthropic => "LAYER_PLATFORM_ANTHROPIC_KEY",
            Provider::Google => "LAYER_PLATFORM_GOOGLE_KEY",
            Provider::Mistral => "LAYER_PLATFORM_MISTRAL_KEY",
        }
    }

    /// Reads the platform keys from the process environment (see [`PlatformKeys::from_vars`]).
    ///
    /// # Errors
    /// As [`PlatformKeys::from_vars`].
    pub fn from_env() -> Result<Self, PlatformKeyError> {
        Self::from_vars(std::env::vars_os())
    }

    /// Reads the platform keys from `(name, value)` pairs such as [`std::env::vars_os`]:
    /// the variables of [`PlatformKeys::var`], each optional; an empty value counts as unset.
    /// Other variables are ignored.
    ///
    /// The value must be the key exactly, with no surrounding whitespace, like every key this
    /// crate accepts.
    ///
    /// # Errors
    /// [`PlatformKeyError::Shape`] for a value that is not a key of the variable's provider;
    /// [`PlatformKeyError::NotUnicode`].
    pub fn from_vars<K, V>(vars: impl IntoIterator<Item = (K, V)>) -> Result<Self, PlatformKeyError>
    where
        K: AsRef<OsStr>,
        V: AsRef<OsStr>,
    {
        let mut keys = Self::new();
        for (name, value) in vars {
            let Some(provider) = Provider::ALL
                .into_iter()
                .find(|&p| name.as_ref() == Self::var(p))
            else {
                continue;
            };
            let name = Self::var(provider);
            let value = value
                .as_ref()
                .to_str()
                .ok_or(PlatformKeyError::NotUnicode { name })?;
            if value.is_empty() {
                continue;
            }
            let key = ProviderKey::parse(provider, value)
                .map_err(|reason| PlatformKeyError::Shape { name, reason })?;
            keys = keys.with(key);
        }
        Ok(keys)
    }

    /// The platform key of `provider`, if there is one.
    #[must_use]
    pub fn get(&self, provider: Provider) -> Option<&ProviderKey> {
        self.keys[index(provider)].as_ref()
    }

    /// The providers that have a platform key, in the order of [`Provider::ALL`].
    pub fn providers(&self) -> impl Iterator<Item = Provider> + '_ {
        Provider::ALL.into_iter().filter(|&p| self.get(p).is_some())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const OPENAI: &str = "sk-proj-AbCdEfGhIjKlMnOpQrStUvWxYz0123456789_-abc123";

    #[test]
    fn reads_the_documented_variables_only() {
        let keys = PlatformKeys::from_vars([
            ("PATH", "/bin"),
            ("LAYER_PLATFORM_OPENAI_KEY", OPENAI),
            ("LAYER_PLATFORM_GOOGLE_KEY", ""),
        ])
        .unwrap();
        assert_eq!(keys.providers().collect::<Vec<_>>(), [Provider::OpenAi]);
        assert_eq!(keys.get(Provider::OpenAi).unwrap().expose_secret(), OPENAI);
        assert!(keys.get(Provider::Google).is_none());
    }

    #[test]
    fn a_bad_value_names_the_variable_not_the_value() {
        let err = PlatformKeys::from_vars([("LAYER_PLATFORM_ANTHROPIC_KEY", OPENAI)]).unwrap_err();
        let shown = format!("{err} {err:?}");
        assert!(shown.contains("LAYER_PLATFORM_ANTHROPIC_KEY"), "{shown}");
        assert!(!shown.contains(OPENAI), "{shown}");
    }

    #[test]
    fn debug_is_masked() {
        let keys = PlatformKeys::new().with(ProviderKey::parse(Provider::OpenAi, OPENAI).unwrap());
        let shown = format!("{keys:?}");
        assert!(
            shown.contains("sk-proj-...abc123") && !shown.contains(OPENAI),
            "{shown}"
        );
    }
}
