//! RFC 9457 problem details, as an alternative body.

use serde::Serialize;

use crate::{ApiError, Details, ErrorCode, RequestId};

/// An [`ApiError`] as an RFC 9457 `application/problem+json` document.
///
/// Members: `type` (`about:blank` unless set with [`with_type`](Self::with_type)), `title`
/// (the HTTP status phrase, as RFC 9457 asks for `about:blank`), `status`, `detail` (the
/// error's public message: generic for 5xx) and the extension members `code`, `requestId`
/// and, when present, `details`, each in the same form as in the envelope.
///
/// ```
/// use layer_errors::ApiError;
///
/// let problem = ApiError::forbidden_scope("content:write")
///     .with_request_id("req_01HXZ9G7KMV2QX8Y1S5RJW3B7T".parse()?)
///     .to_problem();
/// assert_eq!(
///     String::from_utf8(problem.to_json())?,
///     r#"{"type":"about:blank","title":"Forbidden","status":403,"detail":"The API key lacks the scope this request needs.","code":"FORBIDDEN_SCOPE","requestId":"req_01HXZ9G7KMV2QX8Y1S5RJW3B7T","details":{"requiredScope":"content:write"}}"#,
/// );
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ProblemDetails {
    #[serde(rename = "type")]
    type_uri: String,
    title: String,
    status: u16,
    detail: String,
    code: ErrorCode,
    request_id: RequestId,
    #[serde(skip_serializing_if = "Option::is_none")]
    details: Option<Details>,
}

impl ProblemDetails {
    /// The document with a problem type URI and its title in place of `about:blank` and
    /// the status phrase.
    #[must_use]
    pub fn with_type(mut self, type_uri: impl Into<String>, title: impl Into<String>) -> Self {
        self.type_uri = type_uri.into();
        self.title = title.into();
        self
    }

    /// The `type` member.
    #[must_use]
    pub fn type_uri(&self) -> &str {
        &self.type_uri
    }

    /// The `title` member.
    #[must_use]
    pub fn title(&self) -> &str {
        &self.title
    }

    /// The `status` member.
    #[must_use]
    pub fn status(&self) -> u16 {
        self.status
    }

    /// The `detail` member.
    #[must_use]
    pub fn detail(&self) -> &str {
        &self.detail
    }

    /// The `code` extension member.
    #[must_use]
    pub fn code(&self) -> ErrorCode {
        self.code
    }

    /// The `requestId` extension member.
    #[must_use]
    pub fn request_id(&self) -> RequestId {
        self.request_id
    }

    /// The `details` extension member.
    #[must_use]
    pub fn details(&self) -> Option<&Details> {
        self.details.as_ref()
    }

    /// The document as compact JSON.
    #[must_use]
    pub fn to_json(&self) -> Vec<u8> {
        // Only strings, integers and typed details: serializing cannot fail.
        serde_json::to_vec(self).unwrap_or_default()
    }
}

impl ApiError {
    /// The error as a problem details document. An error without a request id gets a fresh
    /// one in the document only; call [`ensure_request_id`](Self::ensure_request_id) first
    /// when it must also go in a header.
    #[must_use]
    pub fn to_problem(&self) -> ProblemDetails {
        ProblemDetails {
            type_uri: "about:blank".to_owned(),
            title: status_phrase(self.status()).to_owned(),
            status: self.status(),
            detail: self.public_message().to_owned(),
            code: self.code(),
            request_id: self.request_id().unwrap_or_else(RequestId::generate),
            details: self.details().cloned(),
        }
    }
}

/// The RFC 9110 reason phrase for the statuses the codes use.
fn status_phrase(status: u16) -> &'static str {
    match status {
        401 => "Unauthorized",
        402 => "Payment Required",
        403 => "Forbidden",
        404 => "Not Found",
        409 => "Conflict",
        422 => "Unprocessable Content",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        _ => "Error",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_has_a_real_status_phrase() {
        for code in ErrorCode::ALL {
            assert_ne!(status_phrase(code.status()), "Error", "{code}");
        }
    }

    #[test]
    fn five_hundreds_keep_causes_out_and_types_can_be_set() {
        let problem = ApiError::internal("disk /dev/sda1 full").to_problem();
        let json = String::from_utf8(problem.to_json()).unwrap();
        assert!(!json.contains("sda1"), "{json}");
        assert_eq!(problem.detail(), "Internal error.");
        assert_eq!(problem.details(), None);
        assert!(!json.contains("details"));

        let typed = problem.with_type("https://errors.example/internal", "Internal error");
        assert_eq!(typed.type_uri(), "https://errors.example/internal");
        assert_eq!(typed.title(), "Internal error");
        assert_eq!(typed.status(), 500);
        assert_eq!(typed.code(), ErrorCode::Internal);
    }

    #[test]
    fn request_id_matches_the_error() {
        let mut error = ApiError::rate_limited("read-light", 1_500);
        let id = error.ensure_request_id();
        let problem = error.to_problem();
        assert_eq!(problem.request_id(), id);
        let value: serde_json::Value = serde_json::from_slice(&problem.to_json()).unwrap();
        assert_eq!(value["requestId"], id.to_string());
        assert_eq!(value["details"]["retryAfterMs"], 1_500);
        assert_eq!(value["status"], 429);
    }
}
