//! The checker: [`verify`] a plan against the seven guarantees of [the contract](crate::contract), §2.

use alloc::vec;

use crate::fleet::caps::UserCaps;
use crate::fleet::plan::FleetPlan;
use crate::fleet::snapshot::{Eligibility, Fleet};
use crate::limit::Strategy;
use crate::planner::Plan;
use crate::request::CheckedRequest;

/// A guarantee of [the contract](crate::contract), §2 that a plan breaks, and where.
///
/// Desktops and users are 0-based indices into the request's lists; messages print them
/// 1-based, as positions in the request, like every message of this crate.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Violation {
    /// Guarantee 1: the plan must list every desktop of the request, once, in order.
    #[error("guarantee 1 broken: the plan has {found} desktops, but the request lists {expected}")]
    DesktopCount {
        /// The request's number of desktops.
        expected: usize,
        /// The plan's.
        found: usize,
    },
    /// The plan names a user that the request does not list.
    #[error("the plan gives desktop {} user index {user}, but the request lists only {users} users", .desktop + 1)]
    UnknownUser {
        /// The desktop.
        desktop: usize,
        /// The unknown 0-based user index.
        user: u32,
        /// The request's number of users.
        users: usize,
    },
    /// Guarantee 2: a desktop has more users than `MaxUserPerDesktop`.
    #[error("guarantee 2 broken: desktop {} has {users} users, more than MaxUserPerDesktop {limit}", .desktop + 1)]
    DesktopOverLimit {
        /// The desktop.
        desktop: usize,
        /// Its number of users.
        users: usize,
        /// `MaxUserPerDesktop`.
        limit: u32,
    },
    /// Guarantee 2: a user has more desktops than `MaxDesktopPerUser`.
    #[error("guarantee 2 broken: user {} has {desktops} desktops, more than MaxDesktopPerUser {limit}", .user + 1)]
    UserOverLimit {
        /// The user.
        user: usize,
        /// Its number of desktops.
        desktops: u64,
        /// `MaxDesktopPerUser`.
        limit: u32,
    },
    /// Guarantee 3: a (desktop, user) pair appears twice.
    #[error("guarantee 3 broken: desktop {} lists user {} twice", .desktop + 1, .user + 1)]
    RepeatedPair {
        /// The desktop.
        desktop: usize,
        /// The user.
        user: u32,
    },
    /// Guarantee 3: a desktop's users are not in the request's user order.
    #[error("guarantee 3 broken: desktop {} lists user {} after user {}, against the request's order", .desktop + 1, .user + 1, .previous + 1)]
    OutOfOrder {
        /// The desktop.
        desktop: usize,
        /// The user listed after `previous`.
        user: u32,
        /// The user before it.
        previous: u32,
    },
    /// Guarantee 4: the plan is not maximum.
    #[error("guarantee 4 broken: the plan has {found} pairs, but the limits allow {expected}")]
    WrongTotal {
        /// `T`.
        expected: u64,
        /// The plan's number of pairs.
        found: u64,
    },
    /// Guarantee 5: two desktops' loads differ by more than one.
    #[error("guarantee 5 broken: desktop {} has {fewest} users but desktop {} has {most}", .fewest_at + 1, .most_at + 1)]
    UnbalancedDesktops {
        /// A desktop with the fewest users.
        fewest_at: usize,
        /// Its number of users.
        fewest: usize,
        /// A desktop with the most users.
        most_at: usize,
        /// Its number of users.
        most: usize,
    },
    /// Guarantee 6: under `AVERAGE`, two users' counts differ by more than one.
    #[error("guarantee 6 broken: under AVERAGE user {} has {fewest} desktops but user {} has {most}", .fewest_at + 1, .most_at + 1)]
    UnbalancedUsers {
        /// A user with the fewest desktops.
        fewest_at: usize,
        /// Its number of desktops.
        fewest: u64,
        /// A user with the most desktops.
        most_at: usize,
        /// Its number of desktops.
        most: u64,
    },
    /// Guarantee 7: under `CENTRAL`, a user has more desktops than the user before it.
    #[error("guarantee 7 broken: under CENTRAL user {} has {desktops} desktops, more than the {previous} of the user before it", .user + 1)]
    CentralIncreasing {
        /// The user.
        user: usize,
        /// Its number of desktops.
        desktops: u64,
        /// The previous user's.
        previous: u64,
    },
    /// Guarantee 7: under `CENTRAL`, two users are partly served.
    #[error("guarantee 7 broken: under CENTRAL users {} and {} are both partly served (more than 0, fewer than {cap} desktops)", .first + 1, .second + 1)]
    CentralPartial {
        /// The first partly served user.
        first: usize,
        /// The second.
        second: usize,
        /// `m' = min(MaxDesktopPerUser, n)`.
        cap: u64,
    },
    /// Guarantee 2 as §6.1 reads it: a user who keeps desktops the call cannot change is
    /// given more, and would then have more than `MaxDesktopPerUser` (`h_j + q_j > M` and
    /// `q_j > 0`).
    #[error("guarantee 2 broken: user {} keeps {held} desktops that the call cannot change and is given {desktops} more, {} in all, more than MaxDesktopPerUser {limit}", .user + 1, *.held + *.desktops)]
    UserOverLimitWithKept {
        /// The user.
        user: usize,
        /// `q_j`: the desktops the plan gives it.
        desktops: u64,
        /// `h_j`: the ineligible listed desktops it keeps.
        held: u64,
        /// `MaxDesktopPerUser`.
        limit: u32,
    },
    /// Guarantee 6 as §6.1 reads it: under `AVERAGE`, a user who could take another desktop
    /// (`q_i < c_i`) will have at least two fewer than a user the plan gives some
    /// (`h_i + q_i < h_j + q_j − 1`, `q_j > 0`).
    #[error("guarantee 6 broken: under AVERAGE user {} will have {} desktops ({fewest_held} kept, {fewest} given) and could take more, but user {} is given {most} and will have {}", .fewest_at + 1, *.fewest_held + *.fewest, .most_at + 1, *.most_held + *.most)]
    UnevenLevels {
        /// The user with room who will have the fewest.
        fewest_at: usize,
        /// Its `h_i`.
        fewest_held: u64,
        /// Its `q_i`.
        fewest: u64,
        /// The user given desktops who will have the most.
        most_at: usize,
        /// Its `h_j`.
        most_held: u64,
        /// Its `q_j`.
        most: u64,
    },
    /// Guarantee 7 as §6.1 reads it: under `CENTRAL`, a user is given desktops although a
    /// user before it in request order is not filled to its cap `c_p`.
    #[error("guarantee 7 broken: under CENTRAL user {} is given {desktops} desktops, but user {} before it is given {previous}, fewer than the {cap} it may get", .user + 1, .previous_at + 1)]
    CentralNotFilled {
        /// The user given desktops.
        user: usize,
        /// Its `q_j`.
        desktops: u64,
        /// The first user not filled to its cap.
        previous_at: usize,
        /// That user's `q_p`.
        previous: u64,
        /// That user's cap `c_p`.
        cap: u64,
    },
    /// Guarantee 7 as §6.1 and §7 read it for sticky plans: under `CENTRAL`, two users are
    /// each given more than `0` and fewer than their caps.
    #[error("guarantee 7 broken: under CENTRAL users {} and {} are both partly served ({first_desktops} of {first_cap} and {second_desktops} of {second_cap} desktops)", .first + 1, .second + 1)]
    CentralPartlyServed {
        /// The first partly served user.
        first: usize,
        /// Its `q_j`.
        first_desktops: u64,
        /// Its cap `c_j`.
        first_cap: u64,
        /// The second.
        second: usize,
        /// Its `q_j`.
        second_desktops: u64,
        /// Its cap.
        second_cap: u64,
    },
    /// §6: a plan made against a snapshot gives a desktop another eligibility than the
    /// snapshot does.
    #[error("desktop {} is {} in the snapshot, but the plan says {}", .desktop + 1, name(*.expected), name(*.found))]
    WrongEligibility {
        /// The desktop.
        desktop: usize,
        /// Its eligibility in the snapshot.
        expected: Eligibility,
        /// The plan's.
        found: Eligibility,
    },
    /// §6: a plan made against a snapshot changes a desktop that the call cannot change.
    #[error("desktop {} is not eligible ({}), but the plan gives it {users} users: the call cannot change it", .desktop + 1, name(*.reason))]
    IneligibleChanged {
        /// The desktop.
        desktop: usize,
        /// Why it is not eligible.
        reason: Eligibility,
        /// The number of users the plan gives it.
        users: usize,
    },
}

