//! Sticky re-planning (the contract, §7): the plan that keeps the most existing pairs.
//!
//! See [`plan_sticky_shape`] for the algorithm, its proofs and its cost.

use alloc::collections::{BinaryHeap, VecDeque};
use alloc::vec;
use alloc::vec::Vec;
use core::cmp::Reverse;

use alloc::string::String;

use crate::error::Error;
use crate::fleet::{eligibility_of, Eligibility, Fleet, FleetPlan};
use crate::ids::find_each;
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
/// [`Error::PlanTooLarge`] when the plan (`T` pairs) cannot be held in memory.
pub fn plan_sticky(request: &CheckedRequest, fleet: &Fleet) -> Result<FleetPlan, Error> {
    // Each desktop is looked up once, and in bulk, as the users below: at a million, a
    // single look-up misses the CPU's caches.
    let listed = fleet.listed(request);
    let eligibility: Vec<Eligibility> = listed.iter().map(|&d| eligibility_of(d)).collect();
    let eligible = eligibility.iter().filter(|e| e.is_eligible()).count();
    let shape = FleetPlan::eligible_shape(request, eligible);
    let too_large = || Error::PlanTooLarge {
        desktops: shape.desktops(),
        assignments: shape.assignments(),
    };
    let pairs = usize::try_from(shape.assignments()).map_err(|_| too_large())?;
    Vec::<u32>::new()
        .try_reserve_exact(pairs.saturating_mul(2).saturating_add(eligible))
        .map_err(|_| too_large())?;
    let rows: Vec<&[String]> = listed
        .iter()
        .zip(&eligibility)
        .filter(|(_, e)| e.is_eligible())
        .map(|(desktop, _)| desktop.map(|d| d.end_user_ids()).unwrap_or_default())
        .collect();
    drop(listed);
    // Each snapshot user of an eligible desktop as an index into the request's users,
    // looked up in bulk.
    let named: Vec<&str> = rows
        .iter()
        .flat_map(|row| row.iter())
        .map(String::as_str)
        .collect();
    let users = request.end_user_ids();
    let found = find_each(users.len(), |j| &users[j], &named);
    drop(named);
    let mut start = 0;
    let existing = Plan::from_lists(rows.iter().map(|row| {
        let range = start..start + row.len();
        start = range.end;
        // A checked request holds at most `u32::MAX` users.
        found[range].iter().flatten().map(|&j| j as u32)
    }));
    let plan =
        plan_sticky_shape(&shape, &existing).spread(eligibility.iter().map(|e| e.is_eligible()));
    Ok(FleetPlan::new(plan, eligibility))
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
///    request order; then augmenting paths over `E` (breadth-first from every desktop with
///    room, alternating existing pairs added and removed, and moving a "+1" through `HD` or
///    `HU`) until none is left. Call its value `F`.
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
/// evaluation, gains only shrinking); then, when `r = T mod m' > 0`, the partly served user
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
/// desktop's existing users always visited in request order, augmenting paths found
/// breadth-first, and new pairs dealt round-robin.
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
/// * `AVERAGE`, worst case: the first pass of step 1 is `O(n + |E|)`, then up to `T`
///   augmenting searches of `O(N)` each (there is no Hopcroft–Karp phasing: an adversarial
///   snapshot can need `Θ(T)` of them); step 2's dealing is `O(N·(1 + T/n))`; each of the at
///   most `T` pairs that step 2 cannot add directly costs a search, `O(N)`, or in the tight
///   case a step-3 search. So `O(T·N)` without step 3, and `O(T·(n + u)·(n·u + |E| + T))` in
///   the worst case: polynomial, but far from linear on adversarial snapshots.
/// * `AVERAGE`, a snapshot close to a valid plan, as when a few users join or leave (the
///   benchmark: `MaxUserPerDesktop` 1, the canonical plan with 1% of the users replaced):
///   the first pass keeps every pair it can, one search finds no augmenting path (the
///   freed desktops' snapshot users are no longer listed), and step 2 deals the joiners
///   onto the freed desktops in one pass: `O(N)` time and memory in all.
/// * `CENTRAL`: `E` by user is built in `O(u + |E|)`. Evaluating a gain is at most `m'`
///   searches towards one user, `O(N)` each and usually only over the existing pairs near
///   that user, then undone. Lazy evaluation evaluates a user at most once per choice, so at
///   most `u·(s + 1)` evaluations (`s = ⌊T/m'⌋`), usually about `u + s`: `O(u·(T + m')·N)`
///   in the worst case. The canonical users' plan serves `s + 1` users, and both
///   completions cost as under `AVERAGE`.
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
pub fn plan_sticky_shape(shape: &Shape, existing: &Plan) -> Plan {
    let n = shape.desktops() as usize;
    let u = shape.users() as usize;
    let total = shape.assignments();
    if total == 0 {
        return Plan::from_lists((0..n).map(|_| Vec::new()));
    }
    let rows: Vec<Vec<u32>> = (0..n)
        .map(|d| {
            let mut row: Vec<u32> = existing
                .end_users(d)
                .iter()
                .copied()
                .filter(|&v| (v as usize) < u)
                .collect();
            row.sort_unstable();
            row.dedup();
            row
        })
        .collect();
    let (a, r_n) = ((total / n as u64) as usize, (total % n as u64) as usize);
    let total = total as usize;
    match shape.strategy() {
        Strategy::Average => {
            let (b, r_u) = (total / u, total % u);
            let mut engine = Engine::new(n, u, &rows, a, r_n, vec![b; u], r_u);
            engine.keep_greedily();
            while let Some(sink) = engine.forward_search(Mode::Existing) {
                engine.augment(sink);
            }
            engine.complete(total);
            engine.into_plan()
        }
        Strategy::Central => {
            let m = shape.desktops_per_user_cap() as usize;
            let (full, rest) = (total / m, total % m);
            let greedy = central_greedy(n, u, &rows, a, r_n, m, full, rest, total);
            let mut caps = vec![0usize; u];
            for (j, cap) in caps.iter_mut().enumerate() {
                *cap = if j < full {
                    m
                } else if j == full {
                    rest
                } else {
                    0
                };
            }
            let mut canonical = Engine::new(n, u, &rows, a, r_n, vec![0; u], 0);
            canonical.transpose();
            for (v, &cap) in caps.iter().enumerate() {
                if cap > 0 {
                    canonical.serve(v, cap);
                }
            }
            canonical.complete(total);
            if canonical.kept() > greedy.kept() {
                canonical.into_plan()
            } else {
                greedy.into_plan()
            }
        }
    }
}

/// §7's greedy choice of the served users, then the exact completion for them.
#[allow(clippy::too_many_arguments)]
fn central_greedy(
    n: usize,
    u: usize,
    rows: &[Vec<u32>],
    a: usize,
    r_n: usize,
    m: usize,
    full: usize,
    rest: usize,
    total: usize,
) -> Engine {
    let mut engine = Engine::new(n, u, rows, a, r_n, vec![0; u], 0);
    engine.transpose();
    let mut chosen = vec![false; u];
    let choose = |engine: &mut Engine, cap: usize, count: usize, chosen: &mut [bool]| {
        // (upper bound of the gain, earlier user first, the epoch the bound was computed in)
        let mut heap: BinaryHeap<(usize, Reverse<usize>, usize)> = (0..u)
            .filter(|&v| !chosen[v])
            .map(|v| (engine.existing_degree(v).min(cap), Reverse(v), 0))
            .collect();
        let mut epoch = 1;
        let mut taken = 0;
        while taken < count {
            let Some((gain, Reverse(v), at)) = heap.pop() else {
                break;
            };
            if at == epoch || gain == 0 {
                engine.serve(v, cap);
                chosen[v] = true;
                taken += 1;
                epoch += 1;
            } else {
                let gain = engine.gain(v, cap);
                heap.push((gain, Reverse(v), epoch));
            }
        }
    };
    choose(&mut engine, m, full, &mut chosen);
    if rest > 0 {
        choose(&mut engine, rest, 1, &mut chosen);
    }
    engine.complete(total);
    engine
}

/// Which middle edges a search may use.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// Existing pairs only: added when out of the plan, removed when in it (cost −1 / +1).
    Existing,
    /// New pairs only (cost 0 either way).
    New,
}

