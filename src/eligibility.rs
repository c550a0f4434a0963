//! [`Eligibility`]: whether the call can change a listed desktop ([the contract](crate::contract),
//! §6).
//!
//! A leaf that both the fleet layer, which decides it from a snapshot, and the core's checker,
//! whose [`Violation`](crate::Violation)s name it, import; it imports nothing of the crate.

/// Whether a listed desktop can be changed by the call, and if not, why (§6).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Eligibility {
    /// In the snapshot, `Running`, and not `Assigning`.
    Eligible,
    /// The snapshot does not have the desktop.
    NotInSnapshot,
    /// Its `DesktopStatus` is not `Running`.
    NotRunning,
    /// One of its management flags is `Assigning`.
    Assigning,
}

impl Eligibility {
    /// Whether the desktop can be changed.
    pub const fn is_eligible(self) -> bool {
        matches!(self, Eligibility::Eligible)
    }

    /// The reason's name in the change report (`NotInSnapshot`, `NotRunning`, `Assigning`),
    /// `None` when eligible.
    pub const fn reason(self) -> Option<&'static str> {
        match self {
            Eligibility::Eligible => None,
            Eligibility::NotInSnapshot => Some("NotInSnapshot"),
            Eligibility::NotRunning => Some("NotRunning"),
            Eligibility::Assigning => Some("Assigning"),
        }
    }
}
