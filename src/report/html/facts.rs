//! What the change review page shows, found in one pass over the desktops' changes
//! ([`Facts::gather`]): the states of the desktops, who loses access and who is left with
//! desktops the call cannot change, the capacity figures, and the JSON rows of the table.

use std::collections::HashMap;

use super::data::push_row;
use super::Planned;
use crate::capacity::Capacity;
use crate::fleet::{desktop_changes, Changes, UserCaps};
use crate::fleet::{Eligibility, Fleet, FleetPlan};
use crate::request::CheckedRequest;

/// The states a desktop of a change report is shown in, in the order of the picture, the
/// state filter and the JSON block's `states`.
pub(super) const FLEET_STATES: [&str; 6] = [
    "changed",
    "left empty",
    "unchanged",
    "NotRunning",
    "Assigning",
    "NotInSnapshot",
];
/// How the picture and the state filter name [`FLEET_STATES`]: the first two together are
/// the change report's `desktops_changed`.
pub(super) const FLEET_STATE_LABELS: [&str; 6] = [
    "changed, still has users",
    "changed, left empty",
    "unchanged",
    "NotRunning",
    "Assigning",
    "NotInSnapshot",
];

/// The CSS classes of [`FLEET_STATES`], for their colours.
pub(super) const STATE_CLASSES: [&str; 6] = [
    "s-changed",
    "s-empty",
    "s-unchanged",
    "s-notrunning",
    "s-assigning",
    "s-notinsnapshot",
];

/// The index in [`FLEET_STATES`] of a desktop that is ineligible for `reason`.
fn ineligible_state(eligibility: Eligibility) -> Option<usize> {
    match eligibility {
        Eligibility::Eligible => None,
        Eligibility::NotRunning => Some(3),
        Eligibility::Assigning => Some(4),
        Eligibility::NotInSnapshot => Some(5),
    }
}

