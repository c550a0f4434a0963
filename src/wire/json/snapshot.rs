//! The fleet snapshot (the contract, §6): `DescribeDesktops` response bodies, as the SDKs'
//! `to_map()` and the `aliyun` command line print them, read into a [`Fleet`].
//!
//! Only `DesktopId`, `DesktopStatus`, `ManagementFlags`, `ManagementFlag` and `EndUserIds`
//! are read; every other field (about 76 per desktop) is skipped, its syntax checked and
//! nothing kept: by serde's `IgnoredAny` when streaming, and by a hand-written reader of one
//! desktop (`snapshot_desktop`) when the page is read from a file, which hands whatever it is
//! not sure of back to serde_json.

use std::cell::Cell;
use std::fmt;
use std::io;

use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};

use super::found::{Found, FoundSeed};
use super::place::{Counted, BUFFER};
use super::read_desktop::{users_problem, ReadDesktop, DEEPEST};
use super::snapshot_desktop::{self, Stop};
use crate::error::{shown, Error, SnapshotProblem};
use crate::fleet::{Fleet, Origin, SnapshotDesktop};

/// Reads a snapshot page by page (one `DescribeDesktops` body per page, or one body of all
/// pages merged, as `aliyun … --pager` prints it) into one [`Fleet`].
///
/// Each page is named by a label (the file's name, as given to the tool), which every error
/// message names with the desktop's 1-based position in that page's `Desktops`. A desktop
/// given twice, in one page or in two, is an error naming both places. A body without
/// `Desktops` is not a snapshot; a UTF-8 byte order mark is skipped. Once every page is
/// read, [`FleetReader::check_counts`] tells whether they are whole listings by their
/// `TotalCount` (the contract, §6.2); [`fleet_from_json`] does all of it.
///
/// ```
/// use eds_entitlement::wire::FleetReader;
///
/// let mut reader = FleetReader::new();
/// reader.read_page("page1.json", br#"{"RequestId":"1","Desktops":[{"DesktopId":"ecd-a","DesktopStatus":"Running","EndUserIds":["Alice"],"Cpu":4}]}"#)?;
/// reader.read_page("page2.json", br#"{"Desktops":[{"DesktopId":"ecd-b","DesktopStatus":"Stopped"}]}"#)?;
/// let fleet = reader.finish();
/// assert_eq!(fleet.len(), 2);
/// assert_eq!(fleet.get("ecd-a").unwrap().end_user_ids(), ["Alice"]);
///
/// let mut again = FleetReader::new();
/// again.read_page("a.json", br#"{"Desktops":[{"DesktopId":"ecd-a","DesktopStatus":"Running"}]}"#)?;
/// let error = again
///     .read_page("b.json", br#"{"Desktops":[{"DesktopId":"x","DesktopStatus":"Running"},{"DesktopId":"ecd-a","DesktopStatus":"Running"}]}"#)
///     .unwrap_err();
/// assert_eq!(
///     error.to_string(),
///     r#"b.json, desktop 2: DesktopId "ecd-a" repeats desktop 1 of a.json: a snapshot lists each desktop once"#
/// );
/// # Ok::<(), eds_entitlement::Error>(())
/// ```
#[derive(Debug, Default)]
pub struct FleetReader {
    fleet: Fleet,
    files: Vec<String>,
    /// Per page read, in order: its `TotalCount`, if it gives one, and its desktops.
    counts: Vec<(Option<u64>, usize)>,
}

impl FleetReader {
    /// A reader with no page read yet.
    pub fn new() -> FleetReader {
        FleetReader::default()
    }

    /// Reads one `DescribeDesktops` response body, whole in memory, and adds its desktops.
    ///
    /// Costs `O(len)`; what is kept is what §6 reads of each desktop, nothing else. After an
    /// error, the reader holds the desktops read before it: drop it.
    ///
    /// # Errors
    ///
    /// [`Error::Utf16`] for a UTF-16 page; [`Error::SnapshotJson`] for text that is not
    /// JSON, with the 1-based byte (a byte order mark counted) and the desktop being read,
    /// or between desktops the last one read; [`Error::Snapshot`] for JSON that is not a
    /// snapshot (see [`SnapshotProblem`]: no `Desktops`, a `TotalCount` that is not a whole
    /// number of 0 or more, …), naming `file` and the desktop's 1-based position.
    pub fn read_page(&mut self, file: &str, page: &[u8]) -> Result<(), Error> {
        // Through the chunked reader, whose errors are the streaming reader's, so that both
        // say the same byte for the same error (serde_json's slice reader places some errors
        // one byte earlier).
        match self.read_page_seekable(file, io::Cursor::new(page)) {
            Ok(read) => read,
            // A slice cannot fail to read.
            Err(e) => Err(Error::SnapshotJson {
                file: file.to_owned(),
                byte: 1,
                desktop: None,
                after: None,
                message: e.to_string(),
            }),
        }
    }

