//! Scopes: what a key may do (SPEC 1.6).

use std::{fmt, str::FromStr};

/// One permission a key carries.
///
/// The documented vocabulary has a variant each; any other well-formed string is kept as
/// [`Scope::Other`], never dropped, so keys issued by a newer server keep their scopes when
/// read by an older one. `Display`/`FromStr` round-trip.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum Scope {
    /// `projects:read`
    ProjectsRead,
    /// `projects:write`
    ProjectsWrite,
    /// `ingest:write`
    IngestWrite,
    /// `content:read`
    ContentRead,
    /// `content:write`
    ContentWrite,
    /// `content:approve`
    ContentApprove,
    /// `social:read`
    SocialRead,
    /// `social:write`
    SocialWrite,
    /// `publish:write`
    PublishWrite,
    /// `events:read`: PII fields redacted.
    EventsRead,
    /// `events:read+pii`: the event stream with PII; implies [`Scope::EventsRead`].
    EventsReadPii,
    /// `metrics:read`
    MetricsRead,
    /// `ads:read`
    AdsRead,
    /// `ads:write`
    AdsWrite,
    /// `influencers:write`
    InfluencersWrite,
    /// `leased:write`
    LeasedWrite,
    /// `engagement:write`
    EngagementWrite,
    /// `github:admin`
    GithubAdmin,
    /// `jobs:read`
    JobsRead,
    /// `jobs:cancel`
    JobsCancel,
    /// A scope outside the documented vocabulary, kept as it came.
    Other(String),
}

const KNOWN: [(Scope, &str); 20] = [
    (Scope::ProjectsRead, "projects:read"),
    (Scope::ProjectsWrite, "projects:write"),
    (Scope::IngestWrite, "ingest:write"),
    (Scope::ContentRead, "content:read"),
    (Scope::ContentWrite, "content:write"),
    (Scope::ContentApprove, "content:approve"),
    (Scope::SocialRead, "social:read"),
    (Scope::SocialWrite, "social:write"),
    (Scope::PublishWrite, "publish:write"),
    (Scope::EventsRead, "events:read"),
    (Scope::EventsReadPii, "events:read+pii"),
    (Scope::MetricsRead, "metrics:read"),
    (Scope::AdsRead, "ads:read"),
    (Scope::AdsWrite, "ads:write"),
    (Scope::InfluencersWrite, "influencers:write"),
    (Scope::LeasedWrite, "leased:write"),
    (Scope::EngagementWrite, "engagement:write"),
    (Scope::GithubAdmin, "github:admin"),
    (Scope::JobsRead, "jobs:read"),
    (Scope::JobsCancel, "jobs:cancel"),
];

impl Scope {
    /// Longest scope string accepted.
    pub const MAX_LEN: usize = 128;

    /// Every documented scope, in the vocabulary's order.
    pub fn documented() -> impl Iterator<Item = Self> {
        KNOWN.into_iter().map(|(scope, _)| scope)
    }

    /// The scope's text.
    #[must_use]
    pub fn as_str(&self) -> &str {
        match self {
            Self::Other(text) => text,
            known => KNOWN
                .iter()
                .find(|(scope, _)| scope == known)
                .map_or("", |(_, text)| text),
        }
    }

    /// Whether holding `self` grants `required`.
    #[must_use]
    pub fn grants(&self, required: &Self) -> bool {
        self == required || (*self == Self::EventsReadPii && *required == Self::EventsRead)
    }
}

impl fmt::Display for Scope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The text is not a well-formed scope.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ScopeError {
    /// Empty string.
    #[error("scope is empty")]
    Empty,
    /// Longer than [`Scope::MAX_LEN`].
    #[error("scope is longer than 128 bytes")]
    TooLong,
    /// A character other than visible ASCII, or a `,`, which separates scope lists.
    #[error("scope character at byte {position} is not allowed")]
    Character {
        /// Byte offset of the offending character.
        position: usize,
    },
}

impl FromStr for Scope {
    type Err = ScopeError;

