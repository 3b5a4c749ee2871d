//! The record ids a switch names: an organization's and a key record's UUID (SPEC 6).

use std::{
    fmt,
    hash::{Hash, Hasher},
};

use uuid::Uuid;

/// An organization, by its record UUID.
///
/// `Copy` and 16 bytes: checks take it by value. It hashes as one `u128`, which is what keeps
/// a lookup among a million killed ids in the nanoseconds.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct OrgId(Uuid);

/// A key record, by its record UUID (the `apiKeyId` of `/v1/whoami`, not the key id segment).
///
/// `Copy` and 16 bytes: checks take it by value. It hashes as one `u128`.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct KeyRecordId(Uuid);

impl OrgId {
    /// The organization with this record UUID.
    #[must_use]
    pub const fn from_uuid(uuid: Uuid) -> Self {
        Self(uuid)
    }

    /// The record UUID.
    #[must_use]
    pub const fn as_uuid(&self) -> &Uuid {
        &self.0
    }
}

impl KeyRecordId {
    /// The key record with this record UUID.
    #[must_use]
    pub const fn from_uuid(uuid: Uuid) -> Self {
        Self(uuid)
    }

    /// The record UUID.
    #[must_use]
    pub const fn as_uuid(&self) -> &Uuid {
        &self.0
    }
}

// Equal ids have equal `u128`s, so hashing the `u128` agrees with the derived `Eq`. Hashing the
// UUID itself would feed a length prefix and a 16-byte slice to the hasher instead of one word.
impl Hash for OrgId {
    fn hash<H: Hasher>(&self, state: &mut H) {
        state.write_u128(self.0.as_u128());
    }
}

impl Hash for KeyRecordId {
    fn hash<H: Hasher>(&self, state: &mut H) {
        state.write_u128(self.0.as_u128());
    }
}

impl From<Uuid> for OrgId {
    fn from(uuid: Uuid) -> Self {
        Self(uuid)
    }
}

impl From<OrgId> for Uuid {
    fn from(id: OrgId) -> Self {
        id.0
    }
}

impl From<Uuid> for KeyRecordId {
    fn from(uuid: Uuid) -> Self {
        Self(uuid)
    }
}

impl From<KeyRecordId> for Uuid {
    fn from(id: KeyRecordId) -> Self {
        id.0
    }
}

/// The hyphenated UUID.
impl fmt::Display for OrgId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0, f)
    }
}

/// The hyphenated UUID.
impl fmt::Display for KeyRecordId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0, f)
    }
}

impl fmt::Debug for OrgId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "OrgId({})", self.0)
    }
}

impl fmt::Debug for KeyRecordId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "KeyRecordId({})", self.0)
    }
}

#[cfg(test)]
mod tests {
    use std::hash::BuildHasher;

    use super::*;

    const UUID: &str = "2481fa5c-a404-44ed-a561-565392499abc";

    #[test]
    fn display_is_the_hyphenated_uuid() {
        let uuid: Uuid = UUID.parse().unwrap();
        assert_eq!(OrgId::from(uuid).to_string(), UUID);
        assert_eq!(KeyRecordId::from(uuid).to_string(), UUID);
        assert_eq!(format!("{:?}", OrgId::from(uuid)), format!("OrgId({UUID})"));
        assert_eq!(Uuid::from(KeyRecordId::from_uuid(uuid)), uuid);
        assert_eq!(*OrgId::from_uuid(uuid).as_uuid(), uuid);
    }

    #[test]
    fn hash_agrees_with_eq() {
        let state = foldhash::fast::RandomState::default();
        let a = KeyRecordId::from(Uuid::from_u128(7));
        let b = KeyRecordId::from(Uuid::from_bytes(7u128.to_be_bytes()));
        assert_eq!(a, b);
        assert_eq!(state.hash_one(a), state.hash_one(b));
        assert_ne!(
            state.hash_one(a),
            state.hash_one(KeyRecordId::from(Uuid::from_u128(8)))
        );
    }
}
