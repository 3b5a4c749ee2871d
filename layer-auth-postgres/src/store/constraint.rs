//! Mapping PostgreSQL constraint violations to [`StoreError`]s, as the SQLite store does.

use layer_auth::StoreError;
use tokio_postgres::error::SqlState;

use super::backend;

/// A failed insert as the store contract names it: a broken unique constraint is
/// [`StoreError::Conflict`] (naming what was duplicated), a broken foreign key is
/// [`StoreError::NotFound`] (the organization), anything else a backend failure.
///
/// `what` names the row for a primary-key conflict.
pub(crate) fn insert_error(error: tokio_postgres::Error, what: &'static str) -> StoreError {
    let Some(db) = error.as_db_error() else {
        return backend(error);
    };
    if *db.code() == SqlState::FOREIGN_KEY_VIOLATION {
        return StoreError::NotFound("organization");
    }
    if *db.code() != SqlState::UNIQUE_VIOLATION {
        return backend(error);
    }
    match db.constraint() {
        Some("api_keys_key_id_key") => StoreError::Conflict("key id"),
        Some("api_keys_legacy_digest_key") => StoreError::Conflict("legacy key"),
        _ => StoreError::Conflict(what),
    }
}
