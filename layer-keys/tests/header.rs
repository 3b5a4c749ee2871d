//! Header extraction: one test per rule of SPEC 1.4.
#![cfg(feature = "http")]

use http::{HeaderMap, HeaderValue, header::AUTHORIZATION};
use layer_keys::{
    ApiKey, Env, ExtractError, KeySource, PartnerKey, X_API_KEY, extract_key, find_key,
};

fn key() -> PartnerKey {
    PartnerKey::generate(Env::Live).unwrap()
}

fn headers(pairs: &[(&http::HeaderName, &str)]) -> HeaderMap {
    let mut map = HeaderMap::new();
    for (name, value) in pairs {
        map.append(*name, HeaderValue::from_bytes(value.as_bytes()).unwrap());
    }
    map
}

#[test]
fn x_api_key_is_read() {
    let key = key();
    let map = headers(&[(&X_API_KEY, key.expose_secret())]);
    assert_eq!(extract_key(&map), Ok(ApiKey::Partner(key)));
    assert_eq!(find_key(&map).unwrap().source(), KeySource::XApiKey);
}

#[test]
fn bearer_is_the_fallback() {
    let key = key();
    let map = headers(&[(&AUTHORIZATION, &format!("Bearer {}", key.expose_secret()))]);
    assert_eq!(extract_key(&map), Ok(ApiKey::Partner(key)));
    assert_eq!(find_key(&map).unwrap().source(), KeySource::Bearer);
}

#[test]
fn x_api_key_wins_when_both_are_present_with_different_keys() {
    let (primary, other) = (key(), key());
    let map = headers(&[
        (&AUTHORIZATION, &format!("Bearer {}", other.expose_secret())),
        (&X_API_KEY, primary.expose_secret()),
    ]);
    assert_eq!(extract_key(&map), Ok(ApiKey::Partner(primary)));
}

#[test]
fn x_api_key_wins_whatever_authorization_says() {
    let key = key();
    for authorization in [&b"Basic dXNlcjpwYXNz"[..], b"Bearer", b"garbage \xe9"] {
        let mut map = headers(&[(&X_API_KEY, key.expose_secret())]);
        map.append(
            AUTHORIZATION,
            HeaderValue::from_bytes(authorization).unwrap(),
        );
        map.append(AUTHORIZATION, HeaderValue::from_static("Bearer second"));
        assert_eq!(
            extract_key(&map),
            Ok(ApiKey::Partner(key.clone())),
            "{authorization:?}"
        );
    }
}

#[test]
fn bearer_scheme_is_case_insensitive() {
    let key = key();
    for scheme in ["bearer", "BEARER", "BeArEr"] {
        let map = headers(&[(&AUTHORIZATION, &format!("{scheme} {}", key.expose_secret()))]);
        assert_eq!(
            extract_key(&map),
            Ok(ApiKey::Partner(key.clone())),
            "{scheme}"
        );
    }
}

#[test]
fn one_or_more_spaces_separate_scheme_and_key() {
    let key = key();
    let map = headers(&[(
        &AUTHORIZATION,
        &format!("Bearer     {}", key.expose_secret()),
    )]);
    assert_eq!(extract_key(&map), Ok(ApiKey::Partner(key.clone())));
    let map = headers(&[(&AUTHORIZATION, &format!("Bearer{}", key.expose_secret()))]);
    assert_eq!(extract_key(&map), Err(ExtractError::NotBearer));
}

#[test]
fn whitespace_around_the_value_is_ignored() {
    let key = key();
    let map = headers(&[(&X_API_KEY, &format!(" \t{}\t ", key.expose_secret()))]);
    assert_eq!(extract_key(&map), Ok(ApiKey::Partner(key.clone())));
    let map = headers(&[(
        &AUTHORIZATION,
        &format!("  Bearer {}  ", key.expose_secret()),
    )]);
    assert_eq!(extract_key(&map), Ok(ApiKey::Partner(key)));
}

#[test]
fn whitespace_inside_the_key_is_malformed() {
    let key = key();
    let text = key.expose_secret();
    let split = format!("{} {}", &text[..30], &text[30..]);
    let map = headers(&[(&X_API_KEY, &split)]);
    assert_eq!(
        extract_key(&map),
        Err(ExtractError::InnerWhitespace(KeySource::XApiKey))
    );
    let map = headers(&[(&AUTHORIZATION, &format!("Bearer {split}"))]);
    assert_eq!(
        extract_key(&map),
        Err(ExtractError::InnerWhitespace(KeySource::Bearer))
    );
    let tabbed = format!("{}\t{}", &text[..30], &text[30..]);
    let map = headers(&[(&X_API_KEY, &tabbed)]);
    assert_eq!(
        extract_key(&map),
        Err(ExtractError::InnerWhitespace(KeySource::XApiKey))
    );
}

