//! Capacity figures ([the contract](crate::contract), §5): what a plan of a given [`Shape`] does, in `O(1)`, without IDs.

use core::fmt;

use crate::limit::{Limit, Strategy};
use crate::shape::Shape;

/// What a plan of some shape does, counted without making it: [the contract](crate::contract)'s §5 figures.
///
/// Every figure equals the same figure counted on the plan that [`plan_shape`] makes for the
/// shape (the tests check this on arbitrary shapes, under both strategies).
///
/// Two readings [the contract](crate::contract) leaves open, decided here:
/// * A user with no desktop is counted in `users_unserved` only, even when `m' = 0` (no
///   desktop at all), so that `users_full + users_partial + users_unserved = users` always.
/// * `desktops_needed` is `max(m, ⌈u·m/k'⌉)`, with `m = MaxDesktopPerUser` (`1` when it is
///   unlimited) and `k' = min(MaxUserPerDesktop, u)` (`u` when it is unlimited), or `0` when
///   `u = 0`. It is the fewest desktops `N` such that the plan of the same request over `N`
///   desktops has `T = u·m`: with `N` desktops and `MaxDesktopPerUser` set, every user gets
///   exactly `MaxDesktopPerUser` desktops under either strategy; with it unlimited, every
///   user gets at least one under `AVERAGE` (under `CENTRAL` the first users take them
///   all). With `N - 1` desktops, some user gets fewer.
///
/// [`plan_shape`]: crate::plan_shape
///
/// # Representation
///
/// Plain public fields, all `u64`, named as [the contract](crate::contract)'s §5 JSON keys: counts up to `u32::MAX`
/// give `T` up to `(2^32 - 1)^2`, and `desktops_needed` up to `500·(2^32 - 1)`.
/// `#[non_exhaustive]`, so that a figure added later is not a breaking change: outside this
/// crate a `Capacity` comes from [`capacity`].
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
#[non_exhaustive]
#[must_use]
pub struct Capacity {
    /// `n`, the number of desktops.
    pub desktops: u64,
    /// `u`, the number of users.
    pub users: u64,
    /// `T = min(n·k', u·m')`, the number of (desktop, user) pairs.
    pub assignments: u64,
    /// Users with `q_j = m' > 0`: all the desktops the limit (or the fleet) allows them.
    pub users_full: u64,
    /// Users with `0 < q_j < m'`.
    pub users_partial: u64,
    /// Users with `q_j = 0`: left without a desktop.
    pub users_unserved: u64,
    /// Desktops with at least one user.
    pub desktops_used: u64,
    /// Desktops with no user: the call would leave them without users.
    pub desktops_idle: u64,
    /// The fewest users of any desktop (`0` when `n = 0`).
    pub min_users_per_desktop: u64,
    /// The most users of any desktop (`0` when `n = 0`).
    pub max_users_per_desktop: u64,
    /// The fewest desktops of any user (`0` when `u = 0`).
    pub min_desktops_per_user: u64,
    /// The most desktops of any user (`0` when `u = 0`).
    pub max_desktops_per_user: u64,
    /// The fewest desktops with room for every user to hold `MaxDesktopPerUser` of them (one,
    /// when that is unlimited), the other inputs unchanged; `0` when `u = 0`.
    pub desktops_needed: u64,
}

