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

// The API's response body, field for field.
let response = Response::new(&request, &plan);
let json = eds_entitlement::wire::to_json_string(&response)?;
assert!(json.starts_with(r#"{"RequestId":""#));
assert!(json.contains(r#""AssignModels":[{"DesktopId":"ecd-1","InnerStatus":"FINISHED","EndUserIds":["Alice"]}"#));
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

* `serde` (default): the JSON wire form, in [`wire`], and `Serialize` for [`Response`].
* `csv` (default, through `cli`): [`wire::ids_from_csv`] reads lists of IDs from CSV files.
* `cli` (default): the `eds-entitlement` command line and its argument parser, and
  [`report`], the text it prints for people. Embedders
  that only plan use `default-features = false`.

The RPC query form ([`wire::from_query`], [`wire::to_query`]) needs no feature.
*/

#![deny(missing_docs)]

extern crate alloc;

mod capacity;
mod error;
mod fleet;
mod ids;
mod planner;
#[cfg(feature = "cli")]
pub mod report;
mod request;
mod response;
mod shape;
mod sticky;
mod verify;
pub mod wire;

pub use capacity::{capacity, Binding, Capacity};
pub use error::{CsvProblem, Error, Field, IndexProblem, LimitProblem, QueryProblem, SHOWN_CHARS};
pub use fleet::{Eligibility, Fleet, FleetPlan, Origin, SnapshotDesktop};
pub use ids::{IdList, Iter as IdIter};
pub use planner::{plan, plan_shape, try_plan, try_plan_shape, Plan};
pub use request::{CheckOptions, CheckedRequest, Limit, Request, Strategy};
pub use response::{ApiId, Response, Status};
pub use shape::Shape;
pub use sticky::plan_sticky_shape;
pub use verify::{verify, Violation};

/// The README's examples run as doc tests, so that they stay true.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;
