//! The JSON wire form: requests as the official SDKs' `to_map()` produce them, and the
//! response body.

use std::cell::Cell;
use std::collections::TryReserveError;
use std::fmt;

use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::value::RawValue;

use super::found::{kind_of_start, Found, FoundSeed};
use super::place::line_and_column;
use crate::error::{shown, Error, Field, LimitProblem};
use crate::ids::IdList;
use crate::limit::Strategy;
use crate::request::Request;

/// Reads a request in the JSON form, as the SDKs' `to_map()` writes it:
///
/// ```json
/// {"RegionId":"cn-hangzhou","DesktopId":["ecd-a","ecd-b"],"EndUserId":["Alice"],
///  "MaxUserPerDesktop":1,"MaxDesktopPerUser":0,"Strategy":"AVERAGE","Preview":true}
/// ```
///
/// Parameter names are the API's, exactly. `null` is read as an absent parameter (the SDKs
/// leave unset ones out). Limits are JSON numbers with a whole value (`2` or `2.0`);
/// `Preview` is a JSON boolean; IDs are JSON strings. The request is not checked beyond
/// its wire form: [`Request::check`] does that.
///
/// Costs `O(len)`; the IDs are copied into two [`IdList`] buffers, not one allocation each,
/// reserved at once (as the quotes bound them) for lists of plain strings, and grown as read
/// for lists with escapes. Those allocations are fallible ([`Error::OutOfMemory`]); serde_json's
/// own small buffers, and an ID with escapes, unescaped into its own `String`, are not.
///
/// # Errors
///
/// [`Error::Utf16`] for UTF-16 text (a UTF-8 byte order mark is skipped);
/// [`Error::OutOfMemory`] when the memory for an ID list cannot be had;
/// [`Error::Json`] for text that is not JSON or not an object, with its line and column;
/// [`Error::UnknownField`] (with the closest known name), [`Error::Repeated`],
/// [`Error::WrongType`], [`Error::InvalidLimit`] and [`Error::UnknownStrategy`] at the
/// first bad parameter; [`Error::Missing`] for `RegionId`, `DesktopId` or `Preview`.
///
/// ```
/// use eds_entitlement::{wire, Error, Field};
///
/// let request = wire::from_json(br#"{"RegionId":"cn-hangzhou","DesktopId":["ecd-a"],"Preview":true}"#)?;
/// assert_eq!(&request.desktop_ids[0], "ecd-a");
///
/// let typo = wire::from_json(br#"{"MaxUsersPerDesktop":1}"#).unwrap_err();
/// assert_eq!(typo.to_string(), r#"unknown parameter "MaxUsersPerDesktop": did you mean 'MaxUserPerDesktop'?"#);
/// # Ok::<(), Error>(())
/// ```
pub fn from_json(input: &[u8]) -> Result<Request, Error> {
    let input = json_text(input)?;
    // The common request (plain strings, plain numbers) is read by hand, in one pass.
    match super::request_fast::scan(input) {
        Some(scanned) => scanned.into_request(input).map_err(plain_out_of_memory),
        None => general(input),
    }
}

/// Reads a request in the JSON form, as [`from_json`] does (the same request, the same
/// errors), from a buffer it takes: the longest ID list of a request of plain strings (no
/// escapes) is then split within the buffer, which becomes that list's text, rather than
/// copied out of it. Reading a large request so holds its text and its shorter list, not
/// its text and both lists. The command line reads its request files so.
///
/// ```
/// use eds_entitlement::wire;
///
/// let text = br#"{"RegionId":"cn-hangzhou","DesktopId":["ecd-a","ecd-b"],"EndUserId":["Alice"],"Preview":true}"#;
/// let request = wire::from_json_vec(text.to_vec())?;
/// assert_eq!(request, wire::from_json(text)?);
/// assert_eq!(&request.desktop_ids[1], "ecd-b");
/// # Ok::<(), eds_entitlement::Error>(())
/// ```
///
/// # Errors
///
/// As [`from_json`].
pub fn from_json_vec(input: Vec<u8>) -> Result<Request, Error> {
    let text = json_text(&input)?;
    let offset = input.len() - text.len();
    match super::request_fast::scan(text) {
        Some(scanned) => scanned
            .into_request_in_place(input, offset)
            .map_err(plain_out_of_memory),
        None => general(text),
    }
}

