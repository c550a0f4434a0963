//! The laws of `docs/contract.md`, §2, on arbitrary fleets: the plan passes the checker, has exactly `T`
//! pairs, equals the naive reference planner, and is the same every time. And the checker
//! itself rejects plans corrupted on purpose.

use crate::support;

use eds_entitlement::{plan, verify, CheckedRequest, Plan, Request, Strategy, Violation};
use proptest::prelude::*;
use proptest::strategy::Strategy as Gen;
use support::arb::{self, strategy, Arm::*};
use support::{reference_plan, user_counts};

/// A limit as the tests need them: none (`0`), one, small, larger than most fleets here,
/// and the API's maximum.
fn limit() -> impl Gen<Value = u32> {
    arb::limit_value(&[Is(0), Is(1), In(2..13), In(300..500), Is(500)])
}

/// A checked request of 1..300 desktops and 0..300 users, with IDs that are not in sorted
/// order (so that nothing can lean on their text).
fn fleet() -> impl Gen<Value = CheckedRequest> {
    (
        1usize..300,
        0usize..300,
        limit(),
        limit(),
        strategy(),
        any::<bool>(),
    )
        .prop_map(|(n, u, k, m, strategy, preview)| {
            Request::new(
                "cn-hangzhou",
                (0..n).map(|i| format!("ecd-{:x}", (i * 7919) % 100_003)),
                (0..u).map(|j| format!("user {}", u - j)),
            )
            .max_user_per_desktop(k)
            .max_desktop_per_user(m)
            .strategy(strategy)
            .preview(preview)
            .check()
            .expect("distinct, non-empty IDs")
        })
}

/// Fleets whose loads can be unbalanced and nothing else broken: no `MaxUserPerDesktop`,
/// and `MaxDesktopPerUser` below the number of desktops, so every user is served; and at
/// least 13 users, so that no desktop holds every user: the fullest holds `⌈T/n⌉` users,
/// with `T ≤ 12·u` and `n ≥ 13`, which is below `u` only from `u = 13` (with 2 users and
/// `MaxDesktopPerUser` 7 on 13 desktops, one desktop holds both).
fn unbalanceable() -> impl Gen<Value = CheckedRequest> {
    (13usize..300, 13usize..300, 1u32..=12, strategy())
        .prop_map(|(n, u, m, strategy)| support::request(n, u, 0, m, strategy))
}

/// Fleets where a cap binds: `MaxUserPerDesktop` below the number of users (`desktops` is
/// true), or `MaxDesktopPerUser` below the number of desktops.
fn capped(desktops: bool) -> impl Gen<Value = CheckedRequest> {
    (13usize..300, 1usize..300, 1u32..=12, limit(), strategy()).prop_map(
        move |(many, any, cap, other, strategy)| {
            if desktops {
                support::request(any, many, cap, other, strategy)
            } else {
                support::request(many, any, other, cap, strategy)
            }
        },
    )
}