    /// Reads one `DescribeDesktops` response body from `reader`, streaming: the body is
    /// never held in memory, only the desktops' fields that §6 reads (and a 64 KiB buffer,
    /// and the starts of the last lines read, 1 MiB, to tell an error's byte). `reader`
    /// need not be buffered: this buffers it. Never seeks: for pipes and standard input.
    ///
    /// # Errors
    ///
    /// As [`FleetReader::read_page`] ([`Error::Utf16`] when the body's first KiB is UTF-16,
    /// as [`is_utf16`](crate::wire::is_utf16) tells it); an I/O error of `reader` is an
    /// [`io::Error`] (the outer `Err`), apart from the snapshot's errors (the inner one).
    pub fn read_page_from<R: io::Read>(
        &mut self,
        file: &str,
        mut reader: R,
    ) -> Result<Result<(), Error>, io::Error> {
        // UTF-16 is told by the first KiB (or the whole body, when shorter), read in as many
        // reads as `reader` takes to give it, then read again from memory.
        let mut head = Vec::with_capacity(crate::wire::UTF16_PREFIX);
        io::Read::read_to_end(
            &mut io::Read::take(&mut reader, crate::wire::UTF16_PREFIX as u64),
            &mut head,
        )?;
        if let Err(e) = crate::wire::reject_utf16(&head, file) {
            return Ok(Err(e));
        }
        // A UTF-8 byte order mark (PowerShell's `Out-File -Encoding utf8` writes one) is
        // skipped, and counted in the bytes that messages name.
        let bom = if head.starts_with(crate::wire::text::UTF8_BOM) {
            head.drain(..crate::wire::text::UTF8_BOM.len());
            crate::wire::text::UTF8_BOM.len()
        } else {
            0
        };
        let counted = Counted::new(io::Read::chain(io::Cursor::new(head), reader));
        let lines = counted.lines.clone();
        let buffered = io::BufReader::with_capacity(BUFFER, counted);
        let mut de = serde_json::Deserializer::from_reader(buffered);
        match self.read(file, &mut de, |line, column| {
            lines.byte_of(line, column) + bom
        }) {
            Ok(()) => Ok(Ok(())),
            Err(Failed::Snapshot(e)) => Ok(Err(e)),
            Err(Failed::Io(e)) => Err(e),
        }
    }

    /// Reads one `DescribeDesktops` response body from a file (or anything that can seek
    /// back), as [`FleetReader::read_page_from`] does and with the same result, several times
    /// as fast: the body is read in chunks of 8 MiB and each desktop is read from memory, in
    /// one pass that skips what §6 does not read.
    ///
    /// Holds a chunk, the desktop being read and the body without its desktops. A body that
    /// is not valid, or that this path does not take (a desktop larger than a chunk, the
    /// body outside `Desktops` over 16 MiB, nesting deeper than 100), is read again from
    /// where `reader` stood, by [`FleetReader::read_page_from`], which tells the error and
    /// its byte: errors cost a second read.
    ///
    /// # Errors
    ///
    /// As [`FleetReader::read_page_from`]; seeking back is an I/O error too.
    pub fn read_page_seekable<R: io::Read + io::Seek>(
        &mut self,
        file: &str,
        reader: R,
    ) -> Result<Result<(), Error>, io::Error> {
        self.read_page_chunked(file, reader, CHUNK)
    }

    /// [`FleetReader::read_page_seekable`], with chunks of `chunk` bytes.
    fn read_page_chunked<R: io::Read + io::Seek>(
        &mut self,
        file: &str,
        mut reader: R,
        chunk: usize,
    ) -> Result<Result<(), Error>, io::Error> {
        let start = reader.stream_position()?;
        let (files, desktops) = (self.files.len(), self.fleet.len());
        // A UTF-8 byte order mark is skipped (the streaming reader, below, skips it too).
        let mut first = Vec::with_capacity(3);
        io::Read::read_to_end(&mut io::Read::take(&mut reader, 3), &mut first)?;
        if first != crate::wire::text::UTF8_BOM {
            reader.seek(io::SeekFrom::Start(start))?;
        }
        if self.read_fast(file, &mut reader, chunk)? {
            return Ok(Ok(()));
        }
        // Back to how it was, and again by the streaming reader, which tells the error.
        self.files.truncate(files);
        self.counts.truncate(files);
        self.fleet.truncate(desktops);
        reader.seek(io::SeekFrom::Start(start))?;
        self.read_page_from(file, reader)
    }