    /// Any visible-ASCII string without `,` of 1 to 128 bytes; unknown ones become
    /// [`Scope::Other`].
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        if s.is_empty() {
            return Err(ScopeError::Empty);
        }
        if s.len() > Self::MAX_LEN {
            return Err(ScopeError::TooLong);
        }
        if let Some(position) = s.bytes().position(|b| !b.is_ascii_graphic() || b == b',') {
            return Err(ScopeError::Character { position });
        }
        Ok(KNOWN
            .iter()
            .find(|(_, text)| *text == s)
            .map_or_else(|| Self::Other(s.to_owned()), |(scope, _)| scope.clone()))
    }
}

/// The scopes a key carries.
///
/// An empty set means org-level access, today's behaviour: [`Scopes::allows`] grants every
/// scope. Enforcement is opt-in per route; a missing scope is `403 FORBIDDEN_SCOPE` with
/// `details.requiredScope`. Text form: scopes separated by single spaces, as OAuth writes them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct Scopes(Vec<Scope>);

impl Scopes {
    /// Org-level access: no scopes listed, everything allowed.
    #[must_use]
    pub const fn org_level() -> Self {
        Self(Vec::new())
    }

    /// Whether a request needing `required` may proceed.
    #[must_use]
    pub fn allows(&self, required: &Scope) -> bool {
        self.0.is_empty() || self.0.iter().any(|held| held.grants(required))
    }

    /// The scopes, in the order given.
    #[must_use]
    pub fn as_slice(&self) -> &[Scope] {
        &self.0
    }

    /// Whether no scopes are listed (org-level access).
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl FromIterator<Scope> for Scopes {
    fn from_iter<I: IntoIterator<Item = Scope>>(iter: I) -> Self {
        let mut scopes: Vec<Scope> = Vec::new();
        for scope in iter {
            if !scopes.contains(&scope) {
                scopes.push(scope);
            }
        }
        Self(scopes)
    }
}

impl fmt::Display for Scopes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, scope) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str(" ")?;
            }
            f.write_str(scope.as_str())?;
        }
        Ok(())
    }
}

impl FromStr for Scopes {
    type Err = ScopeError;

    /// Scopes separated by ASCII whitespace; duplicates are dropped, order kept.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        s.split_ascii_whitespace().map(str::parse).collect()
    }
}

#[cfg(feature = "serde")]
impl serde::Serialize for Scope {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

#[cfg(feature = "serde")]
impl<'de> serde::Deserialize<'de> for Scope {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(feature = "serde")]
impl serde::Serialize for Scopes {
    /// A JSON array of strings, as whoami returns `scopes`.
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(&self.0)
    }
}

#[cfg(feature = "serde")]
impl<'de> serde::Deserialize<'de> for Scopes {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Ok(Vec::<Scope>::deserialize(deserializer)?
            .into_iter()
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vocabulary_round_trips() {
        for scope in Scope::documented() {
            assert_eq!(scope.to_string().parse::<Scope>(), Ok(scope.clone()));
            assert!(!matches!(scope, Scope::Other(_)));
        }
        assert_eq!(Scope::documented().count(), 20);
    }

    #[test]
    fn unknown_scopes_are_kept() {
        let scope: Scope = "billing:read".parse().unwrap();
        assert_eq!(scope, Scope::Other("billing:read".into()));
        assert_eq!(scope.to_string(), "billing:read");
    }

    #[test]
    fn empty_set_is_org_level_and_pii_implies_read() {
        assert!(Scopes::org_level().allows(&Scope::GithubAdmin));
        let scopes: Scopes = "events:read+pii jobs:read".parse().unwrap();
        assert!(scopes.allows(&Scope::EventsRead));
        assert!(scopes.allows(&Scope::EventsReadPii));
        assert!(!scopes.allows(&Scope::JobsCancel));
        let read_only: Scopes = "events:read".parse().unwrap();
        assert!(!read_only.allows(&Scope::EventsReadPii));
        assert_eq!(scopes.to_string(), "events:read+pii jobs:read");
    }

    #[test]
    fn malformed_scopes() {
        assert_eq!("".parse::<Scope>(), Err(ScopeError::Empty));
        assert_eq!(
            "a,b".parse::<Scope>(),
            Err(ScopeError::Character { position: 1 })
        );
        assert_eq!(
            "a b".parse::<Scope>(),
            Err(ScopeError::Character { position: 1 })
        );
        assert_eq!("x".repeat(129).parse::<Scope>(), Err(ScopeError::TooLong));
    }
}
