//! The fast planner against the contract's §2 dealing, written the obvious way.

use eds_entitlement::Strategy::{Average, Central};
use eds_entitlement::{plan_shape, Limit, Plan, Shape};
use proptest::prelude::*;

use crate::support::arb::{self, Arm::*};

/// The contract (`docs/contract.md`), §2 word for word: user `j` takes the next `q_j` positions, position `p` going to
/// desktop `p mod n`.
fn dealt(shape: &Shape) -> Plan {
    let n = shape.desktops();
    let mut lists = vec![Vec::new(); n as usize];
    let mut p = 0;
    for j in 0..shape.users() {
        for _ in 0..shape.quota(j) {
            lists[(p % n) as usize].push(j as u32);
            p += 1;
        }
    }
    Plan::from_lists(lists)
}

fn limit() -> impl Strategy<Value = Limit> {
    arb::limit(&[Is(0), Is(1), In(2..6), In(6..500)])
}

proptest! {
    #[test]
    fn plan_is_the_dealing_of_spec_2(
        n in 1..120u32, u in 0..120u32, k in limit(), m in limit(), central in any::<bool>(),
    ) {
        let shape = Shape::new(n, u, k, m, if central { Central } else { Average });
        prop_assert_eq!(plan_shape(&shape), dealt(&shape), "{:?}", shape);
    }
}

#[test]
fn no_desktop_no_plan() {
    let shape = Shape::new(0, 5, Limit::UNLIMITED, Limit::UNLIMITED, Average);
    assert_eq!(plan_shape(&shape), Plan::from_lists(Vec::<Vec<u32>>::new()));
}
