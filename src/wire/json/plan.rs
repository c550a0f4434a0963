//! Reading a plan: a `BatchModifyEntitlement` response body, this crate's or the live API's
//! (the contract, §8).

use std::fmt;

use serde::de::{Deserializer, MapAccess, Visitor};
use serde_json::value::RawValue;

use super::found::Found;
use super::request::json_error;
use crate::error::{shown, Error, PlanProblem, PlanShape};
use crate::execute::{PlanResponse, PlannedDesktop};
use crate::status::Status;

/// The most memory a plan of `len` bytes of JSON takes from its text to its calls, the text
/// included: [`plan_from_json`], then [`PlanResponse::into_calls`], which takes the IDs
/// from the plan as it makes the calls, so that the two are never both held whole. `5·len`
/// (measured from 4.2 to 4.7 times, on plans of one, 90 and 150 users a desktop, by the
/// test `tests/memory/calls_memory.rs`, which holds this figure to it).
///
/// A tool can refuse a plan whose figure is beyond the memory it may use before reading
/// it, as `eds-entitlement requests` does (exit status 3); should an allocation still
/// fail, the reader and the calls return [`Error::OutOfMemory`] rather than abort.
///
/// ```
/// assert_eq!(eds_entitlement::wire::calls_bytes_for(1_000), 5_000);
/// ```
pub const fn calls_bytes_for(len: u64) -> u64 {
    len.saturating_mul(5)
}

/// Reads a plan from a `BatchModifyEntitlement` response body:
///
/// ```json
/// {"RequestId":"…","Entitlements":{"Status":"NOT_STARTED","TaskId":"…","AssignModels":[
///   {"DesktopId":"ecd-a","InnerStatus":"NOT_STARTED","EndUserIds":["Alice"]}]}}
/// ```
///
/// Only `Entitlements.AssignModels` is read; every other field, at every level, is skipped
/// (the API adds fields over time). Of each item: `DesktopId` (a non-empty string, required),
/// `InnerStatus` (one of the API's five statuses; absent or `null` is read as not `FAILED`)
/// and `EndUserIds` (a list of non-empty strings; required unless the item is `FAILED`,
/// whose users no call touches). Then [`PlanResponse::new`] checks for repeated desktops and
/// users. A UTF-8 byte order mark before the body is skipped, as in every other input.
///
/// Costs `O(len)`; the body is parsed twice, the second time one item at a time, so that
/// only the IDs are kept.
///
/// # Errors
///
/// [`Error::Utf16`] for UTF-16 text; [`Error::Json`] for text that is not JSON, with its
/// line and column;
/// [`Error::NotAPlan`] when there is no `Entitlements.AssignModels` list; [`Error::Plan`]
/// for a bad item, with its 1-based position.
///
/// ```
/// use eds_entitlement::wire;
///
/// let plan = wire::plan_from_json(br#"{"Entitlements":{"AssignModels":[{"DesktopId":"ecd-a","EndUserIds":["Alice"]}]}}"#)?;
/// assert_eq!(plan.desktops()[0].end_user_ids, ["Alice"]);
///
/// let bad = wire::plan_from_json(br#"{"Entitlements":{"AssignModels":[{"DesktopId":"a","EndUserIds":[]},{"EndUserIds":[]}]}}"#);
/// assert_eq!(bad.unwrap_err().to_string(), "plan 'AssignModels' item 2 has no 'DesktopId'");
/// # Ok::<(), eds_entitlement::Error>(())
/// ```
pub fn plan_from_json(input: &[u8]) -> Result<PlanResponse, Error> {
    crate::wire::reject_utf16(input, "the plan")?;
    let input = crate::wire::text::strip_bom(input);
    let body: &RawValue = serde_json::from_slice(input).map_err(|e| json_error(&e))?;
    let entitlements = field(body, "body", "Entitlements", "Entitlements")?;
    let models = field(
        entitlements,
        "Entitlements",
        "AssignModels",
        "Entitlements.AssignModels",
    )?;
    if !models.get().starts_with('[') {
        return Err(Error::NotAPlan {
            problem: PlanShape::WrongType {
                key: "Entitlements.AssignModels",
                expected: "a list",
                found: found(models),
            },
        });
    }
    // One item at a time: the desktops' list grows fallibly, and nothing else is held.
    let mut de = serde_json::Deserializer::from_str(models.get());
    let desktops = de
        .deserialize_seq(Items)
        .map_err(|e| json_error(&e))?
        .map_err(|(i, problem)| match problem {
            Some(problem) => Error::Plan {
                position: i + 1,
                problem,
            },
            None => Error::OutOfMemory {
                input: String::from("the plan"),
                field: None,
            },
        })?;
    PlanResponse::new(desktops)
}

