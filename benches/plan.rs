//! Criterion benches of the whole pipeline on synthetic fleets:
//!
//! * `plan/<strategy>/<assignments>`: the planner alone, on a checked request; `n = u`
//!   from 10^3 to 10^6 with `MaxUserPerDesktop` 1, and 10^7 assignments (10^6 desktops,
//!   10^6 users, `MaxUserPerDesktop` 10).
//! * `check/<ids>`: validating a request of `ids` IDs (half desktops, half users), which is
//!   mostly duplicate detection.
//! * `json/parse/<ids>` and `json/write/<assignments>`: the JSON wire form.
//! * `capacity`: the contract's §5 figures, for a thousand shapes.
//!
//! Every bench counts its elements (`Throughput::Elements`) and checks its result inside
//! the timed loop, so the work cannot be optimised away. Fleets come from a seeded
//! generator shaped like `tools/make_fleet.py` (`ecd-` + 15 random characters +
//! the index in hex; `user0000000`): the same IDs on every run. `cargo bench -- --test`
//! runs each bench once (CI does).

use std::collections::HashMap;
use std::hint::black_box;
use std::sync::{Arc, Mutex, OnceLock};

use criterion::{criterion_group, criterion_main, BatchSize, Criterion, Throughput};
use eds_entitlement::{
    capacity, plan, wire, CheckedRequest, IdList, Limit, Request, Response, Shape, Strategy,
};
use rng::SplitMix;

/// The tests' seeded generator, shared with them.
#[path = "../tests/support/rng.rs"]
mod rng;

/// `n` desktop IDs and `u` user IDs, as `make_fleet.py` shapes them.
fn fleet_ids(n: usize, u: usize) -> (IdList, IdList) {
    const CHARS: &[u8; 36] = b"abcdefghijklmnopqrstuvwxyz0123456789";
    let mut rng = SplitMix(n as u64 * 1_000_003 + u as u64);
    let mut desktops = IdList::with_capacity(n, n * 26);
    let mut id = String::with_capacity(32);
    for i in 0..n {
        id.clear();
        id.push_str("ecd-");
        for _ in 0..15 {
            id.push(char::from(CHARS[(rng.next() % 36) as usize]));
        }
        id.push_str(&format!("{i:x}"));
        desktops.push(&id);
    }
    let users = (0..u).map(|j| format!("user{j:07}")).collect();
    (desktops, users)
}

/// A request of `size` desktops and `size` users, built once per size and shared.
fn fleet(size: usize) -> Arc<Request> {
    static FLEETS: OnceLock<Mutex<HashMap<usize, Arc<Request>>>> = OnceLock::new();
    let mut fleets = FLEETS
        .get_or_init(Default::default)
        .lock()
        .expect("no panic");
    fleets
        .entry(size)
        .or_insert_with(|| {
            let (desktop_ids, end_user_ids) = fleet_ids(size, size);
            Arc::new(
                Request::from_id_lists("cn-hangzhou", desktop_ids, end_user_ids)
                    .max_user_per_desktop(1)
                    .max_desktop_per_user(0)
                    .strategy(Strategy::Average)
                    .preview(true),
            )
        })
        .clone()
}

fn checked(size: usize, k: u32, strategy: Strategy) -> CheckedRequest {
    (*fleet(size))
        .clone()
        .max_user_per_desktop(k)
        .strategy(strategy)
        .check()
        .expect("the generator makes valid requests")
}

const SIZES: [usize; 4] = [1_000, 10_000, 100_000, 1_000_000];

fn bench_plan(c: &mut Criterion) {
    let mut group = c.benchmark_group("plan");
    for strategy in [Strategy::Average, Strategy::Central] {
        let name = strategy.as_str().to_ascii_lowercase();
        // n = u = size with MaxUserPerDesktop 1: `size` assignments. Then 10^7: 10^6
        // desktops and users, MaxUserPerDesktop 10.
        let cases = SIZES
            .map(|size| (size, 1))
            .into_iter()
            .chain([(1_000_000, 10)]);
        for (size, k) in cases {
            let request = checked(size, k, strategy);
            let total = request.shape().assignments();
            // Fewer samples for the largest cases, the default for the rest.
            group.sample_size(if size >= 1_000_000 { 10 } else { 100 });
            group.throughput(Throughput::Elements(total));
            group.bench_function(format!("{name}/{total}"), |b| {
                b.iter(|| {
                    let plan = plan(black_box(&request));
                    assert_eq!(plan.assignments() as u64, total);
                    plan
                })
            });
        }
    }
}