    /// Reads a page by [`Split`]; `Ok(false)` when it does not take it or it is not valid.
    fn read_fast<R: io::Read>(
        &mut self,
        file: &str,
        reader: &mut R,
        chunk: usize,
    ) -> Result<bool, io::Error> {
        let Some(split) = Split::page(reader, chunk)? else {
            return Ok(false);
        };
        // The body, its `Desktops` emptied: every other key is checked as the streaming
        // reader checks it.
        let mut de = serde_json::Deserializer::from_slice(&split.skeleton);
        if self.read(file, &mut de, |_, _| 0).is_err() {
            return Ok(false);
        }
        let page = self.files.len() - 1;
        if let Some(count) = self.counts.last_mut() {
            count.1 = split.desktops.len();
        }
        for (at, desktop) in split.desktops.into_iter().enumerate() {
            let origin = Origin {
                page,
                position: at + 1,
            };
            let snapshot =
                SnapshotDesktop::from_parts(desktop.status, desktop.flags, desktop.users, origin);
            if self.fleet.insert(desktop.id, snapshot).is_err() {
                return Ok(false);
            }
        }
        Ok(true)
    }

    fn read<'de, R: serde_json::de::Read<'de>>(
        &mut self,
        file: &str,
        de: &mut serde_json::Deserializer<R>,
        byte_of: impl Fn(usize, usize) -> usize,
    ) -> Result<(), Failed> {
        let page = self.files.len();
        self.files.push(file.to_owned());
        // Counted as nothing until read whole: `counts` stays as long as `files`.
        self.counts.push((None, 0));
        let slot = Cell::new(None);
        let position = Cell::new(None);
        let after = Cell::new(None);
        let parsed = BodySeed {
            reader: self,
            slot: &slot,
            position: &position,
            after: &after,
            page,
        }
        .deserialize(&mut *de)
        .and_then(|count| de.end().map(|()| count));
        match parsed {
            Ok(count) => {
                self.counts[page] = count;
                Ok(())
            }
            Err(e) if e.is_io() => Err(Failed::Io(e.into())),
            Err(e) => Err(Failed::Snapshot(slot.take().unwrap_or_else(|| {
                let text = e.to_string();
                let place = format!(" at line {} column {}", e.line(), e.column());
                Error::SnapshotJson {
                    file: file.to_owned(),
                    byte: byte_of(e.line(), e.column()),
                    desktop: position.get(),
                    after: after.get(),
                    message: text.strip_suffix(&place).unwrap_or(&text).to_owned(),
                }
            }))),
        }
    }

    /// The labels of the pages read so far, in order: [`Origin::page`] indexes it.
    pub fn files(&self) -> &[String] {
        &self.files
    }

    /// Checks that the pages read are whole listings (the contract, §6.2), by their
    /// `TotalCount`: a page that gives one equal to its own number of desktops is complete
    /// by itself; the other pages that give one are pages of listings, and the pages that
    /// give the same `TotalCount` are one listing, whose desktops must number exactly that.
    /// Empty pages beside a page complete by itself with their `TotalCount` are its
    /// listing's last page (the pages can run out just as the API gives a `NextToken`).
    /// Pages without `TotalCount` (the `aliyun` command line's merged body) are not counted.
    ///
    /// With `allow_partial`, a listing with fewer desktops than its `TotalCount` is
    /// returned rather than refused (its missing desktops are then simply not in the
    /// snapshot, and the users they hold are unknown); a listing with more is refused
    /// either way. Listings are in the order of their first page. `O(pages)`.
    ///
    /// ```
    /// use eds_entitlement::wire::FleetReader;
    ///
    /// let mut reader = FleetReader::new();
    /// reader.read_page("p1.json", br#"{"TotalCount":3,"Desktops":[{"DesktopId":"a","DesktopStatus":"Running"},{"DesktopId":"b","DesktopStatus":"Running"}]}"#)?;
    /// assert_eq!(
    ///     reader.check_counts(false).unwrap_err().to_string(),
    ///     "p1.json gives TotalCount 3 but holds 2 desktops: 1 is missing (a page not given, \
    ///      or the fleet changed while it was listed); give every page of one listing"
    /// );
    /// let short = reader.check_counts(true)?;
    /// assert_eq!((short[0].total_count, short[0].desktops), (3, 2));
    /// reader.read_page("p2.json", br#"{"TotalCount":3,"Desktops":[{"DesktopId":"c","DesktopStatus":"Running"}]}"#)?;
    /// assert!(reader.check_counts(false)?.is_empty());
    /// # Ok::<(), eds_entitlement::Error>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::SnapshotCount`], naming the listing's first page and both counts.
    pub fn check_counts(&self, allow_partial: bool) -> Result<Vec<ShortListing>, Error> {
        // Per TotalCount, in the order of first pages: its pages and their desktops (apart
        // from pages complete by themselves), and whether a page complete by itself gives it.
        let mut listings: indexmap::IndexMap<
            u64,
            (Vec<usize>, u64, bool),
            xxhash_rust::xxh3::Xxh3DefaultBuilder,
        > = indexmap::IndexMap::default();
        for (page, &(total, desktops)) in self.counts.iter().enumerate() {
            let Some(total) = total else { continue };
            let listing = listings.entry(total).or_default();
            if total == desktops as u64 {
                listing.2 = true;
            } else {
                listing.0.push(page);
                listing.1 += desktops as u64;
            }
        }
        let mut short = Vec::new();
        for (&total_count, (pages, desktops, complete)) in &listings {
            let desktops = *desktops;
            // Whole; or empty pages beside a page complete by itself: that listing's last
            // page, when the pages ran out just as a `NextToken` was given.
            if pages.is_empty() || desktops == total_count || (*complete && desktops == 0) {
                continue;
            }
            if desktops < total_count && allow_partial {
                short.push(ShortListing {
                    total_count,
                    desktops,
                    pages: pages.iter().map(|&p| self.files[p].clone()).collect(),
                });
                continue;
            }
            return Err(Error::SnapshotCount {
                file: self.files[pages[0]].clone(),
                pages: pages.len(),
                total_count,
                desktops,
            });
        }
        Ok(short)
    }

