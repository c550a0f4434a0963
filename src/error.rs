//! The one error type of the crate: every rejection of a request.

use alloc::borrow::ToOwned;
use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec::Vec;
use core::fmt;

/// A parameter of the `BatchModifyEntitlement` request, named as the API names it.
///
/// Its [`Display`](fmt::Display) is the API's parameter name, so messages read
/// `parameter 'MaxUserPerDesktop' …`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum Field {
    /// `RegionId`: the region, e.g. `cn-hangzhou`.
    RegionId,
    /// `DesktopId`: the desktops whose end users the call sets.
    DesktopId,
    /// `EndUserId`: the end users to assign.
    EndUserId,
    /// `MaxUserPerDesktop`: users per desktop.
    MaxUserPerDesktop,
    /// `MaxDesktopPerUser`: desktops per user.
    MaxDesktopPerUser,
    /// `Strategy`: `AVERAGE` or `CENTRAL`.
    Strategy,
    /// `Preview`: preview only, or a task to execute.
    Preview,
}

impl Field {
    /// Every parameter of the request, in the order of the API's documentation. A slice,
    /// so that a parameter added later is not a breaking change.
    pub const ALL: &'static [Field] = &[
        Field::RegionId,
        Field::MaxUserPerDesktop,
        Field::MaxDesktopPerUser,
        Field::Strategy,
        Field::DesktopId,
        Field::EndUserId,
        Field::Preview,
    ];

    /// The API's name of this parameter.
    pub const fn name(self) -> &'static str {
        match self {
            Field::RegionId => "RegionId",
            Field::DesktopId => "DesktopId",
            Field::EndUserId => "EndUserId",
            Field::MaxUserPerDesktop => "MaxUserPerDesktop",
            Field::MaxDesktopPerUser => "MaxDesktopPerUser",
            Field::Strategy => "Strategy",
            Field::Preview => "Preview",
        }
    }

    /// The parameter with exactly this API name.
    pub fn from_name(name: &str) -> Option<Field> {
        Field::ALL.iter().copied().find(|f| f.name() == name)
    }

    /// The known parameter whose name is closest to `name`, when one is close enough to be
    /// a likely typo (`MaxUsersPerDesktop` → `MaxUserPerDesktop`, `regionid` → `RegionId`).
    ///
    /// Costs `O(1)` whatever the length of `name`: a name too much longer than every known
    /// one to be within a typo of it gets no suggestion, without computing a distance.
    pub fn closest(name: &str) -> Option<Field> {
        // The edit distance is at least the difference in length, so a name more than
        // `typos(f)` characters longer than the longest name `f` is near none.
        let longest = Field::ALL
            .iter()
            .map(|f| f.name().len() + typos(*f))
            .max()
            .unwrap_or(0);
        if name.chars().nth(longest).is_some() {
            return None;
        }
        let lower = name.to_ascii_lowercase();
        Field::ALL
            .iter()
            .copied()
            .map(|f| (edit_distance(&lower, &f.name().to_ascii_lowercase()), f))
            .filter(|&(d, f)| d <= typos(f))
            .min_by_key(|&(d, _)| d)
            .map(|(_, f)| f)
    }
}

impl fmt::Display for Field {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// What is wrong with a limit (`MaxUserPerDesktop` or `MaxDesktopPerUser`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum LimitProblem {
    /// Below zero.
    Negative,
    /// A number with a fraction or an exponent.
    Fractional,
    /// Not a number at all.
    NotANumber,
    /// Above the API's maximum of 500.
    TooLarge,
}

impl fmt::Display for LimitProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            LimitProblem::Negative => "which is negative",
            LimitProblem::Fractional => "which is not a whole number",
            LimitProblem::NotANumber => "which is not a number",
            LimitProblem::TooLarge => "which is above the API's maximum of 500",
        })
    }
}

/// What makes a string no ID, whichever form brought it: the one rule of
/// [`id_problem`](crate::id_problem), which [`Request::check`](crate::Request::check) and
/// every reader apply.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum IdProblem {
    /// A control character anywhere: U+0000 to U+001F (NUL, tab, line breaks, …), U+007F
    /// (DEL) or U+0080 to U+009F (C1), however it was written (a JSON escape, `%00`, a raw
    /// byte).
    ControlCharacter {
        /// The first one in the ID.
        character: char,
    },
    /// Whitespace at the start or the end: a padded cell, a space copied with the ID.
    Whitespace,
}

impl fmt::Display for IdProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            IdProblem::ControlCharacter { character } => write!(
                f,
                "which holds the control character U+{:04X}: IDs must be printable text",
                u32::from(*character)
            ),
            IdProblem::Whitespace => {
                f.write_str("which begins or ends with whitespace: IDs must not be padded")
            }
        }
    }
}

/// What is wrong with the item number of a list parameter in the query form
/// (`DesktopId.N`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum IndexProblem {
    /// `Name.0`: items are numbered from 1.
    Zero,
    /// `Name.01`: a second spelling of an item number, which no SDK writes.
    LeadingZero,
    /// `Name.x`, `Name.`, `Name.-1`, `Name.1.2`: not a decimal number.
    NotANumber,
}

impl fmt::Display for IndexProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            IndexProblem::Zero => "which is zero",
            IndexProblem::LeadingZero => "which has a leading zero",
            IndexProblem::NotANumber => "which is not a whole number",
        })
    }
}

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

/// What is wrong with an item of a plan's `AssignModels` ([`Error::Plan`]).
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum PlanProblem {
    /// The item is not a JSON object.
    NotAnObject {
        /// The item as JSON, shortened.
        found: String,
    },
    /// The item has no `DesktopId` (or it is `null`).
    NoDesktopId,
    /// `DesktopId` is the empty string.
    EmptyDesktopId,
    /// A field of the wrong JSON type.
    WrongType {
        /// The field: `DesktopId`, `InnerStatus` or `EndUserIds`.
        key: &'static str,
        /// What it must be.
        expected: &'static str,
        /// The value as JSON, shortened.
        found: String,
    },
    /// A desktop that is not `FAILED` without an `EndUserIds` list.
    NoEndUserIds,
    /// An item of `EndUserIds` that is not a non-empty string.
    NotAUserId {
        /// Its 1-based position in `EndUserIds`.
        user: usize,
        /// The value as JSON, shortened.
        found: String,
    },
    /// A user twice in one desktop's `EndUserIds`.
    RepeatedUser {
        /// The user, shortened.
        user: String,
        /// The 1-based position of its first occurrence.
        first: usize,
        /// The 1-based position of its repetition.
        second: usize,
    },
    /// An `InnerStatus` the API does not have.
    UnknownStatus {
        /// The value, shortened.
        value: String,
    },
    /// A desktop that an earlier item lists already.
    RepeatedDesktop {
        /// The desktop, shortened.
        desktop: String,
        /// The 1-based position of the earlier item.
        first: usize,
    },
    /// A field given twice in one item.
    RepeatedKey {
        /// The field.
        key: &'static str,
    },
    /// A `DesktopId`, or an item of `EndUserIds`, that breaks the one rule of IDs
    /// ([`id_problem`](crate::id_problem)).
    InvalidId {
        /// `DesktopId` or `EndUserIds`.
        key: &'static str,
        /// The 1-based position in `EndUserIds`; `None` for `DesktopId`.
        user: Option<usize>,
        /// The ID, shortened and quoted as a message shows it.
        value: String,
        /// What is wrong with it.
        problem: IdProblem,
    },
}

