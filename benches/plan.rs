//! Criterion benches of the planner. Placeholder until the large-fleet work; see README.
fn main() {}
