//! `HttpValidator` against the fake provider: every provider, every classification.

#[path = "support/keys.rs"]
mod keys;

use std::time::Duration;

use keys::key;
use layer_byok::{
    HttpValidator, LeakScanner, Provider, ProviderOutcome, Validator,
    fake_provider::{Behaviour, FakeProvider},
};

async fn fake() -> FakeProvider {
    FakeProvider::start().await.unwrap()
}

#[tokio::test]
async fn valid_keys_are_valid_and_sent_as_each_provider_expects() {
    let fake = fake().await;
    let validator = fake.validator();
    for provider in Provider::ALL {
        let good = key(provider, '1');
        fake.add_key(&good);
        assert_eq!(
            validator.validate(&good).await,
            ProviderOutcome::Valid,
            "{provider}"
        );
    }
    let requests = fake.requests();
    assert_eq!(requests.len(), 4);
    let expected = [
        ("GET", "/openai/v1/models"),
        ("POST", "/anthropic/v1/messages"),
        (
            "POST",
            "/google/v1beta/models/gemini-2.5-flash-lite:generateContent",
        ),
        ("GET", "/mistral/v1/models"),
    ];
    for ((request, provider), (method, path)) in requests.iter().zip(Provider::ALL).zip(expected) {
        assert_eq!(request.provider(), Some(provider));
        assert_eq!((request.method(), request.path()), (method, path));
        assert!(request.problems().is_empty(), "{request:?}");
        assert!(request.used(&key(provider, '1')), "{request:?}");
        assert!(!request.used(&key(provider, '2')), "{request:?}");
        assert_eq!(request.masked_key(), Some(key(provider, '1').masked()));
    }
}

#[tokio::test]
async fn the_models_are_configurable() {
    let fake = fake().await;
    let validator = fake
        .validator()
        .with_google_model("gemini-test")
        .with_anthropic_model("claude-test");
    for provider in [Provider::Google, Provider::Anthropic] {
        fake.add_key(&key(provider, '1'));
        assert_eq!(
            validator.validate(&key(provider, '1')).await,
            ProviderOutcome::Valid
        );
    }
    assert_eq!(
        fake.requests()[0].path(),
        "/google/v1beta/models/gemini-test:generateContent"
    );
}

#[tokio::test]
async fn unknown_and_revoked_keys_are_unauthenticated() {
    let fake = fake().await;
    let validator = fake.validator();
    for provider in Provider::ALL {
        let revoked = key(provider, '2');
        fake.add_key(&revoked);
        fake.revoke(&revoked);
        for key in [key(provider, '3'), revoked] {
            assert_eq!(
                validator.validate(&key).await,
                ProviderOutcome::Unauthenticated,
                "{provider} {key:?}"
            );
        }
    }
    assert!(fake.requests().iter().all(|r| r.problems().is_empty()));
    assert_eq!(fake.request_count(), 8);
}

#[tokio::test]
async fn rate_limited_carries_retry_after() {
    let fake = fake().await;
    let validator = fake.validator();
    for provider in Provider::ALL {
        let good = key(provider, '1');
        fake.add_key(&good);
        fake.set_behaviour(
            provider,
            Behaviour::RateLimited {
                retry_after: Some(17),
            },
        );
        assert_eq!(
            validator.validate(&good).await,
            ProviderOutcome::RateLimited {
                retry_after: Some(Duration::from_secs(17))
            },
            "{provider}"
        );
        fake.set_behaviour(provider, Behaviour::RateLimited { retry_after: None });
        assert_eq!(
            validator.validate(&good).await,
            ProviderOutcome::RateLimited { retry_after: None },
            "{provider}"
        );
        // A rate-limited provider still refuses a bad key first.
        assert_eq!(
            validator.validate(&key(provider, '3')).await,
            ProviderOutcome::Unauthenticated,
            "{provider}"
        );
    }
}

