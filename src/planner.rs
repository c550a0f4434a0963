//! The canonical planner of SPEC §2, and the [`Plan`] it returns.

use alloc::vec;
use alloc::vec::Vec;
use core::fmt;
use core::iter::FusedIterator;

use crate::error::Error;
use crate::ids::Summary;
use crate::request::CheckedRequest;
use crate::shape::{Quotas, Shape};

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
/// A `Plan` need not come from [`plan`]: [`Plan::from_lists`] builds any plan, and
/// [`Plan::from_ids`] the plan of a response read back, for [`verify`](crate::verify) to
/// check.
///
/// # Reading it
///
/// [`Plan::iter`] (or `for users in &plan`) gives each desktop's user indices, in desktop
/// order; [`Plan::by_id`] gives each desktop's ID with its users' IDs, without index glue:
///
/// ```
/// use eds_entitlement::{plan, Request};
///
/// let request = Request::new("cn-hangzhou", ["ecd-1", "ecd-2"], ["Alice", "Bob"])
///     .max_user_per_desktop(1)
///     .check()?;
/// let plan = plan(&request);
/// for (desktop, users) in plan.by_id(&request) {
///     println!("{desktop}: {}", users.collect::<Vec<_>>().join(", "));
/// }
/// let rows: Vec<(&str, Vec<&str>)> =
///     plan.by_id(&request).map(|(d, users)| (d, users.collect())).collect();
/// assert_eq!(rows, [("ecd-1", vec!["Alice"]), ("ecd-2", vec!["Bob"])]);
/// # Ok::<(), eds_entitlement::Error>(())
/// ```
///
/// Its `Debug` shows the counts, and the first rows only when there are many.
#[derive(Clone, PartialEq, Eq)]
#[must_use = "a plan does nothing until it is read or written"]
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
        match (
            self.offsets.get(desktop),
            self.offsets.get(desktop.saturating_add(1)),
        ) {
            (Some(&start), Some(&end)) => &self.users[start..end],
            _ => &[],
        }
    }

    /// Each desktop's users, in desktop order. `&plan` iterates the same.
    ///
    /// ```
    /// use eds_entitlement::Plan;
    ///
    /// let plan = Plan::from_lists([vec![0], vec![], vec![1, 2]]);
    /// let loads: Vec<usize> = plan.iter().map(|users| users.len()).collect();
    /// assert_eq!(loads, [1, 0, 2]);
    /// let mut pairs = 0;
    /// for users in &plan {
    ///     pairs += users.len();
    /// }
    /// assert_eq!(pairs, plan.assignments());
    /// ```
    pub fn iter(&self) -> Rows<'_> {
        Rows {
            offsets: self.offsets.windows(2),
            users: &self.users,
        }
    }

    /// A plan from its parts, which the caller has made consistent: `offsets` starts at 0,
    /// never decreases, and ends at `users.len()`.
    pub(crate) fn from_parts(offsets: Vec<usize>, users: Vec<u32>) -> Plan {
        Plan { offsets, users }
    }
}

impl Plan {
    /// This plan of the eligible desktops only, spread over all `eligible.len()` desktops:
    /// the `i`-th eligible desktop gets this plan's row `i`, the others an empty row.
    /// `O(n)`; the pairs are not copied.
    pub(crate) fn spread(self, eligible: impl ExactSizeIterator<Item = bool>) -> Plan {
        let mut offsets = Vec::with_capacity(eligible.len() + 1);
        offsets.push(0);
        let mut row = 0;
        for is_eligible in eligible {
            if is_eligible {
                row += 1;
            }
            offsets.push(self.offsets.get(row).copied().unwrap_or(self.users.len()));
        }
        Plan {
            offsets,
            users: self.users,
        }
    }
}

impl fmt::Debug for Plan {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        /// Rows, summarised; each row's users summarised too.
        struct RowsOf<'a>(&'a Plan);
        struct Users<'a>(&'a [u32]);
        impl fmt::Debug for RowsOf<'_> {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                Summary::list(f, self.0.iter().map(Users))
            }
        }
        impl fmt::Debug for Users<'_> {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                Summary::list(f, self.0.iter())
            }
        }
        f.debug_struct("Plan")
            .field("desktops", &self.desktops())
            .field("assignments", &self.assignments())
            .field("rows", &RowsOf(self))
            .finish()
    }
}

impl<'a> IntoIterator for &'a Plan {
    type Item = &'a [u32];
    type IntoIter = Rows<'a>;

    fn into_iter(self) -> Rows<'a> {
        self.iter()
    }
}

/// Each desktop's users (indices into `EndUserId`), in desktop order: see [`Plan::iter`].
#[derive(Clone, Debug)]
pub struct Rows<'a> {
    offsets: core::slice::Windows<'a, usize>,
    users: &'a [u32],
}

impl<'a> Iterator for Rows<'a> {
    type Item = &'a [u32];

    fn next(&mut self) -> Option<&'a [u32]> {
        self.offsets.next().map(|w| &self.users[w[0]..w[1]])
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        self.offsets.size_hint()
    }
}

impl DoubleEndedIterator for Rows<'_> {
    fn next_back(&mut self) -> Option<Self::Item> {
        self.offsets.next_back().map(|w| &self.users[w[0]..w[1]])
    }
}

impl ExactSizeIterator for Rows<'_> {}