/// The value of `key` in the object `raw` (the body, or the value at `outer`), which must be
/// there and not `null`; `path` names it in messages.
fn field<'a>(
    raw: &'a RawValue,
    outer: &'static str,
    key: &'static str,
    path: &'static str,
) -> Result<&'a RawValue, Error> {
    let shape = |problem| Error::NotAPlan { problem };
    let Some(fields) = object(raw) else {
        return Err(shape(PlanShape::WrongType {
            key: outer,
            expected: "an object",
            found: found(raw),
        }));
    };
    let mut value = None;
    for (name, v) in fields {
        if name == key && value.replace(v).is_some() {
            return Err(shape(PlanShape::Repeated { key: path }));
        }
    }
    match value {
        Some(v) if v.get() != "null" => Ok(v),
        _ => Err(shape(PlanShape::Missing { key: path })),
    }
}

/// One item of `AssignModels`.
fn desktop(raw: &RawValue) -> Result<PlannedDesktop, PlanProblem> {
    let Some(fields) = object(raw) else {
        return Err(PlanProblem::NotAnObject { found: found(raw) });
    };
    let mut desktop_id = None;
    let mut status = None;
    let mut users = None;
    for (name, value) in fields {
        let (slot, key) = match name.as_str() {
            "DesktopId" => (&mut desktop_id, "DesktopId"),
            "InnerStatus" => (&mut status, "InnerStatus"),
            "EndUserIds" => (&mut users, "EndUserIds"),
            _ => continue,
        };
        if slot.replace(value).is_some() {
            return Err(PlanProblem::RepeatedKey { key });
        }
    }
    let desktop_id = match desktop_id.filter(|v| v.get() != "null") {
        None => return Err(PlanProblem::NoDesktopId),
        Some(raw) => string(raw).ok_or_else(|| PlanProblem::WrongType {
            key: "DesktopId",
            expected: "a string",
            found: found(raw),
        })?,
    };
    let inner_status = match status.filter(|v| v.get() != "null") {
        None => None,
        Some(raw) => {
            let text = string(raw).ok_or_else(|| PlanProblem::WrongType {
                key: "InnerStatus",
                expected: "a string",
                found: found(raw),
            })?;
            Some(Status::from_name(&text).ok_or(PlanProblem::UnknownStatus {
                value: shown(&text),
            })?)
        }
    };
    let end_user_ids = match users.filter(|v| v.get() != "null") {
        None if inner_status == Some(Status::Failed) => Vec::new(),
        None => return Err(PlanProblem::NoEndUserIds),
        Some(raw) => user_ids(raw)?,
    };
    Ok(PlannedDesktop {
        desktop_id,
        inner_status,
        end_user_ids,
    })
}

