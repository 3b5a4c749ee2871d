//! [`EndpointClass`]: the three kinds of route that get separate buckets.

use core::fmt;
use core::str::FromStr;

use crate::Error;

/// The bucket a route draws from (SPEC 3.1). A route's class is fixed.
///
/// One key has one bucket per class, so a burst of writes never starves reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[non_exhaustive]
pub enum EndpointClass {
    /// Every `GET`.
    ReadLight,
    /// `PATCH`, `DELETE` and small synchronous `POST`s. Carries the daily cap.
    WriteLight,
    /// A `POST` that starts a job.
    LongRunning,
}

impl EndpointClass {
    /// All classes, in table order.
    pub const ALL: [Self; 3] = [Self::ReadLight, Self::WriteLight, Self::LongRunning];

    /// The wire name: `read-light`, `write-light` or `long-running`.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::ReadLight => "read-light",
            Self::WriteLight => "write-light",
            Self::LongRunning => "long-running",
        }
    }

    /// The default class for a method name (case-sensitive, as HTTP methods are).
    ///
    /// Safe methods (`GET`, `HEAD`, `OPTIONS`, `TRACE`) are `read-light`; every other method,
    /// including unknown ones, is `write-light`. A method alone cannot tell a job-starting
    /// `POST` from a small synchronous one: routes that start jobs declare
    /// [`EndpointClass::LongRunning`] themselves.
    ///
    /// ```
    /// use layer_ratelimit::EndpointClass;
    ///
    /// assert_eq!(EndpointClass::for_method_name("GET"), EndpointClass::ReadLight);
    /// assert_eq!(EndpointClass::for_method_name("DELETE"), EndpointClass::WriteLight);
    /// ```
    #[must_use]
    pub fn for_method_name(method: &str) -> Self {
        match method {
            "GET" | "HEAD" | "OPTIONS" | "TRACE" => Self::ReadLight,
            _ => Self::WriteLight,
        }
    }

    /// The default class for an [`http::Method`]; see [`EndpointClass::for_method_name`].
    #[cfg(feature = "http")]
    #[must_use]
    pub fn for_method(method: &http::Method) -> Self {
        Self::for_method_name(method.as_str())
    }

    /// Dense index 0..3, for per-class arrays and table tags.
    pub(crate) const fn index(self) -> usize {
        match self {
            Self::ReadLight => 0,
            Self::WriteLight => 1,
            Self::LongRunning => 2,
        }
    }
}

impl fmt::Display for EndpointClass {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for EndpointClass {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self, Error> {
        Self::ALL
            .into_iter()
            .find(|c| c.as_str() == s)
            .ok_or(Error::UnknownEndpointClass)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for class in EndpointClass::ALL {
            assert_eq!(class.to_string().parse::<EndpointClass>(), Ok(class));
        }
        assert_eq!(
            "Read-Light".parse::<EndpointClass>(),
            Err(Error::UnknownEndpointClass)
        );
    }

    #[test]
    fn methods_map_to_classes() {
        assert_eq!(
            EndpointClass::for_method_name("HEAD"),
            EndpointClass::ReadLight
        );
        assert_eq!(
            EndpointClass::for_method_name("POST"),
            EndpointClass::WriteLight
        );
        assert_eq!(
            EndpointClass::for_method_name("PATCH"),
            EndpointClass::WriteLight
        );
        assert_eq!(
            EndpointClass::for_method_name("get"),
            EndpointClass::WriteLight
        );
        assert_eq!(
            EndpointClass::for_method_name(""),
            EndpointClass::WriteLight
        );
    }

    #[cfg(feature = "http")]
    #[test]
    fn http_methods_map_to_classes() {
        assert_eq!(
            EndpointClass::for_method(&http::Method::GET),
            EndpointClass::ReadLight
        );
        assert_eq!(
            EndpointClass::for_method(&http::Method::PUT),
            EndpointClass::WriteLight
        );
    }
}
