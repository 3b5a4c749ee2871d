//! Details kept as the JSON text they arrived as.

use std::fmt;

use serde_json::value::RawValue;

/// A `details` value this crate has no type for (an unknown code, or a shape it does not
/// recognise), kept as the exact JSON text received so it serializes back byte for byte.
#[derive(Clone)]
pub struct RawDetails(Box<RawValue>);

impl RawDetails {
    /// Checks that `json` is one valid JSON value and keeps its text as is.
    ///
    /// # Errors
    ///
    /// The parser's error when `json` is not a single JSON value.
    pub fn from_json(json: &str) -> Result<Self, serde_json::Error> {
        RawValue::from_string(json.to_owned()).map(Self)
    }

    /// Serializes `value` to JSON text and keeps that.
    ///
    /// # Errors
    ///
    /// The serializer's error, e.g. for a map with non-string keys.
    pub fn from_serialize<T: serde::Serialize + ?Sized>(
        value: &T,
    ) -> Result<Self, serde_json::Error> {
        serde_json::value::to_raw_value(value).map(Self)
    }

    /// The JSON text, exactly as received.
    #[must_use]
    pub fn as_json(&self) -> &str {
        self.0.get()
    }

    /// Parses the text into a [`serde_json::Value`] for inspection.
    ///
    /// # Errors
    ///
    /// Only if the value nests deeper than `serde_json`'s recursion limit.
    pub fn to_value(&self) -> Result<serde_json::Value, serde_json::Error> {
        serde_json::from_str(self.as_json())
    }

    pub(crate) fn from_raw(raw: Box<RawValue>) -> Self {
        Self(raw)
    }

    pub(crate) fn raw(&self) -> &RawValue {
        &self.0
    }
}

impl PartialEq for RawDetails {
    /// Textual equality: the same JSON spelled differently compares unequal.
    fn eq(&self, other: &Self) -> bool {
        self.as_json() == other.as_json()
    }
}

impl Eq for RawDetails {}

impl fmt::Debug for RawDetails {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("RawDetails").field(&self.as_json()).finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_kept_exactly() {
        let text = r#"{ "b": 1, "a": [true, null] }"#;
        let raw = RawDetails::from_json(text).unwrap();
        assert_eq!(raw.as_json(), text);
        assert_eq!(
            raw.to_value().unwrap()["a"][0],
            serde_json::Value::Bool(true)
        );
    }

    #[test]
    fn rejects_non_json() {
        assert!(RawDetails::from_json("{").is_err());
        assert!(RawDetails::from_json("1 2").is_err());
    }

    #[test]
    fn from_serialize_is_compact_json() {
        let raw = RawDetails::from_serialize(&serde_json::json!({"k": [1, 2]})).unwrap();
        assert_eq!(raw.as_json(), r#"{"k":[1,2]}"#);
        assert_eq!(format!("{raw:?}"), r#"RawDetails("{\"k\":[1,2]}")"#);
    }
}
