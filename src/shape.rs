//! [`Shape`]: the arithmetic of [the contract](crate::contract), §2, on counts alone.

use crate::limit::{Limit, Strategy};

/// The shape of a plan: how many desktops and users, the limits and the strategy, and all
/// that follows from them by [the contract](crate::contract), §2, without any ID.
///
/// Every method is `O(1)` and exact for counts up to `u32::MAX` (`T` is at most
/// `(2^32 - 1)^2`, which fits a `u64`).
///
/// ```
/// use eds_entitlement::{Limit, Shape, Strategy};
///
/// // The contract's §2 example: 3 desktops, 5 users, MaxUserPerDesktop 2, AVERAGE.
/// let shape = Shape::builder()
///     .desktops(3)
///     .users(5)
///     .max_user_per_desktop(Limit::new(2).unwrap())
///     .strategy(Strategy::Average)
///     .build();
/// assert_eq!(shape.assignments(), 6);
/// assert_eq!((0..5).map(|j| shape.quota(j)).collect::<Vec<_>>(), [2, 1, 1, 1, 1]);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[must_use]
pub struct Shape {
    desktops: u64,
    users: u64,
    max_user_per_desktop: Limit,
    max_desktop_per_user: Limit,
    strategy: Strategy,
    /// `k' = min(MaxUserPerDesktop, u)`.
    k: u64,
    /// `m' = min(MaxDesktopPerUser, n)`.
    m: u64,
    /// `T = min(n·k', u·m')`.
    total: u64,
}

impl Shape {
    /// A [`ShapeBuilder`]: every count and limit named, so that desktops and users cannot be
    /// swapped. It starts at 0 desktops, 0 users, no limits and [`Strategy::Average`].
    ///
    /// ```
    /// use eds_entitlement::{Limit, Shape, Strategy};
    ///
    /// let shape = Shape::builder()
    ///     .desktops(3)
    ///     .users(4)
    ///     .max_user_per_desktop(Limit::new(1).unwrap())
    ///     .max_desktop_per_user(Limit::new(2).unwrap())
    ///     .strategy(Strategy::Central)
    ///     .build();
    /// assert_eq!((shape.desktops(), shape.users(), shape.assignments()), (3, 4, 3));
    /// ```
    pub const fn builder() -> ShapeBuilder {
        ShapeBuilder {
            desktops: 0,
            users: 0,
            max_user_per_desktop: Limit::UNLIMITED,
            max_desktop_per_user: Limit::UNLIMITED,
            strategy: Strategy::Average,
        }
    }

    /// The shape of a plan of `desktops` desktops and `users` users, by position.
    ///
    /// Kept for 0.1.x: two `u32`s side by side compile swapped. Use [`Shape::builder`].
    #[doc(hidden)]
    pub const fn new(
        desktops: u32,
        users: u32,
        max_user_per_desktop: Limit,
        max_desktop_per_user: Limit,
        strategy: Strategy,
    ) -> Shape {
        let (n, u) = (desktops as u64, users as u64);
        let k = max_user_per_desktop.cap(u);
        let m = max_desktop_per_user.cap(n);
        let (by_desktops, by_users) = (n * k, u * m);
        Shape {
            desktops: n,
            users: u,
            max_user_per_desktop,
            max_desktop_per_user,
            strategy,
            k,
            m,
            total: if by_desktops < by_users {
                by_desktops
            } else {
                by_users
            },
        }
    }

    /// `n`, the number of desktops.
    pub const fn desktops(&self) -> u64 {
        self.desktops
    }

    /// `u`, the number of users.
    pub const fn users(&self) -> u64 {
        self.users
    }

    /// `MaxUserPerDesktop`.
    pub const fn max_user_per_desktop(&self) -> Limit {
        self.max_user_per_desktop
    }

    /// `MaxDesktopPerUser`.
    pub const fn max_desktop_per_user(&self) -> Limit {
        self.max_desktop_per_user
    }

