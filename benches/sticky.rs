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
//! Sizes 10,000 and 100,000; 1,000,000 (10 samples of one run each) only with
//! `EDS_BENCH_1M=1` in the environment: building and checking its input alone takes
//! seconds, too long for CI's `--test` run.
//!
//! The input is built once per size, and only when one of its benches is selected; each
//! bench checks its result inside the timed loop, and the pairs kept are checked once per
//! size. `cargo bench --bench sticky -- --test` runs each once (CI does).

use std::cell::OnceCell;
use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion, SamplingMode, Throughput};
use eds_entitlement::{
    plan_against, plan_sticky, Changes, CheckedRequest, Fleet, Request, SnapshotDesktop,
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
    group.finish();
}

criterion_group!(benches, bench_sticky);
criterion_main!(benches);
