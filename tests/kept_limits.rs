//! The contract's §6.1 on random fleets built in code: the limits hold on what users will
//! have after the call (the pairs kept on ineligible listed desktops counted); the plan is
//! the naive reference of §6.1, and with every `h_j = 0` the old rule (§2 over the eligible
//! desktops); `AVERAGE` levels what users will have and `CENTRAL` fills users to their caps
//! in request order; `verify_against` accepts `plan_against`'s plans and rejects mutated
//! ones; the change report counts users over the limit; a desktop built with a user named
//! twice keeps the totals consistent; `UserCaps` with nobody keeping a desktop is `Shape`.

mod support;

use eds_entitlement::{
    capacity, plan_against, verify_against, Changes, CheckedRequest, Eligibility, Fleet, FleetPlan,
    Limit, Plan, Request, Shape, SnapshotDesktop, Strategy, UserCaps, Violation,
};
use proptest::prelude::*;
use proptest::strategy::Strategy as Gen;

/// A listed desktop's state in a generated snapshot.
#[derive(Clone, Debug)]
enum State {
    Missing,
    Running(Vec<usize>),
    Stopped(Vec<usize>),
    Assigning(Vec<usize>),
}

/// User `j` of a case: the request's for `j < u`, else a former user it does not list.
fn name(j: usize, u: usize) -> String {
    if j < u {
        support::user_name(j)
    } else {
        format!("former-{}", j - u)
    }
}

fn fleet(states: &[State], u: usize) -> Fleet {
    let mut fleet = Fleet::new();
    // Unlisted desktops hold users too; they are outside the call and never count.
    fleet
        .insert(
            "unlisted",
            SnapshotDesktop::new("Stopped").end_users((0..u).map(support::user_name)),
        )
        .unwrap();
    for (i, state) in states.iter().enumerate() {
        let (desktop, users) = match state {
            State::Missing => continue,
            State::Running(users) => (SnapshotDesktop::new("Running"), users),
            State::Stopped(users) => (SnapshotDesktop::new("Stopped"), users),
            State::Assigning(users) => (SnapshotDesktop::new("Running").flag("Assigning"), users),
        };
        let desktop = desktop.end_users(users.iter().map(|&j| name(j, u)));
        fleet.insert(format!("d{}", i + 1), desktop).unwrap();
    }
    fleet
}

fn request(n: usize, u: usize, k: u32, m: u32, central: bool) -> CheckedRequest {
    let strategy = if central {
        Strategy::Central
    } else {
        Strategy::Average
    };
    support::request(n, u, k, m, strategy)
}

fn eligible(state: &State) -> bool {
    matches!(state, State::Running(_))
}

/// `h_j`, the naive way: the ineligible listed desktops holding listed user `j`.
fn naive_held(states: &[State], u: usize) -> Vec<usize> {
    (0..u)
        .map(|j| {
            states
                .iter()
                .filter(|s| match s {
                    State::Stopped(users) | State::Assigning(users) => users.contains(&j),
                    _ => false,
                })
                .count()
        })
        .collect()
}

fn arb_case() -> impl Gen<Value = (Vec<State>, usize, u32, u32, bool)> {
    (1..14usize, 0..9usize).prop_flat_map(|(n, u)| {
        let users = proptest::collection::btree_set(0..u + 2, 0..5)
            .prop_map(|set| set.into_iter().collect::<Vec<_>>());
        let state = (0..10u8, users).prop_map(|(kind, users)| match kind {
            0 => State::Missing,
            1 | 2 => State::Stopped(users),
            3 => State::Assigning(users),
            _ => State::Running(users),
        });
        (
            proptest::collection::vec(state, n),
            Just(u),
            prop_oneof![Just(0u32), 1..4u32],
            prop_oneof![Just(0u32), 1..4u32, Just(500)],
            any::<bool>(),
        )
    })
}

/// Each listed user's planned count over the eligible desktops.
fn counts(plan: &FleetPlan, u: usize) -> Vec<usize> {
    let mut counts = vec![0; u];
    for (row, e) in plan.plan().iter().zip(plan.eligibility()) {
        if e.is_eligible() {
            for &j in row {
                counts[j as usize] += 1;
            }
        }
    }
    counts
}

