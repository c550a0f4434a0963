/*!
Plans how a batch of cloud desktops is assigned to a batch of end users, as Alibaba Cloud
Elastic Desktop Service's `BatchModifyEntitlement` operation describes it.

The planner is pure and deterministic: desktop IDs, user IDs, `MaxUserPerDesktop`,
`MaxDesktopPerUser` and a [`Strategy`] in, the API's `AssignModels` out, the same bytes for
the same request on every platform. Its core does no I/O and needs no serde.

```
use eds_entitlement::{plan, verify, Request, Response, Strategy};

// Three desktops, two users, one user per desktop, users served one by one.
let request = Request::new("cn-hangzhou", ["ecd-1", "ecd-2", "ecd-3"], ["Alice", "Bob"])
    .max_user_per_desktop(1)
    .strategy(Strategy::Central)
    .check()?;

// The canonical plan of the contract: Alice takes all three.
let plan = plan(&request);
assert_eq!(plan.assignments(), 3);
for (desktop, users) in request.desktop_ids().iter().zip(plan.iter()) {
    let names: Vec<&str> = users.iter().map(|&j| &request.end_user_ids()[j as usize]).collect();
    assert_eq!(names, ["Alice"], "{desktop}");
}

// The checker proves the plan meets the seven guarantees, without the planner.
verify(&request, &plan)?;

// The API's response body, field for field; as JSON with the `serde` feature (a default).
let response = Response::new(&request, &plan);
#[cfg(feature = "serde")]
{
    let json = eds_entitlement::wire::to_json_string(&response);
    assert!(json.starts_with(r#"{"RequestId":""#));
    assert!(json.contains(r#""AssignModels":[{"DesktopId":"ecd-1","InnerStatus":"FINISHED","EndUserIds":["Alice"]}"#));
}
# Ok::<(), Box<dyn std::error::Error>>(())
```

# Contents

* [`Request`] is the API's request; [`Request::check`] validates it into a
  [`CheckedRequest`], or says what is wrong with an [`Error`] that names the parameter, the
  value and the position. A checked request cannot fail to plan.
* [`plan`] makes the canonical plan (SPEC §2) as a [`Plan`] of indices into the request's
  lists; [`plan_shape`] does the same from a [`Shape`], which holds the counts and limits
  and answers, in `O(1)`, every count the plan would show.
* [`capacity`] answers, in `O(1)` and without IDs, what a plan of a [`Shape`] would do
  (SPEC §5): how many users are fully served, partly served or left out, how many desktops
  stay idle, and how many desktops every user would need; [`Shape::binding`] says which
  limit bound the plan.
* [`verify`] checks any plan against the seven guarantees and says which one fails, and where,
  as a [`Violation`].
* [`Response`] is the API's response body; with the `serde` feature (on by default) it
  serialises with the API's field names in the API's order, and [`wire`] reads requests
  from JSON and writes responses.
* [`calls`] turns a plan (a [`PlanResponse`], read by `wire::plan_from_json`) into the
  [`ModifyEntitlement`] and [`ModifyUserEntitlement`] calls that carry it out exactly (the
  contract, §8), with the grouping rule documented there; [`Task`] models the task of a
  `Preview: false` plan and [`PollPolicy`] the API doc's polling advice, without a clock.
* [`wire`] also reads and writes the RPC query form (`RegionId=…&DesktopId.1=…`), as the
  SDKs send it, and (feature `csv`) lists of IDs from CSV files.

# How the request is read

* An absent limit and a limit of `0` both mean "no limit". Limits above 500, the API's
  maximum, are rejected, never clamped.
* `T = min(n·k', u·m')` pairs are planned, where `k' = min(MaxUserPerDesktop, u)` and
  `m' = min(MaxDesktopPerUser, n)`: the most the limits allow.
* The plan is the complete list of users each listed desktop has after the call: the call
  replaces a desktop's users, as `ModifyEntitlement` documents for one desktop. A desktop
  planned for no user gets `EndUserIds: []`.

# Features

* `std` (default): the standard library. Without it the crate is `#![no_std]` and needs only
  `alloc`: the planner, the checker, [`capacity`], the query form, [`Error`] (which then
  implements `core::error::Error`) and the fleet data model. With it, [`Request::check`]
  checks two long ID lists on two threads.
* `serde` (default; implies `std`): the JSON wire form, in [`wire`], and `Serialize` for
  [`Response`].
* `csv` (implies `std`): `wire::ids_from_csv` reads lists of IDs from CSV files.
* `report` (implies `std`): the `report` module, the text the command line prints for people.
* `cli` (implies all of the above): the `eds-entitlement` binary and its argument parser.
  It is not a default, so that a library build compiles neither clap nor csv: run the
  command line with `cargo run --release --features cli -- preview FILE`, or install it with
  `cargo install eds-entitlement --features cli`.

Embedders that only plan use `default-features = false`. The RPC query form
([`wire::from_query`], [`wire::to_query`]) needs no feature.
*/
// No std without the `std` feature, except in the unit tests, which std's harness runs.
#![cfg_attr(not(any(feature = "std", test)), no_std)]
#![cfg_attr(docsrs, feature(doc_cfg))]
#![deny(missing_docs)]

extern crate alloc;

mod by_id;
mod capacity;
mod changes;
mod error;
mod execute;
mod fleet;
mod ids;
mod planner;
#[cfg(feature = "report")]
pub mod report;
mod request;
mod response;
mod shape;
mod sticky;
mod task;
mod verify;
pub mod wire;

pub use by_id::{ById, EndUserIds};
pub use capacity::{capacity, Binding, Capacity};
pub use changes::{desktop_changes, Changes, DesktopChange, DesktopChanges};
pub use error::{
    CsvProblem, Error, Field, IndexProblem, LimitProblem, PlanProblem, PlanShape, QueryProblem,
    SnapshotProblem, SHOWN_CHARS,
};
pub use execute::{
    baseline_calls, calls, Call, Calls, ModifyEntitlement, ModifyUserEntitlement, PlanResponse,
    PlannedDesktop, API_VERSION, MAX_IDS_PER_CALL,
};
pub use fleet::{plan_against, Eligibility, Fleet, FleetPlan, Origin, SnapshotDesktop};
pub use ids::{IdList, Iter as IdIter};
pub use planner::{plan, plan_shape, try_plan, try_plan_shape, Plan, Rows};
pub use request::{CheckOptions, CheckedRequest, Limit, Request, Strategy};
pub use response::{ApiId, FleetResponse, Response, Status};
pub use shape::Shape;
pub use sticky::{plan_sticky, plan_sticky_shape};
pub use task::{PollPolicy, Task, Waits};
pub use verify::{verify, verify_against, verify_sticky, Violation};

/// The README's examples run as doc tests, so that they stay true.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;
