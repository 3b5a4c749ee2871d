//! What the facade tells the owner of a key: [`ByokEvent`].

use crate::{ByokKeyId, MasterKeyVersion, OrgId, Provider, VaultError};

/// Something an organization's owner should be told about one of its keys, delivered to the
/// hooks registered with [`Byok::on_event`](crate::Byok::on_event).
///
/// Events carry ids and the masked display prefix only, never key material, so a hook may log
/// them, queue them or put them in an e-mail as they are.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ByokEvent {
    /// The provider refused the key as unauthenticated (revoked, expired, disabled), so it was
    /// marked invalid and is no longer used: calls go to the platform key until the owner sets
    /// a new key (or a successful [`Byok::test`](crate::Byok::test) clears the mark).
    KeyInvalidated {
        /// The organization that owns the key.
        org: OrgId,
        /// The provider that refused it.
        provider: Provider,
        /// The record marked invalid.
        id: ByokKeyId,
        /// The key's masked form, such as `sk-proj-...abc123`.
        display_prefix: String,
    },
    /// The stored key could not be opened: its ciphertext was altered, or it is sealed under a
    /// master-key version the vault no longer holds. The call fell back to the platform key;
    /// the record is left as it is (the provider never refused the key), and an operator should
    /// look at the vault's keyring or the row.
    KeyUnreadable {
        /// The organization that owns the key.
        org: OrgId,
        /// The provider it is for.
        provider: Provider,
        /// The record that did not open.
        id: ByokKeyId,
        /// The key's masked form, such as `sk-proj-...abc123`.
        display_prefix: String,
        /// The master-key version the record says it is sealed under.
        version: MasterKeyVersion,
        /// Why it did not open.
        reason: VaultError,
    },
}

impl ByokEvent {
    /// The organization the event is about.
    #[must_use]
    pub const fn org(&self) -> OrgId {
        match self {
            Self::KeyInvalidated { org, .. } | Self::KeyUnreadable { org, .. } => *org,
        }
    }

    /// The record the event is about.
    #[must_use]
    pub const fn id(&self) -> ByokKeyId {
        match self {
            Self::KeyInvalidated { id, .. } | Self::KeyUnreadable { id, .. } => *id,
        }
    }
}
