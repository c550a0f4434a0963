//! Lists of IDs kept in spreadsheets: one ID a row of a CSV file.

use std::collections::TryReserveError;

use crate::error::IdProblem;
use crate::error::{shown, CsvProblem, Error, Field};
use crate::ids::{id_problem, IdList, Scratch};

/// Reads a list of IDs (`DesktopId` or `EndUserId`, as `field` says) from the text of a CSV
/// file, as a spreadsheet exports it. `file` names the file in error messages.
///
/// * One ID a row. When the first row that is not blank has a cell naming the list
///   (`DesktopId` or `EndUserId`, any case, surrounding whitespace ignored), it is a header
///   and that column is read. Otherwise the first row is data, and every row must be one
///   cell: a file of several columns needs the header that picks one.
/// * The cells are separated by commas, or by `;` or tabs (as European spreadsheets and
///   TSV files have them) when the header row names the column with that separator. A
///   first row without a header that holds `;` or a tab is rejected, naming the separator:
///   its cells would otherwise be read as one ID.
/// * Blank rows are skipped: empty lines, and rows whose cells are all empty (a spreadsheet
///   writes an empty row of three columns as `,,`). A cell of whitespace is not empty: a row
///   of them is rejected, as whitespace around an ID is.
/// * A later row whose ID is the column's name (any case, surrounding whitespace ignored) is
///   rejected: it is a second header row, as when two exports are pasted together.
/// * Quoting is strict, so that a stray quote cannot change the list: a cell that begins
///   with `"` ends at the next `"` that is not doubled (`""` is a quote), and must end on its
///   line, followed by the separator or the line's end. A quote inside an unquoted cell is
///   part of it. Nothing is trimmed. Lines end with `\n`, `\r\n` or `\r`. A UTF-8 byte order
///   mark at the start is skipped; UTF-16 is rejected ([`Error::Utf16`]). Rows must all have
///   as many cells as the first one that is not blank (a comma inside an unquoted ID shows
///   up so).
/// * Every ID must pass [`id_problem`]: no control character (a raw NUL
///   or tab), no whitespace at either end.
///
/// Costs `O(len)` time. Memory: the list (its text, and 4 bytes per ID), reserved at once
/// as the lines bound it and fitted to the IDs after the reading, and while repeats are
/// looked for a scratch that keeps the input, the list and itself within `3·len` bytes when
/// it can (a file of IDs of 4 characters or more), and takes at least 1 byte per ID
/// otherwise; the less room it has, the more often the IDs are hashed. A line is never
/// copied, whatever its length or number of cells. Every allocation that grows with the
/// input is fallible: [`Error::OutOfMemory`] when it cannot be had.
///
/// # Errors
///
/// [`Error::Utf16`] for a UTF-16 file; [`Error::OutOfMemory`] when the memory to read the
/// file or look for repeats cannot be had; [`Error::Csv`], naming `file` and the 1-based line
/// (the header and blank lines count), for the first bad row: a quote not closed on its line
/// or followed by text, an empty ID cell, an ID that is the column's name (a second header
/// row), an ID with a control character or whitespace around it, an ID that repeats an
/// earlier row (both lines are named), a cell that is not UTF-8, a row with a different
/// number of cells; several cells in a first row that is no header; and a header that names
/// the column twice, or that names the other list's column instead (the files swapped).
///
/// ```
/// use eds_entitlement::{wire, Error, Field};
///
/// let ids = wire::ids_from_csv(b"Name,DesktopId\nfirst,ecd-a\n\n,,\nsecond,ecd-b\n", "desktops.csv", Field::DesktopId)?;
/// assert_eq!(ids.iter().collect::<Vec<_>>(), ["ecd-a", "ecd-b"]);
///
/// let e = wire::ids_from_csv(b"ecd-a\necd-b\necd-a\n", "desktops.csv", Field::DesktopId).unwrap_err();
/// assert_eq!(e.to_string(), r#"desktops.csv, line 3: DesktopId "ecd-a" repeats line 1: IDs must be unique"#);
///
/// let e = wire::ids_from_csv(b"ecd-a,\"Finance team\necd-b\n", "desktops.csv", Field::DesktopId).unwrap_err();
/// assert_eq!(
///     e.to_string(),
///     "desktops.csv, line 1: the quote that opens cell 2 is not closed on its line: a cell \
///      cannot span lines (is a quote stray?)"
/// );
/// # Ok::<(), Error>(())
/// ```
pub fn ids_from_csv(input: &[u8], file: &str, field: Field) -> Result<IdList, Error> {
    super::reject_utf16(input, file)?;
    let body = super::text::strip_bom(input);
    let out_of_memory = || Error::OutOfMemory {
        input: file.to_owned(),
        field: Some(field),
    };
    // Room for every ID at once, as the lines bound it: no line's end is in an ID, and a
    // line that is not empty holds one ID at most. Reserved but not touched beyond the IDs,
    // and freed below.
    let (lines, line_ends) = line_counts(body);
    let mut ids = IdList::new();
    ids.try_reserve(lines, body.len() - line_ends)
        .map_err(|_| out_of_memory())?;
    let mut full = false;
    let read = read_rows(body, field, |_, id| {
        full = full || ids.try_push(id).is_err();
    });
    if full {
        return Err(out_of_memory());
    }
    ids.shrink_to_fit();
    // The file, the list (its text and 4 bytes per ID) and the repeat check's scratch stay
    // within three times the file, when the IDs are not too short for it (see the scratch's
    // floor in `first_repeat_within`).
    let held = input.len() + ids.concatenated().len() + 4 * ids.len();
    let budget = (3 * input.len()).saturating_sub(held);
    match first_duplicate(&ids, body, file, field, budget) {
        // A repeat among the rows read comes before the problem that stopped the reading.
        Ok(Some(e)) => return Err(e),
        Ok(None) => {}
        Err(_) => return Err(out_of_memory()),
    }
    match read {
        Ok(()) => Ok(ids),
        Err((line, problem)) => Err(csv_error(file, line, problem)),
    }
}