impl FusedIterator for Rows<'_> {}

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
///
/// # Panics
///
/// When memory for the plan cannot be had, as `Vec` does: a request of 80,000 desktops and
/// 80,000 users with no limits asks for 25 GB. [`try_plan`] returns an error instead.
pub fn plan(request: &CheckedRequest) -> Plan {
    plan_shape(&request.shape())
}

/// [`plan`], or an error when the plan does not fit in memory.
///
/// # Errors
///
/// [`Error::PlanTooLarge`] when the memory for the plan (`4·T + 8·(n + 1)` bytes) cannot be
/// reserved. On a system that overcommits memory, a reservation can succeed that the
/// system cannot honour later; this guards against the plans that cannot fit at all.
pub fn try_plan(request: &CheckedRequest) -> Result<Plan, Error> {
    try_plan_shape(&request.shape())
}

/// [`plan_shape`], or an error when the plan does not fit in memory.
///
/// # Errors
///
/// As [`try_plan`].
pub fn try_plan_shape(shape: &Shape) -> Result<Plan, Error> {
    let too_large = || Error::PlanTooLarge {
        desktops: shape.desktops(),
        assignments: shape.assignments(),
    };
    let pairs = usize::try_from(shape.assignments()).map_err(|_| too_large())?;
    let desktops = usize::try_from(shape.desktops() + 1).map_err(|_| too_large())?;
    // Reserve, then give back: `plan_shape` then allocates zeroed memory, which the kernel
    // hands out lazily, and will not abort for want of it.
    Vec::<u32>::new()
        .try_reserve_exact(pairs)
        .map_err(|_| too_large())?;
    Vec::<usize>::new()
        .try_reserve_exact(desktops)
        .map_err(|_| too_large())?;
    Ok(plan_shape(shape))
}

/// Plans by counts alone: [`plan`] for a request of this shape.
///
/// SPEC §2 deals positions `0..T` to users in order, position `t` going to desktop `t mod n`.
/// So desktop `i` gets the owners of positions `i, i + n, i + 2n, …`: the users of its
/// row `s` (`s`-th user) are the owners of the positions `s·n, s·n + 1, …`, which desktops
/// meet one after another. One cursor per row walks those owners forward as `i` grows: the
/// plan is written desktop by desktop, in order, with no division in the loop.
///
/// # Panics
///
/// As [`plan`], when memory for the plan cannot be had; [`try_plan_shape`] returns an
/// error instead.
pub fn plan_shape(shape: &Shape) -> Plan {
    let n = shape.desktops();
    let total = shape.assignments();
    let mut users = vec![0u32; usize::try_from(total).unwrap_or(usize::MAX)];
    // Desktop `i` gets `⌊T/n⌋` users, plus one for the first `T mod n` desktops.
    let (base, longer) = match (total.checked_div(n), total.checked_rem(n)) {
        (Some(base), Some(longer)) => (base, longer),
        _ => (0, 0),
    };
    let offsets = (0..=n)
        .map(|i| (i * base + i.min(longer)) as usize)
        .collect();
    // The quota rule is matched once, so that the loops below inline it.
    match shape.quotas() {
        Quotas::Average { base, extra } => deal(&mut users, shape, |j| base + u64::from(j < extra)),
        Quotas::Central { cap, full, rest } => deal(&mut users, shape, |j| {
            if j < full {
                cap
            } else if j == full {
                rest
            } else {
                0
            }
        }),
        Quotas::None => {}
    }
    Plan { offsets, users }
}

/// Writes the users of every desktop, in order, into `users` (`T` slots), for a quota rule
/// `quota(j) = q_j`.
#[inline(always)]
fn deal(users: &mut [u32], shape: &Shape, quota: impl Fn(u64) -> u64) {
    let (n, total, u) = (shape.desktops(), shape.assignments(), shape.users());
    if total == 0 {
        return;
    }
    if total <= n {
        // One row: desktop `i` gets the owner of position `i`, so the slots are the
        // users in order, each repeated `q_j` times.
        let mut rest = users;
        let mut j = 0;
        while !rest.is_empty() && j < u {
            let (head, tail) = rest.split_at_mut((quota(j) as usize).min(rest.len()));
            for slot in head {
                *slot = j as u32;
            }
            rest = tail;
            j += 1;
        }
        return;
    }
    let (base, longer) = (total / n, total % n);
    // Row `s`'s cursor: the user owning position `s·n + i`, and where that user's range ends.
    let mut cursors: Vec<(u64, u64)> = (0..total.div_ceil(n))
        .map(|s| {
            let owner = shape.owner(s * n).unwrap_or(0);
            let start = shape.quotas().start(owner);
            (owner, start + quota(owner))
        })
        .collect();
    let mut fill = |i: u64, row: &mut [u32]| {
        let mut t = i;
        for (slot, cursor) in row.iter_mut().zip(&mut cursors) {
            while t >= cursor.1 {
                cursor.0 += 1;
                cursor.1 += quota(cursor.0);
            }
            *slot = cursor.0 as u32;
            t += n;
        }
    };
    let (long, short) = users.split_at_mut((longer * (base + 1)) as usize);
    for (i, row) in long.chunks_exact_mut(base as usize + 1).enumerate() {
        fill(i as u64, row);
    }
    // `base ≥ 1`, as `T > n`.
    for (i, row) in short.chunks_exact_mut(base as usize).enumerate() {
        fill(longer + i as u64, row);
    }
}
