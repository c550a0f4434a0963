//! Places in JSON text: serde_json's 1-based line and column (in bytes) to and from a
//! byte, for every reader's messages. The request and plan readers name a line and column
//! ([`line_and_column`] of a byte), the snapshot reader a byte ([`Lines::byte_of`], for a
//! page streamed and never held whole).

use std::cell::Cell;
use std::io;

/// The 1-based line and column (in bytes, as serde_json counts them) of `input[offset]`.
pub(super) fn line_and_column(input: &[u8], offset: usize) -> (usize, usize) {
    let before = &input[..offset.min(input.len())];
    let line_start = before
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |i| i + 1);
    let line = 1 + before.iter().filter(|&&b| b == b'\n').count();
    (line, offset - line_start + 1)
}

/// The 1-based byte of the 1-based `column` of the line that begins at 0-based
/// `line_start`: the inverse of [`line_and_column`]'s column. serde_json says column 0 at
/// the start of a line (or of empty input): that is the line's first byte, and never
/// before byte 1.
fn byte_of(line_start: usize, column: usize) -> usize {
    (line_start + column).max(1)
}

/// A reader that remembers where the last lines began, so that an error's line and
/// column can be told as a byte. It sits under the `BufReader` that serde_json reads a byte
/// at a time (std reads a `BufReader` byte by byte without a call per byte), and sees the
/// text a buffer at a time: it keeps the starts of the last [`LINES_KEPT`] lines, more than
/// two buffers can hold, as serde_json reads a little past an error (closing the arrays and
/// objects around it) and the buffer runs ahead of it.
pub(super) struct Counted<R> {
    inner: R,
    pub(super) lines: std::rc::Rc<Lines>,
}

/// The buffer between the file and serde_json.
pub(super) const BUFFER: usize = 1 << 16;

/// How many line starts [`Lines`] keeps: two buffers' worth of newlines.
const LINES_KEPT: usize = 2 * BUFFER;

#[derive(Default)]
pub(super) struct Lines {
    /// Bytes read so far.
    read: Cell<usize>,
    /// The number of newlines read so far.
    newlines: Cell<usize>,
    /// The 0-based byte where line `l` (1-based, after the first) began, at `l % LINES_KEPT`.
    starts: std::cell::RefCell<Vec<usize>>,
}

impl Lines {
    /// The 1-based byte of serde_json's 1-based `line` and `column` (as [`byte_of`]).
    pub(super) fn byte_of(&self, line: usize, column: usize) -> usize {
        let newlines = self.newlines.get();
        let start = if line <= 1 {
            0
        } else if line <= newlines + 1 && newlines + 1 - line < LINES_KEPT {
            self.starts
                .borrow()
                .get(line % LINES_KEPT)
                .copied()
                .unwrap_or(0)
        } else {
            // Not kept (a run of more blank lines than two buffers hold): the end of
            // what was read, the nearest place known.
            self.read.get().saturating_sub(column)
        };
        byte_of(start, column)
    }
}

impl<R> Counted<R> {
    pub(super) fn new(inner: R) -> Counted<R> {
        let lines = Lines {
            starts: std::cell::RefCell::new(vec![0; LINES_KEPT]),
            ..Lines::default()
        };
        Counted {
            inner,
            lines: std::rc::Rc::new(lines),
        }
    }
}

impl<R: io::Read> io::Read for Counted<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let read = self.inner.read(buf)?;
        let lines = &self.lines;
        let before = lines.read.get();
        let mut newlines = lines.newlines.get();
        let mut starts = lines.starts.borrow_mut();
        for (i, &b) in buf[..read].iter().enumerate() {
            if b == b'\n' {
                newlines += 1;
                starts[(newlines + 1) % LINES_KEPT] = before + i + 1;
            }
        }
        lines.newlines.set(newlines);
        lines.read.set(before + read);
        Ok(read)
    }
}
