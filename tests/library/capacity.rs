//! `capacity` (`docs/contract.md`, §5) against the plan: every figure is the one counted on `plan_shape`'s
//! plan, and the arithmetic holds, without overflow, up to `u32::MAX` desktops and users.

use eds_entitlement::Strategy::{Average, Central};
use eds_entitlement::{capacity, plan_shape, Binding, Capacity, Limit, Shape};
use proptest::prelude::*;

use crate::support::arb::{self, strategy, Arm::*};

/// The figures counted the slow way, on the plan itself.
fn counted(shape: &Shape) -> Capacity {
    let plan = plan_shape(shape);
    let m = shape.desktops_per_user_cap();
    let loads: Vec<u64> = plan.iter().map(|users| users.len() as u64).collect();
    let mut per_user = vec![0u64; shape.users() as usize];
    for users in plan.iter() {
        for &j in users {
            per_user[j as usize] += 1;
        }
    }
    let count = |f: &dyn Fn(u64) -> bool| per_user.iter().filter(|&&q| f(q)).count() as u64;
    // Every figure is overwritten: the struct is non-exhaustive, built only by `capacity`.
    let mut c = capacity(shape);
    c.desktops = loads.len() as u64;
    c.users = per_user.len() as u64;
    c.assignments = plan.assignments() as u64;
    c.users_full = count(&|q| q > 0 && q == m);
    c.users_partial = count(&|q| q > 0 && q < m);
    c.users_unserved = count(&|q| q == 0);
    c.desktops_used = loads.iter().filter(|&&l| l > 0).count() as u64;
    c.desktops_idle = loads.iter().filter(|&&l| l == 0).count() as u64;
    c.min_users_per_desktop = loads.iter().copied().min().unwrap_or(0);
    c.max_users_per_desktop = loads.iter().copied().max().unwrap_or(0);
    c.min_desktops_per_user = per_user.iter().copied().min().unwrap_or(0);
    c.max_desktops_per_user = per_user.iter().copied().max().unwrap_or(0);
    // Not a count on this plan: checked by `desktops_needed_is_the_fewest_that_serve_all`.
    c.desktops_needed = capacity(shape).desktops_needed;
    c
}

/// No limit, 1, small, large, and the API's maximum.
fn limit() -> impl Strategy<Value = Limit> {
    arb::limit(&[Is(0), Is(1), In(2..10), In(10..500), Is(500)])
}

fn any_limit() -> impl Strategy<Value = Limit> {
    arb::limit(&[In(0..501)])
}

/// What each user holds in the plan of `shape`.
fn per_user(shape: &Shape) -> Vec<u64> {
    let mut counts = vec![0u64; shape.users() as usize];
    for users in plan_shape(shape).iter() {
        for &j in users {
            counts[j as usize] += 1;
        }
    }
    counts
}