impl fmt::Display for PlanProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PlanProblem::NotAnObject { found } => write!(f, "is {found}, not an object"),
            PlanProblem::NoDesktopId => f.write_str("has no 'DesktopId'"),
            PlanProblem::EmptyDesktopId => f.write_str("has an empty 'DesktopId'"),
            PlanProblem::WrongType {
                key,
                expected,
                found,
            } => write!(f, "has '{key}' {found}, which is not {expected}"),
            PlanProblem::NoEndUserIds => {
                f.write_str("has no 'EndUserIds' list, which every desktop not FAILED needs")
            }
            PlanProblem::NotAUserId { user, found } => write!(
                f,
                "has 'EndUserIds' item {user} {found}, which is not a user ID (a non-empty string)"
            ),
            PlanProblem::RepeatedUser {
                user,
                first,
                second,
            } => write!(
                f,
                "has 'EndUserIds' item {second} {user:?}, which repeats item {first}: a desktop \
                 lists each user once"
            ),
            PlanProblem::UnknownStatus { value } => write!(
                f,
                "has 'InnerStatus' {value:?}, which is not a status: valid values are \
                 NOT_STARTED, STARTED, PROCESSING, FINISHED and FAILED"
            ),
            PlanProblem::RepeatedDesktop { desktop, first } => write!(
                f,
                "is desktop {desktop:?}, which repeats item {first}: a plan lists each desktop once"
            ),
            PlanProblem::RepeatedKey { key } => write!(f, "has '{key}' more than once"),
            PlanProblem::InvalidId {
                key,
                user: None,
                value,
                problem,
            } => write!(f, "has '{key}' {value:?}, {problem}"),
            PlanProblem::InvalidId {
                key,
                user: Some(user),
                value,
                problem,
            } => write!(f, "has '{key}' item {user} {value:?}, {problem}"),
        }
    }
}

/// What is wrong with a plan body around its `AssignModels` ([`Error::NotAPlan`]).
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum PlanShape {
    /// A field on the way to `AssignModels` is absent or `null`.
    Missing {
        /// The field's path, e.g. `Entitlements.AssignModels`.
        key: &'static str,
    },
    /// A field on the way of the wrong JSON type.
    WrongType {
        /// The field's path.
        key: &'static str,
        /// What it must be.
        expected: &'static str,
        /// The value as JSON, shortened.
        found: String,
    },
    /// A field on the way given twice.
    Repeated {
        /// The field's path.
        key: &'static str,
    },
}

impl fmt::Display for PlanShape {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PlanShape::Missing { key } => write!(f, "it has no '{key}'"),
            PlanShape::WrongType {
                key,
                expected,
                found,
            } => write!(f, "its '{key}' is {found}, not {expected}"),
            PlanShape::Repeated { key } => write!(f, "it has '{key}' more than once"),
        }
    }
}

/// What is wrong with a `DescribeDesktops` snapshot (the contract, §6), apart from its JSON
/// syntax ([`Error::SnapshotJson`]).
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum SnapshotProblem {
    /// The body is not a JSON object.
    BodyNotAnObject {
        /// What it is instead, e.g. `an array`.
        found: String,
    },
    /// The body has no `Desktops` key: it is not a `DescribeDesktops` response (a request,
    /// a plan, another operation's page). `Desktops` may be `null` or `[]`, not absent.
    NoDesktops,
    /// `Desktops` is neither an array nor `null`.
    DesktopsNotAnArray {
        /// What it is instead, shortened.
        found: String,
    },
    /// An item of `Desktops` is not a JSON object.
    DesktopNotAnObject {
        /// What it is instead, shortened.
        found: String,
    },
    /// A key that this crate reads is given twice in one object (the body's `Desktops`,
    /// a desktop's `DesktopId`, `DesktopStatus`, `ManagementFlags`, `ManagementFlag` or
    /// `EndUserIds`).
    RepeatedKey {
        /// The key.
        key: &'static str,
    },
    /// A desktop without `DesktopId` or `DesktopStatus`.
    Missing {
        /// The key.
        key: &'static str,
    },
    /// A value of the wrong JSON type.
    WrongType {
        /// The key.
        key: &'static str,
        /// The 1-based position, for an item of a list.
        position: Option<usize>,
        /// What the API gives there, e.g. `a string`.
        expected: &'static str,
        /// The value, shortened.
        found: String,
    },
    /// An `EndUserIds` item that is the empty string.
    EmptyUser {
        /// Its 1-based position in `EndUserIds`.
        position: usize,
    },
    /// A user listed twice on one desktop.
    RepeatedUser {
        /// The user's ID, shortened.
        value: String,
        /// The 1-based position of its first occurrence in `EndUserIds`.
        first: usize,
        /// The 1-based position of its repetition.
        second: usize,
    },
    /// A desktop that the snapshot has already (in this file or an earlier one).
    RepeatedDesktop {
        /// The desktop's ID, shortened.
        value: String,
        /// The file of its first occurrence, as named to the tool.
        first_file: String,
        /// Its 1-based position in that file's `Desktops`.
        first_position: usize,
    },
}

