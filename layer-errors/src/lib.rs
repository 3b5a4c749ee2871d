//! The error envelope, code vocabulary and request ids (work in progress: see README once
//! complete).

mod code;
mod details;
mod envelope;
mod error;
mod group;
mod received_code;
mod request_id;
mod retry;

pub use crate::code::ErrorCode;
pub use crate::details::{Details, FieldError, KillSwitchScope, RawDetails};
pub use crate::envelope::ErrorEnvelope;
pub use crate::error::{Error, Result};
pub use crate::group::ErrorGroup;
pub use crate::received_code::{Code, UnrecognizedCode};
pub use crate::request_id::RequestId;
pub use crate::retry::RetryDecision;