    /// The snapshot: every desktop read, in the order read. Nothing more is checked: see
    /// [`FleetReader::check_counts`] for whether the pages are whole listings.
    pub fn finish(self) -> Fleet {
        self.fleet
    }
}

/// A listing of which a snapshot holds fewer desktops than its pages' `TotalCount`, as
/// [`FleetReader::check_counts`] accepts it with `allow_partial`.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct ShortListing {
    /// The `TotalCount` its pages give.
    pub total_count: u64,
    /// The desktops they hold, fewer than `total_count`.
    pub desktops: u64,
    /// Its pages' labels, in the order read.
    pub pages: Vec<String>,
}

/// The chunks [`FleetReader::read_page_seekable`] reads.
const CHUNK: usize = 8 << 20;

/// The most of a body, outside its desktops, that [`Split`] keeps.
const SKELETON_MAX: usize = 16 << 20;

/// A body split into its desktops, each read from memory, and the rest (the skeleton), whose
/// top-level `"Desktops":[…]` is left as `"Desktops":[]`.
///
/// Each desktop is read first by [`snapshot_desktop::desktop`], which reads the keys §6 reads
/// and checks the syntax of the rest in the same pass, as strictly as serde_json or more.
/// When it is in doubt (not valid JSON, a problem §6 names, an escape in a key or value it
/// reads), a small scanner finds the desktop's bytes (outside strings, told by `"` and `\`
/// escapes, it counts `{`/`[` against `}`/`]`) and [`DesktopSeed`] parses them, as the
/// streaming reader does. serde_json checks the skeleton. Whatever this does not take (see
/// [`FleetReader::read_page_seekable`]) gives up: `None`.
#[derive(Default)]
struct Split {
    skeleton: Vec<u8>,
    desktops: Vec<ReadDesktop>,
    place: Place,
    in_string: bool,
    /// Outside the desktops: the byte after a `\` in a string.
    escaped: bool,
    /// Outside the desktops: the depth (1 in the top-level object).
    depth: usize,
    /// Where in the skeleton the last string began.
    string_start: usize,
    /// The skeleton's range of the last string closed at depth 1 (a key, when valid).
    last_string: (usize, usize),
}

/// Where [`Split`] is.
#[derive(Clone, Copy, Default, PartialEq, Eq)]
enum Place {
    /// Outside the top-level `Desktops` array: the bytes go to the skeleton.
    #[default]
    Outside,
    /// In the `Desktops` array, between desktops, expecting the next token.
    Between(Expect),
    /// At a desktop that begins at `start` in the buffer, for [`snapshot_desktop::desktop`],
    /// which needs more bytes than the buffer holds.
    Fresh { start: usize },
    /// In a desktop that began at `start` in the buffer, `depth` deep (1 in it), found by
    /// the scanner for serde_json.
    Desktop { start: usize, depth: usize },
}

/// What may come next between desktops.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Expect {
    /// After `[`: a desktop or `]`.
    DesktopOrEnd,
    /// After a desktop: `,` or `]`.
    CommaOrEnd,
    /// After `,`: a desktop.
    Desktop,
}

/// The scanner gave up on the page.
struct GiveUp;

impl Split {
    /// Splits what `reader` gives, `chunk` bytes at a time; `None` when it gives up.
    fn page<R: io::Read>(reader: &mut R, chunk: usize) -> Result<Option<Split>, io::Error> {
        let mut split = Split::default();
        let mut buffer = Vec::new();
        // The next byte to scan; one past the buffer after a `\` at its end.
        let mut at = 0;
        loop {
            let read = io::Read::read_to_end(
                &mut io::Read::take(&mut *reader, chunk as u64),
                &mut buffer,
            )?;
            at = match split.scan(&buffer, at) {
                Ok(at) => at,
                Err(GiveUp) => return Ok(None),
            };
            if read == 0 {
                break;
            }
            // Keep the desktop being read, if any; the rest is done with.
            let keep = match split.place {
                Place::Fresh { start } => {
                    split.place = Place::Fresh { start: 0 };
                    start
                }
                Place::Desktop { start, depth } => {
                    split.place = Place::Desktop { start: 0, depth };
                    start
                }
                _ => buffer.len().min(at),
            };
            buffer.drain(..keep);
            at -= keep;
            if buffer.len() > chunk.max(1 << 16) {
                return Ok(None);
            }
        }
        let done = split.place == Place::Outside && !split.in_string;
        Ok(done.then_some(split))
    }