fn bench_check(c: &mut Criterion) {
    let mut group = c.benchmark_group("check");
    for size in SIZES {
        let request = fleet(size);
        let ids = 2 * size;
        if size >= 1_000_000 {
            group.sample_size(10);
        }
        group.throughput(Throughput::Elements(ids as u64));
        group.bench_function(ids.to_string(), |b| {
            b.iter_batched(
                || (*request).clone(),
                |request| {
                    let checked = black_box(request).check().expect("valid");
                    assert_eq!(
                        checked.desktop_ids().len() + checked.end_user_ids().len(),
                        ids
                    );
                    checked
                },
                BatchSize::PerIteration,
            )
        });
    }
}

fn bench_json(c: &mut Criterion) {
    let mut group = c.benchmark_group("json");
    for size in SIZES {
        let request = checked(size, 1, Strategy::Average);
        let plan = plan(&request);
        let response = Response::new(&request, &plan);
        if size >= 1_000_000 {
            group.sample_size(10);
        }

        let text = request_json(request.as_request());
        let ids = 2 * size;
        group.throughput(Throughput::Elements(ids as u64));
        group.bench_function(format!("parse/{ids}"), |b| {
            b.iter(|| {
                let read = wire::from_json(black_box(text.as_bytes())).expect("valid");
                assert_eq!(read.end_user_ids.len(), size);
                read
            })
        });

        let total = plan.assignments();
        let mut out = Vec::new();
        group.throughput(Throughput::Elements(total as u64));
        group.bench_function(format!("write/{total}"), |b| {
            b.iter(|| {
                out.clear();
                wire::write_json(black_box(&response), &mut out, false).expect("fits");
                assert_eq!(out.last(), Some(&b'\n'));
                out.len()
            })
        });
    }
}

/// The request as the SDKs send it: compact JSON.
fn request_json(request: &Request) -> String {
    let list = |ids: &IdList| {
        let quoted: Vec<String> = ids.iter().map(|id| format!("\"{id}\"")).collect();
        format!("[{}]", quoted.join(","))
    };
    format!(
        r#"{{"RegionId":"{}","DesktopId":{},"EndUserId":{},"MaxUserPerDesktop":{},"Strategy":"{}","Preview":{}}}"#,
        request.region_id,
        list(&request.desktop_ids),
        list(&request.end_user_ids),
        request.max_user_per_desktop.unwrap_or(0),
        request.strategy,
        request.preview,
    )
}

fn bench_capacity(c: &mut Criterion) {
    let mut rng = SplitMix(42);
    let shapes: Vec<Shape> = (0..1000)
        .map(|i| {
            let strategy = if i % 2 == 0 {
                Strategy::Average
            } else {
                Strategy::Central
            };
            let limit = |r: u64| Limit::new((r % 501) as u32).expect("0..=500");
            Shape::new(
                rng.next() as u32,
                rng.next() as u32,
                limit(rng.next()),
                limit(rng.next()),
                strategy,
            )
        })
        .collect();
    let mut group = c.benchmark_group("capacity");
    group.throughput(Throughput::Elements(shapes.len() as u64));
    group.bench_function(shapes.len().to_string(), |b| {
        b.iter(|| {
            let mut users = 0u64;
            for shape in black_box(&shapes) {
                let figures = capacity(shape);
                assert_eq!(
                    figures.users_full + figures.users_partial + figures.users_unserved,
                    figures.users
                );
                users = users.wrapping_add(figures.users);
            }
            users
        })
    });
}

criterion_group!(benches, bench_plan, bench_check, bench_json, bench_capacity);
criterion_main!(benches);
