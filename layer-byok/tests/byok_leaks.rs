//! No plaintext provider key in anything the facade shows: the `Debug` and `Display` of every
//! value and error it returns, the events it emits, and every line it (and the validator, and
//! the fake provider) logs, captured with `tracing`. Scanned with `LeakScanner` (Mistral's
//! heuristic on) and searched for every key used. A test binary of its own, as `logs.rs`, so
//! its subscriber sees every log site.

#[path = "support/captured_logs.rs"]
mod captured_logs;
#[path = "support/keys.rs"]
mod keys;

use std::{
    fmt::Debug,
    sync::{Arc, Mutex},
    time::Duration,
};

use captured_logs::Captured;
use keys::key;
use layer_byok::{
    Byok, ByokStore, Clock, FakeClock, LeakScanner, ListFilter, MasterKey, MasterKeyVersion,
    MasterKeys, MemoryByokStore, OrgId, PlatformKeys, Provider, ProviderKey, ProviderOutcome,
    RETENTION, Sealed, Validator, Vault,
    fake_provider::{Behaviour, FakeProvider},
};

/// Everything shown, as `Debug` and (where there is one) `Display`.
#[derive(Default)]
struct Shown(String);

impl Shown {
    fn debug(&mut self, value: &impl Debug) {
        self.0.push_str(&format!("{value:?}\n{value:#?}\n"));
    }

    fn both(&mut self, value: &(impl Debug + std::fmt::Display)) {
        self.debug(value);
        self.0.push_str(&format!("{value}\n"));
    }
}