/// The capacity figures of a plan of this shape, in `O(1)`: [the contract](crate::contract)'s §5
/// `capacity(n, u, MaxUserPerDesktop, MaxDesktopPerUser, Strategy)` is
/// `capacity(&Shape::builder().desktops(n).users(u)….build())`.
///
/// Exact and without overflow for every shape (counts up to `u32::MAX`). A naive
/// equivalent, in `O(n + T)` time, counts them on the plan: see `tests/capacity.rs`.
///
/// ```
/// use eds_entitlement::{capacity, Limit, Shape, Strategy};
///
/// // 3 desktops, 4 users, one user per desktop, at most 2 desktops per user.
/// let shape = Shape::builder()
///     .desktops(3)
///     .users(4)
///     .max_user_per_desktop(Limit::new(1).unwrap())
///     .max_desktop_per_user(Limit::new(2).unwrap())
///     .strategy(Strategy::Central)
///     .build();
/// let figures = capacity(&shape);
/// assert_eq!(figures.assignments, 3); // quotas [2, 1, 0, 0]
/// assert_eq!((figures.users_full, figures.users_partial, figures.users_unserved), (1, 1, 2));
/// assert_eq!((figures.desktops_used, figures.desktops_idle), (3, 0));
/// assert_eq!(figures.desktops_needed, 8); // 4 users × 2 desktops, 1 user per desktop
/// ```
pub fn capacity(shape: &Shape) -> Capacity {
    let (n, u, total) = (shape.desktops(), shape.users(), shape.assignments());
    let m = shape.desktops_per_user_cap();

    // Desktops: loads are ⌊T/n⌋, plus one for the first T mod n.
    let (desktops_used, min_users_per_desktop, max_users_per_desktop) =
        match (total.checked_div(n), total.checked_rem(n)) {
            (Some(base), Some(longer)) => {
                let used = if base > 0 { n } else { longer };
                (used, base, base + u64::from(longer > 0))
            }
            _ => (0, 0, 0),
        };

    // Users: the quotas take at most three values, each held by a run of users.
    let runs = quota_runs(shape);
    let mut users_full = 0;
    let mut users_partial = 0;
    let mut users_unserved = 0;
    let mut min_desktops_per_user = u64::MAX;
    let mut max_desktops_per_user = 0;
    for (quota, count) in runs.into_iter().filter(|&(_, count)| count > 0) {
        if quota == 0 {
            users_unserved += count;
        } else if quota == m {
            users_full += count;
        } else {
            users_partial += count;
        }
        min_desktops_per_user = min_desktops_per_user.min(quota);
        max_desktops_per_user = max_desktops_per_user.max(quota);
    }
    if u == 0 {
        min_desktops_per_user = 0;
    }

    Capacity {
        desktops: n,
        users: u,
        assignments: total,
        users_full,
        users_partial,
        users_unserved,
        desktops_used,
        desktops_idle: n - desktops_used,
        min_users_per_desktop,
        max_users_per_desktop,
        min_desktops_per_user,
        max_desktops_per_user,
        desktops_needed: desktops_needed(shape),
    }
}

/// The quotas of [the contract](crate::contract), §2 as runs `(q, how many users)`, in user order.
fn quota_runs(shape: &Shape) -> [(u64, u64); 3] {
    let (u, total, m) = (
        shape.users(),
        shape.assignments(),
        shape.desktops_per_user_cap(),
    );
    if u == 0 {
        return [(0, 0); 3];
    }
    match shape.strategy() {
        Strategy::Average => {
            let (base, extra) = (total / u, total % u);
            [(base + 1, extra), (base, u - extra), (0, 0)]
        }
        Strategy::Central if m > 0 => {
            // `full ≤ u` as `T ≤ u·m'`; when `full = u`, `rest = 0`.
            let (full, rest) = (total / m, total % m);
            let partial = u64::from(full < u);
            [(m, full), (rest, partial), (0, u - full - partial)]
        }
        Strategy::Central => [(0, u), (0, 0), (0, 0)],
    }
}

/// `max(m, ⌈u·m/k'⌉)`, `m` read as 1 when unlimited; `0` when `u = 0`.
fn desktops_needed(shape: &Shape) -> u64 {
    let u = shape.users();
    if u == 0 {
        return 0;
    }
    let m = u64::from(shape.max_desktop_per_user().get().unwrap_or(1));
    // `k' ≥ 1` as `u ≥ 1`; `u·m < 2^41`.
    let k = shape.users_per_desktop_cap();
    m.max((u * m).div_ceil(k))
}

/// Which limits kept a plan from having more assignments: see [`Shape::binding`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Binding {
    /// Without `MaxUserPerDesktop` the plan would have more pairs.
    MaxUserPerDesktop,
    /// Without `MaxDesktopPerUser` the plan would have more pairs.
    MaxDesktopPerUser,
    /// Without either limit alone the plan would have as many pairs, but without both it
    /// would have more: `n·k' = u·m'`, both limits below the counts.
    Both,
    /// Neither limit: every desktop gets every user (`T = n·u`).
    Neither,
}