fn total(request: &CheckedRequest) -> usize {
    let (n, u) = (request.desktop_ids().len(), request.end_user_ids().len());
    let k = request
        .max_user_per_desktop()
        .get()
        .map_or(u, |k| (k as usize).min(u));
    let m = request
        .max_desktop_per_user()
        .get()
        .map_or(n, |m| (m as usize).min(n));
    (n * k).min(u * m)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn plan_passes_verify(request in fleet()) {
        prop_assert_eq!(verify(&request, &plan(&request)), Ok(()));
    }

    #[test]
    fn plan_has_exactly_t_pairs(request in fleet()) {
        let plan = plan(&request);
        prop_assert_eq!(plan.assignments(), total(&request));
        prop_assert_eq!(plan.iter().map(<[u32]>::len).sum::<usize>(), total(&request));
        prop_assert_eq!(plan.desktops(), request.desktop_ids().len());
    }

    #[test]
    fn plan_equals_reference(request in fleet()) {
        prop_assert_eq!(plan(&request), reference_plan(&request));
    }

    #[test]
    fn plan_is_deterministic(request in fleet()) {
        let again = request.clone().into_request().check().expect("checked once already");
        prop_assert_eq!(plan(&request), plan(&again));
    }

    #[test]
    fn caps_never_exceeded(request in fleet()) {
        let plan = plan(&request);
        if let Some(k) = request.max_user_per_desktop().get() {
            prop_assert!(plan.iter().all(|users| users.len() <= k as usize));
        }
        if let Some(m) = request.max_desktop_per_user().get() {
            let counts = user_counts(&plan, request.end_user_ids().len());
            prop_assert!(counts.iter().all(|&c| c <= m as usize));
        }
    }

    #[test]
    fn desktop_loads_differ_by_at_most_one(request in fleet()) {
        let plan = plan(&request);
        let loads: Vec<usize> = plan.iter().map(<[u32]>::len).collect();
        let (lo, hi) = (loads.iter().min().copied().unwrap_or(0), loads.iter().max().copied().unwrap_or(0));
        prop_assert!(hi - lo <= 1, "loads {:?}", loads);
    }

    #[test]
    fn shape_quotas_match_the_plan(request in fleet()) {
        let plan = plan(&request);
        let shape = request.shape();
        let counts = user_counts(&plan, request.end_user_ids().len());
        for (j, &c) in counts.iter().enumerate() {
            prop_assert_eq!(shape.quota(j as u64), c as u64);
        }
        for (i, users) in plan.iter().enumerate() {
            prop_assert_eq!(shape.desktop_load(i as u64), users.len() as u64);
        }
    }

    #[test]
    fn verify_rejects_a_removed_pair(request in fleet(), pick in any::<prop::sample::Index>()) {
        let mut lists = lists(&plan(&request));
        let full: Vec<usize> = (0..lists.len()).filter(|&i| !lists[i].is_empty()).collect();
        prop_assume!(!full.is_empty());
        let desktop = full[pick.index(full.len())];
        lists[desktop].pop();
        let broken = verify(&request, &Plan::from_lists(lists)).unwrap_err();
        prop_assert_eq!(broken.guarantee(), 4, "{}", broken);
    }

    #[test]
    fn verify_rejects_a_duplicated_pair(request in fleet(), pick in any::<prop::sample::Index>()) {
        let mut lists = lists(&plan(&request));
        let full: Vec<usize> = (0..lists.len()).filter(|&i| !lists[i].is_empty()).collect();
        prop_assume!(!full.is_empty());
        let desktop = full[pick.index(full.len())];
        let user = lists[desktop][0];
        lists[desktop].insert(0, user);
        let broken = verify(&request, &Plan::from_lists(lists)).unwrap_err();
        prop_assert_eq!(broken, Violation::RepeatedPair { desktop, user });
    }

    #[test]
    fn verify_rejects_an_unknown_user(request in fleet(), pick in any::<prop::sample::Index>()) {
        let mut lists = lists(&plan(&request));
        let u = request.end_user_ids().len();
        let desktop = pick.index(lists.len());
        lists[desktop].push(u as u32);
        let broken = verify(&request, &Plan::from_lists(lists)).unwrap_err();
        prop_assert_eq!(broken, Violation::UnknownUser { desktop, user: u as u32, users: u });
    }

    #[test]
    fn verify_rejects_a_desktop_over_its_cap(request in capped(true)) {
        let k = request.max_user_per_desktop().get().unwrap_or_default();
        let mut lists = lists(&plan(&request));
        lists[0] = (0..=k).collect();
        let broken = verify(&request, &Plan::from_lists(lists)).unwrap_err();
        prop_assert_eq!(broken.guarantee(), 2);
    }

    #[test]
    fn verify_rejects_a_user_over_its_cap(request in capped(false)) {
        // Give user 0 every desktop, more than MaxDesktopPerUser allows.
        let mut lists = lists(&plan(&request));
        for list in &mut lists {
            if list.first() != Some(&0) {
                list.insert(0, 0);
            }
        }
        let broken = verify(&request, &Plan::from_lists(lists)).unwrap_err();
        prop_assert_eq!(broken.guarantee(), 2, "{}", broken);
    }

    #[test]
    fn verify_rejects_unbalanced_loads(request in unbalanceable()) {
        // Move a user from some desktop to a desktop with the most users, which lacks it:
        // every user keeps its count, the total stays, no cap is passed (fewer pairs than
        // n·k'), and that desktop now has two more users than the one it took them from.
        let u = request.end_user_ids().len() as u32;
        let mut lists = lists(&plan(&request));
        let hi = (0..lists.len()).max_by_key(|&i| lists[i].len()).unwrap_or(0);
        let (from, user) = (0..lists.len())
            .flat_map(|i| lists[i].iter().map(move |&j| (i, j)))
            .find(|&(_, j)| !lists[hi].contains(&j))
            .expect("a desktop holds a user that the fullest one lacks");
        prop_assert!(user < u);
        lists[from].retain(|&j| j != user);
        lists[hi].push(user);
        lists[hi].sort_unstable();
        let broken = verify(&request, &Plan::from_lists(lists)).unwrap_err();
        prop_assert_eq!(broken.guarantee(), 5, "{}", broken);
    }

    #[test]
    fn verify_rejects_a_missing_desktop(request in fleet()) {
        let mut lists = lists(&plan(&request));
        lists.pop();
        let broken = verify(&request, &Plan::from_lists(lists)).unwrap_err();
        prop_assert_eq!(broken.guarantee(), 1);
    }
}

