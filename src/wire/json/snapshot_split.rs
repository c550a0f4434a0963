//! The chunked path's scanner: a snapshot body, read in chunks, split into its desktops
//! (each read from memory) and the rest of the body (the skeleton), for
//! [`FleetReader::read_page_seekable`](crate::wire::FleetReader::read_page_seekable).
//!
//! Each desktop is read by the one-pass reader (`snapshot_desktop`), or, when it is in
//! doubt, by the streaming reader's serde seed (`snapshot_seed`) once a small byte scanner
//! has found the desktop's end. What this does not take, it gives up on: the reader then
//! reads the page again, streaming, and that read tells the error.

use std::io;

use super::read_desktop::{ReadDesktop, DEEPEST};
use super::snapshot_desktop::{self, Stop};
use super::snapshot_seed::desktop_from_slice;

/// The most of a body, outside its desktops, that [`Split`] keeps.
const SKELETON_MAX: usize = 16 << 20;

/// A body split into its desktops, each read from memory, and the rest (the skeleton), whose
/// top-level `"Desktops":[…]` is left as `"Desktops":[]`.
///
/// Each desktop is read first by [`snapshot_desktop::desktop`], which reads the keys §6 reads
/// and checks the syntax of the rest in the same pass, as strictly as serde_json or more.
/// When it is in doubt (not valid JSON, a problem §6 names, an escape in a key or value it
/// reads), a small scanner finds the desktop's bytes (outside strings, told by `"` and `\`
/// escapes, it counts `{`/`[` against `}`/`]`) and [`desktop_from_slice`] parses them, as
/// the streaming reader does. serde_json checks the skeleton (the reader reads it). Whatever
/// this does not take (see
/// [`FleetReader::read_page_seekable`](crate::wire::FleetReader::read_page_seekable)) gives
/// up: `None`.
#[derive(Default)]
pub(super) struct Split {
    /// The body, its top-level `Desktops` emptied.
    pub(super) skeleton: Vec<u8>,
    /// The desktops of its `Desktops`, in order.
    pub(super) desktops: Vec<ReadDesktop>,
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
    pub(super) fn page<R: io::Read>(
        reader: &mut R,
        chunk: usize,
    ) -> Result<Option<Split>, io::Error> {
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
        let desktop = desktop_from_slice(text).ok_or(GiveUp)?;
        self.desktops.push(desktop);
        Ok(())
    }
}
