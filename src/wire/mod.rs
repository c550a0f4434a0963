//! The wire forms of the API: how requests arrive and responses leave.
//!
//! Only this module knows of wire formats; the planner and the checker know nothing of
//! them. The RPC query form needs no dependency; the JSON form needs the `serde` feature,
//! and CSV lists of IDs the `csv` feature.

#[cfg(feature = "serde")]
mod calls;
#[cfg(feature = "serde")]
mod compact;
#[cfg(feature = "serde")]
mod fleet;
#[cfg(feature = "serde")]
mod fleet_json;
#[cfg(feature = "serde")]
mod json;
mod limit;
#[cfg(feature = "serde")]
mod plan;
mod query;
#[cfg(feature = "serde")]
mod types;

#[cfg(feature = "serde")]
pub use calls::write_call_json;
#[cfg(feature = "serde")]
pub use fleet::{fleet_from_json, FleetReader};
#[cfg(feature = "serde")]
pub use fleet_json::{write_changes_json, write_fleet_json};
#[cfg(feature = "serde")]
pub use json::{from_json, to_json_string, write_json, write_json_rows};
pub use limit::read_limit;
#[cfg(feature = "serde")]
pub use plan::plan_from_json;
pub(crate) use query::encode as encode_query_value;
pub use query::{from_query, to_query};

#[cfg(feature = "csv")]
mod csv;

#[cfg(feature = "csv")]
pub use self::csv::ids_from_csv;
