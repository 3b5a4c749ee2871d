//! `layer-errors` on the hot path: request-id generation (beside the `ulid` crate) and
//! error-body serialization. One module per scenario.

use criterion::{criterion_group, criterion_main};

#[path = "errors/envelope.rs"]
mod envelope;
#[path = "errors/request_id.rs"]
mod request_id;

criterion_group!(
    benches,
    request_id::generate,
    request_id::text,
    envelope::serialize,
    envelope::parse
);
criterion_main!(benches);
