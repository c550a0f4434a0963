//! Arbitrary bytes as a plan body: read, turn into calls, apply them, compare with the plan.
#![no_main]

#[path = "../harness.rs"]
mod harness;

libfuzzer_sys::fuzz_target!(|data: &[u8]| harness::plan_calls(data));
