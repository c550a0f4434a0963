//! The JSON wire form: requests as the official SDKs' `to_map()` produce them, and the
//! response body.

use std::borrow::Cow;
use std::cell::Cell;
use std::fmt;
use std::io;

use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::value::RawValue;

use crate::error::{shown, Error, Field, LimitProblem};
use crate::ids::IdList;
use crate::request::{Request, Strategy};
use crate::response::Response;

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
/// Costs `O(len)`; the IDs are copied into two [`IdList`] buffers, not one allocation each.
///
/// # Errors
///
/// [`Error::Utf16`] for UTF-16 text (a UTF-8 byte order mark is skipped);
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
    super::reject_utf16(input, "the request")?;
    // A byte order mark, as Windows editors write, is not part of the JSON.
    let input = super::text::strip_bom(input);
    not_an_object(input)?;
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
    let parsed = RequestSeed {
        slot: &slot,
        fast,
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
    let rest = &input[at..];
    let found = match rest[0] {
        b'[' => "an array",
        b'"' => "a string",
        b'-' | b'0'..=b'9' => "a number",
        _ if rest.starts_with(b"null") => "null",
        _ if rest.starts_with(b"true") || rest.starts_with(b"false") => "a boolean",
        _ => return Ok(()),
    };
    let (line, column) = line_and_column(input, at);
    Err(Error::Json {
        line,
        column,
        message: format!("the request must be a JSON object of its parameters, but it is {found}"),
    })
}

/// The 1-based line and column (in bytes, as serde_json counts them) of `input[offset]`.
fn line_and_column(input: &[u8], offset: usize) -> (usize, usize) {
    let before = &input[..offset.min(input.len())];
    let line_start = before
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |i| i + 1);
    let line = 1 + before.iter().filter(|&&b| b == b'\n').count();
    (line, offset - line_start + 1)
}

/// Writes `response` as JSON, compact or `pretty` (two-space indents), with a final
/// newline. Streams: nothing but the writer's buffer is held in memory.
///
/// # Errors
///
/// The writer's I/O errors; [`io::ErrorKind::InvalidData`] when the plan does not fit the
/// request (a plan from [`Plan::from_lists`](crate::Plan::from_lists) naming unknown users).
pub fn write_json<W: io::Write>(
    response: &Response<'_>,
    mut writer: W,
    pretty: bool,
) -> io::Result<()> {
    if pretty {
        serde_json::to_writer_pretty(&mut writer, response).map_err(|e| {
            match e.io_error_kind() {
                Some(kind) => io::Error::new(kind, e),
                None => io::Error::new(io::ErrorKind::InvalidData, e),
            }
        })?;
    } else {
        // The same bytes as `serde_json::to_writer`, faster: see `compact`.
        super::compact::write(response, &mut writer)?;
    }
    writer.write_all(b"\n")
}

/// `response` as a JSON string, compact, without a final newline.
///
/// # Errors
///
/// As [`write_json`], when the plan does not fit the request.
pub fn to_json_string(response: &Response<'_>) -> Result<String, io::Error> {
    serde_json::to_string(response).map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e))
}

