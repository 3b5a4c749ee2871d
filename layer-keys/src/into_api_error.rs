//! Conversions into `layer-errors`' [`ApiError`]. Feature `errors`.
//!
//! Every failure to read or parse a presented key is `401 UNAUTHENTICATED`. The message says
//! which rule was broken (which header, which segment, which byte) and never repeats the key.

use layer_errors::ApiError;

use crate::ParseError;

impl From<ParseError> for ApiError {
    fn from(error: ParseError) -> Self {
        Self::unauthenticated(format!("malformed API key: {error}"))
    }
}

#[cfg(feature = "http")]
impl From<crate::ExtractError> for ApiError {
    fn from(error: crate::ExtractError) -> Self {
        Self::unauthenticated(error.to_string())
    }
}

#[cfg(test)]
mod tests {
    use layer_errors::ErrorCode;

    use super::*;
    use crate::{Env, PartnerKey};

    #[test]
    fn parse_errors_are_unauthenticated_without_the_key() {
        let key = PartnerKey::generate(Env::Live).unwrap();
        let text = format!("{}!", key.expose_secret());
        let error: ApiError = text.parse::<PartnerKey>().unwrap_err().into();
        assert_eq!(error.code(), ErrorCode::Unauthenticated);
        assert_eq!(error.status(), 401);
        assert_eq!(
            error.message(),
            "malformed API key: secret character at byte 68 is not base64url"
        );
        let body = String::from_utf8(error.to_json()).unwrap();
        assert!(!body.contains(&key.expose_secret()[25..]), "{body}");
    }

    #[cfg(feature = "http")]
    #[test]
    fn extract_errors_are_unauthenticated() {
        let error: ApiError = crate::extract_key(&http::HeaderMap::new())
            .unwrap_err()
            .into();
        assert_eq!(error.code(), ErrorCode::Unauthenticated);
        assert_eq!(
            error.message(),
            "missing API key: send it as `X-Api-Key: <key>`"
        );
    }
}
