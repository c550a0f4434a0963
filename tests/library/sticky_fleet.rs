//! `plan_sticky` against a snapshot (the contract, §7): ineligible desktops, users not in the
//! request, the checker, the change report, idempotence, and a churn bound, on small fleets
//! exhaustively and on larger ones by proptest.

use eds_entitlement::Strategy::{Average, Central};
use eds_entitlement::{
    plan_against, plan_sticky, verify_against, verify_sticky, Changes, CheckedRequest, Fleet,
    FleetPlan, Plan, Request, SnapshotDesktop, Strategy as Rule, UserCaps,
};
use proptest::prelude::*;

use crate::support::arb::{self, Arm::*};

/// A listed desktop's state in a generated snapshot.
#[derive(Clone, Debug)]
enum State {
    Missing,
    Stopped(Vec<usize>),
    Assigning(Vec<usize>),
    Running(Vec<usize>),
}

fn user(j: usize) -> String {
    format!("u{j}")
}

fn request(n: usize, u: usize, k: u32, m: u32, strategy: Rule) -> CheckedRequest {
    Request::new(
        "cn-hangzhou",
        (0..n).map(|i| format!("d{i}")),
        (0..u).map(user),
    )
    .max_user_per_desktop(k)
    .max_desktop_per_user(m)
    .strategy(strategy)
    .check()
    .expect("well-formed")
}

/// The snapshot: users `u{j}` with `j >= u` are not in the request; `x{i}` is a desktop the
/// request does not list.
fn fleet(states: &[State]) -> Fleet {
    let mut fleet = Fleet::new();
    let users = |list: &[usize]| list.iter().map(|&j| user(j)).collect::<Vec<_>>();
    for (i, state) in states.iter().enumerate() {
        let desktop = match state {
            State::Missing => continue,
            State::Stopped(list) => SnapshotDesktop::new("Stopped").end_users(users(list)),
            State::Assigning(list) => SnapshotDesktop::new("Running")
                .flag("Assigning")
                .end_users(users(list)),
            State::Running(list) => SnapshotDesktop::new("Running").end_users(users(list)),
        };
        fleet.insert(format!("d{i}"), desktop).expect("distinct");
    }
    fleet
        .insert("x0", SnapshotDesktop::new("Running").end_users(["u0"]))
        .expect("distinct");
    fleet
}

/// The fleet after the plan is carried out: eligible desktops get their planned users.
fn applied(request: &CheckedRequest, fleet: &Fleet, plan: &FleetPlan) -> Fleet {
    let mut after = Fleet::new();
    for (id, desktop) in fleet.iter() {
        let planned = request
            .desktop_ids()
            .iter()
            .position(|d| d == id)
            .filter(|&i| plan.eligibility()[i].is_eligible());
        let desktop = match planned {
            Some(i) => {
                let users = plan.plan().end_users(i).iter();
                let names = users.map(|&j| request.end_user_ids()[j as usize].to_owned());
                let mut new = SnapshotDesktop::new(desktop.status()).end_users(names);
                for flag in desktop.flags() {
                    new = new.flag(flag.clone());
                }
                new
            }
            None => desktop.clone(),
        };
        after.insert(id, desktop).expect("distinct");
    }
    after
}

/// Everything §7 asks of one plan.
fn check_laws(request: &CheckedRequest, fleet: &Fleet) -> Result<(FleetPlan, Changes), String> {
    let plan = plan_sticky(request, fleet).map_err(|e| e.to_string())?;
    verify_sticky(request, fleet, &plan).map_err(|e| format!("verify: {e}"))?;
    // §6.1 for both: AVERAGE plans are canonical-valid, and no plan keeps fewer pairs than
    // the canonical one, whoever keeps ineligible desktops.
    if request.strategy() == Average {
        verify_against(request, fleet, &plan).map_err(|e| format!("verify_against: {e}"))?;
    }
    let changes = Changes::new(request, fleet, &plan);
    let canonical = plan_against(request, fleet).map_err(|e| e.to_string())?;
    let canonical = Changes::new(request, fleet, &canonical);
    if changes.pairs_kept < canonical.pairs_kept {
        return Err(format!(
            "kept {} < canonical {}",
            changes.pairs_kept, canonical.pairs_kept
        ));
    }
    if plan_sticky(request, fleet).map_err(|e| e.to_string())? != plan {
        return Err("not deterministic".into());
    }
    let after = applied(request, fleet, &plan);
    let again = plan_sticky(request, &after).map_err(|e| e.to_string())?;
    let replanned = Changes::new(request, &after, &again);
    if replanned.pairs_added != 0 || replanned.pairs_removed != 0 {
        return Err(format!("not idempotent: {replanned:?}"));
    }
    Ok((plan, changes))
}

