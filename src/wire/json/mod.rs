//! The JSON wire form: every JSON reader and writer of the crate, and every serde impl of
//! its types (feature `serde`). The public items are re-exported by [`wire`](crate::wire);
//! what lives where:
//!
//! | file | what |
//! |---|---|
//! | `request.rs` | the request reader ([`from_json`], [`from_json_vec`]), serde_json's reading and its messages |
//! | `request_fast.rs` | the common request (plain strings and numbers) read by hand, in one pass |
//! | `snapshot.rs` | the snapshot reader ([`FleetReader`], [`fleet_from_json`], [`ShortListing`]): its input streamed or from a file in chunks, its pages, the `TotalCount` listing checks |
//! | `snapshot_seed.rs` | the serde seeds that read a snapshot body, its `Desktops`, each desktop and its fields, and name what is wrong |
//! | `snapshot_split.rs` | the chunked path's scanner: a body split into its desktops and the rest |
//! | `snapshot_desktop.rs` | one desktop of a snapshot read by hand, for the chunked path |
//! | `read_desktop.rs` | what both snapshot paths read of a desktop, and the rules they check |
//! | `plan.rs` | a plan read back ([`plan_from_json`]) |
//! | `found.rs` | the one describer of a value a reader did not expect (`the string "x"`, `an array`), for the three readers |
//! | `place.rs` | line and column to and from a byte, for the readers' messages |
//! | `body.rs` | the API's response body as its writers see it: the head, one source of desktops for both responses, the messages of a plan that does not fit |
//! | `write_response.rs` | [`write_json`], [`write_json_rows`], [`to_json_string`], [`JsonStyle`]; the serde_json writer every serde writer uses |
//! | `response_fast.rs` | the compact response written by hand, byte for byte serde's |
//! | `write_fleet.rs` | [`write_fleet_json`], [`write_changes_json`] (the change report's outer object, a private view) |
//! | `calls.rs` | [`write_call_json`], [`write_calls_json`], [`write_comparison_json`], with their private views |
//! | `serde_impls/` | every `Serialize` and `Deserialize` impl of the crate's types, one file per layer |
//!
//! The private view types that exist for one writer alone (the change report's `Report`,
//! the calls' `JsonCall`, the comparison's `JsonComparison`) stay with that writer.

mod body;
mod calls;
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
mod snapshot_seed;
mod snapshot_split;
mod write_fleet;
mod write_response;

pub use calls::{write_call_json, write_calls_json, write_comparison_json};
pub use plan::{calls_bytes_for, plan_from_json};
pub use request::{from_json, from_json_vec};
pub use snapshot::{fleet_from_json, FleetReader, ShortListing};
pub use write_fleet::{write_changes_json, write_fleet_json};
pub use write_response::{to_json_string, write_json, write_json_rows, JsonStyle};
