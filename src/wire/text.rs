//! What every reader checks of its bytes before reading them: UTF-16, and the byte order
//! mark.

use alloc::borrow::ToOwned;

use crate::error::Error;

/// The UTF-8 byte order mark, as Windows editors write it.
pub(crate) const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";

/// How many bytes at the start of an input [`is_utf16`] looks at (1 KiB): a reader that
/// streams its input must give it this many, or the whole input when it is shorter.
pub const UTF16_PREFIX: usize = 1024;

/// Whether `input` is UTF-16 text, of either byte order, with or without a byte order mark
/// (PowerShell's `>` writes UTF-16LE with one; Notepad's "Unicode" does too, other tools
/// write none).
///
/// Only the first [`UTF16_PREFIX`] bytes are looked at; `input` shorter than that is taken
/// to be the whole input. It is UTF-16 when:
///
/// 1. it begins with a UTF-16 byte order mark (`FF FE` or `FE FF`); or
/// 2. its first two bytes are an ASCII character in UTF-16: one zero byte and one that is
///    not (JSON, the query form and CSV headers begin so); or
/// 3. those bytes are not UTF-8, or are UTF-8 holding a NUL byte, and they read, in one
///    byte order, as UTF-16 *text*: whole code units (an even length, when `input` is the
///    whole input), no unpaired surrogate, no NUL, no control character but tab and line
///    breaks, no private-use character or noncharacter; and what they read as is likely:
///    - when they are not UTF-8: some character below U+0100 (a line break, a comma, a
///      quote: a NUL byte in its place), or characters of one block of 256 (a name in
///      Cyrillic, Greek, …), or only East Asian letters (Han and kana, or Hangul: one ID
///      in Chinese, Japanese or Korean, with no line break);
///    - when they are UTF-8 holding a NUL (UTF-16 whose bytes are all ASCII): some
///      characters below U+0100, and the others of one block of 256 (a list in Cyrillic,
///      Greek, …), or those below U+0100 are two or more and all whitespace or punctuation
///      (the line breaks of a list in any script).
///
/// So UTF-8 without a NUL byte is never taken for UTF-16 (neither a mark nor a NUL can be
/// in it, and rule 3 asks for one or for bytes that are not UTF-8). Nor is UTF-8 with a stray
/// NUL: around it, pairs of ASCII bytes read as Han characters of many blocks, and the NUL
/// with its neighbour as one character, a letter or a lone line break; its reader names the
/// line of the NUL. Input that is neither UTF-8 nor UTF-16 text is left to its
/// reader too, which says where it is not UTF-8 or not the form: binary files (a
/// spreadsheet's `.xlsx` is a zip, whose header holds control characters in either byte
/// order), and Latin-1 or Windows-1252 text, whose accented letters next to ASCII read as
/// surrogates, private-use or scattered characters, not as one script.
///
/// What is missed: UTF-16 without a mark whose first KiB is UTF-8 without a NUL (e.g. a
/// single ID like `张三`, whose UTF-16LE bytes `20 5F 09 4E` are ASCII), or that mixes scripts
/// with no line break; its reader then rejects the control characters or the text. What
/// may be mistaken: a Latin-1 or Windows-1252 file of four bytes or so, no line break, whose
/// pairs of bytes happen to be Han characters (`José` read as big-endian): told UTF-16, it is
/// told to save as UTF-8, which it needs too.
///
/// Costs `O(1)`: at most [`UTF16_PREFIX`] bytes are looked at.
///
/// ```
/// use eds_entitlement::wire;
///
/// assert!(wire::is_utf16(b"\xFF\xFE{\0\"\0"));
/// assert!(wire::is_utf16(b"\0e\0c\0d"));
/// // "李四" in UTF-16LE, no mark, no line break.
/// assert!(wire::is_utf16(b"\x4E\x67\xDB\x56"));
/// assert!(!wire::is_utf16(b"ecd-a\n"));
/// assert!(!wire::is_utf16("李四\n".as_bytes()));
/// assert!(!wire::is_utf16(b"\xEF\xBB\xBF{}"));
/// // Latin-1: not UTF-8, not UTF-16 either.
/// assert!(!wire::is_utf16(b"M\xFCller\r\n"));
/// ```
pub fn is_utf16(input: &[u8]) -> bool {
    match input {
        [0xFF, 0xFE, ..] | [0xFE, 0xFF, ..] => return true,
        [a, b, ..] if (*a == 0) != (*b == 0) && a.max(b).is_ascii() => return true,
        _ => {}
    }
    let whole = input.len() <= UTF16_PREFIX;
    let prefix = &input[..input.len().min(UTF16_PREFIX)];
    // Two characters at least, and whole code units in a whole input.
    if prefix.len() < 4 || (whole && prefix.len() % 2 == 1) {
        return false;
    }
    let not_utf8 = match core::str::from_utf8(prefix) {
        Ok(_) => false,
        // A character cut at the end of the prefix, not of the input: UTF-8 so far.
        Err(e) => whole || e.error_len().is_some(),
    };
    if !not_utf8 && !prefix.contains(&0) {
        return false;
    }
    [u16::from_le_bytes, u16::from_be_bytes]
        .into_iter()
        .any(|unit| {
            let units = prefix.chunks_exact(2).map(|pair| unit([pair[0], pair[1]]));
            match Utf16Text::read(units, whole) {
                None => false,
                Some(text) if not_utf8 => text.latin || text.one_block || text.east_asian(),
                Some(text) => text.latin && (text.one_block || text.separated()),
            }
        })
}

