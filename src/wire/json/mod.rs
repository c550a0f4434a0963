//! The JSON wire form: every JSON reader and writer of the crate.

mod body;
mod found;
mod place;
mod plan;
mod read_desktop;
mod request;
mod request_fast;
mod response_fast;
mod serde_impls;
mod snapshot;
mod snapshot_desktop;
mod write_fleet;
mod write_response;

pub use plan::plan_from_json;
pub use request::{from_json, from_json_vec};
pub use snapshot::{fleet_from_json, FleetReader, ShortListing};
pub use write_fleet::{write_changes_json, write_fleet_json};
pub use write_response::{to_json_string, write_json, write_json_rows, JsonStyle};
