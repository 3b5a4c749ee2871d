//! The character sets of the key formats, as 256-entry lookup tables.
//!
//! Parsing is on the request path, so each check is one table load per byte rather than a chain
//! of range comparisons. The tables map a byte to its digit value, or [`INVALID`].

/// Marks a byte that is not in the alphabet.
pub(crate) const INVALID: u8 = 0xFF;

/// Crockford base32, upper case only: `0-9`, `A-Z` without `I`, `L`, `O`, `U`.
pub(crate) const CROCKFORD: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/// Unpadded base64url (RFC 4648 §5).
pub(crate) const BASE64URL: &[u8; 64] =
    b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/// Lower-case hexadecimal, the legacy key's alphabet.
pub(crate) const HEX_LOWER: &[u8; 16] = b"0123456789abcdef";

const fn table<const N: usize>(alphabet: &[u8; N]) -> [u8; 256] {
    let mut out = [INVALID; 256];
    let mut i = 0;
    while i < N {
        out[alphabet[i] as usize] = i as u8;
        i += 1;
    }
    out
}

/// Digit values of [`CROCKFORD`].
pub(crate) static CROCKFORD_VALUE: [u8; 256] = table(CROCKFORD);
/// Digit values of [`BASE64URL`].
pub(crate) static BASE64URL_VALUE: [u8; 256] = table(BASE64URL);
/// Digit values of [`HEX_LOWER`].
pub(crate) static HEX_VALUE: [u8; 256] = table(HEX_LOWER);

/// Whether `byte` may appear inside a token that a key could be embedded in.
///
/// Used by the scanner to tell a free-standing key from the middle of a longer token
/// (`xlp_live_…`): letters, digits, `_` and `-`.
pub(crate) const fn is_token_byte(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || byte == b'_' || byte == b'-'
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_invert_their_alphabets() {
        for (i, &c) in CROCKFORD.iter().enumerate() {
            assert_eq!(CROCKFORD_VALUE[c as usize] as usize, i);
        }
        for (i, &c) in BASE64URL.iter().enumerate() {
            assert_eq!(BASE64URL_VALUE[c as usize] as usize, i);
        }
        for (i, &c) in HEX_LOWER.iter().enumerate() {
            assert_eq!(HEX_VALUE[c as usize] as usize, i);
        }
        let crockford_count = CROCKFORD_VALUE.iter().filter(|&&v| v != INVALID).count();
        assert_eq!(
            crockford_count, 32,
            "lower case and I, L, O, U are not accepted"
        );
        assert_eq!(CROCKFORD_VALUE[b'a' as usize], INVALID);
        assert_eq!(CROCKFORD_VALUE[b'I' as usize], INVALID);
        assert_eq!(CROCKFORD_VALUE[b'U' as usize], INVALID);
        assert_eq!(HEX_VALUE[b'A' as usize], INVALID);
    }
}
