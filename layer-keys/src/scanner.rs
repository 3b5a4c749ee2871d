//! Finds leaked keys in text: files, logs, diffs (SPEC 1.5).

use std::{fmt, iter::Peekable, ops::Range};

use memchr::memmem::{FindIter, Finder};

use crate::{Checksum, Env, KeyKind, LegacyKey, PartnerKey, alphabet::is_token_byte};

/// One key found by the [`Scanner`]: where it is, what it is and its public part, never its
/// secret.
#[derive(Clone, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "camelCase"))]
pub struct Finding {
    start: usize,
    end: usize,
    kind: KeyKind,
    env: Option<Env>,
    public_part: String,
    checksum: Option<Checksum>,
}

impl Finding {
    /// Byte range of the whole key in the scanned input.
    #[must_use]
    pub const fn span(&self) -> Range<usize> {
        self.start..self.end
    }

    /// The key's format.
    #[must_use]
    pub const fn kind(&self) -> KeyKind {
        self.kind
    }

    /// The env, for partner keys.
    #[must_use]
    pub const fn env(&self) -> Option<Env> {
        self.env
    }

    /// The log-safe part: `lp_live_01HX9Y6K7EJ4T2AB` or `layer_9e14`.
    #[must_use]
    pub fn public_part(&self) -> &str {
        &self.public_part
    }

    /// For partner keys, whether the checksum holds: a valid one means a real minted key, an
    /// invalid one a look-alike or a key minted elsewhere. `None` for legacy keys, which carry
    /// no checksum.
    #[must_use]
    pub const fn checksum(&self) -> Option<Checksum> {
        self.checksum
    }
}

impl fmt::Display for Finding {
    /// `12..80 lp_live_01HX9Y6K7EJ4T2AB_… (checksum valid)`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.kind, self.checksum) {
            (KeyKind::Partner, Some(Checksum::Valid)) => {
                write!(
                    f,
                    "{}..{} {}_… (checksum valid)",
                    self.start, self.end, self.public_part
                )
            }
            (KeyKind::Partner, _) => {
                write!(
                    f,
                    "{}..{} {}_… (checksum invalid)",
                    self.start, self.end, self.public_part
                )
            }
            _ => write!(
                f,
                "{}..{} {}... (legacy)",
                self.start, self.end, self.public_part
            ),
        }
    }
}

impl fmt::Debug for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Finding")
            .field("span", &self.span())
            .field("kind", &self.kind)
            .field("env", &self.env)
            .field("public_part", &self.public_part)
            .field("checksum", &self.checksum)
            .finish()
    }
}

/// Scans bytes for partner and legacy keys.
///
/// A hit must be a whole, well-formed key standing on its own: the bytes just before and just
/// after it must not be letters, digits, `_` or `-`, so a key embedded in a longer token
/// (`xlp_live_…`, or one followed by more base64) is not reported. The two prefixes are found
/// with SIMD substring search (`memchr::memmem`), so most of the input is never looked at byte
/// by byte.
///
/// Build one scanner and reuse it; [`Scanner::scan`] borrows it.
#[derive(Debug, Clone)]
pub struct Scanner {
    partner: Finder<'static>,
    legacy: Finder<'static>,
}

impl Scanner {
    /// A scanner for both key formats.
    #[must_use]
    pub fn new() -> Self {
        Self {
            partner: Finder::new(PartnerKey::PREFIX.as_bytes()),
            legacy: Finder::new(LegacyKey::PREFIX.as_bytes()),
        }
    }

    /// The keys in `haystack`, in order of position.
    pub fn scan<'s, 'h>(&'s self, haystack: &'h [u8]) -> Findings<'s, 'h> {
        Findings {
            haystack,
            partner: self.partner.find_iter(haystack).peekable(),
            legacy: self.legacy.find_iter(haystack).peekable(),
        }
    }
}

impl Default for Scanner {
    fn default() -> Self {
        Self::new()
    }
}

/// Iterator over the keys in one input, from [`Scanner::scan`].
#[derive(Debug)]
pub struct Findings<'s, 'h> {
    haystack: &'h [u8],
    partner: Peekable<FindIter<'h, 's>>,
    legacy: Peekable<FindIter<'h, 's>>,
}

impl Iterator for Findings<'_, '_> {
    type Item = Finding;

    fn next(&mut self) -> Option<Finding> {
        loop {
            let take_partner = match (self.partner.peek(), self.legacy.peek()) {
                (None, None) => return None,
                (Some(p), Some(l)) => p < l,
                (Some(_), None) => true,
                (None, Some(_)) => false,
            };
            let found = if take_partner {
                self.partner
                    .next()
                    .and_then(|at| partner_at(self.haystack, at))
            } else {
                self.legacy
                    .next()
                    .and_then(|at| legacy_at(self.haystack, at))
            };
            if found.is_some() {
                return found;
            }
        }
    }
}

/// The candidate of `len` bytes at `start`, if it stands alone as a token.
fn standalone(haystack: &[u8], start: usize, len: usize) -> Option<&[u8]> {
    let end = start.checked_add(len)?;
    let candidate = haystack.get(start..end)?;
    let before_ok = start == 0 || !is_token_byte(haystack[start - 1]);
    let after_ok = haystack.get(end).is_none_or(|&b| !is_token_byte(b));
    (before_ok && after_ok).then_some(candidate)
}

fn partner_at(haystack: &[u8], start: usize) -> Option<Finding> {
    let key = PartnerKey::parse_bytes(standalone(haystack, start, PartnerKey::LEN)?).ok()?;
    Some(Finding {
        start,
        end: start + PartnerKey::LEN,
        kind: KeyKind::Partner,
        env: Some(key.env()),
        public_part: key.public_part().to_owned(),
        checksum: Some(key.checksum()),
    })
}

fn legacy_at(haystack: &[u8], start: usize) -> Option<Finding> {
    let key = LegacyKey::parse_bytes(standalone(haystack, start, LegacyKey::LEN)?).ok()?;
    Some(Finding {
        start,
        end: start + LegacyKey::LEN,
        kind: KeyKind::Legacy,
        env: None,
        public_part: key.public_part().to_owned(),
        checksum: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_standalone_keys_only() {
        let partner = PartnerKey::generate(Env::Live).unwrap();
        let legacy = LegacyKey::generate().unwrap();
        let text = format!(
            "export KEY={p}\nold=\"{l}\"\nembedded x{p} and {p}x and my_{l}\n",
            p = partner.expose_secret(),
            l = legacy.expose_secret()
        );
        let findings: Vec<_> = Scanner::new().scan(text.as_bytes()).collect();
        assert_eq!(findings.len(), 2, "{findings:?}");
        assert_eq!(findings[0].kind(), KeyKind::Partner);
        assert_eq!(findings[0].span(), 11..11 + 68);
        assert_eq!(findings[0].checksum(), Some(Checksum::Valid));
        assert_eq!(findings[0].public_part(), partner.public_part());
        assert_eq!(findings[1].kind(), KeyKind::Legacy);
        assert_eq!(&text[findings[1].span()], legacy.expose_secret());
        for finding in &findings {
            let shown = format!("{finding} {finding:?}");
            assert!(!shown.contains(&partner.expose_secret()[25..]));
            assert!(!shown.contains(&legacy.expose_secret()[10..]));
        }
    }
}
