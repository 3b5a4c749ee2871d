//! What every facade scenario needs: keys, a facade wired to the fake provider with a fake
//! clock and an event log, and organizations for the SQL stores.

#![allow(dead_code)]

use std::{
    sync::{Arc, Mutex},
    time::{Duration, SystemTime},
};

use layer_auth::{KeyStore, Organization};
use layer_byok::{
    Byok, ByokEvent, ByokStore, FakeClock, HttpValidator, MasterKey, MasterKeyVersion, MasterKeys,
    OrgId, PlatformKeys, Provider, ProviderKey, ProviderOutcome, Validator, Vault,
    fake_provider::FakeProvider,
};

/// When every scenario starts.
pub(crate) fn start() -> SystemTime {
    SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000)
}

pub(crate) use super::keys::key;

/// The platform's key of `provider` (tag `P`).
pub(crate) fn platform(provider: Provider) -> ProviderKey {
    key(provider, 'P')
}

/// A vault over master keys `(version, byte)`.
pub(crate) fn vault(versions: &[(u32, u8)]) -> Vault {
    Vault::new(
        &MasterKeys::new(
            versions
                .iter()
                .map(|&(n, b)| (MasterKeyVersion::new(n), MasterKey::from_bytes([b; 32]))),
        )
        .unwrap(),
    )
}

/// Two organizations inserted through the key store, as the SQL stores' foreign key needs.
pub(crate) async fn organizations(store: &impl KeyStore) -> [OrgId; 2] {
    let a = Organization::new("Acme Growth");
    let b = Organization::new("Globex");
    store.insert_organization(&a).await.unwrap();
    store.insert_organization(&b).await.unwrap();
    [a.id, b.id]
}

/// A facade and everything a scenario checks it with.
pub(crate) struct World<S> {
    pub(crate) byok: Byok<S>,
    pub(crate) fake: FakeProvider,
    pub(crate) validator: HttpValidator,
    pub(crate) clock: FakeClock,
    pub(crate) events: Arc<Mutex<Vec<ByokEvent>>>,
}

impl<S: ByokStore> World<S> {
    /// A facade over `store` with master key v1, every provider's platform key (known to the
    /// fake) unless `with_platform` is false, a fake clock and an event log.
    pub(crate) async fn new(store: S, with_platform: bool) -> Self {
        let fake = FakeProvider::start().await.unwrap();
        let mut keys = PlatformKeys::new();
        if with_platform {
            for provider in Provider::ALL {
                fake.add_key(&platform(provider));
                keys = keys.with(platform(provider));
            }
        }
        let clock = FakeClock::new(start());
        let events = Arc::new(Mutex::new(Vec::new()));
        let log = events.clone();
        let byok = Byok::new(store, vault(&[(1, 0x11)]))
            .with_platform_keys(keys)
            .with_clock(clock.clone())
            .on_event(move |event| log.lock().unwrap().push(event));
        let validator = fake.validator();
        Self {
            byok,
            fake,
            validator,
            clock,
            events,
        }
    }

    /// The events so far.
    pub(crate) fn events(&self) -> Vec<ByokEvent> {
        self.events.lock().unwrap().clone()
    }

    /// A provider call through the facade: the fake's validation route stands for any call.
    pub(crate) async fn call(
        &self,
        org: OrgId,
        provider: Provider,
    ) -> layer_byok::ByokResult<layer_byok::Called<()>> {
        let validator = &self.validator;
        self.byok
            .call(org, provider, async |key: &ProviderKey| {
                match validator.validate(key).await {
                    ProviderOutcome::Valid => Ok(()),
                    other => Err(other),
                }
            })
            .await
    }

    /// Which of `keys` each request since the last clear used, in order.
    pub(crate) fn used(&self, keys: &[&ProviderKey]) -> Vec<usize> {
        self.fake
            .requests()
            .iter()
            .map(|r| {
                keys.iter()
                    .position(|k| r.used(k))
                    .unwrap_or_else(|| panic!("a request with none of the keys: {r:?}"))
            })
            .collect()
    }
}
