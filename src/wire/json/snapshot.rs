//! The fleet snapshot (the contract, §6): `DescribeDesktops` response bodies, as the SDKs'
//! `to_map()` and the `aliyun` command line print them, read into a [`Fleet`]. This file is
//! the public reader ([`FleetReader`], [`fleet_from_json`]): its input, streamed or from a
//! file in chunks, its pages and the listing checks of §6.2 ([`ShortListing`]).
//!
//! Only `DesktopId`, `DesktopStatus`, `ManagementFlags`, `ManagementFlag` and `EndUserIds`
//! are read; every other field (about 76 per desktop) is skipped, its syntax checked and
//! nothing kept. Streamed, a body is read by the serde seeds of `snapshot_seed`, which skip
//! by serde's `IgnoredAny`. From a file, it is read in chunks that `snapshot_split` cuts
//! into desktops and the rest of the body; each desktop is read by the hand-written reader
//! of `snapshot_desktop`, which hands whatever it is not sure of back to serde_json.

use std::io;

use super::place::{Counted, BUFFER};
use super::snapshot_seed::{read_body, Failed};
use super::snapshot_split::Split;
use crate::error::Error;
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
    /// snapshot (see [`SnapshotProblem`](crate::SnapshotProblem): no `Desktops`, a
    /// `TotalCount` that is not a whole number of 0 or more, …), naming `file` and the
    /// desktop's 1-based position.
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

    /// Reads one body from `de` as the next page, named `file`, by the serde seeds
    /// ([`read_body`]), and counts it once it is read whole.
    fn read<'de, R: serde_json::de::Read<'de>>(
        &mut self,
        file: &str,
        de: &mut serde_json::Deserializer<R>,
        byte_of: impl Fn(usize, usize) -> usize,
    ) -> Result<(), Failed> {
        self.files.push(file.to_owned());
        // Counted as nothing until read whole: `counts` stays as long as `files`.
        self.counts.push((None, 0));
        let count = read_body(de, &mut self.fleet, &self.files, byte_of)?;
        if let Some(last) = self.counts.last_mut() {
            *last = count;
        }
        Ok(())
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
