//! Criterion benches of sticky re-planning (the contract, §7) against the canonical plan:
//!
//! * `sticky/plan_against/<n>` and `sticky/plan_sticky/<n>`: `n` desktops and `n` users,
//!   `MaxUserPerDesktop` 1, `AVERAGE`, against a snapshot holding the previous canonical
//!   plan (desktop `i` has `user<i>`) after 1% of the users were replaced: every hundredth
//!   user left the request and as many new users were appended to it. The canonical plan
//!   deals the shifted list and keeps few pairs; the sticky plan keeps 99% of them.
//!   Both benches take the same input; throughput is in desktops.
//!   `python3 tools/make_churn.py <n> 1 REQUEST SNAPSHOT` writes the same input as files,
//!   for `preview REQUEST --fleet SNAPSHOT [--keep-existing]`.
//!
//! * `sticky/e1/<n>` and `sticky/e2/<n>`: the adversarial families of
//!   `python3 tools/make_sticky_family.py {e1,e2} SIZE REQUEST SNAPSHOT`, `n` desktops,
//!   `--keep-existing` against plain `--fleet` (`…/plan_against/<n>`). `e1`: `AVERAGE`,
//!   `MaxUserPerDesktop` 1, desktops `y_i` held by `p_i` and `q_i`, `x_i` by `p_i` (a limit
//!   of 2 tightened to 1): `n/2` augmenting paths of three pairs, found in one phase. `e2`:
//!   `CENTRAL`, `MaxUserPerDesktop` 1, `MaxDesktopPerUser` `u − 1`, a desktop per pair of
//!   the `u` users held by both: each choice lowers every other user's gain by one.
//!
//! Sizes 10,000 and 100,000 (`e2`: 9,870 and 101,025, from 141 and 450 users);
//! 1,000,000 (10 samples of one run each; churn and `e1` only) only with
//! `EDS_BENCH_1M=1` in the environment: building and checking its input alone takes
//! seconds, too long for CI's `--test` run.
//!
//! The input is built once per size, and only when one of its benches is selected; each
//! bench checks its result inside the timed loop, and the pairs kept are checked once per
//! size. `cargo bench --bench sticky -- --test` runs each once (CI does).

use std::cell::OnceCell;
use std::hint::black_box;

use criterion::measurement::WallTime;
use criterion::{
    criterion_group, criterion_main, BenchmarkGroup, Criterion, SamplingMode, Throughput,
};
use eds_entitlement::{
    plan_against, plan_sticky, Changes, CheckedRequest, Fleet, Request, SnapshotDesktop, Strategy,
};

/// The request and the snapshot of one size: see the module's documentation.
fn churned(n: usize) -> (CheckedRequest, Fleet) {
    let mut fleet = Fleet::new();
    for i in 0..n {
        let desktop = SnapshotDesktop::new("Running").end_users([format!("user{i}")]);
        fleet
            .insert(format!("ecd-{i}"), desktop)
            .expect("distinct IDs");
    }
    let stayed = (0..n).filter(|i| i % 100 != 50).map(|i| format!("user{i}"));
    let joined = (0..n)
        .filter(|i| i % 100 == 50)
        .map(|i| format!("joiner{i}"));
    let request = Request::new(
        "cn-hangzhou",
        (0..n).map(|i| format!("ecd-{i}")),
        stayed.chain(joined),
    )
    .max_user_per_desktop(1)
    .check()
    .expect("a valid request");
    (request, fleet)
}

/// Family `e1` with `n` desktops (`n` even): see the module's documentation.
fn family_e1(n: usize) -> (CheckedRequest, Fleet) {
    let k = n / 2;
    let mut fleet = Fleet::new();
    for i in 0..k {
        let held = SnapshotDesktop::new("Running").end_users([format!("p{i}"), format!("q{i}")]);
        fleet.insert(format!("y{i}"), held).expect("distinct IDs");
    }
    for i in 0..k {
        let held = SnapshotDesktop::new("Running").end_users([format!("p{i}")]);
        fleet.insert(format!("x{i}"), held).expect("distinct IDs");
    }
    let desktops = (0..k)
        .map(|i| format!("y{i}"))
        .chain((0..k).map(|i| format!("x{i}")));
    let users = (0..k)
        .map(|i| format!("p{i}"))
        .chain((0..k).map(|i| format!("q{i}")));
    let request = Request::new("cn-hangzhou", desktops, users)
        .max_user_per_desktop(1)
        .check()
        .expect("a valid request");
    (request, fleet)
}

