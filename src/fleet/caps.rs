//! [`UserCaps`]: the arithmetic of [the contract](crate::contract), §6.1, on counts alone.
//!
//! A listed desktop that the call cannot change keeps its users, so what a user will have
//! after the call is what it keeps there (`h_j`) plus what the plan gives it (`q_j`). The
//! limits hold on that sum: `MaxDesktopPerUser` caps each user's new desktops at
//! `c_j = min(max(M − h_j, 0), n)`, and `AVERAGE` levels `h_j + q_j`, not `q_j`. With
//! every `h_j = 0` all of this is the arithmetic of §2 ([`Shape`]) over the
//! eligible desktops.

use alloc::vec;
use alloc::vec::Vec;

use super::snapshot::{eligibility_of, Eligibility, Fleet, SnapshotDesktop};
use crate::capacity::{capacity, Capacity};
use crate::error::Error;
use crate::ids::find_each;
use crate::limit::{Limit, Strategy};
use crate::planner::{try_plan_quotas, try_plan_shape, Plan};
use crate::request::CheckedRequest;
use crate::shape::Shape;

/// What each listed user keeps and may get when a plan is made against a snapshot
/// ([the contract](crate::contract), §6.1): `h_j`, the cap `c_j`, the total `T`, the
/// `AVERAGE` level and the canonical quotas.
///
/// * `h_j` ([`UserCaps::held`]): the listed desktops that the call cannot change and whose
///   snapshot users include user `j`. Desktops the request does not list are outside the
///   call and do not count; nor do snapshot users the request does not list.
/// * `c_j` ([`UserCaps::cap`]): `min(max(M − h_j, 0), n)` with `M = MaxDesktopPerUser` and
///   `n` the number of eligible desktops; `n` when there is no limit.
/// * `T` ([`UserCaps::total`]): `min(n·k', Σ c_j)` with `k' = min(MaxUserPerDesktop, u)`.
/// * `AVERAGE` ([`UserCaps::level`]): the largest whole `L ≥ 0`, at most `max_j(h_j + c_j)`,
///   with `S(L) = Σ_j clamp(L − h_j, 0, c_j) ≤ T`. User `j` gets its
///   [`base`](UserCaps::base) `clamp(L − h_j, 0, c_j)`, and the first
///   [`extras`](UserCaps::extras)` = T − S(L)` users in request order that
///   [may take one more](UserCaps::may_take_extra) get one more.
/// * `CENTRAL`: users in request order each take up to `c_j` until `T` is used.
///
/// With every `h_j = 0`, `c_j = m'`, `T` and the quotas are exactly those of
/// [`Shape`] for `n` desktops (the tests check it on arbitrary shapes).
///
/// Every count is exact and without overflow for up to `u32::MAX` desktops and users.
///
/// # Representation
///
/// `h_j` as one `u32` per user (4 bytes each) and a few counts; the level is found once,
/// when it is built, in `O(u log u)` time (`O(u)` when no user holds an ineligible desktop).
///
/// ```
/// use eds_entitlement::{Limit, Strategy, UserCaps};
///
/// // Alice keeps a Stopped desktop; one eligible desktop; both limits 1.
/// let one = Limit::new(1).unwrap();
/// let caps = UserCaps::from_held(vec![1, 0], 1, one, one);
/// assert_eq!((caps.cap(0), caps.cap(1)), (0, 1));
/// assert_eq!(caps.total(), 1);
/// // The eligible desktop goes to Bob, under either strategy.
/// assert_eq!(caps.quotas(Strategy::Average), [0, 1]);
/// assert_eq!(caps.quotas(Strategy::Central), [0, 1]);
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UserCaps {
    /// `h_j` per listed user, in request order.
    held: Vec<u32>,
    /// `n`: the eligible desktops.
    desktops: u64,
    max_user_per_desktop: Limit,
    max_desktop_per_user: Limit,
    /// `T`.
    total: u64,
    /// `Σ c_j`.
    cap_sum: u64,
    /// The `AVERAGE` level `L`.
    level: u64,
    /// `T − S(L)`.
    extras: u64,
    /// Whether some `h_j > 0`.
    any_held: bool,
}