impl fmt::Display for SnapshotProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SnapshotProblem::BodyNotAnObject { found } => write!(
                f,
                "the body must be a JSON object (a DescribeDesktops response), but it is {found}"
            ),
            SnapshotProblem::NoDesktops => f.write_str(
                "the body has no 'Desktops' key, so it is not a DescribeDesktops response \
                 (a request, a plan or another operation's body?): a snapshot is the body \
                 DescribeDesktops returns, one per page or the pages merged",
            ),
            SnapshotProblem::DesktopsNotAnArray { found } => write!(
                f,
                "field 'Desktops' must be an array of desktops or null, but it is {found}"
            ),
            SnapshotProblem::DesktopNotAnObject { found } => {
                write!(f, "the desktop must be a JSON object, but it is {found}")
            }
            SnapshotProblem::RepeatedKey { key } => {
                write!(f, "field '{key}' is given more than once")
            }
            SnapshotProblem::Missing { key } => write!(f, "missing required field '{key}'"),
            SnapshotProblem::WrongType {
                key,
                position,
                expected,
                found,
            } => write!(
                f,
                "field '{key}'{} must be {expected}, but it is {found}",
                item(*position)
            ),
            SnapshotProblem::EmptyUser { position } => write!(
                f,
                "field 'EndUserIds' item {position} is an empty string, but IDs must not be empty"
            ),
            SnapshotProblem::RepeatedUser {
                value,
                first,
                second,
            } => write!(
                f,
                "field 'EndUserIds' item {second} is {value:?}, which repeats item {first}: \
                 a desktop lists each user once"
            ),
            SnapshotProblem::RepeatedDesktop {
                value,
                first_file,
                first_position,
            } => write!(
                f,
                "DesktopId {value:?} repeats desktop {first_position} of {}: a snapshot \
                 lists each desktop once",
                one_line(first_file)
            ),
        }
    }
}

