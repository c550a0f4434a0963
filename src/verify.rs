//! The checker: [`verify`] a plan against the seven guarantees of [the contract](crate::contract), §2.

use alloc::vec;
use alloc::vec::Vec;

use crate::eligibility::Eligibility;
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
    let tally = Tally::new(request, plan.iter().enumerate())?;
    tally.guarantees(request, n, Order::Request)
}

/// Whether guarantee 7's clause "non-increasing in request order" is checked under
/// `CENTRAL` (§7's sticky plans relax it).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Order {
    /// As §2: users' counts non-increasing in request order.
    Request,
    /// As §7: any users may be the served ones.
    Any,
}

/// What the per-desktop guarantees leave for the rest: each user's number of desktops, and
/// the desktops with the fewest and the most users (position in the request, count).
///
/// The fleet layer's checker builds it over the eligible desktops and reads the user
/// guarantees as §6.1 does.
pub(crate) struct Tally {
    /// `counts[j]`: the desktops user `j` is given.
    pub(crate) counts: Vec<u64>,
    pub(crate) fewest: (usize, usize),
    pub(crate) most: (usize, usize),
}

impl Tally {
    /// Counts `rows` (each with its desktop's position in the request), checking on the way
    /// that every user is the request's, each row is in order without repeats (3) and no
    /// desktop is over `MaxUserPerDesktop` (2).
    pub(crate) fn new<'p>(
        request: &CheckedRequest,
        rows: impl Iterator<Item = (usize, &'p [u32])>,
    ) -> Result<Tally, Violation> {
        let u = request.end_user_ids().len();
        let user_cap = request.max_user_per_desktop().get();
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
        Ok(Tally {
            counts,
            fewest,
            most,
        })
    }

    /// Guarantee 5 over the tallied desktops, when there are any.
    pub(crate) fn balanced_desktops(&self, n: u64) -> Result<(), Violation> {
        let (fewest, most) = (self.fewest, self.most);
        if n > 0 && most.1 > fewest.1 + 1 {
            return Err(Violation::UnbalancedDesktops {
                fewest_at: fewest.0,
                fewest: fewest.1,
                most_at: most.0,
                most: most.1,
            });
        }
        Ok(())
    }

    /// Guarantees 2 (for users), 4, 5, 6 and 7 as §2 states them, over the `n` tallied
    /// desktops.
    pub(crate) fn guarantees(
        &self,
        request: &CheckedRequest,
        n: usize,
        order: Order,
    ) -> Result<(), Violation> {
        let counts = &self.counts;
        let u = counts.len();
        if let Some(limit) = request.max_desktop_per_user().get() {
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
        self.balanced_desktops(n as u64)?;

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
}
