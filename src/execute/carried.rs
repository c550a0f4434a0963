//! Checking that a plan was carried out (the contract, §8.2): a snapshot taken after the
//! calls, compared with the plan.

use alloc::string::String;
use alloc::vec::Vec;

use indexmap::IndexSet;
use xxhash_rust::xxh3::Xxh3DefaultBuilder;

use super::calls::PlanResponse;
use crate::error::Error;
use crate::fleet::{Fleet, SnapshotDesktop};

/// Why a desktop is not as it should be after the calls.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum MismatchReason {
    /// The snapshot after the calls does not have the desktop.
    NotInSnapshot,
    /// The desktop is still being assigned (its users are not compared): wait, take a new
    /// snapshot and check again.
    Assigning,
    /// A desktop of the plan, not `FAILED`, whose users differ from its planned users.
    Differs,
    /// A `FAILED` desktop, or one the plan does not list, whose users differ from those it
    /// had before the calls (only with a snapshot from before).
    Touched,
}

impl MismatchReason {
    /// Its name: `NotInSnapshot`, `Assigning`, `Differs` or `Touched`.
    pub const fn name(self) -> &'static str {
        match self {
            MismatchReason::NotInSnapshot => "NotInSnapshot",
            MismatchReason::Assigning => "Assigning",
            MismatchReason::Differs => "Differs",
            MismatchReason::Touched => "Touched",
        }
    }
}

/// One desktop that is not as it should be after the calls.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Mismatch {
    /// `DesktopId`.
    pub desktop_id: String,
    /// The users it should have: its planned users, in plan order, or (for `Touched`) the
    /// users it had before, in that snapshot's order.
    pub expected: Vec<String>,
    /// The users it has after, in the snapshot's order; `None` when the snapshot lacks it.
    pub actual: Option<Vec<String>>,
    /// `expected` less `actual`, in `expected`'s order (all of `expected` when it is not in
    /// the snapshot).
    pub missing: Vec<String>,
    /// `actual` less `expected`, in `actual`'s order.
    pub extra: Vec<String>,
    /// Why.
    pub reason: MismatchReason,
}

/// What [`compare_with_fleet`] found: the desktops checked, and those not as they should be.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Comparison {
    /// How many desktops were compared.
    pub checked: usize,
    /// The desktops not as they should be: the plan's in plan order, then (with a snapshot
    /// from before) the desktops the plan does not list, in that snapshot's order.
    pub mismatches: Vec<Mismatch>,
}

impl Comparison {
    /// Whether every desktop checked is as it should be.
    pub fn is_carried_out(&self) -> bool {
        self.mismatches.is_empty()
    }

    /// How many mismatches have this reason.
    pub fn count(&self, reason: MismatchReason) -> usize {
        self.mismatches
            .iter()
            .filter(|m| m.reason == reason)
            .count()
    }
}

