//! The serde side of the snapshot reader: the seeds and visitors that read a
//! `DescribeDesktops` body (its `Desktops` array and its `TotalCount`), each desktop in it and
//! the fields §6 reads of one, from any serde_json deserializer, with the messages of a
//! snapshot that is not one. The streaming path reads a whole body through them
//! ([`read_body`]); the chunked path (`snapshot_split`) reads through them the body without
//! its desktops, and each desktop its one-pass reader (`snapshot_desktop`) leaves in doubt
//! ([`desktop_from_slice`]).

use std::cell::Cell;
use std::fmt;
use std::io;

use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};

use super::found::{Found, FoundSeed};
use super::read_desktop::{users_problem, ReadDesktop};
use crate::error::{shown, Error, SnapshotProblem};
use crate::fleet::{Fleet, Origin, SnapshotDesktop};

/// How reading a page failed: the snapshot, or the reader under it.
pub(super) enum Failed {
    Snapshot(Error),
    Io(io::Error),
}

/// Reads the body that `de` holds, and nothing after it, as the page named by the last of
/// `files` (the pages read so far), adding its desktops to `fleet`. `byte_of` tells the
/// 1-based byte of serde_json's line and column, for a syntax error's message.
pub(super) fn read_body<'de, R: serde_json::de::Read<'de>>(
    de: &mut serde_json::Deserializer<R>,
    fleet: &mut Fleet,
    files: &[String],
    byte_of: impl Fn(usize, usize) -> usize,
) -> Result<Count, Failed> {
    let page = files.len() - 1;
    let slot = Cell::new(None);
    let position = Cell::new(None);
    let after = Cell::new(None);
    let parsed = ByKind(BodySeed {
        fleet,
        files,
        slot: &slot,
        position: &position,
        after: &after,
        page,
    })
    .deserialize(&mut *de)
    .and_then(|count| de.end().map(|()| count));
    match parsed {
        Ok(count) => Ok(count),
        Err(e) if e.is_io() => Err(Failed::Io(e.into())),
        Err(e) => Err(Failed::Snapshot(slot.take().unwrap_or_else(|| {
            let text = e.to_string();
            let place = format!(" at line {} column {}", e.line(), e.column());
            Error::SnapshotJson {
                file: files[page].clone(),
                byte: byte_of(e.line(), e.column()),
                desktop: position.get(),
                after: after.get(),
                message: text.strip_suffix(&place).unwrap_or(&text).to_owned(),
            }
        }))),
    }
}

/// One desktop's text read as the streaming reader reads a desktop: `None` when it is not
/// one valid desktop alone, or is one that §6 refuses.
pub(super) fn desktop_from_slice(text: &[u8]) -> Option<ReadDesktop> {
    let mut de = serde_json::Deserializer::from_slice(text);
    match ByKind(DesktopSeed).deserialize(&mut de) {
        Ok(Ok(desktop)) if de.end().is_ok() => Some(desktop),
        _ => None,
    }
}

/// A seed that reads an object or an array its own way and takes any other value as a
/// [`Found`], as [`FoundSeed`] reads it: [`ByKind`] is the one visitor of every seed here,
/// so that each writes only what it does with each kind of value, and every value that is
/// not what it wants is named alike. An object or an array is by default skipped and taken
/// as [`Found::Object`] or [`Found::Array`].
trait KindSeed<'de>: Sized {
    type Value;

    /// What the seed reads, for serde's messages.
    const EXPECTING: &'static str;

    fn object<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
        let found = FoundSeed.visit_map(map)?;
        self.other(found)
    }

    fn array<A: SeqAccess<'de>>(self, seq: A) -> Result<Self::Value, A::Error> {
        let found = FoundSeed.visit_seq(seq)?;
        self.other(found)
    }

    /// A value that is neither an object nor an array (or either, by default).
    fn other<E: de::Error>(self, found: Found<'de>) -> Result<Self::Value, E>;
}

/// Reads a value for the [`KindSeed`] it holds: objects and arrays to the seed's own
/// methods, every other value through [`FoundSeed`] to [`KindSeed::other`].
struct ByKind<S>(S);