/// What UTF-16 code units read as, when they are text (see [`is_utf16`]).
struct Utf16Text {
    /// Some character is below U+0100.
    latin: bool,
    /// How many characters are ASCII whitespace or punctuation (line breaks, commas, …).
    separators: usize,
    /// Some character below U+0100 is not ASCII whitespace or punctuation.
    latin_letter: bool,
    /// Every character is below U+0100 or in one block of 256 (`U+hh00` to `U+hhFF`).
    one_block: bool,
    /// Some character is a Han or kana letter (or CJK punctuation, fullwidth forms).
    han: bool,
    /// Some character is Hangul.
    hangul: bool,
    /// Some character is neither of those.
    other: bool,
}

impl Utf16Text {
    /// `units` read as text, or `None` when they hold a character no text of ours holds.
    /// A high surrogate at the end is a character cut by the prefix unless `whole`.
    fn read(units: impl Iterator<Item = u16> + Clone, whole: bool) -> Option<Utf16Text> {
        let count = units.clone().count();
        let last_cut = !whole
            && units
                .clone()
                .last()
                .is_some_and(|u| (0xD800..0xDC00).contains(&u));
        let units = units.take(count - usize::from(last_cut));
        let mut text = Utf16Text {
            latin: false,
            separators: 0,
            latin_letter: false,
            one_block: true,
            han: false,
            hangul: false,
            other: false,
        };
        let mut block = None;
        for c in char::decode_utf16(units) {
            let c = c.ok()?;
            let code = u32::from(c);
            let private = matches!(code, 0xE000..=0xF8FF | 0xF_0000..);
            let nonchar = matches!(code, 0xFDD0..=0xFDEF) || code & 0xFFFE == 0xFFFE;
            if c == '\0'
                || (c.is_control() && !matches!(c, '\t' | '\n' | '\r'))
                || private
                || nonchar
            {
                return None;
            }
            if code < 0x100 {
                text.latin = true;
                if c.is_ascii_whitespace() || c.is_ascii_punctuation() {
                    text.separators += 1;
                } else {
                    text.latin_letter = true;
                }
                continue;
            }
            if code > 0xFFFF || *block.get_or_insert(code >> 8) != code >> 8 {
                text.one_block = false;
            }
            match code {
                0x3000..=0x30FF
                | 0x3400..=0x4DBF
                | 0x4E00..=0x9FFF
                | 0xF900..=0xFAFF
                | 0xFF00..=0xFFEF
                | 0x2_0000..=0x3_FFFF => text.han = true,
                0x1100..=0x11FF | 0x3130..=0x318F | 0xAC00..=0xD7A3 => text.hangul = true,
                _ => text.other = true,
            }
        }
        Some(text)
    }

    /// Characters below U+0100 only between others (two line breaks, or commas, …), as in
    /// a list in any script.
    fn separated(&self) -> bool {
        self.separators >= 2 && !self.latin_letter
    }

