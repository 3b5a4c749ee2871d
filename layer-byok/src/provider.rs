//! The providers a customer can bring a key for.

use std::{fmt, str::FromStr};

/// An upstream model provider (SPEC 7).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Provider {
    /// OpenAI: keys `sk-proj-…`, validated by listing models.
    OpenAi,
    /// Anthropic: keys `sk-ant-…`, validated by a minimal message.
    Anthropic,
    /// Google (Gemini): keys `AIza…`, validated by a minimal content generation.
    Google,
    /// Mistral: plain keys, validated by listing models.
    Mistral,
}

impl Provider {
    /// Every provider, in a stable order.
    pub const ALL: [Self; 4] = [Self::OpenAi, Self::Anthropic, Self::Google, Self::Mistral];

    /// The stable lowercase name used in storage, the CLI and associated data:
    /// `openai`, `anthropic`, `google`, `mistral`.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::OpenAi => "openai",
            Self::Anthropic => "anthropic",
            Self::Google => "google",
            Self::Mistral => "mistral",
        }
    }
}

impl fmt::Display for Provider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A provider name that is not one of [`Provider::ALL`].
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("unknown provider (expected one of: openai, anthropic, google, mistral)")]
pub struct UnknownProvider;

impl FromStr for Provider {
    type Err = UnknownProvider;

    /// Parses the stable name, exactly as [`Provider::as_str`] writes it.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|p| p.as_str() == s)
            .ok_or(UnknownProvider)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for p in Provider::ALL {
            assert_eq!(p.as_str().parse::<Provider>(), Ok(p));
        }
        assert_eq!("OpenAI".parse::<Provider>(), Err(UnknownProvider));
    }
}
