#![doc = include_str!("../README.md")]

mod connection;
mod denied_cache;
mod error;
mod key_layout;
mod limiter;
mod policy;
mod script;

pub use error::{Error, Result};
pub use key_layout::KeyLayout;
pub use limiter::{RedisLimiter, RedisLimiterBuilder, Stats};
pub use policy::FailurePolicy;
/// The `redis` crate this one is built on, for [`redis::Client`].
pub use redis;