fn state(rng: &mut u64, u: usize, density: u64) -> State {
    let mut next = || {
        *rng = rng
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        *rng >> 33
    };
    let mut users = vec![];
    for j in 0..u + 2 {
        if next() % 8 < density {
            users.push(j);
        }
    }
    users.reverse();
    match next() % 10 {
        0 => State::Missing,
        1 => State::Stopped(users),
        2 => State::Assigning(users),
        _ => State::Running(users),
    }
}

#[test]
fn small_fleets_meet_every_law() {
    let mut rng = 11u64;
    for strategy in [Average, Central] {
        for n in 1..=6 {
            for u in 0..=6 {
                for k in [0, 1, 2, 3, 500] {
                    for m in [0, 1, 2, 3, 500] {
                        for density in [1, 5] {
                            let states: Vec<State> =
                                (0..n).map(|_| state(&mut rng, u, density)).collect();
                            let request = request(n, u, k, m, strategy);
                            let fleet = fleet(&states);
                            if let Err(e) = check_laws(&request, &fleet) {
                                panic!("{strategy:?} n={n} u={u} k={k} m={m} {states:?}: {e}");
                            }
                        }
                    }
                }
            }
        }
    }
}

#[test]
fn ineligible_desktops_keep_their_users_and_count_as_kept() {
    let request = request(3, 2, 1, 0, Average);
    let fleet = fleet(&[
        State::Stopped(vec![0]),
        State::Running(vec![1]),
        State::Running(vec![3]),
    ]);
    let (plan, changes) = check_laws(&request, &fleet).unwrap();
    assert_eq!(plan.plan().end_users(0), &[] as &[u32]);
    assert_eq!(plan.plan().end_users(1), &[1]);
    // u0's pair on the stopped desktop is kept as no plan changes it; u1 keeps d1.
    assert_eq!(changes.pairs_kept, 2);
}

fn arb_states(n: usize, u: usize) -> impl Strategy<Value = Vec<State>> {
    let one = (0..10u8, proptest::collection::vec(0..u + 3, 0..6)).prop_map(|(kind, mut users)| {
        users.sort_unstable();
        users.dedup();
        match kind {
            0 => State::Missing,
            1 => State::Stopped(users),
            2 => State::Assigning(users),
            _ => State::Running(users),
        }
    });
    proptest::collection::vec(one, n)
}

fn arb_limit() -> impl Strategy<Value = u32> {
    arb::limit_value(&[Is(0), In(1..4), Is(500)])
}

