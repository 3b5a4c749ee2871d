//! Finds leaked keys in text: the workspace's own and the providers'.

use std::{fmt, ops::Range};

use layer_keys::{KeyKind, Scanner};

use crate::{Provider, ProviderKey};

/// What kind of key a [`LeakFinding`] is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum LeakKind {
    /// A provider key of this shape (see the crate docs for the shapes).
    Provider(Provider),
    /// One of the workspace's own keys (`lp_…` partner or `layer_…` legacy), found by
    /// [`layer_keys::Scanner`].
    Workspace(KeyKind),
}

impl fmt::Display for LeakKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Provider(provider) => write!(f, "{provider} key"),
            Self::Workspace(KeyKind::Partner) => f.write_str("partner key"),
            Self::Workspace(KeyKind::Legacy) => f.write_str("legacy key"),
            Self::Workspace(_) => f.write_str("workspace key"),
        }
    }
}

/// One key found by the [`LeakScanner`]: where it is, what it is and its masked form, never the
/// secret.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct LeakFinding {
    span: Range<usize>,
    kind: LeakKind,
    masked: String,
}

impl LeakFinding {
    /// Byte range of the whole key in the scanned input.
    #[must_use]
    pub fn span(&self) -> Range<usize> {
        self.span.clone()
    }

    /// What kind of key it is.
    #[must_use]
    pub const fn kind(&self) -> LeakKind {
        self.kind
    }

    /// The log-safe form: `sk-proj-...abc123` for a provider key (as
    /// [`ProviderKey::masked`]), the public part then `_…` or `...` for the workspace's keys.
    #[must_use]
    pub fn masked(&self) -> &str {
        &self.masked
    }
}

impl fmt::Display for LeakFinding {
    /// `12..63 openai key sk-proj-...abc123`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}..{} {} {}",
            self.span.start, self.span.end, self.kind, self.masked
        )
    }
}

/// Scans text for provider keys and for the workspace's own keys in one pass over the API.
///
/// A hit must be a whole key standing on its own, by the rule [`layer_keys::Scanner`] uses: the
/// bytes just before and after it are not letters, digits, `_` or `-`. Each maximal run of
/// such bytes is checked with [`ProviderKey::detect`], so the shapes live in one place; the
/// workspace's keys are found by a composed [`layer_keys::Scanner`].
///
/// # Mistral is opt-in
/// A Mistral key is 32 alphanumerics with no prefix, so any such token (a hex digest cut to 32,
/// an id) looks like one. Detection is heuristic and off by default; turn it on with
/// [`LeakScanner::with_mistral`] where false positives are acceptable, as in tests asserting
/// that a known Mistral key never leaked.
#[derive(Clone, Debug, Default)]
pub struct LeakScanner {
    workspace: Scanner,
    mistral: bool,
}

impl LeakScanner {
    /// A scanner for OpenAI, Anthropic and Google keys and the workspace's keys; Mistral off.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// Also reports 32-alphanumeric tokens as Mistral keys (heuristic; see the type docs).
    #[must_use]
    pub const fn with_mistral(mut self, on: bool) -> Self {
        self.mistral = on;
        self
    }

    /// Every key in `haystack`, in order of position.
    #[must_use]
    pub fn scan(&self, haystack: impl AsRef<[u8]>) -> Vec<LeakFinding> {
        let haystack = haystack.as_ref();
        let mut findings: Vec<_> = self
            .workspace
            .scan(haystack)
            .map(workspace_finding)
            .chain(self.provider_findings(haystack))
            .collect();
        findings.sort_by_key(|f| f.span.start);
        findings
    }

    /// Whether `haystack` holds any key at all: the check for "no plaintext key in this
    /// `Debug`, `Display`, error or log output".
    #[must_use]
    pub fn contains_secret(&self, haystack: impl AsRef<[u8]>) -> bool {
        let haystack = haystack.as_ref();
        self.workspace.scan(haystack).next().is_some()
            || self.provider_findings(haystack).next().is_some()
    }

