//! Writing the API's response body for a plan made for a request alone: [`write_json`],
//! [`write_json_rows`], [`to_json_string`], laid out as [`JsonStyle`] says. Compact output is
//! written by hand (`response_fast.rs`), pretty output by serde_json through the one body
//! writer (`serde_impls/response.rs`), which [`write_serde`] runs for every serde writer.

use std::cell::RefCell;
use std::io;

use serde::Serialize;

use super::body::{Body, Head, Planned};
use crate::planner::PlanRows;
use crate::request::CheckedRequest;
use crate::response::{status_of, Response, ResponseIds};

/// How the JSON writers lay their output out: on one line, or indented. Either way the
/// output ends with a newline.
///
/// `false` and `true` convert to [`Compact`](JsonStyle::Compact) and
/// [`Pretty`](JsonStyle::Pretty), so that calls written for 0.1's `pretty: bool` compile.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum JsonStyle {
    /// One line, no spaces: the API's own bytes.
    #[default]
    Compact,
    /// Two-space indents, one field a line.
    Pretty,
}

impl From<bool> for JsonStyle {
    /// `pretty` as it was given to 0.1's writers.
    fn from(pretty: bool) -> JsonStyle {
        if pretty {
            JsonStyle::Pretty
        } else {
            JsonStyle::Compact
        }
    }
}

/// Writes `response` as JSON, compact or pretty (two-space indents: [`JsonStyle`]), with a final
/// newline. Streams: nothing but the writer's buffer is held in memory.
///
/// # Errors
///
/// The writer's I/O errors; [`io::ErrorKind::InvalidData`] when the plan does not fit the
/// request (a plan from [`Plan::from_lists`](crate::Plan::from_lists) naming unknown users).
pub fn write_json<W: io::Write>(
    response: &Response<'_>,
    mut writer: W,
    style: impl Into<JsonStyle>,
) -> io::Result<()> {
    if style.into() == JsonStyle::Pretty {
        return write_serde(response, writer, JsonStyle::Pretty);
    }
    // The same bytes as `serde_json::to_writer`, faster: see `response_fast`.
    super::response_fast::write(response, &mut writer)?;
    writer.write_all(b"\n")
}

/// Writes the response to `request` as [`write_json`] does, byte for byte, but plans it as it
/// writes: each desktop's users are made by `rows` (from
/// [`try_plan_rows`](crate::try_plan_rows)) when its `AssignModels` item is written, and the
/// whole plan is never held. Memory is the rows' working space
/// ([`PlanRows::bytes_for`]) and the writer's chunk, whatever `T`.
///
/// `request_id` sets the `RequestId`, as [`Response::with_request_id`] does; by default it is
/// derived from the request.
///
/// ```
/// use eds_entitlement::wire::{self, JsonStyle};
/// use eds_entitlement::{plan, try_plan_rows, Request, Response};
///
/// let request = Request::new("cn-hangzhou", ["ecd-a", "ecd-b"], ["Alice"]).check()?;
/// let mut streamed = Vec::new();
/// let mut rows = try_plan_rows(&request)?;
/// wire::write_json_rows(&request, &mut rows, None, &mut streamed, JsonStyle::Compact)?;
///
/// let plan = plan(&request);
/// let mut whole = Vec::new();
/// wire::write_json(&Response::new(&request, &plan), &mut whole, JsonStyle::Compact)?;
/// assert_eq!(streamed, whole);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Errors
///
/// The writer's I/O errors; [`io::ErrorKind::InvalidData`] when `rows` are not the fresh
/// rows of `request`'s plan.
pub fn write_json_rows<W: io::Write>(
    request: &CheckedRequest,
    rows: &mut PlanRows,
    request_id: Option<&str>,
    mut writer: W,
    style: impl Into<JsonStyle>,
) -> io::Result<()> {
    rows.check_fresh(&request.shape())
        .map_err(|message| io::Error::new(io::ErrorKind::InvalidData, message))?;
    let ids = match request_id {
        Some(request_id) => ResponseIds::new(request).with_request_id(request_id.to_owned()),
        None => ResponseIds::new(request),
    };
    let status = status_of(request);
    let head = Head {
        request_id: ids.request_id(),
        task_id: ids.task_id(),
        status,
    };
    if style.into() == JsonStyle::Pretty {
        let body = Body {
            head,
            desktops: RefCell::new(Planned {
                request,
                status,
                rows,
                next: 0,
            }),
        };
        return write_serde(&body, writer, JsonStyle::Pretty);
    }
    super::response_fast::write_rows(&head, request, rows, &mut writer)?;
    writer.write_all(b"\n")
}

