//! The JSON written for a plan made against a snapshot (the contract, §6): the API's
//! response body, and the change report. The no-snapshot response keeps its own writer
//! (`compact`); this one goes through serde_json, whose bytes that writer matches, so a
//! snapshot that changes nothing gives the same bytes.

use std::io;

use serde::ser::{Error as _, SerializeMap, SerializeSeq, SerializeStruct};
use serde::{Serialize, Serializer};

use crate::fleet::FleetResponse;
use crate::fleet::{desktop_changes, Changes};
use crate::fleet::{Fleet, FleetPlan};
use crate::request::CheckedRequest;
use crate::wire::JsonStyle;

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
    let pretty = style.into() == JsonStyle::Pretty;
    write_with(response, writer, pretty)
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
    let pretty = style.into() == JsonStyle::Pretty;
    if let Some(misfit) = misfit(request, plan) {
        return Err(io::Error::new(io::ErrorKind::InvalidData, misfit));
    }
    let report = Report {
        request,
        fleet,
        plan,
        totals: Changes::new(request, fleet, plan),
    };
    write_with(&report, writer, pretty)
}

/// Why `plan` does not fit `request`, as [`write_fleet_json`] says it: the first of another
/// number of desktops, or a user index the request does not have on a desktop that is
/// eligible (an ineligible desktop keeps its snapshot users, whatever its row). `O(n + T)`.
fn misfit(request: &CheckedRequest, plan: &FleetPlan) -> Option<String> {
    let (desktops, rows) = (request.desktop_ids().len(), plan.plan());
    if rows.desktops() != desktops {
        return Some(format!(
            "the plan has {} desktops, but the request lists {desktops}",
            rows.desktops()
        ));
    }
    let users = request.end_user_ids().len();
    let eligible = |i: usize| plan.eligibility().get(i).is_some_and(|e| e.is_eligible());
    rows.iter()
        .enumerate()
        .filter(|&(i, _)| eligible(i))
        .flat_map(|(_, row)| row)
        .find(|&&user| user as usize >= users)
        .map(|user| {
            format!("the plan names user index {user}, but the request lists {users} users")
        })
}

fn write_with<T: Serialize, W: io::Write>(
    value: &T,
    mut writer: W,
    pretty: bool,
) -> io::Result<()> {
    let written = if pretty {
        serde_json::to_writer_pretty(&mut writer, value)
    } else {
        serde_json::to_writer(&mut writer, value)
    };
    written.map_err(|e| match e.io_error_kind() {
        Some(kind) => io::Error::new(kind, e),
        None => io::Error::new(io::ErrorKind::InvalidData, e),
    })?;
    writer.write_all(b"\n")
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

impl Serialize for FleetResponse<'_> {
    /// The API's response body, field for field, as [`Response`](crate::Response)'s.
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut body = serializer.serialize_struct("Response", 2)?;
        body.serialize_field("RequestId", self.request_id())?;
        body.serialize_field("Entitlements", &Entitlements(self))?;
        body.end()
    }
}

struct Entitlements<'r>(&'r FleetResponse<'r>);

impl Serialize for Entitlements<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut entitlements = serializer.serialize_struct("Entitlements", 3)?;
        entitlements.serialize_field("Status", &self.0.status())?;
        entitlements.serialize_field("TaskId", self.0.task_id())?;
        entitlements.serialize_field("AssignModels", &AssignModels(self.0))?;
        entitlements.end()
    }
}

struct AssignModels<'r>(&'r FleetResponse<'r>);

impl Serialize for AssignModels<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let response = self.0;
        let (request, plan) = (response.request(), response.plan().plan());
        let desktops = request.desktop_ids();
        if plan.desktops() != desktops.len() {
            return Err(S::Error::custom(format_args!(
                "the plan has {} desktops, but the request lists {}",
                plan.desktops(),
                desktops.len()
            )));
        }
        let users = request.end_user_ids();
        let mut models = serializer.serialize_seq(Some(desktops.len()))?;
        for (i, (desktop_id, row)) in desktops.iter().zip(plan.iter()).enumerate() {
            let status = response.inner_status(i);
            let mut model = Model::default();
            if status == crate::Status::Failed {
                model.kept = response.fleet().get(desktop_id).map(|d| d.end_user_ids());
            } else {
                model.planned = row;
                model.users = Some(users);
            }
            models.serialize_element(&AssignModel {
                desktop_id,
                status,
                model,
            })?;
        }
        models.end()
    }
}

/// A desktop's `EndUserIds`: the plan's (indices into the request's users), or the
/// snapshot's, kept.
#[derive(Default)]
struct Model<'r> {
    planned: &'r [u32],
    users: Option<&'r crate::IdList>,
    kept: Option<&'r [String]>,
}

struct AssignModel<'r> {
    desktop_id: &'r str,
    status: crate::Status,
    model: Model<'r>,
}

impl Serialize for AssignModel<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut model = serializer.serialize_map(Some(3))?;
        model.serialize_entry("DesktopId", self.desktop_id)?;
        model.serialize_entry("InnerStatus", &self.status)?;
        model.serialize_entry("EndUserIds", &EndUserIds(&self.model))?;
        model.end()
    }
}

struct EndUserIds<'r>(&'r Model<'r>);

impl Serialize for EndUserIds<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let model = self.0;
        if let Some(kept) = model.kept {
            return serializer.collect_seq(kept);
        }
        let mut ids = serializer.serialize_seq(Some(model.planned.len()))?;
        if let Some(users) = model.users {
            for &user in model.planned {
                let id = users.get(user as usize).ok_or_else(|| {
                    S::Error::custom(format_args!(
                        "the plan names user index {user}, but the request lists {} users",
                        users.len()
                    ))
                })?;
                ids.serialize_element(id)?;
            }
        }
        ids.end()
    }
}
