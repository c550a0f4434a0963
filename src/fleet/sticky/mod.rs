//! Sticky re-planning (the contract, §7): the plan that keeps the most existing pairs.
//!
//! The algorithm, its proofs and its cost are in [the sticky proofs](crate::fleet::sticky_proofs).

use alloc::collections::{BinaryHeap, VecDeque};
use alloc::vec::Vec;
use core::cmp::Reverse;

use alloc::string::String;

use super::caps::UserCaps;
use super::plan::FleetPlan;
use super::snapshot::{eligibility_of, Eligibility, Fleet};
use crate::error::Error;
use crate::limit::Strategy;
use crate::planner::Plan;
use crate::request::CheckedRequest;
use crate::shape::Shape;

/// The parent of a node found straight from the source.
const SRC: usize = usize::MAX;

/// Plans `request` against the fleet as it is, keeping the most existing pairs (the
/// contract, §7): `preview … --fleet FILE --keep-existing`.
///
/// A pair (desktop, user) is kept when the desktop is eligible (§6), the user is listed and
/// the snapshot has the user on that desktop. The limits hold on what users will have (§6.1,
/// §7 "Limits"): desktops a user keeps on ineligible listed desktops count against
/// `MaxDesktopPerUser` ([`UserCaps`]). Under `AVERAGE` the plan keeps the most pairs of all
/// plans over the eligible desktops that meet guarantees 1 to 6 of §2 as §6.1 reads them
/// (proven); under `CENTRAL` every served user gets its cap `c_j`, at most one user fewer,
/// the others none, in any order of users; it keeps the most pairs for the users it serves
/// (proven), and at least `(1 − 1/e)·(OPT − r)` when every positive cap is the same, or
/// `(1 − 1/e)/2 · OPT − max_j c_j` when they differ: proven whenever completing the greedy's
/// flow gives up no pair, and otherwise (nearly every pair used) only tested; see
/// [the sticky proofs](crate::fleet::sticky_proofs). Either way it never keeps fewer pairs than
/// [`plan_against`](crate::plan_against), and re-planning against a snapshot that holds one of the request's valid plans changes
/// nothing. Ineligible desktops are as in [`plan_against`](crate::plan_against): an empty
/// row, their users left as they are. [`verify_sticky`](crate::verify_sticky) checks the
/// result; [`Changes`](crate::Changes) counts the kept pairs (`pairs_kept`).
///
/// The algorithm, its proofs and its cost are those of [`plan_sticky_caps`], which this
/// calls with the snapshot's caps and the eligible desktops' existing pairs (users not in
/// the request dropped: they cannot be kept), after one pass over the request's users to index them
/// (`O(n + u + |snapshot pairs of listed desktops|)`).
///
/// ```
/// use eds_entitlement::{plan_against, plan_sticky, Changes, Fleet, Request, SnapshotDesktop};
///
/// // Carol left, Dave joined: one user per desktop.
/// let request = Request::new("cn-hangzhou", ["ecd-a", "ecd-b", "ecd-c"], ["Alice", "Dave", "Bob"])
///     .max_user_per_desktop(1)
///     .check()?;
/// let mut fleet = Fleet::new();
/// fleet.insert("ecd-a", SnapshotDesktop::new("Running").end_users(["Alice"])).unwrap();
/// fleet.insert("ecd-b", SnapshotDesktop::new("Running").end_users(["Bob"])).unwrap();
/// fleet.insert("ecd-c", SnapshotDesktop::new("Running").end_users(["Carol"])).unwrap();
///
/// let sticky = plan_sticky(&request, &fleet)?;
/// assert_eq!(sticky.plan().end_users(1), &[2]); // Bob keeps ecd-b
/// assert_eq!(Changes::new(&request, &fleet, &sticky).pairs_kept, 2);
/// // The canonical plan deals in request order: Dave takes ecd-b, Bob moves.
/// let canonical = plan_against(&request, &fleet)?;
/// assert_eq!(Changes::new(&request, &fleet, &canonical).pairs_kept, 1);
/// # Ok::<(), eds_entitlement::Error>(())
/// ```
///
/// # Churn
///
/// When the eligible desktops hold exactly an `AVERAGE` plan of the request (`T` pairs,
/// `u` users; for instance after a sticky plan was carried out) and one user who holds none
/// of them joins the request, at any place (`T'` pairs), the sticky plan gives the new user
/// `⌊T'/(u+1)⌋` desktops, no other user a new one, and removes exactly
/// `T − T' + ⌊T'/(u+1)⌋ ≤ ⌈T'/(u+1)⌉` pairs: `pairs_added` and `pairs_removed` of the change
/// report, when no listed user keeps an ineligible listed desktop (every `h_j = 0`). The
/// theorem and its proof are in [the sticky proofs](crate::fleet::sticky_proofs).
///
/// # Errors
///
/// [`Error::PlanTooLarge`] when the plan (`T` pairs) or the sticky engine's working space
/// (about [`plan_sticky_bytes`]) cannot be had: every allocation that grows with the input
/// is fallible, so the process does not abort.
pub fn plan_sticky(request: &CheckedRequest, fleet: &Fleet) -> Result<FleetPlan, Error> {
    // Each desktop is looked up once, into memory allocated fallibly.
    let ids = request.desktop_ids();
    let shape = FleetPlan::eligible_shape(request, ids.len());
    let too_large = || Error::PlanTooLarge {
        desktops: shape.desktops(),
        assignments: shape.assignments(),
    };
    let listed =
        gathered(ids.len(), ids.iter().map(|id| fleet.get(id))).map_err(|_| too_large())?;
    let eligibility: Vec<Eligibility> =
        gathered(listed.len(), listed.iter().map(|&d| eligibility_of(d)))
            .map_err(|_| too_large())?;
    let eligible = eligibility.iter().filter(|e| e.is_eligible()).count();
    // §6.1: what users keep on the ineligible listed desktops caps what they may get. The
    // caps are counted in memory that is not reserved fallibly (at most about 24 bytes a
    // user and a pair of the ineligible desktops for the look-up, 4 a user for `h_j` and 32
    // for the level's sweep): first make sure that much can be had.
    let ineligible_pairs: usize = listed
        .iter()
        .zip(&eligibility)
        .filter(|(_, e)| !e.is_eligible())
        .map(|(d, _)| d.map_or(0, |d| d.end_user_ids().len()))
        .sum();
    let users = request.end_user_ids().len();
    let caps_bytes = users
        .saturating_add(ineligible_pairs)
        .saturating_mul(64)
        .saturating_add(listed.len().saturating_mul(8));
    Vec::<u8>::new()
        .try_reserve_exact(caps_bytes)
        .map_err(|_| Error::PlanTooLarge {
            desktops: FleetPlan::eligible_shape(request, eligible).desktops(),
            assignments: FleetPlan::eligible_shape(request, eligible).assignments(),
        })?;
    let caps = UserCaps::from_listed(request, &listed);
    let shape = FleetPlan::eligible_shape(request, eligible);
    let too_large = || Error::PlanTooLarge {
        desktops: shape.desktops(),
        assignments: caps.total(),
    };
    let pairs = usize::try_from(caps.total()).map_err(|_| too_large())?;
    Vec::<u32>::new()
        .try_reserve_exact(pairs.saturating_mul(2).saturating_add(eligible))
        .map_err(|_| too_large())?;
    let rows = listed
        .iter()
        .zip(&eligibility)
        .filter(|(_, e)| e.is_eligible())
        .map(|(desktop, _)| desktop.map(|d| d.end_user_ids()).unwrap_or_default());
    let rows: Vec<&[String]> = gathered(eligible, rows).map_err(|_| too_large())?;
    drop(listed);
    // Each snapshot user of an eligible desktop as an index into the request's users.
    let held = rows.iter().map(|row| row.len()).sum();
    let index = UserIndex::new(request.end_user_ids()).map_err(|_| too_large())?;
    let mut offsets = filled(rows.len() + 1, 0usize).map_err(|_| too_large())?;
    let mut users: Vec<u32> = gathered(held, core::iter::empty()).map_err(|_| too_large())?;
    for (d, row) in rows.iter().enumerate() {
        users.extend(row.iter().filter_map(|id| index.find(id)));
        offsets[d + 1] = users.len();
    }
    let existing = Plan::from_parts(offsets, users);
    let plan = sticky_caps(&caps, request.strategy(), &existing).map_err(|NoMemory| too_large())?;
    drop(existing);
    let plan = plan.spread(eligibility.iter().map(|e| e.is_eligible()));
    Ok(FleetPlan::new(plan, eligibility))
}