    /// Scans `buffer` from `at`; returns where the next scan starts.
    fn scan(&mut self, buffer: &[u8], mut at: usize) -> Result<usize, GiveUp> {
        while at < buffer.len() {
            match self.place {
                Place::Outside => {
                    self.outside(buffer[at])?;
                    at += 1;
                }
                Place::Between(expect) => {
                    self.place = match (buffer[at], expect) {
                        (b' ' | b'\t' | b'\n' | b'\r', _) => self.place,
                        (b'{', Expect::DesktopOrEnd | Expect::Desktop) => {
                            self.place = Place::Fresh { start: at };
                            continue;
                        }
                        (b',', Expect::CommaOrEnd) => Place::Between(Expect::Desktop),
                        (b']', Expect::DesktopOrEnd | Expect::CommaOrEnd) => Place::Outside,
                        _ => return Err(GiveUp),
                    };
                    at += 1;
                }
                Place::Fresh { start } => match snapshot_desktop::desktop(&buffer[start..]) {
                    Ok((desktop, len)) => {
                        self.desktops.push(desktop);
                        self.place = Place::Between(Expect::CommaOrEnd);
                        at = start + len;
                    }
                    // Again from `start` once more is read.
                    Err(Stop::More) => return Ok(start),
                    // serde_json reads it, once the scanner finds its end.
                    Err(Stop::Doubt) => {
                        self.place = Place::Desktop { start, depth: 1 };
                        at = start + 1;
                    }
                },
                Place::Desktop { start, depth } => {
                    at = self.desktop(buffer, start, depth, at)?;
                }
            }
        }
        Ok(at)
    }

    /// A byte outside the desktops: to the skeleton.
    fn outside(&mut self, byte: u8) -> Result<(), GiveUp> {
        self.skeleton.push(byte);
        if self.skeleton.len() > SKELETON_MAX {
            return Err(GiveUp);
        }
        if self.in_string {
            if self.escaped {
                self.escaped = false;
            } else if byte == b'\\' {
                self.escaped = true;
            } else if byte == b'"' {
                self.in_string = false;
                if self.depth == 1 {
                    self.last_string = (self.string_start, self.skeleton.len());
                }
            }
            return Ok(());
        }
        match byte {
            b'"' => {
                self.in_string = true;
                self.string_start = self.skeleton.len() - 1;
            }
            b'[' if self.depth == 1 && self.after_desktops_key() => {
                // The array's closing `]` now; its desktops are read apart.
                self.skeleton.push(b']');
                self.place = Place::Between(Expect::DesktopOrEnd);
            }
            b'{' | b'[' => {
                self.depth += 1;
                if self.depth > DEEPEST {
                    return Err(GiveUp);
                }
            }
            b'}' | b']' => self.depth = self.depth.checked_sub(1).ok_or(GiveUp)?,
            _ => {}
        }
        Ok(())
    }

    /// Whether the skeleton, before the `[` just pushed, ends with the key `"Desktops"`, a
    /// colon and whitespace (a key spelled with escapes is left to the skeleton).
    fn after_desktops_key(&self) -> bool {
        let (start, end) = self.last_string;
        let between = &self.skeleton[end..self.skeleton.len() - 1];
        self.skeleton[start..end] == *b"\"Desktops\""
            && between.iter().filter(|&&b| b == b':').count() == 1
            && between
                .iter()
                .all(|&b| matches!(b, b':' | b' ' | b'\t' | b'\n' | b'\r'))
    }

    /// In the desktop that began at `start`, `depth` deep, from `at`: when it ends, parses
    /// it. Returns where the scan goes on.
    fn desktop(
        &mut self,
        buffer: &[u8],
        start: usize,
        mut depth: usize,
        mut at: usize,
    ) -> Result<usize, GiveUp> {
        while at < buffer.len() {
            if self.in_string {
                match buffer[at..].iter().position(|&b| b == b'"' || b == b'\\') {
                    None => at = buffer.len(),
                    // Past the escaped byte (maybe in the next chunk).
                    Some(n) if buffer[at + n] == b'\\' => at += n + 2,
                    Some(n) => {
                        self.in_string = false;
                        at += n + 1;
                    }
                }
                continue;
            }
            match buffer[at] {
                b'"' => self.in_string = true,
                b'{' | b'[' => {
                    depth += 1;
                    // The top-level object and the array are 2 more.
                    if depth + 2 > DEEPEST {
                        return Err(GiveUp);
                    }
                }
                b'}' | b']' => {
                    depth -= 1;
                    if depth == 0 {
                        self.parse(&buffer[start..=at])?;
                        self.place = Place::Between(Expect::CommaOrEnd);
                        return Ok(at + 1);
                    }
                }
                _ => {}
            }
            at += 1;
        }
        self.place = Place::Desktop { start, depth };
        Ok(at)
    }