/// A request of up to 39 desktops and 39 users, any limits and either strategy, and a
/// fleet of those desktops in any state.
fn arb_case() -> impl Strategy<Value = (CheckedRequest, Fleet)> {
    let lists =
        (1..40usize, 0..40usize).prop_flat_map(|(n, u)| (Just(n), Just(u), arb_states(n, u)));
    (lists, arb_limit(), arb_limit(), any::<bool>()).prop_map(|((n, u, states), k, m, central)| {
        let strategy = if central { Central } else { Average };
        (request(n, u, k, m, strategy), fleet(&states))
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn sticky_plans_verify_keep_at_least_the_canonical_and_are_idempotent(
        (request, fleet) in arb_case(),
    ) {
        if let Err(e) = check_laws(&request, &fleet) {
            return Err(TestCaseError::fail(e));
        }
    }

    /// The churn theorem of `plan_sticky_shape`'s documentation: the eligible desktops hold
    /// exactly an `AVERAGE` plan `P` of `T` pairs (here one `plan_sticky` made against a random
    /// snapshot and carried out), and a user who holds no eligible desktop joins the request
    /// at any place (`T'` pairs). The sticky plan then adds exactly `⌊T'/(u+1)⌋` pairs and
    /// removes exactly `T − T' + ⌊T'/(u+1)⌋` (`n` counting the eligible desktops).
    #[test]
    fn one_new_user_moves_exactly_its_share(
        (n, u, states) in (1..40usize, 0..40usize)
            .prop_flat_map(|(n, u)| (Just(n), Just(u), arb_states(n, u))),
        k in arb_limit(), m in arb_limit(), place in any::<prop::sample::Index>(),
    ) {
        // The theorem is about users who keep nothing the call cannot change (every
        // `h_j = 0`): the ineligible desktops here hold nobody.
        let states: Vec<State> = states
            .into_iter()
            .map(|s| match s {
                State::Stopped(_) => State::Stopped(vec![]),
                State::Assigning(_) => State::Assigning(vec![]),
                other => other,
            })
            .collect();
        let before = request(n, u, k, m, Average);
        let fleet = fleet(&states);
        let plan = plan_sticky(&before, &fleet).unwrap();
        let held = applied(&before, &fleet, &plan);
        let mut users: Vec<String> = (0..u).map(user).collect();
        users.insert(place.index(u + 1), "joiner".into());
        let after = Request::new("cn-hangzhou", (0..n).map(|i| format!("d{i}")), users)
            .max_user_per_desktop(k)
            .max_desktop_per_user(m)
            .check()
            .expect("well-formed");
        let replanned = plan_sticky(&after, &held).unwrap();
        let changes = Changes::new(&after, &held, &replanned);
        let shape = |users: usize| {
            eds_entitlement::Shape::new(
                plan.eligible() as u32, users as u32, after.max_user_per_desktop(),
                after.max_desktop_per_user(), Average,
            )
            .assignments()
        };
        let (t, t2) = (shape(u), shape(u + 1));
        let share = t2 / (u as u64 + 1);
        prop_assert_eq!(changes.pairs_added, share, "{:?}", changes);
        prop_assert_eq!(changes.pairs_removed, t + share - t2, "{:?}", changes);
    }
}

/// `plan_sticky` computed the plain way: each listed desktop and each of its snapshot users
/// looked up by a linear search, then [`plan_sticky_shape`] over the eligible desktops. The
/// crate looks them up in bulk (each desktop once); the plan must be the same.
fn sticky_by_linear_lookups(request: &CheckedRequest, fleet: &Fleet) -> Vec<Vec<u32>> {
    let found: Vec<Option<&SnapshotDesktop>> = request
        .desktop_ids()
        .iter()
        .map(|id| fleet.iter().find(|(i, _)| *i == id).map(|(_, d)| d))
        .collect();
    let eligible: Vec<bool> = found
        .iter()
        .map(|d| d.is_some_and(|d| d.eligibility().is_eligible()))
        .collect();
    let existing: Vec<Vec<u32>> = found
        .iter()
        .zip(&eligible)
        .filter(|(_, &e)| e)
        .map(|(d, _)| {
            d.unwrap()
                .end_user_ids()
                .iter()
                .filter_map(|id| request.end_user_ids().position(id).map(|j| j as u32))
                .collect()
        })
        .collect();
    // §6.1: each user's ineligible listed desktops, counted by linear search.
    let held: Vec<u32> = request
        .end_user_ids()
        .iter()
        .map(|id| {
            found
                .iter()
                .zip(&eligible)
                .filter(|(d, &e)| !e && d.is_some_and(|d| d.end_user_ids().iter().any(|x| x == id)))
                .count() as u32
        })
        .collect();
    let caps = UserCaps::from_held(
        held,
        existing.len() as u32,
        request.max_user_per_desktop(),
        request.max_desktop_per_user(),
    );
    let planned =
        eds_entitlement::plan_sticky_caps(&caps, request.strategy(), &Plan::from_lists(existing));
    let mut rows = planned.iter();
    eligible
        .iter()
        .map(|&e| {
            if e {
                rows.next().unwrap().to_vec()
            } else {
                Vec::new()
            }
        })
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn bulk_lookups_plan_as_linear_lookups_do(
        (request, fleet) in arb_case(),
    ) {
        let plan = plan_sticky(&request, &fleet).unwrap();
        let rows: Vec<Vec<u32>> = plan.plan().iter().map(<[u32]>::to_vec).collect();
        prop_assert_eq!(rows, sticky_by_linear_lookups(&request, &fleet));
    }
}
