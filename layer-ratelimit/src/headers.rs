//! The SPEC 3.3 response headers of a [`Decision`].
//!
//! | header | value |
//! |---|---|
//! | `X-RateLimit-Limit` | the bucket capacity |
//! | `X-RateLimit-Remaining` | whole tokens left after this request |
//! | `X-RateLimit-Reset` | Unix seconds, rounded up, at which the bucket is full again |
//! | `X-RateLimit-Endpoint-Class` | `read-light`, `write-light` or `long-running` |
//! | `X-RateLimit-Tier` | the key's tier |
//! | `RateLimit-Policy` | `"<class>";q=<limit>;w=<window s>`, then `"daily";q=<cap>;w=86400` when a daily cap applies |
//! | `RateLimit` | `"<class>";r=<remaining>;t=<s to full>`, then `"daily";r=<left today>;t=<s to 00:00 UTC>` |
//! | `Retry-After` | on denial only: whole seconds, rounded up, at least 1 |
//!
//! `RateLimit-Policy` and `RateLimit` follow the IETF httpapi draft's structured-field syntax:
//! a list of items, each a quoted policy name with parameters. Unlimited classes carry only
//! the class and tier headers.

use core::fmt::Write as _;

use crate::Decision;
use crate::decision::ceil_secs;

/// Seconds in the daily cap's window.
const DAY_SECONDS: u64 = 86_400;

/// The name of the daily cap's policy in `RateLimit-Policy` and `RateLimit`.
pub const DAILY_POLICY: &str = "daily";

impl Decision {
    /// The header set as `(lower-case name, value)` pairs, in a fixed order.
    ///
    /// ```
    /// use layer_ratelimit::{BucketKey, EndpointClass, FakeClock, KeyedLimiter, Request, Tier, TierTable};
    ///
    /// let limiter = KeyedLimiter::builder().clock(FakeClock::new()).build();
    /// let request = Request::from_table(
    ///     BucketKey::default(), EndpointClass::ReadLight, Tier::Standard, &TierTable::new());
    /// let headers = limiter.check(&request).header_pairs();
    /// assert_eq!(headers[0], ("x-ratelimit-limit", "120".to_string()));
    /// assert_eq!(headers[1], ("x-ratelimit-remaining", "119".to_string()));
    /// ```
    #[must_use]
    pub fn header_pairs(&self) -> Vec<(&'static str, String)> {
        let mut out = Vec::with_capacity(8);
        if let (Some(bucket), Some(reset)) = (self.bucket(), self.reset_at_unix_secs()) {
            out.push(("x-ratelimit-limit", bucket.limit().to_string()));
            out.push(("x-ratelimit-remaining", bucket.remaining().to_string()));
            out.push(("x-ratelimit-reset", reset.to_string()));
        }
        out.push((
            "x-ratelimit-endpoint-class",
            self.class().as_str().to_owned(),
        ));
        out.push(("x-ratelimit-tier", self.tier().as_str().to_owned()));
        if let Some((policy, state)) = self.ietf_fields() {
            out.push(("ratelimit-policy", policy));
            out.push(("ratelimit", state));
        }
        if let Some(secs) = self.retry_after_secs() {
            out.push(("retry-after", secs.to_string()));
        }
        out
    }

    /// The IETF draft's `RateLimit-Policy` and `RateLimit` values, for a limited class.
    fn ietf_fields(&self) -> Option<(String, String)> {
        let bucket = self.bucket()?;
        let window = (bucket.window().as_nanos() + 500_000_000) / 1_000_000_000;
        let mut policy = format!("\"{}\";q={};w={window}", self.class(), bucket.limit());
        let mut state = format!(
            "\"{}\";r={};t={}",
            self.class(),
            bucket.remaining(),
            ceil_secs(bucket.reset_after())
        );
        if let Some(daily) = self.daily() {
            let _ = write!(
                policy,
                ", \"{DAILY_POLICY}\";q={};w={DAY_SECONDS}",
                daily.limit()
            );
            let _ = write!(
                state,
                ", \"{DAILY_POLICY}\";r={};t={}",
                daily.remaining(),
                ceil_secs(daily.reset_after())
            );
        }
        Some((policy, state))
    }

    /// Writes the header set into `headers`, replacing earlier values of the same names.
    ///
    /// Same values as [`Decision::header_pairs`], written without the intermediate strings:
    /// numbers go straight into header values and names are constants, since this runs on
    /// every response.
    #[cfg(feature = "http")]
    pub fn write_headers(&self, headers: &mut http::HeaderMap) {
        use http::{HeaderName, HeaderValue};

        const LIMIT: HeaderName = HeaderName::from_static("x-ratelimit-limit");
        const REMAINING: HeaderName = HeaderName::from_static("x-ratelimit-remaining");
        const RESET: HeaderName = HeaderName::from_static("x-ratelimit-reset");
        const CLASS: HeaderName = HeaderName::from_static("x-ratelimit-endpoint-class");
        const TIER: HeaderName = HeaderName::from_static("x-ratelimit-tier");
        const POLICY: HeaderName = HeaderName::from_static("ratelimit-policy");
        const STATE: HeaderName = HeaderName::from_static("ratelimit");
        const RETRY_AFTER: HeaderName = HeaderName::from_static("retry-after");

        if let (Some(bucket), Some(reset)) = (self.bucket(), self.reset_at_unix_secs()) {
            headers.insert(LIMIT, HeaderValue::from(bucket.limit()));
            headers.insert(REMAINING, HeaderValue::from(bucket.remaining()));
            headers.insert(RESET, HeaderValue::from(reset));
        }
        headers.insert(CLASS, HeaderValue::from_static(self.class().as_str()));
        // Tier names are validated tokens, so conversion cannot fail; a value that somehow
        // did would be skipped rather than panic.
        if let Ok(tier) = HeaderValue::from_str(self.tier().as_str()) {
            headers.insert(TIER, tier);
        }
        if let Some((policy, state)) = self.ietf_fields() {
            for (name, value) in [(POLICY, policy), (STATE, state)] {
                if let Ok(value) = HeaderValue::try_from(value) {
                    headers.insert(name, value);
                }
            }
        }
        if let Some(secs) = self.retry_after_secs() {
            headers.insert(RETRY_AFTER, HeaderValue::from(secs));
        }
    }

    /// The header set as a new [`http::HeaderMap`].
    #[cfg(feature = "http")]
    #[must_use]
    pub fn headers(&self) -> http::HeaderMap {
        let mut headers = http::HeaderMap::with_capacity(8);
        self.write_headers(&mut headers);
        headers
    }
}