impl UserCaps {
    /// The caps of users who keep `held[j]` ineligible listed desktops each (`h_j`, in
    /// request order), for a plan over `desktops` eligible desktops under these limits
    /// (absent or `0` = no limit).
    ///
    /// Costs `O(u log u)` time (`O(u)` when every `h_j = 0`) and `4·u` bytes.
    pub fn from_held(
        held: Vec<u32>,
        desktops: u32,
        max_user_per_desktop: Limit,
        max_desktop_per_user: Limit,
    ) -> UserCaps {
        let mut caps = UserCaps {
            any_held: held.iter().any(|&h| h > 0),
            held,
            desktops: u64::from(desktops),
            max_user_per_desktop,
            max_desktop_per_user,
            total: 0,
            cap_sum: 0,
            level: 0,
            extras: 0,
        };
        caps.cap_sum = (0..caps.users()).map(|j| caps.cap(j)).sum();
        let k = max_user_per_desktop.cap(caps.users() as u64);
        caps.total = (caps.desktops * k).min(caps.cap_sum);
        (caps.level, caps.extras) = caps.find_level();
        caps
    }

    /// The caps of `request`'s users against `fleet`, where `eligibility` is each listed
    /// desktop's (in request order, as [`Fleet::eligibility`] gives it).
    ///
    /// Only the ineligible listed desktops are looked up, in bulk when they are many (one
    /// by one, a million look-ups miss the CPU's caches); their users are then found among
    /// the request's in bulk. Costs `O(n + u + P)` expected time, where `P` is the number of
    /// users of the ineligible listed desktops, plus the `O(u log u)` of
    /// [`UserCaps::from_held`]; nothing when every listed desktop is eligible.
    ///
    /// `eligibility` is taken as it is (what [`plan_against`](crate::plan_against) and
    /// [`plan_sticky`](crate::plan_sticky) computed), not checked against `fleet`; a desktop
    /// it has no entry for counts as not eligible, as [`Changes`](crate::Changes) and the
    /// response count it.
    ///
    /// ```
    /// use eds_entitlement::{Fleet, Request, SnapshotDesktop, UserCaps};
    ///
    /// let request = Request::new("cn-hangzhou", ["ecd-1", "ecd-2"], ["Alice", "Bob"])
    ///     .max_user_per_desktop(1)
    ///     .max_desktop_per_user(1)
    ///     .check()?;
    /// let mut fleet = Fleet::new();
    /// fleet.insert("ecd-1", SnapshotDesktop::new("Stopped").end_users(["Alice"])).unwrap();
    /// fleet.insert("ecd-2", SnapshotDesktop::new("Running")).unwrap();
    /// let caps = UserCaps::new(&request, &fleet, &fleet.eligibility(&request));
    /// assert_eq!((caps.held(0), caps.held(1)), (1, 0));
    /// assert_eq!((caps.desktops(), caps.total()), (1, 1));
    /// # Ok::<(), eds_entitlement::Error>(())
    /// ```
    pub fn new(request: &CheckedRequest, fleet: &Fleet, eligibility: &[Eligibility]) -> UserCaps {
        let is_eligible = |i: usize| eligibility.get(i).is_some_and(|e| e.is_eligible());
        let ineligible: Vec<&str> = request
            .desktop_ids()
            .iter()
            .enumerate()
            .filter(|&(i, _)| !is_eligible(i))
            .map(|(_, id)| id)
            .collect();
        let desktops = request.desktop_ids().len() - ineligible.len();
        // A few look-ups one by one; many in bulk.
        let found: Vec<Option<&SnapshotDesktop>> = if ineligible.len() < fleet.len() / 16 {
            ineligible.iter().map(|id| fleet.get(id)).collect()
        } else {
            fleet.find_all(&ineligible)
        };
        UserCaps::of_desktops(request, desktops as u32, found.into_iter().flatten())
    }

    /// [`UserCaps::new`] from each listed desktop as the snapshot has it (in request order),
    /// which a planner has looked up already: the ineligible ones' users are counted.
    pub(crate) fn from_listed(
        request: &CheckedRequest,
        listed: &[Option<&SnapshotDesktop>],
    ) -> UserCaps {
        let mut desktops = 0u32;
        let ineligible = listed.iter().filter_map(|&found| {
            if eligibility_of(found).is_eligible() {
                desktops += 1;
                None
            } else {
                found
            }
        });
        let ineligible: Vec<&SnapshotDesktop> = ineligible.collect();
        UserCaps::of_desktops(request, desktops, ineligible.into_iter())
    }