impl<'de, S: KindSeed<'de>> DeserializeSeed<'de> for ByKind<S> {
    type Value = S::Value;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<S::Value, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de, S: KindSeed<'de>> Visitor<'de> for ByKind<S> {
    type Value = S::Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(S::EXPECTING)
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<S::Value, A::Error> {
        self.0.object(map)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<S::Value, A::Error> {
        self.0.array(seq)
    }

    fn visit_unit<E: de::Error>(self) -> Result<S::Value, E> {
        self.0.other(FoundSeed.visit_unit()?)
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<S::Value, E> {
        self.0.other(FoundSeed.visit_bool(v)?)
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<S::Value, E> {
        self.0.other(FoundSeed.visit_i64(v)?)
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<S::Value, E> {
        self.0.other(FoundSeed.visit_u64(v)?)
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<S::Value, E> {
        self.0.other(FoundSeed.visit_f64(v)?)
    }

    fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<S::Value, E> {
        self.0.other(FoundSeed.visit_borrowed_str(v)?)
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<S::Value, E> {
        self.0.other(FoundSeed.visit_str(v)?)
    }
}

/// Where a seed puts the typed [`Error`] it rejects a value with; serde carries only a
/// placeholder error back up.
type Slot<'s> = &'s Cell<Option<Error>>;

/// A body: its `Desktops` (to the fleet) and its `TotalCount`; every other key skipped.
struct BodySeed<'r, 's> {
    /// The desktops read so far, this page's added as they are read.
    fleet: &'r mut Fleet,
    /// The pages' labels, this page's last.
    files: &'r [String],
    slot: Slot<'s>,
    /// The 1-based position of the desktop being read, for syntax errors inside it.
    position: &'s Cell<Option<usize>>,
    /// Between desktops, the 1-based position of the last one read, for syntax errors there.
    after: &'s Cell<Option<usize>>,
    page: usize,
}

impl BodySeed<'_, '_> {
    fn reject<E: de::Error>(&self, desktop: Option<usize>, problem: SnapshotProblem) -> E {
        self.slot.set(Some(Error::Snapshot {
            file: self.files[self.page].clone(),
            desktop,
            problem,
        }));
        E::custom("rejected")
    }
}

/// What a body gives of its count: its `TotalCount`, if any, and its number of desktops.
pub(super) type Count = (Option<u64>, usize);

impl<'de> KindSeed<'de> for BodySeed<'_, '_> {
    type Value = Count;

    const EXPECTING: &'static str = "a DescribeDesktops response body";

    fn object<A: MapAccess<'de>>(mut self, mut map: A) -> Result<Count, A::Error> {
        let mut desktops = None;
        let mut total_count = None;
        while let Some(key) = map.next_key::<Key>()? {
            match key.0 {
                Some(Name::Desktops) => {
                    if desktops.is_some() {
                        let problem = SnapshotProblem::RepeatedKey { key: "Desktops" };
                        return Err(self.reject(None, problem));
                    }
                    desktops = Some(map.next_value_seed(ByKind(DesktopsSeed { body: &mut self }))?);
                    self.position.set(None);
                    self.after.set(None);
                }
                Some(Name::TotalCount) => {
                    if total_count.is_some() {
                        let problem = SnapshotProblem::RepeatedKey { key: "TotalCount" };
                        return Err(self.reject(None, problem));
                    }
                    match map.next_value_seed(TotalCountSeed)? {
                        Ok(count) => total_count = Some(count),
                        Err(found) => {
                            let problem = SnapshotProblem::WrongType {
                                key: "TotalCount",
                                position: None,
                                expected: "a whole number of 0 or more",
                                found,
                            };
                            return Err(self.reject(None, problem));
                        }
                    }
                }
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        match desktops {
            Some(desktops) => Ok((total_count.flatten(), desktops)),
            None => Err(self.reject(None, SnapshotProblem::NoDesktops)),
        }
    }

    fn other<E: de::Error>(self, found: Found<'de>) -> Result<Count, E> {
        let found = found.describe();
        Err(self.reject(None, SnapshotProblem::BodyNotAnObject { found }))
    }
}

/// The body's `Desktops`: each desktop read in turn, at its place, into the fleet.
struct DesktopsSeed<'b, 'r, 's> {
    body: &'b mut BodySeed<'r, 's>,
}

impl<'de> KindSeed<'de> for DesktopsSeed<'_, '_, '_> {
    /// The number of desktops read.
    type Value = usize;

    const EXPECTING: &'static str = "an array of desktops";

    fn array<A: SeqAccess<'de>>(self, mut seq: A) -> Result<usize, A::Error> {
        let body = self.body;
        let mut position = 0;
        loop {
            position += 1;
            // Between desktops until the next one begins (`Placed` says so): an error here
            // (the body cut short after a desktop) names the last desktop read.
            body.position.set(None);
            body.after.set((position > 1).then_some(position - 1));
            let placed = Placed {
                position: body.position,
                at: position,
            };
            let Some(read) = seq.next_element_seed(placed)? else {
                return Ok(position - 1);
            };
            let desktop = match read {
                Ok(desktop) => desktop,
                Err(problem) => return Err(body.reject(Some(position), problem)),
            };
            let origin = Origin {
                page: body.page,
                position,
            };
            let snapshot =
                SnapshotDesktop::from_parts(desktop.status, desktop.flags, desktop.users, origin);
            if let Err(first) = body.fleet.insert(desktop.id.as_str(), snapshot) {
                let problem = SnapshotProblem::RepeatedDesktop {
                    value: shown(&desktop.id),
                    first_file: body.files[first.page].clone(),
                    first_position: first.position,
                };
                return Err(body.reject(Some(position), problem));
            }
        }
    }

    /// `null` is no desktops.
    fn other<E: de::Error>(self, found: Found<'de>) -> Result<usize, E> {
        if let Found::Null = found {
            return Ok(0);
        }
        let found = found.describe();
        Err(self
            .body
            .reject(None, SnapshotProblem::DesktopsNotAnArray { found }))
    }
}

/// [`DesktopSeed`] at its place in `Desktops`: tells the body's reader, when the desktop
/// begins, which desktop an error inside it is in.
struct Placed<'s> {
    position: &'s Cell<Option<usize>>,
    at: usize,
}

impl<'de> DeserializeSeed<'de> for Placed<'_> {
    type Value = Result<ReadDesktop, SnapshotProblem>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        self.position.set(Some(self.at));
        ByKind(DesktopSeed).deserialize(deserializer)
    }
}

/// `TotalCount`: a whole number of 0 or more (`3.0` is 3), or `null` (`Ok(None)`, as if
/// absent); anything else is `Err` with what it is, for the message.
struct TotalCountSeed;

impl<'de> DeserializeSeed<'de> for TotalCountSeed {
    type Value = Result<Option<u64>, String>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        Ok(match FoundSeed.deserialize(deserializer)? {
            Found::Null => Ok(None),
            Found::Count(n) => Ok(Some(n)),
            other => Err(other.describe()),
        })
    }
}