/// Why a request was rejected.
///
/// Every message names the parameter, the offending value (shortened to
/// [`SHOWN_CHARS`] characters when long) and, for an item of a list, its 1-based position.
/// Messages are lowercase sentences without a final period, and are part of the interface:
/// the tests pin their wording.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A required parameter is absent (or `null` in JSON).
    #[error("missing required parameter '{field}'")]
    Missing {
        /// The parameter.
        field: Field,
    },
    /// A parameter was given twice in the JSON form, which does not keep the first value
    /// to show it; the query form reports [`Error::RepeatedParameter`], with both values.
    #[error("parameter '{field}' is given more than once")]
    Repeated {
        /// The parameter.
        field: Field,
    },
    /// A parameter given more than once in the query form: one of the request's
    /// (`Preview=true&Preview=false`) or an RPC common parameter (`Version` twice).
    #[error("parameter '{name}' is given more than once{}", then(.values.as_ref()))]
    RepeatedParameter {
        /// The parameter's name.
        name: &'static str,
        /// Its first and second values, shortened; `None` for the credentials
        /// (`Signature`, `SecurityToken`), whose values messages never show.
        values: Option<(String, String)>,
    },
    /// A parameter that the API does not have.
    #[error("unknown parameter {name:?}{}", suggest(*.suggestion))]
    UnknownField {
        /// The name as given, shortened.
        name: String,
        /// The known parameter it most resembles, if any.
        suggestion: Option<Field>,
    },
    /// A value of the wrong JSON type.
    #[error("parameter '{field}'{} must be {expected}, but it is {found}", item(*.position))]
    #[non_exhaustive]
    WrongType {
        /// The parameter.
        field: Field,
        /// The 1-based position, for an item of a list.
        position: Option<usize>,
        /// What the API takes, e.g. `a boolean (true or false)`.
        expected: &'static str,
        /// The value as given, shortened.
        found: String,
    },
    /// `RegionId` is not a region ID.
    #[error(
        "parameter 'RegionId' is {value:?}, which is not a region ID: it must be 1 to 64 \
         lowercase ASCII letters, digits and '-'"
    )]
    InvalidRegion {
        /// The value as given, shortened.
        value: String,
    },
    /// `DesktopId` lists no desktop.
    #[error("parameter '{field}' is empty, but it must list at least one ID")]
    EmptyList {
        /// The parameter.
        field: Field,
    },
    /// An ID that is the empty string.
    #[error("parameter '{field}' item {position} is an empty string, but IDs must not be empty")]
    EmptyId {
        /// The parameter.
        field: Field,
        /// The 1-based position of the item.
        position: usize,
    },
    /// An ID that breaks the rule of [`id_problem`](crate::id_problem): a control
    /// character anywhere, or whitespace at either end.
    #[error("parameter '{field}' item {position} is {value:?}, {problem}")]
    InvalidId {
        /// The parameter.
        field: Field,
        /// The 1-based position of the item.
        position: usize,
        /// The ID, shortened.
        value: String,
        /// What is wrong with it.
        problem: IdProblem,
    },
    /// The same ID twice in one list.
    #[error(
        "parameter '{field}' item {second} is {value:?}, which repeats item {first}: \
         IDs must be unique"
    )]
    DuplicateId {
        /// The parameter.
        field: Field,
        /// The ID, shortened.
        value: String,
        /// The 1-based position of its first occurrence.
        first: usize,
        /// The 1-based position of its repetition.
        second: usize,
    },
    /// A list longer than the API takes in one call (checked only when asked for).
    #[error("parameter '{field}' lists {count} IDs, but the API takes at most {max} in one call")]
    TooManyIds {
        /// The parameter.
        field: Field,
        /// How many IDs it lists.
        count: usize,
        /// The API's maximum.
        max: usize,
    },
    /// A list longer than the planner can index (2^32 - 1 IDs).
    #[error(
        "parameter '{field}' lists {count} IDs, more than the {} this crate can plan",
        u32::MAX
    )]
    ListTooLong {
        /// The parameter.
        field: Field,
        /// How many IDs it lists.
        count: usize,
    },
    /// A limit that is not a whole number from 0 to 500.
    #[error("parameter '{field}' is {}, {problem}: it must be a whole number from 0 to 500", one_line(.value))]
    InvalidLimit {
        /// The parameter.
        field: Field,
        /// The value as given, shortened.
        value: String,
        /// What is wrong with it.
        problem: LimitProblem,
    },
    /// A `Strategy` the API does not have.
    #[error("parameter 'Strategy' is {value:?}, which is not a strategy: valid values are AVERAGE and CENTRAL")]
    UnknownStrategy {
        /// The value as given, shortened.
        value: String,
    },
    /// A plan too large for memory: the request is valid, the machine too small.
    #[error(
        "the plan of {desktops} desktops and {assignments} (desktop, user) pairs does not fit \
         in memory: set MaxUserPerDesktop or MaxDesktopPerUser, or plan fewer desktops or users"
    )]
    #[non_exhaustive]
    PlanTooLarge {
        /// `n`.
        desktops: u64,
        /// `T`.
        assignments: u64,
    },
    /// A bad item of a plan's `AssignModels` (the contract, §8).
    #[error("plan 'AssignModels' item {position} {problem}")]
    Plan {
        /// The item's 1-based position in `AssignModels`.
        position: usize,
        /// What is wrong with it.
        problem: PlanProblem,
    },
    /// A plan body without a list of desktops where `AssignModels` should be.
    #[error("the plan is not a BatchModifyEntitlement response body: {problem}")]
    NotAPlan {
        /// What is missing or wrong.
        problem: PlanShape,
    },
    /// Make-before-break asked for without a snapshot of the fleet (the contract, §8.1).
    #[error(
        "make-before-break needs a snapshot of the fleet as it is: without one, who has \
         which desktop now is unknown"
    )]
    MakeBeforeBreakWithoutSnapshot,
    /// A plan with no desktop at all to compare with a snapshot (the contract, §8.2).
    #[error("the plan lists no desktop: there is nothing to check")]
    EmptyPlan,
    /// A task's desktop moved other than `NOT_STARTED` → `STARTED` → `PROCESSING` →
    /// `FINISHED` or `FAILED` (the contract, §8).
    #[error(
        "desktop {desktop:?} cannot move from {from} to {to}: a desktop moves only \
         NOT_STARTED → STARTED → PROCESSING → FINISHED or FAILED"
    )]
    IllegalMove {
        /// The desktop, shortened.
        desktop: String,
        /// Its status.
        from: crate::status::Status,
        /// The status asked for.
        to: crate::status::Status,
    },
    /// A desktop that the task does not have.
    #[error("desktop {desktop:?} is not in the task")]
    NotInTask {
        /// The desktop, shortened.
        desktop: String,
    },
    /// A polling policy whose waits could not end or could not be kept.
    #[error(
        "polling policy has a first wait of {first:?} and a longest wait of {longest:?}: the \
         first must be more than zero and no longer than the longest"
    )]
    PollingPolicy {
        /// The first wait.
        first: core::time::Duration,
        /// The longest wait.
        longest: core::time::Duration,
    },
    /// Text that is not JSON.
    #[error("malformed JSON at line {line}, column {column}: {message}")]
    #[non_exhaustive]
    Json {
        /// The 1-based line.
        line: usize,
        /// The 1-based column.
        column: usize,
        /// What the JSON parser expected.
        message: String,
    },
    /// Text that is not a well-formed query string (`a=1&b=2`).
    #[error("malformed query at byte {byte}{}: {problem}", in_parameter(.parameter.as_deref()))]
    #[non_exhaustive]
    Query {
        /// The 1-based position, in bytes from the start of the input, of the problem.
        byte: usize,
        /// The parameter's name as far as it could be read, shortened.
        parameter: Option<String>,
        /// What is wrong.
        problem: QueryProblem,
    },
    /// A list parameter in the query form without its item number (`DesktopId=…`).
    #[error(
        "parameter '{field}' needs an item number: a list is sent as '{field}.1', \
         '{field}.2', …"
    )]
    NotIndexed {
        /// The parameter.
        field: Field,
    },
    /// A list item's number in the query form that is not 1, 2, 3, … written plainly.
    #[error(
        "parameter '{field}.{}' has item number {index:?}, {problem}: items are \
         numbered 1, 2, 3, … in decimal",
        one_line(.index)
    )]
    BadIndex {
        /// The parameter.
        field: Field,
        /// The item number as written, shortened.
        index: String,
        /// What is wrong with it.
        problem: IndexProblem,
    },
    /// The same list item twice in the query form (`DesktopId.2` twice).
    #[error("parameter '{field}.{position}' is given more than once: {first:?}, then {second:?}")]
    RepeatedItem {
        /// The parameter.
        field: Field,
        /// The 1-based item number.
        position: usize,
        /// The item's first value, shortened.
        first: String,
        /// Its second value, shortened.
        second: String,
    },
    /// A gap in the item numbers of a list in the query form.
    #[error(
        "parameter '{field}' has no item {missing} but has item {next}: items are numbered \
         1, 2, 3, … without a gap"
    )]
    MissingItem {
        /// The parameter.
        field: Field,
        /// The first item number that is absent.
        missing: usize,
        /// The next item number that is present, as written, shortened.
        next: String,
    },
    /// An `Action` other than `BatchModifyEntitlement`.
    #[error(
        "parameter 'Action' is {value:?}, but this tool reads only 'BatchModifyEntitlement' \
         requests"
    )]
    WrongAction {
        /// The value as given, shortened.
        value: String,
    },
    /// Input in UTF-16 (as PowerShell's `>` writes), which every reader rejects with this
    /// one line; see [`wire::reject_utf16`](crate::wire::reject_utf16).
    #[error("{} is UTF-16: save as UTF-8", one_line(.input))]
    Utf16 {
        /// What was read: a file's name as given, or `the request`.
        input: String,
    },
    /// Memory that a reader or a check needs for an input and cannot have: the input may
    /// be valid, the machine (or its limit) too small. The readers and
    /// [`Request::check`](crate::Request::check) reserve their memory in proportion to the
    /// input fallibly, and say so with this error instead of aborting.
    #[error(
        "{} does not fit in memory: reading and checking {} needs more memory than can be had",
        one_line(.input),
        field.map_or("it".to_owned(), |field| format!("its {field} list"))
    )]
    #[non_exhaustive]
    OutOfMemory {
        /// What was read or checked: a file's name as given, or `the request`.
        input: String,
        /// The list, when the input is one list of IDs.
        field: Option<Field>,
    },
    /// A bad row in a CSV file of IDs.
    #[error("{}, line {line}: {problem}", one_line(.file))]
    #[non_exhaustive]
    Csv {
        /// The file, as named to the tool.
        file: String,
        /// The 1-based line where the row starts, counting the header and blank lines.
        line: u64,
        /// What is wrong.
        problem: CsvProblem,
    },
    /// A `DescribeDesktops` snapshot (`preview --fleet`) that is not JSON.
    #[error(
        "{}: malformed JSON at byte {byte}{}: {message}",
        one_line(.file),
        in_desktop(*.desktop, *.after)
    )]
    #[non_exhaustive]
    SnapshotJson {
        /// The file, as named to the tool.
        file: String,
        /// The 1-based position, in bytes from the start of the file, of the problem.
        byte: usize,
        /// The 1-based position in `Desktops` of the desktop being read, if one was.
        desktop: Option<usize>,
        /// Between desktops (`desktop` is `None`): the 1-based position of the last desktop
        /// read whole, if one was and `Desktops` had not ended; the message names it ("after
        /// desktop 2"), so that a snapshot cut short after its last desktop names that one.
        after: Option<usize>,
        /// What the JSON parser expected.
        message: String,
    },
    /// A `DescribeDesktops` snapshot that is JSON but not a snapshot the contract's §6 reads.
    #[error("{}{}: {problem}", one_line(.file), at_desktop(*.desktop))]
    #[non_exhaustive]
    Snapshot {
        /// The file, as named to the tool.
        file: String,
        /// The 1-based position in the file's `Desktops` of the bad desktop, if the problem
        /// is in one.
        desktop: Option<usize>,
        /// What is wrong.
        problem: SnapshotProblem,
    },
    /// Pages of a snapshot whose `TotalCount` disagrees with the desktops they hold (the
    /// contract, §6.2): the pages that give one `TotalCount` (other than a page that holds
    /// exactly that many, complete by itself) are one listing, and hold exactly that many
    /// desktops. Fewer is a page missing; more is pages of different listings.
    #[error("{}", count_message(.file, *.pages, *.total_count, *.desktops))]
    #[non_exhaustive]
    SnapshotCount {
        /// The first page of the listing, as named to the tool.
        file: String,
        /// How many pages give this `TotalCount`.
        pages: usize,
        /// The `TotalCount` they give.
        total_count: u64,
        /// How many desktops they hold together.
        desktops: u64,
    },
    /// A request whose plan has more (desktop, user) pairs than
    /// [`CheckOptions::max_assignments`](crate::CheckOptions::max_assignments) allows: a
    /// service's budget, not the API's rule.
    #[error(
        "the plan of {desktops} desktops and {users} users has {assignments} (desktop, user) \
         pairs, more than the {max} allowed: set MaxUserPerDesktop or MaxDesktopPerUser, or \
         plan fewer desktops or users"
    )]
    #[non_exhaustive]
    TooManyAssignments {
        /// `n`.
        desktops: u64,
        /// `u`.
        users: u64,
        /// `T`, the plan's number of pairs.
        assignments: u64,
        /// The budget.
        max: u64,
    },
    /// An ID in a plan given by IDs (a response's `AssignModels`, read back) that the
    /// request does not list: see [`Plan::from_ids`](crate::Plan::from_ids).
    #[error(
        "the plan's row {row} names {field} {value:?}{}, which the request does not list",
        position.map(|p| format!(" (item {p} of the row)")).unwrap_or_default()
    )]
    #[non_exhaustive]
    UnknownId {
        /// [`Field::DesktopId`] or [`Field::EndUserId`].
        field: Field,
        /// The ID, shortened.
        value: String,
        /// The 1-based row of the plan (`AssignModels` item).
        row: usize,
        /// For a user, its 1-based position in the row's `EndUserIds`.
        position: Option<usize>,
    },
    /// A row of a plan given by IDs whose desktop is not the request's desktop at that
    /// place: the rows of a plan follow the request's `DesktopId` order.
    #[error(
        "the plan's row {row} is for DesktopId {value:?}, but the request lists it as item \
         {listed}: rows follow the request's order"
    )]
    #[non_exhaustive]
    MisplacedDesktop {
        /// The desktop ID, shortened.
        value: String,
        /// The 1-based row of the plan.
        row: usize,
        /// Its 1-based position in the request's `DesktopId`.
        listed: usize,
    },
}

