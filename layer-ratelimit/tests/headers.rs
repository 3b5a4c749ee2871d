//! Golden header values (SPEC 3.3) for a fixed scenario, for every tier and class.
//!
//! Scenario: a fresh key at 2023-11-14T22:13:20.250Z (Unix 1,700,000,000.25 s; 6,399.75 s
//! before 00:00 UTC) makes one request, then drains its bucket at the same instant until the
//! first refusal.

use std::time::Duration;

use layer_ratelimit::{
    BucketKey, Decision, EndpointClass, FakeClock, KeyedLimiter, Request, Tier, TierTable,
};

const T0_MS: u64 = 1_700_000_000_250;

fn scenario(tier: Tier, class: EndpointClass) -> (Decision, Decision) {
    let clock = FakeClock::starting_at_unix(Duration::from_millis(T0_MS));
    let limiter = KeyedLimiter::builder().clock(clock).build();
    let request = Request::from_table(
        BucketKey::new(*b"01HX9Y6K7EJ4T2AB"),
        class,
        tier,
        &TierTable::new(),
    );
    let first = limiter.check(&request);
    let refused = (0..10_000)
        .map(|_| limiter.check(&request))
        .find(|d| !d.is_allowed())
        .unwrap_or_else(|| first.clone());
    (first, refused)
}

fn pairs(d: &Decision) -> Vec<(&'static str, String)> {
    d.header_pairs()
}

