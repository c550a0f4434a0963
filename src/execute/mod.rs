//! The execution layer: carrying a plan out with the single-desktop calls, and checking
//! afterwards that it was ([the contract](crate::contract), §8).
//!
//! It builds on the core and on the [`fleet`](crate::fleet) layer (a snapshot tells which
//! desktops cannot be changed now), and neither imports it:
//!
//! * [`PlanResponse`] is a plan read back from a response body (from JSON by
//!   `wire::plan_from_json`, feature `serde`).
//! * [`calls()`] turns it into the [`ModifyEntitlement`] and [`ModifyUserEntitlement`]
//!   calls ([`Call`]) that make it real exactly, with the grouping rule documented there, in
//!   waves that survive a service that assigns in the background (§8.1); [`calls_with`] adds
//!   make-before-break ([`CallOptions`]), and with a snapshot leaves out the desktops that
//!   cannot be changed now ([`Calls::unchangeable`]). [`Call::to_query`] encodes a call to the
//!   RPC query form.
//! * [`Task`] models the task of a `Preview: false` plan and [`PollPolicy`] the API doc's
//!   polling advice, without a clock.
//! * [`compare_with_fleet`] checks a snapshot taken after the calls against the plan (§8.2),
//!   as a [`Comparison`].
//!
//! ```
//! use eds_entitlement::execute::{calls, PlanResponse, PlannedDesktop};
//!
//! let plan = PlanResponse::new(vec![PlannedDesktop::new("ecd-1", None, ["Alice"])])?;
//! let made = calls(&plan, None, "cn-hangzhou")?;
//! assert_eq!(made.len(), 1);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod calls;
mod carried;
mod task;

pub use self::calls::{
    baseline_calls, calls, calls_with, shell_quote, Call, CallOptions, Calls, HeldBack,
    ModifyEntitlement, ModifyUserEntitlement, PlanResponse, PlannedDesktop, Unchangeable,
    API_VERSION, MAX_IDS_PER_CALL,
};
pub use self::carried::{compare_with_fleet, Comparison, Mismatch, MismatchReason};
pub use self::task::{PollPolicy, Task, Waits};
