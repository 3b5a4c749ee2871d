//! No key in what `HttpValidator` logs. A test binary of its own: `tracing` caches whether a
//! log site is enabled, and a site first reached by another test's thread, before this test's
//! subscriber was set, would stay disabled.

#[path = "support/captured_logs.rs"]
mod captured_logs;
#[path = "support/keys.rs"]
mod keys;

use std::time::Duration;

use captured_logs::Captured;
use keys::key;
use layer_byok::{
    LeakScanner, Provider, Validator,
    fake_provider::{Behaviour, FakeProvider},
};

async fn fake() -> FakeProvider {
    FakeProvider::start().await.unwrap()
}

#[tokio::test]
async fn no_key_in_captured_logs() {
    let captured = Captured::default();
    let subscriber = captured.subscriber();
    // Current-thread runtime: the fake server's tasks log under this subscriber too.
    let _guard = tracing::subscriber::set_default(subscriber);

    let fake = fake().await;
    let validator = fake.validator().with_timeout(Duration::from_millis(200));
    let mut secrets = Vec::new();
    for provider in Provider::ALL {
        let (good, unknown) = (key(provider, '1'), key(provider, '3'));
        fake.add_key(&good);
        validator.validate(&good).await;
        validator.validate(&unknown).await;
        fake.set_behaviour(
            provider,
            Behaviour::Slow {
                delay: Duration::from_secs(1),
            },
        );
        validator.validate(&good).await;
        secrets.extend([good, unknown]);
    }
    fake.shutdown().await;
    for key in &secrets {
        validator.validate(key).await;
    }

    let logs = captured.text();
    assert!(logs.contains("key validated"), "{logs}");
    assert!(logs.contains("provider unreachable"), "{logs}");
    assert!(logs.contains("sk-proj-..."), "{logs}");
    let scanner = LeakScanner::new().with_mistral(true);
    assert!(!scanner.contains_secret(&logs), "{:?}", scanner.scan(&logs));
    for key in &secrets {
        assert!(!logs.contains(key.expose_secret()), "{logs}");
    }
}
