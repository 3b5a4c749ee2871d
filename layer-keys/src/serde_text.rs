//! `serde` for types whose text form is their `Display` / `FromStr` pair.
//!
//! Serializing writes the `Display` text; deserializing parses it with `FromStr`, so a value
//! read from JSON is checked exactly as strictly as one parsed from a string.

/// Implements `Serialize` and `Deserialize` for `$ty` through `Display` and `FromStr`.
macro_rules! serde_via_text {
    ($ty:ty) => {
        #[cfg(feature = "serde")]
        impl serde::Serialize for $ty {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.collect_str(self)
            }
        }

        #[cfg(feature = "serde")]
        impl<'de> serde::Deserialize<'de> for $ty {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let text = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
                text.parse().map_err(serde::de::Error::custom)
            }
        }
    };
}

pub(crate) use serde_via_text;