    /// The caps when `ineligible` are the ineligible listed desktops that the snapshot has
    /// and `desktops` desktops are eligible.
    fn of_desktops<'f>(
        request: &CheckedRequest,
        desktops: u32,
        ineligible: impl Iterator<Item = &'f SnapshotDesktop>,
    ) -> UserCaps {
        UserCaps::from_held(
            held_counts(request, ineligible),
            desktops,
            request.max_user_per_desktop(),
            request.max_desktop_per_user(),
        )
    }

    /// `u`, the number of listed users.
    pub fn users(&self) -> usize {
        self.held.len()
    }

    /// `n`, the number of eligible desktops.
    pub fn desktops(&self) -> u64 {
        self.desktops
    }

    /// `MaxUserPerDesktop`.
    pub fn max_user_per_desktop(&self) -> Limit {
        self.max_user_per_desktop
    }

    /// `MaxDesktopPerUser`, `M`.
    pub fn max_desktop_per_user(&self) -> Limit {
        self.max_desktop_per_user
    }

    /// `k' = min(MaxUserPerDesktop, u)`: the most users a desktop can get.
    pub fn users_per_desktop_cap(&self) -> u64 {
        self.max_user_per_desktop.cap(self.users() as u64)
    }

    /// `h_j`: the ineligible listed desktops user `j` keeps; `0` when `j >= u`.
    pub fn held(&self, j: usize) -> u64 {
        self.held.get(j).map_or(0, |&h| u64::from(h))
    }

    /// Whether some user keeps an ineligible listed desktop (some `h_j > 0`). When none
    /// does, every figure here is §2's over the eligible desktops.
    pub fn any_held(&self) -> bool {
        self.any_held
    }

    /// `c_j = min(max(M − h_j, 0), n)` (`n` when `MaxDesktopPerUser` is unlimited): the
    /// most desktops the call may give user `j`; `0` when `j >= u`.
    pub fn cap(&self, j: usize) -> u64 {
        let Some(&h) = self.held.get(j) else {
            return 0;
        };
        match self.max_desktop_per_user.get() {
            Some(m) => u64::from(m.saturating_sub(h)).min(self.desktops),
            None => self.desktops,
        }
    }

    /// `Σ c_j`: the most pairs the users' caps allow.
    pub fn cap_sum(&self) -> u64 {
        self.cap_sum
    }

    /// `T = min(n·k', Σ c_j)`: the number of (desktop, user) pairs of every plan.
    pub fn total(&self) -> u64 {
        self.total
    }

    /// Whether user `j` keeps more desktops than `MaxDesktopPerUser` on ineligible desktops
    /// alone (`h_j > M`): the plan cannot mend it.
    pub fn is_over_limit(&self, j: usize) -> bool {
        self.max_desktop_per_user
            .get()
            .is_some_and(|m| self.held(j) > u64::from(m))
    }

    /// Whether user `j` is at the limit already: `MaxDesktopPerUser` is set and
    /// `h_j ≥ M` (so `c_j = 0`).
    pub fn is_at_limit(&self, j: usize) -> bool {
        self.max_desktop_per_user
            .get()
            .is_some_and(|m| j < self.users() && self.held(j) >= u64::from(m))
    }

    /// The users over the limit ([`UserCaps::is_over_limit`]), in request order.
    pub fn users_over_limit(&self) -> impl Iterator<Item = usize> + '_ {
        (0..self.users()).filter(|&j| self.is_over_limit(j))
    }

    /// `AVERAGE`'s level `L`: the largest whole `L ≥ 0`, at most `max_j(h_j + c_j)` (`0`
    /// without users), with `S(L) = Σ_j clamp(L − h_j, 0, c_j) ≤ T`.
    pub fn level(&self) -> u64 {
        self.level
    }

    /// User `j`'s `AVERAGE` quota before the extras: `clamp(L − h_j, 0, c_j)`.
    pub fn base(&self, j: usize) -> u64 {
        self.level.saturating_sub(self.held(j)).min(self.cap(j))
    }

    /// Whether user `j` is at the level with room for one more: `h_j + base_j = L` and
    /// `base_j < c_j`. The first [`UserCaps::extras`] such users in request order get it.
    pub fn may_take_extra(&self, j: usize) -> bool {
        let base = self.base(j);
        j < self.users() && self.held(j) + base == self.level && base < self.cap(j)
    }

    /// `T − S(L)`: how many users at the level get one desktop more than their base. At
    /// most the number of users who [may take one](UserCaps::may_take_extra).
    pub fn extras(&self) -> u64 {
        self.extras
    }

    /// The canonical quotas `q_j`, in request order: under `AVERAGE` each user's
    /// [`base`](UserCaps::base), plus one for the first [`extras`](UserCaps::extras) users
    /// who [may take one](UserCaps::may_take_extra); under `CENTRAL` users in request order
    /// each take up to `c_j` until `T` is used. They sum to `T`.
    ///
    /// Costs `O(u)` time and `8·u` bytes.
    pub fn quotas(&self, strategy: Strategy) -> Vec<u64> {
        let u = self.users();
        match strategy {
            Strategy::Central => {
                let mut left = self.total;
                (0..u)
                    .map(|j| {
                        let q = self.cap(j).min(left);
                        left -= q;
                        q
                    })
                    .collect()
            }
            Strategy::Average => {
                let mut extras = self.extras;
                (0..u)
                    .map(|j| {
                        let base = self.base(j);
                        if extras > 0 && self.may_take_extra(j) {
                            extras -= 1;
                            base + 1
                        } else {
                            base
                        }
                    })
                    .collect()
            }
        }
    }

    /// The capacity figures of the canonical plan under these caps ([the
    /// contract](crate::contract), §5 as §6.1 reads them with a snapshot): a user is
    /// [at the limit](UserCaps::is_at_limit) already (counted by
    /// [`UserCaps::users_at_limit`], in none of the three figures below), else fully served
    /// (`users_full`) when `q_j = c_j > 0`, partly (`users_partial`) when `0 < q_j < c_j`,
    /// unserved (`users_unserved`) when `q_j = 0`. Desktops per user count `q_j`, what the
    /// call plans, over every user; desktop loads are `⌊T/n⌋` or `⌈T/n⌉`; `desktops_needed`
    /// is [`capacity`](fn@crate::capacity)'s for the same counts and limits. With nobody keeping
    /// a desktop, it is `capacity(&self.shape(strategy))`.
    ///
    /// Costs `O(u)` time and `8·u` bytes.
    ///
    /// ```
    /// use eds_entitlement::{Limit, Strategy, UserCaps};
    ///
    /// let one = Limit::new(1).unwrap();
    /// // Alice keeps one desktop, Bob none; one eligible desktop.
    /// let caps = UserCaps::from_held(vec![1, 0], 1, one, one);
    /// let figures = caps.capacity(Strategy::Average);
    /// assert_eq!(caps.users_at_limit(), 1);
    /// assert_eq!((figures.users_full, figures.users_partial, figures.users_unserved), (1, 0, 0));
    /// ```
    pub fn capacity(&self, strategy: Strategy) -> Capacity {
        if !self.any_held {
            return capacity(&self.shape(strategy));
        }
        self.capacity_of(strategy, &self.quotas(strategy))
    }

    /// [`UserCaps::capacity`]'s figures for a plan whose users have `quotas` desktops each
    /// (in request order): the sticky plan's (§7), whose users may differ from the canonical
    /// plan's though the caps and `T` are the same. `O(u)`.
    pub(crate) fn capacity_of(&self, strategy: Strategy, quotas: &[u64]) -> Capacity {
        let mut figures = capacity(&self.shape(strategy));
        let (n, total) = (self.desktops, self.total);
        figures.assignments = total;
        (
            figures.desktops_used,
            figures.min_users_per_desktop,
            figures.max_users_per_desktop,
        ) = match (total.checked_div(n), total.checked_rem(n)) {
            (Some(base), Some(longer)) => (
                if base > 0 { n } else { longer },
                base,
                base + u64::from(longer > 0),
            ),
            _ => (0, 0, 0),
        };
        figures.desktops_idle = n - figures.desktops_used;
        figures.users_full = 0;
        figures.users_partial = 0;
        figures.users_unserved = 0;
        for (j, &q) in quotas.iter().enumerate() {
            if self.is_at_limit(j) {
                continue;
            }
            if q == 0 {
                figures.users_unserved += 1;
            } else if q == self.cap(j) {
                figures.users_full += 1;
            } else {
                figures.users_partial += 1;
            }
        }
        figures.min_desktops_per_user = quotas.iter().copied().min().unwrap_or(0);
        figures.max_desktops_per_user = quotas.iter().copied().max().unwrap_or(0);
        figures
    }

    /// How many users are [at the limit](UserCaps::is_at_limit) already: `MaxDesktopPerUser`
    /// set and `h_j ≥ M`. The summary's `users_at_limit` (§6.1). `O(u)`.
    pub fn users_at_limit(&self) -> u64 {
        (0..self.users()).filter(|&j| self.is_at_limit(j)).count() as u64
    }

    /// §2's [`Shape`] of a plan over the eligible desktops with every listed user: its
    /// figures are these caps' when no user keeps an ineligible desktop
    /// ([`UserCaps::any_held`] is `false`), and only then.
    pub fn shape(&self, strategy: Strategy) -> Shape {
        Shape::new(
            self.desktops as u32,
            self.users() as u32,
            self.max_user_per_desktop,
            self.max_desktop_per_user,
            strategy,
        )
    }

    /// The canonical plan over the eligible desktops (one row each, in request order):
    /// these [`quotas`](UserCaps::quotas), dealt as §2 deals, user `j` in request order
    /// taking the next `q_j` desktops, wrapping around. When no user keeps an ineligible
    /// desktop, §2's planner makes it ([`try_plan_shape`]).
    pub(crate) fn try_plan(&self, strategy: Strategy) -> Result<Plan, Error> {
        if !self.any_held {
            return try_plan_shape(&self.shape(strategy));
        }
        try_plan_quotas(self.desktops, &self.quotas(strategy), self.total)
    }

    /// `(L, T − S(L))`.
    ///
    /// `S` is piecewise linear and non-decreasing: user `j` adds slope 1 from `h_j` to
    /// `h_j + c_j`. Its breakpoints are swept in order, and within the piece where `S`
    /// passes `T` the level is found by one division: `O(u log u)` for the sort. With every
    /// `h_j = 0` every cap is the same and `L` has a closed form.
    fn find_level(&self) -> (u64, u64) {
        let u = self.users();
        let total = self.total;
        let top = (0..u)
            .map(|j| self.held(j) + self.cap(j))
            .max()
            .unwrap_or(0);
        if total == self.cap_sum {
            // S(top) = Σ c_j = T: every user gets its cap.
            return (top, 0);
        }
        // Here T < Σ c_j, so some c_j > 0, n > 0 and u > 0; S(L) > T for some L ≤ top.
        if !self.any_held {
            // Every c_j = m' > 0 and h_j = 0: S(L) = u·min(L, m'), and T < u·m'.
            let u = u as u64;
            return (total / u, total % u);
        }
        // Breakpoints: +1 at h_j, −1 at h_j + c_j.
        let mut events: Vec<(u64, bool)> = Vec::with_capacity(2 * u);
        for j in 0..u {
            let (h, c) = (self.held(j), self.cap(j));
            if c > 0 {
                events.push((h, true));
                events.push((h + c, false));
            }
        }
        events.sort_unstable();
        let (mut x, mut s, mut slope) = (0u64, 0u64, 0u64);
        let mut i = 0;
        while i < events.len() {
            let at = events[i].0;
            // Over [x, at], S grows by `slope` per step.
            let grown = slope * (at - x);
            if s + grown > total {
                let level = x + (total - s) / slope;
                return (level, total - (s + slope * (level - x)));
            }
            s += grown;
            x = at;
            while i < events.len() && events[i].0 == at {
                if events[i].1 {
                    slope += 1;
                } else {
                    slope -= 1;
                }
                i += 1;
            }
        }
        // Not reached: S(top) = Σ c_j > T.
        (top, 0)
    }
}

