//! Sticky re-planning (the contract, §7): the plan that keeps the most existing pairs.
//!
//! The algorithm, its proofs and its cost are in [the sticky proofs](crate::fleet::sticky_proofs).
//!
//! This file holds the entry points ([`plan_sticky`], [`plan_sticky_shape`],
//! [`plan_sticky_caps`]), the memory figure ([`plan_sticky_bytes`]), the index of the
//! request's users by ID, and the run of each strategy; the planner itself is in parts:
//!
//! * [`engine`]: the flow network's state (only `E` and the plan's own pairs stored), the
//!   undo journal of a trial, the network's rooms and residual edges, the searches'
//!   scratch, and the fallible allocation every part uses;
//! * [`flow`]: `AVERAGE`'s exact flow, the proofs' steps 1 to 3 (the pairs kept over `E`,
//!   in phases; new pairs dealt; the completion by augmenting paths);
//! * [`central`]: `CENTRAL`'s greedy choice of the served users and its searches towards
//!   one user.

mod central;
mod engine;
mod flow;

use alloc::vec::Vec;

use alloc::string::String;

use self::central::{best_single, central_greedy};
use self::engine::{filled, gathered, Engine, NoMemory};
use super::caps::UserCaps;
use super::plan::FleetPlan;
use super::snapshot::{eligibility_of, Eligibility, Fleet};
use crate::error::Error;
use crate::limit::Strategy;
use crate::planner::Plan;
use crate::request::CheckedRequest;
use crate::shape::Shape;

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