/// The JSON text of `input`: UTF-16 refused, a byte order mark skipped, a top level that
/// is not an object refused.
fn json_text(input: &[u8]) -> Result<&[u8], Error> {
    crate::wire::reject_utf16(input, "the request")?;
    // A byte order mark, as Windows editors write, is not part of the JSON.
    let input = crate::wire::text::strip_bom(input);
    not_an_object(input)?;
    Ok(input)
}

fn plain_out_of_memory(e: super::request_fast::OutOfMemory) -> Error {
    out_of_memory(e.0)
}

/// Reads any request, by serde_json (the JSON text, without a byte order mark).
pub(super) fn general(input: &[u8]) -> Result<Request, Error> {
    // The fast reading accepts exactly the requests the general one does (the same JSON,
    // checked by serde_json), and finds the same bad values in the same order; but it words
    // some malformed JSON differently (a trailing comma in a list is "expected value"): on
    // malformed JSON, the general reading says what is wrong.
    match read(input, true) {
        Err(Failure::Malformed(_)) => match read(input, false) {
            Ok(request) => Ok(request),
            Err(Failure::Rejected(e)) => Err(e),
            Err(Failure::Malformed(e)) => Err(json_error(&e)),
        },
        Ok(request) => Ok(request),
        Err(Failure::Rejected(e)) => Err(e),
    }
}

/// Why a reading failed.
enum Failure {
    /// A value or a parameter the request does not take, or a missing one.
    Rejected(Error),
    /// JSON that serde_json could not read.
    Malformed(serde_json::Error),
}

/// Reads a request; `fast`: split ID lists of plain strings by hand (see [`id_list`]).
fn read(input: &[u8], fast: bool) -> Result<Request, Failure> {
    let slot = Cell::new(None);
    let mut de = serde_json::Deserializer::from_slice(input);
    let mode = if fast { Mode::Fast } else { Mode::General };
    let parsed = RequestSeed {
        slot: &slot,
        mode,
        input,
    }
    .deserialize(&mut de)
    .and_then(|raw| de.end().map(|()| raw));
    match parsed {
        Ok(raw) => raw.finish().map_err(Failure::Rejected),
        Err(e) => Err(match slot.take() {
            Some(error) => Failure::Rejected(error),
            None => Failure::Malformed(e),
        }),
    }
}

/// Rejects JSON whose top level is a value other than an object (`[]`, `null`, `"x"`,
/// `1`), naming what it is and where it starts; anything else is left to serde_json.
fn not_an_object(input: &[u8]) -> Result<(), Error> {
    let Some(at) = input.iter().position(|b| !b" \t\n\r".contains(b)) else {
        return Ok(());
    };
    let Some(found) = kind_of_start(&input[at..]) else {
        return Ok(());
    };
    let (line, column) = line_and_column(input, at);
    Err(Error::Json {
        line,
        column,
        message: format!("the request must be a JSON object of its parameters, but it is {found}"),
    })
}

pub(super) fn json_error(e: &serde_json::Error) -> Error {
    let text = e.to_string();
    let place = format!(" at line {} column {}", e.line(), e.column());
    let message = text.strip_suffix(&place).unwrap_or(&text).to_owned();
    Error::Json {
        line: e.line(),
        // serde_json says column 0 at the start of a line (or of empty input): the place
        // is the line's first column.
        column: e.column().max(1),
        message,
    }
}

/// Where a seed puts the typed [`Error`] it rejects a value with; serde carries only a
/// placeholder `serde_json::Error` back up, and [`from_json`] takes the real one from here.
type Slot<'s> = &'s Cell<Option<Error>>;

fn reject<E: de::Error>(slot: Slot<'_>, error: Error) -> E {
    slot.set(Some(error));
    E::custom("rejected")
}

