//! The fleet layer's checker: [`verify_against`] and [`verify_sticky`] check a plan made
//! against a snapshot ([the contract](crate::contract), §6, §6.1 and §7).
//!
//! The per-desktop guarantees and §2's reading of the user guarantees are the core's
//! ([`verify`](crate::verify)); this module adds the snapshot's eligibility and §6.1's
//! reading, where the desktops users keep on ineligible listed desktops count.

use super::caps::UserCaps;
use super::plan::FleetPlan;
use super::snapshot::{Eligibility, Fleet};
use crate::limit::Strategy;
use crate::request::CheckedRequest;
use crate::verify::{Order, Tally, Violation};

/// Checks a plan made against a snapshot (the contract, §6 and §6.1): `plan` has one row
/// per listed desktop, its eligibility is the snapshot's, every ineligible desktop's row is
/// empty (the call leaves it as it is), and the eligible desktops' rows meet the seven
/// guarantees of §2 with `n` = the number of eligible desktops, the guarantees on users
/// read as §6.1 reads them. Positions in messages are the desktops' and users' positions in
/// the request.
///
/// §6.1 counts, for each listed user `j`, the ineligible listed desktops whose snapshot
/// users include it (`h_j`, [`UserCaps::held`]): those pairs stay after the call. Then:
/// * guarantee 2 for users: `h_j + q_j ≤ MaxDesktopPerUser`, or `q_j = 0` (a user over
///   the limit on kept desktops alone is given nothing; the plan cannot mend it);
/// * guarantee 4: exactly [`UserCaps::total`] pairs;
/// * guarantee 6 (`AVERAGE`): for any two users, `h_i + q_i < h_j + q_j − 1` only when
///   `q_i = c_i` (no room) or `q_j = 0`;
/// * guarantee 7 (`CENTRAL`): some user `p` has every user before it in request order
///   filled to its cap `c_j`, `q_p ≤ c_p`, and every user after it given nothing.
///
/// When no ineligible listed desktop holds a listed user, these are §2's guarantees over
/// the eligible desktops, and they are checked and reported exactly as [`verify`] does.
///
/// Costs `O(n + u + T + P)` time, where `P` is the number of users of the ineligible listed
/// desktops, `8·u` bytes, plus one lookup per listed desktop.
///
/// # Errors
///
/// The first [`Violation`] found: the number of desktops (1), a desktop whose eligibility is
/// not the snapshot's ([`Violation::WrongEligibility`]), an ineligible desktop with a row
/// ([`Violation::IneligibleChanged`]), then as [`verify`] over the eligible desktops (with
/// [`Violation::UserOverLimitWithKept`], [`Violation::UnevenLevels`] and
/// [`Violation::CentralNotFilled`] for users who keep desktops).
///
/// ```
/// use eds_entitlement::{plan_against, verify_against, Fleet, FleetPlan, Plan, Request, SnapshotDesktop};
///
/// let request = Request::new("cn-hangzhou", ["d1", "d2"], ["A"]).check()?;
/// let mut fleet = Fleet::new();
/// fleet.insert("d1", SnapshotDesktop::new("Running")).unwrap();
/// fleet.insert("d2", SnapshotDesktop::new("Stopped")).unwrap();
/// let planned = plan_against(&request, &fleet)?;
/// assert_eq!(verify_against(&request, &fleet, &planned), Ok(()));
///
/// // A plan that gives the stopped desktop a user cannot be carried out.
/// let wrong = FleetPlan::new(Plan::from_lists([vec![0], vec![0]]), planned.eligibility().to_vec());
/// assert_eq!(
///     verify_against(&request, &fleet, &wrong).unwrap_err().to_string(),
///     "desktop 2 is not eligible (NotRunning), but the plan gives it 1 users: the call cannot change it",
/// );
/// # Ok::<(), eds_entitlement::Error>(())
/// ```
///
/// A user who keeps a Stopped desktop counts it against `MaxDesktopPerUser`:
///
/// ```
/// use eds_entitlement::{verify_against, Fleet, FleetPlan, Plan, Request, SnapshotDesktop};
///
/// let request = Request::new("cn-hangzhou", ["ecd-1", "ecd-2"], ["Alice", "Bob"])
///     .max_user_per_desktop(1)
///     .max_desktop_per_user(1)
///     .check()?;
/// let mut fleet = Fleet::new();
/// fleet.insert("ecd-1", SnapshotDesktop::new("Stopped").end_users(["Alice"])).unwrap();
/// fleet.insert("ecd-2", SnapshotDesktop::new("Running")).unwrap();
/// let to_alice = FleetPlan::new(Plan::from_lists([vec![], vec![0]]), fleet.eligibility(&request));
/// assert_eq!(
///     verify_against(&request, &fleet, &to_alice).unwrap_err().to_string(),
///     "guarantee 2 broken: user 1 keeps 1 desktops that the call cannot change and is given 1 more, 2 in all, more than MaxDesktopPerUser 1",
/// );
/// let to_bob = FleetPlan::new(Plan::from_lists([vec![], vec![1]]), fleet.eligibility(&request));
/// assert_eq!(verify_against(&request, &fleet, &to_bob), Ok(()));
/// # Ok::<(), eds_entitlement::Error>(())
/// ```
pub fn verify_against(
    request: &CheckedRequest,
    fleet: &Fleet,
    plan: &FleetPlan,
) -> Result<(), Violation> {
    against(request, fleet, plan, Order::Request)
}