/// The request of the eligible desktops only, with the same users and limits.
fn eligible_request(request: &CheckedRequest, states: &[State]) -> Option<CheckedRequest> {
    let ids: Vec<&str> = request
        .desktop_ids()
        .iter()
        .zip(states)
        .filter(|(_, s)| eligible(s))
        .map(|(id, _)| id)
        .collect();
    if ids.is_empty() {
        return None;
    }
    Some(
        Request::new("cn-hangzhou", ids, request.end_user_ids())
            .max_user_per_desktop(request.max_user_per_desktop().to_wire())
            .max_desktop_per_user(request.max_desktop_per_user().to_wire())
            .strategy(request.strategy())
            .check()
            .unwrap(),
    )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn the_limits_hold_on_what_users_will_have((states, u, k, m, central) in arb_case()) {
        let request = request(states.len(), u, k, m, central);
        let fleet = fleet(&states, u);
        let planned = plan_against(&request, &fleet).unwrap();
        let held = naive_held(&states, u);
        let q = counts(&planned, u);
        // After the call: the plan's rows on eligible desktops, the snapshot's elsewhere.
        let mut after = vec![0usize; u];
        for (i, state) in states.iter().enumerate() {
            match state {
                State::Running(_) => {
                    let row = planned.plan().end_users(i);
                    if k > 0 {
                        prop_assert!(row.len() <= k as usize);
                    }
                    for &j in row {
                        after[j as usize] += 1;
                    }
                }
                State::Stopped(users) | State::Assigning(users) => {
                    prop_assert!(planned.plan().end_users(i).is_empty());
                    for &j in users.iter().filter(|&&j| j < u) {
                        after[j] += 1;
                    }
                }
                State::Missing => {}
            }
        }
        for j in 0..u {
            prop_assert_eq!(after[j], held[j] + q[j]);
            if m > 0 {
                // Within the limit, or given nothing (then over it on kept desktops alone,
                // or not).
                prop_assert!(after[j] <= m as usize || q[j] == 0, "user {} after {} m {}", j, after[j], m);
            }
        }
        prop_assert_eq!(verify_against(&request, &fleet, &planned), Ok(()));
    }

    #[test]
    fn the_plan_is_the_naive_reference_and_the_old_rule_without_kept_desktops(
        (states, u, k, m, central) in arb_case(),
    ) {
        let request = request(states.len(), u, k, m, central);
        let fleet = fleet(&states, u);
        let planned = plan_against(&request, &fleet).unwrap();
        let held = naive_held(&states, u);
        let Some(sub) = eligible_request(&request, &states) else {
            prop_assert_eq!(planned.plan().assignments(), 0);
            return Ok(());
        };
        let rows = Plan::from_lists(
            planned
                .plan()
                .iter()
                .zip(&states)
                .filter(|(_, s)| eligible(s))
                .map(|(row, _)| row.to_vec()),
        );
        prop_assert_eq!(&rows, &support::reference_held_plan(&sub, &held));
        if held.iter().all(|&h| h == 0) {
            prop_assert_eq!(&rows, &support::reference_plan(&sub));
        }
        let caps = UserCaps::new(&request, &fleet, planned.eligibility());
        prop_assert_eq!(
            (0..u).map(|j| caps.held(j) as usize).collect::<Vec<_>>(),
            held
        );
    }

    #[test]
    fn average_levels_and_central_fills((states, u, k, m, central) in arb_case()) {
        let request = request(states.len(), u, k, m, central);
        let fleet = fleet(&states, u);
        let planned = plan_against(&request, &fleet).unwrap();
        let caps = UserCaps::new(&request, &fleet, planned.eligibility());
        let q: Vec<u64> = counts(&planned, u).into_iter().map(|c| c as u64).collect();
        prop_assert_eq!(q.iter().sum::<u64>(), caps.total());
        prop_assert_eq!(&q, &caps.quotas(request.strategy()));
        let will = |j: usize| caps.held(j) + q[j];
        if central {
            // A prefix filled to the caps, one user p with q_p ≤ c_p, none after.
            let p = (0..u).find(|&j| q[j] < caps.cap(j)).unwrap_or(u);
            prop_assert!((p + 1..u).all(|j| q[j] == 0), "{:?}", q);
        } else {
            for i in 0..u {
                for j in 0..u {
                    if will(i) + 1 < will(j) {
                        prop_assert!(q[i] == caps.cap(i) || q[j] == 0, "{} {} {:?}", i, j, q);
                    }
                }
                // The level: nobody with room is below it, nobody given any is above L + 1.
                if q[i] < caps.cap(i) {
                    prop_assert!(will(i) >= caps.level());
                }
                if q[i] > 0 {
                    prop_assert!(will(i) <= caps.level() + 1);
                }
            }
        }
    }

    #[test]
    fn verify_against_rejects_mutated_plans(
        (states, u, k, m, central) in arb_case(),
        pick in any::<prop::sample::Index>(),
    ) {
        let request = request(states.len(), u, k, m, central);
        let fleet = fleet(&states, u);
        let planned = plan_against(&request, &fleet).unwrap();
        let rows: Vec<Vec<u32>> = planned.plan().iter().map(<[u32]>::to_vec).collect();
        let with = |rows: Vec<Vec<u32>>| FleetPlan::new(Plan::from_lists(rows), planned.eligibility().to_vec());
        let pairs: Vec<(usize, usize)> = rows
            .iter()
            .enumerate()
            .flat_map(|(i, row)| (0..row.len()).map(move |s| (i, s)))
            .collect();
        // A pair dropped: one short of T.
        if !pairs.is_empty() {
            let (i, s) = pairs[pick.index(pairs.len())];
            let mut dropped = rows.clone();
            dropped[i].remove(s);
            prop_assert!(verify_against(&request, &fleet, &with(dropped)).is_err());
        }
        // An ineligible desktop given a user.
        if u > 0 {
            if let Some(i) = states.iter().position(|s| !eligible(s)) {
                let mut changed = rows.clone();
                changed[i] = vec![0];
                let broken = verify_against(&request, &fleet, &with(changed)).unwrap_err();
                let is_ineligible_changed = matches!(broken, Violation::IneligibleChanged { .. });
                prop_assert!(is_ineligible_changed);
            }
        }
        // A desktop given to a user at the limit on kept desktops alone.
        let caps = UserCaps::new(&request, &fleet, planned.eligibility());
        let at_limit = (0..u).find(|&j| caps.is_at_limit(j));
        let swap = pairs.iter().find(|&&(i, s)| {
            at_limit.is_some_and(|j| !rows[i].contains(&(j as u32)) && rows[i][s] != j as u32)
        });
        if let (Some(j), Some(&(i, s))) = (at_limit, swap) {
            let mut moved = rows.clone();
            moved[i][s] = j as u32;
            moved[i].sort_unstable();
            prop_assert!(verify_against(&request, &fleet, &with(moved)).is_err());
        }
    }

    #[test]
    fn the_change_report_counts_users_over_the_limit((states, u, k, m, central) in arb_case()) {
        let request = request(states.len(), u, k, m, central);
        let fleet = fleet(&states, u);
        let planned = plan_against(&request, &fleet).unwrap();
        let held = naive_held(&states, u);
        let over: Vec<(String, u64)> = (0..u)
            .filter(|&j| m > 0 && held[j] > m as usize)
            .map(|j| (support::user_name(j), held[j] as u64))
            .collect();
        let named: Vec<(String, u64)> = Changes::users_over_limit_ids(&request, &fleet, &planned)
            .into_iter()
            .map(|(id, h)| (id.to_owned(), h))
            .collect();
        prop_assert_eq!(&named, &over);
        let changes = Changes::new(&request, &fleet, &planned);
        prop_assert_eq!(changes.users_over_limit, over.len() as u64);
        let caps = UserCaps::new(&request, &fleet, planned.eligibility());
        prop_assert_eq!(caps.users_over_limit().count(), over.len());
        // Users over the limit are given nothing.
        let q = counts(&planned, u);
        for j in caps.users_over_limit() {
            prop_assert_eq!(q[j], 0);
        }
    }

    /// The capacity figures under the caps are those counted on the plan; with nobody
    /// keeping a desktop they are §5's.
    #[test]
    fn capacity_figures_are_counted_on_the_plan((states, u, k, m, central) in arb_case()) {
        let request = request(states.len(), u, k, m, central);
        let fleet = fleet(&states, u);
        let planned = plan_against(&request, &fleet).unwrap();
        let caps = UserCaps::new(&request, &fleet, planned.eligibility());
        let figures = caps.capacity(request.strategy());
        let loads: Vec<u64> = planned
            .plan()
            .iter()
            .zip(planned.eligibility())
            .filter(|(_, e)| e.is_eligible())
            .map(|(row, _)| row.len() as u64)
            .collect();
        let q: Vec<u64> = counts(&planned, u).into_iter().map(|c| c as u64).collect();
        prop_assert_eq!(figures.desktops, loads.len() as u64);
        prop_assert_eq!(figures.users, u as u64);
        prop_assert_eq!(figures.assignments, loads.iter().sum::<u64>());
        prop_assert_eq!(figures.desktops_used, loads.iter().filter(|&&l| l > 0).count() as u64);
        prop_assert_eq!(figures.desktops_idle, loads.iter().filter(|&&l| l == 0).count() as u64);
        prop_assert_eq!(figures.min_users_per_desktop, loads.iter().copied().min().unwrap_or(0));
        prop_assert_eq!(figures.max_users_per_desktop, loads.iter().copied().max().unwrap_or(0));
        prop_assert_eq!(figures.min_desktops_per_user, q.iter().copied().min().unwrap_or(0));
        prop_assert_eq!(figures.max_desktops_per_user, q.iter().copied().max().unwrap_or(0));
        let held = naive_held(&states, u);
        let at_limit: Vec<bool> = (0..u).map(|j| m > 0 && held[j] >= m as usize).collect();
        let open = |j: usize| !at_limit[j];
        prop_assert_eq!(caps.users_at_limit(), at_limit.iter().filter(|&&a| a).count() as u64);
        prop_assert_eq!(figures.users_unserved, (0..u).filter(|&j| open(j) && q[j] == 0).count() as u64);
        prop_assert_eq!(figures.users_full, (0..u).filter(|&j| open(j) && q[j] > 0 && q[j] == caps.cap(j)).count() as u64);
        prop_assert_eq!(figures.users_partial, (0..u).filter(|&j| open(j) && q[j] > 0 && q[j] < caps.cap(j)).count() as u64);
        if !caps.any_held() {
            prop_assert_eq!(figures, capacity(&caps.shape(request.strategy())));
        }
    }

    /// `UserCaps` with every `h_j = 0` is `Shape`: the same `T` and quotas, for counts up
    /// to `u32::MAX` (the quotas compared over the first users and the last).
    #[test]
    fn without_kept_desktops_caps_are_the_shape(
        n in prop_oneof![0u32..50, any::<u32>()],
        u in 0usize..300,
        k in 0u32..=500,
        m in 0u32..=500,
        central in any::<bool>(),
    ) {
        let (k, m) = (Limit::new(k).unwrap(), Limit::new(m).unwrap());
        let strategy = if central { Strategy::Central } else { Strategy::Average };
        let shape = Shape::new(n, u as u32, k, m, strategy);
        let caps = UserCaps::from_held(vec![0; u], n, k, m);
        prop_assert!(!caps.any_held());
        prop_assert_eq!(caps.total(), shape.assignments());
        prop_assert_eq!(caps.shape(strategy), shape);
        let quotas = caps.quotas(strategy);
        for (j, &q) in quotas.iter().enumerate() {
            prop_assert_eq!(q, shape.quota(j as u64));
            prop_assert_eq!(caps.cap(j), shape.desktops_per_user_cap());
        }
    }
}

