//! Reads the presented key from request headers (SPEC 1.4). Feature `http`.

use http::{HeaderMap, HeaderName, HeaderValue, header::AUTHORIZATION};

use crate::{ApiKey, ParseError};

/// The primary header, `X-Api-Key`.
pub const X_API_KEY: HeaderName = HeaderName::from_static("x-api-key");

/// The longest header value looked at; longer ones are refused without parsing.
pub const MAX_HEADER_LEN: usize = 1024;

/// Which header a key came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum KeySource {
    /// `X-Api-Key: <key>`, the primary form.
    XApiKey,
    /// `Authorization: Bearer <key>`, the fallback.
    Bearer,
}

impl KeySource {
    /// The header's name as written in messages.
    #[must_use]
    pub const fn header_name(self) -> &'static str {
        match self {
            Self::XApiKey => "X-Api-Key",
            Self::Bearer => "Authorization",
        }
    }
}

/// Why no key could be read from a request. Every variant is a `401 UNAUTHENTICATED`.
///
/// Messages name the header and the rule broken, never the header's content.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ExtractError {
    /// Neither header is present (or `Authorization` is absent and `X-Api-Key` too).
    #[error("missing API key: send it as `X-Api-Key: <key>`")]
    Missing,
    /// More than one `X-Api-Key` header, or more than one `Authorization` header.
    #[error("more than one {} header", .0.header_name())]
    Ambiguous(KeySource),
    /// A header value longer than 1 KiB.
    #[error("{} header is longer than 1024 bytes", .0.header_name())]
    TooLong(KeySource),
    /// A header value with bytes other than visible ASCII, space and tab.
    #[error("{} header contains bytes that are not visible ASCII", .0.header_name())]
    NotVisibleAscii(KeySource),
    /// The header is present but holds no key.
    #[error("{} header is empty", .0.header_name())]
    Empty(KeySource),
    /// `Authorization` uses a scheme other than `Bearer`.
    #[error("Authorization header must use the Bearer scheme")]
    NotBearer,
    /// Whitespace inside the key.
    #[error("{} header has whitespace inside the key", .0.header_name())]
    InnerWhitespace(KeySource),
    /// The header's value is not a well-formed key.
    #[error("malformed API key in {} header: {reason}", .header.header_name())]
    Malformed {
        /// The header the key came from.
        header: KeySource,
        /// Why it does not parse.
        reason: ParseError,
    },
}

/// A key's text as presented, before parsing, with the header it came from.
///
/// # Security
///
/// Holds the raw key text: `Debug` shows the source only.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct PresentedKey<'a> {
    source: KeySource,
    text: &'a str,
}

impl<'a> PresentedKey<'a> {
    /// The header the key came from.
    #[must_use]
    pub const fn source(&self) -> KeySource {
        self.source
    }

    /// The presented text. Every read of it goes through here.
    #[must_use]
    pub const fn expose_secret(&self) -> &'a str {
        self.text
    }

    /// Parses the presented text as either key format.
    ///
    /// # Errors
    ///
    /// [`ExtractError::Malformed`] with the parse error.
    pub fn parse(&self) -> Result<ApiKey, ExtractError> {
        ApiKey::parse_bytes(self.text.as_bytes()).map_err(|reason| ExtractError::Malformed {
            header: self.source,
            reason,
        })
    }
}

impl std::fmt::Debug for PresentedKey<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PresentedKey")
            .field("source", &self.source)
            .finish_non_exhaustive()
    }
}

/// Finds the presented key's text in `headers`, applying every rule of SPEC 1.4:
///
/// - `X-Api-Key` wins whenever present, whatever `Authorization` says; more than one
///   `X-Api-Key` header is ambiguous and refused.
/// - Otherwise `Authorization: Bearer <key>`: the scheme name is case-insensitive and one or
///   more spaces separate it from the key; another scheme, or more than one `Authorization`
///   header, is refused.
/// - A value over 1 KiB, or with bytes other than visible ASCII, space and tab, is refused
///   without further parsing. Whitespace around the value is ignored; whitespace inside the
///   key is refused.
///
/// # Errors
///
/// An [`ExtractError`], every one of which maps to `401 UNAUTHENTICATED`.
pub fn find_key(headers: &HeaderMap) -> Result<PresentedKey<'_>, ExtractError> {
    if let Some(value) = single(headers, &X_API_KEY, KeySource::XApiKey)? {
        let text = checked_text(value, KeySource::XApiKey)?;
        return key_text(text, KeySource::XApiKey);
    }
    let Some(value) = single(headers, &AUTHORIZATION, KeySource::Bearer)? else {
        return Err(ExtractError::Missing);
    };
    let text = checked_text(value, KeySource::Bearer)?;
    let (scheme, rest) = text.split_once(' ').unwrap_or((text, ""));
    if !scheme.eq_ignore_ascii_case("bearer") {
        return Err(ExtractError::NotBearer);
    }
    key_text(rest.trim_start_matches(' '), KeySource::Bearer)
}

/// [`find_key`], then parses the key.
///
/// # Errors
///
/// As [`find_key`], plus [`ExtractError::Malformed`].
pub fn extract_key(headers: &HeaderMap) -> Result<ApiKey, ExtractError> {
    find_key(headers)?.parse()
}

fn single<'h>(
    headers: &'h HeaderMap,
    name: &HeaderName,
    source: KeySource,
) -> Result<Option<&'h HeaderValue>, ExtractError> {
    let mut values = headers.get_all(name).iter();
    match (values.next(), values.next()) {
        (None, _) => Ok(None),
        (Some(value), None) => Ok(Some(value)),
        (Some(_), Some(_)) => Err(ExtractError::Ambiguous(source)),
    }
}

fn checked_text(value: &HeaderValue, source: KeySource) -> Result<&str, ExtractError> {
    let bytes = value.as_bytes();
    if bytes.len() > MAX_HEADER_LEN {
        return Err(ExtractError::TooLong(source));
    }
    if !bytes
        .iter()
        .all(|&b| b.is_ascii_graphic() || b == b' ' || b == b'\t')
    {
        return Err(ExtractError::NotVisibleAscii(source));
    }
    let text = std::str::from_utf8(bytes).map_err(|_| ExtractError::NotVisibleAscii(source))?;
    Ok(text.trim_matches([' ', '\t']))
}

fn key_text(text: &str, source: KeySource) -> Result<PresentedKey<'_>, ExtractError> {
    if text.is_empty() {
        Err(ExtractError::Empty(source))
    } else if text.contains([' ', '\t']) {
        Err(ExtractError::InnerWhitespace(source))
    } else {
        Ok(PresentedKey { source, text })
    }
}
