//! Planning against a snapshot (contract §6.1): [`plan_against`] and the [`FleetPlan`] it
//! returns. Split out of the snapshot's data model ([`snapshot`](super::snapshot)) along item
//! boundaries.

use alloc::vec::Vec;

use super::caps::UserCaps;
use super::snapshot::{eligibility_of, Eligibility, Fleet};
use crate::error::Error;
use crate::planner::Plan;
use crate::request::CheckedRequest;
use crate::shape::Shape;

/// A plan made against a snapshot: a [`Plan`] with one row per listed desktop, in request
/// order, where an ineligible desktop's row is empty (it keeps the users the snapshot gives
/// it, which need not be in the request), and each listed desktop's [`Eligibility`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FleetPlan {
    plan: Plan,
    eligibility: Vec<Eligibility>,
}

impl FleetPlan {
    /// Pairs a plan with the eligibility it was made under. Nothing is checked.
    pub fn new(plan: Plan, eligibility: Vec<Eligibility>) -> FleetPlan {
        FleetPlan { plan, eligibility }
    }

    /// The plan: one row per listed desktop; ineligible rows are empty.
    pub fn plan(&self) -> &Plan {
        &self.plan
    }

    /// Each listed desktop's eligibility, in request order.
    pub fn eligibility(&self) -> &[Eligibility] {
        &self.eligibility
    }
}

impl FleetPlan {
    /// The number of listed desktops that the plan could change.
    pub fn eligible(&self) -> usize {
        self.eligibility.iter().filter(|e| e.is_eligible()).count()
    }

    /// The shape of the plan over the eligible desktops: `n` is their number.
    pub(crate) fn eligible_shape(request: &CheckedRequest, eligible: usize) -> Shape {
        Shape::new(
            eligible as u32,
            request.end_user_ids().len() as u32,
            request.max_user_per_desktop(),
            request.max_desktop_per_user(),
            request.strategy(),
        )
    }
}

/// Plans `request` against the fleet as it is (the contract, §6 and §6.1): the canonical
/// plan made over the listed desktops that a call can change (in the snapshot, `Running`,
/// not `Assigning`), in request order, with every listed user, under limits that hold on
/// what users will have after the call.
///
/// An ineligible listed desktop keeps its users, so a listed user who keeps `h_j` of them
/// may get at most `c_j = min(max(M − h_j, 0), n)` more (`M = MaxDesktopPerUser`, `n` the
/// eligible desktops), and `AVERAGE` levels `h_j + q_j`; [`UserCaps`] holds this
/// arithmetic and its quotas. Users then take desktops as §2 deals them: user `j` in
/// request order takes the next `q_j` eligible desktops, wrapping around.
///
/// The result has one row per listed desktop, in request order: an eligible desktop's row
/// is its planned users, an ineligible desktop's row is empty (it keeps the users the
/// snapshot gives it, which [`Changes`](crate::Changes) and the response read from the
/// [`Fleet`]). When no ineligible listed desktop holds a listed user, the plan over the
/// eligible desktops is §2's; when every listed desktop is eligible, it is exactly
/// [`plan`](crate::plan)`(request)`.
///
/// Costs `O(n + u + T + P)` expected time, where `P` is the number of users of the
/// ineligible listed desktops (desktops and users are looked up in bulk), `O(u log u)` more
/// when some of them are listed users, and the plan's memory.
///
/// ```
/// use eds_entitlement::{plan_against, Eligibility, Fleet, Request, SnapshotDesktop};
///
/// let request = Request::new("cn-hangzhou", ["ecd-a", "ecd-b", "ecd-c"], ["Alice", "Bob"])
///     .max_user_per_desktop(1)
///     .check()?;
/// let mut fleet = Fleet::new();
/// fleet.insert("ecd-a", SnapshotDesktop::new("Running")).unwrap();
/// fleet.insert("ecd-b", SnapshotDesktop::new("Stopped").end_users(["Carol"])).unwrap();
/// fleet.insert("ecd-c", SnapshotDesktop::new("Running")).unwrap();
///
/// let planned = plan_against(&request, &fleet)?;
/// assert_eq!(
///     planned.eligibility(),
///     [Eligibility::Eligible, Eligibility::NotRunning, Eligibility::Eligible]
/// );
/// // Two eligible desktops, one for Alice, one for Bob; ecd-b keeps Carol.
/// assert_eq!(planned.plan().end_users(0), &[0]);
/// assert_eq!(planned.plan().end_users(1), &[] as &[u32]);
/// assert_eq!(planned.plan().end_users(2), &[1]);
/// # Ok::<(), eds_entitlement::Error>(())
/// ```
///
/// A user who keeps a desktop the call cannot change counts it against
/// `MaxDesktopPerUser`:
///
/// ```
/// use eds_entitlement::{plan_against, Fleet, Request, SnapshotDesktop};
///
/// let request = Request::new("cn-hangzhou", ["ecd-1", "ecd-2"], ["Alice", "Bob"])
///     .max_user_per_desktop(1)
///     .max_desktop_per_user(1)
///     .check()?;
/// let mut fleet = Fleet::new();
/// fleet.insert("ecd-1", SnapshotDesktop::new("Stopped").end_users(["Alice"])).unwrap();
/// fleet.insert("ecd-2", SnapshotDesktop::new("Running")).unwrap();
///
/// // Alice keeps ecd-1 and is at her limit: ecd-2 goes to Bob.
/// let planned = plan_against(&request, &fleet)?;
/// assert_eq!(planned.plan().end_users(1), &[1]);
/// # Ok::<(), eds_entitlement::Error>(())
/// ```
///
/// # Errors
///
/// [`Error::PlanTooLarge`] when the plan does not fit in memory, as [`try_plan`](crate::try_plan).
pub fn plan_against(request: &CheckedRequest, fleet: &Fleet) -> Result<FleetPlan, Error> {
    // Each listed desktop is looked up once, in bulk; the caps count the users of the
    // ineligible ones.
    let listed = fleet.listed(request);
    let eligibility: Vec<Eligibility> = listed.iter().map(|&d| eligibility_of(d)).collect();
    let caps = UserCaps::from_listed(request, &listed);
    drop(listed);
    let plan = caps
        .try_plan(request.strategy())?
        .spread(eligibility.iter().map(|e| e.is_eligible()));
    Ok(FleetPlan::new(plan, eligibility))
}
