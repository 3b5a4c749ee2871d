//! The error envelope, code vocabulary and request ids (work in progress).