fn name(eligibility: Eligibility) -> &'static str {
    eligibility.reason().unwrap_or("eligible")
}

impl Violation {
    /// The number (1 to 7) of the guarantee broken ([the contract](crate::contract), §2); `0`
    /// for a plan that names a user the request does not list, which no guarantee can even be
    /// asked of, and for a plan made against a snapshot that does not respect the snapshot's
    /// eligibility (§6).
    pub fn guarantee(&self) -> u8 {
        match self {
            Violation::DesktopCount { .. } => 1,
            Violation::UnknownUser { .. } => 0,
            Violation::DesktopOverLimit { .. }
            | Violation::UserOverLimit { .. }
            | Violation::UserOverLimitWithKept { .. } => 2,
            Violation::RepeatedPair { .. } | Violation::OutOfOrder { .. } => 3,
            Violation::WrongTotal { .. } => 4,
            Violation::UnbalancedDesktops { .. } => 5,
            Violation::UnbalancedUsers { .. } | Violation::UnevenLevels { .. } => 6,
            Violation::CentralIncreasing { .. }
            | Violation::CentralPartial { .. }
            | Violation::CentralNotFilled { .. }
            | Violation::CentralPartlyServed { .. } => 7,
            Violation::WrongEligibility { .. } | Violation::IneligibleChanged { .. } => 0,
        }
    }
}