fn json_error(e: &serde_json::Error) -> Error {
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
    fast: bool,
    /// The whole input, to place errors found in a value read on its own.
    input: &'de [u8],
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
        // Every value is taken as its raw text first: a number is then quoted as written,
        // and one out of range (`1e999`) is the wrong type for its parameter, not
        // malformed JSON.
        let value = |raw: &'de RawValue| Value::of(raw, input).map_err(|e| reject(slot, e));
        let mut raw = Raw::default();
        while let Some(field) = map.next_key_seed(KeySeed { slot })? {
            let seen = &mut raw.seen[Field::ALL.iter().position(|&f| f == field).unwrap_or(0)];
            if std::mem::replace(seen, true) {
                return Err(reject(slot, Error::Repeated { field }));
            }
            match field {
                Field::RegionId => {
                    raw.region_id = value(map.next_value()?)?.string(slot, field, "a string")?
                }
                Field::DesktopId | Field::EndUserId => {
                    let list = if self.fast {
                        id_list(slot, field, map.next_value()?, input)?
                    } else {
                        map.next_value_seed(IdListSeed { slot, field, input })?
                    };
                    match field {
                        Field::DesktopId => raw.desktop_ids = list,
                        _ => raw.end_user_ids = list,
                    }
                }
                Field::MaxUserPerDesktop => {
                    raw.max_user_per_desktop = limit(slot, field, map.next_value()?)?
                }
                Field::MaxDesktopPerUser => {
                    raw.max_desktop_per_user = limit(slot, field, map.next_value()?)?
                }
                Field::Strategy => {
                    let strategy = value(map.next_value()?)?.string(
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
                    raw.preview = match value(map.next_value()?)? {
                        Value::Null => None,
                        Value::Bool(b) => Some(b),
                        other => {
                            return Err(other.wrong(slot, field, None, "a boolean (true or false)"))
                        }
                    }
                }
            }
        }
        Ok(raw)
    }
}

/// Reads `DesktopId` or `EndUserId` from its raw JSON text, which serde_json has already
/// checked to be well-formed JSON in valid UTF-8 (`input` is the whole request's text).
///
/// Lists of a million IDs are the bulk of a fleet's request, and serde_json's call per
/// element cost more than the rest of the read. The common case, an array of strings
/// without escapes, is split here in one pass, straight into the [`IdList`]'s buffer;
/// anything else (an escape, an item that is not a string, `null`) goes through
/// [`IdListSeed`], which reads every case. Malformed JSON is worded by [`from_json`]'s
/// second, general reading.
fn id_list<'de, E: de::Error>(
    slot: Slot<'_>,
    field: Field,
    raw: &'de RawValue,
    input: &'de [u8],
) -> Result<Option<IdList>, E> {
    if let Some(list) = plain_strings(raw.get()) {
        return Ok(Some(list));
    }
    let mut de = serde_json::Deserializer::from_str(raw.get());
    IdListSeed { slot, field, input }
        .deserialize(&mut de)
        .map_err(E::custom)
}

/// The strings of `text`, a well-formed JSON array of strings without escapes; `None`
/// for any other JSON text.
fn plain_strings(text: &str) -> Option<IdList> {
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
    // The IDs take less room than the text that quotes them.
    let mut list = IdList::with_capacity(0, text.len());
    at = skip_space(at + 1);
    if bytes.get(at) == Some(&b']') {
        return (skip_space(at + 1) == bytes.len()).then_some(list);
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
        list.push(text.get(start..end)?);
        at = skip_space(end + 1);
        match bytes.get(at) {
            Some(b',') => at = skip_space(at + 1),
            Some(b']') => return (skip_space(at + 1) == bytes.len()).then_some(list),
            _ => return None,
        }
    }
}