impl Error {
    /// The request's parameter the error is about, when there is one: the parameter of a
    /// bad value or item, the list of a bad ID or CSV row. `None` for text that is not JSON
    /// or not a query, an unknown parameter (its name is [`Error::value`]), a parameter
    /// that is not the request's (`Action`, `Version`), a plan too large or over budget,
    /// a plan body or task error.
    ///
    /// With [`Error::position`] and [`Error::value`], it lets a service map any rejection
    /// to its own response body without matching every variant:
    ///
    /// ```
    /// use eds_entitlement::{Field, Request};
    ///
    /// let error = Request::new("cn-hangzhou", ["ecd-a", "ecd-b", "ecd-a"], ["Alice"])
    ///     .check()
    ///     .unwrap_err();
    /// assert_eq!(error.field(), Some(Field::DesktopId));
    /// assert_eq!(error.position(), Some(3));
    /// assert_eq!(error.value(), Some("ecd-a"));
    /// let body = format!(
    ///     r#"{{"Code":"InvalidParameter.{}","Message":{:?}}}"#,
    ///     error.field().map_or("Request", |f| f.name()),
    ///     error.to_string(),
    /// );
    /// assert!(body.starts_with(r#"{"Code":"InvalidParameter.DesktopId","#));
    /// ```
    #[must_use]
    pub fn field(&self) -> Option<Field> {
        match self {
            Error::Missing { field }
            | Error::Repeated { field }
            | Error::WrongType { field, .. }
            | Error::EmptyList { field }
            | Error::EmptyId { field, .. }
            | Error::DuplicateId { field, .. }
            | Error::InvalidId { field, .. }
            | Error::TooManyIds { field, .. }
            | Error::ListTooLong { field, .. }
            | Error::InvalidLimit { field, .. }
            | Error::NotIndexed { field }
            | Error::BadIndex { field, .. }
            | Error::RepeatedItem { field, .. }
            | Error::MissingItem { field, .. }
            | Error::UnknownId { field, .. } => Some(*field),
            Error::InvalidRegion { .. } => Some(Field::RegionId),
            Error::UnknownStrategy { .. } => Some(Field::Strategy),
            Error::MisplacedDesktop { .. } => Some(Field::DesktopId),
            Error::RepeatedParameter { name, .. } => Field::from_name(name),
            Error::Query { parameter, .. } => parameter.as_deref().and_then(|name| {
                Field::from_name(name.split_once('.').map_or(name, |(list, _)| list))
            }),
            Error::Csv { problem, .. } => problem.field(),
            Error::OutOfMemory { field, .. } => *field,
            Error::UnknownField { .. }
            | Error::PlanTooLarge { .. }
            | Error::Json { .. }
            | Error::Utf16 { .. }
            | Error::WrongAction { .. }
            | Error::TooManyAssignments { .. }
            | Error::Plan { .. }
            | Error::NotAPlan { .. }
            | Error::MakeBeforeBreakWithoutSnapshot
            | Error::EmptyPlan
            | Error::IllegalMove { .. }
            | Error::NotInTask { .. }
            | Error::PollingPolicy { .. }
            | Error::SnapshotJson { .. }
            | Error::Snapshot { .. }
            | Error::SnapshotCount { .. } => None,
        }
    }

