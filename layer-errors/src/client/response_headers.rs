//! The two response headers a client reads from an error: `Retry-After` and `X-Request-Id`.

use std::time::{Duration, SystemTime};

use crate::REQUEST_ID_HEADER;

/// What the headers of an error response say.
#[derive(Debug, Default, PartialEq, Eq)]
pub(super) struct ResponseHeaders {
    /// `Retry-After` as a delay from `now`; `None` if absent or unreadable.
    pub(super) retry_after: Option<Duration>,
    /// `X-Request-Id` as sent, if it is UTF-8.
    pub(super) request_id: Option<String>,
}

impl ResponseHeaders {
    /// Reads the first `Retry-After` and `X-Request-Id`; names match case-insensitively and
    /// every other header is skipped.
    pub(super) fn read<I, K, V>(headers: I, now: SystemTime) -> Self
    where
        I: IntoIterator<Item = (K, V)>,
        K: AsRef<str>,
        V: AsRef<[u8]>,
    {
        let mut found = Self::default();
        for (name, value) in headers {
            let name = name.as_ref();
            let Ok(value) = std::str::from_utf8(value.as_ref()) else {
                continue;
            };
            let value = value.trim_matches(|c: char| c == ' ' || c == '\t');
            if found.retry_after.is_none() && name.eq_ignore_ascii_case("retry-after") {
                found.retry_after = parse_retry_after(value, now);
            } else if found.request_id.is_none() && name.eq_ignore_ascii_case(REQUEST_ID_HEADER) {
                found.request_id = Some(value.to_owned());
            }
        }
        found
    }
}

/// `Retry-After` (RFC 9110 §10.2.3): whole seconds, or an HTTP-date turned into the time left
/// until it (zero if it has passed). Seconds too large for `u64` saturate.
pub(super) fn parse_retry_after(value: &str, now: SystemTime) -> Option<Duration> {
    if !value.is_empty() && value.bytes().all(|byte| byte.is_ascii_digit()) {
        let seconds = value.bytes().fold(0u64, |total, digit| {
            total
                .saturating_mul(10)
                .saturating_add(u64::from(digit - b'0'))
        });
        return Some(Duration::from_secs(seconds));
    }
    let date = httpdate::parse_http_date(value).ok()?;
    Some(date.duration_since(now).unwrap_or(Duration::ZERO))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(secs: u64) -> SystemTime {
        SystemTime::UNIX_EPOCH + Duration::from_secs(secs)
    }

    #[test]
    fn seconds_and_dates() {
        let now = at(1_445_412_480); // Wed, 21 Oct 2015 07:28:00 GMT
        assert_eq!(
            parse_retry_after("120", now),
            Some(Duration::from_secs(120))
        );
        assert_eq!(parse_retry_after("0", now), Some(Duration::ZERO));
        assert_eq!(
            parse_retry_after("99999999999999999999999", now),
            Some(Duration::from_secs(u64::MAX))
        );
        assert_eq!(
            parse_retry_after("Wed, 21 Oct 2015 07:28:30 GMT", now),
            Some(Duration::from_secs(30))
        );
        assert_eq!(
            parse_retry_after("Wed, 21 Oct 2015 07:27:00 GMT", now),
            Some(Duration::ZERO)
        );
        for bad in [
            "",
            "-1",
            "1.5",
            "soon",
            "12 ",
            "Wed, 32 Oct 2015 07:28:30 GMT",
        ] {
            assert_eq!(parse_retry_after(bad, now), None, "{bad:?}");
        }
    }

    #[test]
    fn header_names_are_case_insensitive_and_first_wins() {
        let headers = [
            ("Content-Type", &b"text/html"[..]),
            ("RETRY-AFTER", b" 3 "),
            ("retry-after", b"9"),
            ("x-request-id", b"req_abc"),
            ("X-Request-Id", b"req_def"),
        ];
        let found = ResponseHeaders::read(headers, at(0));
        assert_eq!(found.retry_after, Some(Duration::from_secs(3)));
        assert_eq!(found.request_id.as_deref(), Some("req_abc"));
    }

    #[test]
    fn non_utf8_values_are_skipped() {
        let headers = [
            ("x-request-id", &b"\xff\xfe"[..]),
            ("x-request-id", b"req_ok"),
        ];
        let found = ResponseHeaders::read(headers, at(0));
        assert_eq!(found.request_id.as_deref(), Some("req_ok"));
    }
}
