//! [`Plan::bytes_for`] bounds what [`try_plan_shape`] holds, on shapes where each part of
//! the figure (the pairs, the offsets, the cursors) is the larger one.

use eds_entitlement::{try_plan_shape, Limit, Plan, Shape, Strategy};

use crate::counting::{lock, peak_of};

#[test]
fn a_whole_plan_holds_its_figure_and_no_more() {
    let _guard = lock();
    let shapes = [
        // Many pairs per desktop: the cursors count.
        (3, 20_000, 0, 0, Strategy::Average),
        // Many desktops, one user each: the offsets count.
        (50_000, 7, 1, 0, Strategy::Average),
        // A limit on users: fewer pairs than n·u.
        (1_000, 1_000, 0, 3, Strategy::Central),
        (0, 10, 0, 0, Strategy::Average),
    ];
    for (desktops, users, k, m, strategy) in shapes {
        let shape = Shape::builder()
            .desktops(desktops)
            .users(users)
            .max_user_per_desktop(Limit::new(k).unwrap())
            .max_desktop_per_user(Limit::new(m).unwrap())
            .strategy(strategy)
            .build();
        let (plan, peak) = peak_of(0, || try_plan_shape(&shape));
        let plan = plan.expect("a plan that fits");
        assert_eq!(plan.assignments() as u64, shape.assignments());
        let figure = Plan::bytes_for(&shape);
        assert!(
            peak as u64 <= figure,
            "{shape:?}: peak {peak} > figure {figure}"
        );
        // And not much more: on a 64-bit target, where an offset is 8 bytes, the plan
        // returned alone is the figure without the cursors.
        if cfg!(target_pointer_width = "64") {
            let returned = 4 * shape.assignments() + 8 * (shape.desktops() + 1);
            assert!(
                peak as u64 >= returned,
                "{shape:?}: peak {peak} < {returned}"
            );
        }
    }
}
