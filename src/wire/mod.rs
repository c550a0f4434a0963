//! The wire forms of the API: how requests arrive and responses leave.
//!
//! Only this module knows of wire formats; the planner and the checker know nothing of
//! them. The RPC query form needs no dependency; the JSON form needs the `serde` feature,
//! and CSV lists of IDs the `csv` feature.

#[cfg(feature = "serde")]
mod calls;
#[cfg(feature = "serde")]
mod json;
mod limit;
mod query;
mod text;

#[cfg(feature = "serde")]
pub use calls::{write_calls_aliyun, write_calls_query};
#[cfg(feature = "serde")]
pub use json::{
    calls_bytes_for, fleet_from_json, from_json, from_json_vec, plan_from_json, to_json_string,
    write_call_json, write_calls_json, write_changes_json, write_comparison_json, write_fleet_json,
    write_json, write_json_rows, FleetReader, JsonStyle, ShortListing,
};
pub use limit::read_limit;
pub use query::{from_query, to_query};
pub use text::{is_utf16, reject_utf16, UTF16_PREFIX};

#[cfg(feature = "csv")]
mod csv;

#[cfg(feature = "csv")]
pub use self::csv::ids_from_csv;

/// The most memory reading a request of `len` bytes takes, its text included: `3·len`, for
/// the text, its ID lists with their offsets, and the lists' growth while they are read.
/// It holds for `from_bytes`, `from_json` (feature `serde`) and `ids_from_csv` (feature `csv`)
/// followed by [`Request::check`](crate::Request::check), down to IDs of four bytes;
/// the test `tests/memory/reader_memory.rs` measures 2.1 and 3.0 times on two million such
/// IDs and holds the readers to this figure.
///
/// A tool can refuse an input whose figure is beyond the memory it may use before reading
/// it, as the command line does (exit status 3); should an allocation still fail, the
/// readers return [`Error::OutOfMemory`](crate::Error::OutOfMemory) rather than abort.
///
/// ```
/// assert_eq!(eds_entitlement::wire::reading_bytes_for(1_000), 3_000);
/// ```
pub const fn reading_bytes_for(len: u64) -> u64 {
    len.saturating_mul(3)
}

/// Reads a request in either wire form, told apart by its first byte that is not ASCII
/// whitespace (after a UTF-8 byte order mark): JSON when it is `{` (or `[`, `"`, a digit,
/// `-`, or the text is `null`, `true` or `false`: JSON that is not an object, which
/// [`from_json`] rejects by name), the query form otherwise.
///
/// Costs what [`from_json`] or [`from_query`] costs.
///
/// # Errors
///
/// [`Error::Utf16`](crate::Error::Utf16) for UTF-16 text; then as [`from_json`] or
/// [`from_query`].
///
/// ```
/// use eds_entitlement::wire;
///
/// let json = wire::from_bytes(br#" {"RegionId":"cn-hangzhou","DesktopId":["ecd-a"],"Preview":true}"#)?;
/// let query = wire::from_bytes(b"RegionId=cn-hangzhou&DesktopId.1=ecd-a&Preview=true\n")?;
/// assert_eq!(json, query);
///
/// let e = wire::from_bytes(b"[]").unwrap_err();
/// assert_eq!(
///     e.to_string(),
///     "malformed JSON at line 1, column 1: the request must be a JSON object of its parameters, but it is an array"
/// );
/// # Ok::<(), eds_entitlement::Error>(())
/// ```
#[cfg(feature = "serde")]
pub fn from_bytes(input: &[u8]) -> Result<crate::request::Request, crate::error::Error> {
    reject_utf16(input, "the request")?;
    if is_json(input) {
        from_json(input)
    } else {
        from_query(input)
    }
}

/// Reads a request in either wire form, as [`from_bytes`] does, from a buffer it takes: JSON
/// is read by [`from_json_vec`], which splits the longest ID list within the buffer.
///
/// ```
/// use eds_entitlement::wire;
///
/// let text = br#"{"RegionId":"cn-hangzhou","DesktopId":["ecd-a"],"Preview":true}"#;
/// assert_eq!(wire::from_bytes_vec(text.to_vec())?, wire::from_bytes(text)?);
/// # Ok::<(), eds_entitlement::Error>(())
/// ```
///
/// # Errors
///
/// As [`from_bytes`].
#[cfg(feature = "serde")]
pub fn from_bytes_vec(input: Vec<u8>) -> Result<crate::request::Request, crate::error::Error> {
    reject_utf16(&input, "the request")?;
    if is_json(&input) {
        from_json_vec(input)
    } else {
        from_query(&input)
    }
}

/// Whether a request's text is JSON, by its first byte that is not ASCII whitespace (after a
/// UTF-8 byte order mark): `{`, `[`, `"`, a digit or `-`, or the whole text `null`, `true`
/// or `false`. Anything else is the query form.
#[cfg(feature = "serde")]
fn is_json(input: &[u8]) -> bool {
    let text = text::strip_bom(input);
    let start = text
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(text.len());
    let text = text[start..].trim_ascii_end();
    match text.first() {
        Some(b'{' | b'[' | b'"' | b'-' | b'0'..=b'9') => true,
        _ => matches!(text, b"null" | b"true" | b"false"),
    }
}
