//! The canonical planner of SPEC §2, and the [`Plan`] it returns.

use crate::request::CheckedRequest;
use crate::shape::Shape;

/// A plan: for every desktop of the request, in request order, the end users it gets.
///
/// # Representation
///
/// Users are `u32` indices into the request's `EndUserId` list, and desktops are indices
/// into its `DesktopId` list: a plan of a million desktops holds no copied string. The
/// users of all desktops lie back to back in one `Vec<u32>`, with each desktop's offset
/// in another (compressed sparse rows), so a plan of `T` pairs over `n` desktops takes
/// `4·T + 8·(n + 1)` bytes.
///
/// A `Plan` need not come from [`plan`]: [`Plan::from_lists`] builds any plan, for
/// [`verify`](crate::verify) to check.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Plan {
    offsets: Vec<usize>,
    users: Vec<u32>,
}

impl Plan {
    /// A plan from each desktop's list of user indices, in desktop order. Nothing is
    /// checked: this is how a plan made elsewhere is handed to [`verify`](crate::verify).
    ///
    /// ```
    /// use eds_entitlement::Plan;
    ///
    /// let plan = Plan::from_lists([vec![0, 2], vec![1]]);
    /// assert_eq!(plan.desktops(), 2);
    /// assert_eq!(plan.end_users(0), &[0, 2]);
    /// assert_eq!(plan.assignments(), 3);
    /// ```
    pub fn from_lists<I, L>(lists: I) -> Plan
    where
        I: IntoIterator<Item = L>,
        L: IntoIterator<Item = u32>,
    {
        let mut plan = Plan {
            offsets: vec![0],
            users: Vec::new(),
        };
        for list in lists {
            plan.users.extend(list);
            plan.offsets.push(plan.users.len());
        }
        plan
    }

    /// The number of desktops, `n`.
    pub fn desktops(&self) -> usize {
        self.offsets.len() - 1
    }

    /// The number of (desktop, user) pairs.
    pub fn assignments(&self) -> usize {
        self.users.len()
    }

    /// The users (indices into `EndUserId`) of desktop `desktop` (an index into
    /// `DesktopId`), in plan order; empty when there is no such desktop.
    pub fn end_users(&self, desktop: usize) -> &[u32] {
        match (self.offsets.get(desktop), self.offsets.get(desktop + 1)) {
            (Some(&start), Some(&end)) => &self.users[start..end],
            _ => &[],
        }
    }

    /// Each desktop's users, in desktop order.
    ///
    /// ```
    /// use eds_entitlement::Plan;
    ///
    /// let plan = Plan::from_lists([vec![0], vec![], vec![1, 2]]);
    /// let loads: Vec<usize> = plan.iter().map(|users| users.len()).collect();
    /// assert_eq!(loads, [1, 0, 2]);
    /// ```
    pub fn iter(&self) -> impl ExactSizeIterator<Item = &[u32]> + DoubleEndedIterator + '_ {
        self.offsets.windows(2).map(|w| &self.users[w[0]..w[1]])
    }
}

/// Plans `request` by the canonical rule of SPEC §2.
///
/// The plan has exactly `T = min(n·k', u·m')` pairs and meets the seven guarantees of
/// SPEC §2, which [`verify`](crate::verify) checks. It depends on nothing but the request:
/// the same request gives the same plan on every platform and in every version of this
/// crate with the same major version.
///
/// Costs `O(n + T)` time and `4·T + 8·n` bytes, plus `16·⌈T/n⌉` bytes of working space.
/// A naive equivalent, in `O(n·T)` time:
///
/// ```
/// # use eds_entitlement::{plan, Request};
/// # let request = Request::new("cn-hangzhou", ["d1", "d2", "d3"], ["A", "B"]).check()?;
/// let shape = request.shape();
/// let n = shape.desktops();
/// let mut naive = vec![Vec::new(); n as usize];
/// let mut p = 0;
/// for j in 0..shape.users() {
///     for _ in 0..shape.quota(j) {
///         naive[(p % n) as usize].push(j as u32);
///         p += 1;
///     }
/// }
/// assert_eq!(plan(&request), eds_entitlement::Plan::from_lists(naive));
/// # Ok::<(), eds_entitlement::Error>(())
/// ```
///
/// # Example
///
/// ```
/// use eds_entitlement::{plan, Request, Strategy};
///
/// let request = Request::new("cn-hangzhou", ["d1", "d2", "d3"], ["A", "B"])
///     .max_user_per_desktop(1)
///     .strategy(Strategy::Central)
///     .check()?;
/// let plan = plan(&request);
/// assert_eq!(plan.end_users(2), &[0]); // d3 gets A
/// assert_eq!(plan.assignments(), 3);
/// # Ok::<(), eds_entitlement::Error>(())
/// ```
pub fn plan(request: &CheckedRequest) -> Plan {
    plan_shape(&request.shape())
}

/// Plans by counts alone: [`plan`] for a request of this shape.
///
/// SPEC §2 deals positions `0..T` to users in order, position `t` going to desktop `t mod n`.
/// So desktop `i` gets the owners of positions `i, i + n, i + 2n, …`: the users of its
/// row `s` (`s`-th user) are the owners of the positions `s·n, s·n + 1, …`, which desktops
/// meet one after another. One cursor per row walks those owners forward as `i` grows: the
/// plan is written desktop by desktop, in order, with no division in the loop.
pub fn plan_shape(shape: &Shape) -> Plan {
    let n = shape.desktops();
    let total = shape.assignments();
    let mut users = vec![0u32; usize::try_from(total).unwrap_or(usize::MAX)];
    let mut offsets = Vec::with_capacity(usize::try_from(n + 1).unwrap_or(usize::MAX));
    offsets.push(0);
    if total == 0 {
        offsets.resize(n as usize + 1, 0);
        return Plan { offsets, users };
    }
    let quotas = shape.quotas();
    let rows = total.div_ceil(n);
    // Row `s`'s cursor: the user owning position `s·n + i`, and where that user's range ends.
    let mut cursors: Vec<(u64, u64)> = (0..rows)
        .map(|s| {
            let owner = shape.owner(s * n).unwrap_or(0);
            (owner, quotas.start(owner) + quotas.get(owner))
        })
        .collect();
    let (base, longer) = (total / n, total % n);
    let mut rest = users.as_mut_slice();
    let mut written = 0;
    for i in 0..n {
        let load = (base + u64::from(i < longer)) as usize;
        let (row, tail) = rest.split_at_mut(load);
        rest = tail;
        let mut t = i;
        for (slot, cursor) in row.iter_mut().zip(&mut cursors) {
            while t >= cursor.1 {
                cursor.0 += 1;
                cursor.1 += quotas.get(cursor.0);
            }
            *slot = cursor.0 as u32;
            t += n;
        }
        written += load;
        offsets.push(written);
    }
    Plan { offsets, users }
}
