//! The JSON wire form: every JSON reader and writer of the crate.

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

pub use plan::plan_from_json;
pub use request::{
    from_json, from_json_vec, to_json_string, write_json, write_json_rows, JsonStyle,
};
pub use snapshot::{fleet_from_json, FleetReader, ShortListing};
pub use write_fleet::{write_changes_json, write_fleet_json};
