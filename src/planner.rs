//! The canonical planner of [the contract](crate::contract), §2, and the [`Plan`] it returns.

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
/// [`Plan::from_ids`] the plan of a response read back, for [`verify`](fn@crate::verify) to
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
    /// The bytes [`try_plan`] asks for a plan of `shape`: the plan, `4·T + 8·(n + 1)`, and
    /// the planner's working space, `16·⌈T/n⌉` (one cursor a row). A service can refuse a
    /// request whose figure is beyond the memory it may use before planning it, as
    /// `eds-entitlement preview` does (exit status 3). [`PlanRows::bytes_for`] is the figure
    /// for planning one desktop at a time.
    ///
    /// ```
    /// use eds_entitlement::{Plan, Shape};
    ///
    /// // 1,000 desktops, 10 users, no limits: 10,000 pairs, 10 rows.
    /// let shape = Shape::builder().desktops(1_000).users(10).build();
    /// assert_eq!(Plan::bytes_for(&shape), 4 * 10_000 + 8 * 1_001 + 16 * 10);
    /// ```
    pub fn bytes_for(shape: &Shape) -> u64 {
        let (n, total) = (shape.desktops(), shape.assignments());
        total
            .saturating_mul(4)
            .saturating_add(n.saturating_add(1).saturating_mul(8))
            .saturating_add(slots(shape).saturating_mul(16))
    }

    /// A plan from each desktop's list of user indices, in desktop order. Nothing is
    /// checked: this is how a plan made elsewhere is handed to [`verify`](fn@crate::verify).
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

/// Plans `request` by the canonical rule of [the contract](crate::contract), §2.
///
/// The plan has exactly `T = min(n·k', u·m')` pairs and meets the seven guarantees of
/// [the contract](crate::contract), §2, which [`verify`](fn@crate::verify) checks. It depends on nothing but the request:
/// the same request gives the same plan on every platform and in every version of this
/// crate with the same major version.
///
/// Costs `O(n + T)` time and `4·T + 8·(n + 1)` bytes, plus `16·⌈T/n⌉` bytes of working
/// space: [`Plan::bytes_for`] in all. [`PlanRows`] makes the same plan one desktop at a time.
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
/// Every allocation is fallible: the plan (`4·T + 8·(n + 1)` bytes) and the planner's working
/// space (`16·⌈T/n⌉` bytes), [`Plan::bytes_for`] in all. Under a memory limit (a cgroup, `ulimit -v`)
/// this returns an error where [`plan`] would abort the process.
///
/// # Errors
///
/// [`Error::PlanTooLarge`] when that memory cannot be had. On a system that overcommits
/// memory, a reservation can succeed that the system cannot honour later; this guards
/// against the plans that cannot fit at all.
pub fn try_plan(request: &CheckedRequest) -> Result<Plan, Error> {
    try_plan_shape(&request.shape())
}

/// [`plan_shape`], or an error when the plan does not fit in memory.
///
/// # Errors
///
/// As [`try_plan`].
pub fn try_plan_shape(shape: &Shape) -> Result<Plan, Error> {
    build(shape).map_err(|TooLarge| too_large(shape))
}

/// Plans by counts alone: [`plan`] for a request of this shape.
///
/// [The contract](crate::contract), §2, deals positions `0..T` to users in order, position `t` going to desktop `t mod n`.
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
    match build(shape) {
        Ok(plan) => plan,
        Err(TooLarge) => panic!("{}", too_large(shape)),
    }
}

/// Memory could not be had.
struct TooLarge;

fn too_large(shape: &Shape) -> Error {
    Error::PlanTooLarge {
        desktops: shape.desktops(),
        assignments: shape.assignments(),
    }
}

/// An empty vector with room for `len` items, or [`TooLarge`].
fn vec_for<T>(len: u64) -> Result<Vec<T>, TooLarge> {
    let len = usize::try_from(len).map_err(|_| TooLarge)?;
    let mut v = Vec::new();
    v.try_reserve_exact(len).map_err(|_| TooLarge)?;
    Ok(v)
}

fn build(shape: &Shape) -> Result<Plan, TooLarge> {
    let n = shape.desktops();
    let mut offsets = vec_for::<usize>(n.saturating_add(1))?;
    offsets.extend(row_ends(shape));
    let mut users = vec_for::<u32>(shape.assignments())?;
    let total = shape.assignments();
    if total > 0 && total <= n {
        // One row: desktop `i` gets the owner of position `i`, so the users are in order,
        // each repeated `q_j` times.
        let quotas = shape.quotas();
        let mut j = 0;
        while (users.len() as u64) < total {
            users.extend(core::iter::repeat_n(j as u32, quotas.get(j) as usize));
            j += 1;
        }
    } else {
        // The cursors only: the rows are written straight into the plan.
        let mut rows = PlanRows::cursors(shape)?;
        while rows.push_next(&mut users) {}
    }
    Ok(Plan { offsets, users })
}