/// The request's users by ID: an open-addressing table of their indices, allocated
/// fallibly (a checked request's users are distinct).
struct UserIndex<'r> {
    users: &'r crate::ids::IdList,
    /// `u32::MAX` for an empty slot, else a user's index; a power of two long.
    slots: Vec<u32>,
}

impl<'r> UserIndex<'r> {
    fn new(users: &'r crate::ids::IdList) -> Result<UserIndex<'r>, NoMemory> {
        let len = users.len().saturating_mul(2).max(2).next_power_of_two();
        let mut index = UserIndex {
            users,
            slots: filled(len, u32::MAX)?,
        };
        for j in 0..users.len() {
            let mut at = index.slot_of(&users[j]);
            while index.slots[at] != u32::MAX {
                at = (at + 1) & (len - 1);
            }
            // A checked request holds at most `u32::MAX` users.
            index.slots[at] = j as u32;
        }
        Ok(index)
    }

    fn slot_of(&self, id: &str) -> usize {
        let hash = xxhash_rust::xxh3::xxh3_64(id.as_bytes());
        (hash as usize) & (self.slots.len() - 1)
    }

    /// The index of the user `id`, if listed.
    fn find(&self, id: &str) -> Option<u32> {
        let mut at = self.slot_of(id);
        loop {
            let j = self.slots[at];
            if j == u32::MAX {
                return None;
            }
            if &self.users[j as usize] == id {
                return Some(j);
            }
            at = (at + 1) & (self.slots.len() - 1);
        }
    }
}

/// The memory, in bytes, that [`plan_sticky`] may take at most for `request` against
/// `fleet`: its working space (one engine, two under `CENTRAL`) and the plan it returns,
/// not the request and the snapshot it reads. `O(|fleet|)`, allocating nothing.
///
/// The command line refuses (status 3) a `--keep-existing` plan whose figure is beyond the
/// memory the run may have. The figure is an upper bound of what the sticky engine holds
/// at once, but not a promise: should an allocation still fail, `plan_sticky` returns
/// [`Error::PlanTooLarge`] instead of aborting.
///
/// ```
/// use eds_entitlement::{plan_sticky_bytes, Fleet, Request, SnapshotDesktop};
///
/// let request = Request::new("cn-hangzhou", ["ecd-a", "ecd-b"], ["Alice", "Bob"]).check()?;
/// let mut fleet = Fleet::new();
/// fleet.insert("ecd-a", SnapshotDesktop::new("Running").end_users(["Alice"])).unwrap();
/// assert!(plan_sticky_bytes(&request, &fleet) > 0);
/// # Ok::<(), eds_entitlement::Error>(())
/// ```
pub fn plan_sticky_bytes(request: &CheckedRequest, fleet: &Fleet) -> u64 {
    let shape = request.shape();
    let (n, u, total) = (shape.desktops(), shape.users(), shape.assignments());
    // Every pair of the snapshot, listed or not: an upper bound of `|E|`.
    let held: u64 = fleet
        .iter()
        .map(|(_, desktop)| desktop.end_user_ids().len() as u64)
        .sum();
    let stride = if n == 0 { 0 } else { total.div_ceil(n) };
    let nodes = n + u + 2;
    // `plan_sticky`'s look-up of the listed desktops (at most 64 bytes a desktop of the
    // snapshot or the request), its index of the users (at most 16 bytes a user), the
    // existing plan (4 bytes a pair) and its per-desktop rows, offsets and eligibilities.
    let listed = (fleet.len() as u64).saturating_add(n).saturating_mul(64);
    let reading = held
        .saturating_mul(4)
        .saturating_add(listed)
        .saturating_add(n.saturating_mul(40))
        .saturating_add(u.saturating_mul(16));
    // An engine: scratch of at most 160 bytes a node (marks, parents, queues, levels, the
    // users' lists' headers), `E` twice with its flags (13 bytes a pair, 4 more for the
    // rows it is built from), the rows' slots (`4·stride` a desktop), the users' lists
    // (at most twice their length: 8 bytes a pair) and the plan returned (4 a pair).
    let engine = nodes
        .saturating_mul(160)
        .saturating_add(held.saturating_mul(17))
        .saturating_add(n.saturating_mul(stride).saturating_mul(4))
        .saturating_add(total.saturating_mul(12));
    let engines = match shape.strategy() {
        Strategy::Average => 1,
        Strategy::Central => 2,
    };
    reading.saturating_add(engine.saturating_mul(engines))
}

/// Plans `shape` keeping the most pairs of `existing`, by the contract's §7: the
/// algorithm of [`plan_sticky`], on indices.
///
/// `shape` is the request's shape over the **eligible** desktops (`n` = eligible desktops,
/// `u` = listed users); `existing` has one row per eligible desktop, in the same order,
/// holding the indices of the listed users that the snapshot has on it. Users of a row that
/// are `>= u` name no listed user, so no plan can keep them: they are left out of the count;
/// a user repeated in a row is one pair. Missing rows are empty; extra rows are not read.
/// The result has one row per eligible desktop, each in request order, and meets
/// guarantees 1 to 6 of §2 (`AVERAGE`) or 1 to 5 and §7's shape (`CENTRAL`).
///
/// A pair is *kept* when it is in both `existing` and the plan.
///
/// The model, the algorithm, the proofs (what is proven and what is only tested), the
/// tie rule and the costs are in [the sticky proofs](crate::fleet::sticky_proofs)
/// (`docs/sticky-proofs.md`). In short: `AVERAGE` keeps the most pairs of all valid plans,
/// exactly (a min-cost flow that stores only `E` and the plan's own pairs); `CENTRAL` chooses
/// the served users greedily by gain, keeps the most pairs for the users it serves, never
/// fewer than the canonical plan, and at least `(1 − 1/e)·(OPT − r)` when completing the
/// greedy's flow gives up no pair (otherwise only tested). A shape's users keep nothing the
/// call cannot change (every `h_j = 0`); [`plan_sticky_caps`] plans under §6.1's caps.
///
/// # Example
///
/// ```
/// use eds_entitlement::{plan_shape, plan_sticky_shape, Limit, Plan, Shape, Strategy};
///
/// // Three desktops held by A, B, C; C leaves and D joins: one desktop each.
/// let shape = Shape::new(3, 3, Limit::new(1).unwrap(), Limit::UNLIMITED, Strategy::Average);
/// // Users now A, D, B (C is not listed, so its pair cannot be kept): the canonical plan
/// // moves B, the sticky one keeps A and B.
/// let old = Plan::from_lists([vec![0], vec![2], vec![]]);
/// let sticky = plan_sticky_shape(&shape, &old);
/// assert_eq!(sticky, Plan::from_lists([vec![0], vec![2], vec![1]]));
/// assert_eq!(plan_shape(&shape), Plan::from_lists([vec![0], vec![1], vec![2]]));
/// ```
///
/// # Aborts
///
/// As any allocation does, when memory runs out: [`plan_sticky`] reports that as an error
/// instead.
pub fn plan_sticky_shape(shape: &Shape, existing: &Plan) -> Plan {
    match sticky(shape, existing) {
        Ok(plan) => plan,
        // As any allocation that fails: `plan_sticky` reports it instead.
        Err(NoMemory) => alloc::alloc::handle_alloc_error(core::alloc::Layout::new::<u64>()),
    }
}

/// [`plan_sticky_shape`] under [the contract](crate::contract)'s §6.1 caps: the plan over
/// `caps.desktops()` eligible desktops and `caps.users()` users keeping the most pairs of
/// `existing` (one row per eligible desktop, as for [`plan_sticky_shape`]), where user `j`
/// already keeps `caps.held(j)` desktops that the call cannot change.
///
/// Under `AVERAGE` user `j` gets its [`base`](UserCaps::base), plus one for exactly
/// [`extras`](UserCaps::extras) of the users that [may take one](UserCaps::may_take_extra)
/// (which ones is chosen to keep the most pairs); desktops `⌊T/n⌋` or `⌈T/n⌉`; `T` pairs;
/// the most pairs kept of all such plans. Under `CENTRAL` every served user gets its cap
/// [`cap`](UserCaps::cap), at most one user fewer, the others none. With every `h_j = 0`
/// this is [`plan_sticky_shape`] of the caps' [`shape`](UserCaps::shape), byte for byte.
/// [`plan_sticky`] calls it with the snapshot's caps; the algorithm, what is proven and
/// what is only tested are in [the sticky proofs](crate::fleet::sticky_proofs).
///
/// ```
/// use eds_entitlement::{plan_sticky_caps, Limit, Plan, Strategy, UserCaps};
///
/// // Alice (0) keeps a Stopped desktop, the one eligible desktop holds her; both limits 1.
/// let one = Limit::new(1).unwrap();
/// let caps = UserCaps::from_held(vec![1, 0], 1, one, one);
/// let existing = Plan::from_lists([vec![0]]);
/// // She is at the limit already: Bob (1) gets the desktop.
/// assert_eq!(plan_sticky_caps(&caps, Strategy::Average, &existing), Plan::from_lists([vec![1]]));
/// ```
///
/// # Aborts
///
/// As any allocation does, when memory runs out: [`plan_sticky`] reports that as an error
/// instead.
pub fn plan_sticky_caps(caps: &UserCaps, strategy: Strategy, existing: &Plan) -> Plan {
    match sticky_caps(caps, strategy, existing) {
        Ok(plan) => plan,
        Err(NoMemory) => alloc::alloc::handle_alloc_error(core::alloc::Layout::new::<u64>()),
    }
}

/// Memory the sticky planner asked for and could not have.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct NoMemory;

/// `len` copies of `value`, or [`NoMemory`].
fn filled<T: Clone>(len: usize, value: T) -> Result<Vec<T>, NoMemory> {
    let mut out = Vec::new();
    out.try_reserve_exact(len).map_err(|_| NoMemory)?;
    out.resize(len, value);
    Ok(out)
}

/// The items of `items`, at most `most` of them, or [`NoMemory`].
fn gathered<T>(most: usize, items: impl Iterator<Item = T>) -> Result<Vec<T>, NoMemory> {
    let mut out = Vec::new();
    out.try_reserve_exact(most).map_err(|_| NoMemory)?;
    out.extend(items.take(most));
    Ok(out)
}

/// [`plan_sticky_shape`], every allocation that grows with the input fallible: §7 under
/// the caps of a shape whose users keep nothing (every `h_j = 0`).
fn sticky(shape: &Shape, existing: &Plan) -> Result<Plan, NoMemory> {
    let caps = UserCaps::from_held(
        filled(shape.users() as usize, 0u32)?,
        shape.desktops() as u32,
        shape.max_user_per_desktop(),
        shape.max_desktop_per_user(),
    );
    sticky_caps(&caps, shape.strategy(), existing)
}

/// §7 under §6.1's caps: `existing` has one row per eligible desktop (`caps.desktops()`),
/// holding indices of listed users.
fn sticky_caps(caps: &UserCaps, strategy: Strategy, existing: &Plan) -> Result<Plan, NoMemory> {
    let n = caps.desktops() as usize;
    let u = caps.users();
    let total = caps.total();
    if total == 0 {
        return Ok(Plan::from_parts(filled(n + 1, 0)?, Vec::new()));
    }
    let mut rows: Vec<Vec<u32>> = gathered(n, core::iter::empty())?;
    for d in 0..n {
        let held = existing.end_users(d);
        let mut row = gathered(
            held.len(),
            held.iter().copied().filter(|&v| (v as usize) < u),
        )?;
        row.sort_unstable();
        row.dedup();
        rows.push(row);
    }
    let (a, r_n) = ((total / n as u64) as usize, (total % n as u64) as usize);
    let total = total as usize;
    match strategy {
        Strategy::Average => {
            // Each user its base `clamp(L − h_j, 0, c_j)`, and `T − S(L)` "+1"s for the
            // users at the level with room (with every `h_j = 0`: `⌊T/u⌋`, `T mod u`, all).
            let base = gathered(u, (0..u).map(|j| caps.base(j) as usize))?;
            let extra = gathered(u, (0..u).map(|j| caps.may_take_extra(j)))?;
            let hub = caps.extras() as usize;
            let mut engine = Engine::new(n, u, &rows, a, r_n, base, hub, extra)?;
            drop(rows);
            engine.transpose()?;
            engine.keep_greedily();
            engine.keep_in_phases();
            engine.complete(total);
            engine.into_plan()
        }
        Strategy::Central => {
            let cap = gathered(u, (0..u).map(|j| caps.cap(j) as usize))?;
            let (mut best, chosen) = central_greedy(n, u, &rows, a, r_n, &cap, total, None)?;
            // Khuller, Moss and Naor: when the positive caps differ, the better of the
            // greedy by gain per cap and the best single user (then the greedy).
            let mut positive = cap.iter().copied().filter(|&c| c > 0);
            let first_cap = positive.next();
            if positive.any(|c| Some(c) != first_cap) {
                if let Some(single) = best_single(&rows, u, a, r_n, &cap, total)? {
                    if !chosen[single] {
                        let (seeded, _) =
                            central_greedy(n, u, &rows, a, r_n, &cap, total, Some(single))?;
                        if seeded.kept() > best.kept() {
                            best = seeded;
                        }
                    }
                }
            }
            drop(chosen);
            let mut canonical =
                Engine::new(n, u, &rows, a, r_n, filled(u, 0)?, 0, filled(u, false)?)?;
            drop(rows);
            canonical.transpose()?;
            // §6.1's canonical users: in request order, each up to `c_v` until `T` is used.
            let mut left = total;
            for (v, &c) in cap.iter().enumerate() {
                let q = c.min(left);
                left -= q;
                if q > 0 && !canonical.failed {
                    canonical.serve(v, q);
                    canonical.bury_trail();
                }
            }
            canonical.complete(total);
            if canonical.failed {
                return Err(NoMemory);
            }
            if canonical.kept() > best.kept() {
                canonical.into_plan()
            } else {
                drop(canonical);
                best.into_plan()
            }
        }
    }
}

/// The user `v` with `0 < c_v ≤ T` of the largest `g({v})` (ties: the earliest), which
/// alone is `min(|E_v|, c_v)`, and at most `r_n` when desktops have no base (`a = 0`):
/// each of `v`'s desktops can take it.
fn best_single(
    rows: &[Vec<u32>],
    u: usize,
    a: usize,
    r_n: usize,
    cap: &[usize],
    total: usize,
) -> Result<Option<usize>, NoMemory> {
    let mut degree = filled(u, 0usize)?;
    for &v in rows.iter().flatten() {
        degree[v as usize] += 1;
    }
    let mut best: Option<(usize, usize)> = None;
    for v in 0..u {
        if cap[v] == 0 || cap[v] > total {
            continue;
        }
        let mut g = degree[v].min(cap[v]);
        if a == 0 {
            g = g.min(r_n);
        }
        if best.is_none_or(|(b, _)| g > b) {
            best = Some((g, v));
        }
    }
    Ok(best.map(|(_, v)| v))
}

/// A user's (bound of its) gain per desktop of its cap, ordered by `gain / cap` compared
/// exactly, ties to the earliest user.
#[derive(Clone, Copy, PartialEq, Eq)]
struct Ratio {
    gain: usize,
    cap: usize,
    user: usize,
}

impl Ord for Ratio {
    fn cmp(&self, other: &Ratio) -> core::cmp::Ordering {
        let mine = self.gain as u128 * other.cap as u128;
        let theirs = other.gain as u128 * self.cap as u128;
        mine.cmp(&theirs).then_with(|| other.user.cmp(&self.user))
    }
}

impl PartialOrd for Ratio {
    fn partial_cmp(&self, other: &Ratio) -> Option<core::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

/// §7's greedy choice of the served users, then the exact completion for them: users of
/// cap `c_v` (`cap[v]`) are fully served by the largest gain per cap while one fits in
/// what is left of `T` (with `seed` first, when given), then the partly served user takes
/// the rest, by the largest gain. Returns the engine and the users it serves fully.
#[allow(clippy::too_many_arguments)]
fn central_greedy(
    n: usize,
    u: usize,
    rows: &[Vec<u32>],
    a: usize,
    r_n: usize,
    cap: &[usize],
    total: usize,
    seed: Option<usize>,
) -> Result<(Engine, Vec<bool>), NoMemory> {
    let mut engine = Engine::new(n, u, rows, a, r_n, filled(u, 0)?, 0, filled(u, false)?)?;
    engine.transpose()?;
    let mut chosen = filled(u, false)?;
    let mut left = total;
    if let Some(v) = seed {
        engine.serve(v, cap[v]);
        engine.bury_trail();
        chosen[v] = true;
        left -= cap[v];
    }
    // `partial`: one user takes `left` (among those whose cap exceeds it); otherwise users
    // whose cap fits in `left` are served fully until none fits.
    let choose = |engine: &mut Engine, chosen: &mut [bool], left: &mut usize, partial: bool| {
        let cap_of = |v: usize, left: usize| if partial { left } else { cap[v] };
        // (upper bound of the gain per cap, the epoch the bound was computed in, whether it
        // is the exact gain then); epoch 0 is before any choice.
        // At most one entry a user: a pop makes room for its push.
        let mut heap = BinaryHeap::new();
        if heap.try_reserve_exact(u).is_err() {
            engine.failed = true;
            return;
        }
        // (Once no user fits, every user not chosen has `c_v = 0` or `c_v > left`.)
        let fits = |v: usize, left: usize| {
            cap[v] > 0
                && if partial {
                    cap[v] >= left
                } else {
                    cap[v] <= left
                }
        };
        for v in (0..u).filter(|&v| !chosen[v] && fits(v, *left)) {
            let c = cap_of(v, *left);
            let gain = engine.existing_degree(v).min(c);
            heap.push((
                Ratio {
                    gain,
                    cap: c,
                    user: v,
                },
                0,
                false,
            ));
        }
        let mut epoch = 1;
        // The users by cap, the largest last: the largest cap of a user not chosen is found
        // by popping the chosen ones.
        let Ok(mut by_cap) = gathered(u, 0..u) else {
            engine.failed = true;
            return;
        };
        by_cap.sort_by_key(|&w| (cap[w], Reverse(w)));
        // Whether `v` with gain (or bound) `gain` comes before every other entry.
        let first = |heap: &BinaryHeap<(Ratio, usize, bool)>, key: Ratio| {
            heap.peek().is_none_or(|&(other, _, _)| key > other)
        };
        while *left > 0 && !engine.failed {
            let Some((key, at, exact)) = heap.pop() else {
                break;
            };
            let v = key.user;
            if !fits(v, *left) {
                // No longer fits what is left: out for good, as `left` only shrinks.
                continue;
            }
            let c = cap_of(v, *left);
            if key.gain == 0 && !partial {
                // Every user left gains nothing served fully: rather than spend what is left
                // on them, let a user whose cap covers it take it partly (it may gain), when
                // one is left. (With equal caps this is the same choice and the same pairs.)
                while by_cap.last().is_some_and(|&w| chosen[w]) {
                    by_cap.pop();
                }
                if by_cap.last().is_some_and(|&w| cap[w] >= *left) {
                    break;
                }
            }
            if (at == epoch && exact) || key.gain == 0 {
                engine.serve(v, c);
                engine.bury_trail();
                chosen[v] = !partial;
                *left -= c;
                epoch += 1;
                if partial {
                    break;
                }
                continue;
            }
            if at != epoch {
                // A stale bound: first the cheap one, which often settles it.
                let cheap = Ratio {
                    gain: engine.gain_bound(v, c).min(key.gain),
                    ..key
                };
                if !first(&heap, cheap) {
                    heap.push((cheap, epoch, false));
                    continue;
                }
            }
            // A trial: kept when its gain beats every other entry's bound (the choice the
            // heap would make next), undone otherwise.
            engine.journal = Some(Vec::new());
            let gain = engine.serve(v, c);
            let journal = engine.journal.take().unwrap_or_default();
            let exact_key = Ratio { gain, ..key };
            if first(&heap, exact_key) {
                engine.bury_trail();
                chosen[v] = !partial;
                *left -= c;
                epoch += 1;
                if partial {
                    break;
                }
            } else {
                engine.trail.clear();
                engine.undo(journal);
                heap.push((exact_key, epoch, true));
            }
        }
    };
    choose(&mut engine, &mut chosen, &mut left, false);
    if left > 0 {
        choose(&mut engine, &mut chosen, &mut left, true);
    }
    engine.complete(total);
    if engine.failed {
        return Err(NoMemory);
    }
    Ok((engine, chosen))
}

/// A change to the flow, recorded to be undone after a trial.
#[derive(Clone, Copy)]
enum Op {
    Add(usize, usize),
    /// The pair, and where it was in the desktop's row and in the user's list.
    Remove(usize, usize, usize, usize),
    DesktopPlus(usize, bool),
    UserPlus(usize, bool),
    Cap(usize, usize),
}

/// The flow of the module documentation, with `E` and the plan stored and every other pair
/// implicit.
struct Engine {
    n: usize,
    u: usize,
    /// `E` by desktop, each row sorted.
    e_off: Vec<usize>,
    e_user: Vec<u32>,
    /// Whether each pair of `E` (by its index in `e_user`) is in the plan.
    e_in: Vec<bool>,
    /// `E` by user (built for `CENTRAL` only).
    et_off: Vec<usize>,
    et_desk: Vec<u32>,
    /// `a`, and the desktops' "+1" budget and use.
    a: usize,
    d_hub: usize,
    d_hub_used: usize,
    d_plus: Vec<bool>,
    /// The plan by desktop: `stride` slots each, `d_deg` of them used.
    stride: usize,
    d_deg: Vec<usize>,
    d_users: Vec<u32>,
    /// The users' base capacity, "+1" budget and use, and the plan by user.
    u_cap: Vec<usize>,
    u_hub: usize,
    u_hub_used: usize,
    u_plus: Vec<bool>,
    /// Whether each user may take a "+1" (has an edge to `HU`).
    u_extra: Vec<bool>,
    u_desks: Vec<Vec<u32>>,
    pairs: usize,
    /// Scratch: marks over users and desktops, visited nodes, parents, a queue.
    umark: Vec<u32>,
    umark_e: Vec<u32>,
    dmark: Vec<u32>,
    stamp: u32,
    seen: Vec<u32>,
    seen_stamp: u32,
    parent: Vec<usize>,
    queue: VecDeque<usize>,
    journal: Option<Vec<Op>>,
    /// Nodes known to reach no room over existing pairs (the searches towards a user skip
    /// them), and those that the last failed search towards a user visited.
    dead: Vec<bool>,
    trail: Vec<usize>,
    /// Scratch: a path being applied.
    path: Vec<usize>,
    /// Whether an allocation failed: every loop then stops, and the plan is refused.
    failed: bool,
}

impl Engine {
    #[allow(clippy::too_many_arguments)]
    fn new(
        n: usize,
        u: usize,
        rows: &[Vec<u32>],
        a: usize,
        d_hub: usize,
        u_cap: Vec<usize>,
        u_hub: usize,
        u_extra: Vec<bool>,
    ) -> Result<Engine, NoMemory> {
        let pairs = rows.iter().map(Vec::len).sum();
        let mut e_off = filled(n + 1, 0)?;
        let mut e_user = gathered(pairs, core::iter::empty())?;
        for (d, row) in rows.iter().enumerate() {
            e_user.extend_from_slice(row);
            e_off[d + 1] = e_user.len();
        }
        let stride = a + usize::from(d_hub > 0);
        let nodes = n + u + 2;
        let mut queue = VecDeque::new();
        queue.try_reserve_exact(nodes).map_err(|_| NoMemory)?;
        Ok(Engine {
            n,
            u,
            e_in: filled(e_user.len(), false)?,
            e_off,
            e_user,
            et_off: Vec::new(),
            et_desk: Vec::new(),
            a,
            d_hub,
            d_hub_used: 0,
            d_plus: filled(n, false)?,
            stride,
            d_deg: filled(n, 0)?,
            d_users: filled(n.checked_mul(stride).ok_or(NoMemory)?, 0)?,
            u_cap,
            u_hub,
            u_hub_used: 0,
            u_plus: filled(u, false)?,
            u_extra,
            u_desks: filled(u, Vec::new())?,
            pairs: 0,
            umark: filled(u, 0)?,
            umark_e: filled(u, 0)?,
            dmark: filled(n, 0)?,
            stamp: 0,
            seen: filled(nodes, 0)?,
            seen_stamp: 0,
            parent: filled(nodes, SRC)?,
            queue,
            journal: None,
            dead: filled(nodes, false)?,
            trail: gathered(nodes, core::iter::empty())?,
            path: gathered(nodes + 1, core::iter::empty())?,
            failed: false,
        })
    }

