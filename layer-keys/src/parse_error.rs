//! Why a string is not a key: one variant per failure, each naming the segment and the byte.

use std::fmt;

/// A part of a key's text, named by parse errors.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Segment {
    /// The constant prefix, `lp_` or `layer_`.
    Prefix,
    /// The partner key's `live` / `test` segment.
    Env,
    /// The partner key's 16-character key id.
    KeyId,
    /// The partner key's 43-character secret.
    Secret,
    /// The legacy key's 64 hex characters.
    LegacyBody,
}

impl fmt::Display for Segment {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Prefix => "prefix",
            Self::Env => "env",
            Self::KeyId => "key id",
            Self::Secret => "secret",
            Self::LegacyBody => "legacy body",
        })
    }
}

/// The reason a string is not a well-formed key.
///
/// Positions are byte offsets into the input. No variant carries input text, so neither the
/// message nor `Debug` can ever contain a secret.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ParseError {
    /// The input is empty.
    #[error("key is empty")]
    Empty,
    /// The input starts with neither `lp_` nor `layer_`.
    #[error("key does not start with `lp_` or `layer_`")]
    UnknownPrefix,
    /// The partner key's env segment is not `live` or `test`.
    #[error("env segment at byte {position} must be `live` or `test`")]
    Env {
        /// Byte offset of the segment.
        position: usize,
    },
    /// An `_` separator is missing where one must be.
    #[error("expected `_` after the {after} segment at byte {position}")]
    Separator {
        /// The segment the separator should follow.
        after: Segment,
        /// Byte offset where the separator was expected.
        position: usize,
    },
    /// The key id is shorter than 16 characters.
    #[error("key id at byte {position} must be 16 characters, found {found}")]
    KeyIdLength {
        /// Byte offset of the segment.
        position: usize,
        /// Characters found before the segment ended.
        found: usize,
    },
    /// A key id character is not upper-case Crockford base32.
    #[error("key id character at byte {position} is not upper-case Crockford base32")]
    KeyIdCharacter {
        /// Byte offset of the offending character.
        position: usize,
    },
    /// The secret is not 43 characters long.
    #[error("secret at byte {position} must be 43 characters, found {found}")]
    SecretLength {
        /// Byte offset of the segment.
        position: usize,
        /// Characters found.
        found: usize,
    },
    /// A secret character is not unpadded base64url.
    #[error("secret character at byte {position} is not base64url")]
    SecretCharacter {
        /// Byte offset of the offending character.
        position: usize,
    },
    /// The secret's last character encodes non-zero padding bits, so the encoding is not the
    /// canonical one of any 32 bytes.
    #[error(
        "secret is not canonical base64url: the character at byte {position} has padding bits set"
    )]
    SecretNotCanonical {
        /// Byte offset of the last character.
        position: usize,
    },
    /// The legacy key body is not 64 characters long.
    #[error("legacy key body at byte {position} must be 64 characters, found {found}")]
    LegacyLength {
        /// Byte offset of the body.
        position: usize,
        /// Characters found.
        found: usize,
    },
    /// A legacy key character is not lower-case hex.
    #[error("legacy key character at byte {position} is not lower-case hex")]
    LegacyCharacter {
        /// Byte offset of the offending character.
        position: usize,
    },
}

impl ParseError {
    /// The segment the error is in.
    #[must_use]
    pub const fn segment(&self) -> Segment {
        match self {
            Self::Empty | Self::UnknownPrefix => Segment::Prefix,
            Self::Env { .. } => Segment::Env,
            Self::Separator { after, .. } => *after,
            Self::KeyIdLength { .. } | Self::KeyIdCharacter { .. } => Segment::KeyId,
            Self::SecretLength { .. }
            | Self::SecretCharacter { .. }
            | Self::SecretNotCanonical { .. } => Segment::Secret,
            Self::LegacyLength { .. } | Self::LegacyCharacter { .. } => Segment::LegacyBody,
        }
    }

    /// The byte offset the error points at.
    #[must_use]
    pub const fn position(&self) -> usize {
        match self {
            Self::Empty | Self::UnknownPrefix => 0,
            Self::Env { position }
            | Self::Separator { position, .. }
            | Self::KeyIdLength { position, .. }
            | Self::KeyIdCharacter { position }
            | Self::SecretLength { position, .. }
            | Self::SecretCharacter { position }
            | Self::SecretNotCanonical { position }
            | Self::LegacyLength { position, .. }
            | Self::LegacyCharacter { position } => *position,
        }
    }
}