/// The request's parameters as read, before the required ones are known to be there.
#[derive(Default)]
struct Raw {
    seen: [bool; Field::ALL.len()],
    region_id: Option<String>,
    desktop_ids: Option<IdList>,
    end_user_ids: Option<IdList>,
    max_user_per_desktop: Option<u32>,
    max_desktop_per_user: Option<u32>,
    strategy: Option<Strategy>,
    preview: Option<bool>,
}

impl Raw {
    fn finish(self) -> Result<Request, Error> {
        let missing = |field| Error::Missing { field };
        Ok(Request {
            region_id: self.region_id.ok_or(missing(Field::RegionId))?,
            desktop_ids: self.desktop_ids.ok_or(missing(Field::DesktopId))?,
            end_user_ids: self.end_user_ids.unwrap_or_default(),
            max_user_per_desktop: self.max_user_per_desktop,
            max_desktop_per_user: self.max_desktop_per_user,
            strategy: self.strategy.unwrap_or_default(),
            preview: self.preview.ok_or(missing(Field::Preview))?,
        })
    }
}

struct RequestSeed<'s, 'de> {
    slot: Slot<'s>,
    mode: Mode,
    /// The whole input, in the modes that read serde_json's raw text: errors found in a
    /// value read on its own are placed in it.
    input: &'de [u8],
}

/// How [`RequestSeed`] reads limits and lists.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// From serde_json: limits and ID lists from their raw text, plain lists split by hand.
    Fast,
    /// From serde_json: limits from their raw text, lists item by item.
    General,
    /// From any deserializer (no raw text): limits from the number read, lists item by item.
    Generic,
}

impl<'de> DeserializeSeed<'de> for RequestSeed<'_, 'de> {
    type Value = Raw;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Raw, D::Error> {
        deserializer.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for RequestSeed<'_, 'de> {
    type Value = Raw;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON object of the request's parameters")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Raw, A::Error> {
        let (slot, input) = (self.slot, self.input);
        let mut raw = Raw::default();
        while let Some(field) = map.next_key_seed(KeySeed { slot })? {
            let seen = &mut raw.seen[Field::ALL.iter().position(|&f| f == field).unwrap_or(0)];
            if std::mem::replace(seen, true) {
                return Err(reject(slot, Error::Repeated { field }));
            }
            match field {
                Field::RegionId => {
                    raw.region_id = string(self.value(&mut map)?, slot, field, "a string")?
                }
                Field::DesktopId | Field::EndUserId => {
                    let list = match self.mode {
                        Mode::Fast => id_list(slot, field, map.next_value()?, input)?,
                        Mode::General => map.next_value_seed(IdListSeed {
                            slot,
                            field,
                            input: Some(input),
                        })?,
                        Mode::Generic => map.next_value_seed(IdListSeed {
                            slot,
                            field,
                            input: None,
                        })?,
                    };
                    match field {
                        Field::DesktopId => raw.desktop_ids = list,
                        _ => raw.end_user_ids = list,
                    }
                }
                Field::MaxUserPerDesktop | Field::MaxDesktopPerUser => {
                    let value = if self.mode == Mode::Generic {
                        generic_limit(slot, field, map.next_value_seed(FoundSeed)?)?
                    } else {
                        limit(slot, field, map.next_value()?)?
                    };
                    match field {
                        Field::MaxUserPerDesktop => raw.max_user_per_desktop = value,
                        _ => raw.max_desktop_per_user = value,
                    }
                }
                Field::Strategy => {
                    let strategy = string(
                        self.value(&mut map)?,
                        slot,
                        field,
                        "a string (AVERAGE or CENTRAL)",
                    )?;
                    raw.strategy = match strategy.map(|s| s.parse()).transpose() {
                        Ok(s) => s,
                        Err(e) => return Err(reject(slot, e)),
                    };
                }
                Field::Preview => {
                    raw.preview = match self.value(&mut map)? {
                        Found::Null => None,
                        Found::Bool(b) => Some(b),
                        other => {
                            return Err(wrong(
                                &other,
                                slot,
                                field,
                                None,
                                "a boolean (true or false)",
                            ))
                        }
                    }
                }
            }
        }
        Ok(raw)
    }
}

impl<'de> RequestSeed<'_, 'de> {
    /// The next value of `map`. From serde_json, it is taken as its raw text first: a number
    /// is then quoted as written, and one out of range (`1e999`) is the wrong type for its
    /// parameter, not malformed JSON.
    fn value<A: MapAccess<'de>>(&self, map: &mut A) -> Result<Found<'de>, A::Error> {
        if self.mode == Mode::Generic {
            return map.next_value_seed(FoundSeed);
        }
        found_in(map.next_value()?, self.input).map_err(|e| reject(self.slot, e))
    }
}