#[test]
fn the_smallest_case_gives_the_running_desktop_to_bob() {
    let request = Request::new("cn-hangzhou", ["ecd-1", "ecd-2"], ["Alice", "Bob"])
        .max_user_per_desktop(1)
        .max_desktop_per_user(1)
        .check()
        .unwrap();
    let mut fleet = Fleet::new();
    let stopped = SnapshotDesktop::new("Stopped").end_users(["Alice"]);
    fleet.insert("ecd-1", stopped).unwrap();
    fleet
        .insert("ecd-2", SnapshotDesktop::new("Running"))
        .unwrap();
    for strategy in [Strategy::Average, Strategy::Central] {
        let request = request.clone().with_strategy(strategy);
        let planned = plan_against(&request, &fleet).unwrap();
        assert_eq!(
            planned.eligibility(),
            [Eligibility::NotRunning, Eligibility::Eligible]
        );
        assert_eq!(planned.plan().end_users(1), &[1], "{strategy}");
        assert_eq!(verify_against(&request, &fleet, &planned), Ok(()));
        let changes = Changes::new(&request, &fleet, &planned);
        assert_eq!((changes.pairs_after, changes.users_over_limit), (2, 0));
    }
    // A desktop without an eligibility counts as not eligible, as the response has it.
    let caps = UserCaps::new(&request, &fleet, &[Eligibility::NotRunning]);
    assert_eq!((caps.desktops(), caps.held(0), caps.total()), (0, 1, 0));
}

