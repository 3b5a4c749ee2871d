#![doc = include_str!("../../README.md")]
//!
//! (This crate's library target exists so that the workspace README's quick start runs as a
//! doctest; the programs are in `src/bin/`.)