    /// The strategy.
    pub const fn strategy(&self) -> Strategy {
        self.strategy
    }

    /// `k' = min(MaxUserPerDesktop, u)`, no limit read as `u`: the most users a desktop
    /// can get.
    pub const fn users_per_desktop_cap(&self) -> u64 {
        self.k
    }

    /// `m' = min(MaxDesktopPerUser, n)`, no limit read as `n`: the most desktops a user
    /// can get.
    pub const fn desktops_per_user_cap(&self) -> u64 {
        self.m
    }

    /// `T = min(n·k', u·m')`: the number of (desktop, user) pairs of every plan.
    pub const fn assignments(&self) -> u64 {
        self.total
    }

    /// `q_j`: how many desktops user `j` (0-based, in request order) gets; `0` when
    /// `j >= u`.
    pub const fn quota(&self, j: u64) -> u64 {
        if j >= self.users {
            return 0;
        }
        self.quotas().get(j)
    }

    /// The quota rule with its divisions done once, for loops over many users.
    pub(crate) const fn quotas(&self) -> Quotas {
        match self.strategy {
            Strategy::Average if self.users > 0 => Quotas::Average {
                base: self.total / self.users,
                extra: self.total % self.users,
            },
            Strategy::Central if self.m > 0 => Quotas::Central {
                cap: self.m,
                full: self.total / self.m,
                rest: self.total % self.m,
            },
            _ => Quotas::None,
        }
    }

    /// The user whose dealt range holds position `t` (`0 <= t < T`): the desktop at
    /// position `t mod n` gets this user. `None` when `t >= T`.
    pub(crate) const fn owner(&self, t: u64) -> Option<u64> {
        if t >= self.total {
            return None;
        }
        Some(match self.strategy {
            Strategy::Average => {
                // The first `extra` users hold `base + 1` positions each, the rest `base`;
                // `base > 0` whenever a position lies beyond the first group.
                let (base, extra) = (self.total / self.users, self.total % self.users);
                let long = extra * (base + 1);
                if t < long {
                    t / (base + 1)
                } else {
                    extra + (t - long) / base
                }
            }
            Strategy::Central => t / self.m,
        })
    }

    /// How many users desktop `i` (0-based) gets: `⌊T/n⌋`, plus one for the first
    /// `T mod n` desktops; `0` when `i >= n`.
    pub const fn desktop_load(&self, i: u64) -> u64 {
        if i >= self.desktops {
            return 0;
        }
        self.total / self.desktops + (i < self.total % self.desktops) as u64
    }
}

/// [the contract](crate::contract)'s §2 quotas with the shape's divisions done: `get(j)` is `q_j` for `j < u`.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Quotas {
    /// `q_j = base + 1` for `j < extra`, else `base`.
    Average { base: u64, extra: u64 },
    /// `q_j = cap` for `j < full`, `rest` for `j == full`, else `0`.
    Central { cap: u64, full: u64, rest: u64 },
    /// No user, or no desktop: every quota is `0`.
    None,
}

impl Quotas {
    #[inline]
    pub(crate) const fn get(self, j: u64) -> u64 {
        match self {
            Quotas::Average { base, extra } => base + (j < extra) as u64,
            Quotas::Central { cap, full, rest } => {
                if j < full {
                    cap
                } else if j == full {
                    rest
                } else {
                    0
                }
            }
            Quotas::None => 0,
        }
    }

    /// The first position dealt to user `j`: `q_0 + … + q_{j-1}`.
    #[inline]
    pub(crate) const fn start(self, j: u64) -> u64 {
        match self {
            Quotas::Average { base, extra } => j * base + if j < extra { j } else { extra },
            Quotas::Central { cap, full, rest } => {
                if j <= full {
                    j * cap
                } else {
                    full * cap + rest
                }
            }
            Quotas::None => 0,
        }
    }
}

