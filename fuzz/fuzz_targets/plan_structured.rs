//! Arbitrary fleet shapes: plan, verify, and the capacity figures against the plan.
#![no_main]

#[path = "../harness.rs"]
mod harness;

libfuzzer_sys::fuzz_target!(|fleet: harness::Fleet| harness::plan_structured(&fleet));