impl Binding {
    /// How the summary prints it.
    pub const fn as_str(self) -> &'static str {
        match self {
            Binding::MaxUserPerDesktop => "MaxUserPerDesktop",
            Binding::MaxDesktopPerUser => "MaxDesktopPerUser",
            Binding::Both => "both MaxUserPerDesktop and MaxDesktopPerUser",
            Binding::Neither => "neither limit: every desktop gets every user",
        }
    }
}

impl fmt::Display for Binding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Shape {
    /// Which limit bound the plan: the limit without which `T` would be larger. At most one
    /// limit can do so alone (`T = min(n·k', u·m')` grows by lifting only the smaller side);
    /// when neither alone can but both together can, it is [`Binding::Both`]; when `T = n·u`,
    /// [`Binding::Neither`]. `O(1)`.
    ///
    /// ```
    /// use eds_entitlement::{Binding, Limit, Shape};
    ///
    /// let one = Limit::new(1).unwrap();
    /// let shape = Shape::builder().desktops(3).users(2).max_user_per_desktop(one).build();
    /// assert_eq!(shape.binding(), Binding::MaxUserPerDesktop);
    /// let shape = Shape::builder()
    ///     .desktops(2)
    ///     .users(2)
    ///     .max_user_per_desktop(one)
    ///     .max_desktop_per_user(one)
    ///     .build();
    /// assert_eq!(shape.binding(), Binding::Both);
    /// ```
    pub fn binding(&self) -> Binding {
        let (n, u, total) = (self.desktops(), self.users(), self.assignments());
        let lifted = |k: Limit, m: Limit| {
            Shape::new(n as u32, u as u32, k, m, self.strategy()).assignments()
        };
        if lifted(Limit::UNLIMITED, self.max_desktop_per_user()) > total {
            Binding::MaxUserPerDesktop
        } else if lifted(self.max_user_per_desktop(), Limit::UNLIMITED) > total {
            Binding::MaxDesktopPerUser
        } else if n * u > total {
            Binding::Both
        } else {
            Binding::Neither
        }
    }
}

#[cfg(feature = "serde")]
impl serde::Serialize for Capacity {
    /// One object with exactly [the contract](crate::contract)'s §5 keys, in its order.
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut s = serializer.serialize_struct("Capacity", 13)?;
        s.serialize_field("desktops", &self.desktops)?;
        s.serialize_field("users", &self.users)?;
        s.serialize_field("assignments", &self.assignments)?;
        s.serialize_field("users_full", &self.users_full)?;
        s.serialize_field("users_partial", &self.users_partial)?;
        s.serialize_field("users_unserved", &self.users_unserved)?;
        s.serialize_field("desktops_used", &self.desktops_used)?;
        s.serialize_field("desktops_idle", &self.desktops_idle)?;
        s.serialize_field("min_users_per_desktop", &self.min_users_per_desktop)?;
        s.serialize_field("max_users_per_desktop", &self.max_users_per_desktop)?;
        s.serialize_field("min_desktops_per_user", &self.min_desktops_per_user)?;
        s.serialize_field("max_desktops_per_user", &self.max_desktops_per_user)?;
        s.serialize_field("desktops_needed", &self.desktops_needed)?;
        s.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn limit(v: u32) -> Limit {
        Limit::new(v).unwrap()
    }

    #[test]
    fn spec_examples() {
        // the contract's §2 table: n, u, K, M, strategy, quotas.
        let s = Shape::new(3, 4, limit(1), limit(2), Strategy::Average);
        let c = capacity(&s);
        assert_eq!((c.users_full, c.users_partial, c.users_unserved), (0, 3, 1));
        assert_eq!((c.min_desktops_per_user, c.max_desktops_per_user), (0, 1));
        let s = Shape::new(3, 5, limit(2), limit(0), Strategy::Central);
        let c = capacity(&s);
        assert_eq!(c.assignments, 6);
        assert_eq!((c.users_full, c.users_partial, c.users_unserved), (2, 0, 3));
        assert_eq!((c.min_users_per_desktop, c.max_users_per_desktop), (2, 2));
        assert_eq!(c.desktops_needed, 3); // 5 users, 2 per desktop
    }
}