#[test]
fn a_user_named_twice_on_a_desktop_built_in_code_is_one_user() {
    let request = Request::new("cn-hangzhou", ["ecd-1", "ecd-2"], ["A", "B"])
        .max_user_per_desktop(1)
        .check()
        .unwrap();
    let mut fleet = Fleet::new();
    let twice = SnapshotDesktop::new("Running").end_users(["A", "A", "C", "A"]);
    assert_eq!(twice.end_user_ids(), ["A", "C"]);
    fleet.insert("ecd-1", twice).unwrap();
    let kept = SnapshotDesktop::new("Stopped").end_users(["B", "B"]);
    fleet.insert("ecd-2", kept).unwrap();
    let planned = plan_against(&request, &fleet).unwrap();
    let changes = Changes::new(&request, &fleet, &planned);
    assert_eq!(
        changes.pairs_before,
        changes.pairs_kept + changes.pairs_removed
    );
    assert_eq!(
        changes.pairs_after,
        changes.pairs_kept + changes.pairs_added
    );
    // ecd-1: A kept, C removed; ecd-2 keeps B.
    assert_eq!(
        (
            changes.pairs_before,
            changes.pairs_kept,
            changes.pairs_removed
        ),
        (3, 2, 1)
    );
    assert_eq!(
        UserCaps::new(&request, &fleet, planned.eligibility()).held(1),
        1
    );
}