/// Reads `DesktopId` or `EndUserId` from its raw JSON text, which serde_json has already
/// checked to be well-formed JSON in valid UTF-8 (`input` is the whole request's text).
///
/// Lists of a million IDs are the bulk of a fleet's request, and serde_json's call per
/// element cost more than the rest of the read. The common case, an array of strings
/// without escapes, is split here in one pass, straight into the [`IdList`]'s buffer;
/// anything else (an escape, an item that is not a string, `null`) goes through
/// [`IdListSeed`], which reads every case. Errors are worded by [`from_json`]'s second,
/// general reading.
fn id_list<'de, E: de::Error>(
    slot: Slot<'_>,
    field: Field,
    raw: &'de RawValue,
    input: &'de [u8],
) -> Result<Option<IdList>, E> {
    match plain_strings(raw.get()) {
        Some(Ok(list)) => return Ok(Some(list)),
        Some(Err(_)) => return Err(reject(slot, out_of_memory(field))),
        None => {}
    }
    match found_in(raw, input).map_err(|e| reject(slot, e))? {
        Found::Array => {}
        Found::Null => return Ok(None),
        // A number as written, not as serde_json would re-print it.
        other => return Err(wrong(&other, slot, field, None, ID_LIST)),
    }
    let mut de = serde_json::Deserializer::from_str(raw.get());
    IdListSeed {
        slot,
        field,
        input: Some(input),
    }
    .deserialize(&mut de)
    .map_err(E::custom)
}

/// The error of a list whose memory cannot be had.
fn out_of_memory(field: Field) -> Error {
    Error::OutOfMemory {
        input: "the request".to_owned(),
        field: Some(field),
    }
}

/// The strings of `text`, a well-formed JSON array of strings without escapes, or the
/// allocator's refusal of their memory; `None` for any other JSON text.
fn plain_strings(text: &str) -> Option<Result<IdList, TryReserveError>> {
    let bytes = text.as_bytes();
    let skip_space = |mut at: usize| {
        while bytes.get(at).is_some_and(|b| b" \t\n\r".contains(b)) {
            at += 1;
        }
        at
    };
    let mut at = skip_space(0);
    if bytes.get(at) != Some(&b'[') {
        return None;
    }
    // Room for every ID at once, as the quotes bound it (exactly, for compact JSON): each
    // ID takes two quotes and a comma or a bracket of the text.
    let quotes = crate::wire::text::count(bytes, |b| b == b'"');
    let mut list = IdList::new();
    if let Err(e) = list.try_reserve(quotes / 2, text.len().saturating_sub(3 * (quotes / 2))) {
        return Some(Err(e));
    }
    at = skip_space(at + 1);
    if bytes.get(at) == Some(&b']') {
        return (skip_space(at + 1) == bytes.len()).then_some(Ok(list));
    }
    loop {
        if bytes.get(at) != Some(&b'"') {
            return None;
        }
        let start = at + 1;
        let len = bytes[start..]
            .iter()
            .position(|&b| b == b'"' || b == b'\\')?;
        let end = start + len;
        if bytes[end] != b'"' {
            return None;
        }
        // Both ends are ASCII quotes, so they are character boundaries.
        if let Err(e) = list.try_push(text.get(start..end)?) {
            return Some(Err(e));
        }
        at = skip_space(end + 1);
        match bytes.get(at) {
            Some(b',') => at = skip_space(at + 1),
            Some(b']') => return (skip_space(at + 1) == bytes.len()).then_some(Ok(list)),
            _ => return None,
        }
    }
}

