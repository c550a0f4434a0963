//! Arbitrary bytes as a CSV file of IDs: read, and what is read is a valid list that
//! reads back the same.
#![no_main]

#[path = "../harness.rs"]
mod harness;

libfuzzer_sys::fuzz_target!(|data: &[u8]| harness::csv_ids(data));
