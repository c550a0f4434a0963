//! The fleet layer: planning against the fleet as it is ([the contract](crate::contract), §6
//! and §7).
//!
//! The core plans a request on its own; this layer adds a `DescribeDesktops` snapshot. It
//! builds on the core (requests, plans, shapes) and the core never imports it:
//!
//! * [`Fleet`] and [`SnapshotDesktop`] are the snapshot's data model, and [`Eligibility`]
//!   says which listed desktops a call can change (§6). Reading a snapshot from JSON lives in
//!   [`wire`](crate::wire) (`wire::fleet_from_json`, feature `serde`).
//! * [`plan_against`] plans a request so that the limits hold on what users will have,
//!   keeping the ineligible desktops' users (§6.1, with [`UserCaps`]'s arithmetic), as a
//!   [`FleetPlan`]; [`plan_sticky`] keeps the most existing pairs as well (§7).
//! * [`verify_against`] and [`verify_sticky`] check those plans; [`desktop_changes`] reports
//!   who gains and who loses a desktop ([`Changes`]); [`FleetResponse`] is the API's
//!   response body for a plan made against a snapshot.
//!
//! ```
//! use eds_entitlement::fleet::{plan_against, verify_against, Fleet, SnapshotDesktop};
//! use eds_entitlement::Request;
//!
//! let request = Request::new("cn-hangzhou", ["ecd-1", "ecd-2"], ["Alice", "Bob"])
//!     .max_user_per_desktop(1)
//!     .check()?;
//! let mut fleet = Fleet::new();
//! fleet.insert("ecd-1", SnapshotDesktop::new("Running").end_users(["Alice"])).unwrap();
//! fleet.insert("ecd-2", SnapshotDesktop::new("Running")).unwrap();
//! let planned = plan_against(&request, &fleet)?;
//! verify_against(&request, &fleet, &planned)?;
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod caps;
mod changes;
mod plan;
mod response;
mod snapshot;
mod sticky;
mod verify;

pub use self::caps::UserCaps;
pub use self::changes::{desktop_changes, Changes, DesktopChange, DesktopChanges};
pub use self::plan::{plan_against, FleetPlan};
pub use self::response::FleetResponse;
pub use self::snapshot::{Eligibility, Fleet, Origin, SnapshotDesktop};
pub use self::sticky::{plan_sticky, plan_sticky_bytes, plan_sticky_caps, plan_sticky_shape};
pub use self::verify::{verify_against, verify_sticky};

// The proofs behind sticky re-planning (the contract, §7): `docs/sticky-proofs.md`.
#[doc = include_str!("../../docs/sticky-proofs.md")]
pub mod sticky_proofs {}
