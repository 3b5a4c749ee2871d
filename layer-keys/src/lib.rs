//! API key formats (work in progress).
