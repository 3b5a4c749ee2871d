//! The JSON error envelope every 4xx and 5xx response carries.

mod view;

use serde::Deserialize;
use serde_json::value::RawValue;

use crate::{Code, Details, RequestId};

pub(crate) use self::view::{EnvelopeView, IdText};

/// The error envelope: `{"error":{"code","message","requestId","details"}}`.
///
/// Serializes to exactly that shape, members in that order, `details` left out when absent.
/// This is the type for *reading* errors and for passing them on; a server builds responses
/// from [`ApiError`](crate::ApiError), which serializes through the same code.
///
/// Deserialization is lenient where the wire may vary and faithful where it matters:
/// - an unknown `code` is kept verbatim ([`Code::Unrecognized`]);
/// - `details` become typed [`Details`] only beside their own code and in exactly their shape,
///   and are otherwise kept as the JSON text received ([`Details::Raw`]), so unknown details
///   serialize back unchanged; `"details": null` reads as absent;
/// - a missing `message` or `requestId` is tolerated (and stays absent when serialized back);
/// - unknown members of `error` and of the outer object are ignored.
///
/// Raw details need `serde_json`'s own deserializer (`from_slice`, `from_str`,
/// `from_reader`); the envelope is JSON by definition.
///
/// ```
/// use layer_errors::{Details, ErrorCode, ErrorEnvelope, KillSwitchScope};
///
/// let body = br#"{"error":{"code":"KILL_SWITCH","message":"Stopped.","requestId":"req_01HXZ9G7KMV2QX8Y1S5RJW3B7T","details":{"scope":"org"}}}"#;
/// let envelope = ErrorEnvelope::from_json(body)?;
/// assert!(envelope.code().is(ErrorCode::KillSwitch));
/// assert_eq!(envelope.details(), Some(&Details::KillSwitch { scope: KillSwitchScope::Org }));
/// assert_eq!(envelope.to_json(), body);
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ErrorEnvelope {
    code: Code,
    message: Option<String>,
    request_id: Option<String>,
    details: Option<Details>,
}

impl ErrorEnvelope {
    /// An envelope with every required member and no details.
    #[must_use]
    pub fn new(code: impl Into<Code>, message: impl Into<String>, request_id: RequestId) -> Self {
        Self {
            code: code.into(),
            message: Some(message.into()),
            request_id: Some(request_id.to_string()),
            details: None,
        }
    }

    /// The envelope with `details` set.
    ///
    /// Typed details are read back as typed only beside their own code (see [`Details`]);
    /// beside another code they come back as [`Details::Raw`].
    #[must_use]
    pub fn with_details(mut self, details: Details) -> Self {
        self.details = Some(details);
        self
    }

    /// Parses a response body.
    ///
    /// # Errors
    ///
    /// When `body` is not JSON, or not an object with an `error` object holding a string
    /// `code` (and, if present, a string `message` and `requestId`).
    pub fn from_json(body: &[u8]) -> Result<Self, serde_json::Error> {
        serde_json::from_slice(body)
    }

    /// The envelope as compact JSON.
    #[must_use]
    pub fn to_json(&self) -> Vec<u8> {
        // Serializing string members and already-validated raw JSON into a Vec cannot fail.
        serde_json::to_vec(self).unwrap_or_default()
    }

    /// The code, known or kept verbatim.
    #[must_use]
    pub fn code(&self) -> &Code {
        &self.code
    }

    /// The human-readable message; empty when the server sent none. Never branch on it.
    #[must_use]
    pub fn message(&self) -> &str {
        self.message.as_deref().unwrap_or_default()
    }

    /// The request id as received, whatever its format; quote it when reporting a problem.
    #[must_use]
    pub fn request_id(&self) -> Option<&str> {
        self.request_id.as_deref()
    }

    /// The structured details, if any.
    #[must_use]
    pub fn details(&self) -> Option<&Details> {
        self.details.as_ref()
    }

    fn view(&self) -> EnvelopeView<'_> {
        EnvelopeView {
            code: self.code.as_str(),
            message: self.message.as_deref(),
            request_id: self.request_id.as_deref().map(IdText::Received),
            details: self.details.as_ref(),
        }
    }
}

impl serde::Serialize for ErrorEnvelope {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.view().serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for ErrorEnvelope {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        struct Outer {
            error: Inner,
        }

        #[derive(Deserialize)]
        #[serde(rename_all = "camelCase")]
        struct Inner {
            code: Code,
            #[serde(default)]
            message: Option<String>,
            #[serde(default)]
            request_id: Option<String>,
            #[serde(default)]
            details: Option<Box<RawValue>>,
        }

        let Outer { error } = Outer::deserialize(deserializer)?;
        let details = error.details.map(|raw| Details::parse(&error.code, raw));
        Ok(Self {
            code: error.code,
            message: error.message,
            request_id: error.request_id,
            details,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ErrorCode;

    const ID: &str = "req_01HXZ9G7KMV2QX8Y1S5RJW3B7T";

    #[test]
    fn member_order_and_absent_details() {
        let envelope = ErrorEnvelope::new(ErrorCode::NotFound, "Nope.", ID.parse().unwrap());
        assert_eq!(
            String::from_utf8(envelope.to_json()).unwrap(),
            format!(r#"{{"error":{{"code":"NOT_FOUND","message":"Nope.","requestId":"{ID}"}}}}"#)
        );
    }

    #[test]
    fn missing_message_and_request_id_are_tolerated_and_stay_absent() {
        let body = br#"{"error":{"code":"RATE_LIMITED","requestId":"req_x","details":{"endpointClass":"write-light","retryAfterMs":1240}}}"#;
        let envelope = ErrorEnvelope::from_json(body).unwrap();
        assert_eq!(envelope.message(), "");
        assert_eq!(envelope.request_id(), Some("req_x"));
        assert_eq!(
            envelope.details().and_then(Details::retry_after_ms),
            Some(1240)
        );
        assert_eq!(envelope.to_json(), body);

        let bare = ErrorEnvelope::from_json(br#"{"error":{"code":"X"}}"#).unwrap();
        assert_eq!(bare.request_id(), None);
        assert_eq!(bare.to_json(), br#"{"error":{"code":"X"}}"#);
    }

    #[test]
    fn null_details_read_as_absent_and_extra_members_are_ignored() {
        let body = br#"{"error":{"code":"INTERNAL","message":"m","requestId":"r","details":null,"docs":"u"},"v":2}"#;
        let envelope = ErrorEnvelope::from_json(body).unwrap();
        assert_eq!(envelope.details(), None);
        assert!(envelope.code().is(ErrorCode::Internal));
    }

    #[test]
    fn non_envelopes_are_errors_not_panics() {
        for body in [
            &b""[..],
            b"<html>502 Bad Gateway</html>",
            b"{}",
            b"{\"error\":\"boom\"}",
            b"{\"error\":{\"code\":7}}",
            b"{\"error\":{\"message\":\"no code\"}}",
            b"[1]",
            b"\xff\xfe",
        ] {
            assert!(ErrorEnvelope::from_json(body).is_err(), "{body:?}");
        }
    }
}