    /// Parses one desktop's bytes as the streaming reader does.
    fn parse(&mut self, text: &[u8]) -> Result<(), GiveUp> {
        let mut de = serde_json::Deserializer::from_slice(text);
        match DesktopSeed.deserialize(&mut de) {
            Ok(Ok(desktop)) if de.end().is_ok() => {
                self.desktops.push(desktop);
                Ok(())
            }
            _ => Err(GiveUp),
        }
    }
}

/// How reading a page failed: the snapshot, or the reader under it.
enum Failed {
    Snapshot(Error),
    Io(io::Error),
}

/// Reads a snapshot of one or more pages, each a `(label, bytes)` pair: the label names the
/// page in errors (a file name). See [`FleetReader`], which this calls page by page; the
/// pages must be whole listings ([`FleetReader::check_counts`], refusing a partial one).
///
/// ```
/// let fleet = eds_entitlement::wire::fleet_from_json([
///     ("merged.json", br#"{"TotalCount":1,"Desktops":[{"DesktopId":"ecd-a","DesktopStatus":"Running","ManagementFlags":["Assigning"]}]}"#),
/// ])?;
/// assert!(fleet.get("ecd-a").unwrap().is_assigning());
/// # Ok::<(), eds_entitlement::Error>(())
/// ```
///
/// # Errors
///
/// The first page's error, as [`FleetReader::read_page`]; then [`Error::SnapshotCount`].
pub fn fleet_from_json<I, L, B>(pages: I) -> Result<Fleet, Error>
where
    I: IntoIterator<Item = (L, B)>,
    L: AsRef<str>,
    B: AsRef<[u8]>,
{
    let mut reader = FleetReader::new();
    for (label, bytes) in pages {
        reader.read_page(label.as_ref(), bytes.as_ref())?;
    }
    reader.check_counts(false)?;
    Ok(reader.finish())
}

/// Where a seed puts the typed [`Error`] it rejects a value with; serde carries only a
/// placeholder error back up.
type Slot<'s> = &'s Cell<Option<Error>>;

struct BodySeed<'r, 's> {
    reader: &'r mut FleetReader,
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
            file: self.reader.files[self.page].clone(),
            desktop,
            problem,
        }));
        E::custom("rejected")
    }
}

/// What a body gives of its count: its `TotalCount`, if any, and its number of desktops.
type Count = (Option<u64>, usize);

impl<'de> DeserializeSeed<'de> for BodySeed<'_, '_> {
    type Value = Count;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Count, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for BodySeed<'_, '_> {
    type Value = Count;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a DescribeDesktops response body")
    }