/// Checks that `plan` meets the seven guarantees of [the contract](crate::contract), §2 for `request`, without calling
/// the planner: any plan that passes is a valid answer to the request (the canonical plan
/// is one of them).
///
/// Costs `O(n + u + T)` time and `8·u` bytes.
///
/// # Errors
///
/// The first [`Violation`] found, looking in this order: the number of desktops (1), unknown
/// users, each desktop's order, repeats and cap (3, 2), each user's cap (2), the total (4),
/// desktop balance (5), then user balance (6, `AVERAGE`) or shape (7, `CENTRAL`).
///
/// # Example
///
/// ```
/// use eds_entitlement::{plan, verify, Plan, Request};
///
/// let request = Request::new("cn-hangzhou", ["d1", "d2"], ["A", "B"])
///     .max_user_per_desktop(1)
///     .check()?;
/// assert_eq!(verify(&request, &plan(&request)), Ok(()));
///
/// let lopsided = Plan::from_lists([vec![0, 1], vec![]]);
/// let broken = verify(&request, &lopsided).unwrap_err();
/// assert_eq!(broken.guarantee(), 2);
/// assert_eq!(
///     broken.to_string(),
///     "guarantee 2 broken: desktop 1 has 2 users, more than MaxUserPerDesktop 1",
/// );
/// # Ok::<(), eds_entitlement::Error>(())
/// ```
pub fn verify(request: &CheckedRequest, plan: &Plan) -> Result<(), Violation> {
    let n = request.desktop_ids().len();
    if plan.desktops() != n {
        return Err(Violation::DesktopCount {
            expected: n,
            found: plan.desktops(),
        });
    }
    guarantees(request, n, plan.iter().enumerate(), Order::Request, None)
}

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
    let caps = UserCaps::new(request, fleet, plan.eligibility());
    let caps = Some(&caps).filter(|caps| caps.any_held());
    guarantees(request, eligible, eligible_rows, order, caps)
}

/// Whether guarantee 7's clause "non-increasing in request order" is checked under
/// `CENTRAL` (§7's sticky plans relax it).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Order {
    /// As §2: users' counts non-increasing in request order.
    Request,
    /// As §7: any users may be the served ones.
    Any,
}

