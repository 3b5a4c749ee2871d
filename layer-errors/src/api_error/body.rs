//! What an `ApiError` puts in a response body, and what it keeps out.

use crate::envelope::{EnvelopeView, IdText};
use crate::{ApiError, RequestId};

impl ApiError {
    /// The message the body carries: the given one for 4xx, the code's generic one for 5xx.
    #[must_use]
    pub fn public_message(&self) -> &str {
        if self.status() >= 500 {
            self.code.default_message()
        } else {
            &self.message
        }
    }

    /// The body as compact JSON.
    ///
    /// An error without a request id gets a fresh one in the body only; call
    /// [`ensure_request_id`](Self::ensure_request_id) first when the id must also go in a
    /// header, as the `http` and `axum` integrations do.
    #[must_use]
    pub fn to_json(&self) -> Vec<u8> {
        // Serializing strings, integers and typed details into a Vec cannot fail (serde_json
        // only fails on non-string map keys and on errors raised by custom impls).
        serde_json::to_vec(self).unwrap_or_default()
    }

    fn view(&self, request_id: RequestId) -> EnvelopeView<'_> {
        EnvelopeView {
            code: self.code.as_str(),
            message: Some(self.public_message()),
            request_id: Some(IdText::Typed(request_id)),
            details: self.details.as_ref(),
        }
    }
}

impl serde::Serialize for ApiError {
    /// The envelope. An error without a request id gets a fresh one in the body only (see
    /// [`ApiError::to_json`]).
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let request_id = self.request_id.unwrap_or_else(RequestId::generate);
        self.view(request_id).serialize(serializer)
    }
}

#[cfg(test)]
mod tests {
    use std::error::Error as _;

    use crate::{ApiError, ErrorCode, RequestId};

    fn id() -> RequestId {
        "req_01HXZ9G7KMV2QX8Y1S5RJW3B7T".parse().unwrap()
    }

    fn body(error: &ApiError) -> String {
        String::from_utf8(error.clone().with_request_id(id()).to_json()).unwrap()
    }

    #[test]
    fn internal_keeps_the_cause_out_of_the_body_but_in_logs() {
        let error = ApiError::internal("password=hunter2 rejected by db");
        let json = body(&error);
        assert!(!json.contains("hunter2"), "{json}");
        assert!(json.contains("\"message\":\"Internal error.\""), "{json}");
        let source = error.source().map(ToString::to_string);
        assert_eq!(source.as_deref(), Some("password=hunter2 rejected by db"));
        assert!(format!("{error:?}").contains("hunter2"));
    }

    #[test]
    fn five_hundreds_never_send_the_given_message() {
        for code in ErrorCode::ALL {
            let error = ApiError::new(code, "secret detail 42");
            let leaked = body(&error).contains("secret detail 42");
            assert_eq!(leaked, code.status() < 500, "{code}");
            assert!(error.to_string().contains("secret detail 42"));
        }
    }

    #[test]
    fn request_ids_are_kept_or_generated_once() {
        let mut error = ApiError::not_found();
        assert_eq!(error.request_id(), None);
        let generated = error.ensure_request_id();
        assert_eq!(error.ensure_request_id(), generated);
        let error = error.with_request_id(id());
        assert_eq!(error.request_id(), Some(id()));
        assert!(body(&error).contains(&id().to_string()));
        let fresh = String::from_utf8(ApiError::not_found().to_json()).unwrap();
        assert!(fresh.contains("\"requestId\":\"req_"), "{fresh}");
    }
}