/// The keys this reader looks at.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Name {
    Desktops,
    TotalCount,
    DesktopId,
    DesktopStatus,
    ManagementFlags,
    ManagementFlag,
    EndUserIds,
}

impl Name {
    const fn as_str(self) -> &'static str {
        match self {
            Name::Desktops => "Desktops",
            Name::TotalCount => "TotalCount",
            Name::DesktopId => "DesktopId",
            Name::DesktopStatus => "DesktopStatus",
            Name::ManagementFlags => "ManagementFlags",
            Name::ManagementFlag => "ManagementFlag",
            Name::EndUserIds => "EndUserIds",
        }
    }
}

/// A key: one of [`Name`], or another that is skipped.
struct Key(Option<Name>);

impl<'de> de::Deserialize<'de> for Key {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Key, D::Error> {
        deserializer.deserialize_str(KeyVisitor)
    }
}

struct KeyVisitor;

impl Visitor<'_> for KeyVisitor {
    type Value = Key;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a key")
    }

    fn visit_str<E: de::Error>(self, key: &str) -> Result<Key, E> {
        Ok(Key(match key {
            "Desktops" => Some(Name::Desktops),
            "TotalCount" => Some(Name::TotalCount),
            "DesktopId" => Some(Name::DesktopId),
            "DesktopStatus" => Some(Name::DesktopStatus),
            "ManagementFlags" => Some(Name::ManagementFlags),
            "ManagementFlag" => Some(Name::ManagementFlag),
            "EndUserIds" => Some(Name::EndUserIds),
            _ => None,
        }))
    }
}

/// Reads one desktop; a bad desktop is `Ok(Err(problem))`, for the caller to name its place.
struct DesktopSeed;

