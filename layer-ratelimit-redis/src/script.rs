//! The check script: its arguments, and its reply turned into a [`Decision`].
//!
//! `KEYS[1]` is the bucket, `KEYS[2]` the daily counter (only when the limits have a daily
//! cap). `ARGV` is the refill interval and the capacity as (seconds, nanoseconds) pairs, the
//! daily cap (`0` for none), the pinned time as a pair (two empty strings to read Redis `TIME`)
//! and extra milliseconds added to every expiry (`0` except under a pinned clock).
//!
//! The reply is eight integers: the verdict (`0` admitted, `1` refused by the bucket, `2` by
//! the daily cap), the time of the check, the bucket's debt (time until full) after the
//! check, the wait until a token (when refused), each as a pair, and the day's count after
//! the check (`-1` without a daily cap).

use core::num::NonZeroU32;
use std::time::Duration;

use layer_ratelimit::{BucketKey, BucketStatus, DailyStatus, Decision, Denial, Quota, Request};

use crate::{Error, Result};

/// The Lua source of the check.
pub(crate) const SOURCE: &str = include_str!("check.lua");

const NANOS_PER_SEC: u64 = 1_000_000_000;
const NANOS_PER_DAY: u64 = 86_400 * NANOS_PER_SEC;

/// A duration as the script's (seconds, nanoseconds) pair.
pub(crate) fn pair(d: Duration) -> (u64, u32) {
    (d.as_secs(), d.subsec_nanos())
}

/// A Unix time in nanoseconds as the script's (seconds, nanoseconds) pair.
pub(crate) const fn unix_pair(nanos: u64) -> (u64, u64) {
    (nanos / NANOS_PER_SEC, nanos % NANOS_PER_SEC)
}

/// The script's (seconds, nanoseconds) pair as nanoseconds; `None` if negative or too large.
fn nanos(s: i64, ns: i64) -> Option<u64> {
    let s = u64::try_from(s).ok()?;
    let ns = u64::try_from(ns).ok()?;
    s.checked_mul(NANOS_PER_SEC)?.checked_add(ns)
}

/// Builds the decision the script's reply stands for.
///
/// # Errors
///
/// [`Error::Reply`] if the reply is not the eight integers the script returns.
pub(crate) fn decision(
    request: &Request<BucketKey>,
    quota: Quota,
    reply: &[i64],
) -> Result<Decision> {
    let &[
        verdict,
        now_s,
        now_ns,
        debt_s,
        debt_ns,
        wait_s,
        wait_ns,
        used,
    ] = reply
    else {
        return Err(Error::Reply);
    };
    let now = nanos(now_s, now_ns).ok_or(Error::Reply)?;
    let debt = nanos(debt_s, debt_ns).ok_or(Error::Reply)?;
    let wait = nanos(wait_s, wait_ns).ok_or(Error::Reply)?;
    let until_midnight = NANOS_PER_DAY - now % NANOS_PER_DAY;
    let daily = match (request.limits.daily_cap, u32::try_from(used)) {
        (Some(cap), Ok(used)) => Some(daily_status(cap, used, until_midnight)),
        (None, Err(_)) => None,
        _ => return Err(Error::Reply),
    };
    let bucket = BucketStatus::new(quota, Duration::from_nanos(debt));
    let unix_now = Duration::from_nanos(now);
    let (class, tier) = (request.class, request.tier.clone());
    let denied = |denial, wait| {
        let wait = Duration::from_nanos(wait);
        Decision::denied(
            denial,
            class,
            tier.clone(),
            Some(bucket),
            daily,
            wait,
            unix_now,
        )
    };
    match verdict {
        0 => Ok(Decision::allowed(
            class,
            tier.clone(),
            bucket,
            daily,
            unix_now,
        )),
        1 => Ok(denied(Denial::Bucket, wait)),
        2 => Ok(denied(Denial::DailyCap, wait.max(until_midnight))),
        _ => Err(Error::Reply),
    }
}

fn daily_status(cap: NonZeroU32, used: u32, until_midnight: u64) -> DailyStatus {
    let remaining = cap.get().saturating_sub(used);
    DailyStatus::new(cap, remaining, Duration::from_nanos(until_midnight))
}

#[cfg(test)]
mod tests {
    use super::*;
    use layer_ratelimit::{ClassLimits, EndpointClass, Tier};

    fn request(daily: Option<u32>) -> (Request<BucketKey>, Quota) {
        let quota = Quota::per_minute(NonZeroU32::new(60).unwrap());
        let limits = ClassLimits {
            quota: Some(quota),
            daily_cap: daily.and_then(NonZeroU32::new),
        };
        let r = Request::new(
            BucketKey::default(),
            EndpointClass::WriteLight,
            Tier::Standard,
            limits,
        );
        (r, quota)
    }

    #[test]
    fn malformed_replies_are_errors_not_panics() {
        let (r, q) = request(None);
        for reply in [
            &[][..],
            &[0, 1, 2][..],
            &[7, 1, 0, 1, 0, 0, 0, -1][..],
            &[0, -1, 0, 1, 0, 0, 0, -1][..],
            &[0, 1, 0, 1, 0, 0, 0, 5][..],
            &[0, i64::MAX, i64::MAX, 1, 0, 0, 0, -1][..],
        ] {
            assert!(
                matches!(decision(&r, q, reply), Err(Error::Reply)),
                "{reply:?}"
            );
        }
    }

    #[test]
    fn daily_refusals_wait_for_midnight() {
        let (r, q) = request(Some(10));
        let now = 19_000 * 86_400 - 2;
        let d = decision(&r, q, &[2, now, 0, 1, 0, 0, 0, 10]).unwrap();
        assert_eq!(d.denial(), Some(Denial::DailyCap));
        assert_eq!(d.retry_after(), Some(Duration::from_secs(2)));
        assert_eq!(d.daily().map(DailyStatus::remaining), Some(0));
        assert_eq!(d.remaining(), Some(59));
    }

    #[test]
    fn pairs_round_trip() {
        assert_eq!(pair(Duration::from_nanos(8_571_428_571)), (8, 571_428_571));
        assert_eq!(
            unix_pair(1_700_000_000_250_000_000),
            (1_700_000_000, 250_000_000)
        );
        assert_eq!(nanos(8, 571_428_571), Some(8_571_428_571));
    }
}
