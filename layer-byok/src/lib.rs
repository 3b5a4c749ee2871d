#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]
#![cfg_attr(docsrs, feature(doc_auto_cfg))]

mod outcome;
mod provider;
mod provider_key;

pub use outcome::ProviderOutcome;
pub use provider::{Provider, UnknownProvider};
pub use provider_key::{ProviderKey, ShapeError};
