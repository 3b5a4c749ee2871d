//! What a client should do about an error response.

use std::time::Duration;

/// The client-side classification of an error response (SPEC 2.2).
///
/// Built by [`ClientError`](crate::ClientError) from the code when it is known, else from
/// the HTTP status; [`Backoff`](crate::Backoff) turns it into a delay.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum RetryDecision {
    /// A retry may succeed and the server named no delay: retry, spaced by
    /// [`Backoff`](crate::Backoff).
    RetryNow,
    /// A retry may succeed once this much time has passed (`Retry-After`, or
    /// `details.retryAfterMs` if longer).
    RetryAfter(Duration),
    /// The request cannot succeed as sent (credentials, scope, body, idempotency key):
    /// change it rather than retry it.
    FixRequest,
    /// A policy gate (kill switch, billing): no automatic retry, ever. Recovery is human.
    StopForGood,
}

impl RetryDecision {
    /// The decision for a response whose code is unknown or absent (a proxy's HTML page, a
    /// code newer than this crate), from its HTTP status alone.
    ///
    /// - 408, 425, 429 and every 5xx except 501 and 505: retry, after `server_delay` if given;
    /// - 402: stop for good (a plan must change);
    /// - anything else (other 4xx, 501, 505, statuses outside 400–599): fix the request.
    ///
    /// A 503 without a known code is retried: only the `KILL_SWITCH` code is a hard stop, and
    /// an overloaded proxy's 503 must not halt a client forever.
    #[must_use]
    pub const fn for_status(status: u16, server_delay: Option<Duration>) -> Self {
        match status {
            402 => Self::StopForGood,
            408 | 425 | 429 | 500 | 502..=504 | 506..=599 => match server_delay {
                Some(delay) => Self::RetryAfter(delay),
                None => Self::RetryNow,
            },
            _ => Self::FixRequest,
        }
    }

    /// Whether an automatic retry is allowed at all.
    #[must_use]
    pub const fn is_retry(self) -> bool {
        matches!(self, Self::RetryNow | Self::RetryAfter(_))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_map_to_decisions() {
        let delay = Some(Duration::from_secs(2));
        assert_eq!(
            RetryDecision::for_status(429, None),
            RetryDecision::RetryNow
        );
        assert_eq!(
            RetryDecision::for_status(503, delay),
            RetryDecision::RetryAfter(Duration::from_secs(2))
        );
        assert_eq!(
            RetryDecision::for_status(502, None),
            RetryDecision::RetryNow
        );
        assert_eq!(
            RetryDecision::for_status(402, delay),
            RetryDecision::StopForGood
        );
        for status in [
            0,
            200,
            301,
            400,
            401,
            403,
            404,
            409,
            422,
            501,
            505,
            600,
            u16::MAX,
        ] {
            assert_eq!(
                RetryDecision::for_status(status, delay),
                RetryDecision::FixRequest,
                "{status}"
            );
        }
    }

    #[test]
    fn only_retry_variants_are_retries() {
        assert!(RetryDecision::RetryNow.is_retry());
        assert!(RetryDecision::RetryAfter(Duration::ZERO).is_retry());
        assert!(!RetryDecision::FixRequest.is_retry());
        assert!(!RetryDecision::StopForGood.is_retry());
    }
}
