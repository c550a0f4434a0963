//! Criterion benches of planning against a snapshot (the contract, §6):
//!
//! * `fleet/read/<desktops>` and `fleet/read_streamed/<desktops>`: reading a
//!   `DescribeDesktops` body whose desktops have every field of the SDK's model filled in
//!   (the template is `tests/golden/fleet/sdk_snapshot.json`, made by
//!   `tools/make_snapshot.py`), whole in memory and streamed; throughput in bytes.
//! * `fleet/plan_against/<desktops>`: `plan_against` and the change report's totals for a
//!   request of every desktop and as many users, `MaxUserPerDesktop` 1.
//!
//! The snapshot is built once per size by a seeded generator; each bench checks its result
//! inside the timed loop. `cargo bench --bench fleet -- --test` runs each once (CI does).

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use eds_entitlement::wire::{fleet_from_json, FleetReader};
use eds_entitlement::{plan_against, Changes, Request};
use serde_json::Value;

/// A snapshot body of `n` desktops `ecd-<i>`, each a copy of the SDK fixture's first
/// desktop; one in twenty Stopped, one in twenty Assigning, each with one user of the
/// request's `user<j>` or a former one.
fn snapshot(n: usize) -> Vec<u8> {
    let fixture: Value =
        serde_json::from_str(include_str!("../tests/golden/fleet/sdk_snapshot.json"))
            .expect("the fixture is JSON");
    let template = fixture["Desktops"][0].clone();
    let mut desktops = Vec::with_capacity(n);
    for i in 0..n {
        let mut d = template.clone();
        d["DesktopId"] = Value::from(format!("ecd-{i}"));
        d["DesktopStatus"] = Value::from(if i % 20 == 7 { "Stopped" } else { "Running" });
        let flag = if i % 20 == 13 { "Assigning" } else { "NoFlag" };
        d["ManagementFlag"] = Value::from(flag);
        d["ManagementFlags"] = Value::from(vec![flag]);
        let user = if i % 10 == 3 {
            format!("former{i}")
        } else {
            format!("user{}", (i * 7) % n)
        };
        d["EndUserIds"] = Value::from(vec![user]);
        desktops.push(d);
    }
    let mut body = fixture.clone();
    // One page of the whole listing: its `TotalCount` is its own count (§6.2).
    body["TotalCount"] = Value::from(n);
    body["Desktops"] = Value::from(desktops);
    serde_json::to_vec(&body).expect("serialisable")
}

fn bench_fleet(c: &mut Criterion) {
    let mut group = c.benchmark_group("fleet");
    group.sample_size(10);
    for n in [1_000usize, 10_000] {
        let body = snapshot(n);
        group.throughput(Throughput::Bytes(body.len() as u64));
        group.bench_function(format!("read/{n}"), |b| {
            b.iter(|| {
                let fleet = fleet_from_json([("bench.json", &body)]).expect("valid");
                assert_eq!(fleet.len(), n);
                black_box(fleet)
            })
        });
        group.bench_function(format!("read_streamed/{n}"), |b| {
            b.iter(|| {
                let mut reader = FleetReader::new();
                reader
                    .read_page_from("bench.json", &body[..])
                    .expect("a slice")
                    .expect("valid");
                let fleet = reader.finish();
                assert_eq!(fleet.len(), n);
                black_box(fleet)
            })
        });
        let fleet = fleet_from_json([("bench.json", &body)]).expect("valid");
        let request = Request::new(
            "cn-hangzhou",
            (0..n).map(|i| format!("ecd-{i}")),
            (0..n).map(|j| format!("user{j}")),
        )
        .max_user_per_desktop(1)
        .check()
        .expect("valid");
        group.throughput(Throughput::Elements(n as u64));
        group.bench_function(format!("plan_against/{n}"), |b| {
            b.iter(|| {
                let planned = plan_against(&request, &fleet).expect("fits");
                let totals = Changes::new(&request, &fleet, &planned);
                assert_eq!(totals.desktops, n as u64);
                black_box(totals)
            })
        });
    }
    group.finish();
}

criterion_group!(benches, bench_fleet);
criterion_main!(benches);