    /// Builds `E` by user, for searches towards one user.
    fn transpose(&mut self) -> Result<(), NoMemory> {
        let mut counts = filled(self.u + 1, 0usize)?;
        for &v in &self.e_user {
            counts[v as usize + 1] += 1;
        }
        for i in 0..self.u {
            counts[i + 1] += counts[i];
        }
        let mut fill = filled(self.u + 1, 0usize)?;
        fill.copy_from_slice(&counts);
        let mut desks = filled(self.e_user.len(), 0u32)?;
        for d in 0..self.n {
            for &v in &self.e_user[self.e_off[d]..self.e_off[d + 1]] {
                desks[fill[v as usize]] = d as u32;
                fill[v as usize] += 1;
            }
        }
        self.et_off = counts;
        self.et_desk = desks;
        Ok(())
    }

    fn hd(&self) -> usize {
        self.n + self.u
    }

    fn hu(&self) -> usize {
        self.n + self.u + 1
    }

    fn e_row(&self, d: usize) -> &[u32] {
        &self.e_user[self.e_off[d]..self.e_off[d + 1]]
    }

    fn is_existing(&self, d: usize, v: usize) -> bool {
        self.e_row(d).binary_search(&(v as u32)).is_ok()
    }

    /// The index in `e_user` of the existing pair `(d, v)`, if it exists.
    fn e_index(&self, d: usize, v: usize) -> Option<usize> {
        self.e_row(d)
            .binary_search(&(v as u32))
            .ok()
            .map(|i| self.e_off[d] + i)
    }