    fn visit_map<A: MapAccess<'de>>(mut self, mut map: A) -> Result<Count, A::Error> {
        let mut desktops = None;
        let mut total_count = None;
        while let Some(key) = map.next_key::<Key>()? {
            match key.0 {
                Some(Name::Desktops) => {
                    if desktops.is_some() {
                        let problem = SnapshotProblem::RepeatedKey { key: "Desktops" };
                        return Err(self.reject(None, problem));
                    }
                    desktops = Some(map.next_value_seed(DesktopsSeed { body: &mut self })?);
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

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Count, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        let found = Found::Array.describe();
        Err(self.reject(None, SnapshotProblem::BodyNotAnObject { found }))
    }

    fn visit_unit<E: de::Error>(self) -> Result<Count, E> {
        not_an_object(self, Found::Null)
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Count, E> {
        not_an_object(self, Found::Bool(v))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Count, E> {
        not_an_object(self, Found::Number(v.to_string().into()))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Count, E> {
        not_an_object(self, Found::Number(v.to_string().into()))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Count, E> {
        not_an_object(self, Found::Number(v.to_string().into()))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Count, E> {
        not_an_object(self, Found::Str(v.into()))
    }
}

fn not_an_object<E: de::Error>(body: BodySeed<'_, '_>, found: Found<'_>) -> Result<Count, E> {
    let found = found.describe();
    Err(body.reject(None, SnapshotProblem::BodyNotAnObject { found }))
}

struct DesktopsSeed<'b, 'r, 's> {
    body: &'b mut BodySeed<'r, 's>,
}

impl<'de> DeserializeSeed<'de> for DesktopsSeed<'_, '_, '_> {
    type Value = usize;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<usize, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for DesktopsSeed<'_, '_, '_> {
    /// The number of desktops read.
    type Value = usize;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an array of desktops")
    }

    fn visit_unit<E: de::Error>(self) -> Result<usize, E> {
        Ok(0)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<usize, A::Error> {
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
            if let Err(first) = body.reader.fleet.insert(desktop.id.as_str(), snapshot) {
                let problem = SnapshotProblem::RepeatedDesktop {
                    value: shown(&desktop.id),
                    first_file: body.reader.files[first.page].clone(),
                    first_position: first.position,
                };
                return Err(body.reject(Some(position), problem));
            }
        }
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<usize, A::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        not_an_array(self, Found::Object)
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<usize, E> {
        not_an_array(self, Found::Bool(v))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<usize, E> {
        not_an_array(self, Found::Number(v.to_string().into()))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<usize, E> {
        not_an_array(self, Found::Number(v.to_string().into()))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<usize, E> {
        not_an_array(self, Found::Number(v.to_string().into()))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<usize, E> {
        not_an_array(self, Found::Str(v.into()))
    }
}

fn not_an_array<E: de::Error>(
    seed: DesktopsSeed<'_, '_, '_>,
    found: Found<'_>,
) -> Result<usize, E> {
    let found = found.describe();
    Err(seed
        .body
        .reject(None, SnapshotProblem::DesktopsNotAnArray { found }))
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
        DesktopSeed.deserialize(deserializer)
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

impl<'de> DeserializeSeed<'de> for DesktopSeed {
    type Value = Result<ReadDesktop, SnapshotProblem>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for DesktopSeed {
    type Value = Result<ReadDesktop, SnapshotProblem>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a desktop")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
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
                    match map.next_value_seed(StringsSeed { key })? {
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

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(Err(SnapshotProblem::DesktopNotAnObject {
            found: "an array".to_owned(),
        }))
    }

    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(not_a_desktop(Found::Null))
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Self::Value, E> {
        Ok(not_a_desktop(Found::Bool(v)))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
        Ok(not_a_desktop(Found::Number(v.to_string().into())))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
        Ok(not_a_desktop(Found::Number(v.to_string().into())))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
        Ok(not_a_desktop(Found::Number(v.to_string().into())))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        Ok(not_a_desktop(Found::Str(v.into())))
    }
}

fn not_a_desktop(found: Found<'_>) -> Result<ReadDesktop, SnapshotProblem> {
    Err(SnapshotProblem::DesktopNotAnObject {
        found: found.describe(),
    })
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

impl<'de> DeserializeSeed<'de> for StringsSeed {
    type Value = Result<Option<Vec<String>>, SnapshotProblem>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        let key = self.key;
        match FoundOrList::deserialize(deserializer)? {
            FoundOrList::List(Ok(list)) => Ok(Ok(Some(list))),
            FoundOrList::List(Err((position, found))) => {
                Ok(Err(wrong(&found, key, Some(position), "a string")))
            }
            FoundOrList::Found(Found::Null) => Ok(Ok(None)),
            FoundOrList::Found(other) => Ok(Err(wrong(&other, key, None, STRINGS))),
        }
    }
}

/// A list of strings, or the first item that is not one (with its 1-based position), or
/// a value that is not a list.
enum FoundOrList<'de> {
    List(Result<Vec<String>, (usize, Found<'de>)>),
    Found(Found<'de>),
}

impl<'de> FoundOrList<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(ListVisitor)
    }
}

struct ListVisitor;

impl<'de> Visitor<'de> for ListVisitor {
    type Value = FoundOrList<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(STRINGS)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut list = Vec::new();
        let mut bad = None;
        while let Some(item) = seq.next_element_seed(FoundSeed)? {
            match item {
                Found::Str(s) if bad.is_none() => list.push(s.into_owned()),
                other if bad.is_none() => bad = Some((list.len() + 1, other)),
                _ => {}
            }
        }
        Ok(FoundOrList::List(match bad {
            Some(bad) => Err(bad),
            None => Ok(list),
        }))
    }

    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(FoundOrList::Found(Found::Null))
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Self::Value, E> {
        Ok(FoundOrList::Found(Found::Bool(v)))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
        Ok(FoundOrList::Found(Found::Number(v.to_string().into())))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
        Ok(FoundOrList::Found(Found::Number(v.to_string().into())))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
        Ok(FoundOrList::Found(Found::Number(v.to_string().into())))
    }

    fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
        Ok(FoundOrList::Found(Found::Str(v.into())))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        Ok(FoundOrList::Found(Found::Str(v.to_owned().into())))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(FoundOrList::Found(Found::Object))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What a reader gives for `page`: the error's text, or the fleet.
    fn outcome(read: Result<Result<(), Error>, io::Error>, reader: FleetReader) -> String {
        match read.unwrap() {
            Ok(()) => format!("{:?}", reader.finish()),
            Err(e) => e.to_string(),
        }
    }

    /// The chunked reader says what the streaming one says, whatever the chunk size, on
    /// every fuzz seed and regression, each also cut short and with bytes flipped.
    #[test]
    fn chunks_change_nothing() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz");
        let mut pages: Vec<Vec<u8>> = vec![
            br#"{"Desktops":[{"DesktopId":"a","DesktopStatus":"Running","X":{"s":"}]\"\\"}},
               {"DesktopId":"b","DesktopStatus":"Stopped","EndUserIds":["u"]}],"N":[1]}"#
                .to_vec(),
        ];
        for corpus in ["corpus/fleet_json", "regressions/fleet_json"] {
            for entry in std::fs::read_dir(dir.join(corpus)).unwrap() {
                pages.push(std::fs::read(entry.unwrap().path()).unwrap());
            }
        }
        let mut cases = Vec::new();
        for page in &pages {
            cases.push(page.clone());
            for cut in [1, 7, page.len() / 2] {
                cases.push(page[..page.len().saturating_sub(cut)].to_vec());
            }
            for at in (0..page.len()).step_by(page.len() / 23 + 1) {
                for byte in [b'"', b'\\', b'}', b']', b'{', b','] {
                    let mut changed = page.clone();
                    changed[at] = byte;
                    cases.push(changed);
                }
            }
        }
        let mut fast = 0;
        for case in &cases {
            let mut streaming = FleetReader::new();
            let want = outcome(streaming.read_page_from("p.json", &case[..]), streaming);
            let valid = streaming_ok(&want);
            for chunk in [1, 2, 3, 5, 64, CHUNK] {
                let mut chunked = FleetReader::new();
                let read = chunked.read_page_chunked("p.json", io::Cursor::new(case), chunk);
                assert_eq!(outcome(read, chunked), want, "chunk {chunk}: {case:?}");
                // A valid page is read by the fast path itself, not after it gave up.
                let mut direct = FleetReader::new();
                let took = direct.read_fast("p.json", &mut &case[..], chunk).unwrap();
                assert_eq!(took, valid, "chunk {chunk}: {case:?}");
                if took {
                    assert_eq!(format!("{:?}", direct.finish()), want);
                    fast += 1;
                }
            }
        }
        assert!(fast >= 3 * 6, "{fast}");
    }

    /// Whether an outcome is a fleet (an error's text never starts so).
    fn streaming_ok(outcome: &str) -> bool {
        outcome.starts_with("Fleet {")
    }

    proptest::proptest! {
        /// Desktops whose strings hold quotes, backslashes and brackets, cut into chunks of
        /// any size, maybe with one byte changed: the chunked reader says what the
        /// streaming one says, and a valid page is read by the fast path itself.
        #[test]
        fn any_chunk_size_reads_the_same(
            desktops in proptest::collection::vec(
                ("[a-c\\\\\"{}\\[\\]]{0,4}", "[\\\\\"{}\\[\\] a]{0,8}", 0..3usize),
                0..5,
            ),
            chunk in 1..80usize,
            change in proptest::option::of((0..4096usize, proptest::sample::select(b"\"\\{}[],: ".to_vec()))),
        ) {
            let listed: Vec<String> = desktops
                .iter()
                .map(|(id, other, users)| {
                    let users: Vec<String> = (0..*users).map(|u| format!("u{u}")).collect();
                    format!(
                        r#"{{"Other":{{"s":{other:?},"l":[{other:?},[]]}},"DesktopId":{id:?},"DesktopStatus":"Running","EndUserIds":{users:?}}}"#
                    )
                })
                .collect();
            let mut page = format!(r#"{{"RequestId":"{{[","Desktops":[{}],"TotalCount":1}}"#, listed.join(",\n"))
                .into_bytes();
            if let Some((at, byte)) = change {
                let at = at % page.len();
                page[at] = byte;
            }
            let mut streaming = FleetReader::new();
            let want = outcome(streaming.read_page_from("p.json", &page[..]), streaming);
            let mut chunked = FleetReader::new();
            let read = chunked.read_page_chunked("p.json", io::Cursor::new(&page), chunk);
            proptest::prop_assert_eq!(outcome(read, chunked), want.clone());
            let mut direct = FleetReader::new();
            let took = direct.read_fast("p.json", &mut &page[..], chunk).unwrap();
            proptest::prop_assert_eq!(took, streaming_ok(&want));
        }
    }

    /// A page that the fast path gives up on after reading desktops leaves the reader as it
    /// was: a second page repeating a desktop names the first page's place.
    #[test]
    fn giving_up_undoes_the_page() {
        let mut reader = FleetReader::new();
        let first = br#"{"Desktops":[{"DesktopId":"a","DesktopStatus":"Running"}]}"#;
        reader
            .read_page_seekable("1.json", io::Cursor::new(&first[..]))
            .unwrap()
            .unwrap();
        let second = br#"{"Desktops":[{"DesktopId":"b","DesktopStatus":"Running"},{"DesktopId":"a","DesktopStatus":"Running"}]}"#;
        let error = reader
            .read_page_seekable("2.json", io::Cursor::new(&second[..]))
            .unwrap()
            .unwrap_err();
        assert_eq!(
            error.to_string(),
            r#"2.json, desktop 2: DesktopId "a" repeats desktop 1 of 1.json: a snapshot lists each desktop once"#
        );
    }
}
