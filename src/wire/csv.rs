//! Lists of IDs kept in spreadsheets: one ID a row of a CSV file.

use std::collections::HashMap;

use crate::error::{shown, CsvProblem, Error, Field};
use crate::ids::IdList;

/// Reads a list of IDs (`DesktopId` or `EndUserId`, as `field` says) from the text of a CSV
/// file, as a spreadsheet exports it. `file` names the file in error messages.
///
/// * One ID a row. When the first row that is not blank has a cell naming the list
///   (`DesktopId` or `EndUserId`, any case, surrounding whitespace ignored), it is a header
///   and that column is read; otherwise the first column is read and the first row is data.
/// * Blank rows are skipped: empty lines, and rows whose cells are all empty (a spreadsheet
///   writes an empty row of three columns as `,,`). A cell of whitespace is not empty: a row
///   of them is rejected, as whitespace around an ID is.
/// * A later row whose ID is the column's name (any case, surrounding whitespace ignored) is
///   rejected: it is a second header row, as when two exports are pasted together.
/// * Cells are read as the CSV reader gives them: quotes (`"a,b"`) are understood, nothing
///   is trimmed. A UTF-8 byte order mark at the start is skipped. Rows must all have as many
///   cells as the first one that is not blank (a comma inside an unquoted ID shows up so).
///
/// Costs `O(len)` expected time (duplicates are found with a hash table) and memory.
///
/// # Errors
///
/// [`Error::Csv`], naming `file` and the 1-based line where the row starts (the header and
/// blank lines count), for the first bad row: an empty ID cell, an ID that is the column's
/// name (a second header row), an ID that begins or ends with whitespace, an ID that
/// repeats an earlier row (both lines are named), a cell that is not UTF-8, a row with a
/// different number of cells; and for a header that names the column twice, or that names
/// the other list's column instead (the files swapped).
///
/// ```
/// use eds_entitlement::{wire, Error, Field};
///
/// let ids = wire::ids_from_csv(b"Name,DesktopId\nfirst,ecd-a\n\n,,\nsecond,ecd-b\n", "desktops.csv", Field::DesktopId)?;
/// assert_eq!(ids.iter().collect::<Vec<_>>(), ["ecd-a", "ecd-b"]);
///
/// let e = wire::ids_from_csv(b"ecd-a\necd-b\necd-a\n", "desktops.csv", Field::DesktopId).unwrap_err();
/// assert_eq!(e.to_string(), r#"desktops.csv, line 3: DesktopId "ecd-a" repeats line 1: IDs must be unique"#);
/// # Ok::<(), Error>(())
/// ```
pub fn ids_from_csv(input: &[u8], file: &str, field: Field) -> Result<IdList, Error> {
    let input = input.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(input);
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(input);
    let mut ids = IdList::with_capacity(input.len() / 16, input.len());
    let mut lines: Vec<u64> = Vec::with_capacity(input.len() / 16);
    let mut layout: Option<(usize, usize)> = None; // (cells a row, the ID column)
    let mut record = csv::ByteRecord::new();
    let mut lines_before = LineCounter::default();
    loop {
        let at = reader.position().byte();
        let row = match reader.read_byte_record(&mut record) {
            Ok(false) => break,
            Ok(true) => lines_before.line_of(input, record.position().map_or(at, |p| p.byte())),
            Err(e) => {
                let line = lines_before.line_of(input, e.position().map_or(at, |p| p.byte()));
                let problem = CsvProblem::Malformed {
                    message: e.to_string(),
                };
                return Err(earliest(&ids, &lines, file, field, line, problem));
            }
        };
        if record.iter().all(<[u8]>::is_empty) {
            continue;
        }
        let column = match layout {
            Some((cells, column)) => {
                if record.len() != cells {
                    let problem = CsvProblem::UnequalRow {
                        cells: record.len() as u64,
                        expected: cells as u64,
                    };
                    return Err(earliest(&ids, &lines, file, field, row, problem));
                }
                column
            }
            None => {
                let header =
                    header(&record, field).map_err(|problem| csv_error(file, row, problem))?;
                layout = Some((record.len(), header.unwrap_or(0)));
                if header.is_some() {
                    continue;
                }
                0
            }
        };
        let cell = record.get(column).unwrap_or_default();
        let problem = match core::str::from_utf8(cell) {
            Err(_) => CsvProblem::NotUtf8 { field },
            Ok("") => CsvProblem::EmptyId { field },
            Ok(id) if id.trim_ascii().eq_ignore_ascii_case(field.name()) => {
                CsvProblem::HeaderAgain {
                    field,
                    value: shown(id),
                }
            }
            Ok(id) if id.trim() != id => CsvProblem::Whitespace {
                field,
                value: shown(id),
            },
            Ok(id) => {
                ids.push(id);
                lines.push(row);
                continue;
            }
        };
        return Err(earliest(&ids, &lines, file, field, row, problem));
    }
    match first_duplicate(&ids, &lines, file, field) {
        Some(e) => Err(e),
        None => Ok(ids),
    }
}