proptest! {
    #[test]
    fn every_figure_is_counted_on_the_plan(
        n in 0..200u32, u in 0..200u32, k in limit(), m in limit(), s in strategy(),
    ) {
        let shape = Shape::new(n, u, k, m, s);
        prop_assert_eq!(capacity(&shape), counted(&shape), "{:?}", shape);
    }

    #[test]
    fn desktops_needed_is_the_fewest_that_serve_all(
        u in 0..120u32, k in limit(), m in limit(), s in strategy(),
    ) {
        let needed = capacity(&Shape::new(1, u, k, m, s)).desktops_needed;
        // It does not depend on the number of desktops.
        prop_assert_eq!(capacity(&Shape::new(77, u, k, m, s)).desktops_needed, needed);
        if u == 0 {
            prop_assert_eq!(needed, 0);
            return Ok(());
        }
        let want = u64::from(m.get().unwrap_or(1));
        let n = u32::try_from(needed).expect("at most 120·500 desktops");
        let counts = per_user(&Shape::new(n, u, k, m, s));
        match (m.get(), s) {
            // Every user gets exactly MaxDesktopPerUser.
            (Some(_), _) => prop_assert!(counts.iter().all(|&q| q == want), "{:?}", counts),
            // Every user gets at least one.
            (None, Average) => prop_assert!(counts.iter().all(|&q| q >= 1), "{:?}", counts),
            (None, Central) => prop_assert!(counts[0] >= 1),
            (None, other) => panic!("no rule for {other}"),
        }
        // With one desktop fewer, someone gets fewer, whatever the strategy.
        let fewer = per_user(&Shape::new(n - 1, u, k, m, Average));
        prop_assert!(fewer.iter().any(|&q| q < want), "{} desktops: {:?}", n - 1, fewer);
    }

    #[test]
    fn figures_add_up_without_overflow(
        n in any::<u32>(), u in any::<u32>(), k in any_limit(), m in any_limit(), s in strategy(),
    ) {
        let shape = Shape::new(n, u, k, m, s);
        let c = capacity(&shape);
        let (n128, u128_) = (u128::from(n), u128::from(u));
        let k128 = u128::from(k.get().map_or(u, |k| k.min(u)));
        let m128 = u128::from(m.get().map_or(n, |m| m.min(n)));
        prop_assert_eq!(u128::from(c.assignments), (n128 * k128).min(u128_ * m128));
        prop_assert_eq!((c.desktops, c.users), (u64::from(n), u64::from(u)));
        prop_assert_eq!(
            u128::from(c.users_full) + u128::from(c.users_partial) + u128::from(c.users_unserved),
            u128_
        );
        prop_assert_eq!(u128::from(c.desktops_used) + u128::from(c.desktops_idle), n128);
        prop_assert!(c.min_users_per_desktop <= c.max_users_per_desktop);
        prop_assert!(c.max_users_per_desktop - c.min_users_per_desktop <= 1);
        prop_assert!(c.min_desktops_per_user <= c.max_desktops_per_user);
        prop_assert!(u128::from(c.max_users_per_desktop) <= k128);
        prop_assert!(u128::from(c.max_desktops_per_user) <= m128);
        // T lies between the smallest and the largest load times the count, on both sides.
        let t = u128::from(c.assignments);
        prop_assert!(u128::from(c.min_users_per_desktop) * n128 <= t);
        prop_assert!(t <= u128::from(c.max_users_per_desktop) * n128);
        prop_assert!(u128::from(c.min_desktops_per_user) * u128_ <= t);
        prop_assert!(t <= u128::from(c.max_desktops_per_user) * u128_);
        // Full users hold m' each; partial ones fewer; together all of T.
        prop_assert!(u128::from(c.users_full) * m128 <= t);
        prop_assert!(t <= u128::from(c.users_full + c.users_partial) * m128);
        if u > 0 {
            let mm = u128::from(m.get().unwrap_or(1));
            let needed = u128::from(c.desktops_needed);
            prop_assert!(needed >= mm);
            prop_assert!(needed * k128 >= u128_ * mm);
            prop_assert!(needed == mm || (needed - 1) * k128 < u128_ * mm);
        }
        shape.binding(); // must not overflow either
    }
}

#[test]
fn figures_at_u32_max() {
    let max = u64::from(u32::MAX);
    let c = capacity(&Shape::new(
        u32::MAX,
        u32::MAX,
        Limit::UNLIMITED,
        Limit::UNLIMITED,
        Central,
    ));
    assert_eq!(c.assignments, max * max);
    assert_eq!((c.users_full, c.users_unserved), (max, 0));
    assert_eq!(c.min_users_per_desktop, max);
    assert_eq!(c.desktops_needed, 1);
    let c = capacity(&Shape::new(
        1,
        u32::MAX,
        Limit::new(1).unwrap(),
        Limit::new(500).unwrap(),
        Average,
    ));
    assert_eq!(c.desktops_needed, 500 * max);
    assert_eq!((c.users_full, c.users_unserved), (1, max - 1));
}

#[test]
fn binding_names_the_limit_that_holds_the_plan_back() {
    let l = |v| Limit::new(v).unwrap();
    let b = |n, u, k, m| Shape::new(n, u, l(k), l(m), Average).binding();
    assert_eq!(b(3, 2, 1, 0), Binding::MaxUserPerDesktop);
    assert_eq!(b(4, 3, 0, 2), Binding::MaxDesktopPerUser);
    assert_eq!(b(2, 2, 1, 1), Binding::Both);
    assert_eq!(b(2, 2, 0, 0), Binding::Neither);
    assert_eq!(b(2, 2, 5, 9), Binding::Neither);
    assert_eq!(b(5, 0, 1, 1), Binding::Neither);
}
