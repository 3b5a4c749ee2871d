#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]

mod error;
mod migrations;
mod schema_name;
mod store;

pub use error::{Error, Result};
pub use migrations::Migrations;
pub use schema_name::SchemaName;
pub use store::{PostgresStore, SCHEMA_VERSION};