/// Checks a plan made by [`plan_sticky`](crate::plan_sticky) (the contract, §7): as
/// [`verify_against`], except that under `CENTRAL` the served users may be any users, not
/// the first in request order. Guarantee 7 still asks that at most one user be partly
/// served; with the total of guarantee 4, that is §7's shape: `⌊T/m'⌋` users get `m'`
/// desktops, one gets `T mod m'`, the others none.
///
/// The user guarantees are checked as §6.1 reads them, as [`verify_against`] does: a user's
/// desktops on ineligible listed desktops count against `MaxDesktopPerUser`, `AVERAGE`
/// levels what users will have, and under `CENTRAL` every served user gets its cap `c_j`,
/// at most one user fewer, the others none.
///
/// Costs as [`verify_against`].
///
/// # Errors
///
/// As [`verify_against`], without [`Violation::CentralIncreasing`].
///
/// ```
/// use eds_entitlement::{verify_against, verify_sticky, Fleet, FleetPlan, Plan, Request, SnapshotDesktop, Strategy};
///
/// let request = Request::new("cn-hangzhou", ["d1", "d2"], ["A", "B"])
///     .max_user_per_desktop(1)
///     .strategy(Strategy::Central)
///     .check()?;
/// let mut fleet = Fleet::new();
/// fleet.insert("d1", SnapshotDesktop::new("Running")).unwrap();
/// fleet.insert("d2", SnapshotDesktop::new("Running")).unwrap();
/// // B served instead of A: a valid sticky plan, not a valid canonical one.
/// let planned = FleetPlan::new(Plan::from_lists([vec![1], vec![1]]), fleet.eligibility(&request));
/// assert_eq!(verify_sticky(&request, &fleet, &planned), Ok(()));
/// assert_eq!(verify_against(&request, &fleet, &planned).unwrap_err().guarantee(), 7);
/// # Ok::<(), eds_entitlement::Error>(())
/// ```
pub fn verify_sticky(
    request: &CheckedRequest,
    fleet: &Fleet,
    plan: &FleetPlan,
) -> Result<(), Violation> {
    against(request, fleet, plan, Order::Any)
}

/// [`verify_against`] with guarantee 7's order clause as `order` says; the desktops users
/// keep on ineligible listed desktops count (§6.1).
fn against(
    request: &CheckedRequest,
    fleet: &Fleet,
    plan: &FleetPlan,
    order: Order,
) -> Result<(), Violation> {
    let n = request.desktop_ids().len();
    let rows = plan.plan();
    if rows.desktops() != n || plan.eligibility().len() != n {
        return Err(Violation::DesktopCount {
            expected: n,
            found: rows.desktops().min(plan.eligibility().len()),
        });
    }
    let mut eligible = 0;
    for (desktop, id) in request.desktop_ids().iter().enumerate() {
        let expected = fleet
            .get(id)
            .map_or(Eligibility::NotInSnapshot, |d| d.eligibility());
        let found = plan.eligibility()[desktop];
        if found != expected {
            return Err(Violation::WrongEligibility {
                desktop,
                expected,
                found,
            });
        }
        let users = rows.end_users(desktop).len();
        if !expected.is_eligible() && users > 0 {
            return Err(Violation::IneligibleChanged {
                desktop,
                reason: expected,
                users,
            });
        }
        eligible += usize::from(expected.is_eligible());
    }
    let eligible_rows = rows
        .iter()
        .enumerate()
        .filter(|&(desktop, _)| plan.eligibility()[desktop].is_eligible());
    // §6.1: what users keep on the ineligible listed desktops. When nobody keeps any, the
    // guarantees are §2's over the eligible desktops, checked (and reported) as §2 does.
    let tally = Tally::new(request, eligible_rows)?;
    let caps = UserCaps::new(request, fleet, plan.eligibility());
    if caps.any_held() {
        kept_guarantees(request, &caps, &tally, order)
    } else {
        tally.guarantees(request, eligible, order)
    }
}

