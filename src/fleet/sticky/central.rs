//! `CENTRAL`'s greedy ([the sticky proofs](crate::fleet::sticky_proofs), *`CENTRAL`* and
//! *Evaluating gains*): the best single user, the lazy choice of the served users by gain
//! per cap, and the engine's searches towards one user (serving it, the cheap bound of its
//! gain, the dead nodes).

use alloc::collections::BinaryHeap;
use alloc::vec::Vec;
use core::cmp::Reverse;

use super::engine::{filled, gathered, Engine, NoMemory, SRC};

/// The user `v` with `0 < c_v ≤ T` of the largest `g({v})` (ties: the earliest), which
/// alone is `min(|E_v|, c_v)`, and at most `r_n` when desktops have no base (`a = 0`):
/// each of `v`'s desktops can take it.
pub(super) fn best_single(
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
pub(super) fn central_greedy(
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

impl Engine {
    /// Lets user `v` take `cap` desktops and augments towards it until it cannot gain.
    /// When a search failed, `trail` holds its nodes (else it is empty): the caller
    /// buries them if it keeps the flow, and clears them if it undoes it.
    pub(super) fn serve(&mut self, v: usize, cap: usize) -> usize {
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
    pub(super) fn bury_trail(&mut self) {
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
}