/// `response` as a JSON string, compact, without a final newline: the same bytes as
/// [`write_json`] writes before its newline, by the same hand-written writer.
///
/// Costs `O(len)` time and the string's memory (about 60 bytes per desktop plus each
/// listed user's ID and 3 bytes).
///
/// ```
/// use eds_entitlement::{plan, wire, Request, Response};
///
/// let request = Request::new("cn-hangzhou", ["ecd-a"], ["Alice"]).check()?;
/// let plan = plan(&request);
/// let json = wire::to_json_string(&Response::new(&request, &plan));
/// assert!(json.ends_with(r#""AssignModels":[{"DesktopId":"ecd-a","InnerStatus":"FINISHED","EndUserIds":["Alice"]}]}}"#));
/// # Ok::<(), eds_entitlement::Error>(())
/// ```
///
/// # Panics
///
/// When the plan does not fit the request: a plan built with
/// [`Plan::from_lists`](crate::Plan::from_lists) that has another number of desktops, or
/// names a user index the request does not have. Plans from [`plan`](crate::plan) always
/// fit; check any other with [`verify`](fn@crate::verify) first, or use [`write_json`], which
/// returns an error instead.
#[must_use]
pub fn to_json_string(response: &Response<'_>) -> String {
    match super::response_fast::to_string(response) {
        Ok(json) => json,
        Err(message) => panic!("{message}"),
    }
}

/// Writes `value` by serde_json, compact or pretty, with a final newline; serde_json's
/// errors are I/O errors (the writer's own kind, or [`io::ErrorKind::InvalidData`] for a
/// value that refused to serialise: a plan that does not fit its request).
pub(super) fn write_serde<T: Serialize + ?Sized, W: io::Write>(
    value: &T,
    mut writer: W,
    style: JsonStyle,
) -> io::Result<()> {
    let written = match style {
        JsonStyle::Pretty => serde_json::to_writer_pretty(&mut writer, value),
        JsonStyle::Compact => serde_json::to_writer(&mut writer, value),
    };
    written.map_err(|e| match e.io_error_kind() {
        Some(kind) => io::Error::new(kind, e),
        None => io::Error::new(io::ErrorKind::InvalidData, e),
    })?;
    writer.write_all(b"\n")
}

#[cfg(test)]
mod style_tests {
    use super::*;
    use crate::{plan, Request};

    /// `JsonStyle` picks the layout, and `bool`s convert to the same layout as before.
    #[test]
    fn json_style_picks_the_layout_and_bools_convert() {
        let request = Request::new("cn-hangzhou", ["ecd-a"], ["Alice"])
            .check()
            .unwrap();
        let plan = plan(&request);
        let response = Response::new(&request, &plan);
        let write = |style: JsonStyle| {
            let mut out = Vec::new();
            write_json(&response, &mut out, style).unwrap();
            String::from_utf8(out).unwrap()
        };
        let (compact, pretty) = (write(JsonStyle::Compact), write(JsonStyle::Pretty));
        assert_eq!(compact.lines().count(), 1);
        assert!(pretty.contains("\n  \"RequestId\""), "{pretty}");
        assert_eq!(
            (JsonStyle::from(false), JsonStyle::from(true)),
            (JsonStyle::Compact, JsonStyle::Pretty)
        );
        let mut old = Vec::new();
        write_json(&response, &mut old, true).unwrap();
        assert_eq!(String::from_utf8(old).unwrap(), pretty);
    }
}
