//! The tests that run the `eds-entitlement` command line: one test binary (Cargo builds it
//! only with the `cli` feature, which builds the command line), one module per subject.

#[path = "../support/mod.rs"]
mod support;

mod bad_input;
mod cli;
mod cli_carry_out;
mod cli_fleet;
mod cli_harden;
mod cli_kept_limits;
mod cli_report;
mod cli_requests;
mod cli_review;
mod cli_snapshot;
mod cli_sticky;
mod cli_wire;
mod hardening;
mod streaming;