/// `h_j` for each of `request`'s users: how many of the `ineligible` desktops (the
/// ineligible listed desktops that the snapshot has) hold it. Their users are found among
/// the request's in bulk: `O(u + P)` expected time for `P` users of those desktops.
pub(crate) fn held_counts<'f>(
    request: &CheckedRequest,
    ineligible: impl Iterator<Item = &'f SnapshotDesktop>,
) -> Vec<u32> {
    let users = request.end_user_ids();
    let mut held = vec![0u32; users.len()];
    let named: Vec<&str> = ineligible
        .flat_map(|d| d.end_user_ids())
        .map(|id| id.as_str())
        .collect();
    if !named.is_empty() {
        // A desktop holds each user once (the reader refuses a repeat, and
        // `SnapshotDesktop::end_users` folds one), so each occurrence is one desktop held.
        for j in find_each(users.len(), |j| &users[j], &named)
            .into_iter()
            .flatten()
        {
            held[j] = held[j].saturating_add(1);
        }
    }
    held
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::shape::Shape;

    fn limit(v: u32) -> Limit {
        Limit::new(v).unwrap()
    }

    /// The level by its definition, stepping `L` one at a time.
    fn naive_level(caps: &UserCaps) -> (u64, u64) {
        let s = |l: u64| -> u64 {
            (0..caps.users())
                .map(|j| l.saturating_sub(caps.held(j)).min(caps.cap(j)))
                .sum()
        };
        let top = (0..caps.users())
            .map(|j| caps.held(j) + caps.cap(j))
            .max()
            .unwrap_or(0);
        let level = (0..=top).rev().find(|&l| s(l) <= caps.total()).unwrap();
        (level, caps.total() - s(level))
    }

    #[test]
    fn level_is_the_definitions() {
        let mut rng = 99u64;
        let mut next = |below: u64| {
            rng = rng
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (rng >> 33) % below
        };
        for _ in 0..3000 {
            let u = next(7) as usize;
            let held: Vec<u32> = (0..u).map(|_| next(6) as u32).collect();
            let caps = UserCaps::from_held(
                held,
                next(8) as u32,
                limit(next(4) as u32),
                limit(next(6) as u32),
            );
            assert_eq!(
                (caps.level(), caps.extras()),
                naive_level(&caps),
                "{caps:?}"
            );
            let may = (0..u).filter(|&j| caps.may_take_extra(j)).count() as u64;
            assert!(caps.extras() <= may, "{caps:?}");
            for strategy in [Strategy::Average, Strategy::Central] {
                let q = caps.quotas(strategy);
                assert_eq!(q.iter().sum::<u64>(), caps.total(), "{caps:?}");
                assert!((0..u).all(|j| q[j] <= caps.cap(j)), "{caps:?}");
            }
        }
    }

    #[test]
    fn without_held_desktops_the_quotas_are_the_shapes() {
        for strategy in [Strategy::Average, Strategy::Central] {
            for n in 0..6u32 {
                for u in 0..6u32 {
                    for k in 0..4 {
                        for m in 0..4 {
                            let shape = Shape::new(n, u, limit(k), limit(m), strategy);
                            let caps =
                                UserCaps::from_held(vec![0; u as usize], n, limit(k), limit(m));
                            assert_eq!(caps.total(), shape.assignments());
                            let expected: Vec<u64> =
                                (0..u64::from(u)).map(|j| shape.quota(j)).collect();
                            assert_eq!(caps.quotas(strategy), expected, "{shape:?}");
                            assert_eq!(caps.level(), naive_level(&caps).0);
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn the_smallest_case_gives_bob_the_desktop() {
        let caps = UserCaps::from_held(vec![1, 0], 1, limit(1), limit(1));
        assert_eq!(caps.quotas(Strategy::Average), [0, 1]);
        assert_eq!(caps.quotas(Strategy::Central), [0, 1]);
        assert!(caps.is_at_limit(0) && !caps.is_over_limit(0));
        let over = UserCaps::from_held(vec![3, 0, 2], 4, Limit::UNLIMITED, limit(2));
        assert_eq!(over.users_over_limit().collect::<Vec<_>>(), [0]);
        assert_eq!((over.cap(0), over.cap(1), over.cap(2)), (0, 2, 0));
    }

    #[test]
    fn counts_do_not_overflow_at_u32_max() {
        let caps = UserCaps::from_held(vec![0, 5], u32::MAX, Limit::UNLIMITED, Limit::UNLIMITED);
        assert_eq!(caps.total(), 2 * u64::from(u32::MAX));
        // AVERAGE levels what users will have: 0 + q_0 and 5 + q_1 differ by at most one.
        let q = caps.quotas(Strategy::Average);
        assert_eq!(q, [u64::from(u32::MAX), u64::from(u32::MAX)]);
        let caps = UserCaps::from_held(vec![0, 5, u32::MAX], u32::MAX, limit(1), Limit::UNLIMITED);
        assert_eq!(caps.total(), u64::from(u32::MAX));
        let q = caps.quotas(Strategy::Average);
        assert_eq!(q.iter().sum::<u64>(), caps.total());
        assert_eq!(q[2], 0);
        assert!(q[0].abs_diff(q[1] + 5) <= 1, "{q:?}");
    }
}
