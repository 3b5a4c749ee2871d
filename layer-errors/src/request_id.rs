//! Request ids: `req_` followed by a 26-character ULID.

mod crockford;
mod generator;

use std::fmt;
use std::str::FromStr;

use crate::Error;

use self::crockford::{DecodeError, ENCODED_LEN};

/// The id of one request, sent as the envelope's `requestId` and the `X-Request-Id` header.
///
/// # Constraints
///
/// `req_` followed by a ULID in upper-case Crockford base32: 26 characters spelling a 48-bit
/// Unix time in milliseconds and 80 random bits, [`RequestId::LEN`] bytes in all. Parsing is
/// strict: no lower case, no `I`/`L`/`O` aliases, no whitespace, and the first ULID character
/// is at most `7` (the value fits 128 bits). [`Display`](fmt::Display) and
/// [`FromStr`] round-trip.
///
/// The value is 16 bytes and `Copy`; formatting encodes on the stack. Ids order by time, then
/// by their random part.
///
/// # Security
///
/// A request id is a correlation handle, not a secret or a capability: ids from one thread in
/// the same millisecond differ by one, so the next id is guessable from the last.
///
/// ```
/// use layer_errors::RequestId;
///
/// let id = RequestId::generate();
/// let text = id.to_string();
/// assert!(text.starts_with("req_"));
/// assert_eq!(text.len(), RequestId::LEN);
/// assert_eq!(text.parse::<RequestId>(), Ok(id));
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct RequestId(u128);

impl RequestId {
    /// The prefix every request id starts with.
    pub const PREFIX: &'static str = "req_";

    /// The length of a request id in bytes (and characters): 4 + 26.
    pub const LEN: usize = Self::PREFIX.len() + ENCODED_LEN;

    /// A fresh id: the current time and 80 random bits.
    ///
    /// Cheap: no system call per id. Each thread keeps a small RNG seeded once from the
    /// operating system (through `rand`'s thread RNG) and reads the clock with
    /// `SystemTime::now`. Ids made by one thread strictly increase, even within a millisecond
    /// or when the wall clock steps back.
    #[must_use]
    pub fn generate() -> Self {
        generator::generate()
    }

    /// An id from its parts: the low 48 bits of `timestamp_ms` and the low 80 bits of
    /// `random`; higher bits are ignored.
    #[must_use]
    pub const fn from_parts(timestamp_ms: u64, random: u128) -> Self {
        let timestamp = (timestamp_ms as u128) & ((1 << 48) - 1);
        Self((timestamp << 80) | (random & ((1 << 80) - 1)))
    }

    /// The id's 128-bit ULID value.
    #[must_use]
    pub const fn to_u128(self) -> u128 {
        self.0
    }

    /// The id for a 128-bit ULID value.
    #[must_use]
    pub const fn from_u128(value: u128) -> Self {
        Self(value)
    }

    /// Milliseconds since the Unix epoch at which the id was made.
    #[must_use]
    pub const fn timestamp_ms(self) -> u64 {
        (self.0 >> 80) as u64
    }

    /// The 80-bit random part.
    #[must_use]
    pub const fn random_part(self) -> u128 {
        self.0 & ((1 << 80) - 1)
    }

    /// The id's text on the stack, for header values and serializers.
    pub(crate) fn encode(self) -> EncodedRequestId {
        let mut bytes = [0u8; Self::LEN];
        bytes[..Self::PREFIX.len()].copy_from_slice(Self::PREFIX.as_bytes());
        bytes[Self::PREFIX.len()..].copy_from_slice(&crockford::encode(self.0));
        EncodedRequestId(bytes)
    }
}

/// A request id's text, held on the stack.
#[derive(Clone, Copy)]
pub(crate) struct EncodedRequestId([u8; RequestId::LEN]);

impl EncodedRequestId {
    /// The text; always ASCII.
    pub(crate) fn as_str(&self) -> &str {
        // Only `encode` builds this, from ASCII, so the conversion cannot fail.
        std::str::from_utf8(&self.0).unwrap_or_default()
    }
}

impl fmt::Display for RequestId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.encode().as_str())
    }
}

impl fmt::Debug for RequestId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("RequestId")
            .field(&format_args!("{self}"))
            .finish()
    }
}

impl FromStr for RequestId {
    type Err = Error;