/// The counts, limits and strategy of a [`Shape`], each set by name: from
/// [`Shape::builder`], finished by [`build`](ShapeBuilder::build).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[must_use]
pub struct ShapeBuilder {
    desktops: u32,
    users: u32,
    max_user_per_desktop: Limit,
    max_desktop_per_user: Limit,
    strategy: Strategy,
}

impl ShapeBuilder {
    /// `n`, the number of desktops (0 unless set).
    pub const fn desktops(mut self, desktops: u32) -> ShapeBuilder {
        self.desktops = desktops;
        self
    }

    /// `u`, the number of users (0 unless set).
    pub const fn users(mut self, users: u32) -> ShapeBuilder {
        self.users = users;
        self
    }

    /// `MaxUserPerDesktop` (no limit unless set).
    pub const fn max_user_per_desktop(mut self, limit: Limit) -> ShapeBuilder {
        self.max_user_per_desktop = limit;
        self
    }

    /// `MaxDesktopPerUser` (no limit unless set).
    pub const fn max_desktop_per_user(mut self, limit: Limit) -> ShapeBuilder {
        self.max_desktop_per_user = limit;
        self
    }

    /// The strategy ([`Strategy::Average`] unless set).
    pub const fn strategy(mut self, strategy: Strategy) -> ShapeBuilder {
        self.strategy = strategy;
        self
    }

    /// The shape.
    pub const fn build(self) -> Shape {
        Shape::new(
            self.desktops,
            self.users,
            self.max_user_per_desktop,
            self.max_desktop_per_user,
            self.strategy,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn limit(v: u32) -> Limit {
        Limit::new(v).unwrap()
    }

    #[test]
    fn the_builder_sets_each_value_by_name() {
        assert_eq!(
            Shape::builder().build(),
            Shape::new(0, 0, Limit::UNLIMITED, Limit::UNLIMITED, Strategy::Average)
        );
        let named = Shape::builder()
            .users(7)
            .strategy(Strategy::Central)
            .max_desktop_per_user(limit(3))
            .desktops(2)
            .max_user_per_desktop(limit(5))
            .build();
        assert_eq!(
            named,
            Shape::new(2, 7, limit(5), limit(3), Strategy::Central)
        );
        assert_eq!((named.desktops(), named.users()), (2, 7));
        assert_ne!(
            named,
            Shape::new(7, 2, limit(5), limit(3), Strategy::Central)
        );
    }

    #[test]
    fn owner_agrees_with_quotas() {
        for strategy in [Strategy::Average, Strategy::Central] {
            for (n, u, k, m) in [
                (3, 2, 1, 0),
                (3, 4, 1, 2),
                (4, 3, 1, 2),
                (3, 5, 2, 0),
                (7, 3, 0, 0),
                (1, 9, 0, 1),
                (5, 0, 0, 0),
            ] {
                let shape = Shape::new(n, u, limit(k), limit(m), strategy);
                let mut t = 0;
                for j in 0..u64::from(u) {
                    for _ in 0..shape.quota(j) {
                        assert_eq!(shape.owner(t), Some(j), "{shape:?} t={t}");
                        t += 1;
                    }
                }
                assert_eq!(t, shape.assignments());
                assert_eq!(shape.owner(t), None);
            }
        }
    }

    #[test]
    fn assignments_do_not_overflow_at_u32_max() {
        let shape = Shape::new(
            u32::MAX,
            u32::MAX,
            Limit::UNLIMITED,
            Limit::UNLIMITED,
            Strategy::Central,
        );
        assert_eq!(
            shape.assignments(),
            u64::from(u32::MAX) * u64::from(u32::MAX)
        );
        assert_eq!(shape.quota(0), u64::from(u32::MAX));
        assert_eq!(
            shape.owner(shape.assignments() - 1),
            Some(u64::from(u32::MAX) - 1)
        );
    }
}