    /// Whether the existing pair `(d, v)` is in the plan.
    fn e_taken(&self, d: usize, v: usize) -> bool {
        self.e_index(d, v).is_some_and(|e| self.e_in[e])
    }

    fn existing_degree(&self, v: usize) -> usize {
        self.et_off[v + 1] - self.et_off[v]
    }

    fn row(&self, d: usize) -> &[u32] {
        &self.d_users[d * self.stride..d * self.stride + self.d_deg[d]]
    }

    fn desktop_base_room(&self, d: usize) -> bool {
        self.d_deg[d] - usize::from(self.d_plus[d]) < self.a
    }

    fn desktop_hub_room(&self) -> bool {
        self.d_hub_used < self.d_hub
    }

    fn desktop_room(&self, d: usize) -> bool {
        self.desktop_base_room(d) || (!self.d_plus[d] && self.desktop_hub_room())
    }

    fn user_base_room(&self, v: usize) -> bool {
        self.u_desks[v].len() - usize::from(self.u_plus[v]) < self.u_cap[v]
    }

    fn user_hub_room(&self) -> bool {
        self.u_hub_used < self.u_hub
    }

    fn user_room(&self, v: usize) -> bool {
        self.user_base_room(v) || (self.user_hub_edge(v) && self.user_hub_room())
    }

