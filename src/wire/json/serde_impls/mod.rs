//! Every `Serialize` and `Deserialize` impl of the crate's types, by layer: `types.rs` (the
//! core's plain types: [`Strategy`](crate::Strategy), [`Status`](crate::Status)'s
//! `Deserialize`, [`Field`](crate::Field), [`Limit`](crate::Limit),
//! [`IdList`](crate::IdList), [`Plan`](crate::Plan),
//! [`Capacity`](crate::Capacity)), `request.rs` ([`Request`](crate::Request),
//! [`CheckedRequest`](crate::CheckedRequest)), `response.rs` (the API's response body:
//! [`Response`](crate::Response), [`FleetResponse`](crate::fleet::FleetResponse) and
//! [`Status`](crate::Status)'s `Serialize`, through one body writer), `fleet.rs` (the change
//! report's items and totals).

mod fleet;
mod request;
mod response;
mod types;
