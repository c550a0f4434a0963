//! Every `Serialize` and `Deserialize` impl of the crate's types, by layer:
//! `types.rs` (the core's plain types: [`Strategy`](crate::Strategy),
//! [`Status`](crate::Status), [`Field`](crate::Field), [`Limit`](crate::Limit),
//! [`IdList`](crate::IdList), [`Plan`](crate::Plan), [`Capacity`](crate::Capacity)),
//! `request.rs` ([`Request`](crate::Request), [`CheckedRequest`](crate::CheckedRequest)),
//! `response.rs` (the API's response body: [`Response`](crate::Response) and
//! [`FleetResponse`](crate::fleet::FleetResponse), through one body writer), `fleet.rs`
//! (the change report's items and totals).

mod fleet;
mod request;
mod response;
mod types;
