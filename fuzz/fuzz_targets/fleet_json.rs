//! Arbitrary bytes as a DescribeDesktops snapshot: read (whole and streamed), plan
//! against it, verify, report.
#![no_main]

#[path = "../harness.rs"]
mod harness;

libfuzzer_sys::fuzz_target!(|data: &[u8]| harness::fleet_json(data));