/// The 1-based line of a record, from its byte position.
///
/// `csv` skips empty lines without counting all of them in its own line numbers, and a
/// record's byte position is where the skipped lines began; so lines are counted here, once
/// over the input, from the first byte that is not a line break.
#[derive(Default)]
struct LineCounter {
    offset: usize,
    line: u64,
}

impl LineCounter {
    /// The line of the record whose position is `byte` (never before an earlier one's).
    fn line_of(&mut self, input: &[u8], byte: u64) -> u64 {
        let mut start = usize::try_from(byte)
            .unwrap_or(input.len())
            .min(input.len());
        while matches!(input.get(start), Some(b'\r' | b'\n')) {
            start += 1;
        }
        let start = start.max(self.offset);
        // A line ends at `\n`, or at a `\r` alone (as old Mac files end lines).
        self.line += (self.offset..start)
            .filter(|&i| {
                input[i] == b'\n' || (input[i] == b'\r' && input.get(i + 1) != Some(&b'\n'))
            })
            .count() as u64;
        self.offset = start;
        self.line + 1
    }
}

/// The column that `record` names as `field`'s, if it is a header.
fn header(record: &csv::ByteRecord, field: Field) -> Result<Option<usize>, CsvProblem> {
    let names = |wanted: Field| {
        record
            .iter()
            .enumerate()
            .filter(move |(_, cell)| {
                cell.trim_ascii()
                    .eq_ignore_ascii_case(wanted.name().as_bytes())
            })
            .map(|(i, _)| i)
    };
    let mut own = names(field);
    match (own.next(), own.next()) {
        (Some(_), Some(_)) => Err(CsvProblem::HeaderRepeated { field }),
        (Some(column), None) => Ok(Some(column)),
        (None, _) => {
            let other = if field == Field::DesktopId {
                Field::EndUserId
            } else {
                Field::DesktopId
            };
            match names(other).next() {
                Some(_) => Err(CsvProblem::WrongHeader {
                    field,
                    found: other,
                }),
                None => Ok(None),
            }
        }
    }
}

/// The error for `problem` at `line`, unless a duplicate among the rows read before it
/// comes first.
fn earliest(
    ids: &IdList,
    lines: &[u64],
    file: &str,
    field: Field,
    line: u64,
    problem: CsvProblem,
) -> Error {
    first_duplicate(ids, lines, file, field).unwrap_or_else(|| csv_error(file, line, problem))
}

/// The first ID (by the line of its repetition) that repeats an earlier one.
fn first_duplicate(ids: &IdList, lines: &[u64], file: &str, field: Field) -> Option<Error> {
    let mut seen: HashMap<&str, u64> = HashMap::with_capacity(ids.len());
    for (id, &line) in ids.iter().zip(lines) {
        if let Some(&first_line) = seen.get(id) {
            let problem = CsvProblem::DuplicateId {
                field,
                value: shown(id),
                first_line,
            };
            return Some(csv_error(file, line, problem));
        }
        seen.insert(id, line);
    }
    None
}

fn csv_error(file: &str, line: u64, problem: CsvProblem) -> Error {
    Error::Csv {
        file: file.to_owned(),
        line,
        problem,
    }
}
