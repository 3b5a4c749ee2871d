//! The one serializer for `{"error":{"code","message","requestId","details"}}`, shared by
//! [`ErrorEnvelope`](super::ErrorEnvelope) and [`ApiError`](crate::ApiError) so the two can
//! never drift apart.

use serde::Serialize;
use serde::ser::SerializeStruct;

use crate::{Details, RequestId};

/// A borrowed envelope, ready to serialize. Absent members are left out.
pub(crate) struct EnvelopeView<'a> {
    pub(crate) code: &'a str,
    pub(crate) message: Option<&'a str>,
    pub(crate) request_id: Option<IdText<'a>>,
    pub(crate) details: Option<&'a Details>,
}

/// A request id as the server made it, or as a client received it.
#[derive(Clone, Copy)]
pub(crate) enum IdText<'a> {
    Typed(RequestId),
    Received(&'a str),
}

impl Serialize for IdText<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Self::Typed(id) => id.serialize(serializer),
            Self::Received(text) => serializer.serialize_str(text),
        }
    }
}

/// The inner `error` object.
struct Body<'v, 'a>(&'v EnvelopeView<'a>);

impl Serialize for EnvelopeView<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut outer = serializer.serialize_struct("ErrorEnvelope", 1)?;
        outer.serialize_field("error", &Body(self))?;
        outer.end()
    }
}

impl Serialize for Body<'_, '_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let view = self.0;
        let len = 1
            + usize::from(view.message.is_some())
            + usize::from(view.request_id.is_some())
            + usize::from(view.details.is_some());
        let mut body = serializer.serialize_struct("Error", len)?;
        body.serialize_field("code", view.code)?;
        if let Some(message) = view.message {
            body.serialize_field("message", message)?;
        }
        if let Some(request_id) = &view.request_id {
            body.serialize_field("requestId", request_id)?;
        }
        if let Some(details) = view.details {
            body.serialize_field("details", details)?;
        }
        body.end()
    }
}
