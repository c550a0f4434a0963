//! Arbitrary bytes as a JSON request: parse, check, plan, verify, serialise.
#![no_main]

#[path = "../harness.rs"]
mod harness;

libfuzzer_sys::fuzz_target!(|data: &[u8]| harness::request_json(data));