/// The number of lines of `body` that are not empty, and of its line-end bytes (`\n` and
/// `\r`): one vectorisable pass.
fn line_counts(body: &[u8]) -> (usize, usize) {
    let is_end = |b: u8| b == b'\n' || b == b'\r';
    let ends = super::text::count(body, is_end);
    // A line that is not empty ends where a byte that is no line end is followed by one,
    // or by the end of the text.
    let closed = super::text::count_pairs(body, |a, b| !is_end(a) && is_end(b));
    let last = body.last().is_some_and(|&b| !is_end(b));
    (closed + usize::from(last), ends)
}

/// How the rows are laid out, as the first row that is not blank says.
#[derive(Clone, Copy)]
struct Layout {
    delimiter: u8,
    cells: usize,
    column: usize,
}

/// Reads the rows of `body` (without a byte order mark), calling `id` with the line and
/// text of each ID in order; stops at the first bad row, with its line and problem.
fn read_rows(
    body: &[u8],
    field: Field,
    mut id: impl FnMut(u64, &str),
) -> Result<(), (u64, CsvProblem)> {
    let mut layout: Option<Layout> = None;
    // A quoted ID with doubled quotes, unescaped.
    let mut unquoted: Vec<u8> = Vec::new();
    for (line, text) in lines(body) {
        if text.is_empty() {
            continue;
        }
        let at = |problem| (line, problem);
        let layout = match layout {
            Some(layout) => layout,
            None => match first_row(text, field).map_err(at)? {
                None => continue,
                Some((found, header)) => {
                    layout = Some(found);
                    if header {
                        continue;
                    }
                    found
                }
            },
        };
        let mut cell: Option<Cell<'_>> = None;
        let mut blank = true;
        let cells = split(text, layout.delimiter, |i, c| {
            blank &= c.inner.is_empty();
            if i == layout.column {
                cell = Some(c);
            }
        })
        .map_err(at)?;
        if blank {
            continue;
        }
        if cells != layout.cells {
            return Err(at(CsvProblem::UnequalRow {
                cells: cells as u64,
                expected: layout.cells as u64,
            }));
        }
        let bytes = match cell {
            Some(c) => c.text(&mut unquoted),
            None => &[],
        };
        let problem = match core::str::from_utf8(bytes) {
            Err(_) => CsvProblem::NotUtf8 { field },
            Ok("") => CsvProblem::EmptyId { field },
            Ok(text) if text.trim_ascii().eq_ignore_ascii_case(field.name()) => {
                CsvProblem::HeaderAgain {
                    field,
                    value: shown(text),
                }
            }
            Ok(text) => match id_problem(text) {
                None => {
                    id(line, text);
                    continue;
                }
                Some(IdProblem::ControlCharacter { character }) => CsvProblem::ControlCharacter {
                    field,
                    value: shown(text),
                    character,
                },
                Some(_) => CsvProblem::Whitespace {
                    field,
                    value: shown(text),
                },
            },
        };
        return Err(at(problem));
    }
    Ok(())
}