#[tokio::test]
async fn nothing_the_facade_shows_or_logs_holds_a_key() {
    let captured = Captured::default();
    let subscriber = captured.subscriber();
    let _guard = tracing::subscriber::set_default(subscriber);

    let mut shown = Shown::default();
    let fake = FakeProvider::start().await.unwrap();
    let validator = fake.validator().with_timeout(Duration::from_millis(200));
    let store = Arc::new(MemoryByokStore::new());
    let clock = FakeClock::new(std::time::SystemTime::UNIX_EPOCH + Duration::from_secs(1 << 30));
    let events = Arc::new(Mutex::new(Vec::new()));
    let log = events.clone();
    let mut secrets = Vec::new();
    let mut platform = PlatformKeys::new();
    for provider in Provider::ALL {
        let key = key(provider, 'P');
        fake.add_key(&key);
        platform = platform.with(key.clone());
        secrets.push(key);
    }
    let keyring = |versions: &[(u32, u8)]| {
        MasterKeys::new(
            versions
                .iter()
                .map(|&(n, b)| (MasterKeyVersion::new(n), MasterKey::from_bytes([b; 32]))),
        )
        .unwrap()
    };
    let byok = Byok::new(store.clone(), Vault::new(&keyring(&[(1, 0x11)])))
        .with_platform_keys(platform.clone())
        .with_clock(clock.clone())
        .on_event(move |event| log.lock().unwrap().push(event));
    shown.debug(&byok);
    shown.debug(&platform);

    let call = async |byok: &Byok<Arc<MemoryByokStore>>, org, provider| {
        byok.call(org, provider, async |key: &ProviderKey| {
            match validator.validate(key).await {
                ProviderOutcome::Valid => Ok(key.masked()),
                other => Err(other),
            }
        })
        .await
    };

    let (a, b) = (OrgId::new_random(), OrgId::new_random());
    for provider in Provider::ALL {
        let own = key(provider, '1');
        shown.both(&own);
        fake.add_key(&own);
        shown.debug(&byok.set(a, &own).await.unwrap());
        shown.debug(&byok.test(a, provider, &validator).await.unwrap());
        shown.debug(&byok.resolve(a, provider).await.unwrap());
        shown.debug(&call(&byok, a, provider).await.unwrap());

        // Refused: marked invalid, event, fallback; then tested again.
        fake.revoke(&own);
        shown.debug(&call(&byok, a, provider).await.unwrap());
        shown.debug(&byok.test(a, provider, &validator).await.unwrap());
        shown.debug(&byok.resolve(a, provider).await.unwrap());

        // Rate limited and down, on a fresh key.
        let second = key(provider, '2');
        fake.add_key(&second);
        byok.set(a, &second).await.unwrap();
        for behaviour in [
            Behaviour::RateLimited {
                retry_after: Some(3),
            },
            Behaviour::Down { status: 503 },
            Behaviour::Slow {
                delay: Duration::from_secs(1),
            },
        ] {
            fake.set_behaviour(provider, behaviour);
            shown.debug(&call(&byok, a, provider).await.unwrap());
            shown.debug(&byok.test(a, provider, &validator).await.unwrap());
        }
        fake.set_behaviour(provider, Behaviour::Normal);

        // Disabled, deleted, restored, listed.
        shown.debug(&byok.disable(a, provider).await.unwrap());
        shown.debug(&byok.enable(a, provider).await.unwrap());
        let deleted = byok.delete(a, provider).await.unwrap();
        shown.debug(&deleted);
        shown.both(&byok.restore(b, deleted.id).await.unwrap_err());
        shown.debug(&byok.restore(a, deleted.id).await.unwrap());

        // Tampered: unreadable event, fallback, and the vault's error from `test`.
        let record = store.live(a, provider).await.unwrap().unwrap();
        shown.debug(&record);
        let mut ciphertext = record.sealed.ciphertext().to_vec();
        ciphertext[1] ^= 0x04;
        let sealed =
            Sealed::from_parts(record.sealed.version(), *record.sealed.nonce(), ciphertext);
        store
            .reseal(record.id, record.sealed.version(), sealed, clock.now())
            .await
            .unwrap();
        shown.debug(&call(&byok, a, provider).await.unwrap());
        shown.both(&byok.test(a, provider, &validator).await.unwrap_err());
        secrets.extend([own, second]);
    }
    shown.debug(&byok.list(a, ListFilter::All).await.unwrap());

    // Errors: no key at all, nothing set, expired, shape and platform-variable errors.
    let bare = Byok::new(store.clone(), Vault::new(&keyring(&[(1, 0x11)])));
    shown.both(&bare.resolve(b, Provider::OpenAi).await.unwrap_err());
    shown.both(
        &bare
            .call(b, Provider::Google, async |_: &ProviderKey| {
                Ok::<(), ProviderOutcome>(())
            })
            .await
            .unwrap_err(),
    );
    shown.both(&bare.delete(b, Provider::Mistral).await.unwrap_err());
    let gone = byok.delete(a, Provider::OpenAi).await.unwrap();
    clock.advance(RETENTION * 2);
    shown.both(&byok.restore(a, gone.id).await.unwrap_err());
    shown.debug(&byok.purge().await.unwrap());
    let openai = secrets[0].expose_secret();
    shown.both(&ProviderKey::parse(Provider::Anthropic, openai).unwrap_err());
    shown.both(&ProviderKey::parse(Provider::OpenAi, &format!("{openai}\n")).unwrap_err());
    shown.both(&PlatformKeys::from_vars([("LAYER_PLATFORM_GOOGLE_KEY", openai)]).unwrap_err());

    // Rotation, with the tampered rows reported.
    let rotated = Byok::new(store.clone(), Vault::new(&keyring(&[(1, 0x11), (2, 0x22)])));
    shown.debug(&rotated.reencrypt(2).await.unwrap());
    shown.debug(&*events.lock().unwrap());
    fake.shutdown().await;

    let logs = captured.text();
    for expected in [
        "byok key set",
        "marked invalid",
        "byok key does not open",
        "retrying with the platform key",
        "byok keys re-encrypted",
    ] {
        assert!(logs.contains(expected), "{expected}: {logs}");
    }
    assert!(shown.0.contains("KeyInvalidated") && shown.0.contains("KeyUnreadable"));
    let scanner = LeakScanner::new().with_mistral(true);
    for (what, text) in [("logs", &logs), ("shown", &shown.0)] {
        assert!(
            !scanner.contains_secret(text),
            "{what}: {:?}",
            scanner.scan(text)
        );
        for key in &secrets {
            assert!(!text.contains(key.expose_secret()), "{what}: {text}");
        }
    }
}
