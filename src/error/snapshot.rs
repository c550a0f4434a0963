//! The details of a rejected `DescribeDesktops` snapshot (the contract, §6).

use alloc::string::String;
use core::fmt;

use super::text::{item, one_line};

/// What is wrong with a `DescribeDesktops` snapshot (the contract, §6), apart from its JSON
/// syntax ([`Error::SnapshotJson`](crate::Error::SnapshotJson)).
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

impl SnapshotProblem {
    /// The value the message quotes, if any.
    pub(super) fn value(&self) -> Option<&str> {
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
