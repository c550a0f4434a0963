//! The calls that carry out a plan as JSON objects, as the SDKs' `to_map()` gives them
//! (the contract, §8).

use std::io;

use serde::ser::{Serialize, SerializeMap, Serializer};

use crate::execute::{shell_quote, Call, Calls, MAX_IDS_PER_CALL};

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

/// Writes every call of `calls` in the RPC query form ([`Call::to_query`]), one a line, each
/// wave after a comment line `# wave N` (the contract, §8.1). A consumer skips the lines that
/// begin with `#`, and sends a wave only when no desktop of the one before is `Assigning`.
///
/// # Errors
///
/// The writer's I/O errors.
pub fn write_calls_query<W: io::Write>(calls: &Calls, mut writer: W) -> io::Result<()> {
    for (n, wave) in calls.iter_waves() {
        writeln!(writer, "# wave {n}")?;
        for call in wave {
            writer.write_all(call.to_query().as_bytes())?;
            writer.write_all(b"\n")?;
        }
    }
    Ok(())
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

/// Writes `calls` as a POSIX shell script of `aliyun` command lines (the contract, §8.1): a
/// short header, a function that waits for a wave, then each wave after a comment line
/// `# wave N`, its calls ([`Call::to_aliyun`], each line beginning `aliyun ecd Modify`), and a
/// wait: `DescribeDesktops` for the wave's desktops (100 a poll, `--MaxResults 100`), every
/// 5 s, until none has the `Assigning` flag; still `Assigning` after 50 s, the script stops
/// with an error (exit status 1), as it stops at the first call that fails (`set -eu`). The
/// last wave is waited for too, so that a snapshot taken after the script sees its result.
/// No other line makes a call.
///
/// # Errors
///
/// The writer's I/O errors.
pub fn write_calls_aliyun<W: io::Write>(
    calls: &Calls,
    region_id: &str,
    mut writer: W,
) -> io::Result<()> {
    let mut region = String::new();
    shell_quote(&mut region, region_id);
    write!(
        writer,
        "#!/bin/sh
# The calls that carry out a plan, written by `eds-entitlement requests --format aliyun`.
# Read them, then run: sh THIS-FILE. Each wave is sent only once no desktop of the wave
# before is Assigning; a wave still Assigning after 50 s, or a call that fails, stops the
# script: then take a new snapshot and run `eds-entitlement requests` again.
set -eu

# wait_for_wave N --DesktopId.1 ID …: polls DescribeDesktops for these desktops (at most 100)
# every 5 s until none has the Assigning flag (ManagementFlags); stops after 50 s.
wait_for_wave() {{
    wave=$1
    shift
    waited=0
    while :; do
        sleep 5
        waited=$((waited + 5))
        found=$(aliyun ecd DescribeDesktops --RegionId {region} --MaxResults 100 \"$@\" --version 2020-09-30 --force)
        case $found in
            *'\"'[Aa][Ss][Ss][Ii][Gg][Nn][Ii][Nn][Gg]'\"'*) ;;
            *) return 0 ;;
        esac
        if [ \"$waited\" -ge 50 ]; then
            echo \"wave $wave: desktops still Assigning after 50 s: stopped\" >&2
            exit 1
        fi
    done
}}
"
    )?;
    for (n, wave) in calls.iter_waves() {
        writeln!(writer, "\n# wave {n}")?;
        let mut desktops: Vec<&str> = Vec::new();
        for call in wave {
            writer.write_all(call.to_aliyun().as_bytes())?;
            writer.write_all(b"\n")?;
            match call {
                Call::ModifyEntitlement(c) => desktops.push(&c.desktop_id),
                Call::ModifyUserEntitlement(c) => desktops.extend(
                    c.authorize_desktop_ids
                        .iter()
                        .chain(&c.revoke_desktop_ids)
                        .map(String::as_str),
                ),
            }
        }
        for chunk in desktops.chunks(MAX_IDS_PER_CALL) {
            write!(writer, "wait_for_wave {n}")?;
            for (i, id) in chunk.iter().enumerate() {
                let mut quoted = String::new();
                shell_quote(&mut quoted, id);
                let sep = if id.starts_with('-') { '=' } else { ' ' };
                write!(writer, " --DesktopId.{}{sep}{quoted}", i + 1)?;
            }
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
    found: &crate::Comparison,
    mut writer: W,
) -> io::Result<()> {
    serde_json::to_writer(&mut writer, &JsonComparison(found)).map_err(io::Error::from)?;
    writer.write_all(b"\n")
}

struct JsonComparison<'a>(&'a crate::Comparison);

struct JsonMismatch<'a>(&'a crate::Mismatch);

struct JsonTotals<'a>(&'a crate::Comparison);

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
        use crate::MismatchReason as R;
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
