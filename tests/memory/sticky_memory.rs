//! The sticky planner's memory, measured by a counting allocator (as `reader_memory.rs`
//! does): [`plan_sticky`] holds no more than [`plan_sticky_bytes`] says, and when an
//! allocation is refused it returns [`Error::PlanTooLarge`] instead of aborting the
//! process, at every limit tried.
//!
//! The allocator counts every byte allocated in this test binary; while a limit is set it
//! refuses any allocation of [`SMALL`] bytes or more that would go past it. The tests take
//! [`LOCK`] so that no other test of this binary allocates meanwhile.

use crate::counting::*;

use eds_entitlement::{
    plan_sticky, plan_sticky_bytes, CheckedRequest, Error, Fleet, FleetPlan, Request,
    SnapshotDesktop, Strategy,
};

/// `n` desktops and `n` users, `MaxUserPerDesktop` `k` (and under `CENTRAL`
/// `MaxDesktopPerUser` `2k`); the snapshot has each desktop held by `k` users, shifted so
/// that the existing pairs do not form a plan and the engine has paths to find.
fn case(n: usize, k: usize, strategy: Strategy) -> (CheckedRequest, Fleet) {
    let mut fleet = Fleet::new();
    for d in 0..n {
        let users = (0..k).map(|j| format!("user{}", (d * k + j + d / 7) % n));
        fleet
            .insert(
                format!("ecd-{d}"),
                SnapshotDesktop::new("Running").end_users(users),
            )
            .expect("distinct IDs");
    }
    let request = Request::new(
        "cn-hangzhou",
        (0..n).map(|d| format!("ecd-{d}")),
        (0..n).map(|j| format!("user{j}")),
    )
    .max_user_per_desktop(k as u32)
    .max_desktop_per_user(if strategy == Strategy::Central {
        2 * k as u32
    } else {
        0
    })
    .strategy(strategy)
    .check()
    .expect("a valid request");
    (request, fleet)
}

#[test]
fn the_sticky_planner_holds_no_more_than_its_figure() {
    let _guard = lock();
    for strategy in [Strategy::Average, Strategy::Central] {
        let (request, fleet) = case(2000, 10, strategy);
        let (plan, peak) = peak_of(0, || plan_sticky(&request, &fleet));
        assert!(plan.is_ok(), "{strategy:?}: {:?}", plan.err());
        let figure = plan_sticky_bytes(&request, &fleet);
        assert!(
            peak as u64 <= figure,
            "{strategy:?}: peak {peak} > figure {figure}"
        );
    }
}

#[test]
fn the_sticky_planner_refuses_what_it_cannot_have_at_every_limit() {
    let _guard = lock();
    for strategy in [Strategy::Average, Strategy::Central] {
        let (request, fleet) = case(2000, 10, strategy);
        let whole: FleetPlan = plan_sticky(&request, &fleet).expect("no limit");
        let (_, peak) = peak_of(0, || plan_sticky(&request, &fleet));
        let (mut planned, mut refused) = (0, 0);
        // From nothing to past the peak, in 60 steps.
        for step in 0..=60 {
            let room = peak * step / 50;
            match limited(room, || plan_sticky(&request, &fleet)) {
                Ok(plan) => {
                    assert_eq!(plan.plan(), whole.plan(), "{strategy:?} at {room} bytes");
                    planned += 1;
                }
                Err(e) => {
                    assert!(
                        matches!(e, Error::PlanTooLarge { .. }),
                        "{strategy:?} at {room} bytes: {e}"
                    );
                    assert_eq!(
                        e.to_string(),
                        "the plan of 2000 desktops and 20000 (desktop, user) pairs does not \
                         fit in memory: set MaxUserPerDesktop or MaxDesktopPerUser, or plan \
                         fewer desktops or users"
                    );
                    refused += 1;
                }
            }
        }
        assert!(
            planned > 0 && refused > 0,
            "{strategy:?}: {planned} planned, {refused} refused"
        );
    }
}