    fn provider_findings<'h>(&self, haystack: &'h [u8]) -> impl Iterator<Item = LeakFinding> + 'h {
        let mistral = self.mistral;
        token_runs(haystack).filter_map(move |span| {
            let token = std::str::from_utf8(&haystack[span.clone()]).ok()?;
            let provider = ProviderKey::detect(token)?;
            if provider == Provider::Mistral && !mistral {
                return None;
            }
            let key = ProviderKey::parse(provider, token).ok()?;
            Some(LeakFinding {
                span,
                kind: LeakKind::Provider(provider),
                masked: key.masked(),
            })
        })
    }
}

fn workspace_finding(finding: layer_keys::Finding) -> LeakFinding {
    let masked = match finding.kind() {
        KeyKind::Partner => format!("{}_…", finding.public_part()),
        _ => format!("{}...", finding.public_part()),
    };
    LeakFinding {
        span: finding.span(),
        kind: LeakKind::Workspace(finding.kind()),
        masked,
    }
}

/// Letters, digits, `_` and `-`: what a key is made of, and what must not touch it.
const fn is_token_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b == b'-'
}

/// The maximal runs of token bytes that could be a provider key: long enough, and starting as
/// one does (or 32 long, for Mistral).
fn token_runs(haystack: &[u8]) -> impl Iterator<Item = Range<usize>> + '_ {
    let mut at = 0;
    std::iter::from_fn(move || {
        loop {
            let start = at + haystack.get(at..)?.iter().position(|&b| is_token_byte(b))?;
            let end = haystack[start..]
                .iter()
                .position(|&b| !is_token_byte(b))
                .map_or(haystack.len(), |n| start + n);
            at = end;
            let run = &haystack[start..end];
            if run.starts_with(b"sk-") || run.starts_with(b"AIza") || run.len() == 32 {
                return Some(start..end);
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const OPENAI: &str = "sk-proj-AbCdEfGhIjKlMnOpQrStUvWxYz0123456789_-abc123";
    const GOOGLE: &str = "AIzaSyA1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q";
    const MISTRAL: &str = "AbCdEfGhIjKlMnOpQrStUvWxYz012345";

    #[test]
    fn finds_provider_and_workspace_keys() {
        let partner = layer_keys::PartnerKey::generate(layer_keys::Env::Live).unwrap();
        let text = format!(
            "OPENAI_API_KEY={OPENAI}\nurl=?key={GOOGLE}&x=1 lp={} m={MISTRAL}.",
            partner.expose_secret()
        );
        let findings = LeakScanner::new().scan(&text);
        let kinds: Vec<_> = findings.iter().map(LeakFinding::kind).collect();
        assert_eq!(
            kinds,
            [
                LeakKind::Provider(Provider::OpenAi),
                LeakKind::Provider(Provider::Google),
                LeakKind::Workspace(KeyKind::Partner),
            ]
        );
        assert_eq!(&text[findings[0].span()], OPENAI);
        assert_eq!(findings[0].masked(), "sk-proj-...abc123");
        assert_eq!(&text[findings[1].span()], GOOGLE);

        let with_mistral = LeakScanner::new().with_mistral(true).scan(&text);
        assert_eq!(with_mistral.len(), 4);
        assert_eq!(&text[with_mistral[3].span()], MISTRAL);
        for finding in with_mistral {
            let shown = format!("{finding} {finding:?}");
            for secret in [OPENAI, GOOGLE, MISTRAL, partner.expose_secret()] {
                assert!(!shown.contains(secret), "{shown}");
            }
        }
    }

    #[test]
    fn embedded_and_masked_forms_are_not_keys() {
        let scanner = LeakScanner::new().with_mistral(true);
        for text in [
            format!("x{OPENAI}"),
            format!("{GOOGLE}_more"),
            "sk-proj-...abc123 AIza...4O5p6Q ...012345".to_owned(),
            String::new(),
        ] {
            assert!(!scanner.contains_secret(&text), "{text}");
        }
        assert!(scanner.contains_secret(format!("\"{OPENAI}\"")));
    }
}
