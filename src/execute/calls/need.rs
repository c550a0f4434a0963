//! What each desktop of a plan needs ([`Need`]): nothing, no call because it cannot be
//! changed now, a replacement, or additions and revocations, chosen by the rules under "The
//! calls" on [`calls_with`](super::calls_with); and what a replacement costs alone, the
//! per-desktop baseline ([`baseline_calls`]).

use alloc::collections::BTreeSet;
use alloc::string::String;
use alloc::vec::Vec;

use super::call::MAX_IDS_PER_CALL;
use super::plan::PlannedDesktop;
use crate::fleet::{Eligibility, Fleet};

/// The per-desktop baseline: the calls that set one desktop to `users` users, whatever it
/// has now, alone: `ModifyEntitlement` with the first 100, then one `ModifyUserEntitlement`
/// per further 100. `1 + ⌈(users − 100)/100⌉`, and `1` for 100 users or fewer.
///
/// ```
/// use eds_entitlement::baseline_calls;
///
/// assert_eq!(baseline_calls(0), 1);
/// assert_eq!(baseline_calls(100), 1);
/// assert_eq!(baseline_calls(101), 2);
/// assert_eq!(baseline_calls(500), 5);
/// ```
pub const fn baseline_calls(users: usize) -> usize {
    1 + users
        .saturating_sub(MAX_IDS_PER_CALL)
        .div_ceil(MAX_IDS_PER_CALL)
}

/// What one desktop of the plan needs.
pub(super) enum Need<'p> {
    /// No call: `FAILED`, or already as planned.
    Nothing,
    /// No call: to be changed, but it cannot be now.
    Unchangeable(Eligibility),
    /// `ModifyEntitlement`, then additions; `removed` are the snapshot's users it takes away
    /// (empty without a snapshot), and `removes` says whether there are any.
    Replace {
        removed: Vec<&'p str>,
        removes: bool,
    },
    /// Additions and revocations, each sorted by bytes.
    Change {
        added: Vec<&'p str>,
        removed: Vec<&'p str>,
    },
}

impl Need<'_> {
    /// How many calls name the desktop, planned for `planned` users, before any sharing or
    /// split.
    pub(super) fn calls(&self, planned: usize) -> usize {
        let runs = |ids: &[&str]| ids.len().div_ceil(MAX_IDS_PER_CALL);
        match self {
            Need::Nothing | Need::Unchangeable(_) => 0,
            Need::Replace { .. } => baseline_calls(planned),
            Need::Change { added, removed } => runs(added) + runs(removed),
        }
    }
}

/// What `desktop` needs, with `fleet` as it is.
pub(super) fn need<'p>(
    desktop: &'p PlannedDesktop,
    fleet: Option<&'p Fleet>,
    mbb: bool,
) -> Need<'p> {
    if desktop.is_failed() {
        return Need::Nothing;
    }
    let planned = &desktop.end_user_ids;
    let replace = |removed: Vec<&'p str>| Need::Replace {
        removes: !removed.is_empty(),
        removed,
    };
    let Some(fleet) = fleet else {
        return replace(Vec::new());
    };
    let Some(now) = fleet.get(&desktop.desktop_id) else {
        return Need::Unchangeable(Eligibility::NotInSnapshot);
    };
    let now_set: BTreeSet<&str> = now.end_user_ids().iter().map(String::as_str).collect();
    let planned_set: BTreeSet<&str> = planned.iter().map(String::as_str).collect();
    let added: Vec<&str> = planned_set.difference(&now_set).copied().collect();
    let removed: Vec<&str> = now_set.difference(&planned_set).copied().collect();
    if added.is_empty() && removed.is_empty() {
        return Need::Nothing;
    }
    let eligibility = now.eligibility();
    if !eligibility.is_eligible() {
        return Need::Unchangeable(eligibility);
    }
    let replace_cost = baseline_calls(planned.len());
    let change_cost =
        added.len().div_ceil(MAX_IDS_PER_CALL) + removed.len().div_ceil(MAX_IDS_PER_CALL);
    let replace_allowed =
        !mbb || (planned.len() <= MAX_IDS_PER_CALL && (added.is_empty() || removed.is_empty()));
    if replace_allowed && change_cost >= replace_cost {
        replace(removed)
    } else {
        Need::Change { added, removed }
    }
}

#[cfg(test)]
mod tests {
    use alloc::string::String;

    use super::super::tests::{planned, users};
    use super::super::{calls, Call, PlanResponse, Unchangeable};
    use crate::fleet::{Eligibility, Fleet, SnapshotDesktop};

    #[test]
    fn a_snapshot_turns_small_changes_into_additions_and_revocations() {
        let plan = PlanResponse::new(vec![
            planned("same", users(0..3)),
            planned("small", users(0..250)),
            planned("missing", users(0..1)),
        ])
        .unwrap();
        let mut fleet = Fleet::new();
        fleet
            .insert(
                "same",
                SnapshotDesktop::new("Running").end_users(["u002", "u000", "u001"]),
            )
            .unwrap();
        fleet
            .insert(
                "small",
                SnapshotDesktop::new("Running").end_users(users(1..251)),
            )
            .unwrap();
        let calls = calls(&plan, Some(&fleet), "cn-hangzhou").unwrap();
        let queries: Vec<String> = calls.iter().map(Call::to_query).collect();
        // The desktop the snapshot lacks cannot be changed now: no call (§8.1).
        assert_eq!(
            queries,
            [
                "Action=ModifyUserEntitlement&Version=2020-09-30&RegionId=cn-hangzhou&AuthorizeDesktopId.1=small&EndUserId.1=u000",
                "Action=ModifyUserEntitlement&Version=2020-09-30&RegionId=cn-hangzhou&EndUserId.1=u250&RevokeDesktopId.1=small",
            ]
        );
        assert_eq!((calls.desktops(), calls.baseline()), (1, 3));
        assert_eq!(calls.waves(), 2, "one desktop named twice: two waves");
        assert_eq!(
            calls.unchangeable(),
            [Unchangeable {
                desktop_id: "missing".into(),
                eligibility: Eligibility::NotInSnapshot
            }]
        );

        // A change that costs as many calls as a replacement is a replacement.
        let tie = PlanResponse::new(vec![planned("tie", users(0..150))]).unwrap();
        let mut fleet = Fleet::new();
        fleet
            .insert(
                "tie",
                SnapshotDesktop::new("Running").end_users(users(1..151)),
            )
            .unwrap();
        let calls = super::super::calls(&tie, Some(&fleet), "cn-hangzhou").unwrap();
        assert_eq!((calls.len(), calls.modify_entitlement()), (2, 1));
    }
}