/// Reads a limit from its raw JSON text, to say exactly what is wrong with it.
fn limit<E: de::Error>(slot: Slot<'_>, field: Field, raw: &RawValue) -> Result<Option<u32>, E> {
    let text = raw.get();
    let problem = match text.as_bytes().first() {
        Some(b'n') => return Ok(None),
        Some(b'-' | b'0'..=b'9') => match crate::wire::limit::parse_limit(text) {
            Ok(v) => return Ok(Some(v)),
            Err(problem) => problem,
        },
        _ => LimitProblem::NotANumber,
    };
    Err(reject(
        slot,
        Error::InvalidLimit {
            field,
            value: shown(text),
            problem,
        },
    ))
}

/// Reads a limit from the value a deserializer without raw text gave: a number, read as
/// [`limit`] reads its text (so `2.0` is 2, `2.5` is not whole).
fn generic_limit<E: de::Error>(
    slot: Slot<'_>,
    field: Field,
    value: Found<'_>,
) -> Result<Option<u32>, E> {
    let (value, problem) = match value {
        Found::Null => return Ok(None),
        Found::Number(text) => match crate::wire::limit::parse_limit(&text) {
            Ok(v) => return Ok(Some(v)),
            Err(problem) => (text.into_owned(), problem),
        },
        Found::Count(n) => match crate::wire::limit::parse_limit(&n.to_string()) {
            Ok(v) => return Ok(Some(v)),
            Err(problem) => (n.to_string(), problem),
        },
        Found::Str(s) => (format!("{s:?}"), LimitProblem::NotANumber),
        Found::Bool(b) => (b.to_string(), LimitProblem::NotANumber),
        Found::Array => ("an array".to_owned(), LimitProblem::NotANumber),
        Found::Object => ("an object".to_owned(), LimitProblem::NotANumber),
    };
    Err(reject(
        slot,
        Error::InvalidLimit {
            field,
            value: shown(&value),
            problem,
        },
    ))
}

/// Reads a request from any serde format, as [`from_json`] reads JSON (the `Deserialize`
/// of [`Request`], in `serde_impls/request.rs`): a rejection is the deserializer's error,
/// whose message is the [`Error`]'s.
pub(super) fn from_deserializer<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<Request, D::Error> {
    let slot = Cell::new(None);
    let seed = RequestSeed {
        slot: &slot,
        mode: Mode::Generic,
        input: &[],
    };
    match seed.deserialize(deserializer) {
        Ok(raw) => raw.finish().map_err(de::Error::custom),
        Err(e) => Err(slot.take().map_or(e, de::Error::custom)),
    }
}

struct KeySeed<'s> {
    slot: Slot<'s>,
}

impl<'de> DeserializeSeed<'de> for KeySeed<'_> {
    type Value = Field;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Field, D::Error> {
        deserializer.deserialize_str(self)
    }
}

impl Visitor<'_> for KeySeed<'_> {
    type Value = Field;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a parameter name")
    }

    fn visit_str<E: de::Error>(self, name: &str) -> Result<Field, E> {
        Field::from_name(name).ok_or_else(|| {
            reject(
                self.slot,
                Error::UnknownField {
                    name: shown(name),
                    suggestion: Field::closest(name),
                },
            )
        })
    }
}

