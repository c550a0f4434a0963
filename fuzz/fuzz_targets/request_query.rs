//! Arbitrary bytes as a query-form request: parse, re-encode, check, plan, verify.
#![no_main]

#[path = "../harness.rs"]
mod harness;

libfuzzer_sys::fuzz_target!(|data: &[u8]| harness::request_query(data));