    /// Whether user `v`'s edge to `HU` is unused and exists: `v` may take one desktop
    /// above its base (§6.1: a user at the level with room) and does not yet.
    fn user_hub_edge(&self, v: usize) -> bool {
        !self.u_plus[v] && self.u_hub > 0 && self.u_extra[v]
    }

    /// Whether a user can ever hold a pair.
    fn user_open(&self, v: usize) -> bool {
        self.u_cap[v] > 0 || (self.u_hub > 0 && self.u_extra[v])
    }

    fn log(&mut self, op: Op) {
        if let Some(journal) = &mut self.journal {
            if journal.try_reserve(1).is_err() {
                self.failed = true;
                return;
            }
            journal.push(op);
        }
    }

    /// Adds a pair; when the user's list cannot grow, sets `failed` and changes nothing.
    fn add(&mut self, d: usize, v: usize) {
        if self.d_deg[d] >= self.stride || self.u_desks[v].try_reserve(1).is_err() {
            self.failed = true;
            return;
        }
        self.d_users[d * self.stride + self.d_deg[d]] = v as u32;
        self.d_deg[d] += 1;
        self.u_desks[v].push(d as u32);
        if let Some(e) = self.e_index(d, v) {
            self.e_in[e] = true;
        }
        self.pairs += 1;
        self.log(Op::Add(d, v));
    }

    /// Removes a pair, moving the last of its row and of its user's list into its place.
    /// Searched from the end: an undo removes the last pair added.
    fn remove(&mut self, d: usize, v: usize) {
        let start = d * self.stride;
        let end = start + self.d_deg[d];
        let mut at = (0, 0);
        if let Some(i) = self.d_users[start..end]
            .iter()
            .rposition(|&w| w as usize == v)
        {
            self.d_users.swap(start + i, end - 1);
            self.d_deg[d] -= 1;
            at.0 = i;
        }
        if let Some(j) = self.u_desks[v].iter().rposition(|&e| e as usize == d) {
            self.u_desks[v].swap_remove(j);
            at.1 = j;
        }
        if let Some(e) = self.e_index(d, v) {
            self.e_in[e] = false;
        }
        self.pairs = self.pairs.saturating_sub(1);
        self.log(Op::Remove(d, v, at.0, at.1));
    }

    /// Undoes `remove`: the pair back where it was in the row and the list, so that a trial
    /// undone leaves no trace (the searches visit rows and lists in their order).
    fn restore(&mut self, d: usize, v: usize, i: usize, j: usize) {
        self.add(d, v);
        if self.failed {
            return;
        }
        let start = d * self.stride;
        self.d_users.swap(start + i, start + self.d_deg[d] - 1);
        let last = self.u_desks[v].len() - 1;
        self.u_desks[v].swap(j, last);
    }

    fn set_desktop_plus(&mut self, d: usize, plus: bool) {
        if self.d_plus[d] != plus {
            self.d_plus[d] = plus;
            if plus {
                self.d_hub_used += 1;
            } else {
                self.d_hub_used -= 1;
            }
            self.log(Op::DesktopPlus(d, !plus));
        }
    }

    fn set_user_plus(&mut self, v: usize, plus: bool) {
        if self.u_plus[v] != plus {
            self.u_plus[v] = plus;
            if plus {
                self.u_hub_used += 1;
            } else {
                self.u_hub_used -= 1;
            }
            self.log(Op::UserPlus(v, !plus));
        }
    }