fn lists(plan: &Plan) -> Vec<Vec<u32>> {
    plan.iter().map(<[u32]>::to_vec).collect()
}

#[test]
fn verify_names_each_guarantee_in_words() {
    // Pinned wording of the checker's messages, one per guarantee.
    let request = support::request(3, 3, 1, 0, Strategy::Average);
    let cases: Vec<(Vec<Vec<u32>>, &str)> = vec![
        (
            vec![vec![0], vec![1]],
            "guarantee 1 broken: the plan has 2 desktops, but the request lists 3",
        ),
        (
            vec![vec![0], vec![1], vec![7]],
            "the plan gives desktop 3 user index 7, but the request lists only 3 users",
        ),
        (
            vec![vec![0, 1], vec![1], vec![2]],
            "guarantee 2 broken: desktop 1 has 2 users, more than MaxUserPerDesktop 1",
        ),
        (
            vec![vec![0], vec![1], vec![]],
            "guarantee 4 broken: the plan has 2 pairs, but the limits allow 3",
        ),
        (
            vec![vec![0], vec![0], vec![0]],
            "guarantee 6 broken: under AVERAGE user 2 has 0 desktops but user 1 has 3",
        ),
    ];
    for (lists, message) in cases {
        assert_eq!(
            verify(&request, &Plan::from_lists(lists))
                .unwrap_err()
                .to_string(),
            message
        );
    }
    let open = support::request(2, 3, 0, 0, Strategy::Average);
    let cases: Vec<(Vec<Vec<u32>>, &str)> = vec![
        (
            vec![vec![0, 0, 1, 2], vec![0, 1, 2]],
            "guarantee 3 broken: desktop 1 lists user 1 twice",
        ),
        (
            vec![vec![1, 0, 2], vec![0, 1, 2]],
            "guarantee 3 broken: desktop 1 lists user 1 after user 2, against the request's order",
        ),
    ];
    for (lists, message) in cases {
        assert_eq!(
            verify(&open, &Plan::from_lists(lists))
                .unwrap_err()
                .to_string(),
            message
        );
    }
    let four = support::request(4, 2, 0, 0, Strategy::Average);
    let lopsided = Plan::from_lists(vec![vec![0, 1], vec![0, 1], vec![0, 1], vec![0, 1]]);
    assert_eq!(verify(&four, &lopsided), Ok(()));
    let two = support::request(2, 4, 0, 1, Strategy::Average);
    let unbalanced = Plan::from_lists(vec![vec![0, 1, 2], vec![3]]);
    assert_eq!(
        verify(&two, &unbalanced).unwrap_err().to_string(),
        "guarantee 5 broken: desktop 2 has 1 users but desktop 1 has 3"
    );
    let central = support::request(4, 3, 1, 2, Strategy::Central);
    let rising = Plan::from_lists(vec![vec![0], vec![1], vec![1], vec![2]]);
    assert_eq!(
        verify(&central, &rising).unwrap_err().to_string(),
        "guarantee 7 broken: under CENTRAL user 2 has 2 desktops, more than the 1 of the user before it"
    );
    let central = support::request(4, 3, 1, 3, Strategy::Central);
    let partial = Plan::from_lists(vec![vec![0], vec![0], vec![1], vec![2]]);
    assert_eq!(
        verify(&central, &partial).unwrap_err().to_string(),
        "guarantee 7 broken: under CENTRAL users 1 and 2 are both partly served (more than 0, fewer than 3 desktops)"
    );
}
