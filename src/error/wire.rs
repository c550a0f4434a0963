//! The details of a rejected wire form: the RPC query form and CSV files of IDs.

use alloc::borrow::ToOwned;
use alloc::format;
use alloc::string::String;
use core::fmt;

use super::Field;

/// What is wrong with the text of a request in the query form.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum QueryProblem {
    /// A `%` not followed by two hex digits (`%G1`, or `%4` at the end).
    BadEscape {
        /// The escape as written, up to three bytes.
        text: String,
    },
    /// The name or value is not UTF-8 once percent-decoded.
    NotUtf8,
    /// A pair without `=` (`Preview` instead of `Preview=true`).
    NoValue,
    /// A pair with nothing before its `=`.
    NoName {
        /// The value after the `=`, percent-decoded when it can be, shortened.
        value: String,
    },
}

impl fmt::Display for QueryProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            QueryProblem::BadEscape { text } => write!(
                f,
                "{text:?} is not a percent escape: '%' must be followed by two hex digits"
            ),
            QueryProblem::NotUtf8 => f.write_str("the text is not UTF-8 once percent-decoded"),
            QueryProblem::NoValue => f.write_str("it has no '=' and no value"),
            QueryProblem::NoName { value } => write!(
                f,
                "the value {value:?} has no parameter name before its '='"
            ),
        }
    }
}

/// What is wrong with a row of a CSV file of IDs.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum CsvProblem {
    /// The row's ID cell is empty while other cells of the row are not.
    EmptyId {
        /// The list the file fills.
        field: Field,
    },
    /// The ID begins or ends with whitespace (a padded spreadsheet cell).
    Whitespace {
        /// The list the file fills.
        field: Field,
        /// The ID, shortened.
        value: String,
    },
    /// The ID holds a control character (a raw NUL, tab, …), which IDs do not have.
    ControlCharacter {
        /// The list the file fills.
        field: Field,
        /// The ID, shortened.
        value: String,
        /// The first control character in it.
        character: char,
    },
    /// The ID was already on an earlier line.
    DuplicateId {
        /// The list the file fills.
        field: Field,
        /// The ID, shortened.
        value: String,
        /// The 1-based line of its first occurrence.
        first_line: u64,
    },
    /// A row after the first whose ID is the column's name (any case, padded): a second
    /// header row, as when two exports are pasted together.
    HeaderAgain {
        /// The list the file fills.
        field: Field,
        /// The cell, shortened.
        value: String,
    },
    /// The header row names the column more than once.
    HeaderRepeated {
        /// The list the file fills.
        field: Field,
    },
    /// The header row names the other list's column and not this one's.
    WrongHeader {
        /// The list the file fills.
        field: Field,
        /// The column the header names.
        found: Field,
    },
    /// A row with a different number of cells from the rows before it.
    UnequalRow {
        /// The cells in this row.
        cells: u64,
        /// The cells in the rows before it.
        expected: u64,
    },
    /// The row's ID cell is not UTF-8 text.
    NotUtf8 {
        /// The list the file fills.
        field: Field,
    },
    /// The first row that is not blank has several cells and names no column: without a
    /// header, a row must be one ID.
    NoHeader {
        /// The list the file fills.
        field: Field,
        /// The cells in the row.
        cells: u64,
        /// What separates them: `,`, `;` or a tab.
        delimiter: char,
    },
    /// A cell opens a quote that its line does not close: a stray quote, or a cell spanning
    /// lines, which no ID does.
    UnclosedQuote {
        /// The cell's 1-based column.
        cell: u64,
    },
    /// A quoted cell followed by more text before the separator (`"ecd-a"x`).
    TextAfterQuote {
        /// The cell's 1-based column.
        cell: u64,
    },
}