/// The plan of §2's dealing for any quotas (`quotas[j]` = `q_j`, each at most `n`, summing
/// to `total`) over `n` desktops: user `j` in order takes the next `q_j` desktops from a
/// cursor that starts at desktop 0, wrapping around. With §2's quotas this is
/// [`plan_shape`]'s plan; the contract's §6.1 quotas make the plan against a snapshot.
///
/// Written desktop by desktop with one cursor per row, as [`plan_shape`] does: `O(n + u + T)`
/// time, `4·T + 8·(n + 1)` bytes for the plan and `16·⌈T/n⌉` of working space.
pub(crate) fn try_plan_quotas(n: u64, quotas: &[u64], total: u64) -> Result<Plan, Error> {
    build_quotas(n, quotas, total).map_err(|TooLarge| Error::PlanTooLarge {
        desktops: n,
        assignments: total,
    })
}

fn build_quotas(n: u64, quotas: &[u64], total: u64) -> Result<Plan, TooLarge> {
    let mut offsets = vec_for::<usize>(n.saturating_add(1))?;
    let (base, longer) = match (total.checked_div(n), total.checked_rem(n)) {
        (Some(base), Some(longer)) => (base, longer),
        _ => (0, 0),
    };
    offsets.extend((0..=n).map(|i| (i * base + i.min(longer)) as usize));
    let mut users = vec_for::<u32>(total)?;
    if n == 0 || total == 0 {
        return Ok(Plan { offsets, users });
    }
    // A user past the last never owns a position (`t < total` below): its quota is
    // read as endless, so that no cursor walks past it.
    let quota = |j: u64| quotas.get(j as usize).copied().unwrap_or(u64::MAX);
    // Row `s`'s cursor starts at the owner of position `s·n`.
    let slots = total.div_ceil(n);
    let mut cursors: Vec<(u64, u64)> = vec_for(slots)?;
    let (mut owner, mut end) = (0u64, quota(0));
    for s in 0..slots {
        let t = s * n;
        while t >= end {
            owner += 1;
            end = end.saturating_add(quota(owner));
        }
        cursors.push((owner, end));
    }
    for i in 0..n {
        let load = (base + u64::from(i < longer)) as usize;
        push_row(&mut cursors[..load], i, n, &mut users, quota);
    }
    Ok(Plan { offsets, users })
}

/// The end of each desktop's users in the plan, `0` first: desktop `i` gets `⌊T/n⌋` users,
/// plus one for the first `T mod n` desktops.
fn row_ends(shape: &Shape) -> impl Iterator<Item = usize> {
    let (n, total) = (shape.desktops(), shape.assignments());
    let (base, longer) = match (total.checked_div(n), total.checked_rem(n)) {
        (Some(base), Some(longer)) => (base, longer),
        _ => (0, 0),
    };
    (0..=n).map(move |i| (i * base + i.min(longer)) as usize)
}

/// The canonical plan of [`plan`], made one desktop at a time: each desktop's users are made
/// when asked for, and the plan is never held whole.
///
/// A writer that streams the response (as the command line does) holds one desktop's users
/// at a time: its memory depends on the request, not on `T`. Desktop after desktop, the
/// rows are exactly those of [`plan`]'s [`Plan::iter`].
///
/// # Representation
///
/// One cursor per user slot of a desktop (`⌈T/n⌉` of them, at most `u`), each 16 bytes, and
/// the current desktop's users (4 bytes each): `20·⌈T/n⌉` bytes in all, whatever `n` and
/// `T`; [`PlanRows::bytes_for`] says how many.
///
/// ```
/// use eds_entitlement::{plan, try_plan_rows, Request};
///
/// let request = Request::new("cn-hangzhou", ["d1", "d2", "d3"], ["A", "B"]).check()?;
/// let mut rows = try_plan_rows(&request)?;
/// let mut streamed = Vec::new();
/// while let Some(users) = rows.next_row() {
///     streamed.push(users.to_vec());
/// }
/// assert_eq!(streamed, plan(&request).iter().map(<[u32]>::to_vec).collect::<Vec<_>>());
/// # Ok::<(), eds_entitlement::Error>(())
/// ```
#[derive(Clone, Debug)]
pub struct PlanRows {
    shape: Shape,
    quotas: Quotas,
    /// The next desktop to make.
    next: u64,
    /// Row `s`'s cursor: the user owning position `s·n + i` for the next desktop `i`, and
    /// where that user's range of positions ends.
    cursors: Vec<(u64, u64)>,
    /// The users of the desktop last made.
    row: Vec<u32>,
}

/// Plans `request` one desktop at a time: [`PlanRows`].
///
/// Costs `O(⌈T/n⌉)` time and `20·⌈T/n⌉` bytes here, then `O(1 + users)` per desktop.
///
/// # Errors
///
/// [`Error::PlanTooLarge`] when the working space cannot be had.
pub fn try_plan_rows(request: &CheckedRequest) -> Result<PlanRows, Error> {
    PlanRows::try_from_shape(&request.shape())
}