impl<'de> KindSeed<'de> for DesktopSeed {
    type Value = Result<ReadDesktop, SnapshotProblem>;

    const EXPECTING: &'static str = "a desktop";

    fn object<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let (mut id, mut status) = (None, None);
        let mut flags: Option<Vec<String>> = None;
        let mut flag: Option<Option<String>> = None;
        let mut users: Option<Vec<String>> = None;
        let mut problem = None;
        while let Some(Key(key)) = map.next_key::<Key>()? {
            let Some(name) = key.filter(|_| problem.is_none()) else {
                map.next_value::<IgnoredAny>()?;
                continue;
            };
            let key = name.as_str();
            let repeated = match name {
                Name::DesktopId => id.is_some(),
                Name::DesktopStatus => status.is_some(),
                Name::ManagementFlags => flags.is_some(),
                Name::ManagementFlag => flag.is_some(),
                Name::EndUserIds => users.is_some(),
                Name::Desktops | Name::TotalCount => false,
            };
            if repeated {
                map.next_value::<IgnoredAny>()?;
                problem = Some(SnapshotProblem::RepeatedKey { key });
                continue;
            }
            let read = match name {
                Name::DesktopId | Name::DesktopStatus | Name::ManagementFlag => {
                    match map.next_value_seed(FoundSeed)? {
                        Found::Str(s) => {
                            let s = s.into_owned();
                            match name {
                                Name::DesktopId => id = Some(s),
                                Name::DesktopStatus => status = Some(s),
                                _ => flag = Some(Some(s)),
                            }
                            Ok(())
                        }
                        Found::Null if name == Name::ManagementFlag => {
                            flag = Some(None);
                            Ok(())
                        }
                        other => Err(wrong(&other, key, None, "a string")),
                    }
                }
                Name::ManagementFlags | Name::EndUserIds => {
                    match map.next_value_seed(ByKind(StringsSeed { key }))? {
                        Ok(list) => {
                            let list = list.unwrap_or_default();
                            if name == Name::EndUserIds {
                                users = Some(list);
                            } else {
                                flags = Some(list);
                            }
                            Ok(())
                        }
                        Err(p) => Err(p),
                    }
                }
                Name::Desktops | Name::TotalCount => {
                    map.next_value::<IgnoredAny>()?;
                    Ok(())
                }
            };
            if let Err(p) = read {
                problem = Some(p);
            }
        }
        if let Some(problem) = problem {
            return Ok(Err(problem));
        }
        let Some(id) = id else {
            return Ok(Err(SnapshotProblem::Missing { key: "DesktopId" }));
        };
        let Some(status) = status else {
            return Ok(Err(SnapshotProblem::Missing {
                key: "DesktopStatus",
            }));
        };
        let users = users.unwrap_or_default();
        if let Some(problem) = users_problem(&users) {
            return Ok(Err(problem));
        }
        let mut flags = flags.unwrap_or_default();
        flags.extend(flag.flatten());
        Ok(Ok(ReadDesktop {
            id,
            status,
            flags,
            users,
        }))
    }

    fn other<E: de::Error>(self, found: Found<'de>) -> Result<Self::Value, E> {
        Ok(Err(SnapshotProblem::DesktopNotAnObject {
            found: found.describe(),
        }))
    }
}

/// [`SnapshotProblem::WrongType`] for `found` where `expected` was.
fn wrong(
    found: &Found<'_>,
    key: &'static str,
    position: Option<usize>,
    expected: &'static str,
) -> SnapshotProblem {
    SnapshotProblem::WrongType {
        key,
        position,
        expected,
        found: found.describe(),
    }
}

/// `ManagementFlags` or `EndUserIds`: an array of strings, or `null` (`Ok(None)`).
struct StringsSeed {
    key: &'static str,
}

const STRINGS: &str = "an array of strings";

impl<'de> KindSeed<'de> for StringsSeed {
    type Value = Result<Option<Vec<String>>, SnapshotProblem>;

    const EXPECTING: &'static str = STRINGS;

