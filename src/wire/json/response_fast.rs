//! The compact JSON response, written by hand: the same bytes as `serde_json::to_writer` of
//! the [`Response`]'s `Serialize` (a property test compares them), about five times as fast
//! on a million desktops, where serde_json's per-character escaping loop and its per-value
//! calls dominated the run. Both [`write_json`](super::write_json) (streams) and
//! [`to_json_string`](super::to_json_string) (in memory) use it; the head and the
//! messages of a plan that does not fit are the serde writer's (`body.rs`).

use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;
use std::io;

use super::body::{other_desktops, unknown_user, Head};
use crate::ids::IdList;
use crate::planner::RowSource;
use crate::request::CheckedRequest;
use crate::response::Response;

/// Bytes gathered before each write to the writer.
const CHUNK: usize = 1 << 16;

/// Writes `response` as compact JSON, without a final newline.
pub(super) fn write<W: io::Write>(response: &Response<'_>, writer: &mut W) -> io::Result<()> {
    fits(response).map_err(invalid)?;
    let plan = response.plan();
    write_rows(
        &head(response),
        response.request(),
        &mut plan.iter(),
        writer,
    )
}

/// The head of `response`.
fn head<'a>(response: &'a Response<'_>) -> Head<'a> {
    Head {
        request_id: response.request_id(),
        task_id: response.task_id(),
        status: response.status(),
    }
}

/// Writes the response to `request` as compact JSON, without a final newline, its
/// `AssignModels` from `rows`, one desktop at a time: nothing but the current chunk of
/// output is held.
pub(super) fn write_rows<W: io::Write>(
    head: &Head<'_>,
    request: &CheckedRequest,
    rows: &mut dyn RowSource,
    writer: &mut W,
) -> io::Result<()> {
    let mut out = Vec::new();
    out.try_reserve_exact(CHUNK + 1024)
        .map_err(|_| io::Error::from(io::ErrorKind::OutOfMemory))?;
    let flush = |out: &mut Vec<u8>| {
        writer.write_all(out)?;
        out.clear();
        Ok(())
    };
    append(head, request, rows, &mut out, flush, invalid)?;
    writer.write_all(&out)
}

fn invalid(message: String) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, message)
}

/// `response` as compact JSON, without a final newline, in one buffer.
///
/// # Errors
///
/// The message saying how the plan does not fit the request.
pub(super) fn to_string(response: &Response<'_>) -> Result<String, String> {
    fits(response)?;
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
    let mut rows = plan.iter();
    append(
        &head(response),
        request,
        &mut rows,
        &mut out,
        |_| Ok(()),
        |message| message,
    )?;
    // Valid UTF-8 by construction (the IDs are `str`, every escape ASCII); checking it
    // costs a fraction of the writing, and keeps the crate free of `unsafe`.
    String::from_utf8(out).map_err(|e| e.to_string())
}

/// Whether the response's plan has the request's number of desktops.
fn fits(response: &Response<'_>) -> Result<(), String> {
    other_desktops(response.plan().desktops(), response.request())
}

/// Appends the response to `out`, its `AssignModels` from `rows`, calling `flush` whenever
/// `out` holds [`CHUNK`] bytes or more (after a desktop, and within a desktop of many users).
fn append<E>(
    head: &Head<'_>,
    request: &CheckedRequest,
    rows: &mut dyn RowSource,
    out: &mut Vec<u8>,
    mut flush: impl FnMut(&mut Vec<u8>) -> Result<(), E>,
    invalid: impl Fn(String) -> E,
) -> Result<(), E> {
    let (desktops, users) = (request.desktop_ids(), request.end_user_ids());
    let plain_desktops = needs_no_escape(desktops);
    let plain_users = needs_no_escape(users);
    let status = head.status.as_str().as_bytes();

    out.extend_from_slice(b"{\"RequestId\":");
    string(out, head.request_id, false);
    out.extend_from_slice(b",\"Entitlements\":{\"Status\":\"");
    out.extend_from_slice(status);
    out.extend_from_slice(b"\",\"TaskId\":");
    string(out, head.task_id, false);
    out.extend_from_slice(b",\"AssignModels\":[");
    for (i, desktop) in desktops.iter().enumerate() {
        let end_users = rows.next_row().ok_or_else(|| {
            invalid(format!(
                "the plan has {i} desktops, but the request lists {}",
                desktops.len()
            ))
        })?;
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
            let id = users
                .get(user as usize)
                .ok_or_else(|| invalid(unknown_user(user, users)))?;
            string(out, id, plain_users);
            // A desktop of many users (one desktop and millions of users) is written in
            // chunks too.
            if out.len() >= CHUNK {
                flush(out)?;
            }
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