    /// The 1-based position of the item in its list, for an error about one item of
    /// `DesktopId` or `EndUserId`: the second occurrence of a repeated ID, an empty ID, an
    /// item of the wrong type, a repeated or missing item number in the query form, a
    /// user in a plan's row; for a bad item of a plan's `AssignModels`, that item's
    /// position. `None` otherwise: the place in the text of malformed JSON, of
    /// a malformed query or of a CSV row is in the variant (`line`, `column`, `byte`).
    #[must_use]
    pub fn position(&self) -> Option<usize> {
        match self {
            Error::WrongType { position, .. } | Error::UnknownId { position, .. } => *position,
            Error::EmptyId { position, .. }
            | Error::InvalidId { position, .. }
            | Error::RepeatedItem { position, .. } => Some(*position),
            Error::DuplicateId { second, .. } => Some(*second),
            Error::MissingItem { missing, .. } => Some(*missing),
            Error::MisplacedDesktop { listed, .. } => Some(*listed),
            Error::Plan { position, .. } => Some(*position),
            Error::NotAPlan { .. }
            | Error::MakeBeforeBreakWithoutSnapshot
            | Error::EmptyPlan
            | Error::IllegalMove { .. }
            | Error::NotInTask { .. }
            | Error::PollingPolicy { .. }
            | Error::Missing { .. }
            | Error::Repeated { .. }
            | Error::RepeatedParameter { .. }
            | Error::UnknownField { .. }
            | Error::InvalidRegion { .. }
            | Error::EmptyList { .. }
            | Error::TooManyIds { .. }
            | Error::ListTooLong { .. }
            | Error::InvalidLimit { .. }
            | Error::UnknownStrategy { .. }
            | Error::PlanTooLarge { .. }
            | Error::Json { .. }
            | Error::Query { .. }
            | Error::NotIndexed { .. }
            | Error::BadIndex { .. }
            | Error::WrongAction { .. }
            | Error::Csv { .. }
            | Error::Utf16 { .. }
            | Error::OutOfMemory { .. }
            | Error::TooManyAssignments { .. }
            | Error::SnapshotJson { .. }
            | Error::Snapshot { .. }
            | Error::SnapshotCount { .. } => None,
        }
    }

    /// The offending value as the message quotes it (shortened to [`SHOWN_CHARS`]
    /// characters), when it quotes one: a bad region, limit, strategy, ID, item number or
    /// `Action`; the name of an unknown parameter; the second value of a repeated one;
    /// what was found instead of the expected type (`the number 42`); the ID of a bad CSV
    /// row; the value of a bad plan item; the desktop of a task's error. `None` when the
    /// message quotes no value (a missing parameter, an empty ID).
    #[must_use]
    pub fn value(&self) -> Option<&str> {
        match self {
            Error::InvalidRegion { value }
            | Error::DuplicateId { value, .. }
            | Error::InvalidId { value, .. }
            | Error::InvalidLimit { value, .. }
            | Error::UnknownStrategy { value }
            | Error::WrongAction { value }
            | Error::UnknownId { value, .. }
            | Error::MisplacedDesktop { value, .. } => Some(value),
            Error::UnknownField { name, .. } => Some(name),
            Error::WrongType { found, .. } => Some(found),
            Error::BadIndex { index, .. } => Some(index),
            Error::RepeatedItem { second, .. } => Some(second),
            Error::MissingItem { next, .. } => Some(next),
            Error::RepeatedParameter { values, .. } => values.as_ref().map(|(_, second)| &**second),
            Error::Query { problem, .. } => problem.value(),
            Error::Csv { problem, .. } => problem.value(),
            Error::Snapshot { problem, .. } => problem.value(),
            Error::Plan { problem, .. } => problem.value(),
            Error::NotAPlan { problem } => problem.value(),
            Error::IllegalMove { desktop, .. } | Error::NotInTask { desktop } => Some(desktop),
            Error::PollingPolicy { .. }
            | Error::MakeBeforeBreakWithoutSnapshot
            | Error::EmptyPlan
            | Error::Missing { .. }
            | Error::Repeated { .. }
            | Error::EmptyList { .. }
            | Error::EmptyId { .. }
            | Error::TooManyIds { .. }
            | Error::ListTooLong { .. }
            | Error::PlanTooLarge { .. }
            | Error::Json { .. }
            | Error::NotIndexed { .. }
            | Error::Utf16 { .. }
            | Error::OutOfMemory { .. }
            | Error::TooManyAssignments { .. }
            | Error::SnapshotCount { .. }
            | Error::SnapshotJson { .. } => None,
        }
    }
}

impl PlanProblem {
    /// The value the message quotes, if any.
    fn value(&self) -> Option<&str> {
        match self {
            PlanProblem::NotAnObject { found }
            | PlanProblem::WrongType { found, .. }
            | PlanProblem::NotAUserId { found, .. } => Some(found),
            PlanProblem::RepeatedUser { user, .. } => Some(user),
            PlanProblem::UnknownStatus { value } => Some(value),
            PlanProblem::RepeatedDesktop { desktop, .. } => Some(desktop),
            PlanProblem::InvalidId { value, .. } => Some(value),
            PlanProblem::NoDesktopId
            | PlanProblem::EmptyDesktopId
            | PlanProblem::NoEndUserIds
            | PlanProblem::RepeatedKey { .. } => None,
        }
    }
}

impl PlanShape {
    /// The value the message quotes, if any.
    fn value(&self) -> Option<&str> {
        match self {
            PlanShape::WrongType { found, .. } => Some(found),
            PlanShape::Missing { .. } | PlanShape::Repeated { .. } => None,
        }
    }
}

impl QueryProblem {
    /// The text the message quotes, if any.
    fn value(&self) -> Option<&str> {
        match self {
            QueryProblem::BadEscape { text } => Some(text),
            QueryProblem::NoName { value } => Some(value),
            QueryProblem::NotUtf8 | QueryProblem::NoValue => None,
        }
    }
}

impl SnapshotProblem {
    /// The value the message quotes, if any.
    fn value(&self) -> Option<&str> {
        match self {
            SnapshotProblem::BodyNotAnObject { found }
            | SnapshotProblem::DesktopsNotAnArray { found }
            | SnapshotProblem::DesktopNotAnObject { found }
            | SnapshotProblem::WrongType { found, .. } => Some(found),
            SnapshotProblem::RepeatedUser { value, .. }
            | SnapshotProblem::RepeatedDesktop { value, .. } => Some(value),
            SnapshotProblem::RepeatedKey { .. }
            | SnapshotProblem::NoDesktops
            | SnapshotProblem::Missing { .. }
            | SnapshotProblem::EmptyUser { .. } => None,
        }
    }
}

