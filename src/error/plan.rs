//! The details of a rejected plan read back (the contract, §8): its items and the body
//! around them.

use alloc::string::String;
use core::fmt;

use super::IdProblem;

/// What is wrong with an item of a plan's `AssignModels` ([`Error::Plan`](crate::Error::Plan)).
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum PlanProblem {
    /// The item is not a JSON object.
    NotAnObject {
        /// What it is, as every JSON reader names a value (`an array`, `the number 7`).
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
        /// What it is, as every JSON reader names a value (`the string "x"`, `an object`).
        found: String,
    },
    /// A desktop that is not `FAILED` without an `EndUserIds` list.
    NoEndUserIds,
    /// An item of `EndUserIds` that is not a non-empty string.
    NotAUserId {
        /// Its 1-based position in `EndUserIds`.
        user: usize,
        /// What it is, as every JSON reader names a value (`the string "x"`, `an object`).
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
            } => write!(f, "has '{key}' that is {found}, not {expected}"),
            PlanProblem::NoEndUserIds => {
                f.write_str("has no 'EndUserIds' list, which every desktop not FAILED needs")
            }
            PlanProblem::NotAUserId { user, found } => write!(
                f,
                "has 'EndUserIds' item {user} that is {found}, not a user ID (a non-empty string)"
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

/// What is wrong with a plan body around its `AssignModels` ([`Error::NotAPlan`](crate::Error::NotAPlan)).
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
        /// What it is, as every JSON reader names a value (`the string "x"`, `an object`).
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

impl PlanProblem {
    /// The value the message quotes, if any.
    pub(super) fn value(&self) -> Option<&str> {
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
    pub(super) fn value(&self) -> Option<&str> {
        match self {
            PlanShape::WrongType { found, .. } => Some(found),
            PlanShape::Missing { .. } | PlanShape::Repeated { .. } => None,
        }
    }
}