    /// Parses `req_` + 26 upper-case Crockford base32 characters, nothing more or less.
    ///
    /// # Errors
    ///
    /// [`Error::RequestIdLength`], [`Error::RequestIdPrefix`],
    /// [`Error::RequestIdCharacter`] (with the index into the whole string) or
    /// [`Error::RequestIdOverflow`].
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bytes = s.as_bytes();
        if bytes.len() != Self::LEN {
            return Err(Error::RequestIdLength(bytes.len()));
        }
        let (prefix, ulid) = bytes.split_at(Self::PREFIX.len());
        if prefix != Self::PREFIX.as_bytes() {
            return Err(Error::RequestIdPrefix);
        }
        let ulid: &[u8; ENCODED_LEN] = ulid
            .try_into()
            .map_err(|_| Error::RequestIdLength(bytes.len()))?;
        match crockford::decode(ulid) {
            Ok(value) => Ok(Self(value)),
            Err(DecodeError::Character(index)) => {
                Err(Error::RequestIdCharacter(Self::PREFIX.len() + index))
            }
            Err(DecodeError::Overflow) => Err(Error::RequestIdOverflow),
        }
    }
}

impl serde::Serialize for RequestId {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.encode().as_str())
    }
}

impl<'de> serde::Deserialize<'de> for RequestId {
    /// Strict, as [`FromStr`].
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_spec_example_parses_and_prints_back() {
        let text = "req_01HXZ9G7KMV2QX8Y1S5RJW3B7T";
        let id: RequestId = text.parse().unwrap();
        assert_eq!(id.to_string(), text);
        assert_eq!(format!("{id:?}"), format!("RequestId({text})"));
    }

    #[test]
    fn parts_land_where_ulid_puts_them() {
        let id = RequestId::from_parts(1_469_918_176_385, 0);
        assert_eq!(id.to_string(), "req_01ARYZ6S410000000000000000");
        assert_eq!(id.timestamp_ms(), 1_469_918_176_385);
        let id = RequestId::from_parts(u64::MAX, u128::MAX);
        assert_eq!(id.to_u128(), u128::MAX);
        assert_eq!(RequestId::from_u128(id.to_u128()), id);
        assert_eq!(id.random_part(), (1 << 80) - 1);
    }

    #[test]
    fn strict_parsing_names_the_problem() {
        let cases = [
            ("", Error::RequestIdLength(0)),
            ("req_01HXZ9G7KMV2QX8Y1S5RJW3B7", Error::RequestIdLength(29)),
            (
                "req_01HXZ9G7KMV2QX8Y1S5RJW3B7TT",
                Error::RequestIdLength(31),
            ),
            ("REQ_01HXZ9G7KMV2QX8Y1S5RJW3B7T", Error::RequestIdPrefix),
            ("rq__01HXZ9G7KMV2QX8Y1S5RJW3B7T", Error::RequestIdPrefix),
            (
                "req_01hxz9g7kmv2qx8y1s5rjw3b7t",
                Error::RequestIdCharacter(6),
            ),
            (
                "req_01HXZ9G7KMV2QX8Y1S5RJW3BIT",
                Error::RequestIdCharacter(28),
            ),
            ("req_81HXZ9G7KMV2QX8Y1S5RJW3B7T", Error::RequestIdOverflow),
            // 30 bytes, but 'é' is two of them and not a symbol.
            (
                "req_01HXZ9G7KMV2QX8Y1S5RJW3Bé",
                Error::RequestIdCharacter(28),
            ),
        ];
        for (text, expected) in cases {
            assert_eq!(text.parse::<RequestId>(), Err(expected), "{text:?}");
        }
    }

    #[test]
    fn serde_uses_the_text_form_and_is_strict() {
        let id: RequestId = "req_01HXZ9G7KMV2QX8Y1S5RJW3B7T".parse().unwrap();
        let json = serde_json::to_string(&id).unwrap();
        assert_eq!(json, "\"req_01HXZ9G7KMV2QX8Y1S5RJW3B7T\"");
        assert_eq!(serde_json::from_str::<RequestId>(&json).unwrap(), id);
        assert!(serde_json::from_str::<RequestId>("\"req_x\"").is_err());
    }

    #[test]
    fn generated_ids_carry_the_current_time() {
        let before = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_millis();
        let id = RequestId::generate();
        assert!(u128::from(id.timestamp_ms()) + 1 >= before);
    }
}
