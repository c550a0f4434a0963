//! The calls that carry out a plan as JSON objects, as the SDKs' `to_map()` gives them, and
//! the comparison of a plan with a later snapshot (the contract, §8). Their JSON views
//! (`JsonCall`, `JsonComparison`, `JsonMismatch`, `JsonTotals`) are private to these writers.

use std::io;

use serde::ser::{Serialize, SerializeMap, Serializer};

use crate::execute::Call;
use crate::execute::Calls;

/// Writes `call` as one compact JSON object, without a newline: `Action`, `RegionId`, then
/// the call's parameters as the SDK's `to_map()` names them (`DesktopId`, `EndUserId`,
/// `AuthorizeDesktopId`, `RevokeDesktopId`; lists as JSON arrays, empty lists left out, as
/// the SDK leaves out a field that is not set). `Action` is not part of `to_map()`: it says
/// which request model reads the rest (`from_map` ignores it).
///
/// ```
/// use eds_entitlement::{wire, Call, ModifyEntitlement};
///
/// let call = Call::ModifyEntitlement(ModifyEntitlement {
///     region_id: "cn-hangzhou".into(),
///     desktop_id: "ecd-a".into(),
///     end_user_ids: vec!["Alice".into(), "Zoë".into()],
/// });
/// let mut out = Vec::new();
/// wire::write_call_json(&call, &mut out)?;
/// assert_eq!(
///     String::from_utf8(out)?,
///     r#"{"Action":"ModifyEntitlement","RegionId":"cn-hangzhou","DesktopId":"ecd-a","EndUserId":["Alice","Zoë"]}"#
/// );
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Errors
///
/// The writer's I/O errors.
pub fn write_call_json<W: io::Write>(call: &Call, writer: W) -> io::Result<()> {
    serde_json::to_writer(writer, &JsonCall(call, None)).map_err(io::Error::from)
}

/// Writes every call of `calls` as one JSON object a line, as [`write_call_json`] does, with
/// `"Wave": N` after `"Action"` (the contract, §8.1): `{"Action":"ModifyEntitlement","Wave":1,
/// "RegionId":…}`. `Action` and `Wave` say how to send the rest, which is the request model's
/// `to_map()`.
///
/// # Errors
///
/// The writer's I/O errors.
pub fn write_calls_json<W: io::Write>(calls: &Calls, mut writer: W) -> io::Result<()> {
    for (n, wave) in calls.iter_waves() {
        for call in wave {
            serde_json::to_writer(&mut writer, &JsonCall(call, Some(n)))
                .map_err(io::Error::from)?;
            writer.write_all(b"\n")?;
        }
    }
    Ok(())
}

struct JsonCall<'a>(&'a Call, Option<usize>);

impl Serialize for JsonCall<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let call = self.0;
        let mut map = serializer.serialize_map(None)?;
        map.serialize_entry("Action", call.action())?;
        if let Some(wave) = self.1 {
            map.serialize_entry("Wave", &wave)?;
        }
        map.serialize_entry("RegionId", call.region_id())?;
        match call {
            Call::ModifyEntitlement(c) => {
                map.serialize_entry("DesktopId", &c.desktop_id)?;
                list(&mut map, "EndUserId", &c.end_user_ids)?;
            }
            Call::ModifyUserEntitlement(c) => {
                list(&mut map, "AuthorizeDesktopId", &c.authorize_desktop_ids)?;
                list(&mut map, "EndUserId", &c.end_user_ids)?;
                list(&mut map, "RevokeDesktopId", &c.revoke_desktop_ids)?;
            }
        }
        map.end()
    }
}

/// `name: ids`, unless `ids` is empty.
fn list<M: SerializeMap>(map: &mut M, name: &str, ids: &[String]) -> Result<(), M::Error> {
    if ids.is_empty() {
        Ok(())
    } else {
        map.serialize_entry(name, ids)
    }
}

/// Writes what [`compare_with_fleet`](crate::compare_with_fleet) found as one JSON object and
/// a newline (the contract, §8.2):
/// `{"desktops":[{"desktop_id","expected","actual","missing","extra","reason"}],"totals":{…}}`,
/// `actual` `null` for a desktop the snapshot lacks; `totals` holds `checked`, `as_planned`
/// (the desktops checked that are as they should be), and the count of each reason
/// (`NotInSnapshot`, `Assigning`, `Differs`, `Touched`).
///
/// ```
/// use eds_entitlement::{compare_with_fleet, wire, Fleet, PlanResponse, PlannedDesktop};
///
/// let plan = PlanResponse::new(vec![PlannedDesktop::new("ecd-a", None, ["Alice"])])?;
/// let found = compare_with_fleet(&plan, &Fleet::new(), None)?;
/// let mut out = Vec::new();
/// wire::write_comparison_json(&found, &mut out)?;
/// assert_eq!(
///     String::from_utf8(out)?,
///     "{\"desktops\":[{\"desktop_id\":\"ecd-a\",\"expected\":[\"Alice\"],\"actual\":null,\
///      \"missing\":[\"Alice\"],\"extra\":[],\"reason\":\"NotInSnapshot\"}],\"totals\":{\
///      \"checked\":1,\"as_planned\":0,\"NotInSnapshot\":1,\"Assigning\":0,\"Differs\":0,\
///      \"Touched\":0}}\n"
/// );
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Errors
///
/// The writer's I/O errors.
pub fn write_comparison_json<W: io::Write>(
    found: &crate::execute::Comparison,
    mut writer: W,
) -> io::Result<()> {
    serde_json::to_writer(&mut writer, &JsonComparison(found)).map_err(io::Error::from)?;
    writer.write_all(b"\n")
}

struct JsonComparison<'a>(&'a crate::execute::Comparison);

struct JsonMismatch<'a>(&'a crate::execute::Mismatch);

struct JsonTotals<'a>(&'a crate::execute::Comparison);

impl Serialize for JsonComparison<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(2))?;
        let desktops: Vec<JsonMismatch<'_>> = self.0.mismatches.iter().map(JsonMismatch).collect();
        map.serialize_entry("desktops", &desktops)?;
        map.serialize_entry("totals", &JsonTotals(self.0))?;
        map.end()
    }
}

impl Serialize for JsonMismatch<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let m = self.0;
        let mut map = serializer.serialize_map(Some(6))?;
        map.serialize_entry("desktop_id", &m.desktop_id)?;
        map.serialize_entry("expected", &m.expected)?;
        map.serialize_entry("actual", &m.actual)?;
        map.serialize_entry("missing", &m.missing)?;
        map.serialize_entry("extra", &m.extra)?;
        map.serialize_entry("reason", m.reason.name())?;
        map.end()
    }
}

impl Serialize for JsonTotals<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use crate::execute::MismatchReason as R;
        let found = self.0;
        let mut map = serializer.serialize_map(Some(6))?;
        map.serialize_entry("checked", &found.checked)?;
        map.serialize_entry("as_planned", &(found.checked - found.mismatches.len()))?;
        for reason in [R::NotInSnapshot, R::Assigning, R::Differs, R::Touched] {
            map.serialize_entry(reason.name(), &found.count(reason))?;
        }
        map.end()
    }
}