/// Guarantees 2 (for users), 4, 5, 6 and 7 as §6.1 reads them, with `tally.counts[j] = q_j`.
fn kept_guarantees(
    request: &CheckedRequest,
    caps: &UserCaps,
    tally: &Tally,
    order: Order,
) -> Result<(), Violation> {
    let counts = &tally.counts;
    let u = counts.len();
    if let Some(limit) = request.max_desktop_per_user().get() {
        let over = (0..u).find(|&j| counts[j] > 0 && caps.held(j) + counts[j] > u64::from(limit));
        if let Some(user) = over {
            return Err(Violation::UserOverLimitWithKept {
                user,
                desktops: counts[user],
                held: caps.held(user),
                limit,
            });
        }
    }
    let expected = caps.total();
    let found = counts.iter().sum::<u64>();
    if found != expected {
        return Err(Violation::WrongTotal { expected, found });
    }
    tally.balanced_desktops(caps.desktops())?;
    let will_have = |j: usize| caps.held(j) + counts[j];
    match request.strategy() {
        Strategy::Average => {
            // The user with room who will have the fewest, and the user given desktops who
            // will have the most (the first of each, in request order).
            let open = (0..u)
                .filter(|&j| counts[j] < caps.cap(j))
                .min_by_key(|&j| will_have(j));
            let served = (0..u)
                .filter(|&j| counts[j] > 0)
                .max_by_key(|&j| (will_have(j), core::cmp::Reverse(j)));
            if let (Some(i), Some(j)) = (open, served) {
                if will_have(i) + 1 < will_have(j) {
                    return Err(Violation::UnevenLevels {
                        fewest_at: i,
                        fewest_held: caps.held(i),
                        fewest: counts[i],
                        most_at: j,
                        most_held: caps.held(j),
                        most: counts[j],
                    });
                }
            }
        }
        Strategy::Central => match order {
            Order::Request => {
                // `p`: the first user not filled to its cap; every user after it gets none.
                if let Some(p) = (0..u).find(|&j| counts[j] < caps.cap(j)) {
                    if let Some(user) = (p + 1..u).find(|&j| counts[j] > 0) {
                        return Err(Violation::CentralNotFilled {
                            user,
                            desktops: counts[user],
                            previous_at: p,
                            previous: counts[p],
                            cap: caps.cap(p),
                        });
                    }
                }
            }
            Order::Any => {
                let mut partly = (0..u).filter(|&j| counts[j] > 0 && counts[j] < caps.cap(j));
                if let (Some(first), Some(second)) = (partly.next(), partly.next()) {
                    return Err(Violation::CentralPartlyServed {
                        first,
                        first_desktops: counts[first],
                        first_cap: caps.cap(first),
                        second,
                        second_desktops: counts[second],
                        second_cap: caps.cap(second),
                    });
                }
            }
        },
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fleet::{plan_against, SnapshotDesktop};
    use crate::limit::Strategy;
    use crate::planner::Plan;
    use crate::request::Request;

    /// Four Running desktops `d1…d4`, two Stopped ones that user `A` keeps, and users
    /// `A, B, C`; one user per desktop.
    fn case(strategy: Strategy, max_desktop_per_user: u32) -> (CheckedRequest, Fleet) {
        let request = Request::new(
            "cn-hangzhou",
            ["d1", "d2", "d3", "d4", "s1", "s2"],
            ["A", "B", "C"],
        )
        .max_user_per_desktop(1)
        .max_desktop_per_user(max_desktop_per_user)
        .strategy(strategy)
        .check()
        .unwrap();
        let mut fleet = Fleet::new();
        for id in ["d1", "d2", "d3", "d4"] {
            fleet.insert(id, SnapshotDesktop::new("Running")).unwrap();
        }
        for id in ["s1", "s2"] {
            let held = SnapshotDesktop::new("Stopped").end_users(["A"]);
            fleet.insert(id, held).unwrap();
        }
        (request, fleet)
    }

    /// The plan that gives `d1…d4` these users (indices), in order.
    fn rows(request: &CheckedRequest, fleet: &Fleet, users: [u32; 4]) -> FleetPlan {
        let lists = users.map(|j| vec![j]).into_iter().chain([vec![], vec![]]);
        FleetPlan::new(Plan::from_lists(lists), fleet.eligibility(request))
    }

    #[test]
    fn average_levels_what_users_will_have() {
        let (request, fleet) = case(Strategy::Average, 0);
        let planned = plan_against(&request, &fleet).unwrap();
        // A keeps 2: B and C are given 2 each, and all three will have 2.
        assert_eq!(planned.plan(), rows(&request, &fleet, [1, 1, 2, 2]).plan());
        assert_eq!(verify_against(&request, &fleet, &planned), Ok(()));
        // §2's rule alone would accept [1, 1, 1, 1]'s counts; A then has 3, C 1.
        let uneven = rows(&request, &fleet, [0, 1, 2, 2]);
        let broken = verify_against(&request, &fleet, &uneven).unwrap_err();
        // Sticky plans obey §6.1 as canonical ones do.
        assert_eq!(
            verify_sticky(&request, &fleet, &uneven),
            Err(broken.clone())
        );
        assert_eq!(broken.guarantee(), 6);
        assert_eq!(
            broken.to_string(),
            "guarantee 6 broken: under AVERAGE user 2 will have 1 desktops (0 kept, 1 given) and could take more, but user 1 is given 1 and will have 3"
        );
    }

    #[test]
    fn the_limit_counts_kept_desktops() {
        let (request, fleet) = case(Strategy::Average, 3);
        let over = rows(&request, &fleet, [0, 0, 1, 2]);
        let broken = verify_against(&request, &fleet, &over).unwrap_err();
        assert_eq!(broken.guarantee(), 2);
        assert_eq!(
            broken.to_string(),
            "guarantee 2 broken: user 1 keeps 2 desktops that the call cannot change and is given 2 more, 4 in all, more than MaxDesktopPerUser 3"
        );
    }

    #[test]
    fn central_fills_users_to_their_caps_in_order() {
        let (request, fleet) = case(Strategy::Central, 3);
        let planned = plan_against(&request, &fleet).unwrap();
        // A may take 1 more, B 3: C gets none.
        assert_eq!(planned.plan(), rows(&request, &fleet, [0, 1, 1, 1]).plan());
        assert_eq!(verify_against(&request, &fleet, &planned), Ok(()));
        assert_eq!(verify_sticky(&request, &fleet, &planned), Ok(()));
        let skipped = rows(&request, &fleet, [1, 1, 1, 2]);
        let broken = verify_against(&request, &fleet, &skipped).unwrap_err();
        assert_eq!(broken.guarantee(), 7);
        assert_eq!(
            broken.to_string(),
            "guarantee 7 broken: under CENTRAL user 2 is given 3 desktops, but user 1 before it is given 0, fewer than the 1 it may get"
        );
        // Sticky plans may serve any users, but only one partly.
        let two_partly = rows(&request, &fleet, [1, 1, 2, 2]);
        let broken = verify_sticky(&request, &fleet, &two_partly).unwrap_err();
        assert_eq!(
            broken.to_string(),
            "guarantee 7 broken: under CENTRAL users 2 and 3 are both partly served (2 of 3 and 2 of 3 desktops)"
        );
        let other_order = rows(&request, &fleet, [1, 1, 1, 0]);
        assert_eq!(verify_sticky(&request, &fleet, &other_order), Ok(()));
    }

    #[test]
    fn the_total_is_the_caps() {
        let (request, fleet) = case(Strategy::Central, 2);
        // A is at the limit; B and C may take 2 each: T = 4.
        let short = rows(&request, &fleet, [1, 1, 2, 2]);
        assert_eq!(verify_against(&request, &fleet, &short), Ok(()));
        let lists = [vec![1], vec![1], vec![2], vec![], vec![], vec![]];
        let three = FleetPlan::new(Plan::from_lists(lists), fleet.eligibility(&request));
        assert_eq!(
            verify_against(&request, &fleet, &three)
                .unwrap_err()
                .to_string(),
            "guarantee 4 broken: the plan has 3 pairs, but the limits allow 4"
        );
    }
}