/// Guarantees 2 to 7 over `rows` (each with its desktop's position in the request), which
/// are the plan's `n` desktops; for users, as §6.1 reads them when `caps` is given (some
/// user keeps an ineligible listed desktop), else as §2 does.
fn guarantees<'p>(
    request: &CheckedRequest,
    n: usize,
    rows: impl Iterator<Item = (usize, &'p [u32])>,
    order: Order,
    caps: Option<&UserCaps>,
) -> Result<(), Violation> {
    let u = request.end_user_ids().len();
    let user_cap = request.max_user_per_desktop().get();
    let desktop_cap = request.max_desktop_per_user().get();

    let mut counts = vec![0u64; u];
    let (mut fewest, mut most) = ((0, usize::MAX), (0, 0));
    for (desktop, users) in rows {
        let mut previous: Option<u32> = None;
        for &user in users {
            if user as usize >= u {
                return Err(Violation::UnknownUser {
                    desktop,
                    user,
                    users: u,
                });
            }
            match previous {
                Some(p) if p == user => return Err(Violation::RepeatedPair { desktop, user }),
                Some(p) if p > user => {
                    return Err(Violation::OutOfOrder {
                        desktop,
                        user,
                        previous: p,
                    })
                }
                _ => {}
            }
            previous = Some(user);
            counts[user as usize] += 1;
        }
        if let Some(limit) = user_cap {
            if users.len() > limit as usize {
                return Err(Violation::DesktopOverLimit {
                    desktop,
                    users: users.len(),
                    limit,
                });
            }
        }
        if users.len() < fewest.1 {
            fewest = (desktop, users.len());
        }
        if users.len() > most.1 {
            most = (desktop, users.len());
        }
    }
    if let Some(caps) = caps {
        return kept_guarantees(request, caps, &counts, (fewest, most), order);
    }
    if let Some(limit) = desktop_cap {
        if let Some(user) = counts.iter().position(|&c| c > u64::from(limit)) {
            return Err(Violation::UserOverLimit {
                user,
                desktops: counts[user],
                limit,
            });
        }
    }

    let k = request.max_user_per_desktop().cap(u as u64);
    let m = request.max_desktop_per_user().cap(n as u64);
    let expected = (n as u64 * k).min(u as u64 * m);
    let found = counts.iter().sum::<u64>();
    if found != expected {
        return Err(Violation::WrongTotal { expected, found });
    }
    if n > 0 && most.1 > fewest.1 + 1 {
        return Err(Violation::UnbalancedDesktops {
            fewest_at: fewest.0,
            fewest: fewest.1,
            most_at: most.0,
            most: most.1,
        });
    }

    match request.strategy() {
        Strategy::Average => {
            let fewest = (0..u).min_by_key(|&j| counts[j]);
            let most = (0..u).max_by_key(|&j| (counts[j], core::cmp::Reverse(j)));
            if let (Some(f), Some(m)) = (fewest, most) {
                if counts[m] > counts[f] + 1 {
                    return Err(Violation::UnbalancedUsers {
                        fewest_at: f,
                        fewest: counts[f],
                        most_at: m,
                        most: counts[m],
                    });
                }
            }
        }
        Strategy::Central => {
            let mut partial: Option<usize> = None;
            for (user, &c) in counts.iter().enumerate() {
                if order == Order::Request && user > 0 && c > counts[user - 1] {
                    return Err(Violation::CentralIncreasing {
                        user,
                        desktops: c,
                        previous: counts[user - 1],
                    });
                }
                if c > 0 && c < m {
                    if let Some(first) = partial {
                        return Err(Violation::CentralPartial {
                            first,
                            second: user,
                            cap: m,
                        });
                    }
                    partial = Some(user);
                }
            }
        }
    }
    Ok(())
}

/// Guarantees 2 (for users), 4, 5, 6 and 7 as §6.1 reads them, with `counts[j] = q_j` and
/// the desktops with the fewest and the most users.
fn kept_guarantees(
    request: &CheckedRequest,
    caps: &UserCaps,
    counts: &[u64],
    (fewest, most): ((usize, usize), (usize, usize)),
    order: Order,
) -> Result<(), Violation> {
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
    if caps.desktops() > 0 && most.1 > fewest.1 + 1 {
        return Err(Violation::UnbalancedDesktops {
            fewest_at: fewest.0,
            fewest: fewest.1,
            most_at: most.0,
            most: most.1,
        });
    }
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
    use crate::fleet::SnapshotDesktop;
    use crate::request::Request;
    use crate::{plan_against, Plan};

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