    /// The strings, or the first item that is not one (the rest checked and skipped).
    fn array<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut list = Vec::new();
        let mut bad = None;
        while let Some(item) = seq.next_element_seed(FoundSeed)? {
            match item {
                Found::Str(s) if bad.is_none() => list.push(s.into_owned()),
                other if bad.is_none() => {
                    bad = Some(wrong(&other, self.key, Some(list.len() + 1), "a string"));
                }
                _ => {}
            }
        }
        Ok(match bad {
            Some(problem) => Err(problem),
            None => Ok(Some(list)),
        })
    }

    fn other<E: de::Error>(self, found: Found<'de>) -> Result<Self::Value, E> {
        Ok(match found {
            Found::Null => Ok(None),
            other => Err(wrong(&other, self.key, None, STRINGS)),
        })
    }
}

#[cfg(test)]
mod tests {
    use crate::wire::FleetReader;

    /// Every seed names a value of the wrong kind as [`Found`](super::Found) does, whether
    /// read streaming or from a file in chunks: a whole number as a whole (`3.0` is 3), any
    /// other number as serde gives it, in full up to the cut of long values.
    #[test]
    fn every_seed_names_a_wrong_value_alike() {
        let read = |body: String| {
            let mut streaming = FleetReader::new();
            let want = streaming.read_page_from("p.json", body.as_bytes()).unwrap();
            let mut chunked = FleetReader::new();
            let read = chunked.read_page_seekable("p.json", std::io::Cursor::new(&body));
            assert_eq!(read.unwrap(), want, "{body}");
            want.expect_err(&body).to_string()
        };
        let long = format!("the number 1{}…", "0".repeat(62));
        for (value, named) in [
            ("3.0", "the number 3"),
            ("-0", "the number -0"),
            ("-0.0", "the number -0"),
            ("1.5", "the number 1.5"),
            ("18446744073709551616", "the number 18446744073709552000"),
            ("1e300", long.as_str()),
            ("true", "true"),
            (r#""a\"b""#, r#"the string "a\"b""#),
        ] {
            let desktop = |fields: &str| {
                format!(r#"{{"Desktops":[{{"DesktopStatus":"Running",{fields}}}]}}"#)
            };
            for (body, message) in [
                (
                    value.to_owned(),
                    "p.json: the body must be a JSON object (a DescribeDesktops response)",
                ),
                (
                    format!(r#"{{"Desktops":{value}}}"#),
                    "p.json: field 'Desktops' must be an array of desktops or null",
                ),
                (
                    format!(r#"{{"Desktops":[{value}]}}"#),
                    "p.json, desktop 1: the desktop must be a JSON object",
                ),
                (
                    desktop(&format!(r#""DesktopId":{value}"#)),
                    "p.json, desktop 1: field 'DesktopId' must be a string",
                ),
                (
                    desktop(&format!(r#""DesktopId":"d","EndUserIds":{value}"#)),
                    "p.json, desktop 1: field 'EndUserIds' must be an array of strings",
                ),
                (
                    desktop(&format!(
                        r#""DesktopId":"d","ManagementFlags":["a",{value},1]"#
                    )),
                    "p.json, desktop 1: field 'ManagementFlags' item 2 must be a string",
                ),
                (
                    format!(r#"{{"TotalCount":{value},"Desktops":[]}}"#),
                    "p.json: field 'TotalCount' must be a whole number of 0 or more",
                ),
            ] {
                // What the field takes: a whole number for a count, a string for a string.
                let taken = if message.contains("TotalCount") {
                    named == "the number 3"
                } else {
                    value.starts_with('"') && message.contains("a string")
                };
                if taken {
                    continue;
                }
                assert_eq!(read(body), format!("{message}, but it is {named}"));
            }
        }
        // Arrays and objects where the seed wants neither, or the other.
        assert_eq!(
            read("[{}]".to_owned()),
            "p.json: the body must be a JSON object (a DescribeDesktops response), but it is an array"
        );
        assert_eq!(
            read(r#"{"Desktops":[[1]]}"#.to_owned()),
            "p.json, desktop 1: the desktop must be a JSON object, but it is an array"
        );
        assert_eq!(
            read(r#"{"Desktops":{"a":[]}}"#.to_owned()),
            "p.json: field 'Desktops' must be an array of desktops or null, but it is an object"
        );
        assert_eq!(
            read(r#"{"Desktops":[{"DesktopId":"d","DesktopStatus":"Running","EndUserIds":{}}]}"#.to_owned()),
            "p.json, desktop 1: field 'EndUserIds' must be an array of strings, but it is an object"
        );
    }
}
