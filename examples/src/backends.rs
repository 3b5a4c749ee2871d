//! Where the programs keep their state: the embedded default (one SQLite file, limits in
//! process) or the shared one for running several instances (PostgreSQL for keys, Redis for
//! limits and for propagating kills and revocations).
//!
//! The choice is made at start-up from [`BackendArgs`], so the rest of the code sees one
//! concrete [`Store`] and one concrete [`Limiter`]: small enums that pass every call to the
//! backend chosen.

pub mod args;
pub mod byok_store;
pub mod limiter;
pub mod store;

pub use self::{
    args::{BackendArgs, FailureMode},
    byok_store::ByokBackend,
    limiter::Limiter,
    store::Store,
};
