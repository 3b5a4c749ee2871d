#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]
#![cfg_attr(docsrs, feature(doc_auto_cfg))]

mod associated_data;
mod master_key;
mod master_keys;
mod outcome;
mod provider;
mod provider_key;
mod sealed;
mod vault;

pub use master_key::{MasterKey, MasterKeyError};
pub use master_keys::MasterKeys;
pub use outcome::ProviderOutcome;
pub use provider::{Provider, UnknownProvider};
pub use provider_key::{ProviderKey, ShapeError};
pub use sealed::{MasterKeyVersion, NONCE_LEN, Sealed, TAG_LEN};
pub use vault::{Vault, VaultError};

/// Organizations are those of the composition crate, so a BYOK record sits beside its keys.
pub use layer_auth::OrgId;