fn expect(rows: &[(&'static str, &str)]) -> Vec<(&'static str, String)> {
    rows.iter().map(|(n, v)| (*n, (*v).to_owned())).collect()
}

#[test]
fn standard_write_light_in_full() {
    let (first, refused) = scenario(Tier::Standard, EndpointClass::WriteLight);
    assert_eq!(
        pairs(&first),
        expect(&[
            ("x-ratelimit-limit", "60"),
            ("x-ratelimit-remaining", "59"),
            ("x-ratelimit-reset", "1700000002"),
            ("x-ratelimit-endpoint-class", "write-light"),
            ("x-ratelimit-tier", "standard"),
            (
                "ratelimit-policy",
                "\"write-light\";q=60;w=60, \"daily\";q=10000;w=86400"
            ),
            (
                "ratelimit",
                "\"write-light\";r=59;t=1, \"daily\";r=9999;t=6400"
            ),
        ])
    );
    assert_eq!(
        pairs(&refused),
        expect(&[
            ("x-ratelimit-limit", "60"),
            ("x-ratelimit-remaining", "0"),
            ("x-ratelimit-reset", "1700000061"),
            ("x-ratelimit-endpoint-class", "write-light"),
            ("x-ratelimit-tier", "standard"),
            (
                "ratelimit-policy",
                "\"write-light\";q=60;w=60, \"daily\";q=10000;w=86400"
            ),
            (
                "ratelimit",
                "\"write-light\";r=0;t=60, \"daily\";r=9940;t=6400"
            ),
            ("retry-after", "1"),
        ])
    );
    let details = refused.rate_limited_details().unwrap();
    assert_eq!(details.endpoint_class(), EndpointClass::WriteLight);
    assert_eq!(details.retry_after_ms(), 1_000);
}

/// (tier, class, limit, first reset, first t, retry-after, retryAfterMs, daily cap)
type Row = (Tier, EndpointClass, u32, u64, u64, u64, u64, Option<u32>);

#[test]
fn every_tier_and_class() {
    use EndpointClass::{LongRunning as L, ReadLight as R, WriteLight as W};
    let rows: [Row; 9] = [
        (Tier::Standard, R, 120, 1_700_000_001, 1, 1, 500, None),
        (
            Tier::Standard,
            W,
            60,
            1_700_000_002,
            1,
            1,
            1_000,
            Some(10_000),
        ),
        (Tier::Standard, L, 20, 1_700_000_004, 3, 3, 3_000, None),
        (Tier::Pilot, R, 1_200, 1_700_000_001, 1, 1, 50, None),
        (Tier::Pilot, W, 600, 1_700_000_001, 1, 1, 100, Some(100_000)),
        (Tier::Pilot, L, 60, 1_700_000_002, 1, 1, 1_000, None),
        (Tier::Partner, R, 6_000, 1_700_000_001, 1, 1, 10, None),
        (
            Tier::Partner,
            W,
            3_000,
            1_700_000_001,
            1,
            1,
            20,
            Some(500_000),
        ),
        (Tier::Partner, L, 300, 1_700_000_001, 1, 1, 200, None),
    ];
    for (tier, class, limit, reset, t, retry, retry_ms, cap) in rows {
        let (first, refused) = scenario(tier.clone(), class);
        let daily_policy = cap.map_or(String::new(), |c| format!(", \"daily\";q={c};w=86400"));
        let policy = format!("\"{class}\";q={limit};w=60{daily_policy}");
        let daily_first = cap.map_or(String::new(), |c| format!(", \"daily\";r={};t=6400", c - 1));
        let daily_refused = cap.map_or(String::new(), |c| {
            format!(", \"daily\";r={};t=6400", c - limit)
        });
        let common = |remaining: u32, reset: u64, state: String| {
            vec![
                ("x-ratelimit-limit", limit.to_string()),
                ("x-ratelimit-remaining", remaining.to_string()),
                ("x-ratelimit-reset", reset.to_string()),
                ("x-ratelimit-endpoint-class", class.to_string()),
                ("x-ratelimit-tier", tier.to_string()),
                ("ratelimit-policy", policy.clone()),
                ("ratelimit", state),
            ]
        };
        assert_eq!(
            pairs(&first),
            common(
                limit - 1,
                reset,
                format!("\"{class}\";r={};t={t}{daily_first}", limit - 1)
            ),
            "{tier} {class} first"
        );
        let mut denied = common(
            0,
            1_700_000_061,
            format!("\"{class}\";r=0;t=60{daily_refused}"),
        );
        denied.push(("retry-after", retry.to_string()));
        assert_eq!(pairs(&refused), denied, "{tier} {class} refused");
        assert_eq!(refused.retry_after_ms(), Some(retry_ms), "{tier} {class}");
        assert!(
            retry_ms <= retry * 1_000,
            "retryAfterMs consistent with Retry-After"
        );
    }
}

#[test]
fn internal_is_unlimited_and_carries_only_class_and_tier() {
    for class in EndpointClass::ALL {
        let (first, refused) = scenario(Tier::Internal, class);
        assert!(refused.is_allowed(), "internal never refused");
        assert_eq!(
            pairs(&first),
            expect(&[
                ("x-ratelimit-endpoint-class", class.as_str()),
                ("x-ratelimit-tier", "internal")
            ])
        );
    }
}

#[cfg(feature = "http")]
#[test]
fn header_map_matches_the_pairs() {
    let (_, refused) = scenario(Tier::Standard, EndpointClass::LongRunning);
    let mut map = http::HeaderMap::new();
    map.insert(
        http::header::RETRY_AFTER,
        http::HeaderValue::from_static("999"),
    );
    refused.write_headers(&mut map);
    assert_eq!(map.len(), 8);
    assert_eq!(map["retry-after"], "3");
    assert_eq!(map["X-RateLimit-Limit"], "20");
    assert_eq!(map["x-ratelimit-reset"], "1700000061");
    assert_eq!(map["ratelimit-policy"], "\"long-running\";q=20;w=60");
    assert_eq!(map["ratelimit"], "\"long-running\";r=0;t=60");
    assert_eq!(refused.headers(), map);
}

#[cfg(feature = "http")]
#[test]
fn custom_tier_names_reach_the_header() {
    let gold: Tier = "gold_2".parse().unwrap();
    let (first, _) = scenario(gold, EndpointClass::ReadLight);
    assert_eq!(first.headers()["x-ratelimit-tier"], "gold_2");
    assert_eq!(
        first.limit(),
        Some(120),
        "unknown custom tier falls back to standard"
    );
}

#[cfg(feature = "http")]
#[test]
fn header_map_equals_the_pairs_for_every_tier_and_class() {
    for tier in Tier::BUILT_IN {
        for class in [
            EndpointClass::ReadLight,
            EndpointClass::WriteLight,
            EndpointClass::LongRunning,
        ] {
            let (first, refused) = scenario(tier.clone(), class);
            for decision in [first, refused] {
                let mut from_pairs = http::HeaderMap::new();
                for (name, value) in decision.header_pairs() {
                    from_pairs.insert(
                        http::HeaderName::from_static(name),
                        http::HeaderValue::try_from(value).unwrap(),
                    );
                }
                assert_eq!(decision.headers(), from_pairs, "{tier} {class}");
            }
        }
    }
}
