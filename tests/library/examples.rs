//! Every worked example of `docs/contract.md`, §2, exactly: `T`, the quotas and the plan.

use crate::support;

use eds_entitlement::{plan, verify, Strategy};
use support::{reference_plan, render, request, user_counts};

use Strategy::{Average as AVERAGE, Central as CENTRAL};

/// One row of the contract's §2 table.
fn example(
    (n, u, k, m, strategy): (usize, usize, u32, u32, Strategy),
    total: usize,
    quotas: &[usize],
    expected: &str,
) {
    let request = request(n, u, k, m, strategy);
    let plan = plan(&request);
    assert_eq!(plan.assignments(), total, "T");
    assert_eq!(
        request.shape().assignments(),
        total as u64,
        "T by the shape"
    );
    assert_eq!(user_counts(&plan, u), quotas, "quotas counted on the plan");
    let shape_quotas: Vec<usize> = (0..u as u64)
        .map(|j| request.shape().quota(j) as usize)
        .collect();
    assert_eq!(shape_quotas, quotas, "quotas by the shape");
    assert_eq!(render(&request, &plan), expected);
    assert_eq!(plan, reference_plan(&request));
    assert_eq!(verify(&request, &plan), Ok(()));
}

#[test]
fn three_desktops_two_users_one_per_desktop_average() {
    example((3, 2, 1, 0, AVERAGE), 3, &[2, 1], "d1:[A] d2:[A] d3:[B]");
}

#[test]
fn three_desktops_two_users_one_per_desktop_central() {
    example((3, 2, 1, 0, CENTRAL), 3, &[3, 0], "d1:[A] d2:[A] d3:[A]");
}

#[test]
fn three_desktops_four_users_two_each_average() {
    example(
        (3, 4, 1, 2, AVERAGE),
        3,
        &[1, 1, 1, 0],
        "d1:[A] d2:[B] d3:[C]",
    );
}

#[test]
fn three_desktops_four_users_two_each_central() {
    example(
        (3, 4, 1, 2, CENTRAL),
        3,
        &[2, 1, 0, 0],
        "d1:[A] d2:[A] d3:[B]",
    );
}

#[test]
fn four_desktops_three_users_two_each_average() {
    example(
        (4, 3, 1, 2, AVERAGE),
        4,
        &[2, 1, 1],
        "d1:[A] d2:[A] d3:[B] d4:[C]",
    );
}

#[test]
fn four_desktops_three_users_two_each_central() {
    example(
        (4, 3, 1, 2, CENTRAL),
        4,
        &[2, 2, 0],
        "d1:[A] d2:[A] d3:[B] d4:[B]",
    );
}

#[test]
fn two_desktops_three_users_two_per_desktop_one_each() {
    example((2, 3, 2, 1, AVERAGE), 3, &[1, 1, 1], "d1:[A,C] d2:[B]");
}

#[test]
fn three_desktops_five_users_two_per_desktop_average() {
    example(
        (3, 5, 2, 0, AVERAGE),
        6,
        &[2, 1, 1, 1, 1],
        "d1:[A,C] d2:[A,D] d3:[B,E]",
    );
}

#[test]
fn three_desktops_five_users_two_per_desktop_central() {
    example(
        (3, 5, 2, 0, CENTRAL),
        6,
        &[3, 3, 0, 0, 0],
        "d1:[A,B] d2:[A,B] d3:[A,B]",
    );
}

#[test]
fn two_desktops_two_users_no_limits() {
    example((2, 2, 0, 0, AVERAGE), 4, &[2, 2], "d1:[A,B] d2:[A,B]");
}

#[test]
fn no_users_leaves_every_desktop_empty() {
    example((3, 0, 1, 0, AVERAGE), 0, &[], "d1:[] d2:[] d3:[]");
    example((3, 0, 0, 0, CENTRAL), 0, &[], "d1:[] d2:[] d3:[]");
}

#[test]
fn a_plan_too_large_for_memory_is_an_error_not_an_abort() {
    use eds_entitlement::{try_plan, try_plan_shape, Error, Limit, Shape};
    let huge = Shape::new(
        u32::MAX,
        u32::MAX,
        Limit::UNLIMITED,
        Limit::UNLIMITED,
        AVERAGE,
    );
    let error = try_plan_shape(&huge).unwrap_err();
    assert!(
        matches!(
            error,
            Error::PlanTooLarge { desktops, assignments, .. }
                if desktops == u64::from(u32::MAX)
                    && assignments == u64::from(u32::MAX) * u64::from(u32::MAX)
        ),
        "{error:?}"
    );
    assert_eq!(
        error.to_string(),
        "the plan of 4294967295 desktops and 18446744065119617025 (desktop, user) pairs does not \
         fit in memory: set MaxUserPerDesktop or MaxDesktopPerUser, or plan fewer desktops or users"
    );
    // A plan that fits is the plan.
    let request = request(3, 5, 2, 0, CENTRAL);
    assert_eq!(try_plan(&request), Ok(plan(&request)));
}

#[test]
fn end_users_of_no_such_desktop_is_empty() {
    let plan = plan(&request(2, 1, 0, 0, AVERAGE));
    assert_eq!(plan.end_users(1), &[0]);
    assert_eq!(plan.end_users(2), &[] as &[u32]);
    assert_eq!(plan.end_users(usize::MAX), &[] as &[u32]);
}
