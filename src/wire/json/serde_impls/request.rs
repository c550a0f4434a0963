//! `Serialize` and `Deserialize` for the request and the checked request: the API's JSON
//! form, read by the request reader (`request.rs`) from any serde format.

use serde::de::{self, Deserialize, Deserializer};
use serde::{Serialize, Serializer};

use crate::request::{CheckedRequest, Request};

/// The API's JSON form of a request, from any serde format (as [`from_json`](crate::wire::from_json) reads JSON):
/// the API's parameter names, `null` or absent for an unset parameter. The request is not
/// checked here: deserialize a [`CheckedRequest`] to check it as it is read.
///
/// A rejection is the deserializer's error, whose message is the [`Error`](crate::Error)'s.
impl<'de> Deserialize<'de> for Request {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Request, D::Error> {
        super::super::request::from_deserializer(deserializer)
    }
}

/// The API's JSON form, as the SDKs' `to_map()` writes it: every parameter by the API's
/// name, in the API's order, limits left out when unset. [`from_json`](crate::wire::from_json) and
/// `Deserialize` read it back as the same request.
impl Serialize for Request {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let limits = usize::from(self.max_user_per_desktop.is_some())
            + usize::from(self.max_desktop_per_user.is_some());
        let mut map = serializer.serialize_map(Some(5 + limits))?;
        map.serialize_entry("RegionId", &self.region_id)?;
        if let Some(limit) = self.max_user_per_desktop {
            map.serialize_entry("MaxUserPerDesktop", &limit)?;
        }
        if let Some(limit) = self.max_desktop_per_user {
            map.serialize_entry("MaxDesktopPerUser", &limit)?;
        }
        map.serialize_entry("Strategy", &self.strategy)?;
        map.serialize_entry("DesktopId", &self.desktop_ids)?;
        map.serialize_entry("EndUserId", &self.end_user_ids)?;
        map.serialize_entry("Preview", &self.preview)?;
        map.end()
    }
}

/// A request checked as it is read: [`Request`]'s `Deserialize`, then
/// [`Request::check`] with the default options. A request that fails a check is the
/// deserializer's error, whose message is the [`Error`](crate::Error)'s: an embedder's own
/// `Deserialize` type with a `CheckedRequest` field cannot hold an unchecked request.
impl<'de> Deserialize<'de> for CheckedRequest {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<CheckedRequest, D::Error> {
        Request::deserialize(deserializer)?
            .check()
            .map_err(de::Error::custom)
    }
}

/// As the [`Request`] it was checked from.
impl Serialize for CheckedRequest {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.as_request().serialize(serializer)
    }
}
