//! No key in what `HttpValidator` logs. A test binary of its own: `tracing` caches whether a
//! log site is enabled, and a site first reached by another test's thread, before this test's
//! subscriber was set, would stay disabled.

use std::time::Duration;

use layer_byok::{
    LeakScanner, Provider, ProviderKey, Validator,
    fake_provider::{Behaviour, FakeProvider},
};

/// A key of `provider`'s shape, distinct per `tag` down to its masked form.
fn key(provider: Provider, tag: char) -> ProviderKey {
    let body = |len: usize| -> String {
        "Q7x9Kp2LmZ4vB8nR1tY6wE3uI5oA0sDfGhJ"
            .chars()
            .cycle()
            .take(len - 1)
            .chain([tag])
            .collect()
    };
    let key = match provider {
        Provider::OpenAi => format!("sk-proj-{}", body(48)),
        Provider::Anthropic => format!("sk-ant-api03-{}", body(48)),
        Provider::Google => format!("AIza{}", body(35)),
        Provider::Mistral => body(32),
    };
    ProviderKey::parse(provider, &key).unwrap()
}

async fn fake() -> FakeProvider {
    FakeProvider::start().await.unwrap()
}

/// A `tracing` writer into a shared buffer, to read back what was logged.
#[derive(Clone, Default)]
struct Captured(std::sync::Arc<std::sync::Mutex<Vec<u8>>>);

impl std::io::Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test]
async fn no_key_in_captured_logs() {
    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_ansi(false)
        .with_writer(move || writer.clone())
        .finish();
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

    let logs = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    assert!(logs.contains("key validated"), "{logs}");
    assert!(logs.contains("provider unreachable"), "{logs}");
    assert!(logs.contains("sk-proj-..."), "{logs}");
    let scanner = LeakScanner::new().with_mistral(true);
    assert!(!scanner.contains_secret(&logs), "{:?}", scanner.scan(&logs));
    for key in &secrets {
        assert!(!logs.contains(key.expose_secret()), "{logs}");
    }
}