    /// Only East Asian letters of one language: Han and kana, or Hangul.
    fn east_asian(&self) -> bool {
        !self.latin && !self.other && self.han != self.hangul
    }
}

/// Rejects UTF-16 text (as [`is_utf16`] tells it) with one line naming `input` (a file's
/// name, or `"the request"`) and saying to save it as UTF-8, instead of a parse error full
/// of NULs or replacement characters. Every reader of this crate calls it first; readers
/// of other inputs should too.
///
/// Costs `O(1)`.
///
/// # Errors
///
/// [`Error::Utf16`] when `input` is UTF-16.
///
/// ```
/// use eds_entitlement::wire;
///
/// let e = wire::reject_utf16(b"\xFF\xFEe\0c\0d\0", "desktops.csv").unwrap_err();
/// assert_eq!(e.to_string(), "desktops.csv is UTF-16: save as UTF-8");
/// assert!(wire::reject_utf16(b"ecd-a\n", "desktops.csv").is_ok());
/// ```
pub fn reject_utf16(bytes: &[u8], input: &str) -> Result<(), Error> {
    if is_utf16(bytes) {
        Err(Error::Utf16 {
            input: input.to_owned(),
        })
    } else {
        Ok(())
    }
}

/// How many bytes of `bytes` `is` holds for: counted in `u8` lanes, 255 bytes at a time,
/// so that the compiler vectorises it (a `usize` count a byte is several times slower).
#[cfg(any(feature = "csv", feature = "serde"))]
pub(crate) fn count(bytes: &[u8], is: impl Fn(u8) -> bool) -> usize {
    bytes
        .chunks(255)
        .map(|chunk| usize::from(chunk.iter().fold(0u8, |n, &b| n + u8::from(is(b)))))
        .sum()
}

/// How many pairs of neighbouring bytes `(a, b)` of `bytes` `is` holds for, counted as
/// [`count`] counts.
#[cfg(feature = "csv")]
pub(crate) fn count_pairs(bytes: &[u8], is: impl Fn(u8, u8) -> bool) -> usize {
    let Some(next) = bytes.get(1..) else {
        return 0;
    };
    bytes
        .chunks(255)
        .zip(next.chunks(255))
        .map(|(a, b)| {
            let n = a
                .iter()
                .zip(b)
                .fold(0u8, |n, (&a, &b)| n + u8::from(is(a, b)));
            usize::from(n)
        })
        .sum()
}

/// `input` without its UTF-8 byte order mark, if it has one.
pub(crate) fn strip_bom(input: &[u8]) -> &[u8] {
    input.strip_prefix(UTF8_BOM).unwrap_or(input)
}

#[cfg(test)]
mod tests {
    use alloc::vec::Vec;

    use super::*;

    #[test]
    fn utf16_in_both_byte_orders_with_and_without_a_mark() {
        let text = "{\"RegionId\":1}";
        let le: alloc::vec::Vec<u8> = text.encode_utf16().flat_map(u16::to_le_bytes).collect();
        let be: alloc::vec::Vec<u8> = text.encode_utf16().flat_map(u16::to_be_bytes).collect();
        for bytes in [&le, &be] {
            assert!(is_utf16(bytes));
        }
        assert!(is_utf16(&[&[0xFF, 0xFE][..], &le].concat()));
        assert!(is_utf16(&[&[0xFE, 0xFF][..], &be].concat()));
        // UTF-8, empty input, one byte, a non-ASCII start: not UTF-16.
        for bytes in [&b""[..], b"{", b"{}", "éé".as_bytes(), b"\0\0", b"\x80\0"] {
            assert!(!is_utf16(bytes), "{bytes:?}");
        }
    }

    fn le(text: &str) -> Vec<u8> {
        text.encode_utf16().flat_map(u16::to_le_bytes).collect()
    }

    fn be(text: &str) -> Vec<u8> {
        text.encode_utf16().flat_map(u16::to_be_bytes).collect()
    }

