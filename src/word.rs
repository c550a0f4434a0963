//! Eight bytes at a time: the word primitives of the crate's byte scans (an ID list's text
//! for control characters, the JSON readers' strings for their plain runs and quotes).
//!
//! A word is eight bytes read little-endian, so its first byte is its lowest. A mask flags
//! a byte by setting its high bit (0x80). The masks made by subtraction ([`equal`],
//! [`below`]) are exact at their lowest flagged byte only: a borrow may flag a byte above a
//! true one, never below it. That is all a scan for the first such byte needs, and it stays
//! so when several masks are or-ed together. [`above`] is exact at every byte.

/// 0x01 in every byte.
const ONES: u64 = u64::from_le_bytes([0x01; 8]);
/// 0x80 in every byte: each byte's high bit.
const HIGHS: u64 = ONES * 0x80;

/// The bytes of `word` equal to `byte` (the lowest flagged one exact).
#[inline]
pub(crate) const fn equal(word: u64, byte: u8) -> u64 {
    below(word ^ (ONES * byte as u64), 1)
}

/// The bytes of `word` below `n`, for `n` up to 0x80 (the lowest flagged one exact).
#[inline]
pub(crate) const fn below(word: u64, n: u8) -> u64 {
    word.wrapping_sub(ONES * n as u64) & !word & HIGHS
}

/// The bytes of `word` above `n`, for `n` up to 0x7F (every flagged one exact: no carry
/// leaves a byte). `above(word, 0x7F)` is the bytes with their high bit set. (The JSON
/// readers use it, which need the `serde` feature.)
#[cfg_attr(not(feature = "serde"), allow(dead_code))]
#[inline]
pub(crate) const fn above(word: u64, n: u8) -> u64 {
    (((word & !HIGHS) + ONES * (0x7F - n) as u64) | word) & HIGHS
}

/// The index in its word of the lowest byte that `flags` (not 0) flags.
#[inline]
pub(crate) const fn first(flags: u64) -> usize {
    (flags.trailing_zeros() / 8) as usize
}

/// The index of the first byte of `bytes` that `flags` flags, if any: eight bytes at a
/// time, then each byte of the tail (fewer than eight) as a word of its own, whose lowest
/// byte is flagged exactly. `flags` must be exact at its lowest flagged byte, as every mask
/// of this module and an or of them are.
#[inline]
pub(crate) fn position(bytes: &[u8], flags: impl Fn(u64) -> u64) -> Option<usize> {
    let mut chunks = bytes.chunks_exact(8);
    let mut offset = 0;
    for chunk in &mut chunks {
        let mut word = [0; 8];
        word.copy_from_slice(chunk);
        let found = flags(u64::from_le_bytes(word));
        if found != 0 {
            return Some(offset + first(found));
        }
        offset += 8;
    }
    chunks
        .remainder()
        .iter()
        .position(|&b| flags(u64::from(b)) & 0x80 != 0)
        .map(|i| offset + i)
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::vec::Vec;

    /// The index of the first of `bytes` that `is` holds for, or 8.
    fn naive_first(bytes: [u8; 8], is: impl Fn(u8) -> bool) -> usize {
        bytes.iter().position(|&b| is(b)).unwrap_or(8)
    }

    /// The lowest flagged byte of `flags`, or 8 for none.
    fn lowest(flags: u64) -> usize {
        if flags == 0 {
            8
        } else {
            first(flags)
        }
    }

    #[test]
    fn each_mask_finds_the_first_byte_at_every_place_in_a_word() {
        // Every byte value at every place, on a background of every byte value (two values
        // in the word): the lowest flagged byte is the first that the predicate holds for,
        // also when other bytes below and above it hold for it too.
        let equals = [0, b'"', b'\\', 0x7F, 0x80, 0xC2, 0xFF];
        let belows = [1, 0x20, 0x7F, 0x80];
        let aboves = [0, 0x20, 0x7E, 0x7F];
        for background in 0..=255u8 {
            for value in 0..=255u8 {
                for at in 0..8 {
                    let mut bytes = [background; 8];
                    bytes[at] = value;
                    let word = u64::from_le_bytes(bytes);
                    for byte in equals {
                        let naive = naive_first(bytes, |b| b == byte);
                        assert_eq!(lowest(equal(word, byte)), naive, "{bytes:?} = {byte}");
                    }
                    for n in belows {
                        let naive = naive_first(bytes, |b| b < n);
                        assert_eq!(lowest(below(word, n)), naive, "{bytes:?} < {n}");
                    }
                    for n in aboves {
                        // Exact at every byte, not only the lowest.
                        let naive = bytes
                            .iter()
                            .enumerate()
                            .fold(0, |mask, (i, &b)| mask | (u64::from(b > n) << (8 * i + 7)));
                        assert_eq!(above(word, n), naive, "{bytes:?} > {n}");
                    }
                }
            }
        }
    }

    #[test]
    fn an_or_of_masks_finds_the_first_byte_any_of_them_flags() {
        // The scans' own ors (a string's special bytes, an ID's control candidates), on
        // words of two specials each among plain bytes.
        let special = |b: u8| b == b'"' || b == b'\\' || !(0x20..0x7F).contains(&b);
        let flags = |w: u64| equal(w, b'"') | equal(w, b'\\') | below(w, 0x20) | above(w, 0x7E);
        for a in 0..=255u8 {
            for b in [0, 0x1F, b'"', b'\\', 0x7F, 0x80, 0xFF, b'x'] {
                for at in 0..8 {
                    for later in at..8 {
                        let mut bytes = *b"plain-xy";
                        bytes[later] = b;
                        bytes[at] = a;
                        let word = u64::from_le_bytes(bytes);
                        assert_eq!(lowest(flags(word)), naive_first(bytes, special));
                    }
                }
            }
        }
    }

    #[test]
    fn position_finds_the_first_flagged_byte_in_whole_words_and_tails() {
        // Every length up to three words (every tail shorter than a word), the sought byte
        // at every place, once or twice, or absent.
        let quote = |w: u64| equal(w, b'"');
        for len in 0..=24 {
            let plain = alloc::vec![b'a'; len];
            assert_eq!(position(&plain, quote), None, "{len}");
            for at in 0..len {
                let mut bytes = plain.clone();
                bytes[at] = b'"';
                assert_eq!(position(&bytes, quote), Some(at), "{len} {at}");
                if let Some(last) = bytes.last_mut() {
                    *last = b'"';
                }
                assert_eq!(position(&bytes, quote), Some(at), "{len} {at}");
            }
        }
    }

    #[test]
    fn position_finds_only_the_bytes_of_the_slice() {
        // Masks that flag zero bytes, which a tail's byte taken as a word has above it.
        let zero = |w: u64| equal(w, 0);
        let below_space = |w: u64| below(w, 0x20);
        for len in 0..=17 {
            let bytes: Vec<u8> = (0..len).map(|i| b'a' + i as u8).collect();
            assert_eq!(position(&bytes, zero), None, "{len}");
            assert_eq!(position(&bytes, below_space), None, "{len}");
            for at in 0..len {
                let mut with = bytes.clone();
                with[at] = 0;
                assert_eq!(position(&with, zero), Some(at), "{len} {at}");
                assert_eq!(position(&with, below_space), Some(at), "{len} {at}");
            }
        }
    }
}
