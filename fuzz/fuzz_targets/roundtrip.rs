//! Any request: query-form encoding, then parsing, gives the same request.
#![no_main]

#[path = "../harness.rs"]
mod harness;

libfuzzer_sys::fuzz_target!(|request: harness::AnyRequest| harness::roundtrip(&request));