impl CsvProblem {
    /// The list the file fills, when the problem names it.
    fn field(&self) -> Option<Field> {
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
    fn value(&self) -> Option<&str> {
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

fn in_desktop(desktop: Option<usize>, after: Option<usize>) -> String {
    match (desktop, after) {
        (Some(d), _) => format!(", in desktop {d}"),
        (None, Some(d)) => format!(", after desktop {d}"),
        (None, None) => String::new(),
    }
}

/// The message of [`Error::SnapshotCount`]: the pages, both counts, and what to do.
fn count_message(file: &str, pages: usize, total_count: u64, desktops: u64) -> String {
    let file = one_line(file);
    let (which, hold) = match pages {
        1 => (format!("{file} gives TotalCount {total_count}"), "holds"),
        2 => (
            format!("{file} and 1 other page give TotalCount {total_count}"),
            "hold",
        ),
        _ => (
            format!(
                "{file} and {} other pages give TotalCount {total_count}",
                pages - 1
            ),
            "hold",
        ),
    };
    let but = |n: u64| if n == 1 { "desktop" } else { "desktops" };
    if desktops < total_count {
        format!(
            "{which} but {hold} {desktops} {}: {} {} missing (a page not given, or the fleet \
             changed while it was listed); give every page of one listing",
            but(desktops),
            total_count - desktops,
            if total_count - desktops == 1 {
                "is"
            } else {
                "are"
            }
        )
    } else {
        format!(
            "{which} but {hold} {desktops} {}, {} more: pages of different listings (or of a \
             fleet that changed while it was listed); give the pages of one listing",
            but(desktops),
            desktops - total_count
        )
    }
}

fn at_desktop(desktop: Option<usize>) -> String {
    desktop
        .map(|d| format!(", desktop {d}"))
        .unwrap_or_default()
}

fn in_parameter(name: Option<&str>) -> String {
    name.map(|n| format!(", in parameter {n:?}"))
        .unwrap_or_default()
}

/// Values quoted in messages are cut to this many characters, the cut marked with `…`.
pub const SHOWN_CHARS: usize = 64;

/// `value`, cut to [`SHOWN_CHARS`] characters for quoting in a message.
pub(crate) fn shown(value: &str) -> String {
    if value.char_indices().nth(SHOWN_CHARS).is_none() {
        return value.to_owned();
    }
    let kept: String = value.chars().take(SHOWN_CHARS - 1).collect();
    kept + "…"
}

/// `text` with its control characters escaped (`\n`, `\u{0}`), for text shown in a message
/// without quotes: every message is one line, and so is every ID in a report.
pub(crate) fn one_line(text: &str) -> alloc::borrow::Cow<'_, str> {
    if text.chars().any(char::is_control) {
        text.chars()
            .map(|c| {
                if c.is_control() {
                    c.escape_debug().to_string()
                } else {
                    c.to_string()
                }
            })
            .collect::<String>()
            .into()
    } else {
        text.into()
    }
}

fn then(values: Option<&(String, String)>) -> String {
    values
        .map(|(first, second)| format!(": {first:?}, then {second:?}"))
        .unwrap_or_default()
}

fn suggest(field: Option<Field>) -> String {
    match field {
        Some(f) => format!(": did you mean '{f}'?"),
        None => {
            let names: Vec<_> = Field::ALL.iter().map(|f| f.name()).collect();
            format!(": known parameters are {}", names.join(", "))
        }
    }
}

fn item(position: Option<usize>) -> String {
    position.map(|p| format!(" item {p}")).unwrap_or_default()
}

/// How many typos a name may have and still be taken for `field`'s.
fn typos(field: Field) -> usize {
    2.max(field.name().len() / 4)
}

/// Levenshtein distance, for suggestions among a handful of short names.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, &cb) in b.iter().enumerate() {
            let substitute = diagonal + usize::from(ca != cb);
            diagonal = row[j + 1];
            row[j + 1] = substitute.min(row[j] + 1).min(diagonal + 1);
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn closest_field_catches_typos_only() {
        assert_eq!(
            Field::closest("MaxUsersPerDesktop"),
            Some(Field::MaxUserPerDesktop)
        );
        assert_eq!(Field::closest("regionid"), Some(Field::RegionId));
        assert_eq!(Field::closest("DesktopIds"), Some(Field::DesktopId));
        assert_eq!(Field::closest("EndUserIds"), Some(Field::EndUserId));
        assert_eq!(Field::closest("Strategie"), Some(Field::Strategy));
        assert_eq!(Field::closest("Colour"), None);
        // The longest name within reach of a typo, and one character more.
        assert_eq!(
            Field::closest("MaxUserPerDesktopxxxx"),
            Some(Field::MaxUserPerDesktop)
        );
        assert_eq!(Field::closest("MaxUserPerDesktopxxxxx"), None);
        assert_eq!(Field::closest(&"x".repeat(20 << 20)), None);
    }

    #[test]
    fn shown_cuts_long_values_at_a_char_boundary() {
        assert_eq!(shown("short"), "short");
        let exact = "é".repeat(SHOWN_CHARS);
        assert_eq!(shown(&exact), exact);
        let long = "é".repeat(SHOWN_CHARS + 1);
        assert_eq!(shown(&long), format!("{}…", "é".repeat(SHOWN_CHARS - 1)));
    }
}

#[cfg(test)]
mod accessor_tests {
    use super::*;

