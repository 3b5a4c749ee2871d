#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]

mod api_error;
mod backoff;
mod client;
mod code;
mod details;
mod envelope;
mod error;
mod group;
mod problem;
mod received_code;
mod request_id;
mod retry;

pub use crate::api_error::ApiError;
pub use crate::backoff::Backoff;
pub use crate::client::ClientError;
pub use crate::code::ErrorCode;
pub use crate::details::{Details, FieldError, KillSwitchScope, RawDetails};
pub use crate::envelope::ErrorEnvelope;
pub use crate::error::{Error, Result};
pub use crate::group::ErrorGroup;
pub use crate::problem::ProblemDetails;
pub use crate::received_code::{Code, UnrecognizedCode};
pub use crate::request_id::RequestId;
pub use crate::retry::RetryDecision;

/// The response header carrying the request id (lower case, as HTTP/2 sends it; match it
/// case-insensitively).
pub const REQUEST_ID_HEADER: &str = "x-request-id";

/// The content type of an envelope body.
pub const JSON_CONTENT_TYPE: &str = "application/json";

/// The content type of an RFC 9457 problem details body.
pub const PROBLEM_JSON_CONTENT_TYPE: &str = "application/problem+json";
