//! `serde` feature: public types round-trip; keys and secrets are not serializable at all.
#![cfg(feature = "serde")]

use std::marker::PhantomData;

use layer_keys::{
    ApiKey, Checksum, Env, KeyHash, KeyId, KeyKind, LegacyDigest, LegacyKey, PartnerKey, Scanner,
    Scope, Scopes, Secret,
};

fn round_trip<T>(value: &T, json: &str)
where
    T: serde::Serialize + serde::de::DeserializeOwned + PartialEq + std::fmt::Debug,
{
    assert_eq!(serde_json::to_string(value).unwrap(), json);
    assert_eq!(&serde_json::from_str::<T>(json).unwrap(), value);
}

#[test]
fn public_types_round_trip() {
    round_trip(&Env::Live, r#""live""#);
    round_trip(
        &"01HX9Y6K7EJ4T2AB".parse::<KeyId>().unwrap(),
        r#""01HX9Y6K7EJ4T2AB""#,
    );
    round_trip(&Checksum::Valid, r#""valid""#);
    round_trip(&KeyKind::Legacy, r#""legacy""#);
    let hash = "$2b$12$L6Bc/AlTQHyd9liGgGEZyOFLPHNgyxeEPfgYfBCVxJ7JIlwxyVU3u";
    round_trip(&hash.parse::<KeyHash>().unwrap(), &format!("\"{hash}\""));
    let digest = "ee59cd930b6a6c06ba3f34e3483fe35bb69148e55c5cc6a64876bffee26d6a8a";
    round_trip(
        &digest.parse::<LegacyDigest>().unwrap(),
        &format!("\"{digest}\""),
    );
    round_trip(&Scope::EventsReadPii, r#""events:read+pii""#);
    round_trip(
        &"jobs:read x:y".parse::<Scopes>().unwrap(),
        r#"["jobs:read","x:y"]"#,
    );
}

#[test]
fn deserialization_is_as_strict_as_parsing() {
    assert!(serde_json::from_str::<KeyId>(r#""01hx9y6k7ej4t2ab""#).is_err());
    assert!(serde_json::from_str::<Env>(r#""prod""#).is_err());
    assert!(serde_json::from_str::<KeyHash>(r#""$2b$31$short""#).is_err());
}

#[test]
fn findings_serialize_without_the_secret() {
    let key = PartnerKey::generate(Env::Test).unwrap();
    let text = format!("token: {}", key.expose_secret());
    let finding = Scanner::new().scan(text.as_bytes()).next().unwrap();
    let json = serde_json::to_string(&finding).unwrap();
    assert_eq!(
        json,
        format!(
            r#"{{"start":7,"end":75,"kind":"partner","env":"test","publicPart":"{}","checksum":"valid"}}"#,
            key.public_part()
        )
    );
}

// Compile-time check that a type does NOT implement `Serialize`: an inherent associated const
// applies only when its bound holds, otherwise the blanket trait's const is found.
trait NotSerializable {
    const SERIALIZABLE: bool = false;
}
struct Probe<T>(PhantomData<T>);
impl<T> NotSerializable for Probe<T> {}
impl<T: serde::Serialize> Probe<T> {
    #[allow(dead_code)]
    const SERIALIZABLE: bool = true;
}

#[test]
fn keys_and_secrets_are_not_serializable() {
    // Evaluated at compile time: a `Serialize` impl on a key type fails the build.
    const { assert!(!Probe::<PartnerKey>::SERIALIZABLE) };
    const { assert!(!Probe::<LegacyKey>::SERIALIZABLE) };
    const { assert!(!Probe::<ApiKey>::SERIALIZABLE) };
    const { assert!(!Probe::<Secret>::SERIALIZABLE) };
    // The probe does detect implementations.
    const { assert!(Probe::<KeyId>::SERIALIZABLE) };
}
