//! The calls that carry out a plan as JSON objects, as the SDKs' `to_map()` gives them
//! (the contract, §8).

use std::io;

use serde::ser::{Serialize, SerializeMap, Serializer};

use crate::execute::Call;

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
    serde_json::to_writer(writer, &JsonCall(call)).map_err(io::Error::from)
}

struct JsonCall<'a>(&'a Call);

impl Serialize for JsonCall<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let call = self.0;
        let mut map = serializer.serialize_map(None)?;
        map.serialize_entry("Action", call.action())?;
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
