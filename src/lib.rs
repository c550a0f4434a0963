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
for (desktop, users) in plan.by_id(&request) {
    assert_eq!(users.collect::<Vec<_>>(), ["Alice"], "{desktop}");
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

* [`contract`] is the contract the crate keeps, in numbered sections (§1 request, §2 plan
  and its seven guarantees, §3 response, §4 command line, §5 capacity, §6 fleet snapshot,
  §7 sticky re-planning, §8 execution, §9 performance), cited as "the contract, §N"
  throughout; it is `docs/contract.md` in the package.
* [`Request`] is the API's request; [`Request::check`] validates it into a
  [`CheckedRequest`], or says what is wrong with an [`Error`] that names the parameter, the
  value and the position. A checked request cannot fail to plan.
* [`plan`] makes the canonical plan ([the contract](contract), §2) as a [`Plan`] of indices into the request's
  lists; [`plan_shape`] does the same from a [`Shape`], which holds the counts and limits
  and answers, in `O(1)`, every count the plan would show.
* [`try_plan_rows`] makes the same plan one desktop at a time, as [`PlanRows`], for writers
  that stream the response (`wire::write_json_rows`, feature `serde`): memory then depends on the request,
  not on the number of pairs. [`try_plan`] and [`try_plan_rows`] return an error where memory
  cannot be had, never abort.
* [`capacity()`] answers, in `O(1)` and without IDs, what a plan of a [`Shape`] would do
  ([the contract](contract), §5): how many users are fully served, partly served or left out, how many desktops
  stay idle, and how many desktops every user would need; [`Shape::binding`] says which
  limit bound the plan.
* [`verify()`] checks any plan against the seven guarantees and says which one fails, and where,
  as a [`Violation`].
* [`Response`] is the API's response body; with the `serde` feature (on by default) it
  serialises with the API's field names in the API's order, and [`wire`] reads requests
  from JSON and writes responses.
* [`wire`] also reads and writes the RPC query form (`RegionId=…&DesktopId.1=…`), as the
  SDKs send it, and (feature `csv`) lists of IDs from CSV files.

# Layers

The items above are the core: a request, its plan, its checker and its response, with no
I/O. Two layers build on it, each a module, and the core imports neither:

* [`fleet`] plans against the fleet as it is ([the contract](contract), §6 and §7): a
  `DescribeDesktops` snapshot ([`fleet::Fleet`]), which desktops a call can change
  ([`fleet::Eligibility`]), [`fleet::plan_against`] and [`fleet::plan_sticky`] with their
  checkers [`fleet::verify_against`] and [`fleet::verify_sticky`], the change report
  ([`fleet::desktop_changes`]) and the response body of such a plan
  ([`fleet::FleetResponse`]).
* [`execute`] carries a plan out ([the contract](contract), §8): [`execute::calls()`] turns a plan (an
  [`execute::PlanResponse`], read by `wire::plan_from_json`) into the
  [`execute::ModifyEntitlement`] and [`execute::ModifyUserEntitlement`] calls that make it
  real exactly, with the grouping rule documented there, in waves that survive a service
  that assigns in the background (§8.1); [`execute::calls_with`] adds make-before-break
  ([`execute::CallOptions`]), and with a snapshot leaves out the desktops that cannot be
  changed now ([`execute::Calls::unchangeable`]); [`execute::PlanResponse::into_calls`]
  makes them without copying the plan's IDs. [`execute::compare_with_fleet`] checks a
  snapshot taken afterwards against the plan (§8.2). [`execute::Task`] models the task of a
  `Preview: false` plan and [`execute::PollPolicy`] the API doc's polling advice, without a
  clock.

[`wire`] holds every wire form of the core and both layers (JSON, the query form, CSV), and
the `report` module (feature `report`) the text and the review page the command line shows people.
Before these modules, the fleet and execution items were at the crate root; those paths
still compile in 0.1.x, and are hidden from these docs.
# Embedding in a service

A service checks with a budget ([`CheckOptions::max_assignments`]) and, if it runs its own
workers, on its own thread ([`CheckOptions::parallel`]); maps any rejection to its own
answer through [`Error::field`], [`Error::position`] and [`Error::value`]; keeps the request
with [`Request::check_ref`]; changes a checked request's strategy or `Preview` without a
second check; reads a plan by ID with [`Plan::by_id`] and turns a response's IDs back into a
plan for [`verify()`] with [`Plan::from_ids`]. With the `serde` feature the request, its
checked form, [`Strategy`], [`Limit`], [`Plan`], [`Status`] and [`Field`] are `Serialize`
and `Deserialize`, so they fit in the service's own types; a [`CheckedRequest`] is checked
as it is deserialized. `Debug` of a request or a plan shows a few IDs, not a million.

```
use eds_entitlement::{plan, verify, CheckOptions, Field, Plan, Request, Strategy};

let options = CheckOptions::new().max_assignments(100_000).parallel(false);

// A rejection, mapped to the service's own answer; the request is kept to mend.
let mut request = Request::new("cn-hangzhou", ["ecd-1", "ecd-2", "ecd-1"], ["Alice", "Bob"]);
let error = request.check_ref(&options).unwrap_err();
assert_eq!(
    (error.field(), error.position(), error.value()),
    (Some(Field::DesktopId), Some(3), Some("ecd-1"))
);
request.desktop_ids = ["ecd-1", "ecd-2", "ecd-3"].into_iter().collect();
let average = request.max_user_per_desktop(1).check_with(&options)?;

// Another strategy, without checking every ID again.
let central = average.clone().with_strategy(Strategy::Central);
let plan = plan(&central);
let rows: Vec<(&str, Vec<&str>)> =
    plan.by_id(&central).map(|(desktop, users)| (desktop, users.collect())).collect();
assert_eq!(rows[2], ("ecd-3", vec!["Alice"]));

// A plan made elsewhere, by IDs, checked against the contract.
let theirs = Plan::from_ids(&central, rows.iter().map(|(d, u)| (*d, u.iter().copied())))?;
verify(&central, &theirs)?;
# Ok::<(), Box<dyn std::error::Error>>(())
```

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
  `alloc`: the planner, the checker, [`capacity()`], the query form, [`Error`] (a
  `core::error::Error`, the same trait as `std::error::Error`) and the fleet data model. With it, [`Request::check`]
  checks two long ID lists on two threads.
* `serde` (default; implies `std`): the JSON wire form, in [`wire`]; `Serialize` for
  [`Response`]; `Serialize` and `Deserialize` for [`Request`], [`CheckedRequest`],
  [`Strategy`], [`Limit`], [`Plan`], [`Status`], [`Field`], [`IdList`] and [`Capacity`].
* `csv` (implies `std`): `wire::ids_from_csv` reads lists of IDs from CSV files.
* `report` (implies `std`): the `report` module, the text the command line prints for people,
  and its change review page (one self-contained HTML file, `--output html`).
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
mod eligibility;
// The contract's text is `docs/contract.md`, part of the package: the same page on a clone,
// in the package and on docs.rs.
#[doc = include_str!("../docs/contract.md")]
pub mod contract {}
mod error;
pub mod execute;
pub mod fleet;
mod ids;
mod limit;
mod planner;
#[cfg(feature = "report")]
pub mod report;
mod request;
mod response;
mod shape;
mod status;
mod verify;
pub mod wire;
mod word;

pub use by_id::{ById, EndUserIds};
pub use capacity::{capacity, Binding, Capacity};
pub use error::{
    CsvProblem, Error, Field, IdProblem, IndexProblem, LimitProblem, PlanProblem, PlanShape,
    QueryProblem, SnapshotProblem, SHOWN_CHARS,
};
pub use ids::{id_problem, IdList, Iter as IdIter};
pub use limit::{Limit, Strategy};
pub use planner::{
    plan, plan_shape, try_plan, try_plan_rows, try_plan_shape, Plan, PlanRows, Rows,
};
pub use request::{CheckOptions, CheckedRequest, Request};
pub use response::{ApiId, Response};
pub use shape::{Shape, ShapeBuilder};
pub use status::Status;
pub use verify::{verify, Violation};

// The fleet and execution layers' items at their old root paths, for 0.1.x: their homes are
// the `fleet` and `execute` modules.
#[doc(hidden)]
pub use execute::{
    baseline_calls, calls, calls_with, compare_with_fleet, shell_quote, Call, CallOptions, Calls,
    Comparison, HeldBack, Mismatch, MismatchReason, ModifyEntitlement, ModifyUserEntitlement,
    PlanResponse, PlannedDesktop, PollPolicy, Task, Unchangeable, Waits, API_VERSION,
    MAX_IDS_PER_CALL,
};
#[doc(hidden)]
pub use fleet::{
    desktop_changes, plan_against, plan_sticky, plan_sticky_bytes, plan_sticky_caps,
    plan_sticky_shape, verify_against, verify_sticky, Changes, DesktopChange, DesktopChanges,
    Eligibility, Fleet, FleetPlan, FleetResponse, Origin, SnapshotDesktop, UserCaps,
};

/// `#[must_use]` holds where a result is easy to drop by mistake: each `compile_fail` below
/// drops one, under `#![deny(unused_must_use)]`, and the first example, which keeps them
/// all, compiles.
///
/// ```
/// #![deny(unused_must_use)]
/// use eds_entitlement::{plan, CheckOptions, Request};
/// let request = Request::new("cn-hangzhou", ["d"], ["u"]);
/// let _ = request.clone().max_user_per_desktop(1);
/// let _ = CheckOptions::new().parallel(false);
/// let checked = request.check().unwrap();
/// let _ = checked.clone().with_preview(false);
/// let _ = plan(&checked);
/// let _ = Request::new("CN", ["d"], ["u"]).check().unwrap_err().field();
/// ```
///
/// A setter's result dropped (the request is unchanged):
///
/// ```compile_fail
/// #![deny(unused_must_use)]
/// let request = eds_entitlement::Request::new("cn-hangzhou", ["d"], ["u"]);
/// request.clone().max_user_per_desktop(1);
/// ```
///
/// An option dropped:
///
/// ```compile_fail
/// #![deny(unused_must_use)]
/// eds_entitlement::CheckOptions::new().parallel(false);
/// ```
///
/// A changed checked request dropped:
///
/// ```compile_fail
/// #![deny(unused_must_use)]
/// let checked = eds_entitlement::Request::new("cn-hangzhou", ["d"], ["u"]).check().unwrap();
/// checked.clone().with_preview(false);
/// ```
///
/// A plan dropped:
///
/// ```compile_fail
/// #![deny(unused_must_use)]
/// let checked = eds_entitlement::Request::new("cn-hangzhou", ["d"], ["u"]).check().unwrap();
/// eds_entitlement::plan(&checked);
/// ```
///
/// An accessor's answer dropped:
///
/// ```compile_fail
/// #![deny(unused_must_use)]
/// let error = eds_entitlement::Request::new("CN", ["d"], ["u"]).check().unwrap_err();
/// error.field();
/// ```
#[cfg(doctest)]
struct MustUse;

/// `#[non_exhaustive]` holds on the request, the capacity figures, the enums that mirror the
/// API's values and the error variants that may grow, so that adding to them is not a
/// breaking change. Built through their constructors and matched with a wildcard, they
/// compile:
///
/// ```
/// use eds_entitlement::{capacity, Error, Request, Shape, Status, Strategy};
/// let request = Request::new("cn-hangzhou", ["d"], ["u"]).max_user_per_desktop(1);
/// let figures = capacity(&Shape::builder().desktops(1).users(1).build());
/// let name = match Strategy::Central { Strategy::Average => "a", Strategy::Central => "c", _ => "?" };
/// let done = match Status::Finished { Status::Finished => true, _ => false };
/// let error = Request::new("cn-hangzhou", ["d"], ["u"]).check_with(
///     &eds_entitlement::CheckOptions::new().max_assignments(0),
/// ).unwrap_err();
/// assert!(matches!(error, Error::TooManyAssignments { max: 0, .. }));
/// # let _ = (request, figures, name, done);
/// ```
///
/// A request by struct literal:
///
/// ```compile_fail
/// let request = eds_entitlement::Request {
///     region_id: "cn-hangzhou".into(), desktop_ids: ["d"].into_iter().collect(),
///     end_user_ids: Default::default(), max_user_per_desktop: None,
///     max_desktop_per_user: None, strategy: Default::default(), preview: true,
/// };
/// ```
///
/// Capacity figures by struct literal:
///
/// ```compile_fail
/// let figures = eds_entitlement::Capacity { desktops: 1, ..Default::default() };
/// ```
///
/// A match on the strategy without a wildcard:
///
/// ```compile_fail
/// use eds_entitlement::Strategy;
/// let name = match Strategy::Central { Strategy::Average => "a", Strategy::Central => "c" };
/// ```
///
/// A match on the status without a wildcard:
///
/// ```compile_fail
/// use eds_entitlement::Status;
/// let done = match Status::Finished {
///     Status::NotStarted | Status::Started | Status::Processing | Status::Failed => false,
///     Status::Finished => true,
/// };
/// ```
///
/// A variant that may grow, matched without `..`:
///
/// ```compile_fail
/// use eds_entitlement::Error;
/// fn max(error: Error) -> Option<u64> {
///     match error {
///         Error::TooManyAssignments { desktops: _, users: _, assignments: _, max } => Some(max),
///         _ => None,
///     }
/// }
/// ```
#[cfg(doctest)]
struct NonExhaustive;

/// The README's examples run as doc tests, so that they stay true.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;