    fn set_cap(&mut self, v: usize, cap: usize) {
        let old = self.u_cap[v];
        self.u_cap[v] = cap;
        self.log(Op::Cap(v, old));
    }

    /// Undoes the journal, last change first.
    fn undo(&mut self, journal: Vec<Op>) {
        for op in journal.into_iter().rev() {
            if self.failed {
                return;
            }
            match op {
                Op::Add(d, v) => self.remove(d, v),
                Op::Remove(d, v, i, j) => self.restore(d, v, i, j),
                Op::DesktopPlus(d, old) => self.set_desktop_plus(d, old),
                Op::UserPlus(v, old) => self.set_user_plus(v, old),
                Op::Cap(v, old) => self.u_cap[v] = old,
            }
        }
    }

    /// A fresh stamp for `umark`, `umark_e` and `dmark`.
    fn next_stamp(&mut self) -> u32 {
        if self.stamp == u32::MAX {
            self.umark.fill(0);
            self.umark_e.fill(0);
            self.dmark.fill(0);
            self.stamp = 0;
        }
        self.stamp += 1;
        self.stamp
    }

    fn new_search(&mut self) {
        if self.seen_stamp == u32::MAX {
            self.seen.fill(0);
            self.seen_stamp = 0;
        }
        self.seen_stamp += 1;
        self.queue.clear();
    }

    fn seen(&self, x: usize) -> bool {
        self.seen[x] == self.seen_stamp
    }

    fn visit(&mut self, x: usize, parent: usize) {
        self.seen[x] = self.seen_stamp;
        self.parent[x] = parent;
        self.queue.push_back(x);
    }

    /// Marks desktop `d`'s users in the plan in `umark` (and, with `existing`, its existing
    /// users in `umark_e`); returns the stamp.
    fn mark_neighbours(&mut self, d: usize, existing: bool) -> u32 {
        let stamp = self.next_stamp();
        let (start, end) = (d * self.stride, d * self.stride + self.d_deg[d]);
        for &v in &self.d_users[start..end] {
            self.umark[v as usize] = stamp;
        }
        if existing {
            for &v in &self.e_user[self.e_off[d]..self.e_off[d + 1]] {
                self.umark_e[v as usize] = stamp;
            }
        }
        stamp
    }

    /// Step 1's first pass: every existing pair whose desktop and user have room.
    fn keep_greedily(&mut self) {
        for d in 0..self.n {
            for i in self.e_off[d]..self.e_off[d + 1] {
                let v = self.e_user[i] as usize;
                if !self.desktop_room(d) {
                    break;
                }
                if self.user_room(v) {
                    self.take(d, v);
                }
            }
        }
    }

    /// Step 1's augmenting paths over `E`, in phases (Dinic's algorithm; on these unit
    /// edges, Hopcroft and Karp's): each phase lays the residual network out in levels by a
    /// breadth-first search from every desktop with room (then `HD`), up to the first level
    /// that reaches `t`, then augments along paths that climb one level an edge, found
    /// depth-first from the desktops in order (then `HD`), each node's edges in order and
    /// each dead end dropped for the rest of the phase. A phase ends when no such path is
    /// left, and each phase lengthens the shortest augmenting path, so there are
    /// `O(√(n + u + |E|))` phases on unit edges, each `O(n + u + |E|)`.
    fn keep_in_phases(&mut self) {
        let nodes = self.n + self.u + 2;
        let (Ok(mut level), Ok(mut arc), Ok(mut stack)) = (
            filled(nodes, u32::MAX),
            filled(nodes, 0usize),
            gathered(nodes + 1, core::iter::empty()),
        ) else {
            self.failed = true;
            return;
        };
        while let Some(top) = self.layer(&mut level).filter(|_| !self.failed) {
            arc.fill(0);
            for d in 0..self.n {
                while !self.failed
                    && level[d] == 0
                    && self.desktop_base_room(d)
                    && self.climb(d, top, &mut level, &mut arc, &mut stack)
                {}
            }
            let hd = self.hd();
            while !self.failed
                && level[hd] == 0
                && self.desktop_hub_room()
                && self.climb(hd, top, &mut level, &mut arc, &mut stack)
            {}
        }
    }

    /// Whether node `x` (a user, or `HU`) has room on its edge to `t`.
    fn sink_room(&self, x: usize) -> bool {
        let (n, hd, hu) = (self.n, self.hd(), self.hu());
        if x >= n && x < hd {
            self.user_base_room(x - n)
        } else {
            x == hu && self.user_hub_room()
        }
    }

    /// Edge `i` out of node `x` in the residual network over `E`: `None` past the last,
    /// `Some(None)` when it has no room, `Some(Some(y))` when it leads to `y`. A desktop's
    /// edges are its existing users in request order, then `HD`; a user's, `HU`, then its
    /// existing desktops in order; `HD`'s and `HU`'s, every desktop or user in order.
    fn residual(&self, x: usize, i: usize) -> Option<Option<usize>> {
        let (n, hd, hu) = (self.n, self.hd(), self.hu());
        if x < n {
            let e = self.e_off[x] + i;
            if e < self.e_off[x + 1] {
                Some((!self.e_in[e]).then(|| n + self.e_user[e] as usize))
            } else if e == self.e_off[x + 1] {
                Some(self.d_plus[x].then_some(hd))
            } else {
                None
            }
        } else if x < hd {
            let v = x - n;
            if i == 0 {
                return Some(self.user_hub_edge(v).then_some(hu));
            }
            let at = self.et_off[v] + i - 1;
            if at < self.et_off[v + 1] {
                let d = self.et_desk[at] as usize;
                Some(self.e_taken(d, v).then_some(d))
            } else {
                None
            }
        } else if x == hd {
            (i < n).then(|| (!self.d_plus[i]).then_some(i))
        } else if x == hu {
            (i < self.u).then(|| self.u_plus[i].then_some(n + i))
        } else {
            None
        }
    }

    /// A phase's levels: the breadth-first distance from `s` of every node up to the first
    /// level holding a node with room to `t`, which it returns (`None`: no augmenting path).
    fn layer(&mut self, level: &mut [u32]) -> Option<u32> {
        level.fill(u32::MAX);
        self.queue.clear();
        for (d, level) in level.iter_mut().enumerate().take(self.n) {
            if self.desktop_base_room(d) {
                *level = 0;
                self.queue.push_back(d);
            }
        }
        if self.desktop_hub_room() {
            level[self.hd()] = 0;
            self.queue.push_back(self.hd());
        }
        let mut top = None;
        while let Some(x) = self.queue.pop_front() {
            if top.is_some_and(|top| level[x] >= top) {
                continue;
            }
            let mut i = 0;
            while let Some(edge) = self.residual(x, i) {
                i += 1;
                let Some(y) = edge else { continue };
                if level[y] == u32::MAX {
                    level[y] = level[x] + 1;
                    if top.is_none() && self.sink_room(y) {
                        top = Some(level[y]);
                    }
                    self.queue.push_back(y);
                }
            }
        }
        self.queue.clear();
        top
    }

    /// One augmenting path of the phase from `source`, depth-first along edges that climb
    /// one level; applies it and returns `true`, or drops every dead end met and returns
    /// `false`.
    fn climb(
        &mut self,
        source: usize,
        top: u32,
        level: &mut [u32],
        arc: &mut [usize],
        stack: &mut Vec<usize>,
    ) -> bool {
        stack.clear();
        stack.push(source);
        while let Some(&x) = stack.last() {
            if level[x] == top && self.sink_room(x) {
                self.apply(stack);
                return true;
            }
            let mut next = None;
            if level[x] < top {
                while let Some(edge) = self.residual(x, arc[x]) {
                    if let Some(y) = edge {
                        if level[y] == level[x] + 1 {
                            next = Some(y);
                            break;
                        }
                    }
                    arc[x] += 1;
                }
            }
            match next {
                Some(y) => stack.push(y),
                None => {
                    level[x] = u32::MAX;
                    stack.pop();
                    if let Some(&below) = stack.last() {
                        arc[below] += 1;
                    }
                }
            }
        }
        false
    }