/// Family `e2` with `u` users, `u(u − 1)/2` desktops: see the module's documentation.
fn family_e2(u: usize) -> (CheckedRequest, Fleet) {
    let mut fleet = Fleet::new();
    let mut desktops = Vec::new();
    for i in 0..u {
        for j in i + 1..u {
            let id = format!("d-{i}-{j}");
            let held =
                SnapshotDesktop::new("Running").end_users([format!("u{i}"), format!("u{j}")]);
            fleet.insert(id.clone(), held).expect("distinct IDs");
            desktops.push(id);
        }
    }
    let request = Request::new("cn-hangzhou", desktops, (0..u).map(|i| format!("u{i}")))
        .max_user_per_desktop(1)
        .max_desktop_per_user(u as u32 - 1)
        .strategy(Strategy::Central)
        .check()
        .expect("a valid request");
    (request, fleet)
}

type Family = fn(usize) -> (CheckedRequest, Fleet);

/// `<name>/plan_against/<n>` and `<name>/plan_sticky/<n>` for a family's input of `size`
/// (`n` desktops), the sticky plan keeping `kept` pairs (checked once).
fn bench_family(
    group: &mut BenchmarkGroup<'_, WallTime>,
    name: &str,
    family: Family,
    size: usize,
    kept: u64,
) {
    let input = OnceCell::new();
    let input = || {
        input.get_or_init(|| {
            let (request, fleet) = family(size);
            let sticky = plan_sticky(&request, &fleet).expect("fits");
            assert_eq!(Changes::new(&request, &fleet, &sticky).pairs_kept, kept);
            (request, fleet)
        })
    };
    let n = if name == "e2" {
        size * (size - 1) / 2
    } else {
        size
    };
    group.throughput(Throughput::Elements(n as u64));
    for sticky in [false, true] {
        let planner = if sticky { plan_sticky } else { plan_against };
        let label = if sticky {
            "plan_sticky"
        } else {
            "plan_against"
        };
        group.bench_function(format!("{name}/{label}/{n}"), |b| {
            let (request, fleet) = input();
            b.iter(|| {
                let planned = planner(request, fleet).expect("fits");
                assert_eq!(planned.plan().assignments(), n);
                black_box(planned)
            })
        });
    }
}

fn bench_sticky(c: &mut Criterion) {
    let mut group = c.benchmark_group("sticky");
    group.sample_size(10);
    let mut sizes = vec![10_000usize, 100_000];
    if std::env::var_os("EDS_BENCH_1M").is_some_and(|v| v == "1") {
        sizes.push(1_000_000);
    }
    for n in sizes {
        if n >= 1_000_000 {
            // One run a sample: a run takes about a second.
            group.sampling_mode(SamplingMode::Flat);
        }
        let input = OnceCell::new();
        let input = || {
            input.get_or_init(|| {
                let (request, fleet) = churned(n);
                let kept = |plan| Changes::new(&request, &fleet, &plan).pairs_kept;
                let sticky = kept(plan_sticky(&request, &fleet).expect("fits"));
                let canonical = kept(plan_against(&request, &fleet).expect("fits"));
                // 1% of the users left: every other pair can be kept, and is.
                assert_eq!(sticky, (n - n / 100) as u64);
                assert!(canonical < sticky, "{canonical} >= {sticky}");
                (request, fleet)
            })
        };
        group.throughput(Throughput::Elements(n as u64));
        group.bench_function(format!("plan_against/{n}"), |b| {
            let (request, fleet) = input();
            b.iter(|| {
                let planned = plan_against(request, fleet).expect("fits");
                assert_eq!(planned.plan().assignments(), n);
                black_box(planned)
            })
        });
        group.bench_function(format!("plan_sticky/{n}"), |b| {
            let (request, fleet) = input();
            b.iter(|| {
                let planned = plan_sticky(request, fleet).expect("fits");
                assert_eq!(planned.plan().assignments(), n);
                black_box(planned)
            })
        });
    }
    group.sampling_mode(SamplingMode::Auto);
    let big = std::env::var_os("EDS_BENCH_1M").is_some_and(|v| v == "1");
    for n in [10_000usize, 100_000]
        .into_iter()
        .chain(big.then_some(1_000_000))
    {
        if n >= 1_000_000 {
            group.sampling_mode(SamplingMode::Flat);
        }
        // Every pair can be kept: y_i keeps q_i, x_i keeps p_i.
        bench_family(&mut group, "e1", family_e1, n, n as u64);
    }
    group.sampling_mode(SamplingMode::Auto);
    for u in [141usize, 450] {
        // `T = u(u − 1)/2` pairs: `full = ⌊T/(u − 1)⌋` users served with `u − 1` desktops,
        // one with `rest`. Every desktop with a served user keeps one pair, and the partly
        // served user keeps `rest` of the desktops among the others: the optimum.
        let pairs = |k: usize| k * k.saturating_sub(1) / 2;
        let (full, rest) = (pairs(u) / (u - 1), pairs(u) % (u - 1));
        let kept = pairs(u) - pairs(u - full) + rest.min(u - full - 1);
        bench_family(&mut group, "e2", family_e2, u, kept as u64);
    }
    group.finish();
}

criterion_group!(benches, bench_sticky);
criterion_main!(benches);
