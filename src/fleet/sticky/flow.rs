//! `AVERAGE`'s exact flow, steps 1 to 3 of [the sticky proofs](crate::fleet::sticky_proofs)
//! (*The algorithm*): the existing pairs kept (a first pass, then augmenting paths over `E`
//! in phases), new pairs dealt round-robin, and the completion by augmenting paths of cost 0
//! over new pairs, else of least cost. `CENTRAL` completes its served users' flow with the
//! same [`Engine::complete`].

use alloc::vec::Vec;

use super::engine::{filled, gathered, Engine, SRC};

impl Engine {
    /// Step 1's first pass: every existing pair whose desktop and user have room.
    pub(super) fn keep_greedily(&mut self) {
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
    pub(super) fn keep_in_phases(&mut self) {
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

    /// Steps 2 and 3: completes the flow to `total` pairs at the least cost.
    pub(super) fn complete(&mut self, total: usize) {
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
}
