//! A code as received from a server: known, or kept verbatim.

use std::fmt;

use crate::ErrorCode;

/// An error code as a client received it.
///
/// Servers add codes over time. A client must not fail on a code it does not know, so a
/// received code is either one of [`ErrorCode`] or an [`UnrecognizedCode`] holding the string
/// exactly as it came; it serializes back unchanged.
///
/// ```
/// use layer_errors::{Code, ErrorCode};
///
/// assert_eq!(Code::from("KILL_SWITCH"), Code::Known(ErrorCode::KillSwitch));
/// let new = Code::from("QUOTA_FROZEN");
/// assert_eq!(new.known(), None);
/// assert_eq!(new.as_str(), "QUOTA_FROZEN");
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Code {
    /// A code this version of the crate knows.
    Known(ErrorCode),
    /// A code this version does not know, kept verbatim.
    Unrecognized(UnrecognizedCode),
}

/// A code string that is not one of [`ErrorCode`], kept exactly as received.
///
/// Only [`Code::from`] makes one, so an `UnrecognizedCode` never spells a known code and two
/// [`Code`]s for the same string always compare equal.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct UnrecognizedCode(Box<str>);

impl UnrecognizedCode {
    /// The code as received.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl Code {
    /// The code as it appears on the wire.
    #[must_use]
    pub fn as_str(&self) -> &str {
        match self {
            Self::Known(code) => code.as_str(),
            Self::Unrecognized(code) => code.as_str(),
        }
    }

    /// The known code, or `None` for an unrecognized one.
    #[must_use]
    pub fn known(&self) -> Option<ErrorCode> {
        match self {
            Self::Known(code) => Some(*code),
            Self::Unrecognized(_) => None,
        }
    }

    /// Whether this is the given known code.
    #[must_use]
    pub fn is(&self, code: ErrorCode) -> bool {
        self.known() == Some(code)
    }
}

impl From<ErrorCode> for Code {
    fn from(code: ErrorCode) -> Self {
        Self::Known(code)
    }
}

impl From<&str> for Code {
    /// Never fails: a string that is not a known code becomes [`Code::Unrecognized`].
    fn from(code: &str) -> Self {
        match ErrorCode::from_wire(code) {
            Some(known) => Self::Known(known),
            None => Self::Unrecognized(UnrecognizedCode(code.into())),
        }
    }
}

impl From<String> for Code {
    /// Never fails; reuses the string's allocation for an unrecognized code.
    fn from(code: String) -> Self {
        match ErrorCode::from_wire(&code) {
            Some(known) => Self::Known(known),
            None => Self::Unrecognized(UnrecognizedCode(code.into_boxed_str())),
        }
    }
}

impl PartialEq<ErrorCode> for Code {
    fn eq(&self, other: &ErrorCode) -> bool {
        self.is(*other)
    }
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl serde::Serialize for Code {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> serde::Deserialize<'de> for Code {
    /// Accepts any string; fails only on a non-string.
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        String::deserialize(deserializer).map(Self::from)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_codes_are_recognized_from_both_string_types() {
        for code in ErrorCode::ALL {
            assert_eq!(Code::from(code.as_str()), Code::Known(code));
            assert_eq!(Code::from(code.as_str().to_owned()), code);
        }
    }

    #[test]
    fn unknown_codes_are_kept_verbatim() {
        for raw in ["QUOTA_FROZEN", "rate_limited", "", " KILL_SWITCH", "é"] {
            let code = Code::from(raw);
            assert_eq!(code.known(), None, "{raw:?}");
            assert_eq!(code.as_str(), raw);
            assert_eq!(code.to_string(), raw);
        }
    }

    #[test]
    fn serde_round_trips_unknown_codes() {
        let code: Code = serde_json::from_str("\"QUOTA_FROZEN\"").unwrap();
        assert_eq!(code.as_str(), "QUOTA_FROZEN");
        assert_eq!(serde_json::to_string(&code).unwrap(), "\"QUOTA_FROZEN\"");
        let known: Code = serde_json::from_str("\"NOT_FOUND\"").unwrap();
        assert!(known.is(ErrorCode::NotFound));
        assert!(serde_json::from_str::<Code>("42").is_err());
    }
}