/// The layout that the first row that is not blank sets, and whether it is a header;
/// `None` for a blank row.
fn first_row(text: &[u8], field: Field) -> Result<Option<(Layout, bool)>, CsvProblem> {
    let mut commas = None;
    for delimiter in [b',', b';', b'\t'] {
        let mut blank = true;
        let (mut own, mut own_again, mut other) = (None, false, false);
        let cells = split(text, delimiter, |i, c| {
            blank &= c.inner.is_empty();
            if names(c.inner, field) {
                own_again |= own.is_some();
                own = own.or(Some(i));
            } else if names(c.inner, other_list(field)) {
                other = true;
            }
        });
        let cells = match (cells, delimiter) {
            (Ok(cells), _) => cells,
            // The file's quoting is read as comma-separated: its problems are told so.
            (Err(problem), b',') => return Err(problem),
            (Err(_), _) => continue,
        };
        if blank {
            return Ok(None);
        }
        if own_again {
            return Err(CsvProblem::HeaderRepeated { field });
        }
        if let Some(column) = own {
            let layout = Layout {
                delimiter,
                cells,
                column,
            };
            return Ok(Some((layout, true)));
        }
        if other {
            return Err(CsvProblem::WrongHeader {
                field,
                found: other_list(field),
            });
        }
        if delimiter == b',' {
            commas = Some(cells);
        }
        if cells > 1 {
            // No header: a row must be one ID.
            return Err(CsvProblem::NoHeader {
                field,
                cells: cells as u64,
                delimiter: char::from(delimiter),
            });
        }
    }
    let layout = Layout {
        delimiter: b',',
        cells: commas.unwrap_or(1),
        column: 0,
    };
    Ok(Some((layout, false)))
}

/// The other list: `EndUserId` for `DesktopId`, and `DesktopId` for any other.
fn other_list(field: Field) -> Field {
    match field {
        Field::DesktopId => Field::EndUserId,
        _ => Field::DesktopId,
    }
}

/// Whether a header cell names `field`'s column (any case, surrounding whitespace ignored).
fn names(cell: &[u8], field: Field) -> bool {
    cell.trim_ascii()
        .eq_ignore_ascii_case(field.name().as_bytes())
}

/// One cell of a row: its text between the quotes, if quoted.
#[derive(Clone, Copy)]
struct Cell<'a> {
    inner: &'a [u8],
    /// Quoted, with doubled quotes inside (`""`) to read as one.
    doubled: bool,
}

