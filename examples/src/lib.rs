#![doc = include_str!("../../README.md")]
//!
//! (This crate's library target exists so that the workspace README's quick start runs as a
//! doctest, and so the two programs in `src/bin/` can share their parts: [`partner_api`] is
//! the example server, [`layerctl`] the operator CLI.)

pub mod backends;
pub mod byok_view;
pub mod layerctl;
pub mod partner_api;
pub mod tier_spec;
pub mod timestamp;