    /// Every variant, with what its accessors must say: `(error, field, position, value)`.
    /// The accessors match without a wildcard, so a new variant fails to compile until it
    /// is covered there; add it here too.
    type Said = (Error, Option<Field>, Option<usize>, Option<&'static str>);

    fn every_variant() -> Vec<Said> {
        use Field::*;
        vec![
            (
                Error::Missing { field: RegionId },
                Some(RegionId),
                None,
                None,
            ),
            (
                Error::Repeated { field: Preview },
                Some(Preview),
                None,
                None,
            ),
            (
                Error::RepeatedParameter {
                    name: "Preview",
                    values: Some(("true".into(), "false".into())),
                },
                Some(Preview),
                None,
                Some("false"),
            ),
            (
                Error::RepeatedParameter {
                    name: "Signature",
                    values: None,
                },
                None,
                None,
                None,
            ),
            (
                Error::UnknownField {
                    name: "Colour".into(),
                    suggestion: None,
                },
                None,
                None,
                Some("Colour"),
            ),
            (
                Error::WrongType {
                    field: EndUserId,
                    position: Some(2),
                    expected: "a string",
                    found: "the number 42".into(),
                },
                Some(EndUserId),
                Some(2),
                Some("the number 42"),
            ),
            (
                Error::InvalidRegion { value: "X".into() },
                Some(RegionId),
                None,
                Some("X"),
            ),
            (
                Error::EmptyList { field: DesktopId },
                Some(DesktopId),
                None,
                None,
            ),
            (
                Error::EmptyId {
                    field: EndUserId,
                    position: 4,
                },
                Some(EndUserId),
                Some(4),
                None,
            ),
            (
                Error::DuplicateId {
                    field: DesktopId,
                    value: "d".into(),
                    first: 1,
                    second: 3,
                },
                Some(DesktopId),
                Some(3),
                Some("d"),
            ),
            (
                Error::TooManyIds {
                    field: EndUserId,
                    count: 501,
                    max: 500,
                },
                Some(EndUserId),
                None,
                None,
            ),
            (
                Error::ListTooLong {
                    field: DesktopId,
                    count: 1 << 32,
                },
                Some(DesktopId),
                None,
                None,
            ),
            (
                Error::InvalidLimit {
                    field: MaxDesktopPerUser,
                    value: "-1".into(),
                    problem: LimitProblem::Negative,
                },
                Some(MaxDesktopPerUser),
                None,
                Some("-1"),
            ),
            (
                Error::UnknownStrategy {
                    value: "average".into(),
                },
                Some(Strategy),
                None,
                Some("average"),
            ),
            (
                Error::PlanTooLarge {
                    desktops: 1,
                    assignments: 2,
                },
                None,
                None,
                None,
            ),
            (
                Error::OutOfMemory {
                    input: "desktops.csv".into(),
                    field: Some(DesktopId),
                },
                Some(DesktopId),
                None,
                None,
            ),
            (
                Error::Json {
                    line: 1,
                    column: 2,
                    message: "trailing comma".into(),
                },
                None,
                None,
                None,
            ),
            (
                Error::Query {
                    byte: 26,
                    parameter: Some("DesktopId.1".into()),
                    problem: QueryProblem::BadEscape { text: "%G1".into() },
                },
                Some(DesktopId),
                None,
                Some("%G1"),
            ),
            (
                Error::Query {
                    byte: 1,
                    parameter: None,
                    problem: QueryProblem::NotUtf8,
                },
                None,
                None,
                None,
            ),
            (
                Error::NotIndexed { field: DesktopId },
                Some(DesktopId),
                None,
                None,
            ),
            (
                Error::BadIndex {
                    field: EndUserId,
                    index: "01".into(),
                    problem: IndexProblem::LeadingZero,
                },
                Some(EndUserId),
                None,
                Some("01"),
            ),
            (
                Error::RepeatedItem {
                    field: DesktopId,
                    position: 2,
                    first: "a".into(),
                    second: "b".into(),
                },
                Some(DesktopId),
                Some(2),
                Some("b"),
            ),
            (
                Error::MissingItem {
                    field: DesktopId,
                    missing: 2,
                    next: "3".into(),
                },
                Some(DesktopId),
                Some(2),
                Some("3"),
            ),
            (
                Error::WrongAction {
                    value: "DescribeDesktops".into(),
                },
                None,
                None,
                Some("DescribeDesktops"),
            ),
            (
                Error::Csv {
                    file: "d.csv".into(),
                    line: 3,
                    problem: CsvProblem::DuplicateId {
                        field: DesktopId,
                        value: "ecd-a".into(),
                        first_line: 1,
                    },
                },
                Some(DesktopId),
                None,
                Some("ecd-a"),
            ),
            (
                Error::Csv {
                    file: "d.csv".into(),
                    line: 3,
                    problem: CsvProblem::UnequalRow {
                        cells: 2,
                        expected: 1,
                    },
                },
                None,
                None,
                None,
            ),
            (
                Error::TooManyAssignments {
                    desktops: 10,
                    users: 10,
                    assignments: 100,
                    max: 99,
                },
                None,
                None,
                None,
            ),
            (
                Error::UnknownId {
                    field: EndUserId,
                    value: "Zed".into(),
                    row: 2,
                    position: Some(1),
                },
                Some(EndUserId),
                Some(1),
                Some("Zed"),
            ),
            (
                Error::MisplacedDesktop {
                    value: "d2".into(),
                    row: 1,
                    listed: 2,
                },
                Some(DesktopId),
                Some(2),
                Some("d2"),
            ),
            (
                Error::Plan {
                    position: 3,
                    problem: PlanProblem::UnknownStatus {
                        value: "DONE".into(),
                    },
                },
                None,
                Some(3),
                Some("DONE"),
            ),
            (
                Error::Plan {
                    position: 1,
                    problem: PlanProblem::NoDesktopId,
                },
                None,
                Some(1),
                None,
            ),
            (
                Error::NotAPlan {
                    problem: PlanShape::WrongType {
                        key: "Entitlements",
                        expected: "an object",
                        found: "[]".into(),
                    },
                },
                None,
                None,
                Some("[]"),
            ),
            (
                Error::IllegalMove {
                    desktop: "ecd-a".into(),
                    from: crate::status::Status::Finished,
                    to: crate::status::Status::Started,
                },
                None,
                None,
                Some("ecd-a"),
            ),
            (
                Error::NotInTask {
                    desktop: "ecd-z".into(),
                },
                None,
                None,
                Some("ecd-z"),
            ),
            (
                Error::PollingPolicy {
                    first: core::time::Duration::ZERO,
                    longest: core::time::Duration::from_secs(1),
                },
                None,
                None,
                None,
            ),
        ]
    }

    #[test]
    fn accessors_say_field_position_and_value_of_every_variant() {
        for (error, field, position, value) in every_variant() {
            assert_eq!(error.field(), field, "{error:?}");
            assert_eq!(error.position(), position, "{error:?}");
            assert_eq!(error.value(), value, "{error:?}");
            // What the accessors give is what the message says.
            let message = error.to_string();
            if let Some(value) = value {
                assert!(message.contains(value), "{message}");
            }
            if let Some(field) = field {
                assert!(message.contains(field.name()), "{message}");
            }
        }
    }

    #[test]
    fn new_variants_messages() {
        let [budget, unknown, misplaced] = [
            Error::TooManyAssignments {
                desktops: 10,
                users: 10,
                assignments: 100,
                max: 99,
            },
            Error::UnknownId {
                field: Field::EndUserId,
                value: "Zed".into(),
                row: 2,
                position: Some(1),
            },
            Error::MisplacedDesktop {
                value: "d2".into(),
                row: 1,
                listed: 2,
            },
        ]
        .map(|e| e.to_string());
        assert_eq!(
            budget,
            "the plan of 10 desktops and 10 users has 100 (desktop, user) pairs, more than the \
             99 allowed: set MaxUserPerDesktop or MaxDesktopPerUser, or plan fewer desktops or \
             users"
        );
        assert_eq!(
            unknown,
            r#"the plan's row 2 names EndUserId "Zed" (item 1 of the row), which the request does not list"#
        );
        assert_eq!(
            misplaced,
            r#"the plan's row 1 is for DesktopId "d2", but the request lists it as item 2: rows follow the request's order"#
        );
    }

    #[test]
    fn field_all_is_every_parameter_once() {
        let all: &[Field] = Field::ALL;
        assert_eq!(all.len(), 7);
        for (i, f) in all.iter().enumerate() {
            assert_eq!(Field::from_name(f.name()), Some(*f));
            assert!(!all[..i].contains(f), "{f} twice");
        }
    }
}
