//! Fixtures shared by the criterion benchmarks in `benches/`: the C bcrypt anchor and a
//! realistic text corpus for the leak scanner.

pub mod corpus;
pub mod libxcrypt;