impl<'a> Cell<'a> {
    /// The cell's text, doubled quotes read as one (in `scratch` then).
    fn text<'s>(self, scratch: &'s mut Vec<u8>) -> &'s [u8]
    where
        'a: 's,
    {
        if !self.doubled {
            return self.inner;
        }
        scratch.clear();
        let mut rest = self.inner;
        while let Some(i) = rest.iter().position(|&b| b == b'"') {
            scratch.extend_from_slice(&rest[..=i]);
            rest = &rest[(i + 2).min(rest.len())..];
        }
        scratch.extend_from_slice(rest);
        scratch
    }
}

/// Splits the row `text` (one line, without its end) at `delimiter`, calling `each` with
/// every cell's 0-based index; the number of cells, or what is wrong with the quoting.
fn split<'a>(
    text: &'a [u8],
    delimiter: u8,
    mut each: impl FnMut(usize, Cell<'a>),
) -> Result<usize, CsvProblem> {
    let mut index = 0;
    let mut at = 0;
    loop {
        let rest = &text[at..];
        let end;
        if rest.first() == Some(&b'"') {
            // A quoted cell: up to the first quote that is not doubled.
            let mut close = 1;
            let mut doubled = false;
            loop {
                match rest[close..].iter().position(|&b| b == b'"') {
                    None => {
                        return Err(CsvProblem::UnclosedQuote {
                            cell: index as u64 + 1,
                        })
                    }
                    Some(i) if rest.get(close + i + 1) == Some(&b'"') => {
                        doubled = true;
                        close += i + 2;
                    }
                    Some(i) => {
                        close += i;
                        break;
                    }
                }
            }
            let inner = &rest[1..close];
            each(index, Cell { inner, doubled });
            end = at + close + 1;
            match text.get(end) {
                None => return Ok(index + 1),
                Some(&b) if b == delimiter => {}
                Some(_) => {
                    return Err(CsvProblem::TextAfterQuote {
                        cell: index as u64 + 1,
                    })
                }
            }
        } else {
            let len = rest.iter().position(|&b| b == delimiter);
            let inner = &rest[..len.unwrap_or(rest.len())];
            each(
                index,
                Cell {
                    inner,
                    doubled: false,
                },
            );
            match len {
                None => return Ok(index + 1),
                Some(len) => end = at + len,
            }
        }
        at = end + 1;
        index += 1;
    }
}

/// The lines of `body`, numbered from 1, without their ends (`\n`, `\r\n` or `\r`).
fn lines(body: &[u8]) -> impl Iterator<Item = (u64, &[u8])> {
    let mut at = 0;
    let mut line = 0;
    core::iter::from_fn(move || {
        if at >= body.len() {
            return None;
        }
        let rest = &body[at..];
        let len = rest
            .iter()
            .position(|&b| b == b'\n' || b == b'\r')
            .unwrap_or(rest.len());
        let end = if rest.get(len..len + 2) == Some(b"\r\n") {
            len + 2
        } else {
            len + 1
        };
        at += end;
        line += 1;
        Some((line, &rest[..len]))
    })
}

/// The first ID (by the line of its repetition) that repeats an earlier one.
fn first_duplicate(
    ids: &IdList,
    body: &[u8],
    file: &str,
    field: Field,
    budget: usize,
) -> Result<Option<Error>, TryReserveError> {
    let Some((first, second)) = ids.first_repeat_within(&mut Scratch::default(), budget)? else {
        return Ok(None);
    };
    // The lines are found again by reading the rows up to the repetition: kept for every
    // ID, they would cost 8 bytes each, on an error path.
    let (mut first_line, mut line, mut index) = (0, 0, 0);
    let _ = read_rows(body, field, |at, _| {
        if index == first {
            first_line = at;
        }
        if index == second {
            line = at;
        }
        index += 1;
    });
    let problem = CsvProblem::DuplicateId {
        field,
        value: shown(&ids[second]),
        first_line,
    };
    Ok(Some(csv_error(file, line, problem)))
}

fn csv_error(file: &str, line: u64, problem: CsvProblem) -> Error {
    Error::Csv {
        file: file.to_owned(),
        line,
        problem,
    }
}