/// A change to the flow, recorded to be undone after a trial.
#[derive(Clone, Copy)]
enum Op {
    Add(usize, usize),
    Remove(usize, usize),
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
    ) -> Engine {
        let mut e_off = Vec::with_capacity(n + 1);
        e_off.push(0);
        let mut e_user = Vec::with_capacity(rows.iter().map(Vec::len).sum());
        for row in rows {
            e_user.extend_from_slice(row);
            e_off.push(e_user.len());
        }
        let stride = a + usize::from(d_hub > 0);
        let nodes = n + u + 2;
        Engine {
            n,
            u,
            e_off,
            e_user,
            et_off: Vec::new(),
            et_desk: Vec::new(),
            a,
            d_hub,
            d_hub_used: 0,
            d_plus: vec![false; n],
            stride,
            d_deg: vec![0; n],
            d_users: vec![0; n * stride],
            u_cap,
            u_hub,
            u_hub_used: 0,
            u_plus: vec![false; u],
            u_desks: vec![Vec::new(); u],
            pairs: 0,
            umark: vec![0; u],
            umark_e: vec![0; u],
            dmark: vec![0; n],
            stamp: 0,
            seen: vec![0; nodes],
            seen_stamp: 0,
            parent: vec![SRC; nodes],
            queue: VecDeque::new(),
            journal: None,
        }
    }

    /// Builds `E` by user, for searches towards one user.
    fn transpose(&mut self) {
        let mut counts = vec![0usize; self.u + 1];
        for &v in &self.e_user {
            counts[v as usize + 1] += 1;
        }
        for i in 0..self.u {
            counts[i + 1] += counts[i];
        }
        let mut fill = counts.clone();
        let mut desks = vec![0u32; self.e_user.len()];
        for d in 0..self.n {
            for &v in &self.e_user[self.e_off[d]..self.e_off[d + 1]] {
                desks[fill[v as usize]] = d as u32;
                fill[v as usize] += 1;
            }
        }
        self.et_off = counts;
        self.et_desk = desks;
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
        self.user_base_room(v) || (!self.u_plus[v] && self.user_hub_room())
    }

    /// Whether a user can ever hold a pair.
    fn user_open(&self, v: usize) -> bool {
        self.u_cap[v] > 0 || self.u_hub > 0
    }

    fn log(&mut self, op: Op) {
        if let Some(journal) = &mut self.journal {
            journal.push(op);
        }
    }

    fn add(&mut self, d: usize, v: usize) {
        debug_assert!(self.d_deg[d] < self.stride);
        self.d_users[d * self.stride + self.d_deg[d]] = v as u32;
        self.d_deg[d] += 1;
        self.u_desks[v].push(d as u32);
        self.pairs += 1;
        self.log(Op::Add(d, v));
    }

    fn remove(&mut self, d: usize, v: usize) {
        let start = d * self.stride;
        let end = start + self.d_deg[d];
        if let Some(i) = self.d_users[start..end]
            .iter()
            .position(|&w| w as usize == v)
        {
            self.d_users.swap(start + i, end - 1);
            self.d_deg[d] -= 1;
        }
        if let Some(i) = self.u_desks[v].iter().position(|&e| e as usize == d) {
            self.u_desks[v].swap_remove(i);
        }
        self.pairs -= 1;
        self.log(Op::Remove(d, v));
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
            match op {
                Op::Add(d, v) => self.remove(d, v),
                Op::Remove(d, v) => self.add(d, v),
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

    /// A breadth-first search for an augmenting path from `s`: over existing pairs only, or
    /// over new pairs only. Returns the node whose edge to `t` ends the path.
    fn forward_search(&mut self, mode: Mode) -> Option<usize> {
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
        let mut unvisited: Vec<u32> = if mode == Mode::New {
            (0..self.u)
                .filter(|&v| self.user_open(v))
                .map(|v| v as u32)
                .collect()
        } else {
            Vec::new()
        };
        while let Some(x) = self.queue.pop_front() {
            if x < n {
                let d = x;
                match mode {
                    Mode::Existing => {
                        let stamp = self.mark_neighbours(d, false);
                        for i in self.e_off[d]..self.e_off[d + 1] {
                            let v = self.e_user[i] as usize;
                            if self.umark[v] != stamp && !self.seen(n + v) {
                                self.visit(n + v, d);
                                if self.user_base_room(v) {
                                    return Some(n + v);
                                }
                            }
                        }
                    }
                    Mode::New => {
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
                    }
                }
                if self.d_plus[d] && !self.seen(hd) {
                    self.visit(hd, d);
                }
            } else if x < hd {
                let v = x - n;
                if !self.u_plus[v] && self.u_hub > 0 && !self.seen(hu) {
                    self.visit(hu, x);
                    if self.user_hub_room() {
                        return Some(hu);
                    }
                }
                for i in 0..self.u_desks[v].len() {
                    let d = self.u_desks[v][i] as usize;
                    if !self.seen(d) && (self.is_existing(d, v) == (mode == Mode::Existing)) {
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
        let mut dist = vec![INF; nodes];
        let mut queued = vec![false; nodes];
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
        let open: Vec<usize> = (0..self.u).filter(|&v| self.user_open(v)).collect();
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
                if !self.u_plus[v] && self.u_hub > 0 {
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
        let mut path = vec![sink];
        let mut x = sink;
        while self.parent[x] != SRC && path.len() <= self.n + self.u + 2 {
            x = self.parent[x];
            path.push(x);
        }
        path.reverse();
        self.apply(&path);
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
    fn serve(&mut self, v: usize, cap: usize) -> usize {
        self.set_cap(v, cap);
        let mut gained = 0;
        while self.user_base_room(v) {
            match self.search_towards(v) {
                Some(path) => {
                    self.apply(&path);
                    gained += 1;
                }
                None => break,
            }
        }
        gained
    }

    /// What `serve(v, cap)` would gain, leaving the flow as it was.
    fn gain(&mut self, v: usize, cap: usize) -> usize {
        self.journal = Some(Vec::new());
        let gained = self.serve(v, cap);
        let journal = self.journal.take().unwrap_or_default();
        self.undo(journal);
        gained
    }

    /// A breadth-first search backwards from user `v` over existing pairs, for an
    /// augmenting path ending at `v` (users have no "+1" under `CENTRAL`).
    fn search_towards(&mut self, v: usize) -> Option<Vec<usize>> {
        self.new_search();
        let (n, hd) = (self.n, self.hd());
        // Here `parent` holds the next node towards `v`.
        self.visit(n + v, SRC);
        let mut found = None;
        'search: while let Some(x) = self.queue.pop_front() {
            if x < n {
                let d = x;
                for i in 0..self.d_deg[d] {
                    let w = self.d_users[d * self.stride + i] as usize;
                    if !self.seen(n + w) && self.is_existing(d, w) {
                        self.visit(n + w, d);
                    }
                }
                if !self.d_plus[d] && !self.seen(hd) {
                    self.visit(hd, d);
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
                    if self.dmark[d] != stamp && !self.seen(d) {
                        self.visit(d, x);
                        if self.desktop_base_room(d) {
                            found = Some(d);
                            break 'search;
                        }
                    }
                }
            } else if x == hd {
                for d in 0..n {
                    if self.d_plus[d] && !self.seen(d) {
                        self.visit(d, hd);
                    }
                }
            }
        }
        let mut x = found?;
        let mut path = vec![x];
        while self.parent[x] != SRC && path.len() <= n + self.u + 2 {
            x = self.parent[x];
            path.push(x);
        }
        Some(path)
    }

    /// Steps 2 and 3: completes the flow to `total` pairs at the least cost.
    fn complete(&mut self, total: usize) {
        self.deal_new_pairs();
        while self.pairs < total {
            let sink = match self.forward_search(Mode::New) {
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
        let ring: Vec<usize> = (0..u).filter(|&v| self.user_room(v)).collect();
        if ring.is_empty() {
            return;
        }
        let mut next = vec![usize::MAX; u];
        let mut prev = vec![usize::MAX; u];
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
            while len > 0 && skipped < len && self.desktop_room(d) {
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

    fn into_plan(self) -> Plan {
        Plan::from_lists((0..self.n).map(|d| {
            let mut row = self.row(d).to_vec();
            row.sort_unstable();
            row
        }))
    }
}
