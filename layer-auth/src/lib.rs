#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]
#![cfg_attr(docsrs, feature(doc_auto_cfg))]

mod authenticator;
mod change;
#[cfg(feature = "conformance")]
pub mod conformance;
mod error;
#[cfg(feature = "axum")]
mod extract;
mod ids;
mod last_used;
#[cfg(feature = "tower")]
pub mod middleware;
mod principal;
mod record;
pub mod store;
mod switches;
mod whoami;

pub use authenticator::{
    Authenticated, Authenticator, Builder, CreatedKey, Rejection, write_success_headers,
};
pub use change::{Change, ChangeParseError};
pub use error::{Error, Result};
pub use ids::{KeyRecordId, OrgId, WorkspaceId};
pub use last_used::LastUsed;
pub use principal::Principal;
pub use record::{Credential, KeyRecord, NewKey, Organization, SwitchState};
#[cfg(feature = "sqlite")]
pub use store::sqlite::SqliteStore;
pub use store::{KeyStore, StoreError, StoreResult, memory::MemoryStore};
pub use switches::StoreSwitches;
pub use whoami::Whoami;
#[cfg(feature = "axum")]
pub use whoami::whoami;
