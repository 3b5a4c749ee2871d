//! Conversions into `layer-errors`' [`ApiError`]. Feature `errors`.
//!
//! Every refusal is `503 KILL_SWITCH` with `details.scope` naming the level; a view that failed
//! closed is scope `global`. Staleness never reaches the body (5xx bodies stay generic): log
//! [`Verdict::is_stale`] instead.

use layer_errors::{ApiError, KillSwitchScope};

use crate::{Level, Verdict};

impl From<Level> for KillSwitchScope {
    fn from(level: Level) -> Self {
        match level {
            Level::Global => Self::Global,
            Level::Org => Self::Org,
            Level::Key => Self::Key,
        }
    }
}

impl Verdict {
    /// `Ok(())` when allowed, else the `503 KILL_SWITCH` error with this verdict's scope.
    ///
    /// # Errors
    ///
    /// [`ApiError::kill_switch`] with [`Verdict::scope`] when the request is refused.
    pub fn into_result(self) -> Result<(), ApiError> {
        match self.scope() {
            None => Ok(()),
            Some(level) => Err(ApiError::kill_switch(level.into())),
        }
    }
}

#[cfg(test)]
mod tests {
    use layer_errors::ErrorCode;

    use super::*;

    fn scope_of(verdict: Verdict) -> String {
        let error = verdict.into_result().unwrap_err();
        assert_eq!(error.code(), ErrorCode::KillSwitch);
        assert_eq!(error.status(), 503);
        let body: serde_json::Value = serde_json::from_slice(&error.to_json()).unwrap();
        body["error"]["details"]["scope"]
            .as_str()
            .unwrap()
            .to_owned()
    }

    #[test]
    fn refusals_are_503_with_their_scope() {
        for (level, scope) in [
            (Level::Global, "global"),
            (Level::Org, "org"),
            (Level::Key, "key"),
        ] {
            let verdict = Verdict::Killed {
                level,
                stale: false,
            };
            assert_eq!(scope_of(verdict), scope);
        }
        assert_eq!(scope_of(Verdict::FailedClosed), "global");
    }

    #[test]
    fn allowed_is_ok_even_when_stale() {
        assert!(Verdict::Allowed { stale: true }.into_result().is_ok());
        assert!(Verdict::Allowed { stale: false }.into_result().is_ok());
    }
}
