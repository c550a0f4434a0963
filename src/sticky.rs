//! Sticky re-planning (the contract, §7): the plan that keeps the most existing pairs.
//!
//! See [`plan_sticky_shape`] for the algorithm, its proofs and its cost.

use alloc::collections::{BinaryHeap, VecDeque};
use alloc::vec::Vec;

use alloc::string::String;

use crate::caps::UserCaps;
use crate::error::Error;
use crate::fleet::{eligibility_of, Eligibility, Fleet, FleetPlan};
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
/// the snapshot has the user on that desktop. Under `AVERAGE` the plan keeps the most pairs
/// of all plans over the eligible desktops that meet guarantees 1 to 6 of §2; under
/// `CENTRAL` it meets guarantees 1 to 5 and §7's shape (`⌊T/m'⌋` users with `m'` desktops,
/// one with `T mod m'`, in any order of users), keeps the most pairs for the users it
/// serves, and at least `(1 − 1/e)·(OPT − r)` in all: proven whenever completing the greedy's
/// flow gives up no pair, and otherwise (nearly every pair used) only tested; see
/// [`plan_sticky_shape`]. Either way it never keeps fewer pairs than [`plan_against`](crate::plan_against), and
/// re-planning against a snapshot that holds one of the request's valid plans changes
/// nothing. Ineligible desktops are as in [`plan_against`](crate::plan_against): an empty
/// row, their users left as they are. [`verify_sticky`](crate::verify_sticky) checks the
/// result; [`Changes`](crate::Changes) counts the kept pairs (`pairs_kept`).
///
/// The algorithm, its proofs and its cost are those of [`plan_sticky_shape`], which this
/// calls with the eligible desktops' existing pairs (users not in the request dropped:
/// they cannot be kept), after one pass over the request's users to index them
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
/// report. The theorem and its proof are in [`plan_sticky_shape`]'s documentation.
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
    // §6.1: what users keep on the ineligible listed desktops caps what they may get.
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
/// # The model
///
/// Write `E` for the existing pairs, `a = ⌊T/n⌋`, `r_n = T mod n`, and under `AVERAGE`
/// `b = ⌊T/u⌋`, `r_u = T mod u`. A plan is a set of `T` distinct pairs in which every
/// desktop has `a` or `a + 1` users and every user `b` or `b + 1` desktops (under `CENTRAL`,
/// exactly its quota `c_v`: `m'`, `T mod m'` or `0`). These are the integral flows of value
/// `T` in the network
///
/// ```text
/// s ─a─▶ desktop d        s ─r_n─▶ HD ─1─▶ desktop d          (HD: the desktops' "+1")
/// desktop d ─1─▶ user v   for every pair; cost −1 when (d, v) ∈ E, else 0
/// user v ─b─▶ t           user v ─1─▶ HU ─r_u─▶ t              (HU: the users' "+1")
/// ```
///
/// since a flow of value `T = n·a + r_n` saturates every edge out of `s` (so each desktop
/// has `a` or `a + 1`, exactly `r_n` of them `a + 1`), and likewise into `t`. Keeping the
/// most pairs is finding a flow of value `T` of least cost. Since `T ≤ n·k'` and
/// `T ≤ u·m'`, `a + 1 ≤ k'` when `r_n > 0` and `b + 1 ≤ m'` when `r_u > 0`: the limits of
/// guarantee 2 follow.
///
/// # The algorithm (`AVERAGE`, exact)
///
/// The network has `n·u` middle edges; only `E` and the plan's own pairs are ever stored.
/// The others ("new pairs") are found by scanning for a user that a desktop is not adjacent
/// to, as breadth-first search does in a complement graph.
///
/// 1. **Keep.** A maximum flow using only the edges of `E`: first every existing pair whose
///    desktop and user both have room, desktops in order and each desktop's users in
///    request order; then augmenting paths over `E` (alternating existing pairs added and
///    removed, and moving a "+1" through `HD` or `HU`) until none is left, in phases as
///    Hopcroft and Karp's: a breadth-first search from every desktop with room lays the
///    network out in levels up to the first that reaches `t`, then depth-first searches
///    from the desktops in order (then `HD`) augment along paths that climb one level an
///    edge, dropping each dead end for the rest of the phase. Call its value `F`.
/// 2. **Complete.** Desktops in order take new pairs (not in `E`, not in the plan) with
///    users that have room, the users taken round-robin in request order. When a desktop
///    has room but every user with room is already its neighbour, a breadth-first search
///    looks for an augmenting path of cost 0 that uses only new pairs (added forward,
///    removed backward) and the hubs; it scans complement edges with one list of unvisited
///    users, so it costs `O(n + u + |E| + T)`.
/// 3. **Tight cases.** When no such path exists (nearly every pair in use), a shortest
///    augmenting path under the costs above (Bellman–Ford with a queue, over every residual
///    edge, complement edges included) is taken, however long.
///
/// *Why this is the maximum.* (i) A flow of value `F` that uses only edges of `E` costs
/// `−F`, the least any flow of value `F` can cost (each unit crosses one middle edge, of
/// cost at least `−1`): after step 1 the flow is of least cost for its value. (ii) The
/// plan's pairs in `E` form a flow over `E` alone, so no plan keeps more than `F`: the
/// least cost `c(x)` of a flow of value `x ≥ F` is at least `−F = c(F)`; as `c` is convex,
/// its slope is `≥ 0` from `F` on. (iii) So an augmenting path of cost 0, such as a new
/// pair between a desktop and a user that both have room, turns a least-cost flow of value
/// `x` into one of value `x + 1` and cost `c(x) ≤ c(x + 1)`: still least. Steps 2 and the
/// first half of 3 take only such paths. (iv) Augmenting a least-cost flow along a shortest
/// path gives a least-cost flow (successive shortest paths); the flow always has a value-`T`
/// extension (the canonical plan is one), so step 3 reaches `T`. Hence the result keeps
/// `−c(T)` pairs, the maximum, and never loses a kept pair that some completion could have
/// kept: new pairs never displace an existing one unless every plan must.
///
/// # `CENTRAL`
///
/// The served users are chosen greedily. Let `g(S)` be the maximum flow over `E` alone when
/// the users of `S` may take `m'` desktops each (and desktops `a`, plus `r_n` times one). It
/// is a monotone submodular function of `S` (the maximum flow from a set of sources is a
/// polymatroid rank function). `⌊T/m'⌋` times, the user of the largest gain
/// `g(S ∪ {v}) − g(S)` joins `S` (ties: the earliest user in request order; lazy
/// evaluation, gains only shrinking: see *Evaluating gains* below); then, when
/// `r = T mod m' > 0`, the partly served user
/// is the one of the largest gain with `r` desktops (`g(S ∪ {p})` below counts `p` with `r`
/// desktops). Augmenting only towards the new user
/// reaches `g(S ∪ {v})`: every earlier augmenting path would have had to start in the set of
/// nodes reachable from `s`, and that set's boundary is saturated and never touched again.
/// Steps 2 and 3 then complete the plan for these users exactly, as above: the result keeps
/// the maximum for the users it serves. The same is done for the canonical plan's users
/// (the first `⌊T/m'⌋`, then the next one), and the greedy choice is returned unless that
/// keeps strictly more: never fewer kept pairs than the canonical plan.
///
/// *The bound: what is proven.* Let `s = ⌊T/m'⌋`, `S` the greedy's fully served users, `p`
/// its partly served one (when `r > 0`) and `K` the pairs the result keeps (the comparison
/// with the canonical users only raises `K`).
///
/// 1. A plan keeping `OPT` pairs serves a set `S*` of `s` users fully and one user with `r`
///    desktops; its kept pairs of `S*` form a flow over `E` for `S*`: `OPT ≤ g(S*) + r`.
/// 2. `g(S) ≥ (1 − (1 − 1/s)^s)·max over |S'| = s of g(S') ≥ (1 − 1/e)·(OPT − r)`
///    (Nemhauser, Wolsey and Fisher, 1978; lazy evaluation changes no choice, as gains of
///    a submodular function only shrink).
/// 3. Steps 2 and 3 complete the flow to a plan that keeps the most a plan serving `S` and
///    `p` can keep (as for `AVERAGE`, with these users' quotas). Write that most as
///    `g(S ∪ {p}) − L`: `L ≥ 0`, the completion's loss, is the total cost of the augmenting
///    paths taken after the flow over `E`, the pairs of a maximum flow over `E` that every
///    such plan must give up. As `g(S ∪ {p}) ≥ g(S)`: **`K ≥ (1 − 1/e)·(OPT − r) − L`, and the
///    bound `K ≥ (1 − 1/e)·(OPT − r)` is proven whenever `L = 0`**: whenever the completion
///    takes no path of positive cost. That holds in particular when `⌈T/n⌉ ≤ 1` (each
///    desktop has at most one user, e.g. `MaxUserPerDesktop` 1: the `T − g` missing pairs go
///    to empty desktops, and at least `n − g ≥ T − g` are empty), and when `m' = n` (every
///    fully served user has every desktop, so every flow over `E` lies in a plan serving
///    `S` and `p`).
///
/// `L > 0` does happen when nearly every pair is used. Three desktops, `MaxUserPerDesktop`
/// and `MaxDesktopPerUser` 2, users A, B, C all served (`T = 6`), and a snapshot
/// `d1: A B, d2: A B, d3: C`: all 5 pairs fit the limits (`g = 5`), but a plan is the 3 × 3
/// grid less a perfect matching, and each such matching meets a snapshot pair: at most 4
/// are kept. There the greedy is not at fault (it serves everyone); but with two more users
/// D and E and the snapshot `d1: C D E, d2: A B D E, d3: A B D E`, the greedy serves A, B,
/// then C (ties go to the earliest user), `g = 5`, `L = 1`, `K = 4`, where serving A, D, E
/// keeps `OPT = 6`: `4 ≥ (1 − 1/e)·6 ≈ 3.79` still, but not by the argument above. **When
/// `L > 0` the bound is only tested, not proven:** against the exact optimum (every choice of
/// served users, each by a min-cost flow over the full graph) on every shape up to 6
/// desktops and 6 users with every limit combination, on seeded random snapshots, on
/// dense snapshots of small shapes where nearly every pair is used, and on the instance
/// above; no counterexample is known (the worst ratio seen is the instance's `2/3`).
///
/// The result keeps the most pairs for the users it serves (point 3, proven in all cases).
/// When the snapshot holds a valid plan, its served users each gain `m'` in turn, more than
/// any other user can, so they are chosen, every pair is kept and nothing changes.
///
/// *Why not exact.* Exact cover by 3-sets reduces to it: for elements `x_1…x_3q` and sets
/// `C_1…C_s`, make a desktop per element and a user per set, `MaxUserPerDesktop` 1,
/// `MaxDesktopPerUser` 3, and a snapshot giving each desktop every set that contains its
/// element. Then `T = 3q`, `q` users are served with 3 desktops each, and `3q` pairs can be
/// kept if and only if `q` of the sets cover every element exactly once.
///
/// # Churn: one user joins
///
/// **Theorem.** Let `P` be any `AVERAGE` plan of a shape with `n` desktops and `u` users
/// (guarantees 1 to 6 of §2, `T` pairs), and let the second shape have the same desktops,
/// limits and strategy and one user more, `w`, at any place in the request order (`T'`
/// pairs). If `existing` holds exactly `P` (so `w` holds nothing), the plan `Q` returned for
/// the second shape
///
/// * gives `w` exactly `s = ⌊T'/(u+1)⌋` desktops and no other user a desktop it did not have
///   in `P`: exactly `s` pairs are added;
/// * removes exactly `T − T' + s` pairs of `P`, which is at most `⌈T'/(u+1)⌉` as `T ≤ T'`:
///   none when `MaxDesktopPerUser` binds after the join (`T' = (u+1)·m'`), and `s − (T' − T)`
///   otherwise, when every desktop is full after it (`T' = n·k`).
///
/// For instance 100 desktops with `MaxUserPerDesktop` 1 and 99 users (`T = T' = 100`): a
/// 100th user takes one desktop from a user who had two, and nothing else moves. With 10
/// desktops, `MaxUserPerDesktop` 2 and 4 users of 5 desktops each (`T = T' = 20`), a fifth
/// user takes 4 desktops, one from each: 4 pairs removed.
///
/// *Proof.* Write `k` for `MaxUserPerDesktop` and `k' = min(k, u)`, `k'' = min(k, u + 1)`,
/// `m' = min(MaxDesktopPerUser, n)`, a limit that is absent or `0` being unlimited; so
/// `T = min(n·k', u·m')`, `T' = min(n·k'', (u+1)·m')`, and `T ≤ T'` since `k' ≤ k''`. When
/// `T' = 0` there is nothing to prove (`T = s = 0`); otherwise `n ≥ 1` and `m' ≥ 1`.
///
/// *At least `T − T' + s` are removed, by any plan.* By guarantee 6 the `u + 1` counts of a
/// plan of the second shape differ by at most one and sum to `T'`, so each is `s` or `s + 1`.
/// The pairs of `w` are not in `P`, so at most `T' − s` pairs of the plan are pairs of `P`
/// and at least `T − (T' − s)` pairs of `P` are removed. Equality forces `w` to have exactly
/// `s` desktops and every other pair of the plan to be a pair of `P`.
///
/// *Some plan removes only `T − T' + s`.* We build one, `Q₀`, from `P`. Since `Q` keeps the
/// most pairs of `existing = P` (the optimality proved above), it keeps at least as many as
/// `Q₀`, so it too removes at most `T − T' + s`: exactly that, with the equality case above.
/// Guarantees 1 and 3's order are about how a plan is written, not which pairs it holds; we
/// check the others. There are two cases.
///
/// 1. `T' = (u+1)·m'`. Then `T = u·m'`: if `k' = u`, as `m' ≤ n`; otherwise `k ≤ u`, so
///    `k' = k'' = k` and `u·m' < T' ≤ n·k`. So every user of `P` has `m'` desktops,
///    `s = m'` and `T − T' + s = 0`. `Q₀` is `P` plus `w` on the `m'` desktops with the fewest
///    users in `P` (`m' ≤ n`, distinct desktops: no pair twice). `P`'s desktops have `a` or
///    `a + 1` users, `r` of them `a + 1` (`a = ⌊T/n⌋`, `r = T mod n`). If `m' ≤ n − r`, `w`
///    joins desktops with `a`, and the loads become `a` and `a + 1`; otherwise it joins all
///    `n − r` of them and `m' − (n − r) ≤ r` with `a + 1`, and the loads become `a + 1` and
///    `a + 2`. Either way they differ by at most one and sum to `T + m' = T'`: each is
///    `⌊T'/n⌋` or `⌈T'/n⌉ ≤ k''` as `T' ≤ n·k''` (guarantees 5 and 2). Every user has
///    `m' = T'/(u+1)` desktops (guarantees 6 and 2), and there are `T'` pairs (guarantee 4).
/// 2. `T' < (u+1)·m'`. Then `T' = n·k''`, and `k'' = u + 1` is impossible (it would give
///    `T' = n·(u+1) ≥ (u+1)·m'`): so `k ≤ u`, `k' = k'' = k`, `T' = n·k`, and every desktop of
///    a plan of the second shape is full. Let `δ = T' − T`. If `δ > 0`, then `T = u·m'` and
///    `(u+1)·δ = n·k − u·((u+1)·m' − n·k) < n·k`, so `δ < T'/(u+1)`: `δ ≤ s` in every case,
///    and `δ < n` as `T'/(u+1) = n·k/(u+1) < n`. Hence `P`'s loads, `⌊T/n⌋` or `⌈T/n⌉` with
///    `T = n·k − δ`, are `k − 1` on exactly `δ` desktops ("open") and `k` on the others.
///    Build `Q₀` from `P` in `s` steps; before step `j + 1`, `w` has `j` desktops.
///    * Steps `1 … δ`: `w` joins one open desktop each (nothing removed). After them every
///      desktop holds `k` users and the plan `T' = n·k` pairs.
///    * Steps `δ + 1 … s`: let `v` be an old user with the most desktops now. The old users
///      hold `T' − j` pairs, so `v` holds at least `(T' − j)/u` desktops, and
///      `(T' − j)/u > j` because `j < s ≤ T'/(u+1)`: `v` has a desktop that `w` lacks.
///      There `w` replaces `v` (one pair of `P` removed; the load stays `k`).
///
///    Now every desktop has `k` users (guarantees 5 and 2), there are `T'` pairs (4), `w`
///    never joins a desktop twice (3), and `s − δ = T − T' + s` pairs of `P` were removed.
///    The old users' counts started within one of each other (guarantee 6 for `P`) and each
///    step lowered a largest one, so they still are, and they sum to `T' − s = u·s + ρ` where
///    `ρ = T' mod (u+1) ≤ u`: each is `s` or `s + 1`, and `s + 1` only when `ρ > 0`. With
///    `w` at `s`, all counts are `⌊T'/(u+1)⌋` or `⌈T'/(u+1)⌉ ≤ m'` (guarantees 6 and 2, as
///    `T' ≤ (u+1)·m'`). ∎
///
/// In fleet terms ([`plan_sticky`], `n` counting the eligible desktops): when the eligible
/// desktops hold exactly an `AVERAGE` plan of the request (for instance after a sticky plan
/// was carried out) and a user who holds none of them joins the request, `--keep-existing`
/// reports `pairs_added = ⌊T'/(u+1)⌋` and `pairs_removed = T − T' + ⌊T'/(u+1)⌋`. The tests
/// check this on every valid plan of every shape up to 5 desktops and 5 users, and by
/// property on larger fleets.
///
/// # Ties
///
/// The result depends only on `shape` and `existing` (not on the order of a row): among the
/// plans keeping the most, the one the steps above reach, with desktops, users and each
/// desktop's existing users always visited in request order, a desktop's or a user's pairs
/// in the plan in the order they were added (a pair removed gives its place to the last
/// one), step 1's paths found in phases as above, the other augmenting paths breadth-first,
/// and new pairs dealt round-robin. Under `CENTRAL` a trial that is undone leaves no trace,
/// so the result depends only on the users chosen and the order they were chosen in.
///
/// This is the rule since step 1 was phased; the earlier one (one breadth-first search per
/// augmenting path) needs `Θ(T)` searches on some snapshots, so it could not stay. The
/// two differ only where step 1 has several maximum flows over `E` and the phases reach
/// another one: never in the pairs kept, and rarely at all (3 of about 600 seeded random
/// `AVERAGE` fleets of up to 40 desktops and 40 users; none of the benches' inputs). Under
/// `CENTRAL` the earlier rule also let an undone trial reorder rows; with that fixed, the
/// choices and the plans are the earlier ones.
///
/// # Evaluating gains (`CENTRAL`)
///
/// The lazy greedy re-evaluates a user only when its stale bound is the largest; a
/// re-evaluation that beats every other bound is kept (it is the choice), else undone.
/// Three things keep that cheap without changing any choice:
///
/// * *Paths of one pair first.* A search towards `v` finds, first, `v`'s existing
///   desktops with room in their base, in order, then those that can take a "+1": rooms
///   only shrink while `v` is served, so one pass over `v`'s pairs takes them all.
/// * *Dead nodes.* When a search towards a user visits every node it can reach and finds
///   no room, no residual edge leaves that set towards a room; an augmenting path never
///   enters it (it could not leave), and setting a user's cap changes only edges from `s`:
///   the set can never reach a room while the flow only grows. Once such a search's flow
///   is kept, its nodes are skipped by every later search, which changes no search's
///   result: every node that can reach a room is reached, in the same order, without
///   them.
/// * *A cheap bound.* Before a full trial, a stale bound is lowered to the number of
///   `v`'s unused existing pairs whose desktop is not *closed*: with no room in its base,
///   no "+1" to take, and every user dead or holding all its existing pairs. Each path
///   towards `v` starts on a distinct such pair, so this bounds the gain; it is computed
///   in one pass over `v`'s pairs, changing nothing.
///
/// # Cost
///
/// Write `N = n + u + |E| + T`. One breadth-first search over existing pairs or over new
/// pairs (steps 1 and 2) costs `O(N)`, plus a binary search in a desktop's snapshot row per
/// plan pair it examines: the complement's scan drops each user from its list once and
/// otherwise skips only a desktop's own neighbours. A step-3 search (Bellman–Ford
/// with a queue, which scans every complement edge of a desktop each time the desktop is
/// taken from the queue) costs `O((n + u)·(n·u + |E| + T))`.
///
/// * `AVERAGE`, worst case: the first pass of step 1 is `O(n + |E|)`; each phase after it
///   costs `O(N)` (each edge is tried once per phase, plus `O(log)` look-ups per edge of a
///   path), and each phase lengthens the shortest augmenting path, so there are at most
///   `n + u + 2` phases; when every desktop and user takes at most one pair (bipartite
///   matching) there are `O(√(n + u))` (Hopcroft and Karp). The family `e1` of the benches
///   takes one phase. Step 2's dealing is `O(N·(1 + T/n))`; each of the pairs that
///   step 2 cannot add directly costs a search, `O(N)`, or in the tight case a step-3
///   search. So step 1 is near linear, while steps 2 and 3 stay `O(T·N)` and
///   `O(T·(n + u)·(n·u + |E| + T))` in the worst case: on adversarial snapshots where few
///   users have room left and many desktops are their neighbours already.
/// * `AVERAGE`, a snapshot close to a valid plan, as when a few users join or leave (the
///   benchmark: `MaxUserPerDesktop` 1, the canonical plan with 1% of the users replaced):
///   the first pass keeps every pair it can, one search finds no augmenting path (the
///   freed desktops' snapshot users are no longer listed), and step 2 deals the joiners
///   onto the freed desktops in one pass: `O(N)` time and memory in all.
/// * `CENTRAL`: `E` by user is built in `O(u + |E|)`. A cheap bound costs one pass over
///   the user's pairs; a trial, one pass for the paths of one pair, then a search towards
///   the user per further pair, `O(N)` each but only over nodes not yet dead (a kept
///   search that fails buries what it visited, so failed searches cost `O(N)` in all once
///   kept), then undone in the time it took. At most `u·(s + 1)` bounds and trials
///   (`s = ⌊T/m'⌋`); when every choice lowers every gain (the family `e2` of the benches)
///   the cheap bounds settle them, `O(u·|E|)` in all, and about one trial a choice. The
///   canonical users' plan serves `s + 1` users, and both completions cost as under
///   `AVERAGE`.
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
/// what is only tested are in [`plan_sticky_shape`]'s documentation.
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
            let quotas = caps.quotas(Strategy::Central);
            let mut canonical =
                Engine::new(n, u, &rows, a, r_n, filled(u, 0)?, 0, filled(u, false)?)?;
            drop(rows);
            canonical.transpose()?;
            for (v, &q) in quotas.iter().enumerate() {
                if q > 0 && !canonical.failed {
                    canonical.serve(v, q as usize);
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