impl PlanRows {
    /// [`try_plan_rows`] for a request of this shape.
    ///
    /// # Errors
    ///
    /// As [`try_plan_rows`].
    pub fn try_from_shape(shape: &Shape) -> Result<PlanRows, Error> {
        PlanRows::build(shape).map_err(|TooLarge| too_large(shape))
    }

    /// The bytes of working space the rows of a plan of `shape` take: `20·⌈T/n⌉`.
    ///
    /// ```
    /// use eds_entitlement::{PlanRows, Shape};
    ///
    /// // One desktop and five million users: five million slots on one desktop.
    /// let shape = Shape::builder().desktops(1).users(5_000_000).build();
    /// assert_eq!(PlanRows::bytes_for(&shape), 100_000_000);
    /// ```
    pub fn bytes_for(shape: &Shape) -> u64 {
        slots(shape).saturating_mul(20)
    }

    fn build(shape: &Shape) -> Result<PlanRows, TooLarge> {
        let mut rows = PlanRows::cursors(shape)?;
        rows.row = vec_for(slots(shape))?;
        Ok(rows)
    }

    /// The rows without room for a row: for writing into a buffer of the caller's.
    fn cursors(shape: &Shape) -> Result<PlanRows, TooLarge> {
        let quotas = shape.quotas();
        let slots = slots(shape);
        let mut cursors = vec_for(slots)?;
        let n = shape.desktops();
        cursors.extend((0..slots).map(|s| {
            let owner = shape.owner(s * n).unwrap_or(0);
            (owner, quotas.start(owner) + quotas.get(owner))
        }));
        Ok(PlanRows {
            shape: *shape,
            quotas,
            next: 0,
            cursors,
            row: Vec::new(),
        })
    }

    /// The users (indices into `EndUserId`) of the next desktop, in plan order; `None` after
    /// the last desktop. `O(1 + users)`, amortised.
    pub fn next_row(&mut self) -> Option<&[u32]> {
        let mut row = core::mem::take(&mut self.row);
        row.clear();
        let made = self.push_next(&mut row);
        self.row = row;
        made.then_some(self.row.as_slice())
    }

    /// `Ok` when these are the untouched rows of a plan of `shape`; otherwise the message with
    /// which the writers that plan as they write refuse them.
    #[cfg(any(feature = "serde", feature = "report"))]
    pub(crate) fn check_fresh(&self, shape: &Shape) -> Result<(), &'static str> {
        if self.next == 0 && self.shape == *shape {
            Ok(())
        } else {
            Err("the rows are not the untouched rows of this request's plan")
        }
    }

    /// How many desktops are still to come.
    pub fn desktops_left(&self) -> u64 {
        self.shape.desktops() - self.next
    }

    /// Appends the next desktop's users to `out`, whose capacity must have room for them;
    /// `false` after the last desktop.
    fn push_next(&mut self, out: &mut Vec<u32>) -> bool {
        let i = self.next;
        if i >= self.shape.desktops() {
            return false;
        }
        self.next += 1;
        let load = self.shape.desktop_load(i) as usize;
        let n = self.shape.desktops();
        let cursors = &mut self.cursors[..load];
        // The quota rule is matched once per desktop, so that the loop below inlines it.
        match self.quotas {
            Quotas::Average { base, extra } => {
                push_row(cursors, i, n, out, |j| base + u64::from(j < extra));
            }
            Quotas::Central { cap, full, rest } => push_row(cursors, i, n, out, |j| {
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
        true
    }
}

/// A plan's rows, one desktop at a time, whether made as they are read ([`PlanRows`]) or
/// read from a [`Plan`]: what the response's writers consume.
#[cfg(any(feature = "serde", feature = "report"))]
pub(crate) trait RowSource {
    /// The next desktop's users; `None` after the last desktop.
    fn next_row(&mut self) -> Option<&[u32]>;
}

#[cfg(any(feature = "serde", feature = "report"))]
impl RowSource for PlanRows {
    fn next_row(&mut self) -> Option<&[u32]> {
        PlanRows::next_row(self)
    }
}

#[cfg(any(feature = "serde", feature = "report"))]
impl RowSource for Rows<'_> {
    fn next_row(&mut self) -> Option<&[u32]> {
        self.next()
    }
}

/// `⌈T/n⌉`: the most users a desktop gets, and the number of cursors.
fn slots(shape: &Shape) -> u64 {
    match shape.desktops() {
        0 => 0,
        n => shape.assignments().div_ceil(n),
    }
}

/// Appends the users of desktop `i` to `out`, one per cursor, moving each cursor forward to
/// the owner of its position, for a quota rule `quota(j) = q_j`.
#[inline(always)]
fn push_row(
    cursors: &mut [(u64, u64)],
    i: u64,
    n: u64,
    out: &mut Vec<u32>,
    quota: impl Fn(u64) -> u64,
) {
    let mut t = i;
    // An exact-size iterator: `extend` writes without a capacity check per user.
    out.extend(cursors.iter_mut().map(|cursor| {
        while t >= cursor.1 {
            cursor.0 += 1;
            cursor.1 += quota(cursor.0);
        }
        t += n;
        cursor.0 as u32
    }));
}
