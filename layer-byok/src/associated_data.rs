//! The associated data every seal binds: which row a ciphertext belongs to.

use crate::{MasterKeyVersion, OrgId, Provider};

/// The format label at the start of the associated data. A future format changes the label, so
/// a ciphertext can never be opened under a layout it was not sealed with.
pub(crate) const LABEL: &[u8; 13] = b"layer-byok/v1";

/// Length of the associated data: label, organization, provider, version.
pub(crate) const LEN: usize = LABEL.len() + 16 + 1 + 4;

/// Builds the associated data on the stack, every field at a fixed offset:
///
/// | bytes | field |
/// |---|---|
/// | 0..13 | `layer-byok/v1` |
/// | 13..29 | organization UUID, its 16 bytes in RFC 9562 order |
/// | 29 | provider code ([`provider_code`]) |
/// | 30..34 | master-key version, `u32` big-endian |
///
/// Fixed lengths make the encoding unambiguous: no two `(org, provider, version)` give the same
/// bytes.
pub(crate) fn build(org: OrgId, provider: Provider, version: MasterKeyVersion) -> [u8; LEN] {
    let mut aad = [0_u8; LEN];
    let (label, rest) = aad.split_at_mut(LABEL.len());
    label.copy_from_slice(LABEL);
    let (org_bytes, rest) = rest.split_at_mut(16);
    org_bytes.copy_from_slice(org.as_uuid().as_bytes());
    rest[0] = provider_code(provider);
    rest[1..].copy_from_slice(&version.get().to_be_bytes());
    aad
}

/// The provider's byte in the associated data. Fixed forever, independent of the enum's order:
/// changing one would make every key sealed for that provider unopenable.
pub(crate) const fn provider_code(provider: Provider) -> u8 {
    match provider {
        Provider::OpenAi => 1,
        Provider::Anthropic => 2,
        Provider::Google => 3,
        Provider::Mistral => 4,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn layout_is_fixed() {
        let org = OrgId::from_uuid(uuid::Uuid::from_bytes([0xAB; 16]));
        let aad = build(org, Provider::Google, MasterKeyVersion::new(0x0102_0304));
        assert_eq!(&aad[..13], b"layer-byok/v1");
        assert_eq!(&aad[13..29], &[0xAB; 16]);
        assert_eq!(aad[29], 3);
        assert_eq!(&aad[30..], &[1, 2, 3, 4]);
    }

    #[test]
    fn provider_codes_are_distinct() {
        let mut codes: Vec<u8> = Provider::ALL.into_iter().map(provider_code).collect();
        codes.sort_unstable();
        codes.dedup();
        assert_eq!(codes.len(), Provider::ALL.len());
    }
}
