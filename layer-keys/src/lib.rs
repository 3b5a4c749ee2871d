#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]
#![cfg_attr(docsrs, feature(doc_auto_cfg))]

mod alphabet;
mod api_key;
mod checksum;
mod env;
mod error;
mod hasher;
#[cfg(feature = "http")]
mod header;
#[cfg(feature = "errors")]
mod into_api_error;
mod key_hash;
mod key_id;
mod legacy;
mod parse_error;
mod partner;
mod random;
mod scanner;
mod scope;
mod secret;
mod verification_cache;

pub use api_key::{ApiKey, KeyKind};
pub use checksum::Checksum;
pub use env::{Env, EnvError};
pub use error::{Error, Result};
pub use hasher::{HashError, Hasher, InputError, VerifyError};
#[cfg(feature = "http")]
pub use header::{
    ExtractError, KeySource, MAX_HEADER_LEN, PresentedKey, X_API_KEY, extract_key, find_key,
};
pub use key_hash::{KeyHash, KeyHashError};
pub use key_id::{KeyId, KeyIdError};
pub use legacy::{LegacyDigest, LegacyDigestError, LegacyKey};
pub use parse_error::{ParseError, Segment};
pub use partner::PartnerKey;
pub use random::RandomError;
pub use scanner::{Finding, Findings, Scanner};
pub use scope::{Scope, ScopeError, Scopes};
pub use secret::Secret;
pub use verification_cache::VerificationCache;