    #[test]
    fn utf16_without_a_mark_that_begins_beyond_ascii() {
        for text in [
            // A list of Chinese names, and one name with no line break.
            "张伟\r\n王芳\r\n李娜\r\n",
            "李四",
            "张伟\r\n",
            "山田たろう",
            "김철수",
            // A character of the supplementary planes.
            "𠀀李",
            // Cyrillic, Greek: a list (bytes all ASCII, with NULs), and one name.
            "Иван\nПётр\nСергей\n",
            "Ωμέγα\r\n",
            "Ёжик",
            // ASCII after a first character beyond it.
            "é,ecd-a\n",
            "Ω{\"RegionId\":\"r\"}",
        ] {
            for bytes in [le(text), be(text)] {
                let utf8 = core::str::from_utf8(&bytes);
                // The test below must not call valid UTF-8 without NUL UTF-16.
                if utf8.is_ok() && !bytes.contains(&0) {
                    continue;
                }
                assert!(is_utf16(&bytes), "{text:?} {bytes:02X?}");
            }
        }
        // Past the prefix, nothing more is read: a long list is told by its start.
        let long = "张伟\r\n王芳\r\n".repeat(1000);
        assert!(is_utf16(&le(&long)));
        assert!(is_utf16(&be(&long)));
        // Cut in the middle of a surrogate pair by the prefix: still UTF-16.
        let mut cut = le("王".repeat(511).as_str());
        cut.extend(le(&"𠀀".repeat(100)));
        assert!(is_utf16(&cut));
        let units = [0x738B, 0xD840];
        assert!(Utf16Text::read(units.into_iter(), false).is_some());
        assert!(Utf16Text::read(units.into_iter(), true).is_none());
    }

    #[test]
    fn what_is_not_utf16() {
        for bytes in [
            // UTF-8, with and without a stray NUL.
            &b"ecd-a\necd-b\n"[..],
            b"ecd-a\n\0\n",
            b"DesktopId\r\necd-a\0\r\n",
            "张伟\r\n王芳\r\n".as_bytes(),
            "Иван\n\0".as_bytes(),
            // Latin-1 / Windows-1252.
            b"M\xFCller\r\n",
            b"Jos\xE9 Garc\xEDa\r\n",
            b"DesktopId\r\necd-\xE9t\xE9\r\n",
            b"\xC9ric,\xC9lodie\r\n",
            // A zip (an .xlsx), and a gzip.
            b"PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00",
            b"\x1F\x8B\x08\x00\x00\x00\x00\x00\x00\x03",
            // Odd length: not whole code units.
            b"\x4E\x67\xDB\x56\x0A",
            // NULs: U+0000 in either byte order.
            b"\xE9\xE9\0\0\xE9\xE9",
        ] {
            assert!(!is_utf16(bytes), "{bytes:02X?}");
        }
        // An unpaired surrogate in a whole input, and a high surrogate last in one.
        assert!(!is_utf16(&[0x4E, 0x67, 0xDC, 0xDC, 0x4E, 0x67]));
        assert!(!is_utf16(&[0x4E, 0x67, 0xD8, 0xD8]));
    }

    #[test]
    fn a_pseudo_random_binary_file_is_not_utf16() {
        // xorshift: the same bytes on every run.
        let mut state = 0x2545_F491_4F6C_DD1D_u64;
        let bytes: Vec<u8> = (0..4096)
            .map(|_| {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                state as u8
            })
            .collect();
        for start in 0..64 {
            assert!(!is_utf16(&bytes[start..]), "{start}");
        }
    }

    #[test]
    #[cfg(any(feature = "csv", feature = "serde"))]
    fn counts_are_the_naive_counts() {
        let bytes: Vec<u8> = (0..2000u32).map(|i| (i * 7919 % 13) as u8).collect();
        for len in [0, 1, 2, 254, 255, 256, 510, 511, 2000] {
            let bytes = &bytes[..len];
            let naive = bytes.iter().filter(|&&b| b < 3).count();
            assert_eq!(count(bytes, |b| b < 3), naive, "{len}");
            #[cfg(feature = "csv")]
            {
                let naive = bytes.windows(2).filter(|w| w[0] > 5 && w[1] < 3).count();
                assert_eq!(count_pairs(bytes, |a, b| a > 5 && b < 3), naive, "{len}");
            }
        }
    }
}