#[tokio::test]
async fn a_provider_that_is_down_is_unavailable() {
    let fake = fake().await;
    let validator = fake.validator();
    for provider in Provider::ALL {
        let good = key(provider, '1');
        fake.add_key(&good);
        for status in [500, 503, 529] {
            fake.set_behaviour(provider, Behaviour::Down { status });
            assert_eq!(
                validator.validate(&good).await,
                ProviderOutcome::Unavailable,
                "{provider} {status}"
            );
        }
        fake.set_behaviour(provider, Behaviour::Normal);
        assert_eq!(validator.validate(&good).await, ProviderOutcome::Valid);
    }
}

#[tokio::test]
async fn nothing_listening_is_unavailable() {
    // A port that was just free: bound, then released.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut validator = HttpValidator::new().with_timeout(Duration::from_secs(5));
    for provider in Provider::ALL {
        validator = validator.with_base_url(provider, format!("http://127.0.0.1:{port}/v1"));
    }
    for provider in Provider::ALL {
        assert_eq!(
            validator.validate(&key(provider, '1')).await,
            ProviderOutcome::Unavailable,
            "{provider}"
        );
    }

    // And a provider that goes away: the fake closes its listener.
    let fake = fake().await;
    let validator = fake.validator();
    let good = key(Provider::OpenAi, '1');
    fake.add_key(&good);
    assert_eq!(validator.validate(&good).await, ProviderOutcome::Valid);
    fake.shutdown().await;
    assert_eq!(
        validator.validate(&good).await,
        ProviderOutcome::Unavailable
    );
}

#[tokio::test]
async fn a_provider_slower_than_the_timeout_is_unavailable() {
    let fake = fake().await;
    let validator = fake.validator().with_timeout(Duration::from_millis(200));
    for provider in Provider::ALL {
        let good = key(provider, '1');
        fake.add_key(&good);
        fake.set_behaviour(
            provider,
            Behaviour::Slow {
                delay: Duration::from_secs(2),
            },
        );
        let started = std::time::Instant::now();
        assert_eq!(
            validator.validate(&good).await,
            ProviderOutcome::Unavailable,
            "{provider}"
        );
        assert!(started.elapsed() < Duration::from_secs(2), "{provider}");
    }
    // Slow but within the timeout still answers.
    let patient = fake.validator().with_timeout(Duration::from_secs(5));
    fake.set_behaviour(
        Provider::Mistral,
        Behaviour::Slow {
            delay: Duration::from_millis(50),
        },
    );
    assert_eq!(
        patient.validate(&key(Provider::Mistral, '1')).await,
        ProviderOutcome::Valid
    );
}

#[tokio::test]
async fn a_request_of_the_wrong_shape_is_refused_by_the_fake() {
    let fake = fake().await;
    let good = key(Provider::OpenAi, '1');
    fake.add_key(&good);
    // OpenAI's call sent to Anthropic's route: wrong method, path and key header.
    let validator =
        HttpValidator::new().with_base_url(Provider::OpenAi, fake.base_url(Provider::Anthropic));
    assert_eq!(
        validator.validate(&good).await,
        ProviderOutcome::Unexpected { status: 400 }
    );
    let requests = fake.requests();
    assert!(requests[0].problems().len() >= 3, "{:?}", requests[0]);
    assert!(!requests[0].used(&good));
}

#[tokio::test]
async fn no_key_in_debug_display_or_recorded_output() {
    let fake = fake().await;
    let validator = fake.validator();
    let scanner = LeakScanner::new().with_mistral(true);
    let mut shown = vec![format!("{validator:?}")];
    let mut secrets = Vec::new();
    for provider in Provider::ALL {
        let (good, revoked, unknown) = (key(provider, '1'), key(provider, '2'), key(provider, '3'));
        fake.add_key(&good);
        fake.revoke(&revoked);
        for key in [&good, &revoked, &unknown] {
            let outcome = validator.validate(key).await;
            shown.push(format!("{outcome:?} {key:?} {key}"));
            secrets.push(key.expose_secret().to_owned());
        }
    }
    shown.push(format!("{fake:?}"));
    shown.push(format!("{:?}", fake.requests()));
    for text in &shown {
        assert!(!scanner.contains_secret(text), "{text}");
        for secret in &secrets {
            assert!(!text.contains(secret.as_str()), "{text}");
        }
    }
    // The scanner does see them when they are there.
    assert!(secrets.iter().all(|s| scanner.contains_secret(s)));
}
