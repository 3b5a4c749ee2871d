//! One invalid field of a `VALIDATION` error.

/// One invalid field: which, and what is wrong with it.
///
/// Sent inside `VALIDATION` details as `{"field": "...", "message": "..."}`. `field` names the
/// field in the request body with dots for nesting and brackets for indices (`name`,
/// `limits.daily`, `scopes[2]`).
///
/// # Security
///
/// The message is sent to the caller as is. Describe the rule that failed; do not echo the
/// rejected value, which may be a secret pasted into the wrong field.
#[derive(Clone, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FieldError {
    field: String,
    message: String,
}

impl FieldError {
    /// A field error for `field` with a human-readable `message`.
    #[must_use]
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            field: field.into(),
            message: message.into(),
        }
    }

    /// The field's path in the request body.
    #[must_use]
    pub fn field(&self) -> &str {
        &self.field
    }

    /// What is wrong with the field.
    #[must_use]
    pub fn message(&self) -> &str {
        &self.message
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wire_shape() {
        let error = FieldError::new("scopes[2]", "unknown scope");
        let json = serde_json::to_string(&error).unwrap();
        assert_eq!(json, r#"{"field":"scopes[2]","message":"unknown scope"}"#);
        assert_eq!(serde_json::from_str::<FieldError>(&json).unwrap(), error);
        assert_eq!(error.field(), "scopes[2]");
        assert_eq!(error.message(), "unknown scope");
    }

    #[test]
    fn extra_members_are_not_silently_dropped() {
        let json = r#"{"field":"a","message":"b","hint":"c"}"#;
        assert!(serde_json::from_str::<FieldError>(json).is_err());
    }
}
