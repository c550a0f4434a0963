//! The wire forms of the API: how requests arrive and responses leave.
//!
//! Only this module knows of serde and JSON; the planner and the checker know nothing of
//! them.

mod compact;
mod json;

pub use json::{from_json, to_json_string, write_json};