/// Compares a snapshot taken `after` the calls with `plan` (the contract, §8.2); named so as
/// not to be confused with [`verify`](fn@crate::verify), the checker of §2's guarantees.
///
/// Every desktop of the plan that is not `FAILED` must be in `after`, not `Assigning`
/// (whatever its users: it is still being assigned), with exactly its planned users, as
/// sets. With `before`, a snapshot from before the calls, `FAILED` desktops and desktops the
/// plan does not list must have in `after` the users they had in `before` (`Touched`
/// otherwise; one `before` has and `after` lacks is `NotInSnapshot`); a `FAILED` desktop is
/// compared with `before`, never with the users the plan lists for it, and one `before`
/// lacks is not compared. Only users are compared, as sets.
///
/// Costs `O(P + S)` for `P` planned pairs and `S` users in the snapshots' desktops compared
/// (hash sets, XXH3 with a fixed secret; the output follows the plan's and snapshots'
/// orders).
///
/// ```
/// use eds_entitlement::{compare_with_fleet, Fleet, MismatchReason, PlanResponse, PlannedDesktop, SnapshotDesktop};
///
/// let plan = PlanResponse::new(vec![PlannedDesktop::new("ecd-a", None, ["Alice", "Bob"])])?;
/// let mut after = Fleet::new();
/// after.insert("ecd-a", SnapshotDesktop::new("Running").end_users(["Bob", "Carol"])).unwrap();
/// let found = compare_with_fleet(&plan, &after, None)?;
/// assert_eq!(found.checked, 1);
/// let mismatch = &found.mismatches[0];
/// assert_eq!(mismatch.reason, MismatchReason::Differs);
/// assert_eq!((mismatch.missing.as_slice(), mismatch.extra.as_slice()), (&["Alice".to_string()][..], &["Carol".to_string()][..]));
/// # Ok::<(), eds_entitlement::Error>(())
/// ```
///
/// # Errors
///
/// [`Error::EmptyPlan`] when the plan lists no desktop.
pub fn compare_with_fleet(
    plan: &PlanResponse,
    after: &Fleet,
    before: Option<&Fleet>,
) -> Result<Comparison, Error> {
    if plan.desktops().is_empty() {
        return Err(Error::EmptyPlan);
    }
    let mut found = Comparison::default();
    for desktop in plan.desktops() {
        let id = desktop.desktop_id.as_str();
        if desktop.is_failed() {
            if let Some(was) = before.and_then(|b| b.get(id)) {
                found.checked += 1;
                untouched(id, was, after, &mut found.mismatches);
            }
            continue;
        }
        found.checked += 1;
        let expected = &desktop.end_user_ids;
        let Some(now) = after.get(id) else {
            found.mismatches.push(Mismatch {
                desktop_id: String::from(id),
                expected: expected.clone(),
                actual: None,
                missing: expected.clone(),
                extra: Vec::new(),
                reason: MismatchReason::NotInSnapshot,
            });
            continue;
        };
        let (missing, extra) = differences(expected, now.end_user_ids());
        let reason = if now.is_assigning() {
            MismatchReason::Assigning
        } else if missing.is_empty() && extra.is_empty() {
            continue;
        } else {
            MismatchReason::Differs
        };
        found.mismatches.push(Mismatch {
            desktop_id: String::from(id),
            expected: expected.clone(),
            actual: Some(now.end_user_ids().to_vec()),
            missing,
            extra,
            reason,
        });
    }
    if let Some(before) = before {
        let listed: IndexSet<&str, Xxh3DefaultBuilder> = plan
            .desktops()
            .iter()
            .map(|d| d.desktop_id.as_str())
            .collect();
        for (id, was) in before.iter() {
            if !listed.contains(id) {
                found.checked += 1;
                untouched(id, was, after, &mut found.mismatches);
            }
        }
    }
    Ok(found)
}

/// Compares a desktop no call was to touch with what it had before.
fn untouched(id: &str, was: &SnapshotDesktop, after: &Fleet, mismatches: &mut Vec<Mismatch>) {
    let expected = was.end_user_ids();
    let Some(now) = after.get(id) else {
        mismatches.push(Mismatch {
            desktop_id: String::from(id),
            expected: expected.to_vec(),
            actual: None,
            missing: expected.to_vec(),
            extra: Vec::new(),
            reason: MismatchReason::NotInSnapshot,
        });
        return;
    };
    let (missing, extra) = differences(expected, now.end_user_ids());
    if missing.is_empty() && extra.is_empty() {
        return;
    }
    mismatches.push(Mismatch {
        desktop_id: String::from(id),
        expected: expected.to_vec(),
        actual: Some(now.end_user_ids().to_vec()),
        missing,
        extra,
        reason: MismatchReason::Touched,
    });
}

/// `expected` less `actual` (in `expected`'s order) and `actual` less `expected`.
fn differences(expected: &[String], actual: &[String]) -> (Vec<String>, Vec<String>) {
    let want: IndexSet<&str, Xxh3DefaultBuilder> = expected.iter().map(String::as_str).collect();
    let have: IndexSet<&str, Xxh3DefaultBuilder> = actual.iter().map(String::as_str).collect();
    let missing = expected
        .iter()
        .filter(|u| !have.contains(u.as_str()))
        .cloned()
        .collect();
    let extra = actual
        .iter()
        .filter(|u| !want.contains(u.as_str()))
        .cloned()
        .collect();
    (missing, extra)
}
