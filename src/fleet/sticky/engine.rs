//! The sticky planner's flow network ([the sticky proofs](crate::fleet::sticky_proofs), *The
//! model*), which stores only `E` and the plan's own pairs: the engine's state, the undo
//! journal of a trial, the rooms of desktops and users and the network's residual edges, the
//! scratch of the searches, how a pair or a path changes the flow, and the plan read out of
//! it; with the fallible allocation that every part of the planner uses. The searches are
//! `AVERAGE`'s exact flow ([`super::flow`]) and `CENTRAL`'s greedy ([`super::central`]).

use alloc::collections::VecDeque;
use alloc::vec::Vec;

use crate::planner::Plan;

/// The parent of a node found straight from the source.
pub(super) const SRC: usize = usize::MAX;

/// Memory the sticky planner asked for and could not have.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct NoMemory;

/// `len` copies of `value`, or [`NoMemory`].
pub(super) fn filled<T: Clone>(len: usize, value: T) -> Result<Vec<T>, NoMemory> {
    let mut out = Vec::new();
    out.try_reserve_exact(len).map_err(|_| NoMemory)?;
    out.resize(len, value);
    Ok(out)
}

/// The items of `items`, at most `most` of them, or [`NoMemory`].
pub(super) fn gathered<T>(most: usize, items: impl Iterator<Item = T>) -> Result<Vec<T>, NoMemory> {
    let mut out = Vec::new();
    out.try_reserve_exact(most).map_err(|_| NoMemory)?;
    out.extend(items.take(most));
    Ok(out)
}

/// A change to the flow, recorded to be undone after a trial.
#[derive(Clone, Copy)]
pub(super) enum Op {
    Add(usize, usize),
    /// The pair, and where it was in the desktop's row and in the user's list.
    Remove(usize, usize, usize, usize),
    DesktopPlus(usize, bool),
    UserPlus(usize, bool),
    Cap(usize, usize),
}

/// The flow of the module documentation, with `E` and the plan stored and every other pair
/// implicit.
pub(super) struct Engine {
    pub(super) n: usize,
    pub(super) u: usize,
    /// `E` by desktop, each row sorted.
    pub(super) e_off: Vec<usize>,
    pub(super) e_user: Vec<u32>,
    /// Whether each pair of `E` (by its index in `e_user`) is in the plan.
    e_in: Vec<bool>,
    /// `E` by user (built for `CENTRAL` only).
    pub(super) et_off: Vec<usize>,
    pub(super) et_desk: Vec<u32>,
    /// `a`, and the desktops' "+1" budget and use.
    a: usize,
    d_hub: usize,
    pub(super) d_hub_used: usize,
    pub(super) d_plus: Vec<bool>,
    /// The plan by desktop: `stride` slots each, `d_deg` of them used.
    pub(super) stride: usize,
    pub(super) d_deg: Vec<usize>,
    pub(super) d_users: Vec<u32>,
    /// The users' base capacity, "+1" budget and use, and the plan by user.
    u_cap: Vec<usize>,
    u_hub: usize,
    u_hub_used: usize,
    pub(super) u_plus: Vec<bool>,
    /// Whether each user may take a "+1" (has an edge to `HU`).
    u_extra: Vec<bool>,
    pub(super) u_desks: Vec<Vec<u32>>,
    pub(super) pairs: usize,
    /// Scratch: marks over users and desktops, visited nodes, parents, a queue.
    pub(super) umark: Vec<u32>,
    pub(super) umark_e: Vec<u32>,
    pub(super) dmark: Vec<u32>,
    stamp: u32,
    seen: Vec<u32>,
    seen_stamp: u32,
    pub(super) parent: Vec<usize>,
    pub(super) queue: VecDeque<usize>,
    pub(super) journal: Option<Vec<Op>>,
    /// Nodes known to reach no room over existing pairs (the searches towards a user skip
    /// them), and those that the last failed search towards a user visited.
    pub(super) dead: Vec<bool>,
    pub(super) trail: Vec<usize>,
    /// Scratch: a path being applied.
    pub(super) path: Vec<usize>,
    /// Whether an allocation failed: every loop then stops, and the plan is refused.
    pub(super) failed: bool,
}