/// The change review page's facts, gathered before a word of it is written.
pub(super) struct Facts<'a> {
    /// The change report's totals.
    pub(super) totals: Changes,
    /// How many users the request lists: the first of [`names`](Self::names).
    pub(super) listed: usize,
    /// Every user ID the rows name: the request's, in its order, then the snapshot's others
    /// as they come. A row names users by their index here.
    pub(super) names: Vec<&'a str>,
    /// The snapshot statuses the rows name, as they come. A row names its status by its
    /// index here.
    pub(super) statuses: Vec<&'a str>,
    /// How many desktops are in each of [`FLEET_STATES`].
    pub(super) counts: [u64; FLEET_STATES.len()],
    /// The ineligible desktops with their status, by reason (the states 3 to 5).
    pub(super) ineligible: [Vec<(&'a str, Option<&'a str>)>; 3],
    /// The listed users losing all access, by index in [`names`](Self::names), in the
    /// order they first come.
    pub(super) losing_listed: Vec<u32>,
    /// The users the request does not list who lose all access, likewise.
    pub(super) losing_unlisted: Vec<u32>,
    /// The users who lose every Running desktop they had but keep one the call cannot
    /// change, likewise.
    pub(super) stranded: Vec<u32>,
    /// Per user index: how many ineligible listed desktops they keep, and the status of
    /// the first.
    pub(super) kept_ineligible: Vec<(u32, Option<&'a str>)>,
    /// The listed users over `MaxDesktopPerUser` on ineligible desktops alone, with how
    /// many they keep.
    pub(super) over: Vec<(&'a str, u64)>,
    /// The capacity figures of the plan as `planned` made it.
    pub(super) capacity: Capacity,
    /// The listed users at `MaxDesktopPerUser` already.
    pub(super) at_limit: u64,
    /// The table's rows, as the JSON block holds them.
    pub(super) rows: String,
}

impl<'a> Facts<'a> {
    /// The facts of `plan`, made for `request` against `fleet` as `planned` says.
    ///
    /// `O(n + u + T + P)` time (`P`: the snapshot's pairs on listed desktops), with a map
    /// of the user IDs.
    pub(super) fn gather(
        request: &'a CheckedRequest,
        fleet: &'a Fleet,
        plan: &'a FleetPlan,
        planned: Planned,
    ) -> Facts<'a> {
        let totals = Changes::new(request, fleet, plan);
        let users = request.end_user_ids();
        let mut names: Vec<&'a str> = users.iter().collect();
        let mut index: HashMap<&'a str, u32> = names
            .iter()
            .enumerate()
            .map(|(j, &id)| (id, j as u32))
            .collect();
        let mut statuses: Vec<&'a str> = Vec::new();
        let mut status_index: HashMap<&str, u32> = HashMap::new();
        let mut counts = [0u64; FLEET_STATES.len()];
        let mut ineligible: [Vec<(&str, Option<&str>)>; 3] = Default::default();
        // Per user index: had a listed desktop before, has one after; the users with one
        // before in the order they first come.
        let mut had: Vec<bool> = vec![false; names.len()];
        let mut has: Vec<bool> = vec![false; names.len()];
        let mut first_had: Vec<u32> = Vec::new();
        // Per user index: had an eligible (Running) listed desktop before, has one after;
        // how many ineligible listed desktops they keep, and the status of the first.
        let mut had_eligible: Vec<bool> = vec![false; names.len()];
        let mut has_eligible: Vec<bool> = vec![false; names.len()];
        let mut kept_ineligible: Vec<(u32, Option<&'a str>)> = vec![(0, None); names.len()];
        let mut rows = String::new();
        for change in desktop_changes(request, fleet, plan) {
            let mut user = |id: &'a str| -> u32 {
                *index.entry(id).or_insert_with(|| {
                    names.push(id);
                    had.push(false);
                    has.push(false);
                    had_eligible.push(false);
                    has_eligible.push(false);
                    kept_ineligible.push((0, None));
                    (names.len() - 1) as u32
                })
            };
            // `before` borrows the fleet, `after` the request: both live as long as the page.
            let before: Vec<u32> = change.before.iter().map(|id| user(id.as_str())).collect();
            let after: Vec<u32> = change.after.iter().map(|&id| user(id)).collect();
            let state = match ineligible_state(change.eligibility) {
                Some(state) => state,
                None if !change.before.is_empty() && change.after.is_empty() => 1,
                None if !change.added.is_empty() || !change.removed.is_empty() => 0,
                None => 2,
            };
            counts[state] += 1;
            if state >= 3 {
                ineligible[state - 3].push((change.desktop_id, change.status));
            }
            for &j in &before {
                if !had[j as usize] {
                    had[j as usize] = true;
                    first_had.push(j);
                }
            }
            for &j in &after {
                has[j as usize] = true;
            }
            if change.eligibility.is_eligible() {
                for &j in &before {
                    had_eligible[j as usize] = true;
                }
                for &j in &after {
                    has_eligible[j as usize] = true;
                }
            } else {
                for &j in &after {
                    let kept = &mut kept_ineligible[j as usize];
                    kept.0 += 1;
                    kept.1 = kept.1.or(change.status);
                }
            }
            let status = match change.status {
                None => -1,
                Some(status) => i64::from(*status_index.entry(status).or_insert_with(|| {
                    statuses.push(status);
                    (statuses.len() - 1) as u32
                })),
            };
            push_row(&mut rows, change.desktop_id, state, status, &before, &after);
        }
        // The users losing all access: the listed ones, then those the request does not
        // list (the first `users.len()` names are the request's).
        let (losing_listed, losing_unlisted): (Vec<u32>, Vec<u32>) = first_had
            .iter()
            .copied()
            .filter(|&j| !has[j as usize])
            .partition(|&j| (j as usize) < users.len());
        // The users who lose every Running desktop they had but keep one the call cannot
        // change.
        let stranded: Vec<u32> = first_had
            .iter()
            .copied()
            .filter(|&j| {
                let j = j as usize;
                had_eligible[j] && !has_eligible[j] && kept_ineligible[j].0 > 0
            })
            .collect();
        let (capacity, at_limit) = capacity_figures(request, fleet, plan, planned);
        Facts {
            totals,
            listed: users.len(),
            names,
            statuses,
            counts,
            ineligible,
            losing_listed,
            losing_unlisted,
            stranded,
            kept_ineligible,
            over: Changes::users_over_limit_ids(request, fleet, plan),
            capacity,
            at_limit,
            rows,
        }
    }

    /// How many users lose all access, listed or not.
    pub(super) fn losing(&self) -> usize {
        self.losing_listed.len() + self.losing_unlisted.len()
    }
}

/// The capacity figures of `plan` as `planned` made it, and the listed users at
/// `MaxDesktopPerUser` already.
///
/// Both plans count the desktops users keep against `MaxDesktopPerUser` (the caps of
/// [`UserCaps`]): the same `T` and the same users at the limit. Which users are served, and
/// how fully, is the plan's own: the sticky plan may serve other users.
fn capacity_figures(
    request: &CheckedRequest,
    fleet: &Fleet,
    plan: &FleetPlan,
    planned: Planned,
) -> (Capacity, u64) {
    let caps = UserCaps::new(request, fleet, plan.eligibility());
    let figures = match planned {
        Planned::Canonical => caps.capacity(request.strategy()),
        Planned::KeepExisting => {
            let mut quotas = vec![0u64; request.end_user_ids().len()];
            for (row, eligibility) in plan.plan().iter().zip(plan.eligibility()) {
                if eligibility.is_eligible() {
                    for &j in row {
                        quotas[j as usize] += 1;
                    }
                }
            }
            caps.capacity_of(request.strategy(), &quotas)
        }
    };
    (figures, caps.users_at_limit())
}
