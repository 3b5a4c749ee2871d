//! [`SchemaName`]: the PostgreSQL schema a store keeps its tables in.

use std::{fmt, str::FromStr};

use crate::Error;

/// The name of the PostgreSQL schema holding a store's tables.
///
/// # Constraints
///
/// 1 to [`SchemaName::MAX_LEN`] bytes of lower-case ASCII letters, digits and `_`, starting
/// with a letter or `_`, and not starting with `pg_` (PostgreSQL reserves that prefix).
/// Such a name means the same quoted or unquoted, so it is safe to splice into SQL and into
/// the connection's `search_path` without escaping.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct SchemaName(String);

impl SchemaName {
    /// The longest name PostgreSQL keeps whole (`NAMEDATALEN - 1`).
    pub const MAX_LEN: usize = 63;

    /// `public`, the schema [`PostgresStore::connect`](crate::PostgresStore::connect) uses.
    #[must_use]
    pub fn public() -> Self {
        Self("public".to_owned())
    }

    /// The name.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl FromStr for SchemaName {
    type Err = Error;

    fn from_str(name: &str) -> Result<Self, Error> {
        let mut bytes = name.bytes();
        match bytes.next() {
            None => return Err(Error::SchemaName("empty")),
            Some(first) if !(first.is_ascii_lowercase() || first == b'_') => {
                return Err(Error::SchemaName("must start with a-z or _"));
            }
            Some(_) => {}
        }
        if name.len() > Self::MAX_LEN {
            return Err(Error::SchemaName("longer than 63 bytes"));
        }
        if !bytes.all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_') {
            return Err(Error::SchemaName("only a-z, 0-9 and _ are allowed"));
        }
        if name.starts_with("pg_") {
            return Err(Error::SchemaName("the pg_ prefix is reserved"));
        }
        Ok(Self(name.to_owned()))
    }
}

impl fmt::Display for SchemaName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_plain_names_and_round_trips() {
        for name in ["public", "_x", "layer_auth", "t0123456789", &"a".repeat(63)] {
            let parsed: SchemaName = name.parse().unwrap();
            assert_eq!(parsed.to_string(), name);
        }
        assert_eq!(SchemaName::public().as_str(), "public");
    }

    #[test]
    fn refuses_names_that_would_need_quoting() {
        for name in [
            "",
            "Public",
            "1abc",
            "a-b",
            "a b",
            "a;drop",
            "a\"b",
            "pg_catalog",
            "é",
            &"a".repeat(64),
        ] {
            assert!(name.parse::<SchemaName>().is_err(), "{name:?} was accepted");
        }
    }
}
