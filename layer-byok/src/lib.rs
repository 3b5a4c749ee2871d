#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]
#![cfg_attr(docsrs, feature(doc_auto_cfg))]

mod associated_data;
mod byok;
mod classify;
mod clock;
#[cfg(feature = "conformance")]
pub mod conformance;
mod event;
#[cfg(feature = "fake-provider")]
pub mod fake_provider;
#[cfg(feature = "http")]
mod http_validator;
mod leak_scan;
mod master_key;
mod master_keys;
mod outcome;
mod platform_keys;
mod provider;
mod provider_key;
mod record;
mod resolve;
mod sealed;
pub mod store;
mod validator;
mod vault;

pub use byok::{Byok, ByokError, ByokResult, Reencrypted, Tested};
pub use classify::{classify, parse_retry_after};
pub use clock::{Clock, FakeClock, SystemClock};
pub use event::ByokEvent;
#[cfg(feature = "http")]
pub use http_validator::HttpValidator;
pub use leak_scan::{LeakFinding, LeakKind, LeakScanner};
pub use master_key::{MasterKey, MasterKeyError};
pub use master_keys::MasterKeys;
pub use outcome::ProviderOutcome;
pub use platform_keys::{PlatformKeyError, PlatformKeys};
pub use provider::{Provider, UnknownProvider};
pub use provider_key::{ProviderKey, ShapeError};
pub use record::{
    ByokKeyId, ByokRecord, ByokSummary, ListFilter, NewByokKey, RETENTION, Validity,
    within_retention,
};
pub use resolve::{Called, KeySource, Resolved};
pub use sealed::{MasterKeyVersion, NONCE_LEN, Sealed, TAG_LEN};
#[cfg(feature = "postgres")]
pub use store::postgres::PostgresByokStore;
#[cfg(feature = "sqlite")]
pub use store::sqlite::SqliteByokStore;
pub use store::{ByokStore, ByokStoreError, ByokStoreResult, memory::MemoryByokStore};
pub use validator::Validator;
pub use vault::{Vault, VaultError};

/// Organizations are those of the composition crate, so a BYOK record sits beside its keys.
pub use layer_auth::OrgId;
