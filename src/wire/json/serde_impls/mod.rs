//! `Serialize` and `Deserialize` for the crate's types.

mod types;