impl fmt::Display for CsvProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CsvProblem::EmptyId { field } => {
                write!(f, "the {field} cell is empty, but IDs must not be empty")
            }
            CsvProblem::Whitespace { field, value } => write!(
                f,
                "{field} {value:?} begins or ends with whitespace, which IDs do not have"
            ),
            CsvProblem::ControlCharacter {
                field,
                value,
                character,
            } => write!(
                f,
                "{field} {value:?} holds the control character U+{:04X}: IDs must be printable \
                 text",
                u32::from(*character)
            ),
            CsvProblem::DuplicateId {
                field,
                value,
                first_line,
            } => write!(
                f,
                "{field} {value:?} repeats line {first_line}: IDs must be unique"
            ),
            CsvProblem::HeaderAgain { field, value } => write!(
                f,
                "{field} {value:?} is the column's name, not an ID: is a second header row \
                 pasted in?"
            ),
            CsvProblem::HeaderRepeated { field } => {
                write!(f, "the header names the {field} column more than once")
            }
            CsvProblem::WrongHeader { field, found } => write!(
                f,
                "the header names the {found} column but no {field} column: are the files swapped?"
            ),
            CsvProblem::UnequalRow { cells, expected } => write!(
                f,
                "the row has {cells} cells, but the rows before it have {expected} \
                 (is a comma in an ID not quoted?)"
            ),
            CsvProblem::NotUtf8 { field } => {
                write!(
                    f,
                    "the {field} cell is not UTF-8 text (save the file as UTF-8)"
                )
            }
            CsvProblem::NoHeader {
                field,
                cells,
                delimiter,
            } => {
                let separated = match delimiter {
                    '\t' => "tabs".to_owned(),
                    c => format!("'{c}'"),
                };
                write!(
                    f,
                    "the first row has {cells} cells separated by {separated} but no header: \
                     a file of several columns needs a header row naming its {field} column"
                )
            }
            CsvProblem::UnclosedQuote { cell } => write!(
                f,
                "the quote that opens cell {cell} is not closed on its line: a cell cannot span \
                 lines (is a quote stray?)"
            ),
            CsvProblem::TextAfterQuote { cell } => write!(
                f,
                "cell {cell} has text after its closing quote: quote the whole cell, and double \
                 the quotes inside it"
            ),
        }
    }
}

impl QueryProblem {
    /// The text the message quotes, if any.
    pub(super) fn value(&self) -> Option<&str> {
        match self {
            QueryProblem::BadEscape { text } => Some(text),
            QueryProblem::NoName { value } => Some(value),
            QueryProblem::NotUtf8 | QueryProblem::NoValue => None,
        }
    }
}

impl CsvProblem {
    /// The list the file fills, when the problem names it.
    pub(super) fn field(&self) -> Option<Field> {
        match self {
            CsvProblem::EmptyId { field }
            | CsvProblem::Whitespace { field, .. }
            | CsvProblem::DuplicateId { field, .. }
            | CsvProblem::HeaderAgain { field, .. }
            | CsvProblem::HeaderRepeated { field }
            | CsvProblem::WrongHeader { field, .. }
            | CsvProblem::ControlCharacter { field, .. }
            | CsvProblem::NoHeader { field, .. }
            | CsvProblem::NotUtf8 { field } => Some(*field),
            CsvProblem::UnequalRow { .. }
            | CsvProblem::UnclosedQuote { .. }
            | CsvProblem::TextAfterQuote { .. } => None,
        }
    }

    /// The cell the message quotes, if any.
    pub(super) fn value(&self) -> Option<&str> {
        match self {
            CsvProblem::Whitespace { value, .. }
            | CsvProblem::DuplicateId { value, .. }
            | CsvProblem::HeaderAgain { value, .. }
            | CsvProblem::ControlCharacter { value, .. } => Some(value),
            CsvProblem::EmptyId { .. }
            | CsvProblem::HeaderRepeated { .. }
            | CsvProblem::WrongHeader { .. }
            | CsvProblem::UnequalRow { .. }
            | CsvProblem::NotUtf8 { .. }
            | CsvProblem::NoHeader { .. }
            | CsvProblem::UnclosedQuote { .. }
            | CsvProblem::TextAfterQuote { .. } => None,
        }
    }
}
