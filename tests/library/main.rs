//! The library's tests: one test binary, one module per subject. A module that needs a
//! feature is compiled only with it (its `mod` line says which), so that
//! `cargo test --no-default-features` still runs the planner's own.

#[path = "../support/mod.rs"]
mod support;

mod capacity;
mod check_ids;
#[cfg(feature = "csv")]
mod csv;
mod embedding;
mod examples;
mod execute;
#[cfg(feature = "serde")]
mod fleet_properties;
#[cfg(feature = "serde")]
mod fleet_read;
#[cfg(feature = "serde")]
mod fuzz_regressions;
#[cfg(feature = "serde")]
mod json_read;
#[cfg(feature = "serde")]
mod json_writer;
mod kept_limits;
#[cfg(feature = "serde")]
mod limits;
mod planner_reference;
mod properties;
mod query;
#[cfg(feature = "serde")]
mod serde_both_ways;
mod sticky;
mod sticky_fleet;
mod task;
mod utf16;
