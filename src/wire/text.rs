//! What every reader checks of its bytes before reading them: UTF-16, and the byte order
//! mark.

use alloc::borrow::ToOwned;

use crate::error::Error;

/// The UTF-8 byte order mark, as Windows editors write it.
pub(crate) const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";

/// Whether `input` is UTF-16 text, of either byte order, with or without a byte order mark
/// (PowerShell's `>` writes UTF-16LE with one).
///
/// It is, when it begins with a UTF-16 byte order mark (`FF FE` or `FE FF`), or when its
/// first two bytes are an ASCII character in UTF-16: one zero byte and one that is not.
/// Every form this crate reads (JSON, the query form, CSV) begins with ASCII, and no UTF-8
/// text begins with a NUL, so the test does not mistake UTF-8 for UTF-16; UTF-16 text that
/// begins with a character beyond ASCII and has no byte order mark is not recognised.
///
/// Costs `O(1)`: only the first bytes are looked at.
///
/// ```
/// use eds_entitlement::wire;
///
/// assert!(wire::is_utf16(b"\xFF\xFE{\0\"\0"));
/// assert!(wire::is_utf16(b"\0e\0c\0d"));
/// assert!(!wire::is_utf16(b"ecd-a\n"));
/// assert!(!wire::is_utf16(b"\xEF\xBB\xBF{}"));
/// ```
pub fn is_utf16(input: &[u8]) -> bool {
    match input {
        [0xFF, 0xFE, ..] | [0xFE, 0xFF, ..] => true,
        [a, b, ..] => (*a == 0) != (*b == 0) && a.max(b).is_ascii(),
        _ => false,
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

/// `input` without its UTF-8 byte order mark, if it has one.
pub(crate) fn strip_bom(input: &[u8]) -> &[u8] {
    input.strip_prefix(UTF8_BOM).unwrap_or(input)
}

#[cfg(test)]
mod tests {
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
}