fn user_ids(raw: &RawValue) -> Result<Vec<String>, PlanProblem> {
    let not_a_list = || PlanProblem::WrongType {
        key: "EndUserIds",
        expected: "a list of user IDs",
        found: found(raw),
    };
    if !raw.get().starts_with('[') {
        return Err(not_a_list());
    }
    let items: Vec<&RawValue> = serde_json::from_str(raw.get()).map_err(|_| not_a_list())?;
    items
        .into_iter()
        .enumerate()
        .map(|(j, item)| {
            string(item)
                .filter(|s| !s.is_empty())
                .ok_or_else(|| PlanProblem::NotAUserId {
                    user: j + 1,
                    found: found(item),
                })
        })
        .collect()
}

/// The JSON string `raw` holds, unescaped; `None` when it is not a string.
fn string(raw: &RawValue) -> Option<String> {
    serde_json::from_str(raw.get()).ok()
}

/// What `raw` is, as every JSON reader names a value (a string that does not unescape, a
/// lone surrogate, by its text as written).
fn found(raw: &RawValue) -> String {
    let text = raw.get();
    Found::of_raw(text)
        .unwrap_or_else(|_| Found::Str(Found::trimmed(text).trim_matches('"').into()))
        .describe()
}

/// The fields of the JSON object `raw`, in order, repeats kept; `None` when it is not an
/// object.
fn object(raw: &RawValue) -> Option<Vec<(String, &RawValue)>> {
    if !raw.get().starts_with('{') {
        return None;
    }
    let mut de = serde_json::Deserializer::from_str(raw.get());
    de.deserialize_map(Fields).ok()
}

/// The items of `AssignModels`, read one at a time: the desktops, or the 0-based position of
/// the first bad item with its problem (`None`: its memory could not be had).
struct Items;

type ItemsRead = Result<Vec<PlannedDesktop>, (usize, Option<PlanProblem>)>;

impl<'de> Visitor<'de> for Items {
    type Value = ItemsRead;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON list")
    }

    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<ItemsRead, A::Error> {
        let mut desktops: Vec<PlannedDesktop> = Vec::new();
        while let Some(item) = seq.next_element::<&RawValue>()? {
            let i = desktops.len();
            let read = match desktop(item) {
                Ok(read) => read,
                // The rest is not read: the first bad item is the error.
                Err(problem) => return skip_rest(seq, Err((i, Some(problem)))),
            };
            if desktops.len() == desktops.capacity()
                && desktops.try_reserve(desktops.len().max(64)).is_err()
            {
                return skip_rest(seq, Err((i, None)));
            }
            desktops.push(read);
        }
        Ok(Ok(desktops))
    }
}

/// Reads what is left of a list (so that the JSON is still checked whole), then `outcome`.
fn skip_rest<'de, A: serde::de::SeqAccess<'de>>(
    mut seq: A,
    outcome: ItemsRead,
) -> Result<ItemsRead, A::Error> {
    while seq.next_element::<serde::de::IgnoredAny>()?.is_some() {}
    Ok(outcome)
}

struct Fields;