    /// Adds a pair between a desktop and a user that both have room, spending a "+1"
    /// where a base is full.
    fn take(&mut self, d: usize, v: usize) {
        if !self.desktop_base_room(d) {
            self.set_desktop_plus(d, true);
        }
        if !self.user_base_room(v) {
            self.set_user_plus(v, true);
        }
        self.add(d, v);
    }

    /// A breadth-first search for an augmenting path from `s` over new pairs only (cost 0).
    /// Returns the node whose edge to `t` ends the path.
    fn forward_search(&mut self) -> Option<usize> {
        self.new_search();
        let (n, hd, hu) = (self.n, self.hd(), self.hu());
        for d in 0..n {
            if self.desktop_base_room(d) {
                self.visit(d, SRC);
            }
        }
        if self.desktop_hub_room() {
            self.visit(hd, SRC);
        }
        // The users no search step has reached yet, for the complement's scan.
        let open = (0..self.u).filter(|&v| self.user_open(v)).map(|v| v as u32);
        let Ok(mut unvisited) = gathered(self.u, open) else {
            self.failed = true;
            return None;
        };
        while let Some(x) = self.queue.pop_front() {
            if x < n {
                let d = x;
                let stamp = self.mark_neighbours(d, true);
                let mut i = 0;
                while i < unvisited.len() {
                    let v = unvisited[i] as usize;
                    if self.seen(n + v) {
                        unvisited.swap_remove(i);
                    } else if self.umark[v] == stamp || self.umark_e[v] == stamp {
                        i += 1;
                    } else {
                        unvisited.swap_remove(i);
                        self.visit(n + v, d);
                        if self.user_base_room(v) {
                            return Some(n + v);
                        }
                    }
                }
                if self.d_plus[d] && !self.seen(hd) {
                    self.visit(hd, d);
                }
            } else if x < hd {
                let v = x - n;
                if self.user_hub_edge(v) && !self.seen(hu) {
                    self.visit(hu, x);
                    if self.user_hub_room() {
                        return Some(hu);
                    }
                }
                for i in 0..self.u_desks[v].len() {
                    let d = self.u_desks[v][i] as usize;
                    if !self.seen(d) && !self.is_existing(d, v) {
                        self.visit(d, x);
                    }
                }
            } else if x == hd {
                for d in 0..n {
                    if !self.d_plus[d] && !self.seen(d) {
                        self.visit(d, hd);
                    }
                }
            } else {
                for w in 0..self.u {
                    if self.u_plus[w] && !self.seen(n + w) {
                        self.visit(n + w, hu);
                        if self.user_base_room(w) {
                            return Some(n + w);
                        }
                    }
                }
            }
        }
        None
    }

    /// A shortest augmenting path under the costs (Bellman–Ford with a queue), every pair
    /// allowed. Returns the node whose edge to `t` ends it.
    fn cheapest_search(&mut self) -> Option<usize> {
        const INF: i64 = i64::MAX;
        let (n, hd, hu) = (self.n, self.hd(), self.hu());
        let nodes = hu + 1;
        let open = (0..self.u).filter(|&v| self.user_open(v));
        let (Ok(mut dist), Ok(mut queued), Ok(open)) = (
            filled(nodes, INF),
            filled(nodes, false),
            gathered(self.u, open),
        ) else {
            self.failed = true;
            return None;
        };
        self.queue.clear();
        for d in 0..n {
            if self.desktop_base_room(d) {
                dist[d] = 0;
                self.parent[d] = SRC;
                queued[d] = true;
                self.queue.push_back(d);
            }
        }
        if self.desktop_hub_room() {
            dist[hd] = 0;
            self.parent[hd] = SRC;
            queued[hd] = true;
            self.queue.push_back(hd);
        }
        let relax = |engine: &mut Engine,
                     dist: &mut [i64],
                     queued: &mut [bool],
                     y: usize,
                     value: i64,
                     x: usize| {
            if value < dist[y] {
                dist[y] = value;
                engine.parent[y] = x;
                if !queued[y] {
                    queued[y] = true;
                    engine.queue.push_back(y);
                }
            }
        };
        while let Some(x) = self.queue.pop_front() {
            queued[x] = false;
            let here = dist[x];
            if x < n {
                let stamp = self.mark_neighbours(x, true);
                for &v in &open {
                    if self.umark[v] == stamp {
                        continue;
                    }
                    let cost = if self.umark_e[v] == stamp { -1 } else { 0 };
                    relax(self, &mut dist, &mut queued, n + v, here + cost, x);
                }
                if self.d_plus[x] {
                    relax(self, &mut dist, &mut queued, hd, here, x);
                }
            } else if x < hd {
                let v = x - n;
                if self.user_hub_edge(v) {
                    relax(self, &mut dist, &mut queued, hu, here, x);
                }
                for i in 0..self.u_desks[v].len() {
                    let d = self.u_desks[v][i] as usize;
                    let cost = i64::from(self.is_existing(d, v));
                    relax(self, &mut dist, &mut queued, d, here + cost, x);
                }
            } else if x == hd {
                for d in 0..n {
                    if !self.d_plus[d] {
                        relax(self, &mut dist, &mut queued, d, here, x);
                    }
                }
            } else {
                for w in 0..self.u {
                    if self.u_plus[w] {
                        relax(self, &mut dist, &mut queued, n + w, here, x);
                    }
                }
            }
        }
        let mut best: Option<usize> = None;
        for v in 0..self.u {
            if dist[n + v] != INF
                && self.user_base_room(v)
                && best.is_none_or(|b| dist[n + v] < dist[b])
            {
                best = Some(n + v);
            }
        }
        if dist[hu] != INF && self.user_hub_room() && best.is_none_or(|b| dist[hu] < dist[b]) {
            best = Some(hu);
        }
        best
    }

    /// Applies the path that `parent` leads back from `sink` to the source.
    fn augment(&mut self, sink: usize) {
        let mut path = core::mem::take(&mut self.path);
        path.clear();
        path.push(sink);
        let mut x = sink;
        // A path visits each node once: the scratch's capacity holds it.
        while self.parent[x] != SRC && path.len() <= self.n + self.u + 1 {
            x = self.parent[x];
            path.push(x);
        }
        path.reverse();
        self.apply(&path);
        self.path = path;
    }

    /// Applies a path of nodes, source side first.
    fn apply(&mut self, path: &[usize]) {
        let (n, hd, hu) = (self.n, self.hd(), self.hu());
        for pair in path.windows(2) {
            let (x, y) = (pair[0], pair[1]);
            if x < n && y >= n && y < hd {
                self.add(x, y - n);
            } else if x >= n && x < hd && y < n {
                self.remove(y, x - n);
            } else if x == hd && y < n {
                self.set_desktop_plus(y, true);
            } else if x < n && y == hd {
                self.set_desktop_plus(x, false);
            } else if y == hu {
                self.set_user_plus(x - n, true);
            } else if x == hu {
                self.set_user_plus(y - n, false);
            }
        }
    }

    /// Lets user `v` take `cap` desktops and augments towards it until it cannot gain.
    /// When a search failed, `trail` holds its nodes (else it is empty): the caller
    /// buries them if it keeps the flow, and clears them if it undoes it.
    fn serve(&mut self, v: usize, cap: usize) -> usize {
        self.set_cap(v, cap);
        self.trail.clear();
        let mut gained = 0;
        // The paths of one pair first, as the search below would find them: every desktop
        // of `v`'s existing pairs with room in its base, in order, then those that can take
        // a "+1". (Rooms only shrink while serving `v`, so one pass of each suffices.)
        for hub in [false, true] {
            for i in self.et_off[v]..self.et_off[v + 1] {
                if !self.user_base_room(v) {
                    break;
                }
                let d = self.et_desk[i] as usize;
                if self.e_taken(d, v) {
                    continue;
                }
                if !hub && self.desktop_base_room(d) {
                    self.add(d, v);
                    gained += 1;
                } else if hub && !self.d_plus[d] && self.desktop_hub_room() {
                    self.set_desktop_plus(d, true);
                    self.add(d, v);
                    gained += 1;
                }
            }
        }
        while self.user_base_room(v) && !self.failed {
            if !self.search_towards(v) {
                // `trail` holds the failed search's nodes, for `bury_trail`.
                break;
            }
            let path = core::mem::take(&mut self.path);
            self.apply(&path);
            self.path = path;
            self.trail.clear();
            gained += 1;
        }
        gained
    }