/// Reads a limit from its raw JSON text, to say exactly what is wrong with it.
fn limit<E: de::Error>(slot: Slot<'_>, field: Field, raw: &RawValue) -> Result<Option<u32>, E> {
    let text = raw.get();
    let problem = match text.as_bytes().first() {
        Some(b'n') => return Ok(None),
        Some(b'-' | b'0'..=b'9') => match super::limit::parse_limit(text) {
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

/// One JSON value, as much of it as a message needs.
enum Value<'de> {
    Null,
    Bool(bool),
    Str(Cow<'de, str>),
    /// The number as written.
    Number(&'de str),
    Array,
    Object,
}

impl<'de> Value<'de> {
    /// The value whose raw text, checked well-formed by serde_json, is `raw`; `input` is
    /// the whole request's text, which `raw` is part of.
    ///
    /// # Errors
    ///
    /// [`Error::Json`] for a string that does not unescape (a lone surrogate, `"\ud800"`,
    /// which serde_json checks only when it unescapes), placed in `input`.
    fn of(raw: &'de RawValue, input: &[u8]) -> Result<Value<'de>, Error> {
        let text = raw
            .get()
            .trim_matches(|c| matches!(c, ' ' | '\t' | '\n' | '\r'));
        Ok(match text.as_bytes().first() {
            Some(b'n') => Value::Null,
            Some(b't') => Value::Bool(true),
            Some(b'f') => Value::Bool(false),
            Some(b'[') => Value::Array,
            Some(b'{') => Value::Object,
            Some(b'"') => match text.get(1..text.len() - 1) {
                Some(inner) if !inner.contains('\\') => Value::Str(Cow::Borrowed(inner)),
                _ => match serde_json::from_str::<String>(text) {
                    Ok(s) => Value::Str(Cow::Owned(s)),
                    Err(e) => {
                        // Where `text` starts in `input`: it is a part of it.
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
                        return Err(error);
                    }
                },
            },
            _ => Value::Number(text),
        })
    }

    fn string<E: de::Error>(
        self,
        slot: Slot<'_>,
        field: Field,
        expected: &'static str,
    ) -> Result<Option<String>, E> {
        match self {
            Value::Null => Ok(None),
            Value::Str(s) => Ok(Some(s.into_owned())),
            other => Err(other.wrong(slot, field, None, expected)),
        }
    }

    fn wrong<E: de::Error>(
        self,
        slot: Slot<'_>,
        field: Field,
        position: Option<usize>,
        expected: &'static str,
    ) -> E {
        let found = match self {
            Value::Null => "null".to_owned(),
            Value::Bool(b) => b.to_string(),
            Value::Str(s) => format!("the string {:?}", shown(&s)),
            Value::Number(n) => format!("the number {}", shown(n)),
            Value::Array => "an array".to_owned(),
            Value::Object => "an object".to_owned(),
        };
        reject(
            slot,
            Error::WrongType {
                field,
                position,
                expected,
                found,
            },
        )
    }
}

/// Reads a list of IDs from the deserializer; the general reading, for every case.
struct IdListSeed<'s, 'de> {
    slot: Slot<'s>,
    field: Field,
    input: &'de [u8],
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

impl<'de> Visitor<'de> for IdListSeed<'_, 'de> {
    type Value = Option<IdList>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{ID_LIST} for '{}'", self.field)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Option<IdList>, A::Error> {
        let (slot, field) = (self.slot, self.field);
        let mut list = IdList::new();
        let mut position = 1;
        while let Some(raw) = seq.next_element::<&'de RawValue>()? {
            match Value::of(raw, self.input).map_err(|e| reject(slot, e))? {
                Value::Str(id) => list.push(&id),
                other => return Err(other.wrong(slot, field, Some(position), "a string")),
            }
            position += 1;
        }
        Ok(Some(list))
    }

    fn visit_unit<E: de::Error>(self) -> Result<Option<IdList>, E> {
        Ok(None)
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Option<IdList>, E> {
        Err(Value::Bool(v).wrong(self.slot, self.field, None, ID_LIST))
    }

    // The fast reading, which runs first, quotes numbers as written; this one sees them
    // only after malformed JSON elsewhere, and its message is that JSON's.
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Option<IdList>, E> {
        Err(Value::Number(&v.to_string()).wrong(self.slot, self.field, None, ID_LIST))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Option<IdList>, E> {
        Err(Value::Number(&v.to_string()).wrong(self.slot, self.field, None, ID_LIST))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Option<IdList>, E> {
        Err(Value::Number(&v.to_string()).wrong(self.slot, self.field, None, ID_LIST))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Option<IdList>, E> {
        Err(Value::Str(v.into()).wrong(self.slot, self.field, None, ID_LIST))
    }

    fn visit_map<A: MapAccess<'de>>(self, _map: A) -> Result<Option<IdList>, A::Error> {
        Err(Value::Object.wrong(self.slot, self.field, None, ID_LIST))
    }
}
