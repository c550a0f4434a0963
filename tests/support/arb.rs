//! The proptest generators of request parameters that the property tests share: the
//! strategy, and a limit drawn from arms each test names. The tests differ on purpose in the
//! limits they draw (a reference planner of `§2` wants small caps, the capacity figures the
//! API's maximum, sticky re-planning fleets of a few dozen), so each names its arms; the
//! drawing is written once, here.

use std::ops::Range;

use eds_entitlement::{Limit, Strategy as Rule};
use proptest::prelude::*;
use proptest::strategy::Union;

/// One arm of a limit's distribution.
#[derive(Clone, Debug)]
pub(crate) enum Arm {
    /// This value (`0` is no limit).
    Is(u32),
    /// A value of this range, each as likely as the others.
    In(Range<u32>),
}

/// A limit's value (`0` for none): one of `arms`, each arm as likely as the others (as
/// `prop_oneof!` draws), then a value of the arm.
pub(crate) fn limit_value(arms: &[Arm]) -> BoxedStrategy<u32> {
    Union::new(arms.iter().map(|arm| match arm {
        Arm::Is(value) => Just(*value).boxed(),
        Arm::In(range) => range.clone().boxed(),
    }))
    .boxed()
}

/// A [`Limit`] drawn as [`limit_value`] draws its value (every arm within `0..=500`).
pub(crate) fn limit(arms: &[Arm]) -> BoxedStrategy<Limit> {
    limit_value(arms)
        .prop_map(|v| Limit::new(v).expect("0..=500"))
        .boxed()
}

/// `AVERAGE` or `CENTRAL`, as likely.
pub(crate) fn strategy() -> BoxedStrategy<Rule> {
    prop_oneof![Just(Rule::Average), Just(Rule::Central)].boxed()
}