    /// An upper bound of what `serve(v, cap)` would gain, from one pass over `v`'s existing
    /// pairs, changing nothing: `cap`, less the desktops of `v`'s unused existing pairs that
    /// are *closed*. A desktop is closed when it has no room in its base, cannot take a
    /// "+1" (it has one, or `HD` is dead, or `HD` has no room and no desktop has a "+1" to
    /// pass on), and each of its users is dead or holds every desktop of its existing
    /// pairs (so has no edge to follow): no path through it reaches a room. Each path
    /// towards `v` starts on a distinct unused pair of `v`, so the gain is at most the
    /// number of those that are not closed.
    fn gain_bound(&self, v: usize, cap: usize) -> usize {
        let (n, hd) = (self.n, self.hd());
        let hub_closed = self.dead[hd] || (!self.desktop_hub_room() && self.d_hub_used == 0);
        let stuck = |w: usize| self.dead[n + w] || self.u_desks[w].len() == self.existing_degree(w);
        let mut open = 0;
        for i in self.et_off[v]..self.et_off[v + 1] {
            let d = self.et_desk[i] as usize;
            if self.e_taken(d, v) {
                continue;
            }
            let closed = !self.desktop_base_room(d)
                && (self.d_plus[d] || hub_closed)
                && self.row(d).iter().all(|&w| stuck(w as usize));
            if !closed {
                open += 1;
                if open == cap {
                    break;
                }
            }
        }
        open.min(cap)
    }

    /// Whether a search towards a user may still visit `x`: not yet visited, and not known
    /// to reach no room.
    fn unvisited_towards(&self, x: usize) -> bool {
        !self.seen(x) && !self.dead[x]
    }

    fn visit_towards(&mut self, x: usize, parent: usize) {
        self.visit(x, parent);
        self.trail.push(x);
    }

    /// Marks dead the nodes of the last failed search towards a user, once its flow is kept.
    ///
    /// A search that visits every node it can reach and finds no room proves that none of
    /// them reaches a room: no residual edge leaves that set towards one. An augmenting
    /// path never enters such a set (it could not leave it), so the paths that follow
    /// only add residual edges among nodes outside it, and a setting of a user's cap only
    /// changes edges from `s`: the set stays unable to reach a room for as long as the
    /// flow only grows. Skipping its nodes changes no search's result, since every node
    /// from which a room can be reached is reached, in the same order, without them.
    fn bury_trail(&mut self) {
        for &x in &self.trail {
            self.dead[x] = true;
        }
        self.trail.clear();
    }

    /// A breadth-first search backwards from user `v` over existing pairs, for an
    /// augmenting path ending at `v` (users have no "+1" under `CENTRAL`).
    /// The path found is left in `path`, found node first.
    fn search_towards(&mut self, v: usize) -> bool {
        self.new_search();
        self.trail.clear();
        let (n, hd) = (self.n, self.hd());
        // Here `parent` holds the next node towards `v`.
        self.visit_towards(n + v, SRC);
        let mut found = None;
        'search: while let Some(x) = self.queue.pop_front() {
            if x < n {
                let d = x;
                for i in 0..self.d_deg[d] {
                    let w = self.d_users[d * self.stride + i] as usize;
                    if self.unvisited_towards(n + w) && self.is_existing(d, w) {
                        self.visit_towards(n + w, d);
                    }
                }
                if !self.d_plus[d] && self.unvisited_towards(hd) {
                    self.visit_towards(hd, d);
                    if self.desktop_hub_room() {
                        found = Some(hd);
                        break 'search;
                    }
                }
            } else if x < hd {
                let w = x - n;
                let stamp = self.next_stamp();
                for &d in &self.u_desks[w] {
                    self.dmark[d as usize] = stamp;
                }
                for i in self.et_off[w]..self.et_off[w + 1] {
                    let d = self.et_desk[i] as usize;
                    if self.dmark[d] != stamp && self.unvisited_towards(d) {
                        self.visit_towards(d, x);
                        if self.desktop_base_room(d) {
                            found = Some(d);
                            break 'search;
                        }
                    }
                }
            } else if x == hd && self.d_hub_used > 0 {
                for d in 0..n {
                    if self.d_plus[d] && self.unvisited_towards(d) {
                        self.visit_towards(d, hd);
                    }
                }
            }
        }
        let Some(mut x) = found else {
            return false;
        };
        self.path.clear();
        self.path.push(x);
        while self.parent[x] != SRC && self.path.len() <= n + self.u + 1 {
            x = self.parent[x];
            self.path.push(x);
        }
        true
    }

    /// Steps 2 and 3: completes the flow to `total` pairs at the least cost.
    fn complete(&mut self, total: usize) {
        self.deal_new_pairs();
        while self.pairs < total && !self.failed {
            let sink = match self.forward_search() {
                Some(sink) => sink,
                None => match self.cheapest_search() {
                    Some(sink) => sink,
                    // Unreachable: the canonical plan is a flow of value `total`.
                    None => break,
                },
            };
            self.augment(sink);
        }
    }

    /// Step 2: desktops in order take new pairs with users that have room, round-robin.
    fn deal_new_pairs(&mut self) {
        let u = self.u;
        // A ring of the users with room, in request order.
        let room = (0..u).filter(|&v| self.user_room(v));
        let (Ok(ring), Ok(mut next), Ok(mut prev)) = (
            gathered(u, room),
            filled(u, usize::MAX),
            filled(u, usize::MAX),
        ) else {
            self.failed = true;
            return;
        };
        if ring.is_empty() {
            return;
        }
        for (i, &v) in ring.iter().enumerate() {
            next[v] = ring[(i + 1) % ring.len()];
            prev[v] = ring[(i + ring.len() - 1) % ring.len()];
        }
        let mut len = ring.len();
        let mut cursor = ring[0];
        for d in 0..self.n {
            if !self.desktop_room(d) {
                continue;
            }
            let stamp = self.mark_neighbours(d, true);
            let mut skipped = 0;
            while len > 0 && skipped < len && self.desktop_room(d) && !self.failed {
                let v = cursor;
                if !self.user_room(v) {
                    // Out of the ring for good: rooms only shrink here.
                    let (p, q) = (prev[v], next[v]);
                    next[p] = q;
                    prev[q] = p;
                    len -= 1;
                    cursor = q;
                    continue;
                }
                if self.umark[v] == stamp || self.umark_e[v] == stamp {
                    skipped += 1;
                    cursor = next[v];
                    continue;
                }
                self.take(d, v);
                self.umark[v] = stamp;
                skipped = 0;
                cursor = next[v];
            }
        }
    }

    /// The kept pairs: the plan's pairs that exist.
    fn kept(&self) -> usize {
        (0..self.n)
            .map(|d| {
                self.row(d)
                    .iter()
                    .filter(|&&v| self.is_existing(d, v as usize))
                    .count()
            })
            .sum()
    }

    fn into_plan(self) -> Result<Plan, NoMemory> {
        let mut offsets = filled(self.n + 1, 0usize)?;
        let mut users = gathered(self.pairs, core::iter::empty())?;
        for d in 0..self.n {
            let start = users.len();
            users.extend_from_slice(self.row(d));
            users[start..].sort_unstable();
            offsets[d + 1] = users.len();
        }
        Ok(Plan::from_parts(offsets, users))
    }
}