impl Engine {
    #[allow(clippy::too_many_arguments)]
    pub(super) fn new(
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
    pub(super) fn transpose(&mut self) -> Result<(), NoMemory> {
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

    pub(super) fn hd(&self) -> usize {
        self.n + self.u
    }

    pub(super) fn hu(&self) -> usize {
        self.n + self.u + 1
    }

    fn e_row(&self, d: usize) -> &[u32] {
        &self.e_user[self.e_off[d]..self.e_off[d + 1]]
    }

    pub(super) fn is_existing(&self, d: usize, v: usize) -> bool {
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
    pub(super) fn e_taken(&self, d: usize, v: usize) -> bool {
        self.e_index(d, v).is_some_and(|e| self.e_in[e])
    }

    pub(super) fn existing_degree(&self, v: usize) -> usize {
        self.et_off[v + 1] - self.et_off[v]
    }

    pub(super) fn row(&self, d: usize) -> &[u32] {
        &self.d_users[d * self.stride..d * self.stride + self.d_deg[d]]
    }

    pub(super) fn desktop_base_room(&self, d: usize) -> bool {
        self.d_deg[d] - usize::from(self.d_plus[d]) < self.a
    }

    pub(super) fn desktop_hub_room(&self) -> bool {
        self.d_hub_used < self.d_hub
    }

    pub(super) fn desktop_room(&self, d: usize) -> bool {
        self.desktop_base_room(d) || (!self.d_plus[d] && self.desktop_hub_room())
    }

    pub(super) fn user_base_room(&self, v: usize) -> bool {
        self.u_desks[v].len() - usize::from(self.u_plus[v]) < self.u_cap[v]
    }

    pub(super) fn user_hub_room(&self) -> bool {
        self.u_hub_used < self.u_hub
    }

    pub(super) fn user_room(&self, v: usize) -> bool {
        self.user_base_room(v) || (self.user_hub_edge(v) && self.user_hub_room())
    }

    /// Whether user `v`'s edge to `HU` is unused and exists: `v` may take one desktop
    /// above its base (§6.1: a user at the level with room) and does not yet.
    pub(super) fn user_hub_edge(&self, v: usize) -> bool {
        !self.u_plus[v] && self.u_hub > 0 && self.u_extra[v]
    }

    /// Whether a user can ever hold a pair.
    pub(super) fn user_open(&self, v: usize) -> bool {
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
    pub(super) fn add(&mut self, d: usize, v: usize) {
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

    pub(super) fn set_desktop_plus(&mut self, d: usize, plus: bool) {
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

    pub(super) fn set_cap(&mut self, v: usize, cap: usize) {
        let old = self.u_cap[v];
        self.u_cap[v] = cap;
        self.log(Op::Cap(v, old));
    }

    /// Undoes the journal, last change first.
    pub(super) fn undo(&mut self, journal: Vec<Op>) {
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
    pub(super) fn next_stamp(&mut self) -> u32 {
        if self.stamp == u32::MAX {
            self.umark.fill(0);
            self.umark_e.fill(0);
            self.dmark.fill(0);
            self.stamp = 0;
        }
        self.stamp += 1;
        self.stamp
    }

    pub(super) fn new_search(&mut self) {
        if self.seen_stamp == u32::MAX {
            self.seen.fill(0);
            self.seen_stamp = 0;
        }
        self.seen_stamp += 1;
        self.queue.clear();
    }

    pub(super) fn seen(&self, x: usize) -> bool {
        self.seen[x] == self.seen_stamp
    }

    pub(super) fn visit(&mut self, x: usize, parent: usize) {
        self.seen[x] = self.seen_stamp;
        self.parent[x] = parent;
        self.queue.push_back(x);
    }

    /// Marks desktop `d`'s users in the plan in `umark` (and, with `existing`, its existing
    /// users in `umark_e`); returns the stamp.
    pub(super) fn mark_neighbours(&mut self, d: usize, existing: bool) -> u32 {
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

    /// Whether node `x` (a user, or `HU`) has room on its edge to `t`.
    pub(super) fn sink_room(&self, x: usize) -> bool {
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
    pub(super) fn residual(&self, x: usize, i: usize) -> Option<Option<usize>> {
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

    /// Adds a pair between a desktop and a user that both have room, spending a "+1"
    /// where a base is full.
    pub(super) fn take(&mut self, d: usize, v: usize) {
        if !self.desktop_base_room(d) {
            self.set_desktop_plus(d, true);
        }
        if !self.user_base_room(v) {
            self.set_user_plus(v, true);
        }
        self.add(d, v);
    }

    /// Applies a path of nodes, source side first.
    pub(super) fn apply(&mut self, path: &[usize]) {
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

    /// The kept pairs: the plan's pairs that exist.
    pub(super) fn kept(&self) -> usize {
        (0..self.n)
            .map(|d| {
                self.row(d)
                    .iter()
                    .filter(|&&v| self.is_existing(d, v as usize))
                    .count()
            })
            .sum()
    }

    pub(super) fn into_plan(self) -> Result<Plan, NoMemory> {
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
