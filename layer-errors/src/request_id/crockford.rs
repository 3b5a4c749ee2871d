//! Crockford base32 for 128-bit ULIDs: 26 upper-case characters, most significant first.

/// The 32 symbols, in value order. ASCII order matches value order, so encoded ULIDs sort
/// like the numbers they spell.
const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/// Number of characters in an encoded ULID.
pub(super) const ENCODED_LEN: usize = 26;

/// Marks a byte outside the alphabet in [`DECODE`].
const INVALID: u8 = 0xFF;

/// Byte to symbol value; [`INVALID`] for anything but the 32 upper-case symbols. Strict on
/// purpose: no lower case and none of Crockford's aliases (`I`, `L`, `O`), so each id has
/// exactly one spelling.
const DECODE: [u8; 256] = {
    let mut table = [INVALID; 256];
    let mut value = 0;
    while value < ALPHABET.len() {
        table[ALPHABET[value] as usize] = value as u8;
        value += 1;
    }
    table
};

/// Why [`decode`] rejected its input.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum DecodeError {
    /// The byte at this index is not a symbol.
    Character(usize),
    /// The first symbol is above `7`: the value needs more than 128 bits.
    Overflow,
}

/// Encodes all 128 bits of `value`; the first character carries the top 3 bits.
pub(super) fn encode(value: u128) -> [u8; ENCODED_LEN] {
    let mut out = [0u8; ENCODED_LEN];
    for (index, slot) in out.iter_mut().enumerate() {
        let shift = 5 * (ENCODED_LEN - 1 - index);
        *slot = ALPHABET[((value >> shift) & 0x1F) as usize];
    }
    out
}

/// Decodes exactly [`ENCODED_LEN`] symbols.
pub(super) fn decode(text: &[u8; ENCODED_LEN]) -> Result<u128, DecodeError> {
    let mut value: u128 = 0;
    for (index, &byte) in text.iter().enumerate() {
        let symbol = DECODE[usize::from(byte)];
        if symbol == INVALID {
            return Err(DecodeError::Character(index));
        }
        if index == 0 && symbol > 7 {
            return Err(DecodeError::Overflow);
        }
        value = (value << 5) | u128::from(symbol);
    }
    Ok(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_vectors() {
        assert_eq!(&encode(0), b"00000000000000000000000000");
        assert_eq!(&encode(u128::MAX), b"7ZZZZZZZZZZZZZZZZZZZZZZZZZ");
        assert_eq!(&encode(31), b"0000000000000000000000000Z");
        assert_eq!(&encode(32), b"00000000000000000000000010");
    }

    #[test]
    fn round_trips_edges() {
        for value in [0, 1, 31, 32, u128::from(u64::MAX), u128::MAX - 1, u128::MAX] {
            assert_eq!(decode(&encode(value)), Ok(value));
        }
    }

    #[test]
    fn rejects_aliases_lower_case_and_overflow() {
        let mut text = encode(12_345);
        for bad in [b'I', b'L', b'O', b'U', b'a', b'z', b'-', 0xC3] {
            text[7] = bad;
            assert_eq!(decode(&text), Err(DecodeError::Character(7)), "{bad}");
        }
        let mut text = encode(0);
        text[0] = b'8';
        assert_eq!(decode(&text), Err(DecodeError::Overflow));
    }

    #[test]
    fn encoding_preserves_order() {
        let values = [0u128, 5, 31, 32, 1 << 80, (1 << 80) + 1, u128::MAX];
        for pair in values.windows(2) {
            assert!(encode(pair[0]) < encode(pair[1]));
        }
    }
}
