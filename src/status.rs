//! [`Status`]: the API's status of a task and of each desktop, with the moves between them.
//!
//! A leaf of the crate: the response writes it, the task moves it, and errors name it
//! ([`Error::IllegalMove`](crate::Error::IllegalMove)) without importing either.

use core::fmt;

/// The status of the whole task (`Entitlements.Status`) or of one desktop
/// (`AssignModels[].InnerStatus`), spelt as the API spells it.
///
/// `#[non_exhaustive]`: it mirrors the API's values, which may grow.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Status {
    /// `NOT_STARTED`: a task not yet begun (`Preview: false`).
    NotStarted,
    /// `STARTED`.
    Started,
    /// `PROCESSING`.
    Processing,
    /// `FINISHED`: done, or only previewed (`Preview: true`).
    Finished,
    /// `FAILED`.
    Failed,
}

impl Status {
    /// Every status, in the order a desktop moves through them (`FAILED` last).
    pub const ALL: [Status; 5] = [
        Status::NotStarted,
        Status::Started,
        Status::Processing,
        Status::Finished,
        Status::Failed,
    ];

    /// The status with exactly this API spelling (`NOT_STARTED`, …).
    pub fn from_name(name: &str) -> Option<Status> {
        Status::ALL.into_iter().find(|s| s.as_str() == name)
    }

    /// The API's spelling, e.g. `NOT_STARTED`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Status::NotStarted => "NOT_STARTED",
            Status::Started => "STARTED",
            Status::Processing => "PROCESSING",
            Status::Finished => "FINISHED",
            Status::Failed => "FAILED",
        }
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Status {
    /// Whether a desktop may move from `self` to `to`: `NOT_STARTED` → `STARTED`,
    /// `STARTED` → `PROCESSING`, `PROCESSING` → `FINISHED` or `FAILED`, and nothing else.
    pub const fn can_move_to(self, to: Status) -> bool {
        matches!(
            (self, to),
            (Status::NotStarted, Status::Started)
                | (Status::Started, Status::Processing)
                | (Status::Processing, Status::Finished | Status::Failed)
        )
    }

    /// Whether no move leaves this status (`FINISHED`, `FAILED`).
    pub const fn is_final(self) -> bool {
        matches!(self, Status::Finished | Status::Failed)
    }
}