/// The value whose raw text, checked well-formed by serde_json, is `raw`; `input` is the
/// whole request's text, which `raw` is part of.
///
/// # Errors
///
/// [`Error::Json`] for a string that does not unescape (a lone surrogate, `"\ud800"`,
/// which serde_json checks only when it unescapes), placed in `input`.
fn found_in<'de>(raw: &'de RawValue, input: &[u8]) -> Result<Found<'de>, Error> {
    Found::of_raw(raw.get()).map_err(|e| {
        // Where the value starts in `input`: it is a part of it.
        let text = Found::trimmed(raw.get());
        let offset = (text.as_ptr() as usize).wrapping_sub(input.as_ptr() as usize);
        let (line, column) = line_and_column(input, offset);
        let mut error = json_error(&e);
        if let Error::Json {
            line: l, column: c, ..
        } = &mut error
        {
            *l = line;
            *c = column + e.column().saturating_sub(1);
        }
        error
    })
}

/// A string parameter's value: `None` for `null`, the wrong type for anything else.
fn string<E: de::Error>(
    found: Found<'_>,
    slot: Slot<'_>,
    field: Field,
    expected: &'static str,
) -> Result<Option<String>, E> {
    match found {
        Found::Null => Ok(None),
        Found::Str(s) => Ok(Some(s.into_owned())),
        other => Err(wrong(&other, slot, field, None, expected)),
    }
}

/// [`Error::WrongType`] for `found` where `expected` was, at the list's 1-based `position`.
fn wrong<E: de::Error>(
    found: &Found<'_>,
    slot: Slot<'_>,
    field: Field,
    position: Option<usize>,
    expected: &'static str,
) -> E {
    reject(
        slot,
        Error::WrongType {
            field,
            position,
            expected,
            found: found.describe(),
        },
    )
}

/// Reads a list of IDs item by item, for every case.
struct IdListSeed<'s, 'de> {
    slot: Slot<'s>,
    field: Field,
    /// The whole input, when the deserializer is serde_json's: items are then taken as
    /// their raw text (see [`found_in`]).
    input: Option<&'de [u8]>,
}

impl<'de> DeserializeSeed<'de> for IdListSeed<'_, 'de> {
    type Value = Option<IdList>;

    fn deserialize<D: Deserializer<'de>>(
        self,
        deserializer: D,
    ) -> Result<Option<IdList>, D::Error> {
        deserializer.deserialize_any(self)
    }
}

const ID_LIST: &str = "an array of strings";

impl IdListSeed<'_, '_> {
    /// [`Error::WrongType`] for `found` where the list was.
    fn not_a_list<E: de::Error>(&self, found: &Found<'_>) -> E {
        wrong(found, self.slot, self.field, None, ID_LIST)
    }
}

impl<'de> Visitor<'de> for IdListSeed<'_, 'de> {
    type Value = Option<IdList>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{ID_LIST} for '{}'", self.field)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Option<IdList>, A::Error> {
        let (slot, field) = (self.slot, self.field);
        let mut list = IdList::new();
        let mut position = 1;
        loop {
            let value = match self.input {
                Some(input) => match seq.next_element::<&'de RawValue>()? {
                    Some(raw) => found_in(raw, input).map_err(|e| reject(slot, e))?,
                    None => break,
                },
                None => match seq.next_element_seed(FoundSeed)? {
                    Some(value) => value,
                    None => break,
                },
            };
            match value {
                Found::Str(id) => list
                    .try_push(&id)
                    .map_err(|_| reject(slot, out_of_memory(field)))?,
                other => return Err(wrong(&other, slot, field, Some(position), "a string")),
            }
            position += 1;
        }
        Ok(Some(list))
    }

    fn visit_unit<E: de::Error>(self) -> Result<Option<IdList>, E> {
        Ok(None)
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Option<IdList>, E> {
        Err(self.not_a_list(&Found::Bool(v)))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Option<IdList>, E> {
        Err(self.not_a_list(&Found::Number(v.to_string().into())))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Option<IdList>, E> {
        Err(self.not_a_list(&Found::Number(v.to_string().into())))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Option<IdList>, E> {
        Err(self.not_a_list(&Found::Number(v.to_string().into())))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Option<IdList>, E> {
        Err(self.not_a_list(&Found::Str(v.into())))
    }

    fn visit_map<A: MapAccess<'de>>(self, _map: A) -> Result<Option<IdList>, A::Error> {
        Err(self.not_a_list(&Found::Object))
    }
}