#[test]
fn more_than_one_x_api_key_is_ambiguous() {
    let key = key();
    let map = headers(&[
        (&X_API_KEY, key.expose_secret()),
        (&X_API_KEY, key.expose_secret()),
    ]);
    assert_eq!(
        extract_key(&map),
        Err(ExtractError::Ambiguous(KeySource::XApiKey))
    );
}

#[test]
fn more_than_one_authorization_is_ambiguous() {
    let key = key();
    let bearer = format!("Bearer {}", key.expose_secret());
    let map = headers(&[(&AUTHORIZATION, &bearer), (&AUTHORIZATION, &bearer)]);
    assert_eq!(
        extract_key(&map),
        Err(ExtractError::Ambiguous(KeySource::Bearer))
    );
}

#[test]
fn values_over_one_kib_are_refused_before_parsing() {
    let long = format!("lp_{}", "A".repeat(1022));
    assert_eq!(long.len(), 1025);
    let map = headers(&[(&X_API_KEY, &long)]);
    assert_eq!(
        extract_key(&map),
        Err(ExtractError::TooLong(KeySource::XApiKey))
    );
    let map = headers(&[(&AUTHORIZATION, &format!("Bearer {long}"))]);
    assert_eq!(
        extract_key(&map),
        Err(ExtractError::TooLong(KeySource::Bearer))
    );
    // Exactly 1 KiB is still looked at (and is malformed, not too long).
    let map = headers(&[(&X_API_KEY, &long[..1024])]);
    assert!(matches!(
        extract_key(&map),
        Err(ExtractError::Malformed { .. })
    ));
}

#[test]
fn non_visible_ascii_is_refused() {
    let key = key();
    let mut map = HeaderMap::new();
    let mut bytes = key.expose_secret().as_bytes().to_vec();
    bytes[40] = 0xE9; // obs-text, allowed by `http` but not in a key
    map.insert(X_API_KEY, HeaderValue::from_bytes(&bytes).unwrap());
    assert_eq!(
        extract_key(&map),
        Err(ExtractError::NotVisibleAscii(KeySource::XApiKey))
    );
    let mut map = HeaderMap::new();
    map.insert(
        AUTHORIZATION,
        HeaderValue::from_bytes(b"Bearer \xff").unwrap(),
    );
    assert_eq!(
        extract_key(&map),
        Err(ExtractError::NotVisibleAscii(KeySource::Bearer))
    );
}

#[test]
fn missing_and_empty() {
    assert_eq!(extract_key(&HeaderMap::new()), Err(ExtractError::Missing));
    let map = headers(&[(&X_API_KEY, "")]);
    assert_eq!(
        extract_key(&map),
        Err(ExtractError::Empty(KeySource::XApiKey))
    );
    let map = headers(&[(&X_API_KEY, "   ")]);
    assert_eq!(
        extract_key(&map),
        Err(ExtractError::Empty(KeySource::XApiKey))
    );
    let map = headers(&[(&AUTHORIZATION, "Bearer   ")]);
    assert_eq!(
        extract_key(&map),
        Err(ExtractError::Empty(KeySource::Bearer))
    );
}

#[test]
fn other_schemes_are_refused() {
    let map = headers(&[(&AUTHORIZATION, "Basic dXNlcjpwYXNz")]);
    assert_eq!(extract_key(&map), Err(ExtractError::NotBearer));
    let map = headers(&[(&AUTHORIZATION, "Token lp_live_x")]);
    assert_eq!(extract_key(&map), Err(ExtractError::NotBearer));
}

#[test]
fn malformed_keys_carry_the_parse_error_and_no_secret() {
    let key = key();
    let truncated = &key.expose_secret()[..60];
    let map = headers(&[(&X_API_KEY, truncated)]);
    let error = extract_key(&map).unwrap_err();
    assert!(matches!(
        error,
        ExtractError::Malformed {
            header: KeySource::XApiKey,
            ..
        }
    ));
    let message = error.to_string();
    assert_eq!(
        message,
        "malformed API key in X-Api-Key header: secret at byte 25 must be 43 characters, found 35"
    );
    assert!(!format!("{error:?}").contains(&truncated[25..]));
}

#[test]
fn legacy_keys_are_extracted_too() {
    let legacy = layer_keys::LegacyKey::generate().unwrap();
    let map = headers(&[(
        &AUTHORIZATION,
        &format!("Bearer {}", legacy.expose_secret()),
    )]);
    assert_eq!(extract_key(&map), Ok(ApiKey::Legacy(legacy)));
}

#[test]
fn presented_key_debug_is_redacted() {
    let key = key();
    let map = headers(&[(&X_API_KEY, key.expose_secret())]);
    let presented = find_key(&map).unwrap();
    assert_eq!(
        format!("{presented:?}"),
        "PresentedKey { source: XApiKey, .. }"
    );
}
