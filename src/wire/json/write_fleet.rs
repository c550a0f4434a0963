//! The JSON written for a plan made against a snapshot (the contract, §6): the API's
//! response body, by the one body writer (`serde_impls/response.rs`) that writes a plan
//! made without a snapshot too, so a snapshot that changes nothing gives the same bytes;
//! and the change report, whose outer object and `desktops` list are private views
//! (`Report`, `Desktops`) used by this writer alone, over the `Serialize` of its items and
//! totals (`serde_impls/fleet.rs`).

use std::io;

use serde::ser::SerializeStruct;
use serde::{Serialize, Serializer};

use super::body::{other_desktops, unknown_user};
use super::write_response::{write_serde, JsonStyle};
use crate::fleet::FleetResponse;
use crate::fleet::{desktop_changes, Changes};
use crate::fleet::{Fleet, FleetPlan};
use crate::request::CheckedRequest;

/// Writes `response` as JSON, compact or pretty (two-space indents: [`JsonStyle`]), with a final
/// newline: the API's response body, as [`write_json`](super::write_json) writes it, where
/// each ineligible desktop has `InnerStatus: FAILED` and the snapshot's users. Streams.
///
/// # Errors
///
/// The writer's I/O errors; [`io::ErrorKind::InvalidData`] when the plan does not fit the
/// request (another number of desktops, or a user index the request does not have).
pub fn write_fleet_json<W: io::Write>(
    response: &FleetResponse<'_>,
    writer: W,
    style: impl Into<JsonStyle>,
) -> io::Result<()> {
    write_serde(response, writer, style.into())
}

/// Writes the change report of `plan` (made for `request` against `fleet`) as the
/// contract's §6 gives it, compact or pretty ([`JsonStyle`]), with a final newline:
/// `{"desktops":[{"desktop_id":…,"eligible":…,"reason":…,"status":…,"before":[…],"after":[…],"added":[…],"removed":[…]},…],"totals":{…}}`.
///
/// Costs two passes over the plan and the snapshot's listed desktops: the totals first,
/// then the desktops, streamed.
///
/// ```
/// use eds_entitlement::{plan_against, wire, Request};
///
/// let request = Request::new("cn-hangzhou", ["ecd-a"], ["Bob"]).check()?;
/// let fleet = wire::fleet_from_json([(
///     "snapshot.json",
///     br#"{"Desktops":[{"DesktopId":"ecd-a","DesktopStatus":"Running","EndUserIds":["Alice"]}]}"#,
/// )])?;
/// let planned = plan_against(&request, &fleet)?;
/// let mut out = Vec::new();
/// wire::write_changes_json(&request, &fleet, &planned, &mut out, false)?;
/// assert!(String::from_utf8(out)?.starts_with(
///     r#"{"desktops":[{"desktop_id":"ecd-a","eligible":true,"reason":null,"status":"Running","before":["Alice"],"after":["Bob"],"added":["Bob"],"removed":["Alice"]}],"totals":{"desktops":1,"#
/// ));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Errors
///
/// The writer's I/O errors; [`io::ErrorKind::InvalidData`] when the plan does not fit the
/// request, with [`write_fleet_json`]'s message (another number of desktops, or an eligible
/// desktop given a user index the request does not have). Nothing is written then: the
/// totals would count a plan that is not this request's.
pub fn write_changes_json<W: io::Write>(
    request: &CheckedRequest,
    fleet: &Fleet,
    plan: &FleetPlan,
    writer: W,
    style: impl Into<JsonStyle>,
) -> io::Result<()> {
    if let Some(misfit) = misfit(request, plan) {
        return Err(io::Error::new(io::ErrorKind::InvalidData, misfit));
    }
    let report = Report {
        request,
        fleet,
        plan,
        totals: Changes::new(request, fleet, plan),
    };
    write_serde(&report, writer, style.into())
}

/// Why `plan` does not fit `request`, as [`write_fleet_json`] says it: the first of another
/// number of desktops, or a user index the request does not have on a desktop that is
/// eligible (an ineligible desktop keeps its snapshot users, whatever its row). `O(n + T)`.
fn misfit(request: &CheckedRequest, plan: &FleetPlan) -> Option<String> {
    let rows = plan.plan();
    if let Err(misfit) = other_desktops(rows.desktops(), request) {
        return Some(misfit);
    }
    let users = request.end_user_ids();
    let eligible = |i: usize| plan.eligibility().get(i).is_some_and(|e| e.is_eligible());
    rows.iter()
        .enumerate()
        .filter(|&(i, _)| eligible(i))
        .flat_map(|(_, row)| row)
        .find(|&&user| user as usize >= users.len())
        .map(|&user| unknown_user(user, users))
}

struct Report<'a> {
    request: &'a CheckedRequest,
    fleet: &'a Fleet,
    plan: &'a FleetPlan,
    totals: Changes,
}

impl Serialize for Report<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut report = serializer.serialize_struct("Report", 2)?;
        report.serialize_field("desktops", &Desktops(self))?;
        report.serialize_field("totals", &self.totals)?;
        report.end()
    }
}

struct Desktops<'r>(&'r Report<'r>);

impl Serialize for Desktops<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let Report {
            request,
            fleet,
            plan,
            ..
        } = *self.0;
        serializer.collect_seq(desktop_changes(request, fleet, plan))
    }
}
