//! The compact JSON response, written by hand: the same bytes as `serde_json::to_writer` of
//! the [`Response`]'s `Serialize` (a property test compares them), about five times as fast
//! on a million desktops, where serde_json's per-character escaping loop and its per-value
//! calls dominated the run. Both [`write_json`](super::write_json) (streams) and
//! [`to_json_string`](super::to_json_string) (in memory) use it.

use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;
use std::io;

use crate::ids::IdList;
use crate::response::Response;

/// Bytes gathered before each write to the writer.
const CHUNK: usize = 1 << 16;

/// Writes `response` as compact JSON, without a final newline.
pub(super) fn write<W: io::Write>(response: &Response<'_>, writer: &mut W) -> io::Result<()> {
    let mut out = Vec::with_capacity(CHUNK + 1024);
    let flush = |out: &mut Vec<u8>| {
        writer.write_all(out)?;
        out.clear();
        Ok(())
    };
    append(response, &mut out, flush, |message| {
        io::Error::new(io::ErrorKind::InvalidData, message)
    })?;
    writer.write_all(&out)
}

/// `response` as compact JSON, without a final newline, in one buffer.
///
/// # Errors
///
/// The message saying how the plan does not fit the request.
pub(super) fn to_string(response: &Response<'_>) -> Result<String, String> {
    let (request, plan) = (response.request(), response.plan());
    // Room for the usual case (IDs without escapes, users of the average length): the
    // buffer then grows at most once.
    let (desktops, users) = (request.desktop_ids(), request.end_user_ids());
    let user_len = users.concatenated().len() / users.len().max(1) + 3;
    let mut out = Vec::with_capacity(
        200 + desktops.concatenated().len()
            + desktops.len() * 64
            + plan.assignments().saturating_mul(user_len),
    );
    append(response, &mut out, |_| Ok(()), |message| message)?;
    // Valid UTF-8 by construction (the IDs are `str`, every escape ASCII); checking it
    // costs a fraction of the writing, and keeps the crate free of `unsafe`.
    String::from_utf8(out).map_err(|e| e.to_string())
}

/// Appends `response` to `out`, calling `flush` after each desktop once `out` holds
/// [`CHUNK`] bytes or more.
fn append<E>(
    response: &Response<'_>,
    out: &mut Vec<u8>,
    mut flush: impl FnMut(&mut Vec<u8>) -> Result<(), E>,
    invalid: impl Fn(String) -> E,
) -> Result<(), E> {
    let (request, plan) = (response.request(), response.plan());
    let (desktops, users) = (request.desktop_ids(), request.end_user_ids());
    if plan.desktops() != desktops.len() {
        return Err(invalid(format!(
            "the plan has {} desktops, but the request lists {}",
            plan.desktops(),
            desktops.len()
        )));
    }
    let plain_desktops = needs_no_escape(desktops);
    let plain_users = needs_no_escape(users);
    let status = response.status().as_str().as_bytes();

    out.extend_from_slice(b"{\"RequestId\":");
    string(out, response.request_id(), false);
    out.extend_from_slice(b",\"Entitlements\":{\"Status\":\"");
    out.extend_from_slice(status);
    out.extend_from_slice(b"\",\"TaskId\":");
    string(out, response.task_id(), false);
    out.extend_from_slice(b",\"AssignModels\":[");
    for (i, (desktop, end_users)) in desktops.iter().zip(plan.iter()).enumerate() {
        if i > 0 {
            out.push(b',');
        }
        out.extend_from_slice(b"{\"DesktopId\":");
        string(out, desktop, plain_desktops);
        out.extend_from_slice(b",\"InnerStatus\":\"");
        out.extend_from_slice(status);
        out.extend_from_slice(b"\",\"EndUserIds\":[");
        for (s, &user) in end_users.iter().enumerate() {
            if s > 0 {
                out.push(b',');
            }
            let id = users.get(user as usize).ok_or_else(|| {
                invalid(format!(
                    "the plan names user index {user}, but the request lists {} users",
                    users.len()
                ))
            })?;
            string(out, id, plain_users);
        }
        out.extend_from_slice(b"]}");
        if out.len() >= CHUNK {
            flush(out)?;
        }
    }
    out.extend_from_slice(b"]}}");
    Ok(())
}

/// Whether no ID of `list` has a byte that JSON must escape: then each is copied as is.
/// One pass over the list's text, in blocks that the compiler vectorises.
fn needs_no_escape(list: &IdList) -> bool {
    list.concatenated()
        .as_bytes()
        .chunks(4096)
        .all(|block| !block.iter().fold(false, |any, &b| any | escaped(b)))
}

#[inline]
fn escaped(b: u8) -> bool {
    b < 0x20 || b == b'"' || b == b'\\'
}

/// Appends `s` as a JSON string, escaped exactly as serde_json escapes: `\"`, `\\`, the
/// short escapes `\b \t \n \f \r`, other control characters as `\u00xx` (lowercase hex),
/// everything else (DEL and non-ASCII included) as is. `plain`: known to need no escape.
#[inline]
fn string(out: &mut Vec<u8>, s: &str, plain: bool) {
    out.push(b'"');
    let bytes = s.as_bytes();
    if plain {
        out.extend_from_slice(bytes);
    } else {
        let mut start = 0;
        for (i, &b) in bytes.iter().enumerate() {
            if !escaped(b) {
                continue;
            }
            out.extend_from_slice(&bytes[start..i]);
            match b {
                b'"' => out.extend_from_slice(b"\\\""),
                b'\\' => out.extend_from_slice(b"\\\\"),
                0x08 => out.extend_from_slice(b"\\b"),
                b'\t' => out.extend_from_slice(b"\\t"),
                b'\n' => out.extend_from_slice(b"\\n"),
                0x0c => out.extend_from_slice(b"\\f"),
                b'\r' => out.extend_from_slice(b"\\r"),
                _ => {
                    const HEX: &[u8; 16] = b"0123456789abcdef";
                    out.extend_from_slice(b"\\u00");
                    out.push(HEX[usize::from(b >> 4)]);
                    out.push(HEX[usize::from(b & 0xf)]);
                }
            }
            start = i + 1;
        }
        out.extend_from_slice(&bytes[start..]);
    }
    out.push(b'"');
}