impl<'de> Visitor<'de> for Fields {
    type Value = Vec<(String, &'de RawValue)>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut fields = Vec::new();
        while let Some(key) = map.next_key::<String>()? {
            fields.push((key, map.next_value::<&RawValue>()?));
        }
        Ok(fields)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn error(text: &str) -> String {
        plan_from_json(text.as_bytes()).unwrap_err().to_string()
    }

    #[test]
    fn a_byte_order_mark_is_skipped_and_nowhere_else() {
        let body =
            r#"{"Entitlements":{"AssignModels":[{"DesktopId":"ecd-a","EndUserIds":["Alice"]}]}}"#;
        let with_bom = [b"\xEF\xBB\xBF".as_slice(), body.as_bytes()].concat();
        assert_eq!(
            plan_from_json(&with_bom).unwrap().desktops()[0].desktop_id,
            "ecd-a"
        );
        // Only before the body: after a space it is a stray character, not a mark.
        let inside = format!(" \u{feff}{body}");
        assert!(plan_from_json(inside.as_bytes()).is_err());
    }

    #[test]
    fn bad_plans_are_named_with_the_item() {
        assert_eq!(
            error("{\"Entitlements\":"),
            "malformed JSON at line 1, column 16: EOF while parsing a value"
        );
        assert_eq!(
            error("[1]"),
            "the plan is not a BatchModifyEntitlement response body: its 'body' is an array, \
             not an object"
        );
        assert_eq!(
            error(r#"{"RequestId":"x"}"#),
            "the plan is not a BatchModifyEntitlement response body: it has no 'Entitlements'"
        );
        assert_eq!(
            error(r#"{"Entitlements":{"AssignModels":null}}"#),
            "the plan is not a BatchModifyEntitlement response body: it has no \
             'Entitlements.AssignModels'"
        );
        assert_eq!(
            error(r#"{"Entitlements":{"AssignModels":{"DesktopId":"a"}}}"#),
            "the plan is not a BatchModifyEntitlement response body: its \
             'Entitlements.AssignModels' is an object, not a list"
        );
        assert_eq!(
            error(r#"{"Entitlements":7}"#),
            "the plan is not a BatchModifyEntitlement response body: its 'Entitlements' is the \
             number 7, not an object"
        );
        assert_eq!(
            error(r#"{"Entitlements":{"AssignModels":[{"DesktopId":"a","EndUserIds":"Alice"}]}}"#),
            "plan 'AssignModels' item 1 has 'EndUserIds' that is the string \"Alice\", not a list \
             of user IDs"
        );
        assert_eq!(
            error(r#"{"Entitlements":{"AssignModels":[{"DesktopId":"a","EndUserIds":["x",""]}]}}"#),
            "plan 'AssignModels' item 1 has 'EndUserIds' item 2 that is the string \"\", not a \
             user ID (a non-empty string)"
        );
        assert_eq!(
            error(r#"{"Entitlements":{"AssignModels":[{"DesktopId":"a"}]}}"#),
            "plan 'AssignModels' item 1 has no 'EndUserIds' list, which every desktop not \
             FAILED needs"
        );
        assert_eq!(
            error(
                r#"{"Entitlements":{"AssignModels":[{"DesktopId":"a","InnerStatus":"DONE","EndUserIds":[]}]}}"#
            ),
            "plan 'AssignModels' item 1 has 'InnerStatus' \"DONE\", which is not a status: \
             valid values are NOT_STARTED, STARTED, PROCESSING, FINISHED and FAILED"
        );
        assert_eq!(
            error(r#"{"Entitlements":{"AssignModels":[{"DesktopId":1,"EndUserIds":[]}]}}"#),
            "plan 'AssignModels' item 1 has 'DesktopId' that is the number 1, not a string"
        );
        assert_eq!(
            error(
                r#"{"Entitlements":{"AssignModels":[{"DesktopId":"a","DesktopId":"b","EndUserIds":[]}]}}"#
            ),
            "plan 'AssignModels' item 1 has 'DesktopId' more than once"
        );
        assert_eq!(
            error("{\"Entitlements\":{\"AssignModels\":[\n  [1,\n 2]]}}"),
            "plan 'AssignModels' item 1 is an array, not an object"
        );
    }

    #[test]
    fn a_failed_item_needs_no_users_and_unknown_fields_are_skipped() {
        let plan = plan_from_json(
            br#"{"RequestId":"r","Extra":{"x":[1]},"Entitlements":{"Status":"NOT_STARTED","AssignModels":[
                {"DesktopId":"a","InnerStatus":"FAILED","New":true},
                {"DesktopId":"b\u00e9","InnerStatus":null,"EndUserIds":["Al\"ice"]}]}}"#,
        )
        .unwrap();
        let desktops = plan.desktops();
        assert!(desktops[0].is_failed() && desktops[0].end_user_ids.is_empty());
        assert_eq!(desktops[1].desktop_id, "bé");
        assert_eq!(desktops[1].inner_status, None);
        assert_eq!(desktops[1].end_user_ids, ["Al\"ice"]);
    }
}