#[cfg(feature = "serde")]
#[test]
fn the_change_report_refuses_a_plan_that_does_not_fit_its_request() {
    use eds_entitlement::{wire, FleetResponse};

    let request = Request::new("cn-hangzhou", ["ecd-1", "ecd-2"], ["A"])
        .check()
        .unwrap();
    let mut fleet = Fleet::new();
    fleet
        .insert("ecd-1", SnapshotDesktop::new("Running"))
        .unwrap();
    fleet
        .insert("ecd-2", SnapshotDesktop::new("Running"))
        .unwrap();
    let eligible = vec![Eligibility::Eligible; 2];
    let short = FleetPlan::new(Plan::from_lists([vec![0]]), eligible.clone());
    let unknown = FleetPlan::new(Plan::from_lists([vec![0], vec![0, 3]]), eligible);
    for (plan, message) in [
        (short, "the plan has 1 desktops, but the request lists 2"),
        (
            unknown,
            "the plan names user index 3, but the request lists 1 users",
        ),
    ] {
        let mut changes = Vec::new();
        let error =
            wire::write_changes_json(&request, &fleet, &plan, &mut changes, false).unwrap_err();
        assert_eq!(error.kind(), std::io::ErrorKind::InvalidData);
        assert_eq!(error.to_string(), message);
        assert!(changes.is_empty(), "nothing is written");
        // The response's writer says the same.
        let response = FleetResponse::new(&request, &fleet, &plan);
        let error = wire::write_fleet_json(&response, Vec::new(), false).unwrap_err();
        assert_eq!(error.kind(), std::io::ErrorKind::InvalidData);
        assert_eq!(error.to_string(), message);
    }
}
